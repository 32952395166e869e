//! Fixtures for the unit tests of the operations' plans: an adapter whose client is never called and
//! a small model.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::adapter::{Adapter, AdapterBuilder};
use crate::events::{EventSink, Message, SinkError};
use crate::meta::{KeyAttribute, KeyType, ModelMeta};
use crate::model::Model;

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

/// A family (single-table design) written by hand: an order and its line items under one
/// partition, told apart by `kind`; line items' sort keys carry `LINE#`, orders' `ORDER#`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub(crate) enum Part {
    #[serde(rename = "order")]
    Order { pk: String, sk: String, total: i64 },
    #[serde(rename = "line")]
    Line { pk: String, sk: String, qty: i64 },
}

/// A [`Part`]'s key: the variant says which entity (and so which prefixes) it names.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum PartKey {
    Order { pk: String, sk: String },
    Line { pk: String, sk: String },
}

pub(crate) const ORDER: crate::entity::Entity = crate::entity::Entity {
    range_prefix: Some("ORDER#"),
    tag: Some(("kind", "order")),
    ..crate::entity::Entity::named("Order")
};
pub(crate) const LINE: crate::entity::Entity = crate::entity::Entity {
    range_prefix: Some("LINE#"),
    tag: Some(("kind", "line")),
    ..crate::entity::Entity::named("LineItem")
};

impl Model for Part {
    type Key = PartKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }),
        range_key: Some(KeyAttribute { name: "sk", key_type: KeyType::S }),
        ..ModelMeta::named("Part")
    };

    fn entity_of_item(item: &crate::codec::item::Item) -> crate::error::Result<crate::entity::Entity> {
        match crate::entity::tag_value(item, "kind") {
            Some("order") => Ok(ORDER),
            Some("line") => Ok(LINE),
            _ => Err(crate::entity::unknown_tag("Part", "kind", item)),
        }
    }

    fn entity_of_key(key: &PartKey) -> crate::entity::Entity {
        match key {
            PartKey::Order { .. } => ORDER,
            PartKey::Line { .. } => LINE,
        }
    }
}

/// [`adapter`] keyed by `pk` and `sk`, configured further by `configure`.
pub(crate) fn family_adapter(configure: impl FnOnce(AdapterBuilder) -> AdapterBuilder) -> Adapter {
    adapter(|b| configure(b.range_key("sk")))
}

/// One variant of [`Part`] as a model of its own: its repository reads and writes line items only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LineItem {
    pub(crate) kind: String,
    pub(crate) pk: String,
    pub(crate) sk: String,
    pub(crate) qty: i64,
}

impl Model for LineItem {
    type Key = PartKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = Part::META;
    const ENTITY: crate::entity::Entity = LINE;

    fn entity_of_item(item: &crate::codec::item::Item) -> crate::error::Result<crate::entity::Entity> {
        match crate::entity::tag_value(item, "kind") {
            Some("line") => Ok(LINE),
            _ => Err(crate::entity::unknown_tag("LineItem", "kind", item)),
        }
    }
}

/// A variant without a sort-key prefix of its own: its reads are narrowed by its tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Note {
    pub(crate) kind: String,
    pub(crate) pk: String,
    pub(crate) sk: String,
}

impl Model for Note {
    type Key = PartKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = Part::META;
    const ENTITY: crate::entity::Entity =
        crate::entity::Entity { tag: Some(("kind", "note")), ..crate::entity::Entity::named("Note") };
}
