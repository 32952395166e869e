//! The batch engine: sends the prepared requests of one call in chunks, `concurrency` chunks at a
//! time, retries unprocessed requests and retryable errors per chunk, publishes each chunk's events
//! once it has landed, and keeps the call's counters.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
use futures::stream::{self, StreamExt};

use super::prepare::Pending;
use super::BatchProgress;
use crate::adapter::AdapterInner;
use crate::codec::item::Item;
use crate::error::{Error, Result};
use crate::events::{Message, PublishBatchError, SinkError};
use crate::failure::{AwsErrorKind, Repeat};
use crate::key::KeyId;
use crate::retry::RetryPolicy;

pub(super) type ProgressFn = Arc<dyn Fn(BatchProgress) + Send + Sync>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Put,
    Delete,
    Get { consistent: bool },
}

impl Kind {
    fn api(self) -> &'static str {
        match self {
            Kind::Put | Kind::Delete => "BatchWriteItem",
            Kind::Get { .. } => "BatchGetItem",
        }
    }
}

/// What all chunks of a call did.
#[derive(Default)]
pub(super) struct Outcome {
    /// Indexes of requests not applied, sorted.
    pub(super) leftover: Vec<usize>,
    /// The part of `leftover` an unanswered attempt may have applied, sorted.
    pub(super) unknown: Vec<usize>,
    /// Items returned by gets (prefixed).
    pub(super) items: Vec<Item>,
    /// The first error that retrying could not fix.
    pub(super) error: Option<Error>,
    /// Events that could not be published.
    pub(super) publish_error: Option<PublishFailure>,
    pub(super) published: usize,
}

pub(super) struct PublishFailure {
    pub(super) items: Vec<serde_json::Value>,
    pub(super) source: SinkError,
}

/// What one chunk did.
#[derive(Default)]
struct ChunkOutcome {
    done: Vec<usize>,
    items: Vec<Item>,
    leftover: Vec<usize>,
    /// The part of `leftover` an unanswered attempt may have applied.
    unknown: Vec<usize>,
    error: Option<Error>,
}

impl ChunkOutcome {
    /// Gives up on `pending`: leftovers, whose outcome is unknown when an earlier attempt that
    /// included them went unanswered (every later attempt sends a subset of an earlier one).
    fn give_up(&mut self, pending: &[Pending], ambiguous: bool) {
        self.leftover.extend(pending.iter().map(|p| p.index));
        if ambiguous {
            self.unknown.extend(pending.iter().map(|p| p.index));
        }
    }
}

/// The answer to one call.
enum Attempt {
    /// The call succeeded; these keys were left unprocessed.
    Answered { unprocessed: HashSet<KeyId>, items: Vec<Item> },
    /// Throttling, 5xx, timeout, transport failure: worth another attempt. `maybe_applied`: the
    /// write may have happened (no definite answer came back).
    Retryable { maybe_applied: bool },
    /// Anything else.
    Fatal(Error),
}

/// Runs the chunks of one batch call and keeps its counters.
pub(super) struct Engine<'a> {
    inner: &'a AdapterInner,
    kind: Kind,
    retry: &'a RetryPolicy,
    progress: Option<&'a ProgressFn>,
    total: usize,
    stop: AtomicBool,
    done: AtomicUsize,
    retried: AtomicUsize,
    throttled: AtomicUsize,
    calls: AtomicUsize,
}

impl<'a> Engine<'a> {
    pub(super) fn new(
        inner: &'a AdapterInner,
        kind: Kind,
        retry: &'a RetryPolicy,
        progress: Option<&'a ProgressFn>,
        total: usize,
    ) -> Self {
        Engine {
            inner,
            kind,
            retry,
            progress,
            total,
            stop: AtomicBool::new(false),
            done: AtomicUsize::new(0),
            retried: AtomicUsize::new(0),
            throttled: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
        }
    }

    pub(super) fn snapshot(&self) -> BatchProgress {
        BatchProgress {
            total: self.total,
            done: self.done.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
        }
    }

    fn report(&self) {
        if let Some(progress) = self.progress {
            progress(self.snapshot());
        }
    }

    /// Sends `pending` in chunks of `size`, `concurrency` chunks at a time, publishing each chunk's
    /// events (if any) once it has landed.
    pub(super) async fn run(
        &self,
        pending: Vec<Pending>,
        size: usize,
        concurrency: usize,
        events: &HashMap<usize, Message>,
    ) -> Outcome {
        let mut chunks = Vec::with_capacity(pending.len().div_ceil(size));
        let mut pending = pending.into_iter().peekable();
        while pending.peek().is_some() {
            chunks.push(pending.by_ref().take(size).collect::<Vec<_>>());
        }
        let mut outcome = Outcome::default();
        let mut results = stream::iter(chunks)
            .map(|chunk| async move {
                let result = self.chunk(chunk).await;
                let published = self.publish(&result.done, events).await;
                (result, published)
            })
            .buffer_unordered(concurrency);
        while let Some((chunk, published)) = results.next().await {
            outcome.leftover.extend(chunk.leftover);
            outcome.unknown.extend(chunk.unknown);
            outcome.items.extend(chunk.items);
            if outcome.error.is_none() {
                outcome.error = chunk.error;
            }
            match published {
                Ok(count) => outcome.published += count,
                Err(failure) => match &mut outcome.publish_error {
                    Some(first) => first.items.extend(failure.items),
                    None => outcome.publish_error = Some(failure),
                },
            }
        }
        outcome.leftover.sort_unstable();
        outcome.unknown.sort_unstable();
        outcome
    }

    /// Sends one chunk until every request is applied, attempts run out, or the batch stops.
    async fn chunk(&self, mut pending: Vec<Pending>) -> ChunkOutcome {
        let mut outcome = ChunkOutcome::default();
        let mut attempt = 0;
        let mut ambiguous = false;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                outcome.give_up(&pending, ambiguous);
                return outcome;
            }
            attempt += 1;
            let answer = self.call(&pending).await;
            self.calls.fetch_add(1, Ordering::Relaxed);
            match answer {
                Attempt::Answered { unprocessed, items } => {
                    let (left, done): (Vec<_>, Vec<_>) =
                        pending.into_iter().partition(|p| unprocessed.contains(&p.key));
                    self.done.fetch_add(done.len(), Ordering::Relaxed);
                    outcome.done.extend(done.iter().map(|p| p.index));
                    outcome.items.extend(items);
                    pending = left;
                    if pending.is_empty() {
                        self.report();
                        return outcome;
                    }
                }
                Attempt::Retryable { maybe_applied } => {
                    self.throttled.fetch_add(1, Ordering::Relaxed);
                    // A read changes nothing: only a write's outcome can be unknown.
                    ambiguous |= maybe_applied && matches!(self.kind, Kind::Put | Kind::Delete);
                }
                Attempt::Fatal(error) => {
                    self.stop.store(true, Ordering::Relaxed);
                    outcome.give_up(&pending, ambiguous);
                    outcome.error = Some(error);
                    self.report();
                    return outcome;
                }
            }
            self.report();
            if attempt >= self.retry.attempts() {
                outcome.give_up(&pending, ambiguous);
                return outcome;
            }
            let delay = self.retry.wait(attempt - 1).await;
            tracing::debug!(attempt, ?delay, pending = pending.len(), "retrying a batch chunk");
            self.retried.fetch_add(pending.len(), Ordering::Relaxed);
        }
    }

    /// One `BatchWriteItem` / `BatchGetItem` call.
    async fn call(&self, pending: &[Pending]) -> Attempt {
        let inner = self.inner;
        let table = &inner.table;
        let api = self.kind.api();
        let unprocessed = |requests: &[WriteRequest]| -> HashSet<KeyId> {
            requests
                .iter()
                .filter_map(|request| match (&request.put_request, &request.delete_request) {
                    (Some(put), _) => Some(KeyId::of(&inner.keys, &put.item)),
                    (None, Some(delete)) => Some(KeyId::of(&inner.keys, &delete.key)),
                    (None, None) => None,
                })
                .collect()
        };
        match self.kind {
            Kind::Put | Kind::Delete => {
                let mut requests = Vec::with_capacity(pending.len());
                for p in pending {
                    let request = match self.kind {
                        Kind::Put => PutRequest::builder()
                            .set_item(Some(p.item.clone()))
                            .build()
                            .map(|put| WriteRequest::builder().put_request(put).build()),
                        _ => DeleteRequest::builder()
                            .set_key(Some(p.item.clone()))
                            .build()
                            .map(|delete| WriteRequest::builder().delete_request(delete).build()),
                    };
                    match request {
                        Ok(request) => requests.push(request),
                        Err(err) => return Attempt::Fatal(Error::build("BatchWriteItem")(err)),
                    }
                }
                match inner.client.batch_write_item().request_items(table, requests).send().await {
                    Ok(output) => Attempt::Answered {
                        unprocessed: output
                            .unprocessed_items
                            .and_then(|mut tables| tables.remove(table))
                            .map(|requests| unprocessed(&requests))
                            .unwrap_or_default(),
                        items: Vec::new(),
                    },
                    // Puts and deletes of a batch are idempotent.
                    Err(err) => failed(api, Repeat::Idempotent, err),
                }
            }
            Kind::Get { consistent } => {
                let keys = KeysAndAttributes::builder()
                    .set_keys(Some(pending.iter().map(|p| p.item.clone()).collect()))
                    .consistent_read(consistent)
                    .build();
                let keys = match keys {
                    Ok(keys) => keys,
                    Err(err) => return Attempt::Fatal(Error::build("BatchGetItem")(err)),
                };
                match inner.client.batch_get_item().request_items(table, keys).send().await {
                    Ok(output) => Attempt::Answered {
                        unprocessed: output
                            .unprocessed_keys
                            .and_then(|mut tables| tables.remove(table))
                            .map(|keys| keys.keys.iter().map(|key| KeyId::of(&inner.keys, key)).collect())
                            .unwrap_or_default(),
                        items: output.responses.and_then(|mut tables| tables.remove(table)).unwrap_or_default(),
                    },
                    Err(err) => failed(api, Repeat::Read, err),
                }
            }
        }
    }

    /// Publishes the events of the requests `done` (if events are on). A failure stops the batch.
    async fn publish(&self, done: &[usize], events: &HashMap<usize, Message>) -> Result<usize, PublishFailure> {
        let Some(sink) = self.inner.sink.as_ref() else { return Ok(0) };
        let batch: Vec<Message> = done.iter().filter_map(|index| events.get(index).cloned()).collect();
        if batch.is_empty() {
            return Ok(0);
        }
        let count = batch.len();
        let bodies: Vec<String> = batch.iter().map(|event| event.body.clone()).collect();
        match sink.publish_batch(batch).await {
            Ok(()) => Ok(count),
            Err(source) => {
                self.stop.store(true, Ordering::Relaxed);
                let failed: Vec<usize> = match source.downcast_ref::<PublishBatchError>() {
                    Some(partial) => partial.failed.iter().map(|f| f.index).collect(),
                    None => (0..count).collect(),
                };
                tracing::warn!(failed = failed.len(), error = %source, "batch items written but their events were not published");
                let items = failed
                    .into_iter()
                    .filter_map(|i| bodies.get(i))
                    .map(|body| crate::events::parse_body(body))
                    .collect();
                Err(PublishFailure { items, source })
            }
        }
    }
}

/// The attempt a failed call was: retryable (throttling, 5xx, timeouts, every transport failure) or
/// fatal.
fn failed<E>(api: &'static str, repeat: Repeat, err: SdkError<E, HttpResponse>) -> Attempt
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let kind = AwsErrorKind::of(&err);
    if kind.is_retryable() {
        tracing::debug!(error = %crate::failure::describe(&kind, &err), "{api} throttled or failed transiently");
        Attempt::Retryable { maybe_applied: kind.maybe_applied() }
    } else {
        Attempt::Fatal(Error::dynamodb(api, repeat, err))
    }
}
