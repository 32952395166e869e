//! Events published after successful writes: the outbound [`Message`], the [`EventSink`] trait,
//! and its SNS implementation (`SnsSink`, `sns.rs`, with the `sns` feature, on by default); and, for
//! subscribers, the typed [`Event<M>`] an event decodes into (`inbound/`).
//!
//! The message body is the JSON of the written item with prefixes stripped, formatted the way
//! daplug-ddb formats it (`", "` / `": "` separators, non-ASCII escaped, numbers as the item
//! stores them), so subscribers cannot tell a Rust producer from a Python one. Every write builds
//! it in `body.rs`; the format is `python_json.rs`.

mod body;
mod inbound;
mod python_json;
mod sink;
#[cfg(feature = "sns")]
mod sns;

pub(crate) use body::Body;
pub use inbound::{Delivery, Event, EventError, Payload};
pub use sink::{EventSink, FailedEvent, Message, MessageAttribute, Operation, PublishBatchError, SinkError};
#[cfg(feature = "sns")]
pub use sns::{SnsSink, SNS_BATCH_LIMIT};

/// The JSON of a formatted event body, for [`Error::Publish`](crate::Error::Publish)'s `written`.
///
/// Bodies are formatted once, when the write is planned, and kept as text: a `serde_json::Value`
/// would sort the keys (serde_json's map is ordered by key) and widen `f32`s, changing the body
/// daplug-ddb subscribers see. Parsing happens only when a publish fails.
pub(crate) fn parse_body(body: &str) -> serde_json::Value {
    // A body daplug formatted is always valid JSON; a custom `payload` is too (it was a Value).
    serde_json::from_str(body).unwrap_or_else(|_| serde_json::Value::String(body.to_owned()))
}
