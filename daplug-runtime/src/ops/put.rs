//! `insert`, `overwrite` and `create`: one `PutItem` of a whole model, and the conditional `PutItem`
//! (key guard + lock condition, stored item returned when the condition fails) that `update` also
//! writes through.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::put_item::builders::PutItemInputBuilder;
use aws_sdk_dynamodb::operation::put_item::{PutItemError, PutItemInput};
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
use futures::future::BoxFuture;
use tracing::Instrument;

use super::options::{option_setters, publish, EventOptions, KeyOptions};
use crate::adapter::{AdapterInner, Repository};
use crate::attempts::counted;
use crate::codec::item::Item;
use crate::codec::value::value_eq;
use crate::error::{Error, Result};
use crate::events::{Body, Message, Operation};
use crate::expr::{KeyGuard, Placeholders};
use crate::failure::Repeat;
use crate::key::{check_key, key_of};
use crate::lock::{LockCondition, LockPolicy};
use crate::model::Model;
use crate::prefix::Prefixes;

/// How [`Repository::create`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WriteMode {
    /// Conditional put: fails with [`Error::AlreadyExists`] if the key exists.
    #[default]
    Insert,
    /// Unconditional put: replaces any existing item.
    Overwrite,
}

/// The `PutItem` that writes `item` (unprefixed) on condition that `guard` and the lock condition
/// hold, returning the stored item when the condition fails.
pub(crate) fn conditional_put(
    inner: &AdapterInner,
    prefixes: &Prefixes,
    item: Item,
    guard: KeyGuard,
    lock: Option<&LockCondition>,
) -> Result<PutItemInputBuilder> {
    let mut placeholders = Placeholders::default();
    let mut clauses = guard.clauses(&inner.keys, &mut placeholders);
    if let Some(lock) = lock {
        clauses.push(lock.condition().render(&mut placeholders, prefixes)?);
    }
    Ok(PutItemInput::builder()
        .table_name(&inner.table)
        .set_item(Some(prefixes.added(item)))
        .set_condition_expression((!clauses.is_empty()).then(|| clauses.join(" AND ")))
        .set_expression_attribute_names(placeholders.names())
        .set_expression_attribute_values(placeholders.values())
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld))
}

/// What a [`conditional_put`] did.
#[derive(Debug)]
pub(crate) enum PutOutcome {
    /// The item was written (by this attempt, by an earlier attempt of this call whose answer was
    /// lost: see [`own_retry`], or by an attempt whose answer could not be read: see [`settle`]).
    Written,
    /// The condition failed; the stored item (stripped; `None` if there is none).
    Refused(Option<Item>),
}

/// Whether two items hold the same attributes with the same values, numbers compared by value (the
/// service may store `12.50` as `12.5`).
fn same_item(sent: &Item, stored: &Item) -> bool {
    sent.len() == stored.len() && sent.iter().all(|(name, value)| stored.get(name).is_some_and(|v| value_eq(value, v)))
}

/// Whether a failed condition is this call's own earlier write: the SDK made more than one attempt
/// and the stored item is exactly the item this call sent (its version, under version locking).
/// Records the finding in the current span (`own_retry`).
pub(crate) fn own_retry(attempts: u32, sent: Option<&Item>, stored: Option<&Item>) -> bool {
    let own = attempts > 1 && sent.zip(stored).is_some_and(|(sent, stored)| same_item(sent, stored));
    if own {
        tracing::Span::current().record("own_retry", true);
        tracing::debug!(attempts, "condition failed on this call's own earlier attempt: written");
    }
    own
}

/// Sends a [`conditional_put`].
pub(crate) async fn send_conditional_put(
    inner: &AdapterInner,
    prefixes: &Prefixes,
    input: PutItemInputBuilder,
) -> Result<PutOutcome> {
    let conditional = input.get_condition_expression().is_some();
    // Kept to recognise a retry of this call that finds its own earlier write (only a condition can
    // fail on it), and the write behind an unreadable answer.
    let sent = input.get_item().clone();
    let (result, attempts) = counted(input.send_with(&inner.client)).await;
    match result {
        Ok(_) => Ok(PutOutcome::Written),
        Err(err) => match err.as_service_error() {
            Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                if own_retry(attempts, sent.as_ref().filter(|_| conditional), failed.item.as_ref()) {
                    return Ok(PutOutcome::Written);
                }
                // The service returns the item as it was when the condition failed.
                Ok(PutOutcome::Refused(failed.item().cloned().map(|item| prefixes.stripped(item))))
            }
            _ => {
                // Sent again, an unconditional put writes the same item; a conditional one finds its
                // own write and is refused.
                let repeat = if conditional { Repeat::NotIdempotent } else { Repeat::Idempotent };
                let error = Error::dynamodb("PutItem", repeat, err);
                match sent {
                    Some(sent) => settle(inner, prefixes, sent, conditional, error).await,
                    None => Err(error),
                }
            }
        },
    }
}

/// Settles a put whose answer was a 2xx that could not be read (the service applied a put; only
/// its answer is lost) with one consistent read of the key: the stored item is exactly the item
/// sent → written (the table holds this call's write); another item under a condition → refused
/// with it, as a failed condition is (another writer came in between); otherwise, or for any other
/// failure, or when the read fails too, `error` stands (`maybe_written()`).
async fn settle(
    inner: &AdapterInner,
    prefixes: &Prefixes,
    sent: Item,
    conditional: bool,
    error: Error,
) -> Result<PutOutcome> {
    if !matches!(&error, Error::DynamoDb { kind, .. } if kind.answered_ok()) {
        return Err(error);
    }
    let read = inner
        .client
        .get_item()
        .table_name(&inner.table)
        .set_key(Some(key_of(&inner.keys, &sent)))
        .consistent_read(true)
        .send()
        .await;
    let stored = match read {
        Ok(output) => output.item,
        Err(read_error) => {
            tracing::debug!(error = %read_error, "the put's answer was unreadable and so was the read settling it");
            return Err(error);
        }
    };
    match stored {
        Some(stored) if same_item(&sent, &stored) => {
            tracing::debug!("the put's answer was unreadable; the stored item is this call's: written");
            Ok(PutOutcome::Written)
        }
        Some(stored) if conditional => {
            tracing::debug!("the put's answer was unreadable; another writer's item is stored: refused");
            Ok(PutOutcome::Refused(Some(prefixes.stripped(stored))))
        }
        _ => Err(error),
    }
}

/// Shared body of insert / overwrite / create.
struct Put<M: Model> {
    repo: Repository<M>,
    mode: WriteMode,
    item: Result<Item>,
    /// The model's event body, built while the model is at hand, only when the adapter publishes
    /// events.
    body: Option<Result<Body>>,
    keys: KeyOptions,
    events: EventOptions,
}

/// A put ready to send: the request, the event to publish after it, and what a refusal reports.
struct Planned {
    input: PutItemInputBuilder,
    event: Option<Message>,
    prefixes: Prefixes,
    key: Item,
}

impl<M: Model> Put<M> {
    fn new(repo: &Repository<M>, model: &M, mode: WriteMode) -> Self {
        let body = repo.adapter.inner.sink.is_some().then(|| Body::model(model));
        Put {
            repo: repo.clone(),
            mode,
            item: model.to_item(),
            body,
            keys: KeyOptions::default(),
            events: EventOptions::default(),
        }
    }

    /// Everything that can fail before the write is checked here: nothing half-done.
    fn plan(self) -> Result<Planned> {
        let inner = &self.repo.adapter.inner;
        let mut item = self.item?;
        // A family's variant chooses the prefixes and the event's schema (its tag is in the item).
        let entity = M::entity_of_item(&item)?;
        let schema = entity.schema;
        check_key(&inner.keys, &item, false)?;
        let operation = match self.mode {
            WriteMode::Insert => Operation::Insert,
            WriteMode::Overwrite => Operation::Overwrite,
        };
        let lock = match &inner.lock {
            Some(lock) => {
                lock.version_put(&mut item, self.mode == WriteMode::Insert).map_err(|e| e.into_validation(schema))?
            }
            None => None,
        };
        let versioned = inner.lock.as_ref().is_some_and(|lock| lock.policy == LockPolicy::Version);
        let prefixes = self.keys.prefixes(inner, &entity);
        // The event carries the item as written: with the version daplug set, and with key values
        // stripped even when the caller gave them already prefixed (stored as is, like daplug-ddb).
        let body = || {
            let stripped = prefixes.stripped(item.clone());
            match self.body {
                Some(body) if !versioned && stripped == item => body,
                _ => Body::item::<M>(stripped),
            }
        };
        let event = self.events.event(inner, operation, schema, body, None)?;
        let key = key_of(&inner.keys, &item);
        let guard = match self.mode {
            WriteMode::Insert => KeyGuard::Absent,
            WriteMode::Overwrite => KeyGuard::None,
        };
        let input = conditional_put(inner, &prefixes, item, guard, lock.as_ref())?;
        Ok(Planned { input, event, prefixes, key })
    }

    async fn send(self) -> Result<()> {
        let repo = self.repo.clone();
        let inner = &repo.adapter.inner;
        let mode = self.mode;
        let Planned { input, event, prefixes, key } = self.plan()?;
        let operation = if mode == WriteMode::Insert { Operation::Insert } else { Operation::Overwrite };
        let span = tracing::debug_span!(
            "daplug.put",
            table = %inner.table,
            schema = M::META.schema,
            %operation,
            own_retry = tracing::field::Empty
        );
        match send_conditional_put(inner, &prefixes, input).instrument(span).await? {
            PutOutcome::Written => publish(inner, event).await,
            PutOutcome::Refused(_) if mode == WriteMode::Insert => {
                Err(Error::AlreadyExists { table: inner.table.clone(), key })
            }
            PutOutcome::Refused(current) => {
                Err(Error::Conflict { table: inner.table.clone(), current: current.map(Box::new) })
            }
        }
    }
}

macro_rules! put_request {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct $ty<M: Model>(Put<M>);

        impl<M: Model> $ty<M> {
            pub(crate) fn new(repo: &Repository<M>, model: &M, mode: WriteMode) -> Self {
                $ty(Put::new(repo, model, mode))
            }
            /// The `PutItem` request this call sends (prefixes added, conditions rendered), built
            /// but not sent; for inspection and tests.
            pub fn plan(self) -> Result<PutItemInputBuilder> {
                Ok(self.0.plan()?.input)
            }
            /// Runs the write (same as `.await`).
            pub async fn send(self) -> Result<()> {
                self.0.send().await
            }
        }

        impl<M: Model> IntoFuture for $ty<M> {
            type Output = Result<()>;
            type IntoFuture = BoxFuture<'static, Result<()>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        impl<M: Model> fmt::Debug for $ty<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("repo", &self.0.repo)
                    .field("mode", &self.0.mode)
                    .field("keys", &self.0.keys)
                    .field("events", &self.0.events)
                    .finish_non_exhaustive()
            }
        }

        option_setters!(payload, impl[M: Model] $ty<M>, via 0);
    };
}

put_request!(
    /// A conditional put; see [`Repository::insert`].
    Insert
);
put_request!(
    /// An unconditional put; see [`Repository::overwrite`].
    Overwrite
);
put_request!(
    /// An insert or overwrite; see [`Repository::create`].
    Create
);

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use crate::lock::LockPolicy;
    use crate::ops::test_support::{adapter, Thing};

    #[test]
    fn insert_plans_a_put_guarded_on_the_absent_key_with_prefixes_added() {
        let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
        let input = repo.insert(&Thing::new("a", 1)).plan().unwrap().build().unwrap();
        assert_eq!(input.table_name(), Some("things"));
        let item = input.item().unwrap();
        assert_eq!(item["pk"], AttributeValue::S("t#a".into()));
        assert_eq!(item["n"], AttributeValue::N("1".into()));
        assert_eq!(input.condition_expression(), Some("attribute_not_exists(#n0)"));
        assert_eq!(input.expression_attribute_names().unwrap()["#n0"], "pk");
    }

    #[test]
    fn overwrite_plans_an_unconditional_put_and_a_per_call_prefix_override() {
        let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
        let input = repo.overwrite(&Thing::new("a", 1)).hash_prefix("").plan().unwrap().build().unwrap();
        assert_eq!(input.item().unwrap()["pk"], AttributeValue::S("a".into()));
        assert_eq!(input.condition_expression(), None);
        assert!(input.expression_attribute_names().is_none());
    }

    #[test]
    fn versioned_overwrite_is_conditioned_on_the_carried_version_and_stores_the_next() {
        let repo = adapter(|b| b.idempotence_key("version").lock_policy(LockPolicy::Version)).repository::<Thing>();
        let thing = Thing { version: Some(4), ..Thing::new("a", 1) };
        let input = repo.overwrite(&thing).plan().unwrap().build().unwrap();
        assert_eq!(input.item().unwrap()["version"], AttributeValue::N("5".into()));
        assert_eq!(input.condition_expression(), Some("#n0 = :v0"));
        assert_eq!(input.expression_attribute_values().unwrap()[":v0"], AttributeValue::N("4".into()));
        let fresh = repo.insert(&Thing::new("b", 1)).plan().unwrap().build().unwrap();
        assert_eq!(fresh.item().unwrap()["version"], AttributeValue::N("1".into()));
        assert_eq!(fresh.condition_expression(), Some("attribute_not_exists(#n0)"));
        let unversioned = repo.overwrite(&Thing::new("c", 1)).plan().unwrap().build().unwrap();
        assert_eq!(unversioned.condition_expression(), Some("attribute_not_exists(#n0)"));
        assert_eq!(unversioned.expression_attribute_names().unwrap()["#n0"], "version");
    }

    #[test]
    fn a_bad_key_fails_at_plan() {
        let repo = adapter(|b| b).repository::<Thing>();
        assert!(matches!(repo.insert(&Thing::new("", 1)).plan(), Err(crate::Error::InvalidKey { .. })));
    }
}
