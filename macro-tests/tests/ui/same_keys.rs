daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/same-keys.yml");

fn main() {}
