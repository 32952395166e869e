//! [`Adapter`]: one table, its keys and prefixes, the clients and the event sink, built once and
//! shared (cheaply cloned) by every [`Repository`]. The `Repository` handle is declared here so the
//! request types can hold it; its operations are in `repo.rs`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::cursor::CursorKeys;
use crate::events::{EventSink, MessageAttribute};
pub use crate::key::KeyConfig;
use crate::lock::LockConfig;
use crate::model::Model;
pub use crate::prefix::Prefixes;

mod builder;
mod clients;

pub use builder::AdapterBuilder;
pub use clients::{DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_OPERATION_TIMEOUT};

/// A configured DynamoDB table: client, table name, keys, prefixes, event sink and default event
/// attributes. Cloning is cheap (an `Arc`).
///
/// ```no_run
/// # async fn demo() -> daplug_runtime::Result<()> {
/// let adapter = daplug_runtime::Adapter::builder()
///     .table("orders")
///     .hash_key("pk")
///     .range_key("sk")
///     .hash_prefix("tenant#")
///     .sns_topic("arn:aws:sns:us-east-1:123456789012:orders")
///     .sns_attribute("source", "orders-service")
///     .from_env()
///     .await?;
/// # let _ = adapter; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Adapter {
    pub(crate) inner: Arc<AdapterInner>,
}

pub(crate) struct AdapterInner {
    pub(crate) client: aws_sdk_dynamodb::Client,
    pub(crate) table: String,
    pub(crate) keys: KeyConfig,
    pub(crate) prefixes: PrefixValues,
    /// The rules `prefixes` give on `keys`, computed once at build.
    pub(crate) rules: Prefixes,
    pub(crate) sink: Option<Arc<dyn EventSink>>,
    pub(crate) attributes: BTreeMap<String, MessageAttribute>,
    pub(crate) contract: PublishContract,
    pub(crate) lock: Option<LockConfig>,
    /// The keys page cursors are signed and verified with (none: cursors are not authenticated).
    pub(crate) cursor_keys: CursorKeys,
}

/// What every event must carry (daplug-ddb's `required_payload_keys` / `required_headers`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PublishContract {
    pub(crate) payload_keys: Vec<String>,
    pub(crate) attributes: Vec<String>,
}

/// Prefix values for the hash and range key (attribute names come from [`KeyConfig`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PrefixValues {
    pub(crate) hash: Option<String>,
    pub(crate) range: Option<String>,
}

impl PrefixValues {
    /// The prefix rules these values give on `keys`.
    pub(crate) fn rules(&self, keys: &KeyConfig) -> Prefixes {
        let mut rules = Prefixes::none();
        if let Some(prefix) = &self.hash {
            rules = rules.with(keys.hash_key.clone(), prefix.clone());
        }
        if let (Some(range_key), Some(prefix)) = (&keys.range_key, &self.range) {
            rules = rules.with(range_key.clone(), prefix.clone());
        }
        rules
    }
}

impl Adapter {
    /// Starts building an adapter.
    pub fn builder() -> AdapterBuilder {
        AdapterBuilder::default()
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.inner.table
    }

    /// The table's key attributes.
    pub fn keys(&self) -> &KeyConfig {
        &self.inner.keys
    }

    /// The DynamoDB client, for calls daplug does not wrap: the one the adapter was built with, with
    /// the adapter's timeouts applied.
    pub fn client(&self) -> &aws_sdk_dynamodb::Client {
        &self.inner.client
    }

    /// The prefix rules configured on the adapter.
    pub fn prefixes(&self) -> Prefixes {
        self.inner.rules.clone()
    }
}

impl fmt::Debug for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adapter")
            .field("table", &self.inner.table)
            .field("keys", &self.inner.keys)
            .field("prefixes", &self.inner.prefixes)
            .field("events", &self.inner.sink.is_some())
            .field("attributes", &self.inner.attributes)
            .field("contract", &self.inner.contract)
            .field("lock", &self.inner.lock)
            .field("cursor_keys", &self.inner.cursor_keys)
            .finish()
    }
}

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

impl<M> fmt::Debug for Repository<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repository")
            .field("model", &std::any::type_name::<M>())
            .field("adapter", &self.adapter)
            .finish()
    }
}

impl Adapter {
    /// A typed repository for model `M` on this table.
    pub fn repository<M: Model>(&self) -> Repository<M> {
        Repository { adapter: self.clone(), _model: PhantomData }
    }
}

impl<M> Repository<M> {
    /// The adapter this repository writes through.
    pub fn adapter(&self) -> &Adapter {
        &self.adapter
    }
}
