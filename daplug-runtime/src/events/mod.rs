//! Events published after successful writes: the [`EventSink`] trait and its SNS implementation.
//!
//! The message body is the JSON of the written item with prefixes stripped, formatted the way
//! daplug-ddb formats it (`", "` / `": "` separators, non-ASCII escaped, numbers as the item
//! stores them), so subscribers cannot tell a Rust producer from a Python one. Every write builds
//! it in `body.rs`; the format is `python_json.rs`.

use std::collections::BTreeMap;
use std::fmt;

use futures::future::BoxFuture;

mod body;
mod python_json;

pub(crate) use body::Body;

/// The JSON of a formatted event body, for [`Error::Publish`](crate::Error::Publish)'s `written`.
///
/// Bodies are formatted once, when the write is planned, and kept as text: a `serde_json::Value`
/// would sort the keys (serde_json's map is ordered by key) and widen `f32`s, changing the body
/// daplug-ddb subscribers see. Parsing happens only when a publish fails.
pub(crate) fn parse_body(body: &str) -> serde_json::Value {
    // A body daplug formatted is always valid JSON; a custom `payload` is too (it was a Value).
    serde_json::from_str(body).unwrap_or_else(|_| serde_json::Value::String(body.to_owned()))
}

/// Boxed error returned by sinks.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// The write that produced an event; sent as the `operation` message attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `insert` (conditional put).
    Insert,
    /// `overwrite` (unconditional put).
    Overwrite,
    /// `update` (read, merge, conditional put).
    Update,
    /// `delete`.
    Delete,
    /// An item of `batch_insert`.
    BatchInsert,
    /// A key of `batch_delete`.
    BatchDelete,
}

impl Operation {
    /// The wire name (`insert`, `batch_delete`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Insert => "insert",
            Operation::Overwrite => "overwrite",
            Operation::Update => "update",
            Operation::Delete => "delete",
            Operation::BatchInsert => "batch_insert",
            Operation::BatchDelete => "batch_delete",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message attribute value: SNS sends every value as a string with a `DataType`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageAttribute {
    /// `DataType = String`.
    String(String),
    /// `DataType = Number`; the text of the number.
    Number(String),
}

impl MessageAttribute {
    /// SNS `DataType`.
    pub fn data_type(&self) -> &'static str {
        match self {
            MessageAttribute::String(_) => "String",
            MessageAttribute::Number(_) => "Number",
        }
    }
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            MessageAttribute::String(s) | MessageAttribute::Number(s) => s,
        }
    }
}

impl From<&str> for MessageAttribute {
    fn from(value: &str) -> Self {
        MessageAttribute::String(value.to_owned())
    }
}
impl From<String> for MessageAttribute {
    fn from(value: String) -> Self {
        MessageAttribute::String(value)
    }
}
/// Booleans are sent as the strings `true` / `false` (SNS has no boolean type).
impl From<bool> for MessageAttribute {
    fn from(value: bool) -> Self {
        MessageAttribute::String(value.to_string())
    }
}
macro_rules! number_attribute {
    ($($t:ty),*) => {$(
        impl From<$t> for MessageAttribute {
            fn from(value: $t) -> Self {
                MessageAttribute::Number(value.to_string())
            }
        }
    )*};
}
number_attribute!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, f32, f64);

/// One event: what was written, by which operation, with which attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The write that produced it.
    pub operation: Operation,
    /// Schema (model) name.
    pub schema: &'static str,
    /// Message body (already formatted JSON).
    pub body: String,
    /// Message attributes: adapter defaults overlaid by per-call ones, plus `operation`.
    pub attributes: BTreeMap<String, MessageAttribute>,
    /// FIFO topics: message group id.
    pub group_id: Option<String>,
    /// FIFO topics: deduplication id.
    pub deduplication_id: Option<String>,
}

/// Where events go. [`SnsSink`] is the default; implement this to route events elsewhere
/// (a queue, a log, a test recorder).
pub trait EventSink: Send + Sync + 'static {
    /// Publishes one event.
    fn publish(&self, event: Event) -> BoxFuture<'_, Result<(), SinkError>>;

    /// Publishes several events (one per item of a batch write or transaction). Every event is
    /// attempted; when some fail the error is a [`PublishBatchError`] naming them by their index in
    /// `events`.
    ///
    /// The default publishes the events one at a time with [`publish`](Self::publish).
    fn publish_batch(&self, events: Vec<Event>) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async move {
            let mut failed = Vec::new();
            for (index, event) in events.into_iter().enumerate() {
                if let Err(err) = self.publish(event).await {
                    failed.push(FailedEvent { index, code: None, message: err.to_string() });
                }
            }
            PublishBatchError::result(failed)
        })
    }
}

/// Some events of a [`EventSink::publish_batch`] call were not published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishBatchError {
    /// The events that failed, in index order.
    pub failed: Vec<FailedEvent>,
}

/// One event that could not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedEvent {
    /// Position of the event in the batch passed to [`EventSink::publish_batch`].
    pub index: usize,
    /// Service error code, when there is one (`InvalidParameter`, ...).
    pub code: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl PublishBatchError {
    fn result(mut failed: Vec<FailedEvent>) -> Result<(), SinkError> {
        if failed.is_empty() {
            return Ok(());
        }
        failed.sort_by_key(|f| f.index);
        Err(Box::new(PublishBatchError { failed }))
    }
}

impl fmt::Display for PublishBatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} event(s) not published", self.failed.len())?;
        if let Some(first) = self.failed.first() {
            write!(f, " (first: #{}: {}", first.index, first.message)?;
            if let Some(code) = &first.code {
                write!(f, " [{code}]")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for PublishBatchError {}

/// Most entries one SNS `PublishBatch` request accepts.
pub const SNS_BATCH_LIMIT: usize = 10;

/// Publishes events to one SNS topic.
#[derive(Debug, Clone)]
pub struct SnsSink {
    client: aws_sdk_sns::Client,
    topic_arn: String,
}

impl SnsSink {
    /// A sink for `topic_arn` using `client`.
    pub fn new(client: aws_sdk_sns::Client, topic_arn: impl Into<String>) -> Self {
        SnsSink { client, topic_arn: topic_arn.into() }
    }

    /// The topic this sink publishes to.
    pub fn topic_arn(&self) -> &str {
        &self.topic_arn
    }
}

impl EventSink for SnsSink {
    fn publish(&self, event: Event) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async move {
            let request = self
                .client
                .publish()
                .topic_arn(&self.topic_arn)
                .message(event.body)
                .set_message_group_id(event.group_id)
                .set_message_deduplication_id(event.deduplication_id)
                .set_message_attributes(Some(sns_attributes(event.attributes)?));
            let output = request.send().await.map_err(aws_sdk_sns::Error::from)?;
            tracing::debug!(message_id = output.message_id(), "event published");
            Ok(())
        })
    }

    /// `PublishBatch` in requests of at most [`SNS_BATCH_LIMIT`] entries (entry id = index in
    /// `events`). Failed entries, and every entry of a request that failed as a whole, are reported in
    /// a [`PublishBatchError`].
    fn publish_batch(&self, events: Vec<Event>) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async move {
            let mut failed = Vec::new();
            let mut events = events.into_iter().enumerate().peekable();
            while events.peek().is_some() {
                let chunk: Vec<(usize, Event)> = events.by_ref().take(SNS_BATCH_LIMIT).collect();
                let indexes: Vec<usize> = chunk.iter().map(|(index, _)| *index).collect();
                let mut entries = Vec::with_capacity(chunk.len());
                for (index, event) in chunk {
                    entries.push(batch_entry(index, event)?);
                }
                match self
                    .client
                    .publish_batch()
                    .topic_arn(&self.topic_arn)
                    .set_publish_batch_request_entries(Some(entries))
                    .send()
                    .await
                {
                    Ok(output) => {
                        tracing::debug!(
                            published = output.successful().len(),
                            failed = output.failed().len(),
                            "event batch published"
                        );
                        for entry in output.failed() {
                            let index = entry.id().parse().unwrap_or(usize::MAX);
                            failed.push(FailedEvent {
                                index,
                                code: Some(entry.code().to_owned()),
                                message: entry.message().unwrap_or("failed").to_owned(),
                            });
                        }
                    }
                    Err(err) => {
                        let err = aws_sdk_sns::Error::from(err);
                        let code = aws_sdk_sns::error::ProvideErrorMetadata::code(&err).map(str::to_owned);
                        failed.extend(indexes.into_iter().map(|index| FailedEvent {
                            index,
                            code: code.clone(),
                            message: err.to_string(),
                        }));
                    }
                }
            }
            PublishBatchError::result(failed)
        })
    }
}

fn batch_entry(index: usize, event: Event) -> Result<aws_sdk_sns::types::PublishBatchRequestEntry, SinkError> {
    let entry = aws_sdk_sns::types::PublishBatchRequestEntry::builder()
        .id(index.to_string())
        .message(event.body)
        .set_message_group_id(event.group_id)
        .set_message_deduplication_id(event.deduplication_id)
        .set_message_attributes(Some(sns_attributes(event.attributes)?));
    Ok(entry.build()?)
}

/// An event's attributes as SNS message attributes (typed, string values on the wire).
fn sns_attributes(
    attributes: BTreeMap<String, MessageAttribute>,
) -> Result<std::collections::HashMap<String, aws_sdk_sns::types::MessageAttributeValue>, SinkError> {
    let mut out = std::collections::HashMap::with_capacity(attributes.len());
    for (name, value) in attributes {
        let attribute = aws_sdk_sns::types::MessageAttributeValue::builder()
            .data_type(value.data_type())
            .string_value(value.as_str())
            .build()?;
        out.insert(name, attribute);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink with only `publish`, refusing bodies that contain "bad".
    struct OneByOne(std::sync::Mutex<Vec<String>>);

    impl EventSink for OneByOne {
        fn publish(&self, event: Event) -> BoxFuture<'_, Result<(), SinkError>> {
            let refused = event.body.contains("bad");
            self.0.lock().map(|mut seen| seen.push(event.body)).ok();
            Box::pin(async move {
                if refused {
                    Err("refused".into())
                } else {
                    Ok(())
                }
            })
        }
    }

    fn event(body: &str) -> Event {
        Event {
            operation: Operation::BatchInsert,
            schema: "T",
            body: body.into(),
            attributes: BTreeMap::new(),
            group_id: None,
            deduplication_id: None,
        }
    }

    #[tokio::test]
    async fn default_publish_batch_attempts_every_event_and_names_the_failures() {
        let sink = OneByOne(std::sync::Mutex::new(Vec::new()));
        let events = vec![event("a"), event("bad-1"), event("c"), event("bad-3")];
        let err = sink.publish_batch(events).await.unwrap_err();
        let err = err.downcast_ref::<PublishBatchError>().unwrap();
        assert_eq!(err.failed.iter().map(|f| f.index).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(sink.0.lock().unwrap().len(), 4, "a failure does not stop the rest");
        assert!(err.to_string().starts_with("2 event(s) not published"));
        assert!(sink.publish_batch(vec![event("ok")]).await.is_ok());
    }

    #[test]
    fn attribute_values_carry_their_data_type() {
        assert_eq!(MessageAttribute::from(3).data_type(), "Number");
        assert_eq!(MessageAttribute::from(2.5).as_str(), "2.5");
        assert_eq!(MessageAttribute::from(true), MessageAttribute::String("true".into()));
        assert_eq!(Operation::BatchDelete.to_string(), "batch_delete");
    }
}
