//! The SNS notification envelope: what an SQS queue subscribed to a topic receives as its message
//! body when raw message delivery is off, and what a Lambda SNS record carries. Read with the codec's
//! path-tracking JSON reader, so a malformed envelope is refused at its place
//! (`MessageAttributes.operation.Value`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::EventError;
use super::Received;

/// The fields of an envelope daplug reads (others, `Signature`, `Timestamp`, ..., are skipped).
/// Shape: SNS Developer Guide, "Amazon SNS message and JSON formats", `Notification`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Notification {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(default)]
    message_id: Option<String>,
    message: String,
    /// Present only when the message had attributes.
    #[serde(default)]
    message_attributes: BTreeMap<String, EnvelopeAttribute>,
}

/// One attribute as the envelope writes it: `{"Type": "String", "Value": "insert"}`.
#[derive(Deserialize)]
struct EnvelopeAttribute {
    #[serde(rename = "Type")]
    data_type: String,
    #[serde(rename = "Value")]
    value: String,
}

/// The message an envelope (JSON text) carries: body, attributes, message id. FIFO ids are not in
/// the envelope (an SQS FIFO queue has them as message system attributes): the caller adds them.
pub(super) fn open(envelope: &str) -> Result<Received, EventError> {
    let notification: Notification = crate::codec::json::from_text(serde_json::Deserializer::from_str(envelope))
        .map_err(|(path, message)| EventError::Malformed { path, message })?;
    if notification.kind != "Notification" {
        return Err(EventError::Malformed {
            path: "Type".into(),
            message: format!("a `{}` message, not a `Notification`", notification.kind),
        });
    }
    Ok(Received {
        body: notification.message,
        attributes: notification
            .message_attributes
            .into_iter()
            .map(|(name, attribute)| (name, attribute.data_type, attribute.value))
            .collect(),
        group_id: None,
        deduplication_id: None,
        message_id: notification.message_id,
    })
}
