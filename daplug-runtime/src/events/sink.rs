//! The outbound event as a sink publishes it ([`Message`], [`Operation`], [`MessageAttribute`]) and
//! where it goes: the [`EventSink`] trait, with its batch error types.

use std::collections::BTreeMap;
use std::fmt;

use futures::future::BoxFuture;

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

    /// The operation a wire name (`insert`, `batch_delete`, ...) names, if any.
    ///
    /// ```
    /// use daplug_runtime::events::Operation;
    /// assert_eq!(Operation::parse("batch_delete"), Some(Operation::BatchDelete));
    /// assert_eq!(Operation::parse("upsert"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Operation> {
        Self::ALL.into_iter().find(|operation| operation.as_str() == name)
    }

    /// Every operation.
    pub const ALL: [Operation; 6] = [
        Operation::Insert,
        Operation::Overwrite,
        Operation::Update,
        Operation::Delete,
        Operation::BatchInsert,
        Operation::BatchDelete,
    ];
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

/// One outbound event, exactly an SNS message: the body (what was written), its message attributes
/// (with the operation and schema) and the FIFO ids. A subscriber reads it back as a typed
/// [`Event`](super::Event).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The write that produced it.
    pub operation: Operation,
    /// Schema (model) name.
    pub schema: &'static str,
    /// The body (already formatted JSON).
    pub body: String,
    /// Message attributes: adapter defaults overlaid by per-call ones, plus `schema` and `operation`.
    pub attributes: BTreeMap<String, MessageAttribute>,
    /// FIFO topics: message group id.
    pub group_id: Option<String>,
    /// FIFO topics: deduplication id.
    pub deduplication_id: Option<String>,
}

/// Where events go. `SnsSink` (the `sns` feature) is the default; implement this to route events elsewhere
/// (a queue, a log, a test recorder).
pub trait EventSink: Send + Sync + 'static {
    /// Publishes one event.
    fn publish(&self, event: Message) -> BoxFuture<'_, Result<(), SinkError>>;

    /// Publishes several events (one per item of a batch write or transaction). Every event is
    /// attempted; when some fail the error is a [`PublishBatchError`] naming them by their index in
    /// `events`.
    ///
    /// The default publishes the events one at a time with [`publish`](Self::publish).
    fn publish_batch(&self, events: Vec<Message>) -> BoxFuture<'_, Result<(), SinkError>> {
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
    pub(super) fn result(mut failed: Vec<FailedEvent>) -> Result<(), SinkError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink with only `publish`, refusing bodies that contain "bad".
    struct OneByOne(std::sync::Mutex<Vec<String>>);

    impl EventSink for OneByOne {
        fn publish(&self, event: Message) -> BoxFuture<'_, Result<(), SinkError>> {
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

    fn event(body: &str) -> Message {
        Message {
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
