//! Lambda's SNS and SQS event records (aws_lambda_events, feature `lambda`) decoded into an
//! [`Event`]: an SNS record carries the notification's parts already parsed, an SQS record is an
//! SQS message as [`Delivery`] says the queue receives it.

use aws_lambda_events::event::sns::SnsRecord;
use aws_lambda_events::event::sqs::SqsMessage;
use serde::de::DeserializeOwned;

use super::error::EventError;
use super::{envelope, Delivery, Event, Received};
use crate::model::Model;

impl<M: Model> Event<M>
where
    M::Key: DeserializeOwned,
{
    /// Decodes a record of a Lambda SNS event (a function subscribed to the topic).
    pub fn from_lambda_sns(record: &SnsRecord) -> Result<Self, EventError> {
        let message = &record.sns;
        Self::decode(Received {
            body: message.message.clone(),
            attributes: message
                .message_attributes
                .iter()
                .map(|(name, attribute)| (name.clone(), attribute.data_type.clone(), attribute.value.clone()))
                .collect(),
            message_id: Some(message.message_id.clone()),
            ..Received::default()
        })
    }

    /// Decodes a record of a Lambda SQS event (a function reading the queue subscribed to the
    /// topic); FIFO ids from the record's attributes `MessageGroupId` and `MessageDeduplicationId`.
    pub fn from_lambda_sqs(record: &SqsMessage, delivery: Delivery) -> Result<Self, EventError> {
        let body = record.body.as_deref().ok_or_else(|| EventError::Malformed {
            path: "body".into(),
            message: "the SQS record has no body".into(),
        })?;
        let mut received = match delivery {
            Delivery::Enveloped => envelope::open(body)?,
            Delivery::Raw => {
                let mut attributes = Vec::new();
                for (name, value) in &record.message_attributes {
                    let data_type = value.data_type.clone().unwrap_or_default();
                    let Some(text) = value.string_value.clone() else {
                        return Err(EventError::UnsupportedAttribute { name: name.clone(), data_type });
                    };
                    attributes.push((name.clone(), data_type, text));
                }
                Received {
                    body: body.to_owned(),
                    attributes,
                    message_id: record.message_id.clone(),
                    ..Received::default()
                }
            }
        };
        received.group_id = record.attributes.get("MessageGroupId").cloned();
        received.deduplication_id = record.attributes.get("MessageDeduplicationId").cloned();
        Self::decode(received)
    }
}

#[cfg(test)]
mod tests {
    use aws_lambda_events::event::sns::SnsEvent;
    use aws_lambda_events::event::sqs::SqsEvent;

    use super::*;
    use crate::events::{MessageAttribute, Operation, Payload};
    use crate::ops::test_support::{Thing, ThingKey};

    // Lambda's documented event shapes (Lambda Developer Guide, "Using Lambda with Amazon SNS" and
    // "Using Lambda with Amazon SQS"), read by aws_lambda_events itself.
    const SNS: &str = r#"{"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
      "EventSubscriptionArn": "arn:aws:sns:us-east-1:1:t:sub", "Sns": {"Type": "Notification",
      "MessageId": "m-1", "TopicArn": "arn:aws:sns:us-east-1:1:t", "Subject": null,
      "Message": "{\"pk\": \"a\", \"n\": 3}", "Timestamp": "2026-01-01T00:00:00.000Z",
      "SignatureVersion": "1", "Signature": "x", "SigningCertUrl": "https://x", "UnsubscribeUrl": "https://x",
      "MessageAttributes": {"operation": {"Type": "String", "Value": "overwrite"},
                            "schema": {"Type": "String", "Value": "Thing"},
                            "tries": {"Type": "Number", "Value": "2"}}}}]}"#;

    fn sqs(body: &str, attributes: &str) -> String {
        format!(
            r#"{{"Records": [{{"messageId": "q-1", "receiptHandle": "r", "body": {body},
              "attributes": {{"MessageGroupId": "g-1", "MessageDeduplicationId": "d-1"}},
              "messageAttributes": {attributes}, "md5OfBody": "x", "eventSource": "aws:sqs",
              "eventSourceARN": "arn:aws:sqs:us-east-1:1:q.fifo", "awsRegion": "us-east-1"}}]}}"#
        )
    }

    #[test]
    fn an_sns_record_decodes_as_its_envelope_does() {
        let event: SnsEvent = serde_json::from_str(SNS).unwrap();
        let decoded = Event::<Thing>::from_lambda_sns(&event.records[0]).unwrap();
        assert_eq!(decoded.operation, Some(Operation::Overwrite));
        assert_eq!(decoded.payload, Payload::Item(Thing::new("a", 3)));
        assert_eq!(decoded.attributes["tries"], MessageAttribute::Number("2".into()));
        assert_eq!(decoded.message_id.as_deref(), Some("m-1"));
    }

    #[test]
    fn sqs_records_decode_enveloped_and_raw_with_their_fifo_ids() {
        let raw_attributes = r#"{"operation": {"stringValue": "batch_delete", "dataType": "String"},
                                 "schema": {"stringValue": "Thing", "dataType": "String"}}"#;
        let event: SqsEvent = serde_json::from_str(&sqs(r#""{\"pk\": \"a\"}""#, raw_attributes)).unwrap();
        let raw = Event::<Thing>::from_lambda_sqs(&event.records[0], Delivery::Raw).unwrap();
        assert_eq!(raw.payload, Payload::Key(ThingKey::new("a")));
        assert_eq!((raw.group_id.as_deref(), raw.deduplication_id.as_deref()), (Some("g-1"), Some("d-1")));

        let envelope =
            serde_json::json!({"Type": "Notification", "MessageId": "m-2", "Message": "{\"pk\": \"a\", \"n\": 1}"});
        let event: SqsEvent =
            serde_json::from_str(&sqs(&serde_json::to_string(&envelope.to_string()).unwrap(), "{}")).unwrap();
        let enveloped = Event::<Thing>::from_lambda_sqs(&event.records[0], Delivery::Enveloped).unwrap();
        assert_eq!(enveloped.payload, Payload::Item(Thing::new("a", 1)));
        assert_eq!(enveloped.message_id.as_deref(), Some("m-2"));
        assert_eq!(enveloped.group_id.as_deref(), Some("g-1"));
        // The same record read as raw: the envelope is not a `Thing`.
        assert!(matches!(
            Event::<Thing>::from_lambda_sqs(&event.records[0], Delivery::Raw),
            Err(EventError::Body { .. })
        ));
    }
}
