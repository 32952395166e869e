//! The SNS notifications daplug-ddb published in the behaviour vectors (`fixtures/vectors.json`,
//! each recorded from an SQS queue subscribed to the topic: `Type`, `TopicArn`, `Message`, the
//! `MessageAttributes` when there were any, the envelope's other keys named in `envelope_keys`),
//! decoded as a subscriber decodes them: every one decodes, with no `operation` or `schema` (daplug-ddb
//! sends neither), its attributes typed, its body exactly the recorded one (read as a schemaless
//! model) and, as the generated model of the schema daplug-ddb mapped it through, the same payload
//! as daplug's own event of the same body (with daplug's `operation` and `schema` attributes).

use daplug_runtime::events::{Event, MessageAttribute, Operation};
use daplug_runtime::Model;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::models::vectors;
use crate::vectors::{load_vectors, Dynamic, Vector};

/// The envelope as SQS delivered it: the recorded keys, and the others `envelope_keys` names.
fn envelope(notification: &Value, index: usize) -> String {
    let mut envelope = Map::new();
    for key in notification["envelope_keys"].as_array().expect("envelope_keys") {
        let key = key.as_str().expect("key");
        let value = match notification.get(key) {
            Some(recorded) => recorded.clone(),
            None => json!(format!("{key}-{index}")),
        };
        envelope.insert(key.to_owned(), value);
    }
    if let Some(attributes) = notification.get("MessageAttributes") {
        envelope.insert("MessageAttributes".into(), attributes.clone());
    }
    Value::Object(envelope).to_string()
}

/// The recorded attributes, typed.
fn attributes(notification: &Value) -> Vec<(String, MessageAttribute)> {
    let Some(map) = notification.get("MessageAttributes").and_then(Value::as_object) else { return vec![] };
    map.iter()
        .map(|(name, attribute)| {
            let value = attribute["Value"].as_str().expect("Value").to_owned();
            let typed = match attribute["Type"].as_str().expect("Type") {
                "Number" => MessageAttribute::Number(value),
                _ => MessageAttribute::String(value),
            };
            (name.clone(), typed)
        })
        .collect()
}

/// daplug-ddb's notification and daplug's event of the same body, both decoded as `M`: the same
/// payload and attributes. An error is returned as text, for the report.
fn same_as_daplugs<M: Model + PartialEq + std::fmt::Debug>(
    v: &Vector,
    notification: &Value,
    index: usize,
) -> Result<(), String>
where
    M::Key: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let theirs = Event::<M>::from_sns_envelope(&envelope(notification, index)).map_err(|err| err.to_string())?;
    let mut ours = attributes(notification);
    ours.push(("schema".into(), M::META.schema.into()));
    ours.push(("operation".into(), v.operation().into()));
    let body = notification["Message"].as_str().expect("Message");
    let ours = Event::<M>::from_raw(body, ours).map_err(|err| err.to_string())?;
    assert_eq!(ours.operation, Operation::parse(v.operation()), "{}", v.name);
    assert_eq!(theirs.payload, ours.payload, "{}", v.name);
    assert_eq!(theirs.attributes, ours.attributes, "{}", v.name);
    Ok(())
}

#[test]
fn daplug_ddb_notifications_decode_as_daplugs_events() {
    let vectors = load_vectors();
    let mut decoded = 0;
    let mut refused = Vec::new();
    for v in &vectors {
        for (index, notification) in v.expected_sns.iter().enumerate() {
            let event = Event::<Dynamic>::from_sns_envelope(&envelope(notification, index))
                .unwrap_or_else(|err| panic!("{}: {err}", v.name));
            assert_eq!((event.operation, event.schema), (None, None), "{}", v.name);
            assert_eq!(event.attributes, attributes(notification).into_iter().collect(), "{}", v.name);
            let body = event.payload.into_item().expect("an item").0;
            assert_eq!(Value::Object(body), notification["Message_parsed"], "{}", v.name);
            let typed = match v.mapped_schema() {
                None => same_as_daplugs::<Dynamic>(v, notification, index),
                Some("Order") => same_as_daplugs::<vectors::Order>(v, notification, index),
                Some("OrderWithAudit") => same_as_daplugs::<vectors::OrderWithAudit>(v, notification, index),
                Some("Polymorph") => same_as_daplugs::<vectors::Polymorph>(v, notification, index),
                Some("Untyped") => same_as_daplugs::<vectors::Untyped>(v, notification, index),
                Some(other) => panic!("no generated model for schema {other}"),
            };
            if let Err(err) = typed {
                refused.push(format!("{}: {err}", v.name));
            }
            decoded += 1;
        }
    }
    assert_eq!(decoded, 56, "the vectors hold 56 notifications");
    // What daplug-ddb published but its schema refuses (it stored wrong-typed values verbatim,
    // vectors.rs's corrected `insert_schema_type_mismatch`): the typed model says where.
    assert_eq!(
        refused,
        ["insert_schema_type_mismatch: the body of the event: Order: invalid value at `scores`: invalid type: \
          string \"not-a-list\", expected a sequence at line 1 column 100"]
    );
}
