fn main() {
    let _ = daplug_macros::payload!("../../../../daplug-macros/tests/ui/fixtures/orders.yml", Invoice { "pk": "a" });
}
