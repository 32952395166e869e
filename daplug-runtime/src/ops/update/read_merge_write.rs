//! `update`: read the stored item, merge the patch into it (its changes, `changes.rs`, applied by
//! `merge.rs`), read the result as the model, and write it back under the adapter's locking policy.
//! daplug-ddb's read → merge → put, with its bugs fixed: key attributes cannot be changed (it
//! silently wrote a second item), a lost race carries the stored item, and nothing is published
//! unless the write happened.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::put_item::builders::PutItemInputBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use futures::future::BoxFuture;
use serde::Serialize;
use tracing::Instrument;

use super::changes::changes;
use super::changes::{ListOp, MapOp};
use super::merge::apply;
use super::spec::{LockChoice, UpdateOutcome, UpdateSpec};
use crate::adapter::Repository;
use crate::codec;
use crate::codec::item::Item;
use crate::codec::value::value_eq;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::events::{Body, Message, Operation};
use crate::expr::KeyGuard;
use crate::failure::Repeat;
use crate::key::{check_key, key_of};
use crate::lock::{LockDecision, LockPolicy};
use crate::model::Model;
use crate::ops::options::{option_setters, publish};
use crate::ops::put::{conditional_put, send_conditional_put, PutOutcome};
use crate::ops::read::Query;
use crate::prefix::Prefixes;

/// Where the item to update comes from.
pub(crate) enum Source<M: Model> {
    /// The key, and its entity (whose prefixes the read adds).
    Key(Result<Item>, Entity),
    Query {
        query: Box<Query<M>>,
        first_match: bool,
    },
}

impl<M: Model> fmt::Debug for Source<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Key(key, entity) => f.debug_tuple("Key").field(key).field(entity).finish(),
            Source::Query { query, first_match } => {
                f.debug_struct("Query").field("query", query).field("first_match", first_match).finish()
            }
        }
    }
}

/// What an update does once the stored item is known.
pub(crate) enum Step<M> {
    /// Nothing to write: stale (latest-wins) or a lost race seen before writing.
    Done(UpdateOutcome<M>),
    /// Write `model` with this conditional put, then publish `event`.
    Write { input: Box<PutItemInputBuilder>, event: Option<Message>, model: M },
}

/// A read → merge → conditional write; see [`Repository::update`].
///
/// `.await` returns the written model (or, under latest-wins, the newer stored one); a lost race is
/// [`Error::Conflict`]. [`outcome`](Update::outcome) reports both as values instead.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Update<M: Model> {
    pub(super) spec: UpdateSpec<M>,
    pub(super) source: Source<M>,
}

impl<M: Model> fmt::Debug for Update<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Update").field("spec", &self.spec).field("source", &self.source).finish()
    }
}

impl<M: Model> Update<M> {
    /// An update of the item with this key.
    pub(crate) fn by_key<P: Serialize + ?Sized>(repo: &Repository<M>, key: &M::Key, patch: &P) -> Self {
        Self::new(repo, Source::Key(M::key_item(key), M::entity_of_key(key)), patch)
    }

    /// An update of the item `query` finds.
    pub(crate) fn by_query<P: Serialize + ?Sized>(repo: &Repository<M>, query: Query<M>, patch: &P) -> Self {
        Self::new(repo, Source::Query { query: Box::new(query), first_match: false }, patch)
    }

    fn new<P: Serialize + ?Sized>(repo: &Repository<M>, source: Source<M>, patch: &P) -> Self {
        let patch = codec::to_attribute_value(patch).map_err(|err| err.to_string());
        Update { spec: UpdateSpec::new(repo, patch), source }
    }

    /// How lists in the patch combine with stored lists (default [`ListOp::Add`]).
    pub fn list_op(mut self, list: ListOp) -> Self {
        self.spec.list = list;
        self
    }
    /// Whether the patch sets or removes attributes (default [`MapOp::Upsert`]). Key attributes are
    /// never removed.
    pub fn map_op(mut self, map: MapOp) -> Self {
        self.spec.map = map;
        self
    }
    /// Uses this locking policy for this call (the adapter's idempotence key is required).
    pub fn lock_policy(mut self, policy: LockPolicy) -> Self {
        self.spec.lock = LockChoice::Policy(policy);
        self
    }
    /// No locking for this call: the write only requires the item to still exist.
    pub fn no_lock(mut self) -> Self {
        self.spec.lock = LockChoice::Off;
        self
    }
    /// Overrides [`AdapterBuilder::require_lock_value`](crate::adapter::AdapterBuilder::require_lock_value).
    pub fn require_lock_value(mut self, require: bool) -> Self {
        self.spec.require_lock_value = Some(require);
        self
    }
    /// Updates only if the adapter's idempotence key still has this value: the one the caller read
    /// before deciding on the patch (as [`Delete::if_lock_value`](crate::ops::Delete::if_lock_value)).
    /// Otherwise nothing is written and the result is a conflict with the stored item. Values
    /// compare as DynamoDB compares them (numbers by value).
    ///
    /// Without it, an update locks on the value *it* reads, just before writing: that protects the
    /// merge, not a decision the caller made on an earlier read. Read → decide → update is safe under
    /// [`LockPolicy::Equality`] and [`LockPolicy::LatestWins`] only with this (or with
    /// `update_where` filtering on the value read); under [`LockPolicy::Version`] a patch carrying the
    /// version read does the same.
    pub fn if_lock_value(mut self, value: impl Serialize) -> Self {
        self.spec.expected_lock = Some(codec::to_attribute_value(&value).map_err(|err| err.to_string()));
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
        let table = self.spec.repo.adapter.table().to_owned();
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
        let inner = self.spec.repo.adapter.inner.clone();
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
    /// stored item, unprefixed), applies the lock to the merged item, reads it as the model once and
    /// writes the model once, and plans the conditional put with its event, or decides that there
    /// is nothing to write.
    pub(super) fn plan_write(&self, original: Item, prefixes: &Prefixes) -> Result<Step<M>> {
        let spec = &self.spec;
        let inner = &spec.repo.adapter.inner;
        let entity = M::entity_of_item(&original)?;
        let schema = entity.schema;
        let key = key_of(&inner.keys, &original);
        let changes =
            changes(spec.patch()?, spec.list, spec.map, inner.keys.attributes(), Some(&key), M::META.replaced)
                .map_err(|refused| refused.into_error(schema))?;
        // On attribute values, not JSON: numbers the patch does not touch keep their stored text.
        let mut merged = original.clone();
        apply(&mut merged, &changes).map_err(|err| Error::Validation {
            schema,
            path: Some(err.path()).filter(|path| !path.is_empty()).unwrap_or(".").to_owned(),
            message: err.to_string(),
        })?;
        let lock = spec.lock()?;
        if let Some(expected) = spec.expected_lock()? {
            let Some(config) = &inner.lock else {
                return Err(Error::Config("if_lock_value needs the adapter's idempotence_key".into()));
            };
            // An absent value is `null`, as the caller reads it.
            let stored = original.get(&config.attribute).unwrap_or(&AttributeValue::Null(true));
            if !value_eq(stored, expected) {
                tracing::debug!("stored lock value differs from the one read; update not written");
                return Ok(Step::Done(UpdateOutcome::Conflict { current: Some(M::from_item(original)?) }));
            }
        }
        let (condition, set) = match &lock {
            None => (None, None),
            Some(lock) => {
                let (stored, updated) = (original.get(&lock.attribute), merged.get(&lock.attribute));
                match lock.policy.decide(&lock.attribute, stored, updated, lock.require_existing) {
                    Ok(LockDecision::Skip) => {
                        tracing::debug!("stored item is newer; update skipped");
                        return Ok(Step::Done(UpdateOutcome::Stale(M::from_item(original)?)));
                    }
                    Ok(LockDecision::Write { condition, set }) => (Some(condition), set),
                    Err(err) if err.is_conflict() => {
                        let current = Some(M::from_item(original)?);
                        return Ok(Step::Done(UpdateOutcome::Conflict { current }));
                    }
                    Err(err) => return Err(err.into_validation(schema)),
                }
            }
        };
        if let Some((attribute, value)) = &set {
            merged.insert(attribute.clone(), value.clone());
        }
        // Read once (validating the merged item) and written once; the version daplug sets is kept
        // even where the model has no field for it.
        let model = M::from_item(merged)?;
        let mut item = model.to_item()?;
        // The entity chose the key's prefixes: an update that changed it (a family's tag) would
        // store the item under another entity's key rules.
        if M::entity_of_item(&item)? != entity {
            return Err(Error::Validation {
                schema,
                path: entity.tag.map_or(".", |(tag, _)| tag).to_owned(),
                message: "an update cannot change an item's entity type".into(),
            });
        }
        if let Some((attribute, value)) = set {
            item.insert(attribute, value);
        }
        let event = spec.events.event(inner, Operation::Update, schema, || Body::model(&model), None)?;
        let input = conditional_put(inner, prefixes, item, KeyGuard::Exists, condition.as_ref())?;
        Ok(Step::Write { input: Box::new(input), event, model })
    }

    /// The stored item (prefix-stripped) and the prefix rules of this call (its entity's).
    async fn fetch_original(&self) -> Result<(Item, Prefixes)> {
        let inner = &self.spec.repo.adapter.inner;
        let not_found = || Error::NotFound { table: inner.table.clone() };
        match &self.source {
            Source::Key(key, entity) => {
                let prefixes = self.spec.keys.prefixes(inner, entity);
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
                    .map_err(|err| Error::dynamodb("GetItem", Repeat::Read, err))?;
                Ok((prefixes.stripped(output.item.ok_or_else(not_found)?), prefixes))
            }
            Source::Query { query, first_match } => {
                let mut items = query.raw_items().await?;
                if items.len() > 1 && !first_match {
                    return Err(Error::AmbiguousUpdate { matches: items.len() });
                }
                if items.is_empty() {
                    return Err(not_found());
                }
                let original = items.swap_remove(0);
                let prefixes = self.spec.keys.item_prefixes::<M>(inner, &original)?;
                Ok((original, prefixes))
            }
        }
    }
}

impl<M: Model> IntoFuture for Update<M> {
    type Output = Result<M>;
    type IntoFuture = BoxFuture<'static, Result<M>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
option_setters!(payload, impl[M: Model] Update<M>, via spec);

#[cfg(test)]
#[path = "read_merge_write_tests.rs"]
mod tests;
