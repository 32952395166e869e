daplug_runtime::schema!("fixtures/missing-file.yml");

fn main() {}
