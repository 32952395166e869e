//! [`AdapterBuilder`]: the adapter's settings, with every configuration check run once, at
//! [`build`](AdapterBuilder::build).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::clients::Timeouts;
use super::{Adapter, AdapterInner, PrefixValues, PublishContract};
use crate::cursor::CursorKeys;
use crate::error::{Error, Result};
#[cfg(feature = "sns")]
use crate::events::SnsSink;
use crate::events::{EventSink, MessageAttribute};
use crate::key::KeyConfig;
use crate::lock::{LockConfig, LockPolicy};
use crate::model::Model;

/// Builder for [`Adapter`]. Required: a table name and a hash key (or a model that declares one,
/// through [`AdapterBuilder::keys_from`]).
#[derive(Default)]
#[must_use = "an AdapterBuilder does nothing until built"]
pub struct AdapterBuilder {
    table: Option<String>,
    hash_key: Option<String>,
    range_key: Option<String>,
    prefixes: PrefixValues,
    client: Option<aws_sdk_dynamodb::Client>,
    #[cfg(feature = "sns")]
    sns_client: Option<aws_sdk_sns::Client>,
    sdk_config: Option<aws_config::SdkConfig>,
    endpoint_url: Option<String>,
    region: Option<String>,
    #[cfg(feature = "sns")]
    sns_topic: Option<String>,
    sink: Option<Arc<dyn EventSink>>,
    attributes: BTreeMap<String, MessageAttribute>,
    contract: PublishContract,
    lock_attribute: Option<String>,
    lock_policy: Option<LockPolicy>,
    require_lock_value: bool,
    timeouts: Timeouts,
    cursor_key: Option<Vec<u8>>,
    accepted_cursor_keys: Vec<Vec<u8>>,
}

impl fmt::Debug for AdapterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("AdapterBuilder");
        f.field("table", &self.table)
            .field("hash_key", &self.hash_key)
            .field("range_key", &self.range_key)
            .field("prefixes", &self.prefixes)
            .field("client", &self.client.is_some())
            .field("sdk_config", &self.sdk_config.is_some())
            .field("endpoint_url", &self.endpoint_url)
            .field("region", &self.region);
        #[cfg(feature = "sns")]
        f.field("sns_client", &self.sns_client.is_some()).field("sns_topic", &self.sns_topic);
        f.field("event_sink", &self.sink.is_some())
            .field("attributes", &self.attributes)
            .field("contract", &self.contract)
            .field("lock_attribute", &self.lock_attribute)
            .field("lock_policy", &self.lock_policy)
            .field("require_lock_value", &self.require_lock_value)
            .field("timeouts", &self.timeouts)
            // Whether keys are set, never the keys.
            .field("cursor_key", &self.cursor_key.is_some())
            .field("accepted_cursor_keys", &self.accepted_cursor_keys.len())
            .finish()
    }
}

impl AdapterBuilder {
    /// The DynamoDB table name.
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }
    /// The partition key attribute.
    pub fn hash_key(mut self, attribute: impl Into<String>) -> Self {
        self.hash_key = Some(attribute.into());
        self
    }
    /// The sort key attribute.
    pub fn range_key(mut self, attribute: impl Into<String>) -> Self {
        self.range_key = Some(attribute.into());
        self
    }
    /// Prefix stored in front of every hash key value (`tenant#`).
    pub fn hash_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefixes.hash = Some(prefix.into()).filter(|p| !p.is_empty());
        self
    }
    /// Prefix stored in front of every range key value.
    pub fn range_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefixes.range = Some(prefix.into()).filter(|p| !p.is_empty());
        self
    }
    /// Takes keys and prefixes from a model's metadata (`x-daplug` / `#[daplug(...)]`) where this
    /// builder has none yet.
    pub fn keys_from<M: Model>(mut self) -> Self {
        let meta = M::META;
        if self.hash_key.is_none() {
            self.hash_key = meta.hash_key.map(|k| k.name.to_owned());
        }
        if self.range_key.is_none() {
            self.range_key = meta.range_key.map(|k| k.name.to_owned());
        }
        if self.prefixes.hash.is_none() {
            self.prefixes.hash = meta.hash_prefix.map(str::to_owned);
        }
        if self.prefixes.range.is_none() {
            self.prefixes.range = meta.range_prefix.map(str::to_owned);
        }
        if self.lock_attribute.is_none() {
            self.lock_attribute = meta.idempotence_key.map(str::to_owned);
        }
        self
    }
    /// The attribute used for optimistic locking (daplug-ddb's `idempotence_key`). The policy defaults
    /// to [`LockPolicy::Equality`].
    pub fn idempotence_key(mut self, attribute: impl Into<String>) -> Self {
        self.lock_attribute = Some(attribute.into()).filter(|a| !a.is_empty());
        self
    }
    /// How the idempotence key protects writes; see [`LockPolicy`].
    pub fn lock_policy(mut self, policy: LockPolicy) -> Self {
        self.lock_policy = Some(policy);
        self
    }
    /// `true`: an update of an item that lacks the idempotence key fails with
    /// [`Error::Validation`] instead of writing (daplug-ddb's `raise_idempotence_error`, without its
    /// refusal of every changed value).
    pub fn require_lock_value(mut self, require: bool) -> Self {
        self.require_lock_value = require;
        self
    }
    /// Uses this DynamoDB client instead of one built from the environment.
    pub fn client(mut self, client: aws_sdk_dynamodb::Client) -> Self {
        self.client = Some(client);
        self
    }
    /// Uses this SNS client for events instead of one built from the environment (feature `sns`).
    #[cfg(feature = "sns")]
    pub fn sns_client(mut self, client: aws_sdk_sns::Client) -> Self {
        self.sns_client = Some(client);
        self
    }
    /// How long one AWS call (DynamoDB or SNS) may take in all, the SDK's retries included; then it
    /// fails with a timeout ([`Error::DynamoDb`] of kind
    /// [`Timeout`](crate::AwsErrorKind::Timeout), or [`Error::Publish`] for an event). Overrides the
    /// client's own `operation_timeout`; without either,
    /// [`DEFAULT_OPERATION_TIMEOUT`](super::DEFAULT_OPERATION_TIMEOUT) (30 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.operation = Some(timeout);
        self
    }
    /// How long one HTTP attempt of an AWS call may take before the SDK abandons it (and retries,
    /// if attempts remain). Overrides the client's own `operation_attempt_timeout`; without either,
    /// [`DEFAULT_ATTEMPT_TIMEOUT`](super::DEFAULT_ATTEMPT_TIMEOUT) (10 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.attempt = Some(timeout);
        self
    }
    /// Builds missing clients from this AWS configuration.
    pub fn sdk_config(mut self, config: aws_config::SdkConfig) -> Self {
        self.sdk_config = Some(config);
        self
    }
    /// Endpoint override for the clients built by [`from_env`](Self::from_env) (a local emulator).
    /// `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_DYNAMODB` are honoured without this.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }
    /// Region override for the clients built by [`from_env`](Self::from_env).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Publishes an event to this SNS topic after every successful write (feature `sns`, on by
    /// default; without it, pass an [`event_sink`](Self::event_sink)).
    #[cfg(feature = "sns")]
    pub fn sns_topic(mut self, topic_arn: impl Into<String>) -> Self {
        self.sns_topic = Some(topic_arn.into());
        self
    }
    /// Sends events to this sink instead of SNS.
    pub fn event_sink(mut self, sink: Arc<dyn EventSink>) -> Self {
        self.sink = Some(sink);
        self
    }
    /// A default message attribute on every event (per-call attributes override it).
    pub fn sns_attribute(mut self, name: impl Into<String>, value: impl Into<MessageAttribute>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }
    /// Publish contract: every event body must have these top-level keys. Checked **before** the
    /// write, so an event that could not be published never leaves a written item behind.
    pub fn required_payload_keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.contract.payload_keys = keys.into_iter().map(Into::into).collect();
        self
    }
    /// Publish contract: every event must carry these message attributes (checked before the write).
    pub fn required_attributes<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.contract.attributes = names.into_iter().map(Into::into).collect();
        self
    }

    /// Signs every page cursor this adapter's repositories mint with HMAC-SHA256 under `key`, and
    /// accepts only cursors whose tag verifies (under it or an
    /// [`accept_cursor_key`](Self::accept_cursor_key)): a client can then neither forge nor alter a
    /// start key. `key` is a secret of the service, at least
    /// [`MIN_CURSOR_KEY_LEN`](crate::cursor::MIN_CURSOR_KEY_LEN) (32) bytes (random bytes, not a
    /// password), or `build` fails with [`Error::Config`]. See [`cursor`](crate::cursor) for what
    /// this covers and what it does not.
    ///
    /// ```no_run
    /// # async fn demo(secret: Vec<u8>) -> daplug_runtime::Result<()> {
    /// let adapter = daplug_runtime::Adapter::builder()
    ///     .table("orders")
    ///     .hash_key("pk")
    ///     .cursor_key(secret) // e.g. 32 random bytes from the service's secret store
    ///     .from_env()
    ///     .await?;
    /// # let _ = adapter; Ok(()) }
    /// ```
    pub fn cursor_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.cursor_key = Some(key.into());
        self
    }
    /// Also accepts cursors signed with `key` (a retired [`cursor_key`](Self::cursor_key), while the
    /// cursors it signed are still in clients' hands); new cursors are signed with `cursor_key`
    /// only. Call it once per key. Needs a `cursor_key`; the same minimum length applies.
    pub fn accept_cursor_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.accepted_cursor_keys.push(key.into());
        self
    }

    /// Loads the standard AWS configuration chain (region, credentials, `AWS_ENDPOINT_URL`), applies
    /// the endpoint and region overrides, and builds.
    pub async fn from_env(mut self) -> Result<Adapter> {
        if self.sdk_config.is_none() && (self.client.is_none() || self.needs_sns_client()) {
            let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
            if let Some(url) = &self.endpoint_url {
                loader = loader.endpoint_url(url);
            }
            if let Some(region) = &self.region {
                loader = loader.region(aws_config::Region::new(region.clone()));
            }
            self.sdk_config = Some(loader.load().await);
        }
        self.build()
    }

    #[cfg(feature = "sns")]
    fn needs_sns_client(&self) -> bool {
        self.sink.is_none() && self.sns_topic.is_some() && self.sns_client.is_none()
    }

    #[cfg(not(feature = "sns"))]
    fn needs_sns_client(&self) -> bool {
        false
    }

    /// Builds with the given client(s) or [`sdk_config`](Self::sdk_config); use
    /// [`from_env`](Self::from_env) to load the environment's configuration.
    pub fn build(self) -> Result<Adapter> {
        let table = self
            .table
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Error::Config("a table name is required (AdapterBuilder::table)".into()))?;
        let hash_key = self.hash_key.filter(|k| !k.is_empty()).ok_or_else(|| {
            Error::Config(format!("table `{table}`: a hash key is required (AdapterBuilder::hash_key)"))
        })?;
        let range_key = self.range_key.filter(|k| !k.is_empty());
        if range_key.as_deref() == Some(hash_key.as_str()) {
            return Err(Error::Config(format!("table `{table}`: hash and range key are both `{hash_key}`")));
        }
        if self.prefixes.range.is_some() && range_key.is_none() {
            return Err(Error::Config(format!("table `{table}`: a range prefix needs a range key")));
        }
        let lock = match (self.lock_attribute, self.lock_policy) {
            (Some(attribute), policy) => Some(LockConfig {
                attribute,
                policy: policy.unwrap_or(LockPolicy::Equality),
                require_existing: self.require_lock_value,
            }),
            (None, Some(_)) => {
                return Err(Error::Config(format!("table `{table}`: a lock policy needs an idempotence_key")))
            }
            (None, None) => None,
        };
        if let Some(lock) = &lock {
            if lock.attribute == hash_key || range_key.as_deref() == Some(lock.attribute.as_str()) {
                return Err(Error::Config(format!(
                    "table `{table}`: the idempotence key `{}` cannot be a key attribute",
                    lock.attribute
                )));
            }
        }
        let cursor_keys = CursorKeys::new(self.cursor_key.as_deref(), &self.accepted_cursor_keys)?;
        let config = self.sdk_config.as_ref();
        let client = match (self.client, config) {
            (Some(client), _) => self.timeouts.dynamodb(&client),
            (None, Some(config)) => self.timeouts.dynamodb(&aws_sdk_dynamodb::Client::new(config)),
            (None, None) => {
                return Err(Error::Config(
                    "no DynamoDB client: pass one with `client`, an `sdk_config`, or use `from_env`".into(),
                ))
            }
        };
        #[cfg(feature = "sns")]
        let sink: Option<Arc<dyn EventSink>> = match (self.sink, self.sns_topic) {
            (Some(sink), _) => Some(sink),
            (None, Some(topic)) => {
                let sns = match (self.sns_client, config) {
                    (Some(sns), _) => self.timeouts.sns(&sns),
                    (None, Some(config)) => self.timeouts.sns(&aws_sdk_sns::Client::new(config)),
                    (None, None) => {
                        return Err(Error::Config(
                            "sns_topic is set but there is no SNS client: pass `sns_client`, an `sdk_config`, or use `from_env`".into(),
                        ))
                    }
                };
                Some(Arc::new(SnsSink::new(sns, topic)))
            }
            (None, None) => None,
        };
        #[cfg(not(feature = "sns"))]
        let sink = self.sink;
        if let Some((name, _)) =
            self.attributes.iter().find(|(name, value)| name.is_empty() || value.as_str().is_empty())
        {
            return Err(Error::Config(format!("event attribute `{name}` has an empty name or value")));
        }
        let keys = KeyConfig { hash_key, range_key };
        Ok(Adapter {
            inner: Arc::new(AdapterInner {
                client,
                table,
                rules: self.prefixes.rules(&keys),
                keys,
                prefixes: self.prefixes,
                sink,
                attributes: self.attributes,
                contract: self.contract,
                lock,
                cursor_keys,
            }),
        })
    }
}
