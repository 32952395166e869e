// A request names its own model's attributes and indexes, and a nested path follows the schema.
extern crate daplug_runtime_stub as daplug_runtime;

daplug_macros::schema!("../../../../daplug-macros/tests/ui/fixtures/shipments.yml");

fn main() {
    let _ = daplug_runtime::Query::<Shipment>::new().key_eq(Parcel::PK, "p");
    let _ = daplug_runtime::Query::<Shipment>::new().index(ParcelIndex::WeightIndex);
    let _ = Shipment::CUSTOMER.then(Shipment::QTY);
}
