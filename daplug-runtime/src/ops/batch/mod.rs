//! Batch writes and reads: `BatchWriteItem` in chunks of at most 25 requests and `BatchGetItem` in
//! chunks of at most 100 keys, sent with bounded concurrency; unprocessed requests and retryable
//! errors are retried per chunk with exponential backoff and full jitter ([`RetryPolicy`]).
//!
//! A batch call either succeeds, or its error lists exactly the requests that were not applied
//! ([`Error::BatchIncomplete`] when retries ran out, [`Error::BatchAborted`] when an error that
//! retrying cannot fix stopped it); nothing is dropped silently.
//!
//! This file holds the limits and the reports; `write` and `get` the request types, `prepare`
//! checks, prefixes and de-duplicates the requests, `engine` sends them.
//!
//! [`RetryPolicy`]: crate::retry::RetryPolicy
//! [`Error::BatchIncomplete`]: crate::Error::BatchIncomplete
//! [`Error::BatchAborted`]: crate::Error::BatchAborted

mod engine;
mod get;
mod prepare;
mod write;

pub use get::BatchGet;
pub use write::BatchWrite;

use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::Result;

/// A batch's requests as the caller gave them (items or keys, unprefixed), each with its entity (a
/// family's variant), whose prefixes and schema it is written and published with.
pub(crate) type Entries = Result<Vec<(Item, Entity)>>;

/// The settings both batch request types share: concurrency, retries and progress reports.
macro_rules! batch_setters {
    ($ty:ident) => {
        impl<M: $crate::model::Model> $ty<M> {
            /// Chunks in flight at once (default [`DEFAULT_CONCURRENCY`](crate::ops::DEFAULT_CONCURRENCY);
            /// `0` is an [`Error::Config`](crate::Error::Config)).
            pub fn concurrency(mut self, chunks: usize) -> Self {
                self.concurrency = chunks;
                self
            }

            /// Retry policy for unprocessed requests and retryable errors (see
            /// [`RetryPolicy`](crate::retry::RetryPolicy) for how it combines with the SDK client's own
            /// retry).
            pub fn retry(mut self, policy: $crate::retry::RetryPolicy) -> Self {
                self.retry = policy;
                self
            }

            /// Called after every batch request with the progress so far (from the task running the
            /// batch; keep it quick).
            pub fn on_progress(
                mut self,
                progress: impl Fn($crate::ops::BatchProgress) + Send + Sync + 'static,
            ) -> Self {
                self.progress = Some(std::sync::Arc::new(progress));
                self
            }
        }
    };
}
use batch_setters;

/// Most write requests one `BatchWriteItem` call accepts.
pub const BATCH_WRITE_LIMIT: usize = 25;
/// Most keys one `BatchGetItem` call accepts.
pub const BATCH_GET_LIMIT: usize = 100;
/// Chunks in flight at once unless [`BatchWrite::concurrency`] / [`BatchGet::concurrency`] says
/// otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Progress of a batch call, reported to [`BatchWrite::on_progress`] after every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchProgress {
    /// Requests (items or keys) in the call, after de-duplication.
    pub total: usize,
    /// Requests applied so far (written, deleted, or read).
    pub done: usize,
    /// Requests re-sent so far (left unprocessed, or in a chunk whose call failed retryably).
    pub retried: usize,
    /// Calls that failed with a retryable error (throttling, 5xx, timeout, a transport failure).
    pub throttled: usize,
    /// Calls made so far.
    pub calls: usize,
}

/// What a successful batch write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchSummary {
    /// Items written (puts) or keys deleted.
    pub written: usize,
    /// Earlier duplicates dropped by [`BatchWrite::deduplicate`].
    pub deduplicated: usize,
    /// `BatchWriteItem` calls made.
    pub calls: usize,
    /// Requests re-sent.
    pub retried: usize,
    /// Calls that failed with a retryable error.
    pub throttled: usize,
    /// Events published.
    pub published: usize,
}
