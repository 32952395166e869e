daplug_runtime::schema!("fixtures/does-not-exist.yml");

fn main() {}
