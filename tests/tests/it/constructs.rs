//! JSON Schema constructs beyond objects and unions (`fixtures/constructs.yml`): integer widths,
//! `null` in values, type lists, schemas that admit nothing. Instances in, the value or the error
//! out, and the JSON back, on JSON read and through the table.

use daplug_runtime::{Error, Model};
use serde_json::{json, Value};

use crate::harness::standard;

mod spec {
    daplug_runtime::schema!("fixtures/constructs.yml");
}

use spec::*;

/// The defaults a reading written without them reads with.
fn defaults() -> Value {
    json!({"retries": 3, "mode": "manual", "tags": ["a"], "price": 9.90})
}

fn reading(changes: Value) -> Value {
    let mut reading = json!({"pk": "p", "sk": "s", "retries": 3, "mode": "manual", "tags": ["a"], "price": 9.90});
    if let (Value::Object(reading), Value::Object(changes)) = (&mut reading, changes) {
        reading.extend(changes);
    }
    reading
}

/// Reads `changes` into a `Reading`, writes it back as JSON: the same JSON comes out.
fn round_trip(changes: Value) -> Reading {
    let json = reading(changes);
    let read = Reading::from_json(&json).unwrap_or_else(|e| panic!("{json} should be read: {e}"));
    assert_eq!(serde_json::to_value(&read).unwrap(), json);
    read
}

/// `changes` is refused, the error naming `path`.
fn refused(changes: Value, path: &str) -> String {
    match Reading::from_json(&reading(changes.clone())) {
        Err(Error::Validation { path: at, message, .. }) => {
            assert_eq!(at, path, "{changes}: {message}");
            message
        }
        Err(other) => panic!("{changes}: expected a validation error at {path}, got {other}"),
        Ok(read) => panic!("{changes} should be refused, read {read:?}"),
    }
}

#[test]
fn unsigned_integers_reach_u64_max_and_refuse_negatives() {
    let read = round_trip(json!({"counter": u64::MAX, "small": u32::MAX, "wide": u64::MAX}));
    assert_eq!((read.counter, read.small, read.wide), (Some(u64::MAX), Some(u32::MAX), Some(u64::MAX)));
    refused(json!({"counter": -1}), "counter");
    refused(json!({"small": u64::from(u32::MAX) + 1}), "small");
    refused(json!({"wide": -1}), "wide");
}

#[test]
fn null_among_values_is_none_and_only_null_is_unit() {
    let read = round_trip(json!({"level": "high"}));
    assert_eq!(read.level, Some(ReadingLevel::High));
    let read = Reading::from_json(&reading(json!({"level": null, "cleared": null, "nothing_but_null": null}))).unwrap();
    assert_eq!(read.level, None);
    refused(json!({"level": "medium"}), "level");
    refused(json!({"cleared": "x"}), "cleared");
    refused(json!({"nothing_but_null": 0}), "nothing_but_null");
    let read = round_trip(json!({"label": "x"}));
    assert_eq!(read.label.as_deref(), Some("x"));
    refused(json!({"label": 5}), "label");
}

#[test]
fn type_lists_are_exactly_their_types() {
    assert!(matches!(round_trip(json!({"flag": true})).flag, Some(ReadingFlag::Boolean(true))));
    assert!(matches!(round_trip(json!({"flag": "yes"})).flag, Some(ReadingFlag::String(ref s)) if s == "yes"));
    refused(json!({"flag": [1]}), "flag");
    refused(json!({"flag": 1}), "flag");
    // Each type keeps its own keywords: `minimum` for the integer, `maxLength` for the string.
    assert!(matches!(round_trip(json!({"amount": 5})).amount, Some(ReadingAmount::Integer(ReadingAmountInteger(5)))));
    assert!(matches!(round_trip(json!({"amount": "abc"})).amount, Some(ReadingAmount::String(_))));
    assert!(Reading::from_json(&reading(json!({"amount": null}))).unwrap().amount.is_none());
    refused(json!({"amount": 0}), "amount");
    refused(json!({"amount": "abcd"}), "amount");
    refused(json!({"amount": 1.5}), "amount");
    // An enum over a type list: each value with its own type.
    round_trip(json!({"size": "small"}));
    round_trip(json!({"size": 0}));
    refused(json!({"size": "medium"}), "size");
    refused(json!({"size": 1}), "size");
}

#[test]
fn schemas_that_admit_nothing_are_only_absent() {
    let read = round_trip(json!({}));
    assert!(read.never.is_none() && read.not_anything.is_none() && read.no_values.is_none());
    for field in ["never", "not_anything", "no_values"] {
        for value in [json!(1), json!("x"), json!({}), json!(null)] {
            if value.is_null() {
                // `null` for an optional field reads as absent (as serde reads `Option`).
                continue;
            }
            let message = refused(json!({ field: value }), field);
            assert!(message.contains("admits no value"), "{field}: {message}");
        }
    }
}

#[test]
fn all_of_scalars_reads_their_intersection() {
    assert_eq!(round_trip(json!({"narrow": 5})).narrow, Some(5));
    assert_eq!(refused(json!({"narrow": 0}), "narrow"), "0 is less than the minimum 1");
    assert_eq!(refused(json!({"narrow": 11}), "narrow"), "11 is greater than the maximum 10");
    refused(json!({"narrow": {}}), "narrow");
    assert_eq!(round_trip(json!({"picked": "y"})).picked, Some(ReadingPicked::Y));
    refused(json!({"picked": "x"}), "picked");
    refused(json!({"picked": "w"}), "picked");
    // No value is both a string and an integer.
    refused(json!({"clash": "a"}), "clash");
    refused(json!({"clash": 1}), "clash");
}

#[test]
fn map_keys_follow_their_patterns_and_names() {
    let read = round_trip(json!({"limits": {"cpu": 2, "ram": 0}, "labels": {"env": "prod"}}));
    assert_eq!(read.limits.as_ref().and_then(|l| l.get("cpu")), Some(&2));
    assert_eq!(
        refused(json!({"limits": {"CPU": 2}}), "limits.CPU"),
        "key \"CPU\" does not match the pattern `^[a-z]+$`"
    );
    assert_eq!(refused(json!({"limits": {"cpu": -1}}), "limits.cpu"), "-1 is less than the minimum 0");
    refused(json!({"limits": {"cpu": "two"}}), "limits.cpu");
    let message = refused(json!({"labels": {"region": "eu"}}), "labels.region");
    assert!(message.starts_with("key \"region\" has 6 characters"), "{message}");
    // Writing checks the keys too.
    let mut reading = round_trip(json!({}));
    reading.limits = Some([("Bad".to_owned(), 1)].into_iter().collect());
    assert!(matches!(reading.validate(), Err(Error::Validation { ref path, .. }) if path == "limits.Bad"));
}

#[test]
fn closed_tuples_hold_exactly_their_positions() {
    let read = round_trip(json!({"point": ["a", 1, null], "pair": [true, "x"]}));
    assert_eq!(read.point, Some(("a".to_owned(), 1, None)));
    assert_eq!(read.pair, Some((true, "x".to_owned())));
    refused(json!({"point": ["a", 1]}), "point");
    refused(json!({"point": ["a", 1, 2.5, 3]}), "point");
    refused(json!({"point": [1, 1, 1]}), "point[0]");
    refused(json!({"pair": ["x", true]}), "pair[0]");
}

#[test]
fn all_of_joins_every_declaration_of_a_property() {
    let read = round_trip(json!({"report": {"result": "success", "detail": {"a": "x", "b": 1}}}));
    let report = read.report.expect("read");
    assert_eq!(report.result, Some(ReportResult::Success));
    assert_eq!(report.detail.as_ref().map(|d| (d.a.as_deref(), d.b)), Some((Some("x"), 1)));
    // `failure` is allowed by one declaration, not by the other.
    refused(json!({"report": {"result": "failure"}}), "report.result");
    // The second declaration requires `b`.
    refused(json!({"report": {"detail": {"a": "x"}}}), "report.detail");
}

#[test]
fn defaults_fill_absent_fields() {
    let read = Reading::from_json(&json!({"pk": "p", "sk": "s"})).unwrap();
    assert_eq!((read.retries, read.mode, read.tags.as_slice()), (3, Mode::Manual, &["a".to_owned()][..]));
    assert_eq!(read.price.as_str(), "9.90");
    // Written back, the defaults are written (the field holds a value).
    let back = serde_json::to_value(&read).unwrap();
    for (name, value) in defaults().as_object().unwrap() {
        assert_eq!(&back[name], value, "{name}");
    }
    // A value given wins, and is checked as any other.
    let read = Reading::from_json(&reading(json!({"retries": 0, "mode": "auto", "tags": []}))).unwrap();
    assert_eq!((read.retries, read.mode, read.tags.len()), (0, Mode::Auto, 0));
    refused(json!({"retries": -1}), "retries");
}

#[tokio::test]
async fn the_constructs_round_trip_through_the_table() {
    let (builder, config, table) = standard().await;
    let readings = builder.build().unwrap().repository::<Reading>();
    let json = reading(json!({
        "counter": u64::MAX, "small": 7, "level": "low", "cleared": null, "flag": "on",
        "amount": 12, "size": 0, "label": "l", "point": ["p", -3, 1.5], "pair": [false, "y"]
    }));
    let written = Reading::from_json(&json).unwrap();
    readings.insert(&written).await.unwrap();
    let key = ReadingKey { pk: "p".into(), sk: "s".into() };
    let read = readings.get(&key).await.unwrap().expect("stored");
    assert_eq!(serde_json::to_value(&read).unwrap(), serde_json::to_value(&written).unwrap());
    assert_eq!(read.counter, Some(u64::MAX));
    // An item stored without the defaulted attributes (by another writer) reads with the defaults.
    let client = aws_sdk_dynamodb::Client::new(&config);
    let bare = [("pk", "p"), ("sk", "bare")]
        .map(|(k, v)| (k.to_owned(), aws_sdk_dynamodb::types::AttributeValue::S(v.to_owned())));
    client.put_item().table_name(&table).set_item(Some(bare.into_iter().collect())).send().await.unwrap();
    let bare = readings.get(&ReadingKey { pk: "p".into(), sk: "bare".into() }).await.unwrap().expect("stored");
    assert_eq!((bare.retries, bare.mode, bare.price.as_str()), (3, Mode::Manual, "9.90"));
}
