fn main() {
    let pk = "a";
    let _ = daplug_macros::payload!("../../../../daplug-macros/tests/ui/fixtures/orders.yml", Order { "pk": pk, "qty": 1 });
}
