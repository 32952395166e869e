daplug_runtime::schema!("fixtures/alias-cycle.yml");

fn main() {}
