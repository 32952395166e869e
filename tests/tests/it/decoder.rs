//! The item decoders `schema!` generates read exactly what serde reads: the same model from every
//! good item, and the same error (message and path) from every bad one. Each item is changed in
//! every way one change can make (each value, at any depth, replaced by a value of every kind; each
//! entry removed; an unknown entry added), and both readers are given the same changed item.

#![deny(warnings)]

use std::collections::HashMap;
use std::fmt::Debug;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::{Item, Model};
use serde_json::{json, Value};

use crate::roundtrip::constructs::{Order, Tree};
use crate::roundtrip::Gen;

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.into())
}

fn map(entries: &[(&str, AttributeValue)]) -> AttributeValue {
    AttributeValue::M(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

/// `M` inside `M`, `levels` deep.
fn deep(levels: usize) -> AttributeValue {
    (0..levels).fold(s("bottom"), |inner, _| map(&[("a", inner)]))
}

/// A value of every kind, and the texts and shapes the models' fields are made of.
fn palette() -> Vec<AttributeValue> {
    vec![
        s("x"),
        s(""),
        s("open"),
        s("3PO"),
        n("7"),
        n("-3"),
        n("2.5"),
        n("99999999999"),
        n("abc"),
        n("1e999"),
        AttributeValue::Bool(true),
        AttributeValue::Null(true),
        AttributeValue::Null(false),
        AttributeValue::L(vec![]),
        AttributeValue::L(vec![n("1"), s("a")]),
        AttributeValue::L(vec![map(&[("from", s("a"))])]),
        map(&[]),
        map(&[("from", s("a")), ("carrier", n("1"))]),
        map(&[("k", n("abc"))]),
        AttributeValue::Ss(vec!["a".into()]),
        AttributeValue::Ns(vec!["1".into(), "x".into()]),
        AttributeValue::B(Blob::new("b")),
        AttributeValue::Bs(vec![Blob::new("b")]),
        deep(3),
    ]
}

/// Every value one change away from `value`.
fn variants(value: &AttributeValue) -> Vec<AttributeValue> {
    let mut out = palette();
    match value {
        AttributeValue::M(entries) => {
            for (key, inner) in entries {
                for changed in variants(inner) {
                    let mut entries = entries.clone();
                    entries.insert(key.clone(), changed);
                    out.push(AttributeValue::M(entries));
                }
                let mut without = entries.clone();
                without.remove(key);
                out.push(AttributeValue::M(without));
            }
            for extra in [n("abc"), n("1"), AttributeValue::Null(false), deep(40), s("x")] {
                let mut entries = entries.clone();
                entries.insert("zz_unknown".into(), extra);
                out.push(AttributeValue::M(entries));
            }
        }
        AttributeValue::L(list) => {
            for (index, inner) in list.iter().enumerate() {
                for changed in variants(inner) {
                    let mut list = list.clone();
                    list[index] = changed;
                    out.push(AttributeValue::L(list));
                }
            }
        }
        _ => {}
    }
    out
}

/// How many items both readers read, and how many of them they refused.
#[derive(Default)]
struct Tally {
    read: usize,
    refused: usize,
}

/// Both readers give the same outcome for `item`: the same model, or the same error.
fn same_reading<M: Model + Debug>(item: &Item, tally: &mut Tally) {
    let generated = M::from_item(item.clone());
    let reference = daplug_runtime::__private::serde_model::<M>(item.clone());
    assert_eq!(format!("{generated:?}"), format!("{reference:?}"), "generated decoder vs serde on {item:?}");
    tally.read += 1;
    tally.refused += usize::from(generated.is_err());
}

/// Every item one change away from `item` (and `item` itself), read both ways.
fn every_variant<M: Model + Debug>(item: Item, tally: &mut Tally) {
    same_reading::<M>(&item, tally);
    for variant in variants(&AttributeValue::M(item)) {
        if let AttributeValue::M(item) = variant {
            same_reading::<M>(&item, tally);
        }
    }
}

fn item_of<M: Model>(json: Value) -> Item {
    M::from_json(&json).unwrap_or_else(|err| panic!("{json}: {err}")).to_item().unwrap()
}

#[test]
fn generated_decoders_read_what_serde_reads_on_every_variant_of_random_orders() {
    let mut gen = Gen(0x2545_F491_4F6C_DD1D);
    let mut tally = Tally::default();
    for _ in 0..40 {
        every_variant::<Order>(item_of::<Order>(gen.order(1)), &mut tally);
    }
    // Both outcomes are exercised, many times each.
    assert!(
        tally.refused > 1_000 && tally.read - tally.refused > 1_000,
        "{} read, {} refused",
        tally.read,
        tally.refused
    );
}

#[test]
fn generated_decoders_read_what_serde_reads_on_the_example_tree_and_decimal_models() {
    let mut tally = Tally::default();
    let example = item_of::<crate::models::example::ExampleModel>(json!({
        "record_id": "r1", "status": "open", "modified": "2026-01-01T00:00:00Z",
        "customer": {"name": "Ada", "email": "ada@example.com"},
        "array_number": [1, 2.5], "line_items": [{"sku": "a", "qty": 1, "price": 9.5}, {"sku": "b", "qty": 2}],
        "metadata": {"k": "v"}, "note": "n"
    }));
    every_variant::<crate::models::example::ExampleModel>(example, &mut tally);
    let tree = item_of::<Tree>(json!({"value": 1, "left": {"value": 2, "depth": 1, "left": {"depth": 2}}}));
    every_variant::<Tree>(tree, &mut tally);
    let invoice = item_of::<crate::decimals::per_property::Invoice>(json!({
        "pk": "p", "sk": "s", "total": 12.50, "amounts": [1.5e-7, -0.000100], "rate": 0.1, "note": "n"
    }));
    every_variant::<crate::decimals::per_property::Invoice>(invoice, &mut tally);
    assert!(tally.refused > 500 && tally.read - tally.refused > 100, "{} read, {} refused", tally.read, tally.refused);
}

#[test]
fn generated_decoders_bound_nesting_where_serde_does() {
    // `parent` inside `parent`, past the limit: both readers stop at the same level.
    let mut item: Item = HashMap::from([("pk".into(), s("p")), ("sk".into(), s("s")), ("qty".into(), n("1"))]);
    for _ in 0..40 {
        let mut outer = item.clone();
        outer.insert("parent".into(), AttributeValue::M(item));
        item = outer;
    }
    let mut tally = Tally::default();
    same_reading::<Order>(&item, &mut tally);
    let err = Order::from_item(item).unwrap_err();
    assert!(err.to_string().contains("nested deeper than"), "{err}");
}

/// A model of seventy fields: the decoder holds them in tuples of tuples (eight by eight by eight).
pub mod wide {
    daplug_runtime::schema!("fixtures/wide.yml");
}

#[test]
fn generated_decoders_read_what_serde_reads_on_a_struct_of_seventy_fields() {
    let json: Value = (0..70)
        .map(|i: i64| {
            let value = match i % 7 {
                0 => json!(format!("s{i}")),
                1 => json!(i),
                2 => json!(i as f64 + 0.5),
                3 => json!(i % 2 == 0),
                4 => json!(["a", "b"]),
                5 => json!({"x": i}),
                _ => json!(-i),
            };
            (format!("f{i:02}"), value)
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    let item = item_of::<wide::Wide>(json);
    assert_eq!(item.len(), 70);
    let mut tally = Tally::default();
    every_variant::<wide::Wide>(item.clone(), &mut tally);
    assert!(
        tally.refused > 1_000 && tally.read - tally.refused > 300,
        "{} read, {} refused",
        tally.read,
        tally.refused
    );
    // A missing required field is named wherever it sits among the tuples.
    for name in ["f00", "f33", "f63", "f69"] {
        let mut without = item.clone();
        without.remove(name);
        let err = wide::Wide::from_item(without).unwrap_err();
        assert!(err.to_string().contains(&format!("missing field `{name}`")), "{name}: {err}");
    }
}

#[test]
fn generated_models_read_items_through_their_generated_decoders() {
    // `Model::from_item` of a generated model goes through `Decode` (emitted for every generated
    // struct, enum and newtype); a model without it would not compile here.
    fn decodes<T: daplug_runtime::__private::Decode>() {}
    decodes::<Order>();
    decodes::<Tree>();
    decodes::<wide::Wide>();
    decodes::<crate::models::example::ExampleModel>();
    decodes::<crate::roundtrip::constructs::Status>();
}
