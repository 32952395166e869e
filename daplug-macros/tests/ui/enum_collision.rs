daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/enum-collision.yml");

fn main() {}
