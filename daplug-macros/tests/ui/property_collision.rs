daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/property-collision.yml");

fn main() {}
