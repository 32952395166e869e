// A misspelt attribute is a compile error, not an empty result at run time.
use daplug_runtime::{Condition, Repository};

daplug_runtime::schema!("fixtures/shipments.yml");

fn main() {
    let _ = queries;
}

fn queries(shipments: Repository<Shipment>) {
    let _ = shipments.query().key_eq(Shipment::STAUTS, "open");
    let _ = Condition::exists(Shipment::CUSTOMER.then(Recipient::EMIAL));
}
