daplug_runtime::schema!("fixtures/bad-default.yml");

fn main() {}
