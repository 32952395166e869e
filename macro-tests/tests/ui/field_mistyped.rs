// A value of the wrong type for a typed attribute is a compile error.
use daplug_runtime::{Condition, Repository};

daplug_runtime::schema!("fixtures/shipments.yml");

fn main() {
    let _ = queries;
}

fn queries(shipments: Repository<Shipment>) {
    let _ = shipments.query().key_eq(Shipment::QTY, "three");
    let _ = Condition::eq(Shipment::CUSTOMER.then(Recipient::EMAIL), 7);
}
