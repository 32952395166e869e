//! A record of the SDK's `GetRecords` output (aws-sdk-dynamodbstreams, feature `streams`) decoded
//! into a [`Change`]. The streams SDK has its own `AttributeValue` type, the same values as
//! DynamoDB's: converted here, value by value, to the item type the model decodes.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodbstreams::types::{
    AttributeValue as StreamValue, OperationType, Record, StreamRecord, StreamViewType,
};
use serde::de::DeserializeOwned;

use super::{missing, Change, ChangeError, ChangeKind, ViewType};
use crate::codec::item::Item;
use crate::model::Model;
use crate::prefix::Prefixes;

impl<M: Model> Change<M>
where
    M::Key: DeserializeOwned,
{
    /// Decodes a record of `GetRecords` (`output.records()`); `prefixes` are the rules the
    /// repository reads with ([`Adapter::prefixes`](crate::Adapter::prefixes)).
    ///
    /// ```no_run
    /// # use daplug_runtime::{Adapter, Model};
    /// # async fn demo<M: Model>(adapter: Adapter, streams: daplug_runtime::aws::dynamodbstreams::Client, iterator: String)
    /// #     -> Result<(), Box<dyn std::error::Error>> where M::Key: serde::de::DeserializeOwned {
    /// use daplug_runtime::streams::Change;
    /// let output = streams.get_records().shard_iterator(iterator).send().await?;
    /// for record in output.records() {
    ///     match Change::<M>::from_stream_record(record, &adapter.prefixes())? {
    ///         Change::Insert { key, new } => { /* ... */ }
    ///         Change::Modify { key, old, new } => { /* ... */ }
    ///         Change::Remove { key, old } => { /* ... */ }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn from_stream_record(record: &Record, prefixes: &Prefixes) -> Result<Self, ChangeError> {
        let kind = match record.event_name() {
            Some(OperationType::Insert) => ChangeKind::Insert,
            Some(OperationType::Modify) => ChangeKind::Modify,
            Some(OperationType::Remove) => ChangeKind::Remove,
            Some(other) => {
                return Err(ChangeError::Malformed {
                    path: "eventName".into(),
                    message: format!("unknown event name `{}`", other.as_str()),
                })
            }
            None => return Err(missing("eventName")),
        };
        let change: &StreamRecord = record.dynamodb().ok_or_else(|| missing("dynamodb"))?;
        let view_type = match change.stream_view_type() {
            None => None,
            Some(StreamViewType::KeysOnly) => Some(ViewType::KeysOnly),
            Some(StreamViewType::NewImage) => Some(ViewType::NewImage),
            Some(StreamViewType::OldImage) => Some(ViewType::OldImage),
            Some(StreamViewType::NewAndOldImages) => Some(ViewType::NewAndOldImages),
            Some(other) => {
                return Err(ChangeError::Malformed {
                    path: "dynamodb.StreamViewType".into(),
                    message: format!("unknown view type `{}`", other.as_str()),
                })
            }
        };
        let keys = item(change.keys(), "dynamodb.Keys")?.ok_or_else(|| missing("dynamodb.Keys"))?;
        let new = item(change.new_image(), "dynamodb.NewImage")?;
        let old = item(change.old_image(), "dynamodb.OldImage")?;
        Self::from_images(kind, view_type, keys, new, old, prefixes)
    }
}

/// A streams-SDK map as an item.
fn item(map: Option<&HashMap<String, StreamValue>>, path: &str) -> Result<Option<Item>, ChangeError> {
    let Some(map) = map else { return Ok(None) };
    let mut item = Item::with_capacity(map.len());
    for (name, value) in map {
        item.insert(name.clone(), value_of(value).ok_or_else(|| unknown_type(path, name))?);
    }
    Ok(Some(item))
}

fn unknown_type(path: &str, name: &str) -> ChangeError {
    ChangeError::Malformed {
        path: format!("{path}.{name}"),
        message: "an attribute type DynamoDB does not define".into(),
    }
}

/// One value, converted; `None` for a type this SDK version does not know.
fn value_of(value: &StreamValue) -> Option<AttributeValue> {
    Some(match value {
        StreamValue::S(text) => AttributeValue::S(text.clone()),
        StreamValue::N(text) => AttributeValue::N(text.clone()),
        StreamValue::B(blob) => AttributeValue::B(blob.clone()),
        StreamValue::Bool(flag) => AttributeValue::Bool(*flag),
        StreamValue::Null(null) => AttributeValue::Null(*null),
        StreamValue::Ss(texts) => AttributeValue::Ss(texts.clone()),
        StreamValue::Ns(texts) => AttributeValue::Ns(texts.clone()),
        StreamValue::Bs(blobs) => AttributeValue::Bs(blobs.clone()),
        StreamValue::L(values) => AttributeValue::L(values.iter().map(value_of).collect::<Option<_>>()?),
        StreamValue::M(map) => {
            AttributeValue::M(map.iter().map(|(k, v)| Some((k.clone(), value_of(v)?))).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::test_support::{Thing, ThingKey};

    fn record(event: &str, view: &str, keys: Option<StreamValue>) -> Record {
        let mut change = StreamRecord::builder().stream_view_type(StreamViewType::from(view));
        if let Some(pk) = keys {
            change = change.keys("pk", pk);
        }
        Record::builder().event_name(OperationType::from(event)).dynamodb(change.build()).build()
    }

    fn malformed(record: &Record) -> String {
        match Change::<Thing>::from_stream_record(record, &Prefixes::none()) {
            Err(ChangeError::Malformed { path, .. }) => path,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn records_daplug_cannot_read_are_malformed_at_their_part() {
        let pk = || Some(StreamValue::S("a".into()));
        assert_eq!(malformed(&record("UPSERT", "KEYS_ONLY", pk())), "eventName");
        assert_eq!(malformed(&record("INSERT", "ALL_IMAGES", pk())), "dynamodb.StreamViewType");
        assert_eq!(malformed(&record("INSERT", "KEYS_ONLY", None)), "dynamodb.Keys");
        assert_eq!(malformed(&Record::builder().event_name(OperationType::Insert).build()), "dynamodb");
        let change = Change::<Thing>::from_stream_record(&record("REMOVE", "KEYS_ONLY", pk()), &Prefixes::none());
        assert_eq!(change.unwrap(), Change::Remove { key: ThingKey::new("a"), old: None });
    }

    #[test]
    fn every_value_type_converts() {
        let nested = StreamValue::M(HashMap::from([(
            "l".to_owned(),
            StreamValue::L(vec![StreamValue::Ns(vec!["1".into()]), StreamValue::Null(true), StreamValue::Bool(false)]),
        )]));
        let converted = value_of(&nested).unwrap();
        let AttributeValue::M(map) = converted else { panic!("{converted:?}") };
        assert_eq!(
            map["l"],
            AttributeValue::L(vec![
                AttributeValue::Ns(vec!["1".into()]),
                AttributeValue::Null(true),
                AttributeValue::Bool(false)
            ])
        );
    }
}
