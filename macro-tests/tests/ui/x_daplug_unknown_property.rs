daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/x-daplug-unknown.yml");

fn main() {}
