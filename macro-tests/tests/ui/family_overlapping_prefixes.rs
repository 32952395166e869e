daplug_runtime::schema!("fixtures/family-overlap.yml");

fn main() {}
