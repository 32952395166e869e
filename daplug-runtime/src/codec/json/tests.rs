use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use super::deserialize;

#[derive(Debug, Deserialize, PartialEq)]
struct Order {
    pk: String,
    customer: Customer,
    line_items: Vec<Line>,
    #[serde(default)]
    meta: BTreeMap<String, u32>,
    #[serde(default)]
    opt: Option<Customer>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    pair: Option<(u32, String)>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Customer {
    name: String,
    age: u32,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Line {
    sku: String,
    qty: u32,
}

#[derive(Debug, Deserialize, PartialEq)]
enum Kind {
    Small,
    Big { n: u32 },
    Wrapped(Customer),
}

fn good() -> serde_json::Value {
    json!({
        "pk": "o-1",
        "customer": { "name": "Ann", "age": 40 },
        "line_items": [{ "sku": "a", "qty": 1 }, { "sku": "b", "qty": 2 }],
        "meta": { "x": 1, "y": 2 },
        "opt": { "name": "Bob", "age": 3 },
        "kind": { "Big": { "n": 7 } },
        "pair": [1, "one"],
        "ignored": { "deep": [1, 2, 3] }
    })
}

/// The path from our tracker on a JSON value, on a DynamoDB item of the same value, and from
/// `serde_path_to_error`: all three must agree.
fn path_of(value: serde_json::Value) -> String {
    let ours = match deserialize::<_, Order>(&value) {
        Ok(order) => panic!("expected an error, got {order:?}"),
        Err((path, _)) => path,
    };
    let reference = match serde_path_to_error::deserialize::<_, Order>(&value) {
        Ok(order) => panic!("expected an error, got {order:?}"),
        Err(err) => err.path().to_string(),
    };
    assert_eq!(ours, reference, "json path differs from serde_path_to_error");
    let item: serde_dynamo::Item = serde_dynamo::to_item(&value).expect("json is an item");
    let de = serde_dynamo::Deserializer::from_attribute_value(serde_dynamo::AttributeValue::M(item.into()));
    let from_item = match deserialize::<_, Order>(de) {
        Ok(order) => panic!("expected an error, got {order:?}"),
        Err((path, _)) => path,
    };
    assert_eq!(from_item, ours, "item path differs from json path");
    ours
}

fn with(pointer: &str, new: serde_json::Value) -> serde_json::Value {
    let mut value = good();
    *value.pointer_mut(pointer).expect("pointer exists") = new;
    value
}

#[test]
fn success_equals_plain_decode() {
    let value = good();
    let ours: Order = deserialize(&value).expect("decodes");
    assert_eq!(ours, Order::deserialize(&value).expect("plain decodes"));
    let item: serde_dynamo::Item = serde_dynamo::to_item(&value).expect("item");
    let de = serde_dynamo::Deserializer::from_attribute_value(serde_dynamo::AttributeValue::M(item.clone().into()));
    let from_item: Order = deserialize(de).expect("decodes item");
    assert_eq!(from_item, serde_dynamo::from_item::<_, Order>(item).expect("plain item"));
    assert_eq!(from_item, ours);
}

#[test]
fn wrong_type_in_nested_struct_field() {
    assert_eq!(path_of(with("/customer/age", json!("old"))), "customer.age");
}

#[test]
fn wrong_type_in_vec_element() {
    assert_eq!(path_of(with("/line_items/1/qty", json!("two"))), "line_items[1].qty");
    assert_eq!(path_of(with("/line_items/0", json!(5))), "line_items[0]");
}

#[test]
fn wrong_type_in_map_value() {
    assert_eq!(path_of(with("/meta/y", json!("two"))), "meta.y");
}

#[test]
fn missing_field_at_depth() {
    let mut value = good();
    value["line_items"][1].as_object_mut().expect("object").remove("qty");
    assert_eq!(path_of(value), "line_items[1]");
    let mut value = good();
    value.as_object_mut().expect("object").remove("pk");
    assert_eq!(path_of(value), ".");
}

#[test]
fn option_enum_and_tuple_paths() {
    assert_eq!(path_of(with("/opt/age", json!(-1))), "opt.age");
    assert_eq!(path_of(with("/kind/Big/n", json!("x"))), "kind.Big.n");
    assert_eq!(path_of(with("/kind", json!({ "Wrapped": { "name": 1, "age": 2 } }))), "kind.Wrapped.name");
    assert_eq!(path_of(with("/kind", json!({ "Nope": 1 }))), "kind");
    assert_eq!(path_of(with("/pair/1", json!(2))), "pair[1]");
    let value = with("/kind", json!("Small"));
    assert_eq!(deserialize::<_, Order>(&value).map_err(|(p, _)| p).map(|o| o.kind), Ok(Some(Kind::Small)));
}
