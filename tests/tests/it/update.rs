//! update: merge rules, key protection, fetching by query, locking policies and their events.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use daplug_runtime::lock::LockPolicy;
use daplug_runtime::ops::{ListOp, MapOp, UpdateOutcome};
use daplug_runtime::{Error, KeyAttribute, KeyType, Model, ModelMeta};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::harness::{raw_count, raw_get, standard, OrderKey, Topic};

/// A document with a counter, a list, a nested map and the locking attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
struct Doc {
    pk: String,
    sk: String,
    #[serde(default)]
    qty: i64,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
}

impl Model for Doc {
    type Key = OrderKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }),
        range_key: Some(KeyAttribute { name: "sk", key_type: KeyType::S }),
        ..ModelMeta::named("Doc")
    };
}

fn doc(pk: &str, tags: &[&str]) -> Doc {
    Doc { pk: pk.into(), sk: "1".into(), tags: tags.iter().map(|t| (*t).to_owned()).collect(), ..Doc::default() }
}

fn key(pk: &str) -> OrderKey {
    OrderKey::new(pk, "1")
}

#[tokio::test]
async fn list_operations() {
    let (builder, _, _) = standard().await;
    let docs = builder.build().unwrap().repository::<Doc>();
    docs.insert(&doc("a", &["x", "y", "y", "z"])).await.unwrap();
    let added = docs.update(&key("a"), &json!({"tags": ["z", "w", "w"]})).await.unwrap();
    assert_eq!(added.tags, ["x", "y", "y", "z", "w"], "add appends new elements once, keeps stored duplicates");
    let removed = docs.update(&key("a"), &json!({"tags": ["y", "w"]})).list_op(ListOp::Remove).await.unwrap();
    assert_eq!(removed.tags, ["x", "z"], "remove drops every equal element, adjacent ones too");
    let replaced = docs.update(&key("a"), &json!({"tags": ["q"]})).list_op(ListOp::Replace).await.unwrap();
    assert_eq!(replaced.tags, ["q"]);
    let unchanged = docs.update(&key("a"), &json!({"tags": []})).list_op(ListOp::Remove).await.unwrap();
    assert_eq!(unchanged.tags, ["q"]);
    assert_eq!(docs.get(&key("a")).await.unwrap().unwrap().tags, ["q"]);
}

#[tokio::test]
async fn deep_merge_remove_mode_and_type_errors() {
    let (builder, config, table) = standard().await;
    let docs = builder.build().unwrap().repository::<Doc>();
    let mut original = doc("a", &[]);
    original.profile = Some(json!({"name": "Ann", "address": {"city": "X", "zip": "1"}, "n": 1}));
    docs.insert(&original).await.unwrap();
    let merged = docs.update(&key("a"), &json!({"profile": {"address": {"city": "Y"}}, "qty": 3})).await.unwrap();
    assert_eq!(merged.profile, Some(json!({"name": "Ann", "address": {"city": "Y", "zip": "1"}, "n": 1})));
    assert_eq!(merged.qty, 3);
    let removed = docs
        .update(&key("a"), &json!({"profile": {"address": {"zip": null}, "n": null}}))
        .map_op(MapOp::Remove)
        .await
        .unwrap();
    assert_eq!(removed.profile, Some(json!({"name": "Ann", "address": {"city": "Y"}})));
    // A map over a scalar is a typed error naming the path; nothing is written.
    let err = docs.update(&key("a"), &json!({"profile": {"name": {"first": "A"}}})).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "profile.name"), "{err:?}");
    // A value the model rejects is an error too.
    let err = docs.update(&key("a"), &json!({"qty": "many"})).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "qty"), "{err:?}");
    let stored = raw_get(&config, &table, "a", "1").await.unwrap();
    assert_eq!(stored["qty"], aws_sdk_dynamodb::types::AttributeValue::N("3".into()));
}

#[tokio::test]
async fn keys_cannot_change_or_be_removed_and_missing_items_are_not_found() {
    let (builder, config, table) = standard().await;
    let docs = builder.hash_prefix("t#").build().unwrap().repository::<Doc>();
    docs.insert(&doc("a", &[])).await.unwrap();
    let err = docs.update(&key("a"), &json!({"pk": "b"})).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidKey { attribute, .. } if attribute == "pk"), "{err:?}");
    let err = docs.update(&key("a"), &json!({"sk": 1})).map_op(MapOp::Remove).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "sk"), "{err:?}");
    // Same key value (unprefixed) is not a change.
    docs.update(&key("a"), &json!({"pk": "a", "qty": 1})).await.unwrap();
    assert_eq!(raw_count(&config, &table).await, 1, "no second item");
    assert!(raw_get(&config, &table, "t#a", "1").await.is_some());
    let err = docs.update(&key("missing"), &json!({"qty": 1})).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn update_by_query_takes_the_single_or_first_match() {
    let (builder, _, _) = standard().await;
    let docs = builder.build().unwrap().repository::<Doc>();
    docs.insert(&doc("a", &[])).await.unwrap();
    docs.insert(&Doc { sk: "2".into(), ..doc("a", &[]) }).await.unwrap();
    let one = docs.update_where(docs.query().key_eq("pk", "a").key_eq("sk", "2"), &json!({"qty": 5})).await.unwrap();
    assert_eq!((one.sk.as_str(), one.qty), ("2", 5));
    let err = docs.update_where(docs.query().key_eq("pk", "a"), &json!({"qty": 6})).await.unwrap_err();
    assert!(matches!(err, Error::AmbiguousUpdate { matches: 2 }), "{err:?}");
    let first = docs.update_where(docs.query().key_eq("pk", "a"), &json!({"qty": 7})).first_match(true).await.unwrap();
    assert_eq!((first.sk.as_str(), first.qty), ("1", 7));
    let err = docs.update_where(docs.query().key_eq("pk", "zzz"), &json!({"qty": 1})).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
}

#[tokio::test]
async fn equality_lock_allows_bumps_and_requires_the_value_when_asked() {
    let (builder, _, _) = standard().await;
    let docs = builder.idempotence_key("modified").require_lock_value(true).build().unwrap().repository::<Doc>();
    docs.insert(&Doc { modified: Some("2024-01-01T00:00:00Z".into()), ..doc("a", &[]) }).await.unwrap();
    let bumped = docs.update(&key("a"), &json!({"qty": 1, "modified": "2024-01-02T00:00:00Z"})).await.unwrap();
    assert_eq!(bumped.modified.as_deref(), Some("2024-01-02T00:00:00Z"));
    docs.insert(&doc("b", &[])).await.unwrap();
    let err = docs.update(&key("b"), &json!({"qty": 1})).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "modified"), "{err:?}");
    // Without the requirement, an absent value is locked as "still absent".
    let written = docs.update(&key("b"), &json!({"qty": 2})).require_lock_value(false).await.unwrap();
    assert_eq!(written.qty, 2);
}

#[tokio::test]
async fn equality_lock_race_every_success_lands_and_every_failure_is_a_conflict() {
    let (builder, _, _) = standard().await;
    let docs = builder.idempotence_key("modified").build().unwrap().repository::<Doc>();
    docs.insert(&Doc { modified: Some("v-0".into()), ..doc("race", &[]) }).await.unwrap();
    let successes = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for task in 0..8 {
        let (docs, successes) = (docs.clone(), successes.clone());
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            for i in 0..25 {
                let tag = format!("{task}-{i}");
                let patch = json!({"tags": [tag.clone()], "modified": format!("v-{tag}")});
                match docs.update(&key("race"), &patch).await {
                    Ok(_) => {
                        successes.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(Error::Conflict { current, .. }) => {
                        assert!(current.is_some(), "a conflict carries the stored item");
                        conflicts += 1;
                    }
                    Err(other) => panic!("unexpected error {other:?}"),
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for task in tasks {
        conflicts += task.await.unwrap();
    }
    let stored = docs.get(&key("race")).await.unwrap().unwrap();
    let successes = successes.load(Ordering::Relaxed);
    assert_eq!(successes + conflicts, 200);
    assert_eq!(stored.tags.len(), successes, "every successful update is in the item, no lost update");
}

#[tokio::test]
async fn version_lock_race_counter_equals_successful_writes() {
    let (builder, _, _) = standard().await;
    let docs = builder.idempotence_key("version").lock_policy(LockPolicy::Version).build().unwrap().repository::<Doc>();
    docs.insert(&doc("race", &[])).await.unwrap();
    assert_eq!(docs.get(&key("race")).await.unwrap().unwrap().version, Some(1), "insert starts at version 1");
    let successes = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (docs, successes) = (docs.clone(), successes.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..25 {
                // Read, compute, write back with the version read: a stale computation must not land.
                let current = docs.get(&key("race")).await.unwrap().unwrap();
                let patch = json!({"qty": current.qty + 1, "version": current.version});
                match docs.update(&key("race"), &patch).await {
                    Ok(_) => {
                        successes.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(Error::Conflict { .. }) => {}
                    Err(other) => panic!("unexpected error {other:?}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let stored = docs.get(&key("race")).await.unwrap().unwrap();
    let successes = successes.load(Ordering::Relaxed) as i64;
    assert!(successes > 0);
    assert_eq!(stored.qty, successes, "counter == successful writes");
    assert_eq!(stored.version, Some(successes + 1));
}

#[tokio::test]
async fn version_lock_on_overwrite_and_delete() {
    let (builder, _, _) = standard().await;
    let docs = builder.idempotence_key("version").lock_policy(LockPolicy::Version).build().unwrap().repository::<Doc>();
    docs.insert(&doc("a", &[])).await.unwrap();
    let read = docs.get(&key("a")).await.unwrap().unwrap();
    docs.overwrite(&Doc { qty: 1, ..read.clone() }).await.unwrap();
    let err = docs.overwrite(&Doc { qty: 2, ..read.clone() }).await.unwrap_err();
    let current: Doc = err.current().expect("conflict with current").unwrap();
    assert_eq!((current.qty, current.version), (1, Some(2)));
    let err = docs.delete(&key("a")).if_lock_value(1).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    assert!(docs.delete(&key("a")).if_lock_value(2).await.unwrap().is_some());
}

#[tokio::test]
async fn latest_wins_compares_instants_and_skips_stale_updates_without_events() {
    let (builder, config, _) = standard().await;
    let topic = Topic::create(&config).await;
    let docs = builder
        .idempotence_key("modified")
        .lock_policy(LockPolicy::LatestWins)
        .sns_topic(&topic.arn)
        .build()
        .unwrap()
        .repository::<Doc>();
    docs.insert(&Doc { modified: Some("2024-01-01T09:00:00+09:00".into()), ..doc("a", &[]) }).await.unwrap();
    // 00:30Z is newer than 09:00+09:00 (= 00:00Z), although it sorts lower as a string.
    let newer = docs.update(&key("a"), &json!({"qty": 1, "modified": "2024-01-01T00:30:00+00:00"})).await.unwrap();
    assert_eq!(newer.qty, 1);
    let stale =
        docs.update(&key("a"), &json!({"qty": 2, "modified": "2024-01-01T08:00:00+09:00"})).outcome().await.unwrap();
    match stale {
        UpdateOutcome::Stale(stored) => assert_eq!(stored.qty, 1),
        other => panic!("expected Stale, got {other:?}"),
    }
    assert_eq!(docs.get(&key("a")).await.unwrap().unwrap().qty, 1);
    let err = docs.update(&key("a"), &json!({"modified": "yesterday"})).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "modified"), "{err:?}");
    let events = topic.drain().await;
    let operations: Vec<_> = events.iter().map(|e| e.attributes["operation"].1.clone()).collect();
    assert_eq!(operations, ["insert", "update"], "no event for the stale or invalid update");
    assert_eq!(events[1].body["qty"], 1);
    assert_eq!(events[1].body["tags"], json!([]), "the event carries the full merged item");
}

#[tokio::test]
async fn no_lock_update_does_not_resurrect_a_deleted_item() {
    let (builder, config, table) = standard().await;
    let docs = builder.build().unwrap().repository::<Doc>();
    docs.insert(&doc("a", &[])).await.unwrap();
    docs.delete(&key("a")).await.unwrap();
    let err = docs.update(&key("a"), &json!({"qty": 1})).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    assert_eq!(raw_count(&config, &table).await, 0);
}

#[tokio::test]
async fn version_lock_covers_transactional_puts() {
    let (builder, config, _) = standard().await;
    let topic = Topic::create(&config).await;
    let docs = builder
        .idempotence_key("version")
        .lock_policy(LockPolicy::Version)
        .sns_topic(&topic.arn)
        .build()
        .unwrap()
        .repository::<Doc>();
    docs.transact_write().insert(&docs, &doc("a", &[])).await.unwrap();
    let read = docs.get(&key("a")).await.unwrap().unwrap();
    assert_eq!(read.version, Some(1));
    let cond = daplug_runtime::Condition::exists("pk");
    docs.transact_write().update(&docs, &Doc { qty: 5, ..read.clone() }, cond.clone()).await.unwrap();
    let stored = docs.get(&key("a")).await.unwrap().unwrap();
    assert_eq!((stored.qty, stored.version), (5, Some(2)));
    // The same stale read again: cancelled, nothing written.
    let err = docs.transact_write().update(&docs, &Doc { qty: 6, ..read }, cond).await.unwrap_err();
    assert!(matches!(err, Error::TransactionCanceled { .. }), "{err:?}");
    assert_eq!(docs.get(&key("a")).await.unwrap().unwrap().qty, 5);
    let events = topic.drain().await;
    let versions: Vec<_> = events.iter().map(|e| e.body["version"].clone()).collect();
    assert_eq!(versions, [json!(1), json!(2)], "events carry the version written");
}

/// Read → decide → update, safe under equality locking with `if_lock_value`: the update refuses to
/// write over a value other than the one the decision was based on.
#[tokio::test]
async fn read_decide_update_with_if_lock_value_loses_no_increment() {
    use crate::retries::{counter, dropping, key, world, Counter};
    use daplug_runtime::lock::LockPolicy;

    let w = world(&dropping("PutItem", 0), Some(LockPolicy::Equality)).await;
    w.raw_put(&Counter { modified: Some("0".into()), ..counter("a", 0) }).await;

    // A decision on a stale read is refused, and nothing is written.
    let read = w.repo.get(&key("a")).await.unwrap().unwrap();
    w.raw_put(&Counter { modified: Some("other".into()), ..counter("a", 10) }).await;
    let patch = serde_json::json!({ "n": read.n + 1, "modified": "mine" });
    let err = w.repo.update(&key("a"), &patch).if_lock_value(&read.modified).await.unwrap_err();
    assert_eq!(err.current::<Counter>().unwrap().unwrap().n, 10, "{err:?}");
    assert_eq!(w.stored("a").await.unwrap().n, 10);

    // Concurrent writers, each retrying on conflict: every increment lands once.
    const WRITERS: usize = 4;
    const EACH: usize = 6;
    let tasks = (0..WRITERS).map(|writer| {
        let repo = w.repo.clone();
        tokio::spawn(async move {
            for i in 0..EACH {
                loop {
                    let read = repo.get(&key("a")).await.unwrap().unwrap();
                    let patch = serde_json::json!({ "n": read.n + 1, "modified": format!("{writer}-{i}") });
                    match repo.update(&key("a"), &patch).if_lock_value(&read.modified).await {
                        Ok(_) => break,
                        Err(daplug_runtime::Error::Conflict { .. }) => continue,
                        Err(other) => panic!("{other:?}"),
                    }
                }
            }
        })
    });
    for task in futures::future::join_all(tasks).await {
        task.unwrap();
    }
    assert_eq!(w.stored("a").await.unwrap().n, 10 + (WRITERS * EACH) as i64);
}
