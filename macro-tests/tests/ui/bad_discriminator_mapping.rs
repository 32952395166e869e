daplug_runtime::schema!("fixtures/bad-mapping.yml");

fn main() {}
