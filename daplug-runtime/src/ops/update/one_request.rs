//! `update(..).in_one_request()`: the update as one conditional `UpdateItem` built from the patch's
//! changes and explicit actions (`plan.rs` plans it), returning the written item (`ALL_NEW`), or on
//! a refusal the stored one (`ALL_OLD`) from which the refusal is explained. No read, no window
//! between a read and the write.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::builders::{UpdateItemFluentBuilder, UpdateItemInputBuilder};
use aws_sdk_dynamodb::operation::update_item::{UpdateItemError, UpdateItemOutput};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use futures::future::BoxFuture;
use tracing::Instrument;

use super::changes::MapOp;
use super::expression::plan;
use super::guard::Refusal;
use super::plan::{Op, Plan, Request};
use super::read_merge_write::{Source, Update};
use super::spec::{UpdateOutcome, UpdateSpec};
use crate::adapter::AdapterInner;
use crate::attempts::counted;
use crate::attr::{AttributeIn, AttributeOf};
use crate::codec;
use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::events::{Body, Operation};
use crate::expr::{attribute_value, update, KeyGuard, Placeholders};
use crate::failure::Repeat;
use crate::key::check_key;
use crate::model::Model;
use crate::not_applied::RetryNotApplied;
use crate::ops::options::{option_setters, publish, EventOptions};
use crate::prefix::Prefixes;

/// An update sent as **one** conditional `UpdateItem`, without reading the item first; see
/// [`Update::in_one_request`].
///
/// `.await` (or [`send`](Self::send)) returns the written model, decoded from the item DynamoDB
/// returns (`ReturnValues = ALL_NEW`); a lost race is [`Error::Conflict`] with the stored item, which
/// the refused request itself returns (`ReturnValuesOnConditionCheckFailure = ALL_OLD`).
/// [`outcome`](Self::outcome) reports stale and lost-race results as values, like
/// [`Update::outcome`]. [`plan`](Self::plan) returns the SDK request without sending it.
///
/// # What the request is made of
///
/// The patch (under the update's [`ListOp`](crate::ops::ListOp) and [`MapOp`]), then the explicit actions, then the lock:
///
/// | part | becomes |
/// |---|---|
/// | a scalar, `null`, or a list or set under [`ListOp::Replace`](crate::ops::ListOp::Replace) | `SET #a = :v` |
/// | a map (`{"profile": {"city": "X"}}`) | `SET #n0.#n1 = :v` per value inside it, at any depth, with `attribute_type(#n0, :M)` in the condition |
/// | a list or set under [`ListOp::Add`](crate::ops::ListOp::Add) (the default) or [`ListOp::Remove`](crate::ops::ListOp::Remove) | [`Error::NeedsStoredItem`]: de-duplicating or removing by value needs the stored list |
/// | a key under [`MapOp::Remove`] (a map names keys inside a stored map) | `REMOVE #a` / `REMOVE #n0.#n1` |
/// | [`increment(attr, by)`](Self::increment) | `ADD #a :by` (nested: `SET #p = if_not_exists(#p, :zero) + :by`) |
/// | [`append(attr, values)`](Self::append) | `SET #a = list_append(if_not_exists(#a, :empty), :v)` |
/// | [`add_to_set`](Self::add_to_set) / [`remove_from_set`](Self::remove_from_set) | `ADD #a :set` / `DELETE #a :set` (top-level sets) |
/// | [`set(attr, value)`](Self::set) / [`remove(attr)`](Self::remove) | `SET #a = :v` (whole, no merge) / `REMOVE #a` |
///
/// Every attribute name and value goes through placeholders; the key is prefixed; the condition
/// always holds `attribute_exists` on every key attribute (an update never creates an item: a
/// missing item is [`Error::NotFound`], as for [`Update`]). The returned item is stripped of its
/// prefixes. Two actions on overlapping paths (`qty` in the patch and `increment("qty", ..)`, or
/// `profile` and `profile.city`) are [`Error::Config`]; so is an update that changes nothing.
///
/// # Semantics, against the read-merge-write update
///
/// The result is the merge's (`Update`'s docs), with these differences, each reported rather than
/// silently different:
///
/// * **A map the patch descends into must be stored as a map.** The merge sets a patch's map whole
///   over a missing or `null` value; one request cannot know whether it is missing, so it requires
///   the stored map (`attribute_type(path, M)` in the condition). When it is missing or `null` the
///   request is refused and nothing is written: [`Error::NeedsStoredItem`] naming the map's path (use
///   [`set`](Self::set) to write a whole map in one request, or the normal update). When it is
///   another type, [`Error::Validation`] with the merge's message. Under [`MapOp::Remove`] the same
///   holds for the maps whose keys are removed (the merge skips keys of a missing map).
/// * **Lists and sets of the patch** are written only under [`ListOp::Replace`](crate::ops::ListOp::Replace); a list of strings
///   or numbers also requires the stored value not to be a set of that type (the merge keeps a set a
///   set): refused with [`Error::NeedsStoredItem`] otherwise.
/// * **The patch is not validated against the model** before the write: there is no stored item to
///   merge it into. A value of the wrong type is written and the returned item then fails to decode:
///   [`Error::WrittenButUnreadable`], which says the item **was** written and carries it (no event is
///   published). Attributes the model does not know are written (the merge drops them). A typed
///   `<Name>Patch` and typed fields (`Order::QTY`) rule both out at compile time.
/// * **Attributes the request does not name are left as stored**, byte for byte, including ones the
///   model does not know; the merge rewrites the whole item through the model.
/// * **Key attributes** cannot be changed ([`Error::InvalidKey`]) or removed ([`Error::Validation`]),
///   as in [`Update`]; a patch repeating the key's own value is no change and is left out.
/// * **The publish contract's payload keys** are checked on the written item, so after the write: a
///   miss is [`Error::Publish`] (written, not published). Message attributes are checked before.
///
/// # Locking
///
/// The lock condition is part of the same request:
///
/// * [`LockPolicy::Equality`](crate::lock::LockPolicy::Equality): with
///   [`if_lock_value(v)`](Update::if_lock_value), `#lock = :v`; a different stored value is a
///   conflict. Without it there is no read to protect, so no condition (the merge update's condition
///   only protects its own read); `require_lock_value(true)` requires the attribute to be stored
///   (`Error::Validation` otherwise).
/// * [`LockPolicy::Version`](crate::lock::LockPolicy::Version): with the version read (in the patch,
///   or `if_lock_value`), `#v = :read` and `SET #v = :read + 1`, computed; a different stored
///   version is a conflict. Without it, `ADD #v :one` on condition that the version is a number or
///   absent (the next version, whatever it is).
/// * [`LockPolicy::LatestWins`](crate::lock::LockPolicy::LatestWins): the patch's timestamp must be
///   `YYYY-MM-DDThh:mm:ss[.f]Z` (any fraction), or the same without `Z` with 0-4 or 6 fraction digits
///   (Python's `isoformat()`): the condition is `#t <= :incoming` on a stored value of the same
///   length, with a `T` and the same zone form, or an absent or `NULL` one. A newer stored item is
///   [`UpdateOutcome::Stale`] (nothing written, no event), as in [`Update`]; a stored value in another
///   form is [`Error::NeedsStoredItem`] (text order is not time order across forms); any other form of
///   the patch's timestamp is [`Error::NeedsStoredItem`] before sending. A stored value that has the
///   form's length, `T` and zone but is not a timestamp is compared as text (the merge refuses it).
///
/// # Retries
///
/// A request without increments or appends may be sent twice with the same result, so the SDK
/// retries it as any call; a retry refused because the first attempt was applied is recognised
/// (the returned item already shows every change) and reported as written, with one event. A
/// request with an increment, an append or a version bump (`ADD #v :one`) is retried by the SDK
/// (with the client's backoff and attempts) only after a failure certainly not applied, such as
/// throttling: after a lost or unreadable answer or a 5xx a retry could apply it twice. Those
/// failures are returned as they are: [`Error::maybe_written`] says it may have been applied, and
/// [`Error::is_retryable`] is `false`.
///
/// An answer the SDK cannot read (a 2xx whose body is garbled or ends early: the service applied the
/// request) is settled, for a request without increments or appends, with one consistent read: the
/// stored item shows every change → written, one event; it does not → [`Error::Conflict`] (another
/// writer came in between).
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct OneRequestUpdate<M: Model> {
    spec: UpdateSpec<M>,
    key: Result<Item>,
    /// The key's entity: its prefixes, its schema on the event.
    entity: Entity,
    ops: Vec<Op>,
}

impl<M: Model> fmt::Debug for OneRequestUpdate<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneRequestUpdate")
            .field("spec", &self.spec)
            .field("key", &self.key)
            .field("entity", &self.entity)
            .field("ops", &self.ops)
            .finish()
    }
}

impl<M: Model> Update<M> {
    /// Sends this update as **one** conditional `UpdateItem` instead of read → merge → conditional
    /// put: one round trip, no window between the read and the write, and counters, appends and set
    /// changes ([`increment`](OneRequestUpdate::increment), [`append`](OneRequestUpdate::append),
    /// [`add_to_set`](OneRequestUpdate::add_to_set), ...) that concurrent writers never lose.
    ///
    /// Takes over the patch, [`list_op`](Self::list_op), [`map_op`](Self::map_op), the lock settings
    /// ([`lock_policy`](Self::lock_policy), [`no_lock`](Self::no_lock),
    /// [`require_lock_value`](Self::require_lock_value), [`if_lock_value`](Self::if_lock_value)) and the
    /// key and event options set so far. What each part of the patch becomes, where the result can
    /// differ from the merge's and how each difference is reported, and how each lock policy is
    /// applied: [`OneRequestUpdate`]. Parts that need the stored item (a list under the default
    /// [`ListOp::Add`](crate::ops::ListOp::Add), for one) are [`Error::NeedsStoredItem`]; send those without `in_one_request`.
    /// Only updates by key: an [`update_where`](crate::Repository::update_where) reads first, so it
    /// is [`Error::Config`].
    ///
    /// ```no_run
    /// # use daplug_runtime::{Model, Repository};
    /// # async fn demo<M: Model>(orders: Repository<M>, key: M::Key) -> daplug_runtime::Result<()> {
    /// let order: M = orders
    ///     .update(&key, &serde_json::json!({"status": "packed", "address": {"city": "Lyon"}}))
    ///     .in_one_request()
    ///     .increment("qty", 2)
    ///     .append("history", vec!["packed"])
    ///     .await?;
    /// # let _ = order; Ok(()) }
    /// ```
    pub fn in_one_request(self) -> OneRequestUpdate<M> {
        let (key, entity) = match self.source {
            Source::Key(key, entity) => (key, entity),
            Source::Query { .. } => (
                Err(Error::Config(
                    "in_one_request updates an item by key; update_where reads the item first (send it without \
                     in_one_request, or update the key it finds)"
                        .into(),
                )),
                M::ENTITY,
            ),
        };
        OneRequestUpdate { spec: self.spec, key, entity, ops: Vec::new() }
    }
}

/// A planned request, ready to send: the request on the adapter's client, built from the plan.
struct Prepared {
    request: UpdateItemFluentBuilder,
    plan: Plan,
    prefixes: Prefixes,
    events: EventOptions,
}

impl<M: Model> OneRequestUpdate<M> {
    fn op(mut self, op: Op) -> Self {
        self.ops.push(op);
        self
    }

    /// Adds `by` to the number at `attribute` (a negative `by` subtracts); an absent attribute counts
    /// as zero. `ADD #a :by` (below the top level: `SET #a = if_not_exists(#a, :zero) + :by`), on
    /// condition that the stored value is a number or absent. Concurrent increments all land.
    ///
    /// `attribute` is a name, an [`AttrPath`](crate::AttrPath) or one of `M`'s typed fields
    /// (`Order::QTY`), whose type `by` must convert into:
    ///
    /// ```no_run
    /// # use daplug_runtime::{Field, KeyAttribute, KeyType, Model, ModelMeta, Repository};
    /// # #[derive(serde::Serialize, serde::Deserialize)]
    /// # struct Order { pk: String, qty: i64 }
    /// # #[derive(serde::Serialize)]
    /// # struct OrderKey { pk: String }
    /// # impl Model for Order {
    /// #     type Key = OrderKey;
    /// #     type Patch = serde_json::Value;
    /// #     const META: ModelMeta =
    /// #         ModelMeta { hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }), ..ModelMeta::named("Order") };
    /// # }
    /// impl Order {
    ///     const QTY: Field<Order, i64> = Field::new("qty"); // what `schema!` generates
    /// }
    /// # async fn demo(orders: Repository<Order>, key: OrderKey) -> daplug_runtime::Result<()> {
    /// let order = orders.update(&key, &serde_json::json!({})).in_one_request().increment(Order::QTY, 2).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// ```compile_fail
    /// # use daplug_runtime::{Field, KeyAttribute, KeyType, Model, ModelMeta, Repository};
    /// # #[derive(serde::Serialize, serde::Deserialize)]
    /// # struct Order { pk: String, qty: i64 }
    /// # #[derive(serde::Serialize)]
    /// # struct OrderKey { pk: String }
    /// # impl Model for Order {
    /// #     type Key = OrderKey;
    /// #     type Patch = serde_json::Value;
    /// #     const META: ModelMeta =
    /// #         ModelMeta { hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }), ..ModelMeta::named("Order") };
    /// # }
    /// # impl Order {
    /// #     const QTY: Field<Order, i64> = Field::new("qty");
    /// # }
    /// # async fn demo(orders: Repository<Order>, key: OrderKey) -> daplug_runtime::Result<()> {
    /// // A counter of `i64` cannot be incremented by a string:
    /// let order = orders.update(&key, &serde_json::json!({})).in_one_request().increment(Order::QTY, "two").await?;
    /// # Ok(()) }
    /// ```
    pub fn increment<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, by: V) -> Self {
        let by = attribute_value::<V, A>(by);
        self.op(Op::Increment(attribute.into_path(), by))
    }

    /// Appends `values` (a list) to the list at `attribute`; an absent attribute counts as an empty
    /// list. `SET #a = list_append(if_not_exists(#a, :empty), :v)`, on condition that the stored value
    /// is a list or absent. Elements already stored are appended again (unlike [`ListOp::Add`](crate::ops::ListOp::Add)).
    pub fn append<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, values: V) -> Self {
        let values = attribute_value::<V, A>(values);
        self.op(Op::Append(attribute.into_path(), values))
    }

    /// Adds `values` (a list or set of strings, numbers or binaries) to the set at the top-level
    /// `attribute`, creating it when absent: `ADD #a :set`, on condition that the stored value is a
    /// set of that type or absent. No elements: nothing to add.
    pub fn add_to_set<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, values: V) -> Self {
        let values = attribute_value::<V, A>(values);
        self.op(Op::AddToSet(attribute.into_path(), values))
    }

    /// Removes `values` from the set at the top-level `attribute`: `DELETE #a :set` (removing the
    /// last element removes the attribute; an absent set stays absent).
    pub fn remove_from_set<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, values: V) -> Self {
        let values = attribute_value::<V, A>(values);
        self.op(Op::RemoveFromSet(attribute.into_path(), values))
    }

    /// Sets `attribute` to `value` as given, whole (a map replaces the stored map, unlike the
    /// patch's deep merge): `SET #a = :v`. A nested path requires its parent to be stored.
    pub fn set<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, value: V) -> Self {
        let value = attribute_value::<V, A>(value);
        self.op(Op::Set(attribute.into_path(), value))
    }

    /// Removes `attribute`: `REMOVE #a` (an absent attribute stays absent). A nested path requires
    /// its parent to be stored.
    pub fn remove<A: AttributeIn<M>>(self, attribute: A) -> Self {
        self.op(Op::Remove(attribute.into_path()))
    }

    /// The `UpdateItem` request this call sends (key checked and prefixed, expressions rendered through
    /// placeholders), built but not sent; for inspection and tests. Every error that can be known
    /// without the stored item is returned here.
    pub fn plan(self) -> Result<UpdateItemInputBuilder> {
        Ok(self.prepare()?.request.as_input().clone())
    }

    fn prepare(self) -> Result<Prepared> {
        let spec = &self.spec;
        let inner = &spec.repo.adapter.inner;
        let schema = self.entity.schema;
        let key = self.key?;
        check_key(&inner.keys, &key, true)?;
        let prefixes = spec.keys.prefixes(inner, &self.entity);
        refuse_entity_change::<M>(&self.entity, spec.patch()?)?;
        let lock = spec.lock()?;
        let unprefixed = prefixes.stripped(key.clone());
        let request = Request {
            schema,
            keys: &inner.keys,
            key: &unprefixed,
            patch: spec.patch()?,
            list: spec.list,
            map: spec.map,
            ops: &self.ops,
            lock: lock.as_ref(),
            expected_lock: spec.expected_lock()?,
            replaced: M::META.replaced,
        };
        let plan = plan(&request)?;
        // The values the patch sets are written as given: their constraints are checked here (the
        // read-merge-write update checks the whole merged model instead).
        if let (MapOp::Upsert, AttributeValue::M(patch)) = (spec.map, spec.patch()?) {
            M::validate_patch(patch)?;
        }
        spec.events.check_before_write(inner, Operation::Update, schema)?;
        let mut placeholders = Placeholders::default();
        let mut clauses = KeyGuard::Exists.clauses(&inner.keys, &mut placeholders);
        let expression = update::render(&plan.actions, &mut placeholders, &prefixes);
        if let Some(condition) = plan.condition() {
            let text = condition.render(&mut placeholders, &prefixes)?;
            // A compound condition renders as `(a) AND (b)` or `(a) OR (b)`: keep it one operand.
            clauses.push(if text.starts_with('(') { format!("({text})") } else { text });
        }
        // The request is built once, on the client it is sent with (per-call retry settings exist
        // only on the SDK's fluent builders): `plan()` returns what is sent.
        let request = inner
            .client
            .update_item()
            .table_name(&inner.table)
            .set_key(Some(prefixes.added(key)))
            .set_update_expression(expression)
            .condition_expression(clauses.join(" AND "))
            .set_expression_attribute_names(placeholders.names())
            .set_expression_attribute_values(placeholders.values())
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        Ok(Prepared { request, plan, prefixes, events: self.spec.events })
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
        let schema = self.entity.schema;
        let span = tracing::debug_span!(
            "daplug.update",
            table = %inner.table,
            schema,
            mode = "one_request",
            own_retry = tracing::field::Empty
        );
        async move {
            let Prepared { request, plan, prefixes, events } = self.prepare()?;
            let idempotent = plan.is_idempotent();
            let key = request.as_input().get_key().clone().unwrap_or_default();
            let (result, attempts) = counted(send(request, idempotent)).await;
            let written = match result {
                Ok(output) => output.attributes.unwrap_or_default(),
                Err(err) => match err.as_service_error() {
                    Some(UpdateItemError::ConditionalCheckFailedException(failed)) => {
                        let stored = failed.item.clone().map(|item| prefixes.stripped(item));
                        match stored {
                            // Only a retry can find its own write; only an idempotent request is retried.
                            Some(stored) if attempts > 1 && idempotent && plan.reflected_in(&stored) => {
                                tracing::Span::current().record("own_retry", true);
                                tracing::debug!(
                                    attempts,
                                    "condition failed on this call's own earlier attempt: written"
                                );
                                stored
                            }
                            stored => return refused(plan.diagnose(schema, stored.as_ref()), stored, &inner.table),
                        }
                    }
                    _ => {
                        let repeat = if idempotent { Repeat::Idempotent } else { Repeat::NotIdempotent };
                        let error = Error::dynamodb("UpdateItem", repeat, err);
                        match settle(&inner, key, &prefixes, &plan, error).await? {
                            Settled::Written(stored) => stored,
                            Settled::Overwritten(stored) => {
                                return refused(Refusal::Conflict, Some(stored), &inner.table);
                            }
                        }
                    }
                },
            };
            let item = prefixes.stripped(written);
            let model = match M::from_item(item.clone()) {
                Ok(model) => model,
                Err(Error::Validation { path, message, .. }) => {
                    let table = inner.table.clone();
                    return Err(Error::WrittenButUnreadable { table, schema, path, message, item: Box::new(item) });
                }
                Err(other) => return Err(other),
            };
            let event = events.event(&inner, Operation::Update, schema, || Body::model(&model), None);
            let event = event.map_err(|err| {
                tracing::warn!(error = %err, "update written but its event cannot be built");
                Error::Publish {
                    written: vec![codec::to_json(&item).unwrap_or(serde_json::Value::Null)],
                    source: Box::new(err),
                }
            })?;
            publish(&inner, event).await?;
            Ok(UpdateOutcome::Written(model))
        }
        .instrument(span)
        .await
    }
}

/// A patch that sets a family's tag to another entity's value is refused: the entity chose the key's
/// prefixes, so the item would be left under another entity's key rules (as the read-merge-write
/// update refuses it).
fn refuse_entity_change<M: Model>(entity: &Entity, patch: &AttributeValue) -> Result<()> {
    let (Some((tag, _)), AttributeValue::M(patch)) = (entity.tag, patch) else { return Ok(()) };
    let Some(given) = patch.get(tag) else { return Ok(()) };
    let tagged: Item = [(tag.to_owned(), given.clone())].into_iter().collect();
    match M::entity_of_item(&tagged) {
        Ok(named) if named == *entity => Ok(()),
        _ => Err(Error::Validation {
            schema: entity.schema,
            path: tag.to_owned(),
            message: "an update cannot change an item's entity type".into(),
        }),
    }
}

/// The outcome of a refused request, as the read-merge-write update reports it.
fn refused<M: Model>(refusal: Refusal, stored: Option<Item>, table: &str) -> Result<UpdateOutcome<M>> {
    let current = || stored.clone().map(M::from_item).transpose();
    match refusal {
        Refusal::NotFound => Err(Error::NotFound { table: table.to_owned() }),
        Refusal::Conflict => {
            tracing::debug!("update lost a race");
            Ok(UpdateOutcome::Conflict { current: current()? })
        }
        Refusal::Stale => match current()? {
            Some(model) => {
                tracing::debug!("stored item is newer; update skipped");
                Ok(UpdateOutcome::Stale(model))
            }
            None => Err(Error::NotFound { table: table.to_owned() }),
        },
        Refusal::Error(err) => Err(err),
    }
}

/// What an unreadable answer turned out to be ([`settle`]).
enum Settled {
    /// The stored item (unprefixed) shows every change of the request: written.
    Written(Item),
    /// The stored item (unprefixed) does not: another writer came in between.
    Overwritten(Item),
}

/// Settles an update whose answer was a 2xx that could not be read (the service applied it; the
/// written item it returned is lost) with one consistent read of `key` (prefixed), when the request
/// is idempotent: the stored item shows every change ([`Plan::reflected_in`], the own-retry rule)
/// → written, with the stored item; it does not → overwritten by another writer (a conflict). An
/// increment or an append cannot be told from the stored item: for those, for any other failure,
/// and when the read fails too, `error` stands (`maybe_written()`).
async fn settle(inner: &AdapterInner, key: Item, prefixes: &Prefixes, plan: &Plan, error: Error) -> Result<Settled> {
    let answered_ok = matches!(&error, Error::DynamoDb { kind, .. } if kind.answered_ok());
    if !answered_ok || !plan.is_idempotent() {
        return Err(error);
    }
    let read = inner.client.get_item().table_name(&inner.table).set_key(Some(key)).consistent_read(true).send().await;
    match read.map(|output| output.item) {
        Ok(Some(stored)) => {
            let stored = prefixes.stripped(stored);
            if plan.reflected_in(&stored) {
                tracing::debug!("the update's answer was unreadable; the stored item shows its changes: written");
                Ok(Settled::Written(stored))
            } else {
                tracing::debug!("the update's answer was unreadable; the stored item does not show its changes");
                Ok(Settled::Overwritten(stored))
            }
        }
        Ok(None) => Err(error),
        Err(read_error) => {
            tracing::debug!(error = %read_error, "the update's answer was unreadable and so was the read settling it");
            Err(error)
        }
    }
}

/// Sends the request. One that is not idempotent is retried by the SDK (with the client's backoff
/// and attempt limit) only after failures certainly not applied, such as throttling: after a lost
/// or unreadable answer a retry would apply its increments twice ([`RetryNotApplied`]).
async fn send(
    request: UpdateItemFluentBuilder,
    idempotent: bool,
) -> std::result::Result<UpdateItemOutput, SdkError<UpdateItemError, HttpResponse>> {
    if idempotent {
        return request.send().await;
    }
    let careful = aws_sdk_dynamodb::config::Builder::default().retry_classifier(RetryNotApplied);
    request.customize().config_override(careful).send().await
}

impl<M: Model> IntoFuture for OneRequestUpdate<M> {
    type Output = Result<M>;
    type IntoFuture = BoxFuture<'static, Result<M>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
option_setters!(payload, impl[M: Model] OneRequestUpdate<M>, via spec);
