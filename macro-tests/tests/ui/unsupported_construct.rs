daplug_runtime::schema!("fixtures/unsupported.yml");

fn main() {}
