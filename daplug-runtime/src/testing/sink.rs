//! [`RecordingSink`]: events kept in memory instead of published, as SNS would receive them.

use std::sync::{Mutex, MutexGuard, PoisonError};

use futures::future::BoxFuture;

use crate::events::{EventSink, Message, SinkError};

/// An [`EventSink`] that records every event instead of publishing it.
///
/// Each [`Message`] is what [`SnsSink`](crate::events::SnsSink) would send: `body` is the SNS `Message`
/// text byte for byte, `attributes` the message attributes (each with its SNS `DataType`,
/// [`MessageAttribute::data_type`](crate::events::MessageAttribute::data_type), and string value),
/// `group_id` / `deduplication_id` the FIFO ids. Events of a batch or transaction are recorded one by
/// one, in order. Recording never fails.
///
/// ```
/// use std::sync::Arc;
/// use daplug_runtime::testing::RecordingSink;
///
/// let events = Arc::new(RecordingSink::new());
/// let builder = daplug_runtime::Adapter::builder().event_sink(events.clone());
/// # let _ = builder;
/// // ... writes through the adapter ...
/// assert!(events.take().is_empty());
/// ```
#[derive(Debug, Default)]
pub struct RecordingSink {
    events: Mutex<Vec<Message>>,
}

impl RecordingSink {
    /// An empty recorder.
    pub fn new() -> Self {
        RecordingSink::default()
    }

    /// Every event recorded so far (and not yet taken), oldest first.
    pub fn events(&self) -> Vec<Message> {
        self.lock().clone()
    }

    /// Every event recorded so far, oldest first, leaving the recorder empty.
    pub fn take(&self) -> Vec<Message> {
        std::mem::take(&mut *self.lock())
    }

    /// How many events are recorded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no event is recorded.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// The list, even if a thread panicked while holding it (a push cannot leave it half-written).
    fn lock(&self) -> MutexGuard<'_, Vec<Message>> {
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl EventSink for RecordingSink {
    fn publish(&self, event: Message) -> BoxFuture<'_, Result<(), SinkError>> {
        self.lock().push(event);
        Box::pin(async { Ok(()) })
    }
}
