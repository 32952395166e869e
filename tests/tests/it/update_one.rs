//! update(..).in_one_request(): one UpdateItem under every lock policy, prefixes, counters, appends,
//! sets and removal, the same event as the read-merge-write update, refusals (missing item, lost
//! races, what needs the stored item, a written item the model cannot read), racing writers, and
//! answers lost on the way back.

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::ops::{ListOp, MapOp, UpdateOutcome};
use daplug_runtime::{AttrPath, Error, Field, KeyAttribute, KeyType, Model, ModelMeta, Repository};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::harness::{raw_count, raw_get, standard, OrderKey, Topic};

/// A document with a counter, a list, a set, a nested map and the locking attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
struct Doc {
    pk: String,
    sk: String,
    #[serde(default)]
    qty: i64,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
}

impl Doc {
    /// What `schema!` generates for the counter.
    const QTY: Field<Doc, i64> = Field::new("qty");
    const TAGS: Field<Doc, Vec<String>> = Field::new("tags");
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

fn doc(pk: &str) -> Doc {
    Doc {
        pk: pk.into(),
        sk: "1".into(),
        profile: Some(json!({"name": "Ann", "address": {"city": "X", "zip": "1"}})),
        ..Doc::default()
    }
}

fn key(pk: &str) -> OrderKey {
    OrderKey::new(pk, "1")
}

async fn repo(
    configure: impl FnOnce(daplug_runtime::adapter::AdapterBuilder) -> daplug_runtime::adapter::AdapterBuilder,
) -> (Repository<Doc>, aws_config::SdkConfig, String) {
    let (builder, config, table) = standard().await;
    (configure(builder).build().unwrap().repository::<Doc>(), config, table)
}

#[tokio::test]
async fn a_patch_is_merged_in_one_request_without_a_lock() {
    let (docs, _, _) = repo(|b| b).await;
    docs.insert(&Doc { note: Some("n".into()), ..doc("a") }).await.unwrap();
    let patch = json!({"qty": 3, "profile": {"address": {"city": "Y"}, "n": 1}, "note": null});
    let written = docs.update(&key("a"), &patch).in_one_request().await.unwrap();
    assert_eq!(written.qty, 3);
    assert_eq!(written.profile, Some(json!({"name": "Ann", "address": {"city": "Y", "zip": "1"}, "n": 1})));
    assert_eq!(written.note, None, "null is stored as NULL and reads as None");
    assert_eq!(docs.get(&key("a")).await.unwrap().unwrap(), written, "the returned model is the stored item");
    let removed = docs
        .update(&key("a"), &json!({"profile": {"address": {"zip": null}, "n": true}, "note": 1}))
        .map_op(MapOp::Remove)
        .in_one_request()
        .await
        .unwrap();
    assert_eq!(removed.profile, Some(json!({"name": "Ann", "address": {"city": "Y"}})));
    let replaced =
        docs.update(&key("a"), &json!({"tags": ["q", "q"]})).list_op(ListOp::Replace).in_one_request().await.unwrap();
    assert_eq!(replaced.tags, ["q", "q"]);
}

#[tokio::test]
async fn counters_appends_sets_and_removal_in_one_request() {
    let (docs, config, table) = repo(|b| b).await;
    docs.insert(&Doc { tags: vec!["a".into()], note: Some("x".into()), ..doc("a") }).await.unwrap();
    let written = docs
        .update(&key("a"), &json!({}))
        .in_one_request()
        .increment(Doc::QTY, 5)
        .append(Doc::TAGS, vec!["b".to_owned(), "a".to_owned()])
        .add_to_set("labels", vec!["red", "blue", "red"])
        .increment(AttrPath::new("profile").field("views"), 2)
        .remove("note")
        .await
        .unwrap();
    assert_eq!(written.qty, 5, "an absent counter counts as zero");
    assert_eq!(written.tags, ["a", "b", "a"], "append does not de-duplicate");
    let mut labels = written.labels.clone();
    labels.sort();
    assert_eq!(labels, ["blue", "red"]);
    assert_eq!(written.profile.as_ref().unwrap()["views"], 2);
    assert_eq!(written.note, None);
    let stored = raw_get(&config, &table, "a", "1").await.unwrap();
    assert!(matches!(&stored["labels"], AttributeValue::Ss(set) if set.len() == 2), "a string set: {stored:?}");
    assert!(!stored.contains_key("note"));
    let again = docs
        .update(&key("a"), &json!({}))
        .in_one_request()
        .increment("qty", -2)
        .remove_from_set("labels", vec!["red", "green"])
        .await
        .unwrap();
    assert_eq!((again.qty, again.labels), (3, vec!["blue".to_owned()]));
    let emptied = docs.update(&key("a"), &json!({})).in_one_request().remove_from_set("labels", vec!["blue"]).await;
    assert!(emptied.unwrap().labels.is_empty());
    assert!(!raw_get(&config, &table, "a", "1").await.unwrap().contains_key("labels"), "an emptied set is gone");
    // A counter stored as a string: refused with the stored type, nothing written.
    docs.update(&key("a"), &json!({"note": "many"})).in_one_request().await.unwrap();
    let err = docs.update(&key("a"), &json!({})).in_one_request().increment("note", 1).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { path, message, .. } if path == "note" && message.contains("a string")),
        "{err:?}"
    );
}

#[tokio::test]
async fn key_prefixes_are_applied_and_stripped_and_keys_cannot_change() {
    let (docs, config, table) = repo(|b| b.hash_prefix("t#")).await;
    docs.insert(&doc("a")).await.unwrap();
    let written = docs.update(&key("a"), &json!({"pk": "a", "qty": 1})).in_one_request().await.unwrap();
    assert_eq!(written.pk, "a", "prefix stripped from the returned item");
    let stored = raw_get(&config, &table, "t#a", "1").await.unwrap();
    assert_eq!(stored["qty"], AttributeValue::N("1".into()));
    let err = docs.update(&key("a"), &json!({"pk": "b"})).in_one_request().await.unwrap_err();
    assert!(matches!(&err, Error::InvalidKey { attribute, .. } if attribute == "pk"), "{err:?}");
    let err = docs.update(&key("a"), &json!({"sk": 1})).map_op(MapOp::Remove).in_one_request().await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "sk"), "{err:?}");
    // A per-call override: the key without prefix names no item.
    let err = docs.update(&key("a"), &json!({"qty": 2})).hash_prefix("").in_one_request().await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(raw_count(&config, &table).await, 1, "no second item");
}

#[tokio::test]
async fn a_missing_item_is_not_found_and_not_created() {
    let (builder, config, table) = standard().await;
    let topic = Topic::create(&config).await;
    let docs = builder.sns_topic(&topic.arn).build().unwrap().repository::<Doc>();
    let err = docs.update(&key("missing"), &json!({"qty": 1})).in_one_request().await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = docs.update(&key("missing"), &json!({})).in_one_request().increment("qty", 1).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(raw_count(&config, &table).await, 0);
    assert!(topic.drain().await.is_empty(), "nothing written, nothing published");
}

#[tokio::test]
async fn equality_lock_conditions_on_the_value_read() {
    let (docs, _, _) = repo(|b| b.idempotence_key("modified")).await;
    docs.insert(&Doc { modified: Some("m1".into()), ..doc("a") }).await.unwrap();
    let stale = docs.update(&key("a"), &json!({"qty": 1, "modified": "m2"})).if_lock_value("m0").in_one_request();
    match stale.outcome().await.unwrap() {
        UpdateOutcome::Conflict { current } => assert_eq!(current.unwrap().modified.as_deref(), Some("m1")),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let written = docs
        .update(&key("a"), &json!({"qty": 1, "modified": "m2"}))
        .if_lock_value("m1")
        .in_one_request()
        .await
        .unwrap();
    assert_eq!((written.qty, written.modified.as_deref()), (1, Some("m2")));
    let err = docs.update(&key("a"), &json!({"qty": 2})).if_lock_value("m1").in_one_request().await.unwrap_err();
    let current: Doc = err.current().expect("a conflict carries the stored item").unwrap();
    assert_eq!(current.qty, 1);
    docs.insert(&doc("b")).await.unwrap();
    let err = docs.update(&key("b"), &json!({"qty": 1})).require_lock_value(true).in_one_request().await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "modified"), "{err:?}");
}

#[tokio::test]
async fn version_lock_bumps_or_conditions_on_the_version_read() {
    let (docs, config, table) = repo(|b| b.idempotence_key("version").lock_policy(LockPolicy::Version)).await;
    docs.insert(&doc("a")).await.unwrap();
    let bumped = docs.update(&key("a"), &json!({"qty": 1})).in_one_request().await.unwrap();
    assert_eq!((bumped.qty, bumped.version), (1, Some(2)), "ADD version 1");
    let read = docs.update(&key("a"), &json!({"qty": 2, "version": 2})).in_one_request().await.unwrap();
    assert_eq!(read.version, Some(3), "the version read, plus one");
    let err = docs.update(&key("a"), &json!({"qty": 9, "version": 2})).in_one_request().await.unwrap_err();
    let current: Doc = err.current().expect("a stale version conflicts").unwrap();
    assert_eq!((current.qty, current.version), (2, Some(3)));
    let counted = docs.update(&key("a"), &json!({})).if_lock_value(3).in_one_request().increment("qty", 1).await;
    assert_eq!(counted.unwrap().version, Some(4));
    // A NULL version, which the merge reads as "never versioned": refused, nothing written.
    aws_sdk_dynamodb::Client::new(&config)
        .update_item()
        .table_name(&table)
        .key("pk", AttributeValue::S("a".into()))
        .key("sk", AttributeValue::S("1".into()))
        .update_expression("SET version = :null")
        .expression_attribute_values(":null", AttributeValue::Null(true))
        .send()
        .await
        .unwrap();
    let err = docs.update(&key("a"), &json!({"qty": 5})).in_one_request().await.unwrap_err();
    assert!(matches!(&err, Error::NeedsStoredItem { path, .. } if path == "version"), "{err:?}");
    let merged = docs.update(&key("a"), &json!({"qty": 5})).await.unwrap();
    assert_eq!((merged.qty, merged.version), (5, Some(1)), "the fallback");
}

#[tokio::test]
async fn latest_wins_writes_newer_skips_older_and_asks_for_the_stored_item_across_forms() {
    let (builder, config, _) = standard().await;
    let topic = Topic::create(&config).await;
    let docs = builder
        .idempotence_key("modified")
        .lock_policy(LockPolicy::LatestWins)
        .sns_topic(&topic.arn)
        .build()
        .unwrap()
        .repository::<Doc>();
    docs.insert(&Doc { modified: Some("2024-01-01T00:00:00Z".into()), ..doc("a") }).await.unwrap();
    let newer = docs.update(&key("a"), &json!({"qty": 1, "modified": "2024-01-01T00:00:30Z"})).in_one_request();
    assert_eq!(newer.await.unwrap().qty, 1);
    let older = docs.update(&key("a"), &json!({"qty": 2, "modified": "2024-01-01T00:00:10Z"})).in_one_request();
    match older.outcome().await.unwrap() {
        UpdateOutcome::Stale(stored) => {
            assert_eq!((stored.qty, stored.modified.as_deref()), (1, Some("2024-01-01T00:00:30Z")))
        }
        other => panic!("expected Stale, got {other:?}"),
    }
    // Stored with an offset: text order is not time order, so the request is refused and says so.
    docs.overwrite(&Doc { qty: 7, modified: Some("2024-01-01T09:00:00+09:00".into()), ..doc("a") }).await.unwrap();
    let err = docs
        .update(&key("a"), &json!({"qty": 8, "modified": "2024-01-01T00:30:00Z"}))
        .in_one_request()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NeedsStoredItem { path, .. } if path == "modified"), "{err:?}");
    assert_eq!(docs.get(&key("a")).await.unwrap().unwrap().qty, 7, "nothing written");
    // The read-merge-write update compares instants: the documented fallback.
    let merged = docs.update(&key("a"), &json!({"qty": 8, "modified": "2024-01-01T00:30:00Z"})).await.unwrap();
    assert_eq!(merged.qty, 8);
    let operations: Vec<_> = topic.drain().await.iter().map(|e| e.attributes["operation"].1.clone()).collect();
    assert_eq!(operations, ["insert", "update", "overwrite", "update"], "no event for the stale or refused updates");
}

#[tokio::test]
async fn the_event_is_the_one_the_read_merge_write_update_publishes() {
    for policy in [None, Some(LockPolicy::Version)] {
        let (builder, config, _) = standard().await;
        let topic = Topic::create(&config).await;
        let mut builder = builder.sns_topic(&topic.arn).sns_attribute("source", "tests");
        if let Some(policy) = policy {
            builder = builder.idempotence_key("version").lock_policy(policy);
        }
        let docs = builder.build().unwrap().repository::<Doc>();
        for pk in ["merged", "one"] {
            docs.insert(&Doc { tags: vec!["t".into()], note: Some("n".into()), ..doc(pk) }).await.unwrap();
        }
        topic.drain().await;
        let patch = json!({"qty": 4, "profile": {"address": {"city": "Ünïcode"}}, "note": null, "tags": ["u", "v"]});
        let merged = docs.update(&key("merged"), &patch).list_op(ListOp::Replace).await.unwrap();
        let one = docs.update(&key("one"), &patch).list_op(ListOp::Replace).in_one_request().await.unwrap();
        assert_eq!(Doc { pk: "merged".into(), ..one.clone() }, merged, "{policy:?}: the same model");
        let events = topic.drain().await;
        assert_eq!(events.len(), 2, "{policy:?}");
        let (from_merge, from_one) = (&events[0], &events[1]);
        assert_eq!(
            from_one.message.replace(r#""pk": "one""#, r#""pk": "merged""#),
            from_merge.message,
            "{policy:?}: the same body, byte for byte"
        );
        assert_eq!(from_one.attributes, from_merge.attributes, "{policy:?}");
        assert_eq!(from_one.body["profile"]["address"], json!({"city": "Ünïcode", "zip": "1"}));
    }
}

#[tokio::test]
async fn what_needs_the_stored_item_is_refused_and_nothing_is_written() {
    let (docs, config, table) = repo(|b| b).await;
    docs.insert(&Doc { profile: None, ..doc("a") }).await.unwrap();
    let before = raw_get(&config, &table, "a", "1").await.unwrap();
    // A list under the default ListOp::Add: refused before sending.
    let err = docs.update(&key("a"), &json!({"tags": ["x"]})).in_one_request().plan().unwrap_err();
    assert!(matches!(&err, Error::NeedsStoredItem { path, .. } if path == "tags"), "{err:?}");
    // A map over no stored map: refused by the service, explained from the returned item.
    let patch = json!({"qty": 1, "profile": {"city": "Y"}});
    let err = docs.update(&key("a"), &patch).in_one_request().await.unwrap_err();
    assert!(matches!(&err, Error::NeedsStoredItem { path, .. } if path == "profile"), "{err:?}");
    assert_eq!(raw_get(&config, &table, "a", "1").await.unwrap(), before, "nothing written");
    // A map over a scalar: the merge's type error.
    docs.update(&key("a"), &json!({"profile": "flat"})).in_one_request().await.unwrap();
    let err = docs.update(&key("a"), &patch).in_one_request().await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { path, message, .. } if path == "profile" && message.contains("a string"))
    );
    // The fallbacks: `set` writes the whole map in one request; `update` merges.
    let set = docs.update(&key("a"), &json!({})).in_one_request().set("profile", json!({"city": "Y"})).await.unwrap();
    assert_eq!(set.profile, Some(json!({"city": "Y"})));
    let merged = docs.update(&key("a"), &json!({"tags": ["x"]})).await.unwrap();
    assert_eq!(merged.tags, ["x"]);
}

#[tokio::test]
async fn a_value_the_model_cannot_read_is_reported_as_written() {
    let (builder, config, table) = standard().await;
    let topic = Topic::create(&config).await;
    let docs = builder.sns_topic(&topic.arn).build().unwrap().repository::<Doc>();
    docs.insert(&doc("a")).await.unwrap();
    topic.drain().await;
    let err = docs.update(&key("a"), &json!({"qty": "many"})).in_one_request().await.unwrap_err();
    match &err {
        Error::WrittenButUnreadable { path, item, .. } => {
            assert_eq!(path, "qty");
            assert_eq!(item["qty"], AttributeValue::S("many".into()));
        }
        other => panic!("expected WrittenButUnreadable, got {other:?}"),
    }
    assert!(err.maybe_written());
    assert_eq!(raw_get(&config, &table, "a", "1").await.unwrap()["qty"], AttributeValue::S("many".into()));
    assert!(topic.drain().await.is_empty(), "no event for an item the model cannot read");
    // The read-merge-write update validates first: nothing written.
    let err = docs.update(&key("a"), &json!({"note": 5})).await.unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
}

#[tokio::test]
async fn racing_increments_all_land_without_conflicts() {
    const TASKS: usize = 8;
    const EACH: usize = 25;
    for policy in [None, Some(LockPolicy::Version)] {
        let (docs, _, _) = repo(|b| match policy {
            Some(policy) => b.idempotence_key("version").lock_policy(policy),
            None => b,
        })
        .await;
        docs.insert(&doc("race")).await.unwrap();
        let tasks = (0..TASKS).map(|_| {
            let docs = docs.clone();
            tokio::spawn(async move {
                let mut failures = 0;
                for _ in 0..EACH {
                    match docs.update(&key("race"), &json!({})).in_one_request().increment(Doc::QTY, 1).await {
                        Ok(_) => {}
                        Err(err) => {
                            eprintln!("{err:?}");
                            failures += 1;
                        }
                    }
                }
                failures
            })
        });
        let failures: usize = futures::future::join_all(tasks).await.into_iter().map(|t| t.unwrap()).sum();
        assert_eq!(failures, 0, "{policy:?}: no conflicts, no errors");
        let stored = docs.get(&key("race")).await.unwrap().unwrap();
        assert_eq!(stored.qty, (TASKS * EACH) as i64, "{policy:?}: the exact total");
        if policy.is_some() {
            assert_eq!(stored.version, Some(1 + (TASKS * EACH) as i64), "one version per write");
        }
    }
}

#[tokio::test]
async fn the_publish_contract_is_checked_before_and_after_the_write() {
    let (builder, config, table) = standard().await;
    let topic = Topic::create(&config).await;
    let docs = builder
        .sns_topic(&topic.arn)
        .required_attributes(["tenant"])
        .required_payload_keys(["note"])
        .build()
        .unwrap()
        .repository::<Doc>();
    docs.insert(&Doc { note: Some("n".into()), ..doc("a") }).sns_attribute("tenant", "t").await.unwrap();
    let err = docs.update(&key("a"), &json!({"qty": 1})).in_one_request().await.unwrap_err();
    assert!(matches!(err, Error::PublishContract { .. }), "a missing attribute is refused before: {err:?}");
    assert_eq!(raw_get(&config, &table, "a", "1").await.unwrap()["qty"], AttributeValue::N("0".into()));
    let err =
        docs.update(&key("a"), &json!({"qty": 2})).in_one_request().remove("note").sns_attribute("tenant", "t").await;
    let err = err.unwrap_err();
    assert!(
        matches!(&err, Error::Publish { written, .. } if written[0]["qty"] == 2),
        "written, not published: {err:?}"
    );
    assert!(err.maybe_written());
}

mod lost_answers {
    use super::*;
    use crate::fault_layer::{Faults, Schedule};
    use crate::retries::{counter, dropping, key, world, Counter};

    #[tokio::test]
    async fn an_idempotent_update_whose_answer_was_lost_is_retried_and_recognised() {
        crate::spans::install();
        let faults = dropping("UpdateItem", 1);
        let w = world(&faults, Some(LockPolicy::Version)).await;
        w.raw_put(&Counter { version: Some(3), ..counter("a", 1) }).await;
        let written = w.repo.update(&key("a"), &json!({"n": 2, "version": 3})).in_one_request().await.unwrap();
        assert_eq!((written.n, written.version), (2, Some(4)));
        let record = faults.record();
        assert_eq!((record.attempts["UpdateItem"], record.dropped["UpdateItem"]), (2, 1), "the SDK retried");
        assert_eq!(w.topic.drain().await.len(), 1, "one event");
        assert_eq!(crate::spans::own_retries(&w.table), 1, "the span records its own retry");
        assert_eq!(w.stored("a").await.unwrap().version, Some(4));
    }

    #[tokio::test]
    async fn an_increment_whose_answer_was_lost_is_not_retried_and_may_have_been_written() {
        let faults = dropping("UpdateItem", 1);
        let w = world(&faults, None).await;
        w.raw_put(&counter("a", 1)).await;
        let err = w.repo.update(&key("a"), &json!({})).in_one_request().increment("n", 1).await.unwrap_err();
        assert!(matches!(err, Error::DynamoDb { .. }) && err.maybe_written(), "{err:?}");
        assert!(!err.is_retryable(), "sending it again could increment twice: {err:?}");
        assert_eq!(
            err.to_string(),
            "DynamoDB UpdateItem failed: connection closed: connection closed before message completed; the write \
             may have happened"
        );
        assert_eq!(faults.record().attempts["UpdateItem"], 1, "no SDK retry: it would increment twice");
        assert_eq!(w.stored("a").await.unwrap().n, 2, "applied once");
        assert!(w.topic.drain().await.is_empty());
    }

    #[tokio::test]
    async fn a_throttled_increment_is_retried_with_the_sdks_backoff_and_applied_once() {
        // Throttling is certainly not applied (DynamoDB API reference, "Error handling": a
        // ThrottlingException / ProvisionedThroughputExceededException request was not processed).
        let faults = Faults::new(Schedule { throttle_first: [("UpdateItem", 2)].into(), ..Schedule::default() });
        let w = world(&faults, None).await;
        w.raw_put(&counter("a", 1)).await;
        let written = w.repo.update(&key("a"), &json!({})).in_one_request().increment("n", 5).append("tags", vec!["x"]);
        let written = written.await;
        let record = faults.record();
        assert_eq!(record.throttled_first["UpdateItem"], 2);
        assert_eq!(record.attempts["UpdateItem"], 3, "two throttles retried by the SDK, the third attempt answered");
        assert_eq!(written.unwrap().n, 6);
        assert_eq!(w.stored("a").await.unwrap().n, 6, "applied once");
        assert_eq!(w.topic.drain().await.len(), 1);

        // More throttles than the client's attempts (3): the last one reaches the caller, certainly
        // not applied and worth sending again.
        let faults = Faults::new(Schedule { throttle_first: [("UpdateItem", 5)].into(), ..Schedule::default() });
        let w = world(&faults, None).await;
        w.raw_put(&counter("a", 1)).await;
        let err = w.repo.update(&key("a"), &json!({})).in_one_request().increment("n", 5).await.unwrap_err();
        assert_eq!(err.aws_code(), Some("ThrottlingException"), "{err:?}");
        assert!(!err.maybe_written() && err.is_retryable(), "{err:?}");
        assert_eq!(faults.record().attempts["UpdateItem"], 3);
        assert_eq!(w.stored("a").await.unwrap().n, 1, "not applied");
    }

    #[tokio::test]
    async fn a_retry_that_finds_another_writers_item_is_a_conflict() {
        let faults = dropping("UpdateItem", 1);
        let w = world(&faults, Some(LockPolicy::Version)).await;
        w.raw_put(&Counter { version: Some(3), ..counter("a", 1) }).await;
        let other = Counter { version: Some(4), ..counter("a", 40) };
        faults.before_drop(w.competitor(other.clone()));
        let err = w.repo.update(&key("a"), &json!({"n": 2, "version": 3})).in_one_request().await.unwrap_err();
        assert_eq!(err.current::<Counter>().expect("a conflict").unwrap(), other);
        assert!(w.topic.drain().await.is_empty());
    }
}
