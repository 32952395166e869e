fn main() {
    let _ = daplug_macros::payload!("../../../../daplug-macros/tests/ui/fixtures/orders.yml", Order {
        "pk": "a",
        "qty": 1,
        "quantity": 2,
    });
}
