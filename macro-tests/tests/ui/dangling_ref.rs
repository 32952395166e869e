daplug_runtime::schema!("fixtures/dangling.yml");

fn main() {}
