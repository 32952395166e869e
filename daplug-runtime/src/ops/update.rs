//! `update`: read the stored item, merge a patch into it, map it through the model, and write it back
//! under the adapter's locking policy. daplug-ddb's read → merge → put, with its bugs fixed: key
//! attributes cannot be changed (it silently wrote a second item), a lost race carries the stored
//! item, and nothing is published unless the write happened.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::put_item::builders::PutItemInputBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use super::options::{option_setters, publish, EventOptions, KeyOptions};
use super::put::{conditional_put, send_conditional_put, PutOutcome};
use super::read::Query;
use crate::adapter::Repository;
use crate::codec;
use crate::codec::item::Item;
use crate::error::{Error, Result};
use crate::events::{Body, Event, Operation};
use crate::expr::KeyGuard;
use crate::key::check_key;
use crate::lock::{LockConfig, LockDecision, LockPolicy};
use crate::merge::{merge, value_eq, ListOp, MapOp, MergeOptions};
use crate::model::Model;
use crate::prefix::Prefixes;

/// What an update did, for callers that want to inspect rather than get errors
/// ([`Update::outcome`]).
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOutcome<M> {
    /// The merged item was written (and its event published).
    Written(M),
    /// Latest-wins: the stored item is newer than the update; nothing was written or published.
    Stale(M),
    /// The item changed (or was deleted) between the read and the write; nothing was written.
    /// `current` is the stored item at the time of the failed write.
    Conflict {
        /// The item as stored when the write was refused (`None` if it was deleted).
        current: Option<M>,
    },
}

pub(super) enum Source<M: Model> {
    Key(Result<Item>),
    Query { query: Box<Query<M>>, first_match: bool },
}

impl<M: Model> fmt::Debug for Source<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Key(key) => f.debug_tuple("Key").field(key).finish(),
            Source::Query { query, first_match } => {
                f.debug_struct("Query").field("query", query).field("first_match", first_match).finish()
            }
        }
    }
}

/// What an update does once the stored item is known.
enum Step<M> {
    /// Nothing to write: stale (latest-wins) or a lost race seen before writing.
    Done(UpdateOutcome<M>),
    /// Write `model` with this conditional put, then publish `event`.
    Write { input: Box<PutItemInputBuilder>, event: Option<Event>, model: M },
}

/// Which lock applies to this call.
#[derive(Debug, Clone, Copy)]
pub(super) enum LockChoice {
    Adapter,
    Off,
    Policy(LockPolicy),
}

/// A read → merge → conditional write; see [`Repository::update`].
///
/// `.await` returns the written model (or, under latest-wins, the newer stored one); a lost race is
/// [`Error::Conflict`]. [`outcome`](Update::outcome) reports both as values instead.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Update<M: Model> {
    // Visible to `update_one.rs`, which takes them over (`in_one_request`).
    pub(super) repo: Repository<M>,
    pub(super) source: Source<M>,
    /// The patch as an attribute value, or why it could not be converted (reported when sent).
    pub(super) patch: std::result::Result<AttributeValue, String>,
    pub(super) list: ListOp,
    pub(super) map: MapOp,
    pub(super) lock: LockChoice,
    pub(super) require_lock_value: Option<bool>,
    /// The lock value the caller read ([`Update::if_lock_value`]), as JSON.
    pub(super) expected_lock: Option<std::result::Result<Value, String>>,
    pub(super) keys: KeyOptions,
    pub(super) events: EventOptions,
}

impl<M: Model> fmt::Debug for Update<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Update")
            .field("repo", &self.repo)
            .field("source", &self.source)
            .field("patch", &self.patch)
            .field("list", &self.list)
            .field("map", &self.map)
            .field("lock", &self.lock)
            .field("require_lock_value", &self.require_lock_value)
            .field("expected_lock", &self.expected_lock)
            .field("keys", &self.keys)
            .field("events", &self.events)
            .finish()
    }
}

impl<M: Model> Update<M> {
    /// An update of the item with this key.
    pub(crate) fn by_key<P: Serialize + ?Sized>(repo: &Repository<M>, key: &M::Key, patch: &P) -> Self {
        Self::new(repo, Source::Key(M::key_item(key)), patch)
    }

    /// An update of the item `query` finds.
    pub(crate) fn by_query<P: Serialize + ?Sized>(repo: &Repository<M>, query: Query<M>, patch: &P) -> Self {
        Self::new(repo, Source::Query { query: Box::new(query), first_match: false }, patch)
    }

    fn new<P: Serialize + ?Sized>(repo: &Repository<M>, source: Source<M>, patch: &P) -> Self {
        let patch = codec::to_attribute_value(patch).map_err(|err| format!("patch: {err}"));
        Update {
            repo: repo.clone(),
            source,
            patch,
            list: ListOp::default(),
            map: MapOp::default(),
            lock: LockChoice::Adapter,
            require_lock_value: None,
            expected_lock: None,
            keys: KeyOptions::default(),
            events: EventOptions::default(),
        }
    }

    /// How lists in the patch combine with stored lists (default [`ListOp::Add`]).
    pub fn list_op(mut self, list: ListOp) -> Self {
        self.list = list;
        self
    }
    /// Whether the patch sets or removes attributes (default [`MapOp::Upsert`]). Key attributes are
    /// never removed.
    pub fn map_op(mut self, map: MapOp) -> Self {
        self.map = map;
        self
    }
    /// Uses this locking policy for this call (the adapter's idempotence key is required).
    pub fn lock_policy(mut self, policy: LockPolicy) -> Self {
        self.lock = LockChoice::Policy(policy);
        self
    }
    /// No locking for this call: the write only requires the item to still exist.
    pub fn no_lock(mut self) -> Self {
        self.lock = LockChoice::Off;
        self
    }
    /// Overrides [`AdapterBuilder::require_lock_value`](crate::adapter::AdapterBuilder::require_lock_value).
    pub fn require_lock_value(mut self, require: bool) -> Self {
        self.require_lock_value = Some(require);
        self
    }
    /// Updates only if the adapter's idempotence key still has this value: the one the caller read
    /// before deciding on the patch (as [`Delete::if_lock_value`](super::Delete::if_lock_value)).
    /// Otherwise nothing is written and the result is a conflict with the stored item.
    ///
    /// Without it, an update locks on the value *it* reads, just before writing: that protects the
    /// merge, not a decision the caller made on an earlier read. Read → decide → update is safe under
    /// [`LockPolicy::Equality`] and [`LockPolicy::LatestWins`] only with this (or with
    /// `update_where` filtering on the value read); under [`LockPolicy::Version`] a patch carrying the
    /// version read does the same.
    pub fn if_lock_value(mut self, value: impl Serialize) -> Self {
        self.expected_lock = Some(serde_json::to_value(value).map_err(|err| format!("lock value: {err}")));
        self
    }
    /// For [`Repository::update_where`]: `true` updates the first match when the query finds
    /// several (instead of [`Error::AmbiguousUpdate`]).
    pub fn first_match(mut self, first: bool) -> Self {
        if let Source::Query { first_match, .. } = &mut self.source {
            *first_match = first;
        }
        self
    }

    /// Runs the update (same as `.await`): the written model, or under latest-wins the stored one
    /// when it is newer. A lost race is [`Error::Conflict`].
    pub async fn send(self) -> Result<M> {
        let table = self.repo.adapter.table().to_owned();
        match self.outcome().await? {
            UpdateOutcome::Written(model) | UpdateOutcome::Stale(model) => Ok(model),
            UpdateOutcome::Conflict { current } => {
                let current = current.map(|model| model.to_item().map(Box::new)).transpose()?;
                Err(Error::Conflict { table, current })
            }
        }
    }

    /// Runs the update and reports stale and lost-race results as values.
    pub async fn outcome(self) -> Result<UpdateOutcome<M>> {
        let inner = self.repo.adapter.inner.clone();
        let span = tracing::debug_span!(
            "daplug.update",
            table = %inner.table,
            schema = M::META.schema,
            own_retry = tracing::field::Empty
        );
        async move {
            let (original, prefixes) = self.fetch_original().await?;
            let (input, event, model) = match self.plan_write(original, &prefixes)? {
                Step::Done(outcome) => return Ok(outcome),
                Step::Write { input, event, model } => (input, event, model),
            };
            match send_conditional_put(&inner, &prefixes, *input).await? {
                PutOutcome::Written => {
                    publish(&inner, event).await?;
                    Ok(UpdateOutcome::Written(model))
                }
                PutOutcome::Refused(current) => {
                    tracing::debug!("update lost a race");
                    let current = current.map(M::from_item).transpose()?;
                    Ok(UpdateOutcome::Conflict { current })
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Everything between the read and the write, pure: merges the patch into `original` (the
    /// stored item, unprefixed), validates the result through the model, applies the lock, and
    /// plans the conditional put with its event, or decides that there is nothing to write.
    fn plan_write(&self, original: Item, prefixes: &Prefixes) -> Result<Step<M>> {
        let inner = &self.repo.adapter.inner;
        let schema = M::META.schema;
        let patch = self.patch.as_ref().map_err(|message| Error::Serialize { schema, message: message.clone() })?;
        let options = MergeOptions::protecting(inner.keys.attributes())
            .with_list(self.list)
            .with_map(self.map)
            .with_replaced(M::META.replaced);
        // On attribute values, not JSON: numbers the patch does not touch keep their stored text.
        let merged = merge(&original, patch, &options).map_err(|err| Error::Validation {
            schema,
            path: Some(err.path()).filter(|path| !path.is_empty()).unwrap_or(".").to_owned(),
            message: err.to_string(),
        })?;
        for attribute in inner.keys.attributes() {
            let same = match (merged.get(attribute), original.get(attribute)) {
                (Some(merged), Some(original)) => value_eq(merged, original),
                (merged, original) => merged.is_none() && original.is_none(),
            };
            if !same {
                return Err(Error::InvalidKey {
                    attribute: attribute.to_owned(),
                    message: "cannot be changed by an update; insert the new item and delete the old one".into(),
                });
            }
        }
        let lock = lock_for(&inner.lock, self.lock, self.require_lock_value)?;
        // The lock attribute as JSON, the form lock decisions compare.
        let lock_json = |item: &Item, attribute: &str| -> Result<Value> {
            let mut view = serde_json::Map::new();
            if let Some(value) = item.get(attribute) {
                let value = codec::attribute_to_json(value).map_err(|err| Error::serialize(schema, err))?;
                view.insert(attribute.to_owned(), value);
            }
            Ok(Value::Object(view))
        };
        if let Some(expected) = &self.expected_lock {
            let expected =
                expected.as_ref().map_err(|message| Error::Serialize { schema, message: message.clone() })?;
            let Some(config) = &inner.lock else {
                return Err(Error::Config("if_lock_value needs the adapter's idempotence_key".into()));
            };
            let stored = lock_json(&original, &config.attribute)?;
            if stored.get(&config.attribute).unwrap_or(&Value::Null) != expected {
                tracing::debug!("stored lock value differs from the one read; update not written");
                return Ok(Step::Done(UpdateOutcome::Conflict { current: Some(M::from_item(original)?) }));
            }
        }
        let mut item = M::from_item(merged)?.to_item()?;
        let condition = match &lock {
            None => None,
            Some(lock) => {
                let stored = lock_json(&original, &lock.attribute)?;
                let updated = lock_json(&item, &lock.attribute)?;
                match lock.policy.decide(&lock.attribute, &stored, &updated, lock.require_existing) {
                    Ok(LockDecision::Skip) => {
                        tracing::debug!("stored item is newer; update skipped");
                        return Ok(Step::Done(UpdateOutcome::Stale(M::from_item(original)?)));
                    }
                    Ok(LockDecision::Write { condition, set }) => {
                        if let Some((attribute, value)) = set {
                            let value =
                                codec::to_attribute_value(&value).map_err(|err| Error::serialize(schema, err))?;
                            item.insert(attribute, value);
                        }
                        Some(condition)
                    }
                    Err(err) if err.is_conflict() => {
                        let current = Some(M::from_item(original)?);
                        return Ok(Step::Done(UpdateOutcome::Conflict { current }));
                    }
                    Err(err) => return Err(err.into_validation(schema)),
                }
            }
        };
        let model = M::from_item(item.clone())?;
        let event = self.events.event(inner, Operation::Update, schema, || Body::model(&model), None)?;
        let input = conditional_put(inner, prefixes, item, KeyGuard::Exists, condition.as_ref())?;
        Ok(Step::Write { input: Box::new(input), event, model })
    }

    /// The stored item (prefix-stripped) and the prefix rules of this call.
    async fn fetch_original(&self) -> Result<(Item, Prefixes)> {
        let inner = &self.repo.adapter.inner;
        let prefixes = self.keys.prefixes(inner);
        let not_found = || Error::NotFound { table: inner.table.clone() };
        let original = match &self.source {
            Source::Key(key) => {
                let key = key
                    .as_ref()
                    .map_err(|err| Error::Serialize { schema: M::META.schema, message: err.to_string() })?;
                check_key(&inner.keys, key, true)?;
                let output = inner
                    .client
                    .get_item()
                    .table_name(&inner.table)
                    .set_key(Some(prefixes.added(key.clone())))
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(|err| Error::dynamodb("GetItem", err))?;
                prefixes.stripped(output.item.ok_or_else(not_found)?)
            }
            Source::Query { query, first_match } => {
                let mut items = query.raw_items().await?;
                if items.len() > 1 && !first_match {
                    return Err(Error::AmbiguousUpdate { matches: items.len() });
                }
                if items.is_empty() {
                    return Err(not_found());
                }
                items.swap_remove(0)
            }
        };
        Ok((original, prefixes))
    }
}

impl<M: Model> IntoFuture for Update<M> {
    type Output = Result<M>;
    type IntoFuture = BoxFuture<'static, Result<M>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
option_setters!(payload, impl[M: Model] Update<M>);

/// The lock in force for one call.
pub(super) fn lock_for(
    adapter: &Option<LockConfig>,
    choice: LockChoice,
    require: Option<bool>,
) -> Result<Option<LockConfig>> {
    let mut lock = match (adapter, choice) {
        (_, LockChoice::Off) | (None, LockChoice::Adapter) => return Ok(None),
        (Some(lock), LockChoice::Adapter) => lock.clone(),
        (Some(lock), LockChoice::Policy(policy)) => LockConfig { policy, ..lock.clone() },
        (None, LockChoice::Policy(_)) => {
            return Err(Error::Config("a per-call lock policy needs the adapter's idempotence_key".into()))
        }
    };
    if let Some(require) = require {
        lock.require_existing = require;
    }
    Ok(Some(lock))
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
