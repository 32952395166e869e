//! [`BatchWrite`]: `batch_insert` and `batch_delete`.

use std::collections::HashMap;
use std::fmt;
use std::future::IntoFuture;

use futures::future::BoxFuture;
use tracing::Instrument;

use super::engine::{Engine, Kind, ProgressFn};
use super::prepare::{Duplicates, Prepared};
use super::{BatchSummary, Entries, BATCH_WRITE_LIMIT, DEFAULT_CONCURRENCY};
use crate::adapter::Repository;
use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::events::{Body, Message, Operation};
use crate::key::check_key;
use crate::model::Model;
use crate::ops::options::{option_setters, EntityPrefixes, EventOptions, KeyOptions};
use crate::prefix::Prefixes;
use crate::retry::RetryPolicy;

/// A `batch_insert` or `batch_delete`; see [`Repository::batch_insert`]. `.await` it (or call
/// [`send`](Self::send)) to run it.
///
/// Events are off by default: [`publish(true)`](Self::publish) publishes one event per written item
/// (operation `batch_insert` / `batch_delete`) through the sink's
/// [`publish_batch`](crate::events::EventSink::publish_batch), chunk by chunk as chunks land; no
/// effect without a configured sink. When publishing fails the batch stops sending new chunks: the
/// error is an [`Error::Publish`] whose `written` lists the items whose events failed (wrapped
/// in [`Error::BatchAborted`] when requests were left unsent).
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct BatchWrite<M: Model> {
    repo: Repository<M>,
    kind: Kind,
    entries: Entries,
    batch_size: usize,
    concurrency: usize,
    deduplicate: bool,
    retry: RetryPolicy,
    progress: Option<ProgressFn>,
    keys: KeyOptions,
    events: EventOptions,
}

impl<M: Model> fmt::Debug for BatchWrite<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchWrite")
            .field("kind", &self.kind)
            .field("entries", &self.entries.as_ref().map(Vec::len))
            .field("batch_size", &self.batch_size)
            .field("concurrency", &self.concurrency)
            .field("deduplicate", &self.deduplicate)
            .field("retry", &self.retry)
            .field("keys", &self.keys)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

impl<M: Model> BatchWrite<M> {
    /// A `batch_insert` of these items.
    pub(crate) fn insert(repo: &Repository<M>, items: Entries) -> Self {
        Self::new(repo, Kind::Put, items)
    }

    /// A `batch_delete` of these keys.
    pub(crate) fn delete(repo: &Repository<M>, keys: Entries) -> Self {
        Self::new(repo, Kind::Delete, keys)
    }

    fn new(repo: &Repository<M>, kind: Kind, entries: Entries) -> Self {
        BatchWrite {
            repo: repo.clone(),
            kind,
            entries,
            batch_size: BATCH_WRITE_LIMIT,
            concurrency: DEFAULT_CONCURRENCY,
            deduplicate: false,
            retry: RetryPolicy::default(),
            progress: None,
            keys: KeyOptions::default(),
            events: EventOptions::default(),
        }
    }

    /// Requests per `BatchWriteItem` call, `1..=25` (default 25); anything else is an
    /// [`Error::Config`] when sent.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// `true`: when several requests share a primary key, keep the last and drop the others (counted
    /// in [`BatchSummary::deduplicated`]). Default `false`: duplicates are an [`Error::DuplicateKey`]
    /// before anything is sent, as DynamoDB itself rejects them.
    pub fn deduplicate(mut self, last_wins: bool) -> Self {
        self.deduplicate = last_wins;
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
        let (originals, entities): (Vec<Item>, Vec<Entity>) = self.entries?.into_iter().unzip();
        let exact = self.kind == Kind::Delete;
        for entry in &originals {
            check_key(&inner.keys, entry, exact)?;
        }
        let mut known = EntityPrefixes::default();
        let rules: Vec<Prefixes> =
            entities.iter().map(|entity| known.of(&self.keys, &inner, *entity).clone()).collect();
        let duplicates = if self.deduplicate { Duplicates::KeepLast } else { Duplicates::Reject };
        let prepared = Prepared::new(&inner, &originals, |index, item| rules[index].added(item.clone()), duplicates)?;

        // Events are built before anything is written: a bad attribute or body fails the call early.
        let mut events: HashMap<usize, Message> = HashMap::new();
        if self.events.publishes(false) && inner.sink.is_some() {
            for pending in &prepared.pending {
                let original = &originals[pending.index];
                let position = Some(pending.index);
                let schema = entities[pending.index].schema;
                let stripped = || rules[pending.index].stripped(original.clone());
                // The same body as a single write's event: the model (or, deleted, the key), key values
                // stripped.
                let event = match self.kind {
                    Kind::Put => {
                        self.events.event(&inner, operation, schema, || Body::item::<M>(stripped()), position)?
                    }
                    _ => {
                        let body = || Body::key(&inner.keys, schema, &stripped());
                        self.events.event(&inner, operation, schema, body, position)?
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

        let pick = |indexes: &[usize]| indexes.iter().map(|&index| originals[index].clone()).collect::<Vec<_>>();
        let leftovers = || pick(&outcome.leftover);
        let outcome_unknown = || pick(&outcome.unknown);
        if let Some(source) = outcome.error {
            if let Some(publish) = outcome.publish_error {
                tracing::warn!(error = %publish.source, "batch stopped; its events were not all published either");
            }
            return Err(Error::BatchAborted {
                leftovers: leftovers(),
                outcome_unknown: outcome_unknown(),
                source: Box::new(source),
            });
        }
        if let Some(publish) = outcome.publish_error {
            let error = Error::Publish { written: publish.items, source: publish.source };
            if outcome.leftover.is_empty() {
                return Err(error);
            }
            return Err(Error::BatchAborted {
                leftovers: leftovers(),
                outcome_unknown: outcome_unknown(),
                source: Box::new(error),
            });
        }
        if !outcome.leftover.is_empty() {
            tracing::warn!(leftovers = outcome.leftover.len(), "batch incomplete after retries");
            return Err(Error::BatchIncomplete { leftovers: leftovers(), outcome_unknown: outcome_unknown() });
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
super::batch_setters!(BatchWrite);
option_setters!(events, impl[M: Model] BatchWrite<M>);
