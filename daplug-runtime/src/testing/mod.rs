//! Testing without AWS (feature `testing`): a model's table in an in-process DynamoDB, and the events
//! its writes would publish, recorded instead of sent. No Docker, no Python, no network.
//!
//! [`TestTable::create`] is the one call: it starts a fresh [`Emulator`], builds an [`Adapter`] from
//! the model's metadata (keys, prefixes and lock attribute from `x-daplug` or `#[daplug]`), creates
//! the table with the model's indexes, and records events in a [`RecordingSink`].
//!
//! ```
//! use daplug_runtime::events::Operation;
//! use daplug_runtime::testing::TestTable;
//! use daplug_runtime::{KeyAttribute, KeyType, Model, ModelMeta};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
//! struct Order {
//!     id: String,
//!     status: String,
//! }
//!
//! #[derive(Serialize)]
//! struct OrderKey {
//!     id: String,
//! }
//!
//! impl Model for Order {
//!     type Key = OrderKey;
//!     type Patch = serde_json::Value;
//!     const META: ModelMeta = ModelMeta {
//!         hash_key: Some(KeyAttribute { name: "id", key_type: KeyType::S }),
//!         hash_prefix: Some("order#"),
//!         ..ModelMeta::named("Order")
//!     };
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // In a service: #[tokio::test] async fn ...() -> Result<(), Box<dyn std::error::Error>>
//! let table = TestTable::<Order>::create().await?;
//! let orders = table.repository();
//! let order = Order { id: "o-1".into(), status: "open".into() };
//! orders.insert(&order).sns_attribute("priority", 2).await?;
//!
//! assert_eq!(orders.get(&OrderKey { id: "o-1".into() }).await?, Some(order));
//! let stored = table.emulator().client().scan().table_name(table.adapter().table()).send().await?;
//! assert_eq!(stored.items()[0]["id"].as_s().ok().map(String::as_str), Some("order#o-1"));
//!
//! let events = table.events().take();
//! assert_eq!(events.len(), 1);
//! assert_eq!(events[0].operation, Operation::Insert);
//! assert_eq!(events[0].body, r#"{"id": "o-1", "status": "open"}"#); // the SNS Message, as sent
//! assert_eq!(events[0].attributes["priority"].data_type(), "Number");
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::adapter::{Adapter, AdapterBuilder, Repository};
use crate::model::Model;

mod emulator;
mod sink;

pub use emulator::Emulator;
pub use sink::RecordingSink;

/// Why a [`TestTable`] could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The in-process emulator did not start (no loopback port, no thread, SQLite failed).
    #[error("the in-process DynamoDB emulator did not start: {0}")]
    Emulator(#[from] std::io::Error),
    /// The adapter did not build (the model declares no hash key and none was configured, ...), or
    /// the table could not be created.
    #[error(transparent)]
    Table(#[from] crate::Error),
}

/// A model's table in a fresh in-process DynamoDB, with an adapter on it whose events are recorded.
///
/// The emulator lives as long as the `TestTable`: adapters and repositories taken from it fail with a
/// refused connection once it is dropped. See the [module docs](self) for an example.
pub struct TestTable<M: Model> {
    adapter: Adapter,
    events: Arc<RecordingSink>,
    emulator: Emulator,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> TestTable<M> {
    /// A fresh emulator holding an empty table for `M`, named after the model's schema, with `M`'s
    /// keys, key types, prefixes, lock attribute and indexes; events recorded.
    pub async fn create() -> Result<Self, SetupError> {
        Self::configure(|builder| builder).await
    }

    /// [`create`](Self::create), with the adapter configured further before it is built (the
    /// builder comes with the emulator's client, the table name, [`keys_from::<M>`] and the
    /// recording sink): `TestTable::<Order>::configure(|b| b.sns_attribute("source", "orders"))`.
    /// Setting another `event_sink` replaces the recorder (whose list then stays empty).
    ///
    /// [`keys_from::<M>`]: AdapterBuilder::keys_from
    pub async fn configure(configure: impl FnOnce(AdapterBuilder) -> AdapterBuilder) -> Result<Self, SetupError> {
        let emulator = Emulator::start()?;
        let events = Arc::new(RecordingSink::new());
        let builder = Adapter::builder()
            .client(emulator.client())
            .table(table_name(M::META.schema))
            .keys_from::<M>()
            .event_sink(events.clone());
        let adapter = configure(builder).build()?;
        adapter.create_table_if_missing::<M>().await?;
        Ok(TestTable { adapter, events, emulator, _model: PhantomData })
    }

    /// The repository of `M` on the table.
    pub fn repository(&self) -> Repository<M> {
        self.adapter.repository::<M>()
    }

    /// The adapter on the table (for other models on the same table, or its client).
    pub fn adapter(&self) -> &Adapter {
        &self.adapter
    }

    /// The events the adapter's writes would have published.
    pub fn events(&self) -> &Arc<RecordingSink> {
        &self.events
    }

    /// The emulator holding the table (its endpoint, a client for raw calls).
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }
}

impl<M: Model> fmt::Debug for TestTable<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestTable")
            .field("model", &std::any::type_name::<M>())
            .field("adapter", &self.adapter)
            .field("events", &self.events.len())
            .field("emulator", &self.emulator)
            .finish()
    }
}

/// A valid DynamoDB table name from a schema name: characters outside `[A-Za-z0-9_.-]` become `_`,
/// at least 3 and at most 255 characters (DynamoDB's rule, `CreateTable` API reference).
fn table_name(schema: &str) -> String {
    let mut name: String = schema
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' })
        .take(255)
        .collect();
    while name.len() < 3 {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tests share them across threads and tasks (a `static`, a spawned task).
    #[test]
    fn the_kit_is_send_and_sync() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<Emulator>();
        shared::<RecordingSink>();
        shared::<TestTable<crate::ops::test_support::Thing>>();
    }

    #[test]
    fn table_names_are_valid_for_every_schema_name() {
        assert_eq!(table_name("test-dynamo-model"), "test-dynamo-model");
        assert_eq!(table_name("api.v2010 account/é"), "api.v2010_account__");
        assert_eq!(table_name("A"), "A__");
        assert_eq!(table_name(&"x".repeat(300)).len(), 255);
    }

    #[tokio::test]
    async fn recorded_events_are_kept_in_order_and_taken_once() {
        use crate::events::{EventSink, Message, Operation};
        let sink = RecordingSink::new();
        let event = |body: &str| Message {
            operation: Operation::BatchInsert,
            schema: "T",
            body: body.into(),
            attributes: Default::default(),
            group_id: None,
            deduplication_id: None,
        };
        sink.publish_batch(vec![event("1"), event("2")]).await.unwrap();
        sink.publish(event("3")).await.unwrap();
        assert_eq!(sink.len(), 3);
        let bodies: Vec<String> = sink.take().into_iter().map(|e| e.body).collect();
        assert_eq!(bodies, ["1", "2", "3"]);
        assert!(sink.is_empty() && sink.events().is_empty());
    }
}
