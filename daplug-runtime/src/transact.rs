//! Transactions: `TransactWriteItems` of puts, deletes and condition checks across models and tables,
//! prefixed like single writes, with events published only after the commit.

use std::collections::HashSet;
use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use futures::future::BoxFuture;
use tracing::Instrument;

use crate::batch::KeyId;
use crate::call::CallOptions;
use crate::cond::Condition;
use crate::config::Adapter;
use crate::error::{Error, Result};
use crate::events::{to_python_json, Event, EventSink, MessageAttribute, Operation, PublishBatchError};
use crate::expr::Placeholders;
use crate::lock::LockCondition;
use crate::model::{Item, Model};
use crate::prefix::Prefixes;
use crate::repo::{check_key, key_of, Repository};
use crate::write::{apply_version, item_to_json, lock_clause};

/// Most operations one `TransactWriteItems` call accepts.
pub const TRANSACTION_LIMIT: usize = 100;

impl Adapter {
    /// Starts a transaction. Operations may use repositories of any model and any adapter sharing
    /// this adapter's DynamoDB client (same account and region); the call is sent with this
    /// adapter's client.
    ///
    /// ```no_run
    /// # use daplug_runtime::{Adapter, Condition, Model, Repository};
    /// # async fn demo<A: Model, B: Model>(adapter: Adapter, orders: Repository<A>, order: A,
    /// #     stock: Repository<B>, item: B) -> daplug_runtime::Result<()> {
    /// adapter
    ///     .transact_write()
    ///     .insert(&orders, &order)
    ///     .update(&stock, &item, Condition::ge("count", 1))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn transact_write(&self) -> TransactWrite {
        TransactWrite { adapter: self.clone(), ops: Vec::new(), publish: true, call: CallOptions::default() }
    }
}

impl<M: Model> Repository<M> {
    /// Starts a transaction sent with this repository's client; see [`Adapter::transact_write`].
    pub fn transact_write(&self) -> TransactWrite {
        self.adapter.transact_write()
    }
}

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
    schema: &'static str,
    /// The full item for puts, the key otherwise.
    item: Item,
    condition: Option<Condition>,
    /// Event body, rendered while the model is at hand: the model for puts, the key for deletes.
    payload: Option<serde_json::Result<String>>,
}

/// A `TransactWriteItems` call being built; see [`Adapter::transact_write`]. `.await` it (or call
/// [`send`](Self::send)) to run it.
///
/// All operations succeed or none does. A cancelled transaction is an
/// [`Error::TransactionCanceled`] with one [`CancellationReason`] per operation. The SDK fills in
/// `ClientRequestToken`, so its own retries cannot apply a transaction twice; daplug does not retry
/// transactions.
#[must_use = "a transaction does nothing until it is awaited or sent"]
pub struct TransactWrite {
    adapter: Adapter,
    ops: Vec<Result<Op>>,
    publish: bool,
    call: CallOptions,
}

impl fmt::Debug for TransactWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactWrite")
            .field("table", &self.adapter.table())
            .field("operations", &self.ops.len())
            .field("publish", &self.publish)
            .finish_non_exhaustive()
    }
}

impl TransactWrite {
    fn put<N: Model>(mut self, repo: &Repository<N>, model: &N, kind: OpKind, condition: Option<Condition>) -> Self {
        let op = model.to_item().map(|item| Op {
            adapter: repo.adapter.clone(),
            kind,
            schema: N::META.schema,
            item,
            condition,
            payload: Some(to_python_json(model)),
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
            schema: N::META.schema,
            item,
            condition,
            payload: (kind == OpKind::Delete).then(|| to_python_json(key)),
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
    /// Under [`LockPolicy::Version`](crate::LockPolicy::Version) every put of the transaction
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

    /// Overrides the hash key prefix of every operation (`""` disables it).
    pub fn hash_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.call.hash_prefix = Some(prefix.into());
        self
    }

    /// Overrides the range key prefix of every operation (`""` disables it).
    pub fn range_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.call.range_prefix = Some(prefix.into());
        self
    }

    /// Adds (or overrides) a message attribute on every event of this transaction.
    pub fn sns_attribute(mut self, name: impl Into<String>, value: impl Into<MessageAttribute>) -> Self {
        self.call.attributes.insert(name.into(), value.into());
        self
    }

    /// `false` skips the events (on by default, like single writes: one per put or delete, published
    /// after the commit through each adapter's sink).
    pub fn publish(mut self, publish: bool) -> Self {
        self.publish = publish;
        self.call.no_publish = !publish;
        self
    }

    /// FIFO topics: the message group id of this transaction's events.
    pub fn fifo_group_id(mut self, id: impl Into<String>) -> Self {
        self.call.group_id = Some(id.into());
        self
    }

    /// Runs the transaction (same as `.await`), then publishes its events.
    pub async fn send(self) -> Result<()> {
        let count = self.ops.len();
        if !(1..=TRANSACTION_LIMIT).contains(&count) {
            return Err(Error::Config(format!("a transaction needs 1..={TRANSACTION_LIMIT} operations, got {count}")));
        }
        let ops = self.ops.into_iter().collect::<Result<Vec<Op>>>()?;
        let mut seen = HashSet::with_capacity(count);
        let mut items = Vec::with_capacity(count);
        let mut prefixes = Vec::with_capacity(count);
        let mut events: Vec<(Arc<dyn EventSink>, Event)> = Vec::new();
        for op in &ops {
            let inner = &op.adapter.inner;
            check_key(&inner.keys, &op.item, !op.kind.is_put())?;
            let rules = self.call.prefixes(inner);
            // Version locking covers transactional puts exactly as single ones.
            let mut item = op.item.clone();
            let lock = if op.kind.is_put() {
                apply_version(inner.lock.as_ref(), op.schema, &mut item, op.kind == OpKind::Insert)?
            } else {
                None
            };
            let stored = rules.added(item.clone());
            if !seen.insert((inner.table.clone(), KeyId::of(&inner.keys, &stored))) {
                // DynamoDB rejects two operations on one item in a transaction.
                return Err(Error::DuplicateKey { table: inner.table.clone(), key: key_of(&inner.keys, &op.item) });
            }
            items.push(render(op, stored, &rules, lock.as_ref())?);
            if let (Some(operation), Some(payload)) = (op.kind.operation(), &op.payload) {
                // The item as written (version set, key values stripped even when given prefixed), as
                // single writes publish it.
                let stripped = rules.stripped(item.clone());
                let restripped;
                let payload = if stripped == op.item {
                    payload
                } else {
                    restripped = item_to_json(op.schema, &stripped).map(|json| to_python_json(&json))?;
                    &restripped
                };
                if let (Some(event), Some(sink)) =
                    (self.call.event(inner, operation, op.schema, payload)?, inner.sink.as_ref())
                {
                    events.push((sink.clone(), event));
                }
            }
            prefixes.push(rules);
        }

        let inner = &self.adapter.inner;
        let span = tracing::debug_span!("daplug.transact_write", table = %inner.table, operations = count);
        let result = inner.client.transact_write_items().set_transact_items(Some(items)).send().instrument(span).await;
        if let Err(err) = result {
            if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) = err.as_service_error() {
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
                            code: reason.code().unwrap_or("None").to_owned(),
                            message: reason.message().map(str::to_owned),
                            item: reason.item.clone().filter(|item| !item.is_empty()).map(|item| {
                                match prefixes.get(index) {
                                    Some(rules) => rules.stripped(item),
                                    None => item,
                                }
                            }),
                        }
                    })
                    .collect::<Vec<_>>();
                tracing::debug!(reasons = %summary(&reasons), "transaction cancelled");
                return Err(Error::TransactionCanceled { reasons });
            }
            return Err(Error::dynamodb("TransactWriteItems", err));
        }
        publish_all(events).await
    }
}

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
    let mut parts = Vec::new();
    if op.kind == OpKind::Insert {
        for attribute in inner.keys.attributes() {
            parts.push(format!("attribute_not_exists({})", placeholders.name(attribute)));
        }
    }
    if let Some(condition) = &op.condition {
        parts.push(format!("({})", condition.render(&mut placeholders, rules)?));
    }
    if let Some(lock) = lock {
        parts.push(lock_clause(&mut placeholders, lock, rules)?);
    }
    let expression = (!parts.is_empty()).then(|| parts.join(" AND "));
    let on_failure = expression.as_ref().map(|_| ReturnValuesOnConditionCheckFailure::AllOld);
    let table = &inner.table;
    let build_error = |err: aws_sdk_dynamodb::error::BuildError| Error::Config(err.to_string());
    let item = match op.kind {
        OpKind::Insert | OpKind::Overwrite | OpKind::Update => TransactWriteItem::builder().put(
            Put::builder()
                .table_name(table)
                .set_item(Some(stored))
                .set_condition_expression(expression)
                .set_expression_attribute_names(placeholders.names())
                .set_expression_attribute_values(placeholders.values())
                .set_return_values_on_condition_check_failure(on_failure)
                .build()
                .map_err(build_error)?,
        ),
        OpKind::Delete => TransactWriteItem::builder().delete(
            Delete::builder()
                .table_name(table)
                .set_key(Some(stored))
                .set_condition_expression(expression)
                .set_expression_attribute_names(placeholders.names())
                .set_expression_attribute_values(placeholders.values())
                .set_return_values_on_condition_check_failure(on_failure)
                .build()
                .map_err(build_error)?,
        ),
        OpKind::Check => TransactWriteItem::builder().condition_check(
            ConditionCheck::builder()
                .table_name(table)
                .set_key(Some(stored))
                .set_condition_expression(expression)
                .set_expression_attribute_names(placeholders.names())
                .set_expression_attribute_values(placeholders.values())
                .set_return_values_on_condition_check_failure(on_failure)
                .build()
                .map_err(build_error)?,
        ),
    };
    Ok(item.build())
}

/// Publishes committed events, one `publish_batch` per sink (adapters sharing a sink share the
/// call), in operation order.
async fn publish_all(events: Vec<(Arc<dyn EventSink>, Event)>) -> Result<()> {
    let mut groups: Vec<(Arc<dyn EventSink>, Vec<Event>)> = Vec::new();
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
            let written: Vec<serde_json::Value> = failed
                .into_iter()
                .filter_map(|i| bodies.get(i))
                .map(|body| serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
                .collect();
            match &mut failure {
                Some(Error::Publish { written: first, .. }) => {
                    if let serde_json::Value::Array(all) = first.as_mut() {
                        all.extend(written);
                    }
                }
                _ => failure = Some(Error::Publish { written: Box::new(serde_json::Value::Array(written)), source }),
            }
        }
    }
    failure.map_or(Ok(()), Err)
}

/// Why one operation of a cancelled transaction failed (or `code == "None"` when it did not).
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// Position of the operation in the transaction.
    pub index: usize,
    /// Table of the operation.
    pub table: String,
    /// Primary key of the operation (unprefixed).
    pub key: Item,
    /// The service's code: `None` (this operation was fine), `ConditionalCheckFailed`,
    /// `TransactionConflict`, `ValidationError`, ...
    pub code: String,
    /// The service's message, if any.
    pub message: Option<String>,
    /// The item as stored when its condition failed (prefixes stripped), when the service returns it.
    pub item: Option<Item>,
}

impl CancellationReason {
    /// Whether this operation caused the cancellation.
    pub fn is_failure(&self) -> bool {
        self.code != "None"
    }

    /// [`item`](Self::item) decoded as `M`.
    pub fn current<M: Model>(&self) -> Option<Result<M>> {
        self.item.clone().map(M::from_item)
    }
}

/// `#1 ConditionalCheckFailed on orders, #3 TransactionConflict on stock`.
pub(crate) fn summary(reasons: &[CancellationReason]) -> String {
    let failed: Vec<String> = reasons
        .iter()
        .filter(|reason| reason.is_failure())
        .map(|reason| format!("#{} {} on {}", reason.index, reason.code, reason.table))
        .collect();
    if failed.is_empty() {
        "no reasons given".to_owned()
    } else {
        failed.join(", ")
    }
}
