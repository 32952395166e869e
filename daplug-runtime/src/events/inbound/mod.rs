//! Typed events for subscribers: an event daplug (or daplug-ddb) published, as a subscriber
//! receives it, decoded into an [`Event<M>`]: the operation and schema from the message attributes,
//! the body as the model (or a deleted item's key), the other attributes typed, the FIFO ids.
//!
//! Deliveries: an SNS notification envelope (an SQS queue subscribed without raw message delivery,
//! `envelope.rs`), a raw delivery (the body and the message attributes), an SQS message as the SDK
//! receives it (`sqs.rs`, feature `sqs`) and Lambda's SNS and SQS records (`lambda.rs`, feature
//! `lambda`). Each is turned into a [`Received`] message, decoded here once.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny};

use super::sink::{MessageAttribute, Operation};
use crate::error::Error;
use crate::model::Model;

mod envelope;
mod error;
#[cfg(feature = "lambda")]
mod lambda;
#[cfg(feature = "sqs")]
mod sqs;

pub use error::EventError;

/// An event daplug published after a write, decoded for a subscriber of model `M`.
///
/// daplug sends the operation and the schema as the message attributes `operation` and `schema`;
/// daplug-ddb sends neither (its attributes are the caller's alone), so an event it published
/// decodes with `operation` and `schema` `None` and the same [`payload`](Self::payload) as
/// daplug's event of the same write.
///
/// ```
/// use daplug_runtime::events::{Event, Operation, Payload};
/// # use daplug_runtime::{KeyAttribute, KeyType, Model, ModelMeta};
/// # #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// # struct Order { pk: String, qty: u32 }
/// # #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// # struct OrderKey { pk: String }
/// # impl Model for Order {
/// #     type Key = OrderKey;
/// #     type Patch = serde_json::Value;
/// #     const META: ModelMeta = ModelMeta {
/// #         hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }),
/// #         ..ModelMeta::named("Order")
/// #     };
/// # }
/// // The body of an SQS message from a queue subscribed to the topic (raw delivery off).
/// let sqs_body = r#"{"Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:aws:sns:us-east-1:1:orders",
///   "Message": "{\"pk\": \"o-1\", \"qty\": 2}",
///   "MessageAttributes": {"operation": {"Type": "String", "Value": "insert"},
///                         "schema": {"Type": "String", "Value": "Order"},
///                         "source": {"Type": "String", "Value": "shop"}}}"#;
/// let event = Event::<Order>::from_sns_envelope(sqs_body)?;
/// assert_eq!(event.operation, Some(Operation::Insert));
/// assert_eq!(event.payload, Payload::Item(Order { pk: "o-1".into(), qty: 2 }));
/// assert_eq!(event.attributes["source"].as_str(), "shop");
/// # Ok::<(), daplug_runtime::events::EventError>(())
/// ```
pub struct Event<M: Model> {
    /// The write that published it (the `operation` attribute); `None` when the publisher did not
    /// say (daplug-ddb).
    pub operation: Option<Operation>,
    /// The schema named by the `schema` attribute, always `M`'s (another schema is an
    /// [`EventError::OtherSchema`]); `None` when the publisher did not say (daplug-ddb).
    pub schema: Option<&'static str>,
    /// What the body carries: the item, or a deleted item's key.
    pub payload: Payload<M>,
    /// The other message attributes (all but `operation` and `schema`), typed as sent.
    pub attributes: BTreeMap<String, MessageAttribute>,
    /// FIFO: the message group id, when the delivery carries it.
    pub group_id: Option<String>,
    /// FIFO: the deduplication id, when the delivery carries it.
    pub deduplication_id: Option<String>,
    /// The SNS message id (or, for a raw delivery, the SQS one), when the delivery carries it.
    pub message_id: Option<String>,
}

// By hand: a derive would bound only `M`, not the key `Payload` holds.
impl<M: Model + fmt::Debug> fmt::Debug for Event<M>
where
    M::Key: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("operation", &self.operation)
            .field("schema", &self.schema)
            .field("payload", &self.payload)
            .field("attributes", &self.attributes)
            .field("group_id", &self.group_id)
            .field("deduplication_id", &self.deduplication_id)
            .field("message_id", &self.message_id)
            .finish()
    }
}

impl<M: Model + Clone> Clone for Event<M>
where
    M::Key: Clone,
{
    fn clone(&self) -> Self {
        Event {
            operation: self.operation,
            schema: self.schema,
            payload: self.payload.clone(),
            attributes: self.attributes.clone(),
            group_id: self.group_id.clone(),
            deduplication_id: self.deduplication_id.clone(),
            message_id: self.message_id.clone(),
        }
    }
}

impl<M: Model + PartialEq> PartialEq for Event<M>
where
    M::Key: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.operation == other.operation
            && self.schema == other.schema
            && self.payload == other.payload
            && self.attributes == other.attributes
            && self.group_id == other.group_id
            && self.deduplication_id == other.deduplication_id
            && self.message_id == other.message_id
    }
}

/// What an event's body carries.
///
/// | operation | body |
/// |---|---|
/// | `insert`, `overwrite`, `update`, `batch_insert` | the item as written, prefixes stripped: [`Item`](Payload::Item) |
/// | `delete` (`Repository::delete`) | the deleted item, as it was: [`Item`](Payload::Item) |
/// | `delete` in a transaction | the deleted item's key (a transaction returns no old item): [`Key`](Payload::Key) |
/// | `batch_delete` | the deleted item's key: [`Key`](Payload::Key) |
/// | none (daplug-ddb: insert, overwrite, update, delete) | the item (a delete's old item): [`Item`](Payload::Item) |
///
/// A `delete` body is read as the key when its attributes are exactly the model's key attributes
/// (`ModelMeta::hash_key` / `range_key`), as the item otherwise. A model that declares no keys
/// reads it as the item, or as the key when it is not one.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload<M: Model> {
    /// The written item, or a deleted item's last state.
    Item(M),
    /// The key of a deleted item, when the delete did not return the item.
    Key(M::Key),
}

impl<M: Model> Payload<M> {
    /// The item, when the body carries one.
    pub fn item(&self) -> Option<&M> {
        match self {
            Payload::Item(item) => Some(item),
            Payload::Key(_) => None,
        }
    }

    /// The item, when the body carries one.
    pub fn into_item(self) -> Option<M> {
        match self {
            Payload::Item(item) => Some(item),
            Payload::Key(_) => None,
        }
    }
}

/// How an SQS queue's subscription to the topic delivers messages (the subscription attribute
/// `RawMessageDelivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// `RawMessageDelivery` off (the default): the SQS body is the SNS notification envelope, the
    /// message attributes inside it.
    Enveloped,
    /// `RawMessageDelivery` on: the SQS body is the message itself, its attributes the SQS message
    /// attributes.
    Raw,
}

/// A message as delivered, before typing: its body, its attributes as (name, data type, value),
/// the ids the delivery carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Received {
    pub(crate) body: String,
    pub(crate) attributes: Vec<(String, String, String)>,
    pub(crate) group_id: Option<String>,
    pub(crate) deduplication_id: Option<String>,
    pub(crate) message_id: Option<String>,
}

impl<M: Model> Event<M>
where
    M::Key: DeserializeOwned,
{
    /// Decodes an SNS notification envelope (JSON text): the body of an SQS message from a queue
    /// subscribed to the topic without raw message delivery, or an HTTP subscriber's request body.
    /// A malformed envelope is an [`EventError::Malformed`] with its path in the envelope.
    pub fn from_sns_envelope(envelope: &str) -> Result<Self, EventError> {
        Self::decode(envelope::open(envelope)?)
    }

    /// Decodes a raw delivery (an SQS queue subscribed with raw message delivery): the message body
    /// and its message attributes. Set [`group_id`](Self::group_id) and
    /// [`deduplication_id`](Self::deduplication_id) from the delivery afterwards if it has them.
    pub fn from_raw<N: Into<String>>(
        body: &str,
        attributes: impl IntoIterator<Item = (N, MessageAttribute)>,
    ) -> Result<Self, EventError> {
        let attributes = attributes
            .into_iter()
            .map(|(name, value)| (name.into(), value.data_type().to_owned(), value.as_str().to_owned()))
            .collect();
        Self::decode(Received { body: body.to_owned(), attributes, ..Received::default() })
    }

    /// The one decoding: attributes first (the schema checked, the operation read), then the body.
    pub(crate) fn decode(received: Received) -> Result<Self, EventError> {
        let mut operation = None;
        let mut schema = None;
        let mut attributes = BTreeMap::new();
        for (name, data_type, value) in received.attributes {
            match name.as_str() {
                "schema" if value == M::META.schema => schema = Some(M::META.schema),
                "schema" => return Err(EventError::OtherSchema { expected: M::META.schema, found: value }),
                "operation" => {
                    operation = Some(Operation::parse(&value).ok_or(EventError::UnknownOperation { found: value })?)
                }
                _ => {
                    let value = typed(&name, data_type, value)?;
                    attributes.insert(name, value);
                }
            }
        }
        let payload = payload::<M>(operation, &received.body)
            .map_err(|source| EventError::Body { operation, source: Box::new(source) })?;
        Ok(Event {
            operation,
            schema,
            payload,
            attributes,
            group_id: received.group_id,
            deduplication_id: received.deduplication_id,
            message_id: received.message_id,
        })
    }
}

/// An attribute's value by its data type: `String` and `Number`, and their custom subtypes
/// (`Number.int`, `String.Array`) as the base type (SQS Developer Guide, "Amazon SQS message
/// attributes").
fn typed(name: &str, data_type: String, value: String) -> Result<MessageAttribute, EventError> {
    let base = data_type.split('.').next().unwrap_or_default();
    match base {
        "String" => Ok(MessageAttribute::String(value)),
        "Number" => Ok(MessageAttribute::Number(value)),
        _ => Err(EventError::UnsupportedAttribute { name: name.to_owned(), data_type }),
    }
}

/// The body read as the [`Payload`] its operation publishes.
fn payload<M: Model>(operation: Option<Operation>, body: &str) -> Result<Payload<M>, Error>
where
    M::Key: DeserializeOwned,
{
    match operation {
        Some(Operation::BatchDelete) => key::<M>(body).map(Payload::Key),
        Some(Operation::Delete) => deleted::<M>(body),
        _ => M::from_json_str(body).map(Payload::Item),
    }
}

/// A `delete` body: the key when its attributes are the model's key attributes, else the item.
fn deleted<M: Model>(body: &str) -> Result<Payload<M>, Error>
where
    M::Key: DeserializeOwned,
{
    let key_names: Vec<&str> = [M::META.hash_key, M::META.range_key].into_iter().flatten().map(|k| k.name).collect();
    if key_names.is_empty() {
        return M::from_json_str(body)
            .map(Payload::Item)
            .or_else(|err| key::<M>(body).map(Payload::Key).map_err(|_| err));
    }
    // Only the top-level names are looked at; a body that is not an object is the item's error.
    let names: BTreeMap<String, IgnoredAny> = serde_json::from_str(body).unwrap_or_default();
    if !names.is_empty() && names.keys().all(|name| key_names.contains(&name.as_str())) {
        key::<M>(body).map(Payload::Key)
    } else {
        M::from_json_str(body).map(Payload::Item)
    }
}

/// A key from JSON text, numbers from their text, the path at fault on error.
fn key<M: Model>(body: &str) -> Result<M::Key, Error>
where
    M::Key: DeserializeOwned,
{
    crate::codec::json::from_text(serde_json::Deserializer::from_str(body))
        .map_err(|(path, message)| Error::Validation { schema: M::META.schema, path, message })
}

#[cfg(test)]
mod tests;
