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
    /// is off for this call. `payload` is the unprefixed model or item.
    pub(crate) fn event<T: serde::Serialize + ?Sized>(
        &self,
        adapter: &AdapterInner,
        operation: Operation,
        schema: &'static str,
        payload: &T,
    ) -> Result<Option<Event>> {
        if adapter.sink.is_none() || self.no_publish {
            return Ok(None);
        }
        let mut attributes = adapter.attributes.clone();
        attributes.extend(self.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
        attributes.insert("operation".into(), operation.as_str().into());
        if let Some((name, _)) = attributes.iter().find(|(n, v)| n.is_empty() || v.as_str().is_empty()) {
            return Err(Error::Config(format!("event attribute `{name}` has an empty name or value")));
        }
        let body = to_python_json(payload).map_err(|err| Error::Serialize { schema, message: err.to_string() })?;
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
