daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/schema-collision.yml");

fn main() {}
