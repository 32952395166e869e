//! End-to-end overhead: inserts and gets through `Repository<ExampleModel>` against the same calls
//! written with the raw SDK (conditional `PutItem` of a `serde_dynamo` item with the hash prefix added
//! by hand; `GetItem` + prefix strip + `serde_dynamo::from_item`), sequential, on the emulator.
//!
//! ```text
//! bench-e2e --endpoint URL [--count 1000] [--rounds 10]
//! ```
//! The work is split into `rounds`; each round runs a slice of inserts then gets on both sides,
//! alternating which side goes first, so drift in the emulator's speed hits both equally. Prints one
//! JSON line with the total seconds per side and operation.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use daplug_bench::generated::{ExampleModel, ExampleModelKey};
use daplug_bench::{create_table, load_payloads, payloads_path, sdk_config};
use daplug_runtime::{Adapter, Item, Model, Repository};

const PREFIX: &str = "order#";

struct Raw {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl Raw {
    async fn insert(&self, model: &ExampleModel) {
        let mut item: Item = serde_dynamo::to_item(model).expect("item");
        item.insert("record_id".into(), AttributeValue::S(format!("{PREFIX}{}", model.record_id)));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#n0)")
            .expression_attribute_names("#n0", "record_id")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await
            .expect("raw put");
    }

    async fn get(&self, id: &str) -> Option<ExampleModel> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("record_id", AttributeValue::S(format!("{PREFIX}{id}")))
            .consistent_read(false)
            .send()
            .await
            .expect("raw get");
        out.item.map(|mut item| {
            if let Some(AttributeValue::S(id)) = item.get_mut("record_id") {
                *id = id.strip_prefix(PREFIX).unwrap_or(id).to_owned();
            }
            serde_dynamo::from_item(item).expect("decode")
        })
    }
}

#[derive(Default)]
struct Totals {
    repo_insert: Duration,
    raw_insert: Duration,
    repo_get: Duration,
    raw_get: Duration,
}

async fn repo_slice(repo: &Repository<ExampleModel>, models: &[ExampleModel], totals: &mut Totals) {
    let start = Instant::now();
    for m in models {
        repo.insert(m).await.expect("repo insert");
    }
    totals.repo_insert += start.elapsed();
    let start = Instant::now();
    for m in models {
        let got = repo.get(&ExampleModelKey { record_id: m.record_id.clone() }).await.expect("repo get");
        assert!(got.as_ref() == Some(m));
    }
    totals.repo_get += start.elapsed();
}

async fn raw_slice(raw: &Raw, models: &[ExampleModel], totals: &mut Totals) {
    let start = Instant::now();
    for m in models {
        raw.insert(m).await;
    }
    totals.raw_insert += start.elapsed();
    let start = Instant::now();
    for m in models {
        let got = raw.get(&m.record_id).await;
        assert!(got.as_ref() == Some(m));
    }
    totals.raw_get += start.elapsed();
}

fn models(count: usize, side: &str) -> Vec<ExampleModel> {
    let payloads = load_payloads(payloads_path());
    (0..count)
        .map(|i| {
            let mut m = ExampleModel::from_json(&payloads[i % payloads.len()]).expect("payload");
            m.record_id = format!("{side}-{i:06}");
            m
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut endpoint, mut count, mut rounds) = (None, 1000usize, 10usize);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--endpoint" => endpoint = args.next(),
            "--count" => count = args.next().and_then(|n| n.parse().ok()).expect("--count N"),
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).expect("--rounds N"),
            other => panic!("unknown flag {other}"),
        }
    }
    let config = sdk_config(&endpoint.expect("--endpoint URL")).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let table = "bench-e2e".to_owned();
    create_table(&client, &table).await;
    let adapter = Adapter::builder()
        .sdk_config(config.clone())
        .table(&table)
        .keys_from::<ExampleModel>()
        .build()
        .expect("adapter");
    let repo = adapter.repository::<ExampleModel>();
    let raw = Raw { client, table };

    // Warm-up (connections, first-call setup) on both sides, not timed.
    let mut ignored = Totals::default();
    repo_slice(&repo, &models(20, "warm-repo"), &mut ignored).await;
    raw_slice(&raw, &models(20, "warm-raw"), &mut ignored).await;

    let repo_models = models(count, "repo");
    let raw_models = models(count, "raw");
    let slice = count.div_ceil(rounds.max(1));
    let mut totals = Totals::default();
    for (round, (repo_part, raw_part)) in repo_models.chunks(slice).zip(raw_models.chunks(slice)).enumerate() {
        if round % 2 == 0 {
            repo_slice(&repo, repo_part, &mut totals).await;
            raw_slice(&raw, raw_part, &mut totals).await;
        } else {
            raw_slice(&raw, raw_part, &mut totals).await;
            repo_slice(&repo, repo_part, &mut totals).await;
        }
    }
    println!(
        "{{\"count\": {count}, \"rounds\": {rounds}, \"repo_insert_s\": {:.3}, \"raw_insert_s\": {:.3}, \"repo_get_s\": {:.3}, \"raw_get_s\": {:.3}}}",
        totals.repo_insert.as_secs_f64(),
        totals.raw_insert.as_secs_f64(),
        totals.repo_get.as_secs_f64(),
        totals.raw_get.as_secs_f64()
    );
}
