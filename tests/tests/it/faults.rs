//! Batch calls under injected faults: unprocessed items/keys, throttling, 500s, rejected calls.
//!
//! The clients here go through [`Faults`] with the SDK's own retry disabled, so every injected fault
//! reaches daplug's retry and is counted (see `daplug_runtime::RetryPolicy` on how the two layers
//! combine; `sdk_retry_absorbs_throttles_before_daplug_sees_them` shows the other setting). Sleeps are
//! injected: no test waits for real.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::ops::BatchProgress;
use daplug_runtime::retry::RetryPolicy;
use daplug_runtime::{Adapter, Error, Item};

use crate::batch::orders;
use crate::fault_layer::{Faults, Schedule};
use crate::harness::{create_table, sdk_config, Order, OrderKey, TableSpec};

/// A retry policy that never really sleeps; records the delays it was asked to wait.
fn instant(attempts: u32, delays: Arc<Mutex<Vec<Duration>>>) -> RetryPolicy {
    RetryPolicy::default().max_attempts(attempts).sleep_with(move |delay| {
        delays.lock().unwrap().push(delay);
        Box::pin(async {})
    })
}

/// A repository on a fresh standard table whose client goes through `faults`, and the SDK config.
async fn faulty(
    faults: &Arc<Faults>,
    hash_prefix: &str,
) -> (daplug_runtime::Repository<Order>, aws_config::SdkConfig, String) {
    let config = sdk_config().await;
    let table = create_table(&config, &TableSpec::STANDARD).await;
    let adapter = Adapter::builder()
        .client(faults.client(&config))
        .table(&table)
        .hash_key("pk")
        .range_key("sk")
        .hash_prefix(hash_prefix)
        .build()
        .unwrap();
    (adapter.repository::<Order>(), config, table)
}

/// Every item of the table by a raw scan (no faults), as `pk -> item`.
async fn scan_all(config: &aws_config::SdkConfig, table: &str) -> HashMap<String, Vec<Item>> {
    let client = aws_sdk_dynamodb::Client::new(config);
    let mut all: HashMap<String, Vec<Item>> = HashMap::new();
    let mut start = None;
    loop {
        let out = client.scan().table_name(table).set_exclusive_start_key(start).send().await.unwrap();
        for item in out.items() {
            let AttributeValue::S(pk) = &item["pk"] else { panic!("pk is a string") };
            all.entry(pk.clone()).or_default().push(item.clone());
        }
        start = out.last_evaluated_key;
        if start.is_none() {
            return all;
        }
    }
}

fn pk_of(item: &Item) -> String {
    match &item["pk"] {
        AttributeValue::S(pk) => pk.clone(),
        other => panic!("pk {other:?}"),
    }
}

#[tokio::test]
async fn ten_thousand_items_land_exactly_once_despite_unprocessed_items_and_throttling() {
    let faults = Faults::new(Schedule {
        unprocessed_tenths: 3,
        throttle_every: Some(7),
        error_500_every: Some(11),
        ..Schedule::default()
    });
    let (repo, config, table) = faulty(&faults, "t#").await;
    let items = orders(10_000);
    let last = Arc::new(Mutex::new(BatchProgress::default()));
    let seen = last.clone();
    let summary = repo
        .batch_insert(&items)
        .concurrency(8)
        .retry(instant(30, Arc::default()))
        .on_progress(move |p| {
            let mut last = seen.lock().unwrap();
            assert!(p.calls >= last.calls || p.done >= last.done, "progress only grows");
            *last = p;
        })
        .await
        .unwrap();

    let record = faults.record();
    assert!(record.unprocessed > 2_000, "about 30% of every call was left unprocessed: {}", record.unprocessed);
    assert!(record.throttled > 0 && record.errors_500 > 0, "{record:?}");
    assert_eq!(summary.written, 10_000);
    assert_eq!(summary.throttled, record.throttled + record.errors_500, "every fault reached daplug and was retried");
    assert_eq!(summary.calls, record.calls);
    assert!(summary.retried >= record.unprocessed, "every unprocessed item was sent again");
    assert_eq!(last.lock().unwrap().done, 10_000);

    // Each item reached the emulator exactly once ...
    assert_eq!(record.written.len(), 10_000);
    let twice: Vec<_> = record.written.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "written more than once: {twice:?}");
    // ... and the table holds exactly the 10,000 items, prefixed, with their content.
    let stored = scan_all(&config, &table).await;
    assert_eq!(stored.len(), 10_000);
    for item in &items {
        let versions = &stored[&format!("t#{}", item.pk)];
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0]["qty"], AttributeValue::N(item.qty.to_string()));
    }
}

#[tokio::test]
async fn exhausted_retries_list_exactly_the_items_not_written() {
    let never: HashSet<String> = [3, 4, 77, 250, 251, 399].iter().map(|i| format!("t#o-{i}|v1")).collect();
    let faults = Faults::new(Schedule { unprocessed_tenths: 3, never, throttle_every: Some(5), ..Schedule::default() });
    let (repo, config, table) = faulty(&faults, "t#").await;
    let items = orders(400);
    let err = repo.batch_insert(&items).retry(instant(12, Arc::default())).await.unwrap_err();
    assert!(!err.maybe_written(), "throttled and unprocessed requests were certainly not applied");
    let Error::BatchIncomplete { leftovers, outcome_unknown } = err else {
        panic!("expected BatchIncomplete, got {err:?}")
    };
    assert!(outcome_unknown.is_empty());
    let missing: Vec<String> = leftovers.iter().map(pk_of).collect();
    assert_eq!(missing, ["o-3", "o-4", "o-77", "o-250", "o-251", "o-399"], "unprefixed, in input order");
    assert_eq!(leftovers[2], items[77].to_item_for_test(), "the full items are returned");

    let stored = scan_all(&config, &table).await;
    assert_eq!(stored.len(), 394);
    for pk in &missing {
        assert!(!stored.contains_key(&format!("t#{pk}")), "{pk} reported missing and is missing");
    }
    assert!(faults.record().written.values().all(|n| *n == 1), "nothing written twice");
}

#[tokio::test]
async fn a_chunk_throttled_on_every_attempt_is_reported_whole() {
    // Chunks are consecutive runs of 25 items: o-30 is in the second chunk (o-25 .. o-49).
    let faults = Faults::new(Schedule {
        throttle_containing: HashSet::from(["o-30|v1".to_owned()]),
        unprocessed_tenths: 2,
        ..Schedule::default()
    });
    let (repo, config, table) = faulty(&faults, "").await;
    let delays = Arc::new(Mutex::new(Vec::new()));
    let err = repo.batch_insert(orders(100)).retry(instant(4, delays.clone())).await.unwrap_err();
    let Error::BatchIncomplete { leftovers, .. } = err else { panic!("expected BatchIncomplete, got {err:?}") };
    let missing: Vec<String> = leftovers.iter().map(pk_of).collect();
    let expected: Vec<String> = (25..50).map(|i| format!("o-{i}")).collect();
    assert_eq!(missing, expected);
    assert_eq!(scan_all(&config, &table).await.len(), 75);
    assert!(faults.record().throttled >= 4, "four attempts of the throttled chunk");
}

#[tokio::test]
async fn backoff_delays_grow_and_stay_within_the_cap() {
    let faults = Faults::new(Schedule { never: HashSet::from(["o-0|v1".to_owned()]), ..Schedule::default() });
    let (repo, _, _) = faulty(&faults, "").await;
    let ms = Duration::from_millis(1);

    // Jitter pinned to its top: every delay is its ceiling.
    let delays = Arc::new(Mutex::new(Vec::new()));
    let policy = instant(9, delays.clone()).base_delay(10 * ms).max_delay(100 * ms).jitter_with(|| 1.0);
    let err = repo.batch_insert(orders(3)).retry(policy).await.unwrap_err();
    assert!(matches!(err, Error::BatchIncomplete { ref leftovers, .. } if leftovers.len() == 1), "{err:?}");
    assert_eq!(*delays.lock().unwrap(), [10, 20, 40, 80, 100, 100, 100, 100].map(|n| n * ms), "8 waits for 9 attempts");

    // Real jitter: each delay within [0, its ceiling], the ceiling capped.
    let delays = Arc::new(Mutex::new(Vec::new()));
    let policy = instant(12, delays.clone()).base_delay(10 * ms).max_delay(100 * ms);
    repo.batch_insert(orders(3)).retry(policy.clone()).await.unwrap_err();
    let delays = delays.lock().unwrap().clone();
    assert_eq!(delays.len(), 11);
    for (retry, delay) in delays.iter().enumerate() {
        assert!(*delay <= policy.ceiling(retry as u32) && *delay <= 100 * ms, "retry {retry}: {delay:?}");
    }
}

#[tokio::test]
async fn a_rejected_call_stops_the_batch_and_the_error_lists_what_was_not_written() {
    let faults = Faults::new(Schedule {
        reject_containing: HashSet::from(["o-60|v1".to_owned()]),
        unprocessed_tenths: 3,
        ..Schedule::default()
    });
    let (repo, config, table) = faulty(&faults, "").await;
    let err = repo.batch_insert(orders(250)).concurrency(1).retry(instant(10, Arc::default())).await.unwrap_err();
    let Error::BatchAborted { leftovers, source, .. } = err else { panic!("expected BatchAborted, got {err:?}") };
    assert_eq!(source.aws_code(), Some("ValidationException"));
    let missing: HashSet<String> = leftovers.iter().map(pk_of).collect();
    // Concurrency 1: chunks 0 and 1 landed, chunk 2 (o-50 .. o-74) was refused, the rest never sent.
    let expected: HashSet<String> = (50..250).map(|i| format!("o-{i}")).collect();
    assert_eq!(missing, expected);
    let stored: HashSet<String> = scan_all(&config, &table).await.into_keys().collect();
    assert_eq!(stored, (0..50).map(|i| format!("o-{i}")).collect::<HashSet<_>>());
}

#[tokio::test]
async fn batch_get_retries_unprocessed_keys_and_throttling() {
    let faults = Faults::new(Schedule {
        unprocessed_tenths: 3,
        throttle_every: Some(3),
        error_500_every: Some(5),
        ..Schedule::default()
    });
    let (repo, config, table) = faulty(&faults, "t#").await;
    let plain = Adapter::builder()
        .sdk_config(config.clone())
        .table(&table)
        .hash_key("pk")
        .range_key("sk")
        .hash_prefix("t#")
        .build()
        .unwrap()
        .repository::<Order>();
    let items = orders(450);
    plain.batch_insert(&items).await.unwrap();
    let keys: Vec<OrderKey> = items.iter().map(|o| OrderKey::new(&o.pk, &o.sk)).collect();
    let got = repo.batch_get(&keys).concurrency(3).retry(instant(30, Arc::default())).await.unwrap();
    assert_eq!(got, items);
    let record = faults.record();
    assert!(record.unprocessed > 100 && record.throttled > 0 && record.errors_500 > 0, "{record:?}");
}

#[tokio::test]
async fn batch_get_with_retries_exhausted_lists_the_keys_not_read() {
    let never: HashSet<String> = ["o-5|v1", "o-120|v1"].map(str::to_owned).into();
    let faults = Faults::new(Schedule { never, unprocessed_tenths: 3, ..Schedule::default() });
    let (repo, config, table) = faulty(&faults, "").await;
    let plain = Adapter::builder().sdk_config(config).table(&table).hash_key("pk").range_key("sk").build().unwrap();
    let items = orders(150);
    plain.repository::<Order>().batch_insert(&items).await.unwrap();
    let keys: Vec<OrderKey> = items.iter().map(|o| OrderKey::new(&o.pk, &o.sk)).collect();
    let err = repo.batch_get(&keys).retry(instant(6, Arc::default())).await.unwrap_err();
    let Error::BatchIncomplete { leftovers, .. } = err else { panic!("expected BatchIncomplete, got {err:?}") };
    assert_eq!(leftovers.iter().map(pk_of).collect::<Vec<_>>(), ["o-5", "o-120"]);
    assert_eq!(leftovers[0].len(), 2, "keys, not items");
}

#[tokio::test]
async fn sdk_retry_absorbs_throttles_before_daplug_sees_them() {
    // Every second HTTP call is throttled. With the SDK's standard retry on, its second attempt
    // succeeds, so daplug never sees a throttle; with it off, daplug retries each one itself.
    let config = sdk_config().await;
    for (sdk_retry, daplug_sees_throttles) in [(true, false), (false, true)] {
        let faults = Faults::new(Schedule { throttle_every: Some(2), ..Schedule::default() });
        let retry = if sdk_retry {
            RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1))
        } else {
            RetryConfig::disabled()
        };
        let table = create_table(&config, &TableSpec::STANDARD).await;
        let repo = Adapter::builder()
            .client(faults.client_with_retry(&config, retry))
            .table(&table)
            .hash_key("pk")
            .range_key("sk")
            .build()
            .unwrap()
            .repository::<Order>();
        let summary = repo.batch_insert(orders(100)).concurrency(1).retry(instant(5, Arc::default())).await.unwrap();
        let record = faults.record();
        assert_eq!(summary.written, 100);
        assert!(record.throttled >= 3, "{record:?}");
        assert_eq!(summary.throttled > 0, daplug_sees_throttles, "sdk retry {sdk_retry}: {summary:?}");
    }
}

trait ToItemForTest {
    fn to_item_for_test(&self) -> Item;
}
impl ToItemForTest for Order {
    fn to_item_for_test(&self) -> Item {
        daplug_runtime::Model::to_item(self).unwrap()
    }
}

#[tokio::test]
async fn chunks_whose_connection_dropped_are_retried_and_land() {
    let faults = Faults::new(Schedule { drop_response: [("BatchWriteItem", 3)].into(), ..Schedule::default() });
    let (repo, config, table) = faulty(&faults, "").await;
    let items = orders(60);
    let summary = repo.batch_insert(&items).concurrency(1).retry(instant(4, Arc::default())).await.unwrap();
    let record = faults.record();
    assert_eq!(record.dropped["BatchWriteItem"], 3);
    assert_eq!(summary.written, 60);
    assert_eq!(summary.throttled, 3, "each dropped call was one retryable failure");
    assert_eq!(summary.calls, 3 + 3, "three chunks, three of them sent twice");
    assert_eq!(scan_all(&config, &table).await.len(), 60);
}

#[tokio::test]
async fn a_chunk_whose_every_answer_was_lost_is_left_over_with_an_unknown_outcome() {
    let faults = Faults::new(Schedule { drop_response: [("BatchWriteItem", 100)].into(), ..Schedule::default() });
    let (repo, config, table) = faulty(&faults, "").await;
    let items = orders(10);
    let err = repo.batch_insert(&items).retry(instant(3, Arc::default())).await.unwrap_err();
    assert!(err.maybe_written());
    let Error::BatchIncomplete { leftovers, outcome_unknown } = err else {
        panic!("expected BatchIncomplete, got {err:?}")
    };
    assert_eq!(faults.record().dropped["BatchWriteItem"], 3, "every attempt was sent and its answer lost");
    assert_eq!(leftovers.len(), 10);
    assert_eq!(outcome_unknown, leftovers, "every leftover may have been applied");
    // They were, in fact: the emulator got every attempt. Re-sending them is safe (a put is idempotent).
    assert_eq!(scan_all(&config, &table).await.len(), 10);
    let plain = Adapter::builder().sdk_config(config.clone()).table(&table).hash_key("pk").range_key("sk");
    plain.build().unwrap().repository::<Order>().batch_insert(&items).await.unwrap();
    assert_eq!(scan_all(&config, &table).await.len(), 10);
    drop(repo);
}
