#[derive(daplug_runtime::DaplugModel)]
#[daplug(schema = "fixtures/orders.yml", name = "Order")]
struct Order {
    #[daplug(hash_key)]
    pk: String,
    qty: String,
    tags: Option<Vec<u32>>,
    colour: Option<String>,
}

fn main() {}
