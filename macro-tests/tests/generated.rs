//! Compiles real expansions against the real runtime under `deny(warnings)` (and clippy, via
//! `cargo clippy --all-targets`), with prelude names shadowed to catch any unqualified path.
#![deny(warnings)]
#![allow(dead_code)]

use daplug_runtime::__private::serde_json;
use daplug_runtime::Model;

/// Generated code must not resolve these by accident.
mod shadowed {
    pub struct String;
    pub struct Vec;
    pub struct Box;
    pub struct Result;
}
#[allow(unused_imports)]
use shadowed::*;

mod seed {
    daplug_runtime::schema!("../tests/fixtures/seed-openapi.yml");
}

mod vectors {
    daplug_runtime::schema!("../tests/fixtures/vectors-openapi.yml");
}

mod models {
    daplug_runtime::schema!("tests/fixtures/models.yml");
}

mod families {
    daplug_runtime::schema!("../tests/fixtures/families.yml");
}

#[test]
fn a_family_chooses_each_items_entity_by_its_tag_and_each_keys_by_its_variant() {
    use daplug_runtime::{Entity, Error};
    use families::*;
    let line = LineItem {
        kind: "line".into(),
        order_id: "o-1".into(),
        sk: "1".into(),
        sku: "tea".into(),
        qty: 2,
        status: None,
        version: None,
    };
    let item = OrderPart::LineItem(line.clone()).to_item().expect("item");
    let entity = <OrderPart as Model>::entity_of_item(&item).expect("a line item");
    assert_eq!(entity, <LineItem as Model>::ENTITY);
    assert_eq!(
        entity,
        Entity { schema: "LineItem", hash_prefix: None, range_prefix: Some("LINE#"), tag: Some(("kind", "line")) }
    );
    assert_eq!(OrderPart::from_item(item.clone()).expect("read back"), OrderPart::LineItem(line));
    let key = OrderPartKey::from(ShipmentKey { order_id: "o-1".into(), sk: "1".into() });
    assert_eq!(<OrderPart as Model>::entity_of_key(&key).range_prefix, Some("SHIP#"));
    assert_eq!(serde_json::to_value(&key).expect("key"), serde_json::json!({"order_id": "o-1", "sk": "1"}));
    let meta = <OrderPart as Model>::META;
    assert_eq!((meta.schema, meta.hash_prefix, meta.range_prefix), ("OrderPart", Some("ORDER#"), None));
    assert_eq!(meta.indexes.iter().map(|i| i.name).collect::<std::vec::Vec<_>>(), ["by_status", "by_carrier"]);
    assert_eq!(<Shipment as Model>::META.range_prefix, Some("SHIP#"));
    let mut refund = item.clone();
    refund.insert("kind".into(), daplug_runtime::__private::AttributeValue::S("refund".into()));
    match <OrderPart as Model>::entity_of_item(&refund) {
        Err(Error::UnknownTag { schema: "OrderPart", tag: "kind", value: Some(value), .. }) => {
            assert_eq!(value, "refund")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(<LineItem as Model>::entity_of_item(&refund), Err(Error::UnknownTag { schema: "LineItem", .. })));
    let mut parts = OrderPartParts::default();
    let shipment = Shipment {
        kind: "shipment".into(),
        order_id: "o-1".into(),
        sk: "1".into(),
        carrier: "post".into(),
        status: None,
        version: None,
    };
    parts.extend([OrderPart::Shipment(shipment.clone()), OrderPart::from_item(item).expect("a line")]);
    assert_eq!((parts.order.len(), parts.line_item.len(), parts.shipment), (0, 1, vec![shipment]));
}

#[test]
fn models_meta_and_keys() {
    use models::*;
    let meta = <Order as Model>::META;
    assert_eq!(meta.schema, "Order");
    assert_eq!(meta.hash_key.map(|k| k.name), Some("pk"));
    assert_eq!(meta.range_key.map(|k| k.key_type), Some(daplug_runtime::KeyType::S));
    assert_eq!(meta.hash_prefix, Some("tenant#"));
    assert_eq!(meta.idempotence_key, Some("modified"));
    assert_eq!(meta.indexes[0].name, "status-index");
    assert_eq!(meta.indexes[0].range_key.map(|k| k.key_type), Some(daplug_runtime::KeyType::N));
    let key = OrderKey { pk: "a".into(), sk: "b".into() };
    assert_eq!(serde_json::to_value(&key).expect("key"), serde_json::json!({"pk": "a", "sk": "b"}));
    let patch = OrderPatch { qty: Some(3), ..Default::default() };
    assert_eq!(serde_json::to_value(&patch).expect("patch"), serde_json::json!({"qty": 3}));
    let order = Order::from_json(&serde_json::json!({
        "pk": "a", "sk": "b", "qty": 1, "orderId": "x", "type": "t", "status": "3PO",
        "parent": {"pk": "p", "sk": "q", "qty": 2}, "shipping": {"legs": [{"from": "here"}]}
    }))
    .expect("order");
    assert_eq!(order.order_id.as_deref(), Some("x"));
    assert_eq!(order.type_.as_deref(), Some("t"));
    assert_eq!(order.status, Some(Status::X3po));
    assert_eq!(order.parent.as_ref().map(|p| p.qty), Some(2));
    let legs = order.shipping.and_then(|s| s.legs).unwrap_or_default();
    assert_eq!(legs[0].from.as_deref(), Some("here"));
    let pet: Pet = serde_json::from_value(serde_json::json!({"kind": "cat", "lives": 9})).expect("pet");
    assert_eq!(pet, Pet::Cat(Cat { lives: Some(9) }));
    let dog = serde_json::to_value(Pet::Dog(Dog { good: Some(true) })).expect("dog");
    assert_eq!(dog, serde_json::json!({"kind": "Dog", "good": true}));
    let _: OrderId = std::string::String::new();
}

#[test]
fn seed_round_trips() {
    let value = serde_json::json!({
        "test_id": "abc",
        "object_key": {"string_key": "x"},
        "array_number": [1.0, 2.0],
        "array_objects": [{"array_string_key": "k", "array_number_key": 1.5}],
        "unknown": true,
    });
    let model = seed::V1TestRequest::from_json(&value).expect("valid payload");
    assert_eq!(model.test_id, "abc");
    let item: daplug_runtime::Item = model.clone().into();
    assert_eq!(seed::V1TestRequest::try_from(item).expect("from item"), model);
    let company: seed::TestEsMapperModel =
        serde_json::from_value(serde_json::json!({"company_type": "3PO"})).expect("enum value");
    assert_eq!(company.company_type, Some(seed::TestEsMapperModelCompanyType::X3po));
}

#[test]
fn vectors_types() {
    let order = vectors::Order::from_json(&serde_json::json!({
        "pk": "p", "sk": "s", "note": null, "metadata": {"a": 1},
        "address": {"geo": {"lat": 1.0}}, "line_items": [{"sku": "a", "qty": 2}]
    }))
    .expect("valid order");
    assert_eq!(order.note, None);
    assert_eq!(order.line_items.as_ref().map(|l| l.len()), Some(1));
    let json = serde_json::to_value(&order).expect("serialises");
    assert!(json.get("note").is_none(), "None is skipped");
    let poly: vectors::Polymorph = serde_json::from_value(serde_json::json!({"choice": 1.5})).expect("anyOf");
    assert_eq!(poly.choice, Some(vectors::PolymorphChoice::Number(1.5)));
}

mod derived {
    use daplug_runtime::__private::serde::{Deserialize, Serialize};

    /// A hand-written model checked against `models.yml#/components/schemas/Order`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, daplug_runtime::DaplugModel)]
    #[serde(crate = "daplug_runtime::__private::serde", rename_all = "camelCase")]
    #[daplug(schema = "tests/fixtures/models.yml", name = "Order")]
    #[daplug(schema_name = "orders", index(name = "by-qty", hash_key = "qty"))]
    pub struct Order {
        #[daplug(hash_key, prefix = "tenant#")]
        pub pk: String,
        #[daplug(range_key)]
        pub sk: String,
        pub qty: i32,
        pub order_id: Option<String>,
        #[serde(rename = "type")]
        pub kind: Option<String>,
        #[daplug(idempotence_key)]
        pub modified: Option<String>,
    }
}

#[test]
fn derived_model() {
    use derived::*;
    let meta = <Order as Model>::META;
    assert_eq!(meta.schema, "orders");
    assert_eq!(meta.hash_prefix, Some("tenant#"));
    assert_eq!(meta.idempotence_key, Some("modified"));
    assert_eq!(meta.indexes[0].hash_key.key_type, daplug_runtime::KeyType::N);
    let key = OrderKey { pk: "a".into(), sk: "b".into() };
    assert_eq!(serde_json::to_value(&key).expect("key"), serde_json::json!({"pk": "a", "sk": "b"}));
    let patch = OrderPatch { order_id: Some(Some("x".into())), ..Default::default() };
    assert_eq!(serde_json::to_value(&patch).expect("patch"), serde_json::json!({"orderId": "x"}));
    // Typed names use the wire names (serde renames included) and the value type without `Option`.
    let kind: daplug_runtime::Field<Order, std::string::String> = Order::KIND;
    assert_eq!(kind.path().to_string(), "type");
    assert_eq!(Order::ORDER_ID.path().to_string(), "orderId");
    let index = daplug_runtime::IndexOf::<Order>::index_name(OrderIndex::ByQty);
    assert_eq!(index, "by-qty");
}

#[test]
fn payload_builds_the_model() {
    let order = daplug_runtime::payload!("tests/fixtures/models.yml", models::Order {
        "pk": "a",
        "sk": "b",
        "qty": 2,
        "status": "in-progress",
        "note": null,
        "labels": {"x": "y"},
        "shipping": {"legs": [{"from": "here"}]},
    })
    .expect("checked at compile time");
    assert_eq!(order.qty, 2);
    assert_eq!(order.status, Some(models::Status::InProgress));
    let seed = daplug_runtime::payload!("../tests/fixtures/seed-openapi.yml", seed::V1TestRequest {
        "test_id": "abc",
        "object_key": {"string_key": "k"},
        "array_number": [1, 2.5, -3],
        "array_objects": [],
    })
    .expect("valid");
    assert_eq!(seed.array_number, vec![1.0, 2.5, -3.0]);
}

/// A family written by hand: the variants' structs with the family's keys, their tags and sort-key
/// prefixes; the enum tagged by serde.
mod derived_family {
    use daplug_runtime::__private::serde::{Deserialize, Serialize};
    use daplug_runtime::DaplugModel;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DaplugModel)]
    #[serde(crate = "daplug_runtime::__private::serde")]
    #[daplug(tag = "kind", tag_value = "order")]
    pub struct Order {
        #[daplug(hash_key, prefix = "ORDER#")]
        pub order_id: std::string::String,
        #[daplug(range_key, prefix = "ORDER#")]
        pub sk: std::string::String,
        pub customer: std::string::String,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DaplugModel)]
    #[serde(crate = "daplug_runtime::__private::serde")]
    #[daplug(tag = "kind", tag_value = "line_item", index(name = "by_qty", hash_key = "qty"))]
    pub struct LineItem {
        #[daplug(hash_key, prefix = "ORDER#")]
        pub order_id: std::string::String,
        #[daplug(range_key, prefix = "LINE#")]
        pub sk: std::string::String,
        pub qty: i64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, DaplugModel)]
    #[serde(crate = "daplug_runtime::__private::serde", tag = "kind", rename_all = "snake_case")]
    pub enum OrderPart {
        Order(Order),
        LineItem(LineItem),
    }
}

#[test]
fn a_derived_family_reads_items_by_their_tag_and_its_variants_write_their_tags() {
    use daplug_runtime::Error;
    use derived_family::*;
    let line = LineItem { order_id: "o-1".into(), sk: "1".into(), qty: 2 };
    // The variant alone writes its tag (its struct does not hold it: serde's enum writes it).
    let item = line.to_item().expect("item");
    assert_eq!(item.get("kind"), Some(&daplug_runtime::__private::AttributeValue::S("line_item".into())));
    assert_eq!(OrderPart::from_item(item.clone()).expect("read by the family"), OrderPart::LineItem(line.clone()));
    assert_eq!(OrderPart::LineItem(line.clone()).to_item().expect("family item"), item);
    assert_eq!(<OrderPart as Model>::entity_of_item(&item).expect("entity").range_prefix, Some("LINE#"));
    let key = OrderPartKey::Order(OrderKey { order_id: "o-1".into(), sk: "o-1".into() });
    assert_eq!(<OrderPart as Model>::entity_of_key(&key).schema, "Order");
    let meta = <OrderPart as Model>::META;
    assert_eq!((meta.schema, meta.hash_prefix, meta.range_prefix), ("OrderPart", Some("ORDER#"), None));
    assert_eq!(meta.indexes.iter().map(|i| i.name).collect::<std::vec::Vec<_>>(), ["by_qty"], "every variant's");
    let mut other = item;
    other.insert("kind".into(), daplug_runtime::__private::AttributeValue::S("refund".into()));
    assert!(matches!(OrderPart::from_item(other), Err(Error::UnknownTag { schema: "OrderPart", .. })));
    let mut parts = OrderPartParts::default();
    parts.extend([OrderPart::LineItem(line)]);
    assert_eq!((parts.order.len(), parts.line_item.len()), (0, 1));
}
