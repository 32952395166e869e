#[derive(daplug_macros::DaplugModel)]
#[daplug(schema = "../../../../daplug-macros/tests/ui/fixtures/orders.yml", name = "Order")]
struct Order {
    pk: String,
}

fn main() {}
