// A value of the wrong type for a typed attribute is a compile error.
extern crate daplug_runtime_stub as daplug_runtime;

daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/shipments.yml");

fn main() {
    let _ = daplug_runtime::Query::<Shipment>::new().key_eq(Shipment::QTY, "three");
    let _ = daplug_runtime::Condition::eq(Shipment::CUSTOMER.then(Recipient::EMAIL), 7);
}
