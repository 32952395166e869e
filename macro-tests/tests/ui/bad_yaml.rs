daplug_runtime::schema!("fixtures/bad.yml");

fn main() {}
