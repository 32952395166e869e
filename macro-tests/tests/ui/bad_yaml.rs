daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/bad.yml");

fn main() {}
