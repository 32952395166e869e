#[derive(daplug_macros::DaplugModel)]
#[daplug(schema = "../../../../daplug-macros/tests/ui/fixtures/orders.yml", name = "Order")]
struct Order {
    #[daplug(hash_key)]
    pk: String,
    qty: String,
    tags: Option<Vec<u32>>,
    colour: Option<String>,
}

fn main() {}
