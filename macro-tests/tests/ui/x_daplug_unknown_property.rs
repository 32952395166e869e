daplug_runtime::schema!("fixtures/x-daplug-unknown.yml");

fn main() {}
