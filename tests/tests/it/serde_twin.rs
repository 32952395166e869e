//! The impls `schema!` writes for structs and string enums (`Serialize`, `Deserialize`, `Debug` and
//! the item decoder, through the runtime's generic code) against serde's derive on the same types:
//! `twin/types.rs` is the fixture's types as a user writes them by hand (with the derives; kept
//! current by daplug-codegen's golden test). Every input is read by both, from JSON text, from a
//! JSON value (with the path at fault) and from an item, and what is read is written back both
//! ways: the values, the errors, the paths, the `Debug` text, the JSON and the items must be equal.
//!
//! The inputs are a few good orders changed in every way one change can make (each value, at any
//! depth, replaced by a value of every kind; each entry removed; an unknown entry added; each key of
//! an object given twice).

#![deny(warnings)]

use std::fmt::Debug;

use daplug_runtime::__private::{serde_decode, AttributeValue, Decode, DecodeError};
use daplug_runtime::{Item, Model};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

mod generated {
    daplug_runtime::schema!("fixtures/serde-twin.yml");
}

mod twin {
    include!("twin/types.rs");
}

/// What reading `value` as `T` gave: its `Debug` text and the JSON written back, or the path at fault
/// and the message.
fn from_value<T: DeserializeOwned + Serialize + Debug>(value: &Value) -> Result<(String, String), (String, String)> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(read) => {
            Ok((format!("{read:?}"), serde_json::to_string(&read).map_err(|err| (String::new(), err.to_string()))?))
        }
        Err(err) => Err((err.path().to_string(), err.inner().to_string())),
    }
}

fn from_text<T: DeserializeOwned + Debug>(text: &str) -> Result<String, String> {
    serde_json::from_str::<T>(text).map(|read| format!("{read:?}")).map_err(|err| err.to_string())
}

fn from_attribute<T: Decode + Debug>(value: AttributeValue) -> Result<String, DecodeError> {
    T::decode(value, 0).map(|read| format!("{read:?}"))
}

fn through_serde<T: DeserializeOwned + Debug>(value: AttributeValue) -> Result<String, DecodeError> {
    serde_decode::<T>(value, 0).map(|read| format!("{read:?}"))
}

/// The counts of inputs read and refused, to show both were compared.
#[derive(Default, Debug)]
struct Seen {
    read: usize,
    refused: usize,
}

/// `value` read as the generated `G` and as its twin `T`, every way: equal outcomes. For a model,
/// also its item both ways.
fn compare<G, T>(value: &Value, seen: &mut Seen)
where
    G: DeserializeOwned + Serialize + Debug + Decode,
    T: DeserializeOwned + Serialize + Debug,
{
    let generated = from_value::<G>(value);
    let twin = from_value::<T>(value);
    match (&generated, &twin) {
        // Inside the tagged union the message is the derive's and the path reaches further: the
        // derive reads a copy of the union's map, past the path tracker, where the generated union
        // reads the entries after the tag straight from the input (`payment.number`, not `payment`).
        (Err((path, message)), Err((twin_path, twin_message))) if bad_payment(value) => {
            assert_eq!(message, twin_message, "from_value of {value}");
            assert!(path.starts_with(twin_path.as_str()), "from_value of {value}: {path} / {twin_path}");
        }
        _ => assert_eq!(generated, twin, "from_value of {value}"),
    }
    match generated {
        Ok(_) => seen.read += 1,
        Err(_) => seen.refused += 1,
    }
    let text = value.to_string();
    let (generated_text, twin_text) = (from_text::<G>(&text), from_text::<T>(&text));
    if bad_payment(value) {
        // Inside the tagged union the message is the derive's, the position is not (see
        // `a_key_given_twice_is_refused_as_the_derive_refuses_it`).
        let message = |r: &Result<String, String>| r.clone().map_err(|e| without_position(&e));
        assert_eq!(message(&generated_text), message(&twin_text), "from_str of {text}");
    } else {
        assert_eq!(generated_text, twin_text, "from_str of {text}");
    }
    // Items hold what JSON holds (numbers as `N`, maps as `M`, lists as `L`).
    if let Ok(attribute) = serde_dynamo::to_attribute_value::<_, AttributeValue>(value) {
        let decoded = from_attribute::<G>(attribute.clone());
        if bad_payment(value) {
            // The tagged union's decoder reads the alternative the tag names straight from the
            // item, so its error is the item decoder's, at the field's path (`payment.cvc:
            // Expected num`), where serde's derive reads a copy of the map and names the union.
            let twin = through_serde::<T>(attribute.clone());
            assert_eq!(decoded.is_ok(), twin.is_ok(), "decoding {attribute:?}");
            if let Err(err) = &decoded {
                assert!(err.to_string().len() > 3, "{err:?}");
            }
        } else {
            assert_eq!(decoded, through_serde::<T>(attribute.clone()), "decoding {attribute:?}");
            assert_eq!(decoded, through_serde::<G>(attribute), "decoding through serde");
        }
    }
}

/// A model's item written from the generated model and from the twin (through serde): equal.
fn same_item(value: &Value) {
    let (Ok(generated), Ok(twin)) = (
        serde_json::from_value::<generated::Order>(value.clone()),
        serde_json::from_value::<twin::Order>(value.clone()),
    ) else {
        return;
    };
    let item: Item = generated.clone().into();
    assert_eq!(item, daplug_runtime::__private::generated_item(&twin), "the item of {value}");
    let back = generated::Order::from_item(item).map(|read| format!("{read:?}")).map_err(|err| err.to_string());
    assert_eq!(back, Ok(format!("{twin:?}")));
}

/// One step into a JSON value.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every path to a value in `value` (the root first).
fn paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                at.push(Step::Key(key.clone()));
                paths(inner, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                at.push(Step::Index(index));
                paths(inner, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[key.as_str()],
        Step::Index(index) => &mut value[*index],
    })
}

/// A value of every kind, and the texts and shapes the fixture's fields are made of.
fn palette() -> Vec<Value> {
    vec![
        json!("x"),
        json!(""),
        json!("open"),
        json!("3PO"),
        json!("type"),
        json!("Open"),
        json!(7),
        json!(-3),
        json!(2.5),
        json!(99999999999u64),
        json!(true),
        Value::Null,
        json!([]),
        json!([1, "a"]),
        json!(["a"]),
        json!({}),
        json!({"sku": "a"}),
        json!({"open": null}),
    ]
}

/// Every one-change variant of `base`.
fn variants(base: &Value) -> Vec<Value> {
    let mut all = Vec::new();
    paths(base, &mut Vec::new(), &mut all);
    let mut out = vec![base.clone()];
    for path in &all {
        for replacement in palette() {
            let mut changed = base.clone();
            *at_mut(&mut changed, path) = replacement;
            out.push(changed);
        }
        if let Some((last, parent)) = path.split_last() {
            let mut changed = base.clone();
            match (at_mut(&mut changed, parent), last) {
                (Value::Object(map), Step::Key(key)) => {
                    map.remove(key);
                }
                (Value::Array(items), Step::Index(index)) => {
                    items.remove(*index);
                }
                _ => {}
            }
            out.push(changed);
        }
        let mut changed = base.clone();
        if let Value::Object(map) = at_mut(&mut changed, path) {
            map.insert("zz-unknown".into(), json!({"deep": [1, {"x": null}]}));
            out.push(changed);
        }
    }
    out
}

/// `value` as JSON text with the key `key` of the object at `path` given a second time, with
/// `again` (serde_json's `Value` cannot hold a duplicate).
fn with_duplicate(value: &Value, path: &[Step], key: &str, again: &Value) -> String {
    match (value, path.split_first()) {
        (Value::Object(map), None) => {
            let mut entries: Vec<String> =
                map.iter().map(|(k, v)| format!("{}:{v}", Value::from(k.as_str()))).collect();
            entries.push(format!("{}:{again}", Value::from(key)));
            format!("{{{}}}", entries.join(","))
        }
        (Value::Object(map), Some((Step::Key(next), rest))) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let v = if k == next { with_duplicate(v, rest, key, again) } else { v.to_string() };
                    format!("{}:{v}", Value::from(k.as_str()))
                })
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        (Value::Array(items), Some((Step::Index(next), rest))) => {
            let items: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, v)| if i == *next { with_duplicate(v, rest, key, again) } else { v.to_string() })
                .collect();
            format!("[{}]", items.join(","))
        }
        _ => value.to_string(),
    }
}

fn full_order() -> Value {
    json!({
        "orderId": "o-1",
        "status": "shipped-late",
        "type": "retail",
        "self": 3,
        "note": null,
        // A line may also be written as its fields in order.
        "lines": [{"sku": "a", "qty": 2, "price": 2.5}, ["b", 3]],
        "tags": ["open", "3PO", "type"],
        "meta": {"x": 1, "y": -2},
        "wide": {"a": "a", "bb": 2, "ccc": true, "d": 1.5, "e": null, "f": "open", "g": 7, "hh": "h",
                 "i": [1, 2], "jj": "j", "x-long": "l"},
        "nothing": {"anything": [1, "goes"]},
        // Structs inside a tagged and an untagged `oneOf` (read by serde from its buffered content).
        "payment": {"method": "card", "number": "4111", "cvc": 123},
        "either": {"sku": "e", "qty": 1},
        "blank": {"ignored": true}
    })
}

fn minimal_order() -> Value {
    json!({"orderId": "o-2", "status": "open", "lines": [], "note": "n"})
}

/// A `Wide70` with every field (`f00`..`f69`, of five kinds in turn).
fn wide70() -> Value {
    let kinds = [json!("s"), json!(3), json!(true), json!(1.5), json!(["a"])];
    Value::Object((0..70).map(|i| (format!("f{i:02}"), kinds[i % 5].clone())).collect())
}

#[test]
fn generated_impls_read_and_write_as_the_derive() {
    let mut seen = Seen::default();
    for base in [full_order(), minimal_order()] {
        for value in variants(&base) {
            compare::<generated::Order, twin::Order>(&value, &mut seen);
            same_item(&value);
        }
    }
    let wide = full_order()["wide"].clone();
    for value in variants(&wide) {
        compare::<generated::Wide, twin::Wide>(&value, &mut seen);
    }
    for value in variants(&wide70()) {
        compare::<generated::Wide70, twin::Wide70>(&value, &mut seen);
    }
    for value in palette() {
        compare::<generated::Status, twin::Status>(&value, &mut seen);
        compare::<generated::Line, twin::Line>(&value, &mut seen);
    }
    assert!(seen.read > 100 && seen.refused > 500, "{seen:?}");
}

/// Whether `value` holds a `payment` that is not a valid one (the error is inside the union).
fn bad_payment(value: &Value) -> bool {
    value.get("payment").is_some_and(|p| serde_json::from_value::<twin::Payment>(p.clone()).is_err())
}

/// A serde_json message without its ` at line L column C`.
fn without_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

#[test]
fn a_key_given_twice_is_refused_as_the_derive_refuses_it() {
    let mut compared = 0;
    for base in [full_order(), minimal_order()] {
        let mut all = Vec::new();
        paths(&base, &mut Vec::new(), &mut all);
        for path in &all {
            let Value::Object(map) = at_mut(&mut base.clone(), path).clone() else { continue };
            for (key, first) in &map {
                for again in [first.clone(), Value::Null, json!("x")] {
                    let text = with_duplicate(&base, path, key, &again);
                    let generated = from_text::<generated::Order>(&text);
                    let twin = from_text::<twin::Order>(&text);
                    // Inside the tagged union the message is the derive's, the position is not: the
                    // derive holds the whole object before reading it (the error is at its end), the
                    // generated union reads it as it comes (the error is at the second key).
                    let in_union = path.iter().any(|s| matches!(s, Step::Key(k) if k == "payment"));
                    if in_union {
                        let message = |r: &Result<String, String>| r.clone().map_err(|e| without_position(&e));
                        assert_eq!(message(&generated), message(&twin), "{text}");
                    } else {
                        assert_eq!(generated, twin, "{text}");
                    }
                    // A struct refuses a field given twice; a map (`meta`) or a JSON value (`nothing`) keeps
                    // the last (when it is of the map's type: the same value again is), and a struct
                    // skips an unknown entry however often it comes (`blank` has no fields).
                    let not_a_field = path
                        .iter()
                        .any(|s| matches!(s, Step::Key(k) if ["meta", "nothing", "blank"].contains(&k.as_str())));
                    if again == *first {
                        assert_eq!(generated.is_err(), !not_a_field, "{text}: {generated:?}");
                    }
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 50, "{compared}");
}

#[test]
fn string_enums_write_their_wire_names_and_debug_their_rust_names() {
    use generated::Status;
    let all = [Status::Open, Status::ShippedLate, Status::X3po, Status::Type];
    let wire: Vec<String> = all.iter().map(|s| serde_json::to_string(s).unwrap_or_default()).collect();
    assert_eq!(wire, [r#""open""#, r#""shipped-late""#, r#""3PO""#, r#""type""#]);
    let twin = [twin::Status::Open, twin::Status::ShippedLate, twin::Status::X3po, twin::Status::Type];
    for (generated, twin) in all.iter().zip(&twin) {
        assert_eq!(format!("{generated:?}"), format!("{twin:?}"));
        assert_eq!(serde_json::to_string(generated).ok(), serde_json::to_string(twin).ok());
    }
}
