daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/does-not-exist.yml");

fn main() {}
