//! Table management: create from model metadata, and drift checks against DescribeTable.

use daplug_runtime::table::Drift;
use daplug_runtime::{Adapter, IndexMeta, KeyAttribute, KeyType, Model, ModelMeta};
use serde::{Deserialize, Serialize};

use crate::harness::{backend, create_table, endpoint, in_process_emulator, sdk_config, unique, Backend, TableSpec};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Event {
    stream: String,
    seq: i64,
    kind: String,
}

const STREAM: KeyAttribute = KeyAttribute { name: "stream", key_type: KeyType::S };
const SEQ: KeyAttribute = KeyAttribute { name: "seq", key_type: KeyType::N };
const KIND: KeyAttribute = KeyAttribute { name: "kind", key_type: KeyType::S };

impl Model for Event {
    type Key = serde_json::Value;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(STREAM),
        range_key: Some(SEQ),
        indexes: &[IndexMeta { name: "kind-index", hash_key: KIND, range_key: Some(SEQ) }],
        ..ModelMeta::named("Event")
    };
}

#[tokio::test]
async fn creates_the_table_with_typed_keys_and_indexes_once() {
    let config = sdk_config().await;
    let adapter = Adapter::builder().sdk_config(config).table(unique("managed")).keys_from::<Event>().build().unwrap();
    assert_eq!(adapter.table_drift::<Event>().await.unwrap(), vec![Drift::MissingTable]);
    assert!(adapter.create_table_if_missing::<Event>().await.unwrap());
    assert!(!adapter.create_table_if_missing::<Event>().await.unwrap());
    assert_eq!(adapter.table_drift::<Event>().await.unwrap(), vec![]);
    let repo = adapter.repository::<Event>();
    let event = Event { stream: "s".into(), seq: 2, kind: "k".into() };
    repo.insert(&event).await.unwrap();
    let by_kind = repo.query().index("kind-index").key_eq("kind", "k").key(daplug_runtime::Condition::gt("seq", 1));
    assert_eq!(by_kind.await.unwrap().items, vec![event]);
}

#[tokio::test]
async fn drift_reports_each_difference() {
    let config = sdk_config().await;
    // A pk/sk string table with a status index: wrong names, wrong range type, missing index.
    let table = create_table(&config, &TableSpec::STANDARD).await;
    let adapter = Adapter::builder().sdk_config(config).table(table).keys_from::<Event>().build().unwrap();
    let drift = adapter.table_drift::<Event>().await.unwrap();
    assert_eq!(
        drift,
        vec![
            Drift::Key { index: None, role: "HASH", expected: "`stream` (S)".into(), found: "`pk` (S)".into() },
            Drift::Key { index: None, role: "RANGE", expected: "`seq` (N)".into(), found: "`sk` (S)".into() },
            Drift::MissingIndex("kind-index".into()),
        ]
    );
    assert_eq!(drift[1].to_string(), "table: RANGE key is `sk` (S), expected `seq` (N)");
}

/// DynamoDB requests reach the backend of this run, and only it: a client that fell back to the
/// shared endpoint would test moto twice and call it two backends.
#[tokio::test]
async fn tables_are_created_on_the_backend_of_this_run() {
    let config = sdk_config().await;
    let table = create_table(&config, &TableSpec::STANDARD).await;
    let moto = aws_sdk_dynamodb::config::Builder::from(&config).endpoint_url(endpoint()).build();
    let on_moto = aws_sdk_dynamodb::Client::from_conf(moto).describe_table().table_name(&table).send().await.is_ok();
    match backend() {
        Backend::Moto => assert!(on_moto, "the table is on moto"),
        Backend::Dynoxide => {
            assert!(!on_moto, "the table is not on moto");
            let described = in_process_emulator().client().describe_table().table_name(&table).send().await;
            assert!(described.is_ok(), "the table is in the in-process emulator: {described:?}");
        }
    }
}
