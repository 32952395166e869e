//! Per-call settings shared by every request type: prefix overrides and event options.

use std::collections::BTreeMap;

use crate::config::{AdapterInner, PrefixValues};
use crate::error::{Error, Result};
use crate::events::{to_python_json, Event, MessageAttribute, Operation};
use crate::prefix::Prefixes;

/// Settings layered over the adapter's defaults for one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    /// `Some("")` turns the side off for this call.
    pub(crate) hash_prefix: Option<String>,
    pub(crate) range_prefix: Option<String>,
    pub(crate) attributes: BTreeMap<String, MessageAttribute>,
    pub(crate) no_publish: bool,
    pub(crate) group_id: Option<String>,
    pub(crate) deduplication_id: Option<String>,
    /// Replaces the event body (daplug-ddb's `publish_data`).
    pub(crate) payload: Option<serde_json::Value>,
}

impl CallOptions {
    /// The prefix rules for this call: adapter values overlaid with the per-call ones.
    pub(crate) fn prefixes(&self, adapter: &AdapterInner) -> Prefixes {
        let values = PrefixValues {
            hash: self.hash_prefix.clone().or_else(|| adapter.prefixes.hash.clone()),
            range: self.range_prefix.clone().or_else(|| adapter.prefixes.range.clone()),
        };
        values.rules(&adapter.keys)
    }

    /// Builds the event for a successful write, or `None` when no sink is configured or publishing
    /// is off for this call. `body` is the unprefixed model or item rendered by
    /// [`to_python_json`], rendered by the caller while it still holds the model.
    pub(crate) fn event(
        &self,
        adapter: &AdapterInner,
        operation: Operation,
        schema: &'static str,
        body: &serde_json::Result<String>,
    ) -> Result<Option<Event>> {
        if adapter.sink.is_none() || self.no_publish {
            return Ok(None);
        }
        let mut attributes = adapter.attributes.clone();
        attributes.insert("schema".into(), schema.into());
        attributes.extend(self.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
        // The operation is a fact about the write, not a setting: callers cannot override it.
        attributes.insert("operation".into(), operation.as_str().into());
        if let Some((name, _)) = attributes.iter().find(|(n, v)| n.is_empty() || v.as_str().is_empty()) {
            return Err(Error::Config(format!("event attribute `{name}` has an empty name or value")));
        }
        let serialize_error = |err: serde_json::Error| Error::Serialize { schema, message: err.to_string() };
        let body = match (&self.payload, body) {
            (Some(replacement), _) => to_python_json(replacement).map_err(serialize_error)?,
            (None, Ok(body)) => body.clone(),
            (None, Err(err)) => return Err(Error::Serialize { schema, message: err.to_string() }),
        };
        let contract = &adapter.contract;
        if !contract.payload_keys.is_empty() || !contract.attributes.is_empty() {
            let value: serde_json::Value = serde_json::from_str(&body).map_err(serialize_error)?;
            let missing_payload_keys: Vec<String> =
                contract.payload_keys.iter().filter(|key| value.get(key.as_str()).is_none()).cloned().collect();
            let missing_attributes: Vec<String> =
                contract.attributes.iter().filter(|name| !attributes.contains_key(name.as_str())).cloned().collect();
            if !missing_payload_keys.is_empty() || !missing_attributes.is_empty() {
                return Err(Error::PublishContract { missing_payload_keys, missing_attributes });
            }
        }
        Ok(Some(Event {
            operation,
            schema,
            body,
            attributes,
            group_id: self.group_id.clone(),
            deduplication_id: self.deduplication_id.clone(),
        }))
    }
}

/// Publishes `event` (if any) after a successful write; a failure carries the written item.
pub(crate) async fn publish(adapter: &AdapterInner, event: Option<Event>) -> Result<()> {
    let (Some(sink), Some(event)) = (adapter.sink.as_ref(), event) else {
        return Ok(());
    };
    let operation = event.operation;
    let written = serde_json::from_str(&event.body).unwrap_or(serde_json::Value::Null);
    match sink.publish(event).await {
        Ok(()) => Ok(()),
        Err(source) => {
            tracing::warn!(%operation, error = %source, "write succeeded but its event was not published");
            Err(Error::Publish { written: Box::new(written), source })
        }
    }
}

/// Adds the per-call option setters to a request type with a `call_mut(&mut self) -> &mut CallOptions`.
macro_rules! call_option_setters {
    ($ty:ident) => {
        impl<M: $crate::model::Model> $ty<M> {
            /// Overrides the hash key prefix for this call (`""` disables it).
            pub fn hash_prefix(mut self, prefix: impl Into<String>) -> Self {
                self.call_mut().hash_prefix = Some(prefix.into());
                self
            }
            /// Overrides the range key prefix for this call (`""` disables it).
            pub fn range_prefix(mut self, prefix: impl Into<String>) -> Self {
                self.call_mut().range_prefix = Some(prefix.into());
                self
            }
        }
    };
    ($ty:ident, events) => {
        call_option_setters!($ty);
        impl<M: $crate::model::Model> $ty<M> {
            /// Adds (or overrides) a message attribute on this call's event.
            pub fn sns_attribute(
                mut self,
                name: impl Into<String>,
                value: impl Into<$crate::events::MessageAttribute>,
            ) -> Self {
                self.call_mut().attributes.insert(name.into(), value.into());
                self
            }
            /// `false` skips the event for this call.
            pub fn publish(mut self, publish: bool) -> Self {
                self.call_mut().no_publish = !publish;
                self
            }
            /// Publishes this JSON instead of the written item (daplug-ddb's `publish_data`).
            pub fn publish_payload(mut self, payload: $crate::__private::serde_json::Value) -> Self {
                self.call_mut().payload = Some(payload);
                self
            }
            /// FIFO topics: the message group id of this call's event.
            pub fn fifo_group_id(mut self, id: impl Into<String>) -> Self {
                self.call_mut().group_id = Some(id.into());
                self
            }
            /// FIFO topics: the deduplication id of this call's event.
            pub fn fifo_deduplication_id(mut self, id: impl Into<String>) -> Self {
                self.call_mut().deduplication_id = Some(id.into());
                self
            }
        }
    };
}
pub(crate) use call_option_setters;
