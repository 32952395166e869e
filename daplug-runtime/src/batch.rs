//! Batch writes and reads: `BatchWriteItem` in chunks of at most 25 requests and `BatchGetItem` in
//! chunks of at most 100 keys, sent with bounded concurrency; unprocessed requests and retryable
//! errors are retried per chunk with exponential backoff and full jitter ([`RetryPolicy`]).
//!
//! A batch call either succeeds, or its error lists exactly the requests that were not applied
//! ([`Error::BatchIncomplete`] when retries ran out, [`Error::BatchAborted`] when an error that
//! retrying cannot fix stopped it); nothing is dropped silently.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};
use tracing::Instrument;

use crate::call::{call_option_setters, CallOptions};
use crate::config::{AdapterInner, KeyConfig};
use crate::error::{Error, Result};
use crate::events::{to_python_json, Event, MessageAttribute, Operation, PublishBatchError, SinkError};
use crate::model::{Item, Model};
use crate::repo::{check_key, key_of, Repository};
use crate::retry::{self, RetryPolicy};
use crate::write::item_to_json;

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
    /// Requests re-sent so far (left unprocessed, or in a chunk whose call was throttled).
    pub retried: usize,
    /// Calls that failed with a retryable error (throttling, 5xx, timeout).
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

type ProgressFn = Arc<dyn Fn(BatchProgress) + Send + Sync>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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

impl<M: Model> Repository<M> {
    /// Writes `models` with `BatchWriteItem`: unconditional puts (an item with the same key is
    /// replaced; the service offers no conditions here), in chunks of [`batch_size`](BatchWrite::batch_size)
    /// sent [`concurrency`](BatchWrite::concurrency) at a time.
    ///
    /// Two models with the same primary key are an [`Error::DuplicateKey`] before anything is sent,
    /// unless [`deduplicate`](BatchWrite::deduplicate) keeps the last one. Events are off by default
    /// ([`publish`](BatchWrite::publish)).
    ///
    /// ```no_run
    /// # use daplug_runtime::{Model, Repository};
    /// # async fn demo<M: Model>(orders: Repository<M>, items: Vec<M>) -> daplug_runtime::Result<()> {
    /// let summary = orders.batch_insert(&items).concurrency(8).await?;
    /// assert_eq!(summary.written, items.len());
    /// # Ok(()) }
    /// ```
    pub fn batch_insert<I>(&self, models: I) -> BatchWrite<M>
    where
        I: IntoIterator,
        I::Item: Borrow<M>,
    {
        let entries = models.into_iter().map(|model| model.borrow().to_item()).collect();
        BatchWrite::new(self, Kind::Put, entries)
    }

    /// Deletes the items with these keys with `BatchWriteItem` (absent keys are not an error). Same
    /// chunking, retries, duplicate handling and events as [`batch_insert`](Self::batch_insert); an
    /// event's body is the deleted key, since `BatchWriteItem` does not return old items.
    pub fn batch_delete<I>(&self, keys: I) -> BatchWrite<M>
    where
        I: IntoIterator,
        I::Item: Borrow<M::Key>,
    {
        let entries = keys.into_iter().map(|key| M::key_item(key.borrow())).collect();
        BatchWrite::new(self, Kind::Delete, entries)
    }

    /// Reads the items with these keys with `BatchGetItem` (100 keys a call, unprocessed keys
    /// retried). Returns the items found, in the order of their keys; absent keys are skipped and a
    /// repeated key is read once.
    pub fn batch_get<I>(&self, keys: I) -> BatchGet<M>
    where
        I: IntoIterator,
        I::Item: Borrow<M::Key>,
    {
        BatchGet {
            repo: self.clone(),
            keys: keys.into_iter().map(|key| M::key_item(key.borrow())).collect(),
            consistent: false,
            concurrency: DEFAULT_CONCURRENCY,
            retry: RetryPolicy::default(),
            progress: None,
            call: CallOptions::default(),
        }
    }
}

/// A `batch_insert` or `batch_delete`; see [`Repository::batch_insert`]. `.await` it (or call
/// [`send`](Self::send)) to run it.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct BatchWrite<M: Model> {
    repo: Repository<M>,
    kind: Kind,
    entries: Result<Vec<Item>>,
    batch_size: usize,
    concurrency: usize,
    deduplicate: bool,
    publish: bool,
    retry: RetryPolicy,
    progress: Option<ProgressFn>,
    call: CallOptions,
}

impl<M: Model> fmt::Debug for BatchWrite<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchWrite")
            .field("kind", &self.kind)
            .field("entries", &self.entries.as_ref().map(Vec::len))
            .field("batch_size", &self.batch_size)
            .field("concurrency", &self.concurrency)
            .field("deduplicate", &self.deduplicate)
            .field("publish", &self.publish)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<M: Model> BatchWrite<M> {
    fn new(repo: &Repository<M>, kind: Kind, entries: Result<Vec<Item>>) -> Self {
        BatchWrite {
            repo: repo.clone(),
            kind,
            entries,
            batch_size: BATCH_WRITE_LIMIT,
            concurrency: DEFAULT_CONCURRENCY,
            deduplicate: false,
            publish: false,
            retry: RetryPolicy::default(),
            progress: None,
            call: CallOptions::default(),
        }
    }

    fn call_mut(&mut self) -> &mut CallOptions {
        &mut self.call
    }

    /// Requests per `BatchWriteItem` call, `1..=25` (default 25); anything else is an
    /// [`Error::Config`] when sent.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// Chunks in flight at once (default [`DEFAULT_CONCURRENCY`]; `0` is an [`Error::Config`]).
    pub fn concurrency(mut self, chunks: usize) -> Self {
        self.concurrency = chunks;
        self
    }

    /// `true`: when several requests share a primary key, keep the last and drop the others (counted
    /// in [`BatchSummary::deduplicated`]). Default `false`: duplicates are an [`Error::DuplicateKey`]
    /// before anything is sent, as DynamoDB itself rejects them.
    pub fn deduplicate(mut self, last_wins: bool) -> Self {
        self.deduplicate = last_wins;
        self
    }

    /// Retry policy for unprocessed requests and retryable errors (see [`RetryPolicy`] for how it
    /// combines with the SDK client's own retry).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Called after every `BatchWriteItem` call with the progress so far (from the task running the
    /// batch; keep it quick).
    pub fn on_progress(mut self, progress: impl Fn(BatchProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// `true` publishes one event per written item (operation `batch_insert` / `batch_delete`) through
    /// the sink's [`publish_batch`](crate::EventSink::publish_batch), chunk by chunk as chunks land.
    /// Off by default; no effect without a configured sink.
    ///
    /// When publishing fails the batch stops sending new chunks: the error is an
    /// [`Error::Publish`] whose `written` is the array of items whose events failed (wrapped in
    /// [`Error::BatchAborted`] when requests were left unsent).
    pub fn publish(mut self, publish: bool) -> Self {
        self.publish = publish;
        self
    }

    /// Adds (or overrides) a message attribute on this call's events.
    pub fn sns_attribute(mut self, name: impl Into<String>, value: impl Into<MessageAttribute>) -> Self {
        self.call.attributes.insert(name.into(), value.into());
        self
    }

    /// FIFO topics: the message group id of this call's events.
    pub fn fifo_group_id(mut self, id: impl Into<String>) -> Self {
        self.call.group_id = Some(id.into());
        self
    }

    /// Runs the batch (same as `.await`).
    pub async fn send(self) -> Result<BatchSummary> {
        let inner = self.repo.adapter.inner.clone();
        let operation = match self.kind {
            Kind::Delete => Operation::BatchDelete,
            _ => Operation::BatchInsert,
        };
        if !(1..=BATCH_WRITE_LIMIT).contains(&self.batch_size) {
            return Err(Error::Config(format!("batch_size must be 1..={BATCH_WRITE_LIMIT}, got {}", self.batch_size)));
        }
        if self.concurrency == 0 {
            return Err(Error::Config("batch concurrency must be at least 1".into()));
        }
        let originals = self.entries?;
        let exact = self.kind == Kind::Delete;
        for entry in &originals {
            check_key(&inner.keys, entry, exact)?;
        }
        let prefixes = self.call.prefixes(&inner);
        let duplicates = if self.deduplicate { Duplicates::KeepLast } else { Duplicates::Reject };
        let prepared = Prepared::new(&inner, &originals, |item| prefixes.added(item.clone()), duplicates)?;

        // Events are built before anything is written: a bad attribute or body fails the call early.
        let mut events: HashMap<usize, Event> = HashMap::new();
        if self.publish && inner.sink.is_some() {
            for pending in &prepared.pending {
                let original = &originals[pending.index];
                let event = match self.kind {
                    Kind::Put => {
                        // The same body as a single write's event: the model, key values stripped.
                        let model = M::from_item(prefixes.stripped(original.clone()))?;
                        self.call.event(&inner, operation, M::META.schema, &to_python_json(&model))?
                    }
                    _ => {
                        let key = item_to_json(M::META.schema, &prefixes.stripped(original.clone()))?;
                        self.call.event(&inner, operation, M::META.schema, &to_python_json(&key))?
                    }
                };
                events.extend(event.map(|event| (pending.index, event)));
            }
        }

        let span = tracing::debug_span!(
            "daplug.batch_write",
            table = %inner.table,
            schema = M::META.schema,
            %operation,
            items = prepared.pending.len(),
            written = tracing::field::Empty,
            retried = tracing::field::Empty,
            throttled = tracing::field::Empty,
            calls = tracing::field::Empty,
        );
        let engine = Engine::new(&inner, self.kind, &self.retry, self.progress.as_ref(), prepared.pending.len());
        let outcome =
            engine.run(prepared.pending, self.batch_size, self.concurrency, &events).instrument(span.clone()).await;
        let progress = engine.snapshot();
        span.record("written", progress.done);
        span.record("retried", progress.retried);
        span.record("throttled", progress.throttled);
        span.record("calls", progress.calls);

        let leftovers = || outcome.leftover.iter().map(|&index| originals[index].clone()).collect::<Vec<_>>();
        if let Some(source) = outcome.error {
            if let Some(publish) = outcome.publish_error {
                tracing::warn!(error = %publish.source, "batch stopped; its events were not all published either");
            }
            return Err(Error::BatchAborted { leftovers: leftovers(), source: Box::new(source) });
        }
        if let Some(publish) = outcome.publish_error {
            let error =
                Error::Publish { written: Box::new(serde_json::Value::Array(publish.items)), source: publish.source };
            if outcome.leftover.is_empty() {
                return Err(error);
            }
            return Err(Error::BatchAborted { leftovers: leftovers(), source: Box::new(error) });
        }
        if !outcome.leftover.is_empty() {
            tracing::warn!(leftovers = outcome.leftover.len(), "batch incomplete after retries");
            return Err(Error::BatchIncomplete { leftovers: leftovers() });
        }
        Ok(BatchSummary {
            written: progress.done,
            deduplicated: prepared.deduplicated,
            calls: progress.calls,
            retried: progress.retried,
            throttled: progress.throttled,
            published: outcome.published,
        })
    }
}

impl<M: Model> IntoFuture for BatchWrite<M> {
    type Output = Result<BatchSummary>;
    type IntoFuture = BoxFuture<'static, Result<BatchSummary>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
call_option_setters!(BatchWrite);

/// A `batch_get`; see [`Repository::batch_get`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct BatchGet<M: Model> {
    repo: Repository<M>,
    keys: Result<Vec<Item>>,
    consistent: bool,
    concurrency: usize,
    retry: RetryPolicy,
    progress: Option<ProgressFn>,
    call: CallOptions,
}

impl<M: Model> fmt::Debug for BatchGet<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchGet")
            .field("keys", &self.keys.as_ref().map(Vec::len))
            .field("consistent", &self.consistent)
            .field("concurrency", &self.concurrency)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<M: Model> BatchGet<M> {
    fn call_mut(&mut self) -> &mut CallOptions {
        &mut self.call
    }

    /// Strongly consistent reads.
    pub fn consistent_read(mut self, consistent: bool) -> Self {
        self.consistent = consistent;
        self
    }

    /// Chunks in flight at once (default [`DEFAULT_CONCURRENCY`]; `0` is an [`Error::Config`]).
    pub fn concurrency(mut self, chunks: usize) -> Self {
        self.concurrency = chunks;
        self
    }

    /// Retry policy for unprocessed keys and retryable errors.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Called after every `BatchGetItem` call with the progress so far.
    pub fn on_progress(mut self, progress: impl Fn(BatchProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Runs the reads (same as `.await`). When retries run out the error is
    /// [`Error::BatchIncomplete`] with the keys not read (unprefixed).
    pub async fn send(self) -> Result<Vec<M>> {
        let inner = self.repo.adapter.inner.clone();
        if self.concurrency == 0 {
            return Err(Error::Config("batch concurrency must be at least 1".into()));
        }
        let originals = self.keys?;
        for key in &originals {
            check_key(&inner.keys, key, true)?;
        }
        let prefixes = self.call.prefixes(&inner);
        // Reads are idempotent: a repeated key is read once (DynamoDB rejects duplicates in a call).
        let prepared = Prepared::new(&inner, &originals, |key| prefixes.added(key.clone()), Duplicates::KeepFirst)?;
        let order: Vec<KeyId> = prepared.pending.iter().map(|p| p.key.clone()).collect();
        let span = tracing::debug_span!(
            "daplug.batch_get",
            table = %inner.table,
            schema = M::META.schema,
            keys = order.len(),
            found = tracing::field::Empty,
            retried = tracing::field::Empty,
        );
        let engine = Engine::new(
            &inner,
            Kind::Get { consistent: self.consistent },
            &self.retry,
            self.progress.as_ref(),
            prepared.pending.len(),
        );
        let outcome = engine
            .run(prepared.pending, BATCH_GET_LIMIT, self.concurrency, &HashMap::new())
            .instrument(span.clone())
            .await;
        span.record("found", outcome.items.len());
        span.record("retried", engine.snapshot().retried);
        let leftovers = || outcome.leftover.iter().map(|&index| originals[index].clone()).collect::<Vec<_>>();
        if let Some(source) = outcome.error {
            return Err(Error::BatchAborted { leftovers: leftovers(), source: Box::new(source) });
        }
        if !outcome.leftover.is_empty() {
            return Err(Error::BatchIncomplete { leftovers: leftovers() });
        }
        let mut found: HashMap<KeyId, Item> =
            outcome.items.into_iter().map(|item| (KeyId::of(&inner.keys, &item), item)).collect();
        order.iter().filter_map(|key| found.remove(key)).map(|item| M::from_item(prefixes.stripped(item))).collect()
    }
}

impl<M: Model> IntoFuture for BatchGet<M> {
    type Output = Result<Vec<M>>;
    type IntoFuture = BoxFuture<'static, Result<Vec<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
call_option_setters!(BatchGet);

/// A hashable identity of a primary key as DynamoDB compares keys: the key attribute values in key
/// order, numbers in canonical form (`1.0` and `1` are the same key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct KeyId(Vec<KeyPart>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyPart {
    Missing,
    S(String),
    N(String),
    B(Vec<u8>),
    Other,
}

impl KeyId {
    pub(crate) fn of(keys: &KeyConfig, item: &Item) -> Self {
        KeyId(
            keys.attributes()
                .map(|attribute| match item.get(attribute) {
                    None => KeyPart::Missing,
                    Some(AttributeValue::S(s)) => KeyPart::S(s.clone()),
                    Some(AttributeValue::N(n)) => KeyPart::N(canonical_number(n)),
                    Some(AttributeValue::B(b)) => KeyPart::B(b.as_ref().to_vec()),
                    Some(_) => KeyPart::Other,
                })
                .collect(),
        )
    }
}

/// `digits` without leading or trailing zeros and a decimal exponent: `"-0012.50"` -> `"-125e-1"`.
/// Text that is not a decimal number is returned unchanged.
fn canonical_number(text: &str) -> String {
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], &unsigned[at + 1..]),
        None => (unsigned, "0"),
    };
    let Ok(exponent) = exponent.parse::<i64>() else { return text.to_owned() };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return text.to_owned();
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return "0".to_owned();
    }
    let trimmed = digits.trim_end_matches('0');
    let exponent = exponent - frac.len() as i64 + (digits.len() - trimmed.len()) as i64;
    format!("{}{trimmed}e{exponent}", if negative { "-" } else { "" })
}

/// One request of a batch: its position in the caller's list, its key, and the prefixed item or key.
struct Pending {
    index: usize,
    key: KeyId,
    item: Item,
}

/// What to do with requests that repeat a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Duplicates {
    /// [`Error::DuplicateKey`].
    Reject,
    /// Drop the earlier requests (writes with `deduplicate(true)`).
    KeepLast,
    /// Drop the later requests (reads: the result follows the first occurrence).
    KeepFirst,
}

/// The requests to send, after prefixing and duplicate handling, in the caller's order.
struct Prepared {
    pending: Vec<Pending>,
    deduplicated: usize,
}

impl Prepared {
    /// Prefixes every entry and checks keys are unique, handling repeats as `duplicates` says. Keys
    /// are compared as stored (after prefixing).
    fn new(
        inner: &AdapterInner,
        originals: &[Item],
        prefix: impl Fn(&Item) -> Item,
        duplicates: Duplicates,
    ) -> Result<Self> {
        let mut latest: HashMap<KeyId, usize> = HashMap::with_capacity(originals.len());
        let mut pending = Vec::with_capacity(originals.len());
        let mut dropped = HashSet::new();
        for (index, original) in originals.iter().enumerate() {
            let item = prefix(original);
            let key = KeyId::of(&inner.keys, &item);
            if let Some(&earlier) = latest.get(&key) {
                match duplicates {
                    Duplicates::Reject => {
                        return Err(Error::DuplicateKey {
                            table: inner.table.clone(),
                            key: key_of(&inner.keys, original),
                        })
                    }
                    Duplicates::KeepLast => {
                        dropped.insert(earlier);
                    }
                    Duplicates::KeepFirst => {
                        dropped.insert(index);
                        continue;
                    }
                }
            }
            latest.insert(key.clone(), index);
            pending.push(Pending { index, key, item });
        }
        pending.retain(|p| !dropped.contains(&p.index));
        Ok(Prepared { pending, deduplicated: dropped.len() })
    }
}

/// What all chunks of a call did.
#[derive(Default)]
struct Outcome {
    /// Indexes of requests not applied, sorted.
    leftover: Vec<usize>,
    /// Items returned by gets (prefixed).
    items: Vec<Item>,
    /// The first error that retrying could not fix.
    error: Option<Error>,
    /// Events that could not be published.
    publish_error: Option<PublishFailure>,
    published: usize,
}

struct PublishFailure {
    items: Vec<serde_json::Value>,
    source: SinkError,
}

/// What one chunk did.
#[derive(Default)]
struct ChunkOutcome {
    done: Vec<usize>,
    items: Vec<Item>,
    leftover: Vec<usize>,
    error: Option<Error>,
}

/// The answer to one call.
enum Attempt {
    /// The call succeeded; these keys were left unprocessed.
    Answered { unprocessed: HashSet<KeyId>, items: Vec<Item> },
    /// Throttling, 5xx, timeout: worth another attempt.
    Retryable,
    /// Anything else.
    Fatal(Error),
}

/// Runs the chunks of one batch call and keeps its counters.
struct Engine<'a> {
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
    fn new(
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

    fn snapshot(&self) -> BatchProgress {
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
    async fn run(
        &self,
        pending: Vec<Pending>,
        size: usize,
        concurrency: usize,
        events: &HashMap<usize, Event>,
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
        outcome
    }

    /// Sends one chunk until every request is applied, attempts run out, or the batch stops.
    async fn chunk(&self, mut pending: Vec<Pending>) -> ChunkOutcome {
        let mut outcome = ChunkOutcome::default();
        let mut attempt = 0;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                outcome.leftover.extend(pending.iter().map(|p| p.index));
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
                Attempt::Retryable => {
                    self.throttled.fetch_add(1, Ordering::Relaxed);
                }
                Attempt::Fatal(error) => {
                    self.stop.store(true, Ordering::Relaxed);
                    outcome.leftover.extend(pending.iter().map(|p| p.index));
                    outcome.error = Some(error);
                    self.report();
                    return outcome;
                }
            }
            self.report();
            if attempt >= self.retry.attempts() {
                outcome.leftover.extend(pending.iter().map(|p| p.index));
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
                        Err(err) => return Attempt::Fatal(Error::Config(err.to_string())),
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
                    Err(err) if retry::should_retry(&err) => {
                        tracing::debug!(error = %aws_sdk_dynamodb::Error::from(err), "{api} throttled or failed transiently");
                        Attempt::Retryable
                    }
                    Err(err) => Attempt::Fatal(Error::dynamodb("BatchWriteItem", err)),
                }
            }
            Kind::Get { consistent } => {
                let keys = KeysAndAttributes::builder()
                    .set_keys(Some(pending.iter().map(|p| p.item.clone()).collect()))
                    .consistent_read(consistent)
                    .build();
                let keys = match keys {
                    Ok(keys) => keys,
                    Err(err) => return Attempt::Fatal(Error::Config(err.to_string())),
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
                    Err(err) if retry::should_retry(&err) => {
                        tracing::debug!(error = %aws_sdk_dynamodb::Error::from(err), "{api} throttled or failed transiently");
                        Attempt::Retryable
                    }
                    Err(err) => Attempt::Fatal(Error::dynamodb("BatchGetItem", err)),
                }
            }
        }
    }

    /// Publishes the events of the requests `done` (if events are on). A failure stops the batch.
    async fn publish(&self, done: &[usize], events: &HashMap<usize, Event>) -> Result<usize, PublishFailure> {
        let Some(sink) = self.inner.sink.as_ref() else { return Ok(0) };
        let batch: Vec<Event> = done.iter().filter_map(|index| events.get(index).cloned()).collect();
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
                    .map(|body| serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
                    .collect();
                Err(PublishFailure { items, source })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_dynamodb_compares_them() {
        let same = [("1", "1.0"), ("1", "+1"), ("100", "1e2"), ("-0012.50", "-12.5"), ("0.0", "0"), ("-0", "0")];
        for (a, b) in same {
            assert_eq!(canonical_number(a), canonical_number(b), "{a} vs {b}");
        }
        assert_ne!(canonical_number("1"), canonical_number("10"));
        assert_ne!(canonical_number("-1"), canonical_number("1"));
        assert_eq!(canonical_number("12.5"), "125e-1");
        assert_eq!(canonical_number("abc"), "abc");
        assert_eq!(canonical_number("."), ".");
    }

    fn inner(range: bool) -> KeyConfig {
        KeyConfig { hash_key: "pk".into(), range_key: range.then(|| "sk".to_owned()) }
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    #[test]
    fn key_ids_ignore_non_key_attributes() {
        let keys = inner(true);
        let a = item(&[
            ("pk", AttributeValue::S("a".into())),
            ("sk", AttributeValue::N("1".into())),
            ("x", AttributeValue::Bool(true)),
        ]);
        let b = item(&[("pk", AttributeValue::S("a".into())), ("sk", AttributeValue::N("1.00".into()))]);
        let c = item(&[("pk", AttributeValue::S("a".into())), ("sk", AttributeValue::S("1".into()))]);
        assert_eq!(KeyId::of(&keys, &a), KeyId::of(&keys, &b));
        assert_ne!(KeyId::of(&keys, &a), KeyId::of(&keys, &c), "string 1 is not number 1");
        assert_ne!(KeyId::of(&inner(false), &a), KeyId::of(&keys, &a));
    }
}
