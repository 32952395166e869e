daplug_runtime::schema!("fixtures/same-keys.yml");

fn main() {}
