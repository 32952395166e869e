daplug_runtime::schema!("fixtures/alias-bomb.yml");

fn main() {}
