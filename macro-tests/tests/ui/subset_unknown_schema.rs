daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/orders.yml", schemas = ["Ordr"]);

fn main() {}
