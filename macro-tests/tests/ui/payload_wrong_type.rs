fn main() {
    let order = daplug_macros::payload!("../../../../daplug-macros/tests/ui/fixtures/orders.yml", Order {
        "pk": "a",
        "qty": "two",
        "tags": ["x", 3],
        "note": false,
    });
    let _ = order.expect("no follow-on errors");
}
