daplug_runtime::schema!("fixtures/orders.yml", schemas = ["Ordr"]);

fn main() {}
