daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/dangling.yml");

fn main() {}
