fn main() {
    let _ = daplug_runtime::payload!("fixtures/orders.yml", Order { "qty": 1 });
}
