fn main() {
    let _ = daplug_runtime::payload!("fixtures/orders.yml", Invoice { "pk": "a" });
}
