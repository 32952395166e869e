daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/unsupported.yml");

fn main() {}
