//! [`BatchGet`]: `batch_get`.

use std::collections::HashMap;
use std::fmt;
use std::future::IntoFuture;

use futures::future::BoxFuture;
use tracing::Instrument;

use super::engine::{Engine, Kind, ProgressFn};
use super::prepare::{Duplicates, Prepared};
use super::{Entries, BATCH_GET_LIMIT, DEFAULT_CONCURRENCY};
use crate::adapter::Repository;
use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::key::{check_key, KeyId};
use crate::model::Model;
use crate::ops::options::{option_setters, EntityPrefixes, KeyOptions};
use crate::prefix::Prefixes;
use crate::retry::RetryPolicy;

/// A `batch_get`; see [`Repository::batch_get`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct BatchGet<M: Model> {
    repo: Repository<M>,
    entries: Entries,
    consistent: bool,
    concurrency: usize,
    retry: RetryPolicy,
    progress: Option<ProgressFn>,
    keys: KeyOptions,
}

impl<M: Model> fmt::Debug for BatchGet<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchGet")
            .field("entries", &self.entries.as_ref().map(Vec::len))
            .field("consistent", &self.consistent)
            .field("concurrency", &self.concurrency)
            .field("retry", &self.retry)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl<M: Model> BatchGet<M> {
    pub(crate) fn new(repo: &Repository<M>, keys: Entries) -> Self {
        BatchGet {
            repo: repo.clone(),
            entries: keys,
            consistent: false,
            concurrency: DEFAULT_CONCURRENCY,
            retry: RetryPolicy::default(),
            progress: None,
            keys: KeyOptions::default(),
        }
    }

    /// Strongly consistent reads.
    pub fn consistent_read(mut self, consistent: bool) -> Self {
        self.consistent = consistent;
        self
    }

    /// Runs the reads (same as `.await`). When retries run out the error is
    /// [`Error::BatchIncomplete`] with the keys not read (unprefixed).
    pub async fn send(self) -> Result<Vec<M>> {
        let inner = self.repo.adapter.inner.clone();
        if self.concurrency == 0 {
            return Err(Error::Config("batch concurrency must be at least 1".into()));
        }
        let (originals, entities): (Vec<Item>, Vec<Entity>) = self.entries?.into_iter().unzip();
        for key in &originals {
            check_key(&inner.keys, key, true)?;
        }
        let mut known = EntityPrefixes::default();
        let rules: Vec<Prefixes> =
            entities.iter().map(|entity| known.of(&self.keys, &inner, *entity).clone()).collect();
        // Reads are idempotent: a repeated key is read once (DynamoDB rejects duplicates in a call).
        let prepared =
            Prepared::new(&inner, &originals, |index, key| rules[index].added(key.clone()), Duplicates::KeepFirst)?;
        // Each item found is stripped by its key's entity.
        let order: Vec<(KeyId, usize)> = prepared.pending.iter().map(|p| (p.key.clone(), p.index)).collect();
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
        let pick = |indexes: &[usize]| indexes.iter().map(|&index| originals[index].clone()).collect::<Vec<_>>();
        let leftovers = || pick(&outcome.leftover);
        let outcome_unknown = || pick(&outcome.unknown);
        if let Some(source) = outcome.error {
            return Err(Error::BatchAborted {
                leftovers: leftovers(),
                outcome_unknown: outcome_unknown(),
                source: Box::new(source),
            });
        }
        if !outcome.leftover.is_empty() {
            return Err(Error::BatchIncomplete { leftovers: leftovers(), outcome_unknown: outcome_unknown() });
        }
        let mut found: HashMap<KeyId, Item> =
            outcome.items.into_iter().map(|item| (KeyId::of(&inner.keys, &item), item)).collect();
        order
            .iter()
            .filter_map(|(key, index)| found.remove(key).map(|item| M::from_item(rules[*index].stripped(item))))
            .collect()
    }
}

impl<M: Model> IntoFuture for BatchGet<M> {
    type Output = Result<Vec<M>>;
    type IntoFuture = BoxFuture<'static, Result<Vec<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
super::batch_setters!(BatchGet);
option_setters!(keys, impl[M: Model] BatchGet<M>);
