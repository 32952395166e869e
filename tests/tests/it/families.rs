//! Families (`fixtures/families.yml`): an order, its line items and its shipments in one table
//! under one partition (single-table design). The union `OrderPart` is a model: it writes any
//! variant and reads any item back as the variant its tag names, in key order; each variant is a
//! model of its own whose reads keep to its own items. Every write path (insert, overwrite, create,
//! both updates, delete, batches, a transaction mixing variants) stores each variant under its own
//! sort-key prefix (`ORDER#`, `LINE#`, `SHIP#`, after the family's partition prefix `ORDER#`), with
//! the version lock, and publishes events whose `schema` is the variant's name.
//!
//! A family whose prefixes overlap (`LINE#` / `LINE#X`) cannot exist: `schema!` refuses it (a
//! variant's query reads `begins_with(sk, "LINE#")`, which would hold the other's items too; see
//! `macro-tests/tests/ui/family_overlapping_prefixes.rs`).

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::events::{Event, EventError, MessageAttribute, Operation, Payload};
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::{Adapter, Condition, Error, Item};
use futures::TryStreamExt;

use crate::harness::{sdk_config, unique, Topic};

mod spec {
    daplug_runtime::schema!("fixtures/families.yml");
}

use spec::*;

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn order(id: &str, status: &str) -> Order {
    Order {
        kind: "order".into(),
        order_id: id.into(),
        sk: id.into(),
        customer: "ada".into(),
        status: status.into(),
        version: None,
    }
}

fn line(id: &str, sk: &str, sku: &str, qty: i64) -> LineItem {
    LineItem {
        kind: "line".into(),
        order_id: id.into(),
        sk: sk.into(),
        sku: sku.into(),
        qty,
        status: Some("open".into()),
        version: None,
    }
}

fn shipment(id: &str, sk: &str, carrier: &str) -> Shipment {
    Shipment {
        kind: "shipment".into(),
        order_id: id.into(),
        sk: sk.into(),
        carrier: carrier.into(),
        status: None,
        version: None,
    }
}

/// A table created from the family (its keys, every variant's indexes), under version locking,
/// publishing to `topic` when given.
async fn family_table(topic: Option<&Topic>) -> (Adapter, aws_config::SdkConfig, String) {
    let config = sdk_config().await;
    let table = unique("family");
    let mut builder = Adapter::builder()
        .sdk_config(config.clone())
        .table(&table)
        .keys_from::<OrderPart>()
        .lock_policy(LockPolicy::Version);
    if let Some(topic) = topic {
        builder = builder.sns_topic(&topic.arn);
    }
    let adapter = builder.build().expect("adapter");
    assert!(adapter.create_table_if_missing::<OrderPart>().await.expect("table"));
    // The table has the family's keys and every variant's indexes, as its model declares them.
    assert_eq!(adapter.table_drift::<OrderPart>().await.expect("drift"), vec![]);
    (adapter, config, table)
}

/// The item as stored, bypassing daplug.
async fn raw(config: &aws_config::SdkConfig, table: &str, order_id: &str, sk: &str) -> Option<Item> {
    aws_sdk_dynamodb::Client::new(config)
        .get_item()
        .table_name(table)
        .key("order_id", s(order_id))
        .key("sk", s(sk))
        .consistent_read(true)
        .send()
        .await
        .expect("raw get")
        .item
}

/// `model` as the table holds it after `versions` writes under version locking.
fn versioned<T>(mut model: T, versions: i64, set: impl Fn(&mut T, Option<i64>)) -> T {
    set(&mut model, Some(versions));
    model
}

#[tokio::test]
async fn a_partition_of_three_entity_types_through_every_write_path() {
    let config = sdk_config().await;
    let topic = Topic::create(&config).await;
    let (adapter, config, table) = family_table(Some(&topic)).await;
    let parts = adapter.repository::<OrderPart>();
    let lines = adapter.repository::<LineItem>();
    let orders = adapter.repository::<Order>();
    let shipments = adapter.repository::<Shipment>();

    // Writes through the union and through each variant's own repository.
    parts.insert(&OrderPart::Order(order("o-1", "open"))).await.unwrap();
    parts.insert(&OrderPart::LineItem(line("o-1", "1", "tea", 2))).await.unwrap();
    lines.insert(&line("o-1", "2", "cups", 6)).await.unwrap();
    parts.batch_insert([OrderPart::Shipment(shipment("o-1", "1", "post"))]).publish(true).await.unwrap();
    adapter
        .transact_write()
        .insert(&parts, &OrderPart::LineItem(line("o-1", "3", "pot", 1)))
        .insert(&shipments, &shipment("o-1", "2", "courier"))
        .send()
        .await
        .unwrap();
    // Both updates, by the union's key enum and by a variant's own key.
    let updated = parts
        .update(
            &OrderPartKey::LineItem(LineItemKey { order_id: "o-1".into(), sk: "1".into() }),
            &serde_json::json!({"qty": 3}),
        )
        .await
        .unwrap();
    assert_eq!(updated, OrderPart::LineItem(versioned(line("o-1", "1", "tea", 3), 2, |l, v| l.version = v)));
    let shipped = orders
        .update(&OrderKey { order_id: "o-1".into(), sk: "o-1".into() }, &serde_json::json!({"status": "shipped"}))
        .in_one_request()
        .await
        .unwrap();
    assert_eq!(shipped.status, "shipped");

    // Stored under the family's partition prefix and each variant's sort-key prefix, tag included.
    for (sk, kind) in [("ORDER#o-1", "order"), ("LINE#1", "line"), ("LINE#2", "line"), ("SHIP#1", "shipment")] {
        let item = raw(&config, &table, "ORDER#o-1", sk).await.unwrap_or_else(|| panic!("{sk} stored"));
        assert_eq!(item["kind"], s(kind), "{sk}");
    }
    assert!(raw(&config, &table, "ORDER#o-1", "1").await.is_none(), "no unprefixed sort key");

    // The union reads the partition back in key order, each item as its variant, prefixes stripped.
    let all: Vec<OrderPart> = parts.query().key_eq("order_id", "o-1").stream().try_collect().await.unwrap();
    let expected = vec![
        OrderPart::LineItem(versioned(line("o-1", "1", "tea", 3), 2, |l, v| l.version = v)),
        OrderPart::LineItem(versioned(line("o-1", "2", "cups", 6), 1, |l, v| l.version = v)),
        OrderPart::LineItem(versioned(line("o-1", "3", "pot", 1), 1, |l, v| l.version = v)),
        OrderPart::Order(versioned(order("o-1", "shipped"), 2, |o, v| o.version = v)),
        // A batch writes items as given (BatchWriteItem takes no conditions): no version set.
        OrderPart::Shipment(shipment("o-1", "1", "post")),
        OrderPart::Shipment(versioned(shipment("o-1", "2", "courier"), 1, |s, v| s.version = v)),
    ];
    assert_eq!(all, expected);
    // Grouped by variant from the same one query.
    let grouped: OrderPartParts = parts.query().key_eq("order_id", "o-1").group().await.unwrap();
    assert_eq!((grouped.order.len(), grouped.line_item.len(), grouped.shipment.len()), (1, 3, 2));
    assert_eq!(grouped.line_item[1].sku, "cups");

    // Each variant reads only its own items, narrowed by its sort-key prefix in the key condition.
    let query = lines.query().key_eq("order_id", "o-1");
    let plan = query.plan().unwrap().build().unwrap();
    assert!(plan.key_condition_expression().unwrap().contains("begins_with"), "{plan:?}");
    let own: Vec<LineItem> = query.stream().try_collect().await.unwrap();
    assert_eq!(own.iter().map(|l| l.sk.as_str()).collect::<Vec<_>>(), ["1", "2", "3"]);
    let own: Vec<Order> = orders.query().key_eq("order_id", "o-1").stream().try_collect().await.unwrap();
    assert_eq!(own.len(), 1);
    let own: Vec<Shipment> = shipments.query().key_eq("order_id", "o-1").stream().try_collect().await.unwrap();
    assert_eq!(own.iter().map(|s| s.carrier.as_str()).collect::<Vec<_>>(), ["post", "courier"]);
    // A sort-key condition of the variant's own narrows by its prefix too.
    let own: Vec<LineItem> =
        lines.query().key_eq("order_id", "o-1").key_begins_with("sk", "2").stream().try_collect().await.unwrap();
    assert_eq!(own.len(), 1);
    // A scan of a variant keeps to its tag.
    let own: Vec<Shipment> = shipments.scan().stream().try_collect().await.unwrap();
    assert_eq!(own.len(), 2);

    // Gets by the union's key enum and by a variant's key; a delete through a variant.
    let key = OrderPartKey::from(ShipmentKey { order_id: "o-1".into(), sk: "2".into() });
    assert!(matches!(parts.get(&key).await.unwrap(), Some(OrderPart::Shipment(s)) if s.carrier == "courier"));
    let gone = lines.delete(&LineItemKey { order_id: "o-1".into(), sk: "3".into() }).await.unwrap();
    assert_eq!(gone.map(|l| l.sku), Some("pot".to_owned()));
    assert!(raw(&config, &table, "ORDER#o-1", "LINE#3").await.is_none());

    // Events: one per write, `schema` naming the variant written, the body the variant's item.
    let events = topic.drain().await;
    let schemas: Vec<(String, String, String)> = events
        .iter()
        .map(|e| {
            let attribute = |name: &str| e.attributes.get(name).map(|(_, v)| v.clone()).unwrap_or_default();
            (attribute("schema"), attribute("operation"), e.body["kind"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    for expected in [
        ("Order", "insert", "order"),
        ("LineItem", "insert", "line"),
        ("Shipment", "batch_insert", "shipment"),
        ("Shipment", "insert", "shipment"),
        ("LineItem", "update", "line"),
        ("Order", "update", "order"),
        ("LineItem", "delete", "line"),
    ] {
        let found = schemas.iter().any(|(s, o, k)| (s.as_str(), o.as_str(), k.as_str()) == expected);
        assert!(found, "no event {expected:?} in {schemas:?}");
    }
    assert_eq!(events.len(), 9, "{schemas:?}");
    assert!(events.iter().all(|e| e.body["sk"].as_str().is_some_and(|sk| !sk.contains('#'))), "bodies unprefixed");

    // A subscriber decodes a family's events by variant: the line items' as `Event<LineItem>`,
    // every other variant's refused as another schema.
    let mut line_events = Vec::new();
    for received in &events {
        let attributes = received.attributes.iter().map(|(name, (data_type, value))| {
            let value = match data_type.as_str() {
                "Number" => MessageAttribute::Number(value.clone()),
                _ => MessageAttribute::String(value.clone()),
            };
            (name.clone(), value)
        });
        match Event::<LineItem>::from_raw(&received.message, attributes) {
            Ok(event) => line_events.push(event),
            Err(EventError::OtherSchema { expected: "LineItem", found }) => assert_ne!(found, "LineItem"),
            Err(err) => panic!("unexpected refusal: {err}"),
        }
    }
    let lines: Vec<(Option<Operation>, String, Option<i64>)> = line_events
        .iter()
        .map(|e| match &e.payload {
            Payload::Item(line) => (e.operation, line.sk.clone(), Some(line.qty)),
            Payload::Key(key) => (e.operation, key.sk.clone(), None),
        })
        .collect();
    assert!(lines.contains(&(Some(Operation::Update), "1".to_owned(), Some(3))), "{lines:?}");
    assert_eq!(lines.len(), schemas.iter().filter(|(schema, _, _)| schema == "LineItem").count());
}

#[tokio::test]
async fn version_lock_and_indexes_work_per_variant() {
    let (adapter, _, _) = family_table(None).await;
    let parts = adapter.repository::<OrderPart>();
    let lines = adapter.repository::<LineItem>();
    parts.insert(&OrderPart::Order(order("o-2", "open"))).await.unwrap();
    lines.insert(&line("o-2", "1", "tea", 1)).await.unwrap();
    parts.insert(&OrderPart::Shipment(shipment("o-2", "1", "post"))).await.unwrap();

    // The version lock: an overwrite carrying the stored version writes the next; a stale one is a
    // conflict, on the union and on the variant alike.
    let stored = lines.get(&LineItemKey { order_id: "o-2".into(), sk: "1".into() }).await.unwrap().unwrap();
    assert_eq!(stored.version, Some(1));
    lines.overwrite(&LineItem { qty: 4, ..stored.clone() }).await.unwrap();
    let stale = parts.overwrite(&OrderPart::LineItem(LineItem { qty: 5, ..stored })).await.unwrap_err();
    assert!(matches!(stale, Error::Conflict { .. }), "{stale:?}");

    // A GSI holding several variants (`by_status`: orders and line items): the union reads both, a
    // variant only its own (a filter on its tag, shown by its plan).
    let open: Vec<OrderPart> =
        parts.query().index("by_status").key_eq("status", "open").stream().try_collect().await.unwrap();
    assert_eq!(open.len(), 2, "{open:?}");
    let query = lines.query().index("by_status").key_eq("status", "open");
    let plan = query.plan().unwrap().build().unwrap();
    assert!(plan.filter_expression().is_some(), "{plan:?}");
    let own: Vec<LineItem> = query.stream().try_collect().await.unwrap();
    assert_eq!(own.iter().map(|l| l.qty).collect::<Vec<_>>(), [4]);
    // A variant's own index (`by_carrier`, from Shipment's x-daplug) was created with the table.
    let shipments = adapter.repository::<Shipment>();
    let by_carrier: Vec<Shipment> =
        shipments.query().index("by_carrier").key_eq("carrier", "post").stream().try_collect().await.unwrap();
    assert_eq!(by_carrier.len(), 1);
    // An update may not change an item's entity type (its tag chose its key's prefix).
    let key = OrderPartKey::LineItem(LineItemKey { order_id: "o-2".into(), sk: "1".into() });
    let err = parts.update(&key, &serde_json::json!({"kind": "shipment"})).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { .. } | Error::UnknownTag { .. }), "{err:?}");
    let err = parts.update(&key, &serde_json::json!({"kind": "shipment"})).in_one_request().await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "kind"), "{err:?}");
    // A transaction condition on one variant's key, prefixed by its rules.
    adapter
        .transact_write()
        .condition_check(&parts, &key, Condition::eq("qty", 4))
        .insert(&parts, &OrderPart::LineItem(line("o-2", "2", "cups", 2)))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_item_of_an_unknown_entity_type_is_a_typed_error_or_skipped() {
    let (adapter, config, table) = family_table(None).await;
    let parts = adapter.repository::<OrderPart>();
    parts.insert(&OrderPart::Order(order("o-3", "open"))).await.unwrap();
    parts.insert(&OrderPart::LineItem(line("o-3", "1", "tea", 1))).await.unwrap();
    // A newer service writes a refund into the partition.
    let refund: Item = [
        ("order_id".to_owned(), s("ORDER#o-3")),
        ("sk".to_owned(), s("REFUND#1")),
        ("kind".to_owned(), s("refund")),
        ("amount".to_owned(), AttributeValue::N("5".into())),
    ]
    .into();
    aws_sdk_dynamodb::Client::new(&config)
        .put_item()
        .table_name(&table)
        .set_item(Some(refund.clone()))
        .send()
        .await
        .expect("raw put");

    let err = parts.query().key_eq("order_id", "o-3").await.unwrap_err();
    match err {
        Error::UnknownTag { schema: "OrderPart", tag: "kind", value, item } => {
            assert_eq!(value.as_deref(), Some("refund"));
            assert_eq!(*item, refund, "the item as stored");
        }
        other => panic!("{other:?}"),
    }
    let known: Vec<OrderPart> =
        parts.query().key_eq("order_id", "o-3").skip_unknown(true).stream().try_collect().await.unwrap();
    assert_eq!(known.len(), 2);
    // The variants' own queries never meet it (each is narrowed to its own prefix).
    let lines: Vec<LineItem> =
        adapter.repository::<LineItem>().query().key_eq("order_id", "o-3").stream().try_collect().await.unwrap();
    assert_eq!(lines.len(), 1);
}

/// The same family written by hand: `#[derive(DaplugModel)]` on the variants' structs (the family's
/// keys, their tags and prefixes) and on the enum tagged by serde.
mod derived {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, daplug_runtime::DaplugModel)]
    #[daplug(tag = "kind", tag_value = "order")]
    pub struct Order {
        #[daplug(hash_key, prefix = "ORDER#")]
        pub order_id: String,
        #[daplug(range_key, prefix = "ORDER#")]
        pub sk: String,
        pub customer: String,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, daplug_runtime::DaplugModel)]
    #[daplug(tag = "kind", tag_value = "line")]
    pub struct LineItem {
        #[daplug(hash_key, prefix = "ORDER#")]
        pub order_id: String,
        #[daplug(range_key, prefix = "LINE#")]
        pub sk: String,
        pub qty: i64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, daplug_runtime::DaplugModel)]
    #[serde(tag = "kind")]
    pub enum OrderPart {
        #[serde(rename = "order")]
        Order(Order),
        #[serde(rename = "line")]
        LineItem(LineItem),
    }
}

#[tokio::test]
async fn a_derived_family_reads_and_writes_as_a_generated_one() {
    use derived::{LineItem as Line, Order as Head, OrderPart as Part, OrderPartParts as Parts};
    let config = sdk_config().await;
    let adapter = Adapter::builder()
        .sdk_config(config.clone())
        .table(unique("derived"))
        .keys_from::<Part>()
        .build()
        .expect("adapter");
    adapter.create_table_if_missing::<Part>().await.expect("table");
    let parts = adapter.repository::<Part>();
    let lines = adapter.repository::<Line>();
    let head = Head { order_id: "o-4".into(), sk: "o-4".into(), customer: "ada".into() };
    parts.insert(&Part::Order(head.clone())).await.unwrap();
    // Written by the variant's own repository: the tag is added to the item, so the family reads it.
    lines.insert(&Line { order_id: "o-4".into(), sk: "1".into(), qty: 2 }).await.unwrap();
    let stored = raw(&config, adapter.table(), "ORDER#o-4", "LINE#1").await.expect("stored under LINE#");
    assert_eq!(stored["kind"], s("line"));
    let grouped: Parts = parts.query().key_eq("order_id", "o-4").group().await.unwrap();
    assert_eq!(grouped.order, vec![head]);
    assert_eq!(grouped.line_item.iter().map(|l| l.qty).collect::<Vec<_>>(), [2]);
    let own: Vec<Line> = lines.query().key_eq("order_id", "o-4").stream().try_collect().await.unwrap();
    assert_eq!(own.len(), 1, "a variant reads only its own");
}

#[tokio::test]
async fn a_family_stream_decodes_per_variant_with_its_own_prefixes_stripped() {
    use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
    use daplug_runtime::streams::{Change, ChangeError};

    let (adapter, config, table) = family_table(None).await;
    let stream = StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewAndOldImages)
        .build()
        .unwrap();
    let updated = adapter.client().update_table().table_name(&table).stream_specification(stream).send().await;
    let arn =
        updated.expect("stream on").table_description().and_then(|t| t.latest_stream_arn()).expect("arn").to_owned();
    let parts = adapter.repository::<OrderPart>();
    parts.insert(&OrderPart::Order(order("o-9", "open"))).await.unwrap();
    parts.insert(&OrderPart::LineItem(line("o-9", "1", "tea", 2))).await.unwrap();
    parts.insert(&OrderPart::Shipment(shipment("o-9", "1", "courier"))).await.unwrap();

    // The stream holds every variant's records, stored as `ORDER#o-9` / `LINE#1` / `SHIP#1`: each
    // decodes as its own variant with the family's and its own prefixes stripped, and is a typed
    // error (the tag names another variant) for the others.
    let records = crate::streams::records(&config, &arn).await;
    assert_eq!(records.len(), 3);
    let prefixes = adapter.prefixes();
    let mut decoded = Vec::new();
    for record in &records {
        match Change::<LineItem>::from_stream_record(record, &prefixes) {
            Ok(change) => decoded.push(change),
            Err(ChangeError::Decode { source, .. }) if matches!(*source, Error::UnknownTag { .. }) => {}
            Err(err) => panic!("another variant's record is an unknown tag, not {err:?}"),
        }
    }
    assert_eq!(decoded.len(), 1);
    assert_eq!(decoded[0].key(), &LineItemKey { order_id: "o-9".into(), sk: "1".into() });
    assert_eq!(decoded[0].new_image().unwrap(), &versioned(line("o-9", "1", "tea", 2), 1, |l, v| l.version = v));
    let shipments: Vec<Change<Shipment>> =
        records.iter().filter_map(|record| Change::from_stream_record(record, &prefixes).ok()).collect();
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].key(), &ShipmentKey { order_id: "o-9".into(), sk: "1".into() });
}
