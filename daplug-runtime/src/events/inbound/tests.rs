//! Decoding refusals and payload rules, on hand-built deliveries (the emulator round trips are in
//! `tests/tests/it/subscribers.rs`).

use super::*;
use crate::ops::test_support::{Thing, ThingKey};

fn envelope(message: &str, attributes: &[(&str, &str, &str)]) -> String {
    let attributes: serde_json::Map<String, serde_json::Value> = attributes
        .iter()
        .map(|(name, data_type, value)| ((*name).to_owned(), serde_json::json!({"Type": data_type, "Value": value})))
        .collect();
    serde_json::json!({
        "Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:aws:sns:us-east-1:1:t",
        "Message": message, "Timestamp": "2026-01-01T00:00:00.000Z", "MessageAttributes": attributes,
    })
    .to_string()
}

fn daplug(operation: &str) -> Vec<(&'static str, &'static str, String)> {
    vec![("schema", "String", "Thing".into()), ("operation", "String", operation.into())]
}

fn decode(message: &str, attributes: &[(&str, &str, String)]) -> Result<Event<Thing>, EventError> {
    let attributes: Vec<(&str, &str, &str)> = attributes.iter().map(|(n, t, v)| (*n, *t, v.as_str())).collect();
    Event::from_sns_envelope(&envelope(message, &attributes))
}

#[test]
fn an_envelope_decodes_into_the_model_with_typed_attributes() {
    let mut attributes = daplug("update");
    attributes.push(("priority", "Number", "3".into()));
    attributes.push(("source", "String.custom", "shop".into()));
    let event = decode(r#"{"pk": "a", "n": 7, "version": 2}"#, &attributes).unwrap();
    assert_eq!(event.operation, Some(Operation::Update));
    assert_eq!(event.schema, Some("Thing"));
    assert_eq!(event.payload, Payload::Item(Thing { version: Some(2), ..Thing::new("a", 7) }));
    assert_eq!(event.attributes["priority"], MessageAttribute::Number("3".into()));
    assert_eq!(event.attributes["source"], MessageAttribute::String("shop".into()));
    assert_eq!(event.attributes.len(), 2, "operation and schema are fields, not attributes");
    assert_eq!(event.message_id.as_deref(), Some("m-1"));
}

#[test]
fn deletes_carry_the_old_item_or_the_key() {
    let old = decode(r#"{"pk": "a", "n": 7}"#, &daplug("delete")).unwrap();
    assert_eq!(old.payload, Payload::Item(Thing::new("a", 7)));
    let key = decode(r#"{"pk": "a"}"#, &daplug("delete")).unwrap();
    assert_eq!(key.payload, Payload::Key(ThingKey::new("a")));
    let batch = decode(r#"{"pk": "b"}"#, &daplug("batch_delete")).unwrap();
    assert_eq!(batch.payload, Payload::Key(ThingKey::new("b")));
    assert!(batch.payload.item().is_none());
    // Without an operation (daplug-ddb) the body is the item.
    let untagged = decode(r#"{"pk": "a", "n": 1}"#, &[]).unwrap();
    assert_eq!((untagged.operation, untagged.schema), (None, None));
    assert_eq!(untagged.payload.into_item(), Some(Thing::new("a", 1)));
}

#[test]
fn another_schema_or_an_unknown_operation_is_refused() {
    let other = vec![("schema", "String", "Order".to_owned())];
    match decode(r#"{"pk": "a", "n": 1}"#, &other).unwrap_err() {
        EventError::OtherSchema { expected: "Thing", found } => assert_eq!(found, "Order"),
        other => panic!("{other:?}"),
    }
    let err = decode(r#"{"pk": "a", "n": 1}"#, &daplug("upsert")).unwrap_err();
    assert!(matches!(&err, EventError::UnknownOperation { found } if found == "upsert"), "{err:?}");
    let binary = vec![("blob", "Binary", "AAEC".to_owned())];
    let err = decode(r#"{"pk": "a", "n": 1}"#, &binary).unwrap_err();
    assert!(matches!(&err, EventError::UnsupportedAttribute { name, .. } if name == "blob"), "{err:?}");
}

#[test]
fn a_body_that_is_not_the_model_names_its_path() {
    let err = decode(r#"{"pk": "a", "n": "seven"}"#, &daplug("insert")).unwrap_err();
    match &err {
        EventError::Body { operation: Some(Operation::Insert), source } => match source.as_ref() {
            Error::Validation { path, .. } => assert_eq!(path, "n"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("the body of an `insert` event: Thing: invalid value at `n`"), "{err}");
    let err = decode(r#"{"pk": 5}"#, &daplug("batch_delete")).unwrap_err();
    assert!(
        matches!(&err, EventError::Body { source, .. } if matches!(source.as_ref(), Error::Validation { path, .. } if path == "pk")),
        "{err:?}"
    );
    let err = decode("not json", &[]).unwrap_err();
    assert!(
        matches!(&err, EventError::Body { operation: None, source } if matches!(source.as_ref(), Error::Validation { path, .. } if path == ".")),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("the body of the event:"), "{err}");
}

#[test]
fn malformed_envelopes_are_refused_at_their_path() {
    let cases = [
        ("not json", "."),
        (r#"{"Type": "Notification"}"#, "."),
        (r#"{"Type": "Notification", "Message": 5}"#, "Message"),
        (
            r#"{"Type": "Notification", "Message": "{}", "MessageAttributes": {"operation": {"Type": "String"}}}"#,
            "MessageAttributes.operation",
        ),
        (
            r#"{"Type": "Notification", "Message": "{}", "MessageAttributes": {"operation": {"Type": "String", "Value": 1}}}"#,
            "MessageAttributes.operation.Value",
        ),
        (r#"{"Type": "SubscriptionConfirmation", "Message": "confirm"}"#, "Type"),
    ];
    for (text, expected) in cases {
        match Event::<Thing>::from_sns_envelope(text) {
            Err(EventError::Malformed { path, message }) => assert_eq!(path, expected, "{text}: {message}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn a_raw_delivery_decodes_as_its_envelope_does() {
    let attributes = [("schema", MessageAttribute::from("Thing")), ("operation", "overwrite".into()), ("n", 4.into())];
    let raw = Event::<Thing>::from_raw(r#"{"pk": "a", "n": 2}"#, attributes).unwrap();
    let enveloped = decode(
        r#"{"pk": "a", "n": 2}"#,
        &[
            ("schema", "String", "Thing".into()),
            ("operation", "String", "overwrite".into()),
            ("n", "Number", "4".into()),
        ],
    )
    .unwrap();
    assert_eq!(raw, Event { message_id: None, ..enveloped });
}
