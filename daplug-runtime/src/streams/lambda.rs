//! A record of a Lambda DynamoDB event (aws_lambda_events, feature `lambda`) decoded into a
//! [`Change`]. Lambda's images are serde_dynamo items, converted to the SDK's attribute values; an
//! image the record does not carry deserializes as an empty map, read here as absent (an item
//! always has its key attributes, so a real image is never empty).

use aws_lambda_events::event::dynamodb::EventRecord;
use serde::de::DeserializeOwned;

use super::{missing, Change, ChangeError, ChangeKind, ViewType};
use crate::codec::item::Item;
use crate::model::Model;
use crate::prefix::Prefixes;

impl<M: Model> Change<M>
where
    M::Key: DeserializeOwned,
{
    /// Decodes a record of a Lambda DynamoDB event (`event.records`); `prefixes` are the rules the
    /// repository reads with ([`Adapter::prefixes`](crate::Adapter::prefixes)).
    pub fn from_lambda_record(record: &EventRecord, prefixes: &Prefixes) -> Result<Self, ChangeError> {
        let kind = ChangeKind::parse(&record.event_name).ok_or_else(|| match record.event_name.as_str() {
            "" => missing("eventName"),
            other => {
                ChangeError::Malformed { path: "eventName".into(), message: format!("unknown event name `{other}`") }
            }
        })?;
        let change = &record.change;
        let view_type = match &change.stream_view_type {
            None => None,
            // By its wire name: the enum is non-exhaustive.
            Some(view) => Some(ViewType::parse(&view.to_string()).ok_or_else(|| ChangeError::Malformed {
                path: "dynamodb.StreamViewType".into(),
                message: format!("unknown view type `{view}`"),
            })?),
        };
        let keys = item(&change.keys).ok_or_else(|| missing("dynamodb.Keys"))?;
        Self::from_images(kind, view_type, keys, item(&change.new_image), item(&change.old_image), prefixes)
    }
}

/// A Lambda image as an item (serde_dynamo's conversion, its `aws-sdk-dynamodb+1` feature); `None`
/// when empty (not carried).
fn item(image: &serde_dynamo::Item) -> Option<Item> {
    (!image.is_empty()).then(|| image.clone().into())
}

#[cfg(test)]
mod tests {
    use aws_lambda_events::event::dynamodb::Event;

    use super::*;
    use crate::ops::test_support::{Thing, ThingKey};

    /// A Lambda DynamoDB event (Lambda Developer Guide, "Using Lambda with DynamoDB"), read by
    /// aws_lambda_events itself.
    fn record(name: &str, view: &str, images: &str) -> EventRecord {
        let text = format!(
            r#"{{"Records": [{{"eventID": "1", "eventName": "{name}", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
              "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:1:table/t/stream/x",
              "dynamodb": {{"ApproximateCreationDateTime": 1767225600, "Keys": {{"pk": {{"S": "t#a"}}}},
                            "SequenceNumber": "1", "SizeBytes": 10, "StreamViewType": "{view}" {images}}}}}]}}"#
        );
        let mut event: Event = serde_json::from_str(&text).unwrap();
        event.records.remove(0)
    }

    #[test]
    fn a_lambda_record_decodes_with_prefixes_stripped() {
        let images =
            r#", "NewImage": {"pk": {"S": "t#a"}, "n": {"N": "2"}}, "OldImage": {"pk": {"S": "t#a"}, "n": {"N": "1"}}"#;
        let prefixes = Prefixes::none().with("pk", "t#");
        let change = Change::<Thing>::from_lambda_record(&record("MODIFY", "NEW_AND_OLD_IMAGES", images), &prefixes);
        assert_eq!(
            change.unwrap(),
            Change::Modify { key: ThingKey::new("a"), old: Some(Thing::new("a", 1)), new: Some(Thing::new("a", 2)) }
        );
        let keys_only = Change::<Thing>::from_lambda_record(&record("REMOVE", "KEYS_ONLY", ""), &prefixes).unwrap();
        assert_eq!(keys_only, Change::Remove { key: ThingKey::new("a"), old: None });
        let missing = Change::<Thing>::from_lambda_record(&record("REMOVE", "OLD_IMAGE", ""), &prefixes).unwrap_err();
        assert!(matches!(missing, ChangeError::MissingImage { .. }), "{missing:?}");
        let unknown = Change::<Thing>::from_lambda_record(&record("UPSERT", "KEYS_ONLY", ""), &prefixes).unwrap_err();
        assert!(matches!(&unknown, ChangeError::Malformed { path, .. } if path == "eventName"), "{unknown:?}");
    }
}
