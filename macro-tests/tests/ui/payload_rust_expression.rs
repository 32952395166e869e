fn main() {
    let pk = "a";
    let _ = daplug_runtime::payload!("fixtures/orders.yml", Order { "pk": pk, "qty": 1 });
}
