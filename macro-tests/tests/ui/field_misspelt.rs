// A misspelt attribute is a compile error, not an empty result at run time.
extern crate daplug_runtime_stub as daplug_runtime;

daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/shipments.yml");

fn main() {
    let _ = daplug_runtime::Query::<Shipment>::new().key_eq(Shipment::STAUTS, "open");
    let _ = daplug_runtime::Condition::exists(Shipment::CUSTOMER.then(Recipient::EMIAL));
}
