//! [`Repository`]: the typed operations on one model. Each operation returns a request value with
//! optional per-call settings; `.await` it (or call `send`) to run it.

use std::future::IntoFuture;
use std::marker::PhantomData;

use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use futures::future::BoxFuture;
use tracing::Instrument;

use crate::call::{call_option_setters, publish, CallOptions};
use crate::config::{Adapter, KeyConfig};
use crate::error::{Error, Result};
use crate::events::{to_python_json, Operation};
use crate::lock::LockPolicy;
use crate::model::{Item, Model};
use crate::read::{Query, Scan};
use crate::write::{apply_version, put_conditionally, KeyGuard};

/// Typed access to the items of model `M` in an [`Adapter`]'s table.
///
/// ```no_run
/// # use daplug_runtime::{Adapter, Model};
/// # async fn demo<M: Model>(adapter: Adapter, order: M, key: M::Key) -> daplug_runtime::Result<()> {
/// let orders = adapter.repository::<M>();
/// orders.insert(&order).sns_attribute("priority", "high").await?;
/// let stored: Option<M> = orders.get(&key).await?;
/// let old: Option<M> = orders.delete(&key).await?;
/// # Ok(()) }
/// ```
pub struct Repository<M> {
    pub(crate) adapter: Adapter,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Repository<M> {
    fn clone(&self) -> Self {
        Repository { adapter: self.adapter.clone(), _model: PhantomData }
    }
}

impl<M> std::fmt::Debug for Repository<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("model", &std::any::type_name::<M>())
            .field("adapter", &self.adapter)
            .finish()
    }
}

/// How [`Repository::create`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WriteMode {
    /// Conditional put: fails with [`Error::AlreadyExists`] if the key exists.
    #[default]
    Insert,
    /// Unconditional put: replaces any existing item.
    Overwrite,
}

impl<M: Model> Repository<M> {
    pub(crate) fn new(adapter: Adapter) -> Self {
        Repository { adapter, _model: PhantomData }
    }

    /// The adapter this repository writes through.
    pub fn adapter(&self) -> &Adapter {
        &self.adapter
    }

    /// Writes `model` unless an item with the same primary key exists ([`Error::AlreadyExists`]; nothing
    /// is changed or published then).
    pub fn insert(&self, model: &M) -> Insert<M> {
        Insert(Put::new(self, model, WriteMode::Insert))
    }

    /// Writes `model`, replacing any item with the same primary key.
    pub fn overwrite(&self, model: &M) -> Overwrite<M> {
        Overwrite(Put::new(self, model, WriteMode::Overwrite))
    }

    /// Dispatches to [`insert`](Self::insert) or [`overwrite`](Self::overwrite).
    pub fn create(&self, model: &M, mode: WriteMode) -> Create<M> {
        Create(Put::new(self, model, mode))
    }

    /// Reads one item by key; `None` when absent.
    pub fn get(&self, key: &M::Key) -> Get<M> {
        Get { repo: self.clone(), key: M::key_item(key), consistent: false, call: CallOptions::default() }
    }

    /// Deletes one item by key and returns it as it was (`None` when there was none; then no event is
    /// published).
    pub fn delete(&self, key: &M::Key) -> Delete<M> {
        Delete { repo: self.clone(), key: M::key_item(key), expected_lock: None, call: CallOptions::default() }
    }

    /// A query on the table or one of its indexes.
    pub fn query(&self) -> Query<M> {
        Query::new(self.clone())
    }

    /// A scan of the table or one of its indexes.
    pub fn scan(&self) -> Scan<M> {
        Scan::new(self.clone())
    }

    /// Reads with the given operation: one item by key, or one page of a query or scan.
    pub async fn read(&self, read: Read<M>) -> Result<Vec<M>> {
        match read {
            Read::Get(key) => Ok(self.get(&key).await?.into_iter().collect()),
            Read::Query(query) => Ok(query.await?.items),
            Read::Scan(scan) => Ok(scan.await?.items),
        }
    }
}

/// A read for [`Repository::read`].
pub enum Read<M: Model> {
    /// `GetItem` by key.
    Get(M::Key),
    /// One page of a query.
    Query(Query<M>),
    /// One page of a scan.
    Scan(Scan<M>),
}

/// Checks that `key` holds exactly the table's key attributes with scalar, non-empty values.
pub(crate) fn check_key(keys: &KeyConfig, key: &Item, exact: bool) -> Result<()> {
    for attribute in keys.attributes() {
        match key.get(attribute) {
            None | Some(AttributeValue::Null(_)) => {
                return Err(Error::InvalidKey { attribute: attribute.to_owned(), message: "missing".into() })
            }
            Some(AttributeValue::S(s)) if s.is_empty() => {
                return Err(Error::InvalidKey { attribute: attribute.to_owned(), message: "empty string".into() })
            }
            Some(AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)) => {}
            Some(other) => {
                return Err(Error::InvalidKey {
                    attribute: attribute.to_owned(),
                    message: format!("must be a string, number or binary, got {}", type_name(other)),
                })
            }
        }
    }
    if exact {
        if let Some(extra) = key.keys().find(|name| !keys.attributes().any(|k| k == name.as_str())) {
            return Err(Error::InvalidKey {
                attribute: extra.clone(),
                message: "is not a key attribute of the table".into(),
            });
        }
    }
    Ok(())
}

fn type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::Bool(_) => "a boolean",
        AttributeValue::L(_) => "a list",
        AttributeValue::M(_) => "a map",
        AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => "a set",
        _ => "another type",
    }
}

/// The key attributes of an item.
pub(crate) fn key_of(keys: &KeyConfig, item: &Item) -> Item {
    keys.attributes().filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone()))).collect()
}

/// Renders the event body of `model` when the adapter publishes events (the work is skipped otherwise).
pub(crate) fn event_body<M: Model>(repo: &Repository<M>, model: &M) -> serde_json::Result<String> {
    if repo.adapter.inner.sink.is_some() {
        to_python_json(model)
    } else {
        Ok(String::new())
    }
}

/// Shared body of insert / overwrite / create.
struct Put<M: Model> {
    repo: Repository<M>,
    mode: WriteMode,
    item: Result<Item>,
    /// The event body, rendered only when the adapter publishes events.
    event_body: serde_json::Result<String>,
    call: CallOptions,
}

impl<M: Model> Put<M> {
    fn new(repo: &Repository<M>, model: &M, mode: WriteMode) -> Self {
        let event_body = event_body(repo, model);
        Put { repo: repo.clone(), mode, item: model.to_item(), event_body, call: CallOptions::default() }
    }

    async fn send(self) -> Result<()> {
        let inner = &self.repo.adapter.inner;
        let schema = M::META.schema;
        let mut item = self.item?;
        check_key(&inner.keys, &item, false)?;
        let operation = match self.mode {
            WriteMode::Insert => Operation::Insert,
            WriteMode::Overwrite => Operation::Overwrite,
        };
        let mut event_body = self.event_body;
        let fresh = self.mode == WriteMode::Insert;
        let versioned = inner.lock.as_ref().is_some_and(|lock| lock.policy == LockPolicy::Version);
        let lock = apply_version(inner.lock.as_ref(), schema, &mut item, fresh)?;
        let prefixes = self.call.prefixes(inner);
        // The event carries the item as written: with the version daplug set, and with key values
        // stripped even when the caller gave them already prefixed (stored as is, like daplug-ddb).
        if inner.sink.is_some() {
            let stripped = prefixes.stripped(item.clone());
            if versioned || stripped != item {
                event_body = to_python_json(&M::from_item(stripped)?);
            }
        }
        // Everything that can fail before the write is checked before it: nothing half-done.
        let event = self.call.event(inner, operation, schema, &event_body)?;
        let key = key_of(&inner.keys, &item);
        let guard = match self.mode {
            WriteMode::Insert => KeyGuard::Absent,
            WriteMode::Overwrite => KeyGuard::None,
        };
        let span = tracing::debug_span!("daplug.put", table = %inner.table, schema, %operation);
        match put_conditionally(inner, &prefixes, item, guard, lock.as_ref()).instrument(span).await? {
            None => publish(inner, event).await,
            Some(_) if self.mode == WriteMode::Insert => Err(Error::AlreadyExists { table: inner.table.clone(), key }),
            Some(current) => Err(Error::Conflict { table: inner.table.clone(), current: current.map(Box::new) }),
        }
    }
}

macro_rules! put_request {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct $ty<M: Model>(Put<M>);

        impl<M: Model> $ty<M> {
            /// Runs the write (same as `.await`).
            pub async fn send(self) -> Result<()> {
                self.0.send().await
            }
            fn call_mut(&mut self) -> &mut CallOptions {
                &mut self.0.call
            }
        }

        impl<M: Model> IntoFuture for $ty<M> {
            type Output = Result<()>;
            type IntoFuture = BoxFuture<'static, Result<()>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        call_option_setters!($ty, events);
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

/// A `GetItem`; see [`Repository::get`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Get<M: Model> {
    repo: Repository<M>,
    key: Result<Item>,
    consistent: bool,
    call: CallOptions,
}

impl<M: Model> Get<M> {
    /// Strongly consistent read.
    pub fn consistent_read(mut self, consistent: bool) -> Self {
        self.consistent = consistent;
        self
    }

    fn call_mut(&mut self) -> &mut CallOptions {
        &mut self.call
    }

    /// The SDK output, with prefixes stripped from the item.
    pub async fn raw(self) -> Result<aws_sdk_dynamodb::operation::get_item::GetItemOutput> {
        let inner = &self.repo.adapter.inner;
        let key = self.key?;
        check_key(&inner.keys, &key, true)?;
        let prefixes = self.call.prefixes(inner);
        let output = inner
            .client
            .get_item()
            .table_name(&inner.table)
            .set_key(Some(prefixes.added(key)))
            .consistent_read(self.consistent)
            .send()
            .instrument(tracing::debug_span!("daplug.get", table = %inner.table, schema = M::META.schema))
            .await
            .map_err(|err| Error::dynamodb("GetItem", err))?;
        let item = output.item.clone().map(|item| prefixes.stripped(item));
        Ok(aws_sdk_dynamodb::operation::get_item::GetItemOutput::builder()
            .set_item(item)
            .set_consumed_capacity(output.consumed_capacity)
            .build())
    }

    /// Runs the read (same as `.await`).
    pub async fn send(self) -> Result<Option<M>> {
        self.raw().await?.item.map(M::from_item).transpose()
    }
}

impl<M: Model> IntoFuture for Get<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
call_option_setters!(Get);

/// A `DeleteItem` returning the old item; see [`Repository::delete`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Delete<M: Model> {
    repo: Repository<M>,
    key: Result<Item>,
    expected_lock: Option<std::result::Result<AttributeValue, String>>,
    call: CallOptions,
}

impl<M: Model> Delete<M> {
    /// Deletes only if the adapter's idempotence key still has this value (e.g. the version the
    /// caller read); otherwise [`Error::Conflict`] with the stored item.
    pub fn if_lock_value(mut self, value: impl serde::Serialize) -> Self {
        self.expected_lock = Some(serde_dynamo::to_attribute_value(value).map_err(|err| err.to_string()));
        self
    }

    fn call_mut(&mut self) -> &mut CallOptions {
        &mut self.call
    }

    /// The SDK output (`ReturnValues = ALL_OLD`), with prefixes stripped from the old item. No event
    /// is published.
    pub async fn raw(self) -> Result<aws_sdk_dynamodb::operation::delete_item::DeleteItemOutput> {
        let inner = &self.repo.adapter.inner;
        let key = self.key?;
        check_key(&inner.keys, &key, true)?;
        let prefixes = self.call.prefixes(inner);
        let mut request = inner
            .client
            .delete_item()
            .table_name(&inner.table)
            .set_key(Some(prefixes.added(key)))
            .return_values(ReturnValue::AllOld);
        if let Some(expected) = self.expected_lock {
            let attribute = match &inner.lock {
                Some(lock) => lock.attribute.as_str(),
                None => return Err(Error::Config("if_lock_value needs the adapter's idempotence_key".into())),
            };
            let value = expected.map_err(|message| Error::Serialize { schema: M::META.schema, message })?;
            request = request
                .condition_expression("#lock = :lock")
                .expression_attribute_names("#lock", attribute)
                .expression_attribute_values(":lock", value)
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        }
        let result = request
            .send()
            .instrument(tracing::debug_span!("daplug.delete", table = %inner.table, schema = M::META.schema))
            .await;
        let mut output = match result {
            Ok(output) => output,
            Err(err) => {
                if let Some(DeleteItemError::ConditionalCheckFailedException(failed)) = err.as_service_error() {
                    let current = failed.item().cloned().map(|item| Box::new(prefixes.stripped(item)));
                    return Err(Error::Conflict { table: inner.table.clone(), current });
                }
                return Err(Error::dynamodb("DeleteItem", err));
            }
        };
        if let Some(old) = output.attributes.as_mut() {
            prefixes.strip_item(old);
        }
        Ok(output)
    }

    /// Runs the delete (same as `.await`) and publishes the old item.
    pub async fn send(self) -> Result<Option<M>> {
        let inner = self.repo.adapter.inner.clone();
        let call = self.call.clone();
        let Some(old) = self.raw().await?.attributes else {
            return Ok(None);
        };
        let model = M::from_item(old)?;
        let event = call.event(&inner, Operation::Delete, M::META.schema, &to_python_json(&model))?;
        publish(&inner, event).await?;
        Ok(Some(model))
    }
}

impl<M: Model> IntoFuture for Delete<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
call_option_setters!(Delete, events);
