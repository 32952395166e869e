//! Transactions: `TransactWriteItems` of puts, deletes and condition checks across models and tables,
//! prefixed like single writes, with events published only after the commit.

use std::collections::HashSet;
use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;

use aws_sdk_dynamodb::operation::transact_write_items::builders::TransactWriteItemsInputBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::{TransactWriteItemsError, TransactWriteItemsInput};
use aws_sdk_dynamodb::types::error::TransactionCanceledException;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use futures::future::BoxFuture;
use tracing::Instrument;

use super::options::{option_setters, EventOptions, KeyOptions};
use crate::adapter::{Adapter, Repository};
use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::{CancellationReason, Error, Result};
use crate::events::{Body, EventSink, Message, Operation, PublishBatchError};
use crate::expr::{Condition, KeyGuard, Placeholders};
use crate::failure::Repeat;
use crate::key::{check_key, key_of, KeyId};
use crate::lock::LockCondition;
use crate::model::Model;
use crate::prefix::Prefixes;

/// Most operations one `TransactWriteItems` call accepts.
pub const TRANSACTION_LIMIT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpKind {
    Insert,
    Overwrite,
    Update,
    Delete,
    Check,
}

impl OpKind {
    fn operation(self) -> Option<Operation> {
        match self {
            OpKind::Insert => Some(Operation::Insert),
            OpKind::Overwrite => Some(Operation::Overwrite),
            OpKind::Update => Some(Operation::Update),
            OpKind::Delete => Some(Operation::Delete),
            OpKind::Check => None,
        }
    }
    fn is_put(self) -> bool {
        matches!(self, OpKind::Insert | OpKind::Overwrite | OpKind::Update)
    }
}

/// One operation, unprefixed; rendered when the transaction is sent (so per-call prefix overrides
/// apply to every operation).
struct Op {
    adapter: Adapter,
    kind: OpKind,
    /// The entity (a family's variant) of the item or key: its prefixes, its event's schema.
    entity: Entity,
    /// The full item for puts, the key otherwise.
    item: Item,
    condition: Option<Condition>,
    /// The event body of a put's written item (unprefixed, its version set), read as the op's
    /// model; a delete publishes its key.
    body: fn(Item) -> Result<Body>,
}

/// A `TransactWriteItems` call being built; see [`Adapter::transact_write`]. `.await` it (or call
/// [`send`](Self::send)) to run it.
///
/// All operations succeed or none does. A cancelled transaction is an
/// [`Error::TransactionCanceled`] with one [`CancellationReason`] per operation.
///
/// Every call carries a `ClientRequestToken` (a fresh random one, or the caller's:
/// [`client_request_token`](Self::client_request_token)), the same for all of the SDK's attempts:
/// DynamoDB answers a repeated token within 10 minutes with the first attempt's success instead of
/// applying the transaction again, so a retry after a lost answer is a success, not a cancellation
/// by the transaction's own writes. daplug does not retry transactions itself.
#[must_use = "a transaction does nothing until it is awaited or sent"]
pub struct TransactWrite {
    adapter: Adapter,
    ops: Vec<Result<Op>>,
    keys: KeyOptions,
    events: EventOptions,
    token: Option<String>,
}

impl fmt::Debug for TransactWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactWrite")
            .field("table", &self.adapter.table())
            .field("operations", &self.ops.len())
            .field("keys", &self.keys)
            .field("events", &self.events)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl TransactWrite {
    pub(crate) fn new(adapter: &Adapter) -> Self {
        TransactWrite {
            adapter: adapter.clone(),
            ops: Vec::new(),
            keys: KeyOptions::default(),
            events: EventOptions::default(),
            token: None,
        }
    }

    /// The `ClientRequestToken` of this call (at most 36 characters) instead of a fresh random one.
    /// Re-sending the same transaction with the same token within 10 minutes (after an error whose
    /// [`maybe_written`](Error::maybe_written) is `true`, say) lets DynamoDB recognise it: it is
    /// applied at most once. Its events are published by every call that reports success.
    pub fn client_request_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    fn put<N: Model>(mut self, repo: &Repository<N>, model: &N, kind: OpKind, condition: Option<Condition>) -> Self {
        let op = model.to_item().and_then(|item| {
            Ok(Op {
                adapter: repo.adapter.clone(),
                kind,
                entity: N::entity_of_item(&item)?,
                item,
                condition,
                body: Body::item::<N>,
            })
        });
        self.ops.push(op);
        self
    }

    fn keyed<N: Model>(
        mut self,
        repo: &Repository<N>,
        key: &N::Key,
        kind: OpKind,
        condition: Option<Condition>,
    ) -> Self {
        let op = N::key_item(key).map(|item| Op {
            adapter: repo.adapter.clone(),
            kind,
            entity: N::entity_of_key(key),
            item,
            condition,
            body: Body::item::<N>,
        });
        self.ops.push(op);
        self
    }

    /// Puts `model` unless an item with its primary key exists (as [`Repository::insert`]).
    pub fn insert<N: Model>(self, repo: &Repository<N>, model: &N) -> Self {
        self.put(repo, model, OpKind::Insert, None)
    }

    /// Puts `model`, replacing any item with its primary key (as [`Repository::overwrite`]).
    pub fn overwrite<N: Model>(self, repo: &Repository<N>, model: &N) -> Self {
        self.put(repo, model, OpKind::Overwrite, None)
    }

    /// Replaces the stored item with `model` (a full put) if `condition` holds on the stored item
    /// (e.g. `Condition::eq("version", 3)`); its event has operation `update`.
    ///
    /// Under [`LockPolicy::Version`](crate::lock::LockPolicy::Version) every put of the transaction
    /// (insert, overwrite, update) is also conditioned on the version the model carries and writes
    /// the next one, as single writes do. A transactional update does not read the item first, so
    /// under the other policies `condition` is the guard (e.g. `Condition::eq("modified", read)`).
    pub fn update<N: Model>(self, repo: &Repository<N>, model: &N, condition: Condition) -> Self {
        self.put(repo, model, OpKind::Update, Some(condition))
    }

    /// Deletes the item with `key` (absent is fine). Its event body is the key: a transaction does not
    /// return old items.
    pub fn delete<N: Model>(self, repo: &Repository<N>, key: &N::Key) -> Self {
        self.keyed(repo, key, OpKind::Delete, None)
    }

    /// Deletes the item with `key` if `condition` holds on it.
    pub fn delete_if<N: Model>(self, repo: &Repository<N>, key: &N::Key, condition: Condition) -> Self {
        self.keyed(repo, key, OpKind::Delete, Some(condition))
    }

    /// Cancels the transaction unless `condition` holds on the item with `key` (nothing is written to
    /// it, no event).
    pub fn condition_check<N: Model>(self, repo: &Repository<N>, key: &N::Key, condition: Condition) -> Self {
        self.keyed(repo, key, OpKind::Check, Some(condition))
    }

    /// Operations added so far.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// No operation added yet.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Runs the transaction (same as `.await`), then publishes its events.
    pub async fn send(self) -> Result<()> {
        let adapter = self.adapter.clone();
        // Re-sent with the caller's token, DynamoDB answers with the first success instead of applying
        // the transaction again (within 10 minutes); a fresh token makes a new transaction.
        let repeat = if self.token.is_some() { Repeat::Idempotent } else { Repeat::NotIdempotent };
        let Planned { input, ops, prefixes, events } = self.prepare()?;
        let inner = &adapter.inner;
        let span = tracing::debug_span!("daplug.transact_write", table = %inner.table, operations = ops.len());
        let result = input.send_with(&inner.client).instrument(span).await;
        if let Err(err) = result {
            if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) = err.as_service_error() {
                return Err(canceled(cancelled, &ops, &prefixes));
            }
            return Err(Error::dynamodb("TransactWriteItems", repeat, err));
        }
        publish_all(events).await
    }

    /// The `TransactWriteItems` request this call sends (keys checked, versions set, conditions
    /// rendered, prefixes added), built but not sent; for inspection and tests.
    pub fn plan(self) -> Result<TransactWriteItemsInputBuilder> {
        Ok(self.prepare()?.input)
    }

    /// Everything that can fail before the commit is checked here: nothing half-done.
    fn prepare(self) -> Result<Planned> {
        let count = self.ops.len();
        if !(1..=TRANSACTION_LIMIT).contains(&count) {
            return Err(Error::Config(format!("a transaction needs 1..={TRANSACTION_LIMIT} operations, got {count}")));
        }
        let ops = self.ops.into_iter().collect::<Result<Vec<Op>>>()?;
        let mut seen = HashSet::with_capacity(count);
        let mut items = Vec::with_capacity(count);
        let mut prefixes = Vec::with_capacity(count);
        let mut events: Vec<(Arc<dyn EventSink>, Message)> = Vec::new();
        for (position, op) in ops.iter().enumerate() {
            let inner = &op.adapter.inner;
            check_key(&inner.keys, &op.item, !op.kind.is_put())?;
            let rules = self.keys.prefixes(inner, &op.entity);
            let schema = op.entity.schema;
            // Version locking covers transactional puts exactly as single ones.
            let mut item = op.item.clone();
            let lock = match &inner.lock {
                Some(lock) if op.kind.is_put() => {
                    lock.version_put(&mut item, op.kind == OpKind::Insert).map_err(|err| err.into_validation(schema))?
                }
                _ => None,
            };
            let stored = rules.added(item.clone());
            if !seen.insert((inner.table.clone(), KeyId::of(&inner.keys, &stored))) {
                // DynamoDB rejects two operations on one item in a transaction.
                return Err(Error::DuplicateKey { table: inner.table.clone(), key: key_of(&inner.keys, &op.item) });
            }
            items.push(render(op, stored, &rules, lock.as_ref())?);
            if let Some(operation) = op.kind.operation() {
                // The item as written (version set, key values stripped even when given prefixed), as
                // single writes publish it; a delete's key.
                let body = || match op.kind {
                    OpKind::Delete => Body::key(&inner.keys, schema, &rules.stripped(op.item.clone())),
                    _ => (op.body)(rules.stripped(item.clone())),
                };
                if let (Some(event), Some(sink)) =
                    (self.events.event(inner, operation, schema, body, Some(position))?, inner.sink.as_ref())
                {
                    events.push((sink.clone(), event));
                }
            }
            prefixes.push(rules);
        }
        let token = self.token.unwrap_or_else(fresh_token);
        let input = TransactWriteItemsInput::builder().set_transact_items(Some(items)).client_request_token(token);
        Ok(Planned { input, ops, prefixes, events })
    }
}

/// A transaction ready to send: the request, its operations and their prefix rules (to report a
/// cancellation), and the events to publish after the commit.
struct Planned {
    input: TransactWriteItemsInputBuilder,
    ops: Vec<Op>,
    prefixes: Vec<Prefixes>,
    events: Vec<(Arc<dyn EventSink>, Message)>,
}

/// [`Error::TransactionCanceled`] with one reason per operation, keys and items unprefixed.
fn canceled(cancelled: &TransactionCanceledException, ops: &[Op], prefixes: &[Prefixes]) -> Error {
    let reasons = cancelled
        .cancellation_reasons()
        .iter()
        .enumerate()
        .map(|(index, reason)| {
            let op = ops.get(index);
            CancellationReason {
                index,
                table: op.map(|op| op.adapter.inner.table.clone()).unwrap_or_default(),
                key: op.map(|op| key_of(&op.adapter.inner.keys, &op.item)).unwrap_or_default(),
                // The service says `None` for the operations that did not fail.
                code: reason.code().filter(|code| *code != "None").map(str::to_owned),
                message: reason.message().map(str::to_owned),
                item: reason.item.clone().filter(|item| !item.is_empty()).map(|item| match prefixes.get(index) {
                    Some(rules) => rules.stripped(item),
                    None => item,
                }),
            }
        })
        .collect::<Vec<_>>();
    let error = Error::TransactionCanceled { reasons };
    tracing::debug!(%error, "transaction cancelled");
    error
}

option_setters!(events, impl[] TransactWrite);

impl IntoFuture for TransactWrite {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'static, Result<()>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Renders one operation: its condition through placeholders (values of prefixed key attributes
/// prefixed), `ALL_OLD` on condition failure so cancellation reasons carry the stored item.
fn render(op: &Op, stored: Item, rules: &Prefixes, lock: Option<&LockCondition>) -> Result<TransactWriteItem> {
    let inner = &op.adapter.inner;
    let mut placeholders = Placeholders::default();
    let guard = if op.kind == OpKind::Insert { KeyGuard::Absent } else { KeyGuard::None };
    let mut parts = guard.clauses(&inner.keys, &mut placeholders);
    if let Some(condition) = &op.condition {
        parts.push(format!("({})", condition.render(&mut placeholders, rules)?));
    }
    if let Some(lock) = lock {
        parts.push(lock.condition().render(&mut placeholders, rules)?);
    }
    let expression = (!parts.is_empty()).then(|| parts.join(" AND "));
    let on_failure = expression.as_ref().map(|_| ReturnValuesOnConditionCheckFailure::AllOld);
    // The three SDK builders share these settings but no trait.
    macro_rules! guarded {
        ($builder:expr, $target:ident) => {
            $builder
                .table_name(&inner.table)
                .$target(Some(stored))
                .set_condition_expression(expression)
                .set_expression_attribute_names(placeholders.names())
                .set_expression_attribute_values(placeholders.values())
                .set_return_values_on_condition_check_failure(on_failure)
                .build()
                .map_err(Error::build("TransactWriteItems"))?
        };
    }
    let item = match op.kind {
        OpKind::Insert | OpKind::Overwrite | OpKind::Update => {
            TransactWriteItem::builder().put(guarded!(Put::builder(), set_item))
        }
        OpKind::Delete => TransactWriteItem::builder().delete(guarded!(Delete::builder(), set_key)),
        OpKind::Check => TransactWriteItem::builder().condition_check(guarded!(ConditionCheck::builder(), set_key)),
    };
    Ok(item.build())
}

/// A random `ClientRequestToken`: 32 hex digits from std's randomly keyed hasher, a process-wide
/// counter and the clock (unique enough for DynamoDB's 10-minute window).
fn fresh_token() -> String {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let random = std::collections::hash_map::RandomState::new();
    format!("{:016x}{:016x}", random.hash_one((count, nanos)), random.hash_one((nanos, count, 1u8)))
}

/// Publishes committed events, one `publish_batch` per sink (adapters sharing a sink share the
/// call), in operation order.
async fn publish_all(events: Vec<(Arc<dyn EventSink>, Message)>) -> Result<()> {
    let mut groups: Vec<(Arc<dyn EventSink>, Vec<Message>)> = Vec::new();
    for (sink, event) in events {
        let same = |other: &Arc<dyn EventSink>| std::ptr::addr_eq(Arc::as_ptr(other), Arc::as_ptr(&sink));
        match groups.iter_mut().find(|(other, _)| same(other)) {
            Some((_, group)) => group.push(event),
            None => groups.push((sink, vec![event])),
        }
    }
    let mut failure: Option<Error> = None;
    for (sink, group) in groups {
        let bodies: Vec<String> = group.iter().map(|event| event.body.clone()).collect();
        if let Err(source) = sink.publish_batch(group).await {
            let failed: Vec<usize> = match source.downcast_ref::<PublishBatchError>() {
                Some(partial) => partial.failed.iter().map(|f| f.index).collect(),
                None => (0..bodies.len()).collect(),
            };
            tracing::warn!(failed = failed.len(), error = %source, "transaction committed but its events were not all published");
            let written: Vec<serde_json::Value> =
                failed.into_iter().filter_map(|i| bodies.get(i)).map(|body| crate::events::parse_body(body)).collect();
            match &mut failure {
                Some(Error::Publish { written: all, .. }) => all.extend(written),
                _ => failure = Some(Error::Publish { written, source }),
            }
        }
    }
    failure.map_or(Ok(()), Err)
}

#[cfg(test)]
#[path = "transact_tests.rs"]
mod tests;
