//! The two update modes on the emulator, in the same run: read → merge → conditional put
//! (`update`) against one `UpdateItem` (`update(..).in_one_request()`).
//!
//! ```text
//! bench-update --endpoint URL [--count 500] [--rounds 10] [--writers 8] [--each 25]
//! ```
//! 1. **Requests and latency**: `count` items per mode (`ExampleModel`, `order#` prefix, equality
//!    lock on `modified`, as `keys_from` configures them), each updated once with the same patch (two
//!    top-level attributes, the lock timestamp and a field of the nested `customer` map), sequentially,
//!    in `rounds` interleaved rounds (the mode that goes first alternates). Requests are counted by
//!    an SDK interceptor on the adapter's client, per operation; latency per call.
//!    Then the raw SDK requests each mode is made of, on the same items, to show the emulator's own
//!    cost per request.
//! 2. **Racing writers**: `writers` tasks × `each` increments of one counter under version locking.
//!    Read-merge-write reads the counter and writes `n + 1` with the version read, retrying on
//!    `Error::Conflict`; the one-request mode sends `ADD n :1` (`increment`). Both must end at the
//!    exact total; conflicts and requests are counted.
//!
//! Prints one JSON object.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use daplug_bench::generated::{ExampleModel, ExampleModelKey};
use daplug_bench::{create_table, load_payloads, payloads_path, sdk_config};
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::{Adapter, Error, KeyAttribute, KeyType, Model, ModelMeta, Repository};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Counts the HTTP requests of a client by operation (`x-amz-target`), retries included.
#[derive(Debug, Clone, Default)]
struct CountRequests(Arc<Mutex<BTreeMap<String, usize>>>);

impl CountRequests {
    fn snapshot(&self) -> BTreeMap<String, usize> {
        self.0.lock().expect("counter lock").clone()
    }
}

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "bench.count_requests"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context.request().headers().get("x-amz-target").unwrap_or("unknown");
        let operation = target.rsplit('.').next().unwrap_or(target).to_owned();
        *self.0.lock().expect("counter lock").entry(operation).or_default() += 1;
        Ok(())
    }
}

/// What one mode's requests and calls added up to.
#[derive(Debug, Default)]
struct Side {
    latencies: Vec<Duration>,
    requests: BTreeMap<String, usize>,
}

impl Side {
    fn add_requests(&mut self, before: &BTreeMap<String, usize>, after: &BTreeMap<String, usize>) {
        for (operation, count) in after {
            let delta = count - before.get(operation).copied().unwrap_or(0);
            if delta > 0 {
                *self.requests.entry(operation.clone()).or_default() += delta;
            }
        }
    }

    fn json(&self) -> serde_json::Value {
        let mut ms: Vec<f64> = self.latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
        let median = match ms.len() {
            0 => 0.0,
            n if n % 2 == 1 => ms[n / 2],
            n => (ms[n / 2 - 1] + ms[n / 2]) / 2.0,
        };
        let p90 = ms.get((ms.len() * 9 / 10).min(ms.len().saturating_sub(1))).copied().unwrap_or(0.0);
        json!({"calls": ms.len(), "mean_ms": mean, "median_ms": median, "p90_ms": p90, "requests": self.requests})
    }
}

fn patch(round: usize, i: usize) -> serde_json::Value {
    json!({
        "status": "shipped",
        "note": format!("round {round}, update {i}"),
        "modified": format!("2026-01-01T00:{:02}:{:02}Z", round % 60, i % 60),
        "customer": {"email": format!("updated-{i}@example.com")},
    })
}

/// Updates `ids` one after the other in `mode` ("rmw" or "one"), recording latencies and requests.
async fn run(
    repo: &Repository<ExampleModel>,
    counter: &CountRequests,
    mode: &str,
    ids: &[String],
    round: usize,
    side: &mut Side,
) {
    let before = counter.snapshot();
    for (i, id) in ids.iter().enumerate() {
        let key = ExampleModelKey { record_id: id.clone() };
        let patch = patch(round, i);
        let start = Instant::now();
        let updated = match mode {
            "rmw" => repo.update(&key, &patch).await,
            _ => repo.update(&key, &patch).in_one_request().await,
        }
        .unwrap_or_else(|err| panic!("{mode} update of {id}: {err}"));
        side.latencies.push(start.elapsed());
        assert_eq!(updated.note.as_deref(), patch["note"].as_str());
    }
    side.add_requests(&before, &counter.snapshot());
}

/// The emulator's own time per request: the raw SDK calls each mode is made of, on the same items
/// (`GetItem` consistent, `PutItem` of the item read, and the `UpdateItem` that `in_one_request`
/// plans, sent without daplug's decoding and event), mean milliseconds per call.
async fn raw_requests(
    repo: &Repository<ExampleModel>,
    client: &aws_sdk_dynamodb::Client,
    ids: &[String],
) -> serde_json::Value {
    let table = repo.adapter().table().to_owned();
    let (mut get, mut put, mut update) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for (i, id) in ids.iter().enumerate() {
        let key = repo.get(&ExampleModelKey { record_id: id.clone() }).plan().expect("get plan").build().expect("get");
        let start = Instant::now();
        let item = client
            .get_item()
            .table_name(&table)
            .set_key(key.key().cloned())
            .consistent_read(true)
            .send()
            .await
            .expect("raw get")
            .item
            .expect("item");
        get += start.elapsed();
        let start = Instant::now();
        client.put_item().table_name(&table).set_item(Some(item)).send().await.expect("raw put");
        put += start.elapsed();
        let planned = repo.update(&ExampleModelKey { record_id: id.clone() }, &patch(99, i)).in_one_request().plan();
        let start = Instant::now();
        planned.expect("update plan").send_with(client).await.expect("raw update");
        update += start.elapsed();
    }
    let ms = |total: Duration| total.as_secs_f64() * 1000.0 / ids.len().max(1) as f64;
    json!({"calls": ids.len(), "get_ms": ms(get), "put_ms": ms(put), "update_ms": ms(update)})
}

/// A counter for the racing writers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Counter {
    record_id: String,
    #[serde(default)]
    n: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
struct CounterKey {
    record_id: String,
}

impl Model for Counter {
    type Key = CounterKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "record_id", key_type: KeyType::S }),
        ..ModelMeta::named("Counter")
    };
}

/// `writers` × `each` increments of one counter in `mode`; returns the JSON summary.
async fn race(
    repo: &Repository<Counter>,
    counter: &CountRequests,
    mode: &'static str,
    writers: usize,
    each: usize,
) -> serde_json::Value {
    let id = format!("race-{mode}");
    repo.overwrite(&Counter { record_id: id.clone(), n: 0, version: None }).await.expect("seed counter");
    let before = counter.snapshot();
    let start = Instant::now();
    let tasks = (0..writers).map(|_| {
        let (repo, id) = (repo.clone(), id.clone());
        tokio::spawn(async move {
            let key = CounterKey { record_id: id };
            let mut conflicts = 0usize;
            for _ in 0..each {
                loop {
                    let result = if mode == "rmw" {
                        let read = repo.get(&key).consistent_read(true).await.expect("read").expect("counter");
                        repo.update(&key, &json!({"n": read.n + 1, "version": read.version})).await
                    } else {
                        repo.update(&key, &json!({})).in_one_request().increment("n", 1).await
                    };
                    match result {
                        Ok(_) => break,
                        Err(Error::Conflict { .. }) => conflicts += 1,
                        Err(other) => panic!("{mode}: {other}"),
                    }
                }
            }
            conflicts
        })
    });
    let conflicts: usize = futures::future::join_all(tasks).await.into_iter().map(|task| task.expect("task")).sum();
    let seconds = start.elapsed().as_secs_f64();
    let mut side = Side::default();
    side.add_requests(&before, &counter.snapshot());
    let stored = repo.get(&CounterKey { record_id: id }).consistent_read(true).await.expect("read").expect("counter");
    assert_eq!(stored.n, (writers * each) as i64, "{mode}: every increment landed exactly once");
    json!({"conflicts": conflicts, "seconds": seconds, "final": stored.n, "version": stored.version, "requests": side.requests})
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut endpoint, mut count, mut rounds, mut writers, mut each) = (None, 500usize, 10usize, 8usize, 25usize);
    while let Some(flag) = args.next() {
        let mut number = || args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{flag} N"));
        match flag.as_str() {
            "--endpoint" => endpoint = args.next(),
            "--count" => count = number(),
            "--rounds" => rounds = number(),
            "--writers" => writers = number(),
            "--each" => each = number(),
            other => panic!("unknown flag {other}"),
        }
    }
    let config = sdk_config(&endpoint.expect("--endpoint URL")).await;
    let counter = CountRequests::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&config).interceptor(counter.clone()).build(),
    );
    let table = "bench-update".to_owned();
    create_table(&client, &table).await;
    let adapter = Adapter::builder()
        .client(client.clone())
        .sdk_config(config.clone())
        .table(&table)
        .keys_from::<ExampleModel>()
        .build()
        .expect("adapter");
    let repo = adapter.repository::<ExampleModel>();

    // Seed both sides with the same payloads (`customer` is always present: the patch merges into it).
    let payloads = load_payloads(payloads_path());
    let seed = |side: &str| -> Vec<ExampleModel> {
        (0..count + 10)
            .map(|i| {
                let mut m = ExampleModel::from_json(&payloads[i % payloads.len()]).expect("payload");
                m.record_id = format!("{side}-{i:06}");
                m
            })
            .collect()
    };
    let (rmw_models, one_models) = (seed("rmw"), seed("one"));
    repo.batch_insert(&rmw_models).await.expect("seed rmw");
    repo.batch_insert(&one_models).await.expect("seed one");
    let ids = |models: &[ExampleModel]| models.iter().map(|m| m.record_id.clone()).collect::<Vec<_>>();
    let (rmw_ids, one_ids) = (ids(&rmw_models), ids(&one_models));

    // Warm-up (connections, first-call setup), not recorded.
    let mut ignored = Side::default();
    run(&repo, &counter, "rmw", &rmw_ids[count..], 0, &mut ignored).await;
    run(&repo, &counter, "one", &one_ids[count..], 0, &mut ignored).await;

    let slice = count.div_ceil(rounds.max(1));
    let (mut rmw, mut one) = (Side::default(), Side::default());
    for (round, (rmw_part, one_part)) in rmw_ids[..count].chunks(slice).zip(one_ids[..count].chunks(slice)).enumerate()
    {
        if round % 2 == 0 {
            run(&repo, &counter, "rmw", rmw_part, round + 1, &mut rmw).await;
            run(&repo, &counter, "one", one_part, round + 1, &mut one).await;
        } else {
            run(&repo, &counter, "one", one_part, round + 1, &mut one).await;
            run(&repo, &counter, "rmw", rmw_part, round + 1, &mut rmw).await;
        }
    }

    let raw = raw_requests(&repo, &client, &one_ids[..count]).await;

    let versioned = Adapter::builder()
        .client(client.clone())
        .table(&table)
        .hash_key("record_id")
        .idempotence_key("version")
        .lock_policy(LockPolicy::Version)
        .build()
        .expect("versioned adapter")
        .repository::<Counter>();
    let race_rmw = race(&versioned, &counter, "rmw", writers, each).await;
    let race_add = race(&versioned, &counter, "one", writers, each).await;

    println!(
        "{}",
        json!({
            "count": count,
            "rounds": rounds,
            "rmw": rmw.json(),
            "one": one.json(),
            "raw": raw,
            "race": {"writers": writers, "each": each, "rmw": race_rmw, "add": race_add},
        })
    );
}
