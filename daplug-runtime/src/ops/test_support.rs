//! Fixtures for the unit tests of the operations' plans: an adapter whose client is never called and
//! a small model.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::adapter::{Adapter, AdapterBuilder};
use crate::events::{EventSink, Message, SinkError};
use crate::model::{KeyAttribute, KeyType, Model, ModelMeta};

/// A DynamoDB client for plans only: building requests never touches the network.
fn offline_client() -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// An adapter on table `things` keyed by `pk`, configured further by `configure`.
pub(crate) fn adapter(configure: impl FnOnce(AdapterBuilder) -> AdapterBuilder) -> Adapter {
    let builder = Adapter::builder().table("things").hash_key("pk").client(offline_client());
    configure(builder).build().expect("test adapter")
}

/// A sink that accepts every event.
struct Accept;

impl EventSink for Accept {
    fn publish(&self, _event: Message) -> BoxFuture<'_, Result<(), SinkError>> {
        Box::pin(async { Ok(()) })
    }
}

/// [`adapter`] with an event sink.
pub(crate) fn adapter_with_sink() -> Adapter {
    adapter(|b| b.event_sink(std::sync::Arc::new(Accept)))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Thing {
    pub(crate) pk: String,
    pub(crate) n: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<i64>,
}

impl Thing {
    pub(crate) fn new(pk: &str, n: i64) -> Self {
        Thing { pk: pk.to_owned(), n, version: None }
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ThingKey {
    pk: String,
}

impl ThingKey {
    pub(crate) fn new(pk: &str) -> Self {
        ThingKey { pk: pk.to_owned() }
    }
}

impl Model for Thing {
    type Key = ThingKey;
    type Patch = serde_json::Value;
    const META: ModelMeta =
        ModelMeta { hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }), ..ModelMeta::named("Thing") };
}
