fn main() {
    let order = daplug_runtime::payload!("fixtures/orders.yml", Order {
        "pk": "a",
        "qty": "two",
        "tags": ["x", 3],
        "note": false,
    });
    let _ = order.expect("no follow-on errors");
}
