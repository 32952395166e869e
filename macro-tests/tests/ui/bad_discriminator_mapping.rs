daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/bad-mapping.yml");

fn main() {}
