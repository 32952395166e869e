//! Writes whose answer was lost: the fault layer forwards the write, then drops the response, so the
//! write happened and the SDK retries it. A retry that finds this call's own write is a success with
//! one event; a retry that finds another writer's item (written in between by a hook) is a conflict.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::config::retry::RetryConfig;
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::{Adapter, Error, KeyAttribute, KeyType, Model, ModelMeta, Repository};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::fault_layer::{Faults, Schedule};
use crate::harness::{backend, create_table, raw_get, sdk_config, unique, TableSpec, Topic};

/// A counter with a version and a timestamp, for every lock policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counter {
    pub pk: String,
    pub sk: String,
    #[serde(default)]
    pub n: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CounterKey {
    pub pk: String,
    pub sk: String,
}

impl Model for Counter {
    type Key = CounterKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }),
        range_key: Some(KeyAttribute { name: "sk", key_type: KeyType::S }),
        ..ModelMeta::named("Counter")
    };
}

pub fn counter(pk: &str, n: i64) -> Counter {
    Counter { pk: pk.into(), sk: "c".into(), n, version: None, modified: None }
}

pub fn key(pk: &str) -> CounterKey {
    CounterKey { pk: pk.into(), sk: "c".into() }
}

/// SDK retries with a short backoff, as a default client retries a dropped connection.
pub fn quick_retry() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(5))
}

/// A world: a table, a topic, an adapter whose DynamoDB client goes through `faults` (with SDK
/// retries), and a plain client for competing writes and checks.
pub struct World {
    pub repo: Repository<Counter>,
    pub config: aws_config::SdkConfig,
    pub table: String,
    pub topic: Topic,
}

pub async fn world(faults: &Arc<Faults>, lock: Option<LockPolicy>) -> World {
    world_with_retry(faults, lock, quick_retry()).await
}

/// A [`world`] whose client retries as `retry` says.
pub async fn world_with_retry(faults: &Arc<Faults>, lock: Option<LockPolicy>, retry: RetryConfig) -> World {
    let config = sdk_config().await;
    let table = create_table(&config, &TableSpec { hash: "pk", range: Some("sk"), indexes: &[] }).await;
    let topic = Topic::create(&config).await;
    let mut builder = Adapter::builder()
        .client(faults.client_with_retry(&config, retry))
        .sdk_config(config.clone())
        .table(&table)
        .hash_key("pk")
        .range_key("sk")
        .sns_topic(&topic.arn);
    if let Some(policy) = lock {
        let attribute = if policy == LockPolicy::Version { "version" } else { "modified" };
        builder = builder.idempotence_key(attribute).lock_policy(policy);
    }
    World { repo: builder.build().unwrap().repository::<Counter>(), config, table, topic }
}

impl World {
    /// Writes `item` straight to the table (another writer).
    pub async fn raw_put(&self, item: &Counter) {
        aws_sdk_dynamodb::Client::new(&self.config)
            .put_item()
            .table_name(&self.table)
            .set_item(Some(serde_dynamo::to_item(item).unwrap()))
            .send()
            .await
            .unwrap();
    }

    pub async fn stored(&self, pk: &str) -> Option<Counter> {
        raw_get(&self.config, &self.table, pk, "c").await.map(|item| serde_dynamo::from_item(item).unwrap())
    }

    /// A hook that writes `item` as another writer.
    pub fn competitor(&self, item: Counter) -> impl FnOnce() -> futures::future::BoxFuture<'static, ()> + Send {
        let (config, table) = (self.config.clone(), self.table.clone());
        move || {
            Box::pin(async move {
                aws_sdk_dynamodb::Client::new(&config)
                    .put_item()
                    .table_name(&table)
                    .set_item(Some(serde_dynamo::to_item(&item).unwrap()))
                    .send()
                    .await
                    .unwrap();
            })
        }
    }
}

pub fn dropping(operation: &'static str, times: usize) -> Arc<Faults> {
    Faults::new(Schedule { drop_response: [(operation, times)].into(), ..Schedule::default() })
}

#[tokio::test]
async fn an_insert_whose_answer_was_lost_succeeds_and_publishes_once() {
    crate::spans::install();
    for lock in [None, Some(LockPolicy::Version)] {
        let faults = dropping("PutItem", 1);
        let w = world(&faults, lock).await;
        w.repo.insert(&counter("a", 1)).await.unwrap();
        let record = faults.record();
        assert_eq!(record.attempts["PutItem"], 2, "the SDK retried the dropped insert");
        assert_eq!(record.dropped["PutItem"], 1);
        let events = w.topic.drain().await;
        assert_eq!(events.len(), 1, "{lock:?}: one event");
        assert_eq!(events[0].body["n"], 1);
        assert_eq!(w.stored("a").await.unwrap().n, 1);
        assert_eq!(crate::spans::own_retries(&w.table), 1, "{lock:?}: the insert's span records its own retry");
    }
}

#[tokio::test]
async fn an_insert_that_finds_another_writers_item_on_its_retry_is_already_exists() {
    let faults = dropping("PutItem", 1);
    let w = world(&faults, None).await;
    // The insert lands, then another writer replaces it before the retry.
    faults.before_drop(w.competitor(counter("a", 99)));
    let err = w.repo.insert(&counter("a", 1)).await.unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
    assert_eq!(faults.record().attempts["PutItem"], 2);
    assert!(w.topic.drain().await.is_empty(), "no event for a refused insert");
    assert_eq!(w.stored("a").await.unwrap().n, 99);
}

#[tokio::test]
async fn an_insert_of_an_identical_item_already_there_is_still_already_exists() {
    // No retry happened, so the stored twin is not this call's write.
    let faults = dropping("PutItem", 0);
    let w = world(&faults, None).await;
    w.raw_put(&counter("a", 1)).await;
    let err = w.repo.insert(&counter("a", 1)).await.unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
    // Also through an adapter built on another adapter's client (attempts are counted once).
    let again = Adapter::builder().client(w.repo.adapter().client().clone()).table(&w.table).hash_key("pk");
    let again = again.range_key("sk").build().unwrap().repository::<Counter>();
    let err = again.insert(&counter("a", 1)).await.unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
}

#[tokio::test]
async fn a_versioned_overwrite_whose_answer_was_lost_succeeds_and_a_competing_version_conflicts() {
    let faults = dropping("PutItem", 2);
    let w = world(&faults, Some(LockPolicy::Version)).await;
    w.raw_put(&Counter { version: Some(3), ..counter("a", 1) }).await;
    w.repo.overwrite(&Counter { version: Some(3), ..counter("a", 2) }).await.unwrap();
    assert_eq!(w.stored("a").await.unwrap(), Counter { version: Some(4), ..counter("a", 2) });
    assert_eq!(w.topic.drain().await.len(), 1);

    faults.before_drop(w.competitor(Counter { version: Some(5), ..counter("a", 50) }));
    let err = w.repo.overwrite(&Counter { version: Some(4), ..counter("a", 3) }).await.unwrap_err();
    let current = err.current::<Counter>().expect("conflict with the stored item").unwrap();
    assert_eq!(current.n, 50, "{err:?}");
    assert!(w.topic.drain().await.is_empty());
}

/// The patch of increment `i` under `policy`: the timestamp moves forward under the timestamp
/// policies (as a caller bumping `modified` does).
fn increment(policy: Option<LockPolicy>, n: i64, i: u32) -> serde_json::Value {
    match policy {
        Some(LockPolicy::Equality | LockPolicy::LatestWins) => {
            json!({ "n": n + 1, "modified": format!("2026-01-01T00:00:{:02}Z", i + 1) })
        }
        _ => json!({ "n": n + 1 }),
    }
}

#[tokio::test]
async fn updates_whose_answers_were_lost_apply_once_under_every_policy() {
    const ROUNDS: u32 = 6;
    for policy in [None, Some(LockPolicy::Equality), Some(LockPolicy::Version), Some(LockPolicy::LatestWins)] {
        // Every write's answer is dropped once.
        let faults = dropping("PutItem", ROUNDS as usize);
        let w = world(&faults, policy).await;
        w.raw_put(&Counter { modified: Some("2026-01-01T00:00:00Z".into()), ..counter("a", 0) }).await;
        for i in 0..ROUNDS {
            let n = w.stored("a").await.unwrap().n;
            let updated = w.repo.update(&key("a"), &increment(policy, n, i)).await;
            assert_eq!(updated.unwrap().n, n + 1, "{policy:?} round {i}");
        }
        assert_eq!(faults.record().dropped["PutItem"], ROUNDS as usize);
        let stored = w.stored("a").await.unwrap();
        assert_eq!(stored.n, i64::from(ROUNDS), "{policy:?}: each increment applied once");
        if policy == Some(LockPolicy::Version) {
            assert_eq!(stored.version, Some(i64::from(ROUNDS)));
        }
        let events = w.topic.drain().await;
        assert_eq!(events.len(), ROUNDS as usize, "{policy:?}: one event per update");
    }
}

#[tokio::test]
async fn an_update_that_finds_another_writers_item_on_its_retry_is_a_conflict_under_every_lock() {
    for policy in [LockPolicy::Equality, LockPolicy::Version, LockPolicy::LatestWins] {
        let faults = dropping("PutItem", 1);
        let w = world(&faults, Some(policy)).await;
        let seed = Counter { version: Some(1), modified: Some("2026-01-01T00:00:00Z".into()), ..counter("a", 0) };
        w.raw_put(&seed).await;
        let other =
            Counter { n: 40, version: Some(2), modified: Some("2026-01-01T00:00:05Z".into()), ..counter("a", 0) };
        faults.before_drop(w.competitor(other.clone()));
        let err = w.repo.update(&key("a"), &increment(Some(policy), 0, 0)).await.unwrap_err();
        let current = err.current::<Counter>().expect("conflict with the stored item").unwrap();
        assert_eq!(current, other, "{policy:?}");
        assert!(w.topic.drain().await.is_empty(), "{policy:?}: no event");
    }
}

#[tokio::test]
async fn a_retried_delete_that_finds_the_item_gone_reports_an_unknown_outcome() {
    for conditional in [false, true] {
        let faults = dropping("DeleteItem", 1);
        let w = world(&faults, Some(LockPolicy::Version)).await;
        w.raw_put(&Counter { version: Some(2), ..counter("a", 1) }).await;
        let delete = w.repo.delete(&key("a"));
        let delete = if conditional { delete.if_lock_value(2) } else { delete };
        let err = delete.await.unwrap_err();
        assert!(matches!(&err, Error::OutcomeUnknown { operation: "DeleteItem", .. }), "{err:?}");
        assert!(err.maybe_written());
        assert_eq!(faults.record().attempts["DeleteItem"], 2);
        assert!(w.stored("a").await.is_none(), "the first attempt deleted it");
        assert!(w.topic.drain().await.is_empty(), "the old item is unknown: no event");
    }
}

#[tokio::test]
async fn a_retried_conditional_delete_that_finds_another_writers_item_is_a_conflict() {
    let faults = dropping("DeleteItem", 1);
    let w = world(&faults, Some(LockPolicy::Version)).await;
    w.raw_put(&Counter { version: Some(2), ..counter("a", 1) }).await;
    faults.before_drop(w.competitor(Counter { version: Some(7), ..counter("a", 70) }));
    let err = w.repo.delete(&key("a")).if_lock_value(2).await.unwrap_err();
    let current = err.current::<Counter>().expect("conflict with the stored item").unwrap();
    assert_eq!(current.n, 70);
    assert_eq!(w.stored("a").await.unwrap().n, 70);
}

#[tokio::test]
async fn a_delete_answered_first_time_is_unchanged() {
    let faults = dropping("DeleteItem", 0);
    let w = world(&faults, None).await;
    assert!(w.repo.delete(&key("absent")).await.unwrap().is_none(), "absent without a retry: nothing deleted");
    w.raw_put(&counter("a", 1)).await;
    assert_eq!(w.repo.delete(&key("a")).await.unwrap().unwrap().n, 1);
    assert_eq!(w.topic.drain().await.len(), 1);
}

#[tokio::test]
async fn a_transaction_sends_one_client_request_token_on_every_attempt() {
    let faults = dropping("TransactWriteItems", 1);
    let w = world(&faults, None).await;
    let adapter = w.repo.adapter().clone();
    let result = adapter.transact_write().insert(&w.repo, &counter("a", 1)).await;
    let record = faults.record();
    assert_eq!(record.tokens.len(), 2, "the SDK retried the dropped transaction");
    assert!(!record.tokens[0].is_empty());
    assert_eq!(record.tokens[0], record.tokens[1], "the retry carries the first attempt's token");
    // DynamoDB answers the repeated token with the first attempt's success, without applying the
    // transaction again (API reference, TransactWriteItems, ClientRequestToken). moto ignores the
    // token (`Backend::ignores_client_request_token`): its retry sees the first attempt's item and
    // cancels. Either way the item was written exactly once, by the first attempt.
    if backend().ignores_client_request_token() {
        match result {
            Err(Error::TransactionCanceled { reasons }) => {
                assert_eq!(reasons[0].code.as_deref(), Some("ConditionalCheckFailed"), "{reasons:?}");
            }
            other => panic!("expected moto's cancellation, got {other:?}"),
        }
    } else {
        result.unwrap();
        assert_eq!(w.topic.drain().await.len(), 1, "one event for the transaction");
    }
    assert_eq!(w.stored("a").await.unwrap().n, 1);
    // A token of the caller's is sent as given. It is unique to this run: DynamoDB refuses a token
    // reused within 10 minutes for a different request (IdempotentParameterMismatchException).
    let token = unique("token");
    adapter.transact_write().insert(&w.repo, &counter("b", 1)).client_request_token(&token).await.unwrap();
    assert_eq!(faults.record().tokens.last(), Some(&token));
}
