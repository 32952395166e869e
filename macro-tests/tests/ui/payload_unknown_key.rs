fn main() {
    let _ = daplug_runtime::payload!("fixtures/orders.yml", Order {
        "pk": "a",
        "qty": 1,
        "quantity": 2,
    });
}
