daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/alias-cycle.yml");

fn main() {}
