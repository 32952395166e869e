//! Lossless model → item → model round trips through the real runtime (serde_dynamo), for every
//! construct the macro supports: recursion, `allOf`, tagged `oneOf`, enums with renames, nullable
//! fields, maps of strings and of arbitrary JSON, nested inline objects, 32-bit numbers.

#![deny(warnings)]

use daplug_runtime::Model;
use serde_json::{json, Value};

/// The macro crate's own fixture, with every construct in one file.
pub mod constructs {
    daplug_runtime::schema!("../macro-tests/tests/fixtures/models.yml");
}

use constructs::{Node, Order, Pet, Tree};

fn round_trip<M: Model + PartialEq + std::fmt::Debug>(json: Value) -> M {
    let model = M::from_json(&json).unwrap_or_else(|err| panic!("{json}: {err}"));
    let item = model.to_item().unwrap();
    let back = M::from_item(item).unwrap();
    assert_eq!(back, model, "item round trip of {json}");
    let again = M::from_json(&serde_json::to_value(&back).unwrap()).unwrap();
    assert_eq!(again, model, "JSON round trip of {json}");
    back
}

/// A small deterministic generator (no extra dependency): xorshift.
pub(crate) struct Gen(pub(crate) u64);

impl Gen {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[(self.next() % options.len() as u64) as usize]
    }
    fn chance(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
    fn text(&mut self) -> String {
        let alphabet = ["a", "Z", "é", "☕", " ", "#", "0", "\"", "😀", ""];
        (0..self.next() % 6).map(|_| self.pick(&alphabet)).collect()
    }
    fn json(&mut self, depth: u32) -> Value {
        match self.next() % if depth == 0 { 4 } else { 6 } {
            0 => Value::Null,
            1 => json!(self.chance()),
            2 => json!((self.next() % 2_000_000) as i64 - 1_000_000),
            3 => json!(self.text()),
            4 => Value::Array((0..self.next() % 3).map(|_| self.json(depth - 1)).collect()),
            _ => Value::Object((0..self.next() % 3).map(|i| (format!("k{i}"), self.json(depth - 1))).collect()),
        }
    }
    pub(crate) fn order(&mut self, depth: u32) -> Value {
        let mut order = json!({
            "pk": self.text(), "sk": self.text(),
            "qty": (self.next() % u32::MAX as u64) as i64 - i32::MAX as i64,
        });
        let fields = order.as_object_mut().unwrap();
        if self.chance() {
            fields.insert("weight".into(), json!((self.next() % 1000) as f32 / 8.0));
        }
        if self.chance() {
            fields.insert("status".into(), json!(self.pick(&["open", "in-progress", "3PO"])));
        }
        if self.chance() {
            fields.insert("note".into(), if self.chance() { Value::Null } else { json!(self.text()) });
        }
        if self.chance() {
            fields.insert("labels".into(), json!({"a": self.text(), "b": self.text()}));
        }
        if self.chance() {
            fields.insert("extra".into(), json!({"x": self.json(3), "y": self.json(2)}));
        }
        if self.chance() {
            let legs: Vec<Value> = (0..self.next() % 3).map(|_| json!({"from": self.text()})).collect();
            fields.insert("shipping".into(), json!({"carrier": self.text(), "legs": legs}));
        }
        if depth > 0 && self.chance() {
            fields.insert("parent".into(), self.order(depth - 1));
        }
        if depth > 0 && self.chance() {
            let children: Vec<Value> = (0..self.next() % 3).map(|_| self.order(depth - 1)).collect();
            fields.insert("children".into(), Value::Array(children));
        }
        order
    }
}

#[test]
fn generated_orders_round_trip_losslessly() {
    let mut gen = Gen(0x9E37_79B9_7F4A_7C15);
    for _ in 0..500 {
        let json = gen.order(3);
        round_trip::<Order>(json);
    }
}

/// Round trip of a type that is not a top-level model (an enum): through an attribute value.
fn value_round_trip<T>(json: Value) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_value(json.clone()).unwrap_or_else(|err| panic!("{json}: {err}"));
    let attribute = serde_dynamo::to_attribute_value::<_, aws_sdk_dynamodb::types::AttributeValue>(&value).unwrap();
    let back: T = serde_dynamo::from_attribute_value(attribute).unwrap();
    assert_eq!(back, value, "round trip of {json}");
    back
}

#[test]
fn recursive_all_of_and_tagged_one_of_round_trip() {
    let tree: Tree = round_trip(json!({"value": 1, "left": {"value": 2, "depth": 1, "left": {"depth": 2}}}));
    let left: &Node = tree.left.as_ref().expect("left");
    assert_eq!(left.depth, Some(1));
    let cat: Pet = value_round_trip(json!({"kind": "cat", "lives": 9}));
    assert!(matches!(cat, Pet::Cat(_)), "{cat:?}");
    let dog: Pet = value_round_trip(json!({"kind": "Dog", "good": true}));
    assert!(matches!(dog, Pet::Dog(_)), "{dog:?}");
}

#[test]
fn absent_and_null_optional_fields_are_both_none_and_not_stored() {
    let order: Order = round_trip(json!({"pk": "a", "sk": "b", "qty": 1, "note": null}));
    assert_eq!(order.note, None);
    assert!(!order.to_item().unwrap().contains_key("note"));
    let key = Order::key_item(&constructs::OrderKey { pk: "a".into(), sk: "b".into() }).unwrap();
    assert_eq!(key.len(), 2);
}
