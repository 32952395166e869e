daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/missing-file.yml");

fn main() {}
