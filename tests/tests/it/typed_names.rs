//! Typed attribute names: the `Field` constants and index enum `schema!` generates name the same
//! attributes as the strings they replace, nested paths included, against the emulator.

use daplug_runtime::Condition;
use futures::TryStreamExt;

use crate::harness::standard;

mod spec {
    daplug_runtime::schema!("fixtures/typed-names.yml");
}

use spec::{Line, Recipient, Shipment, ShipmentIndex, ShipmentStatus};

fn shipment(sk: &str, status: ShipmentStatus, qty: i64, email: &str, sku: &str) -> Shipment {
    Shipment {
        pk: "s".into(),
        sk: sk.into(),
        status,
        qty,
        customer: Some(Recipient { email: email.into(), city: None }),
        lines: Some(vec![Line { sku: "first".into(), qty: 1 }, Line { sku: sku.into(), qty }]),
        labels: Some([("colour".to_owned(), if qty % 2 == 0 { "red" } else { "blue" }.to_owned())].into()),
    }
}

async fn seeded() -> daplug_runtime::Repository<Shipment> {
    let (builder, _, _) = standard().await;
    let shipments = builder.build().unwrap().repository::<Shipment>();
    for (i, status) in [ShipmentStatus::Open, ShipmentStatus::Shipped, ShipmentStatus::Open].into_iter().enumerate() {
        let i = i as i64;
        shipments
            .insert(&shipment(&format!("v{i}"), status, i, &format!("c{i}@example.com"), &format!("sku{i}")))
            .await
            .unwrap();
    }
    shipments
}

fn sks(items: &[Shipment]) -> Vec<&str> {
    let mut sks: Vec<&str> = items.iter().map(|s| s.sk.as_str()).collect();
    sks.sort_unstable();
    sks
}

#[tokio::test]
async fn typed_key_conditions_and_index_match_their_strings() {
    let shipments = seeded().await;
    let typed = shipments.query().key_eq(Shipment::PK, "s").key_begins_with(Shipment::SK, "v").await.unwrap();
    let plain = shipments.query().key_eq("pk", "s").key_begins_with("sk", "v").await.unwrap();
    assert_eq!(sks(&typed.items), ["v0", "v1", "v2"]);
    assert_eq!(typed.items, plain.items);

    let open = shipments.query().index(ShipmentIndex::StatusIndex).key_eq(Shipment::STATUS, ShipmentStatus::Open);
    let open = open.await.unwrap();
    assert_eq!(sks(&open.items), ["v0", "v2"]);
    let plain = shipments.query().index("status-index").key_eq("status", "open").await.unwrap();
    assert_eq!(sks(&plain.items), ["v0", "v2"]);
}

#[tokio::test]
async fn nested_paths_list_elements_and_map_entries_filter_by_placeholders() {
    let shipments = seeded().await;
    let query = || shipments.query().key_eq(Shipment::PK, "s");

    let by_email = Condition::eq(Shipment::CUSTOMER.then(Recipient::EMAIL), "c1@example.com");
    assert_eq!(sks(&query().filter(by_email).await.unwrap().items), ["v1"]);

    let second_line = Shipment::LINES.at(1);
    let by_sku = Condition::eq(second_line.clone().then(Line::SKU), "sku2");
    assert_eq!(sks(&query().filter(by_sku).await.unwrap().items), ["v2"]);
    let by_line_qty = Condition::ge(second_line.then(Line::QTY), 1);
    assert_eq!(sks(&query().filter(by_line_qty).await.unwrap().items), ["v1", "v2"]);

    let red = Condition::eq(Shipment::LABELS.key("colour"), "red");
    assert_eq!(sks(&query().filter(red).await.unwrap().items), ["v0", "v2"]);

    // The same filter as a scan, and through the untyped path builder.
    let path = daplug_runtime::AttrPath::new("customer").field("email");
    let scanned: Vec<Shipment> =
        shipments.scan().filter(Condition::eq(path, "c0@example.com")).stream().try_collect().await.unwrap();
    assert_eq!(sks(&scanned), ["v0"]);
}

#[tokio::test]
async fn typed_paths_render_every_segment_as_a_placeholder() {
    let (builder, _, _) = standard().await;
    let shipments = builder.build().unwrap().repository::<Shipment>();
    let plan = shipments
        .query()
        .key_eq(Shipment::PK, "s")
        .filter(Condition::exists(Shipment::LINES.at(0).then(Line::QTY)))
        .plan()
        .unwrap();
    let filter = plan.get_filter_expression().clone().unwrap();
    let names = plan.get_expression_attribute_names().clone().unwrap();
    let rendered = filter
        .split(['(', ')', '.', '['])
        .filter(|part| part.starts_with("#n"))
        .map(|placeholder| names[placeholder].as_str())
        .collect::<Vec<_>>();
    assert_eq!(rendered, ["lines", "qty"]);
    assert!(filter.contains("[0]"), "{filter}");
}
