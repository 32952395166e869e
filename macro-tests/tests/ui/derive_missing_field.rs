#[derive(daplug_runtime::DaplugModel)]
#[daplug(schema = "fixtures/orders.yml", name = "Order")]
struct Order {
    pk: String,
}

fn main() {}
