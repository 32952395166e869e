// A request names its own model's attributes and indexes, and a nested path follows the schema.
use daplug_runtime::Repository;

daplug_runtime::schema!("fixtures/shipments.yml");

fn main() {
    let _ = queries;
}

fn queries(shipments: Repository<Shipment>) {
    let _ = shipments.query().key_eq(Parcel::PK, "p");
    let _ = shipments.query().index(ParcelIndex::WeightIndex);
    let _ = Shipment::CUSTOMER.then(Shipment::QTY);
}
