//! `batch_insert` of 10,000 items against the local emulator, compared in the same run with a plain
//! aws-sdk-dynamodb `BatchWriteItem` loop at the same concurrency (chunks of 25, unprocessed items
//! re-sent). Prints a Markdown table for BENCHMARKS.md.
//!
//! ```sh
//! cargo bench -p daplug-tests --bench batch     # starts moto itself, or uses DAPLUG_TEST_ENDPOINT
//! ```
//! `DAPLUG_BENCH_ITEMS` (default 10000) and `DAPLUG_BENCH_ROUNDS` (default 3; the best round counts).

#[allow(dead_code)]
#[path = "../tests/it/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use daplug_runtime::{Adapter, Model};
use futures::stream::{self, StreamExt};

use harness::{create_table, order, raw_count, sdk_config, Order, TableSpec};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn daplug_run(config: &aws_config::SdkConfig, items: &[Order], concurrency: usize) -> Duration {
    let table = create_table(config, &TableSpec::STANDARD).await;
    let repo = Adapter::builder()
        .sdk_config(config.clone())
        .table(&table)
        .hash_key("pk")
        .range_key("sk")
        .build()
        .expect("adapter")
        .repository::<Order>();
    let started = Instant::now();
    let summary = repo.batch_insert(items).concurrency(concurrency).await.expect("batch_insert");
    let elapsed = started.elapsed();
    assert_eq!(summary.written, items.len());
    assert_eq!(raw_count(config, &table).await, items.len());
    drop_table(config, &table).await;
    elapsed
}

async fn sdk_run(config: &aws_config::SdkConfig, items: &[Order], concurrency: usize) -> Duration {
    let table = create_table(config, &TableSpec::STANDARD).await;
    let client = aws_sdk_dynamodb::Client::new(config);
    let started = Instant::now();
    let chunks: Vec<&[Order]> = items.chunks(25).collect();
    stream::iter(chunks)
        .map(|chunk| {
            let client = client.clone();
            let table = table.clone();
            async move {
                let mut requests: Vec<WriteRequest> = chunk
                    .iter()
                    .map(|item| {
                        let put =
                            PutRequest::builder().set_item(Some(item.to_item().expect("item"))).build().expect("put");
                        WriteRequest::builder().put_request(put).build()
                    })
                    .collect();
                while !requests.is_empty() {
                    let out =
                        client.batch_write_item().request_items(&table, requests).send().await.expect("BatchWriteItem");
                    requests = out.unprocessed_items.and_then(|mut m| m.remove(&table)).unwrap_or_default();
                }
            }
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<()>>()
        .await;
    let elapsed = started.elapsed();
    assert_eq!(raw_count(config, &table).await, items.len());
    drop_table(config, &table).await;
    elapsed
}

/// Deletes a finished run's table, so the emulator's memory (and its garbage collector's work) does
/// not grow from run to run and favour whichever side runs first.
async fn drop_table(config: &aws_config::SdkConfig, table: &str) {
    aws_sdk_dynamodb::Client::new(config).delete_table().table_name(table).send().await.expect("delete table");
}

fn rate(items: usize, elapsed: Duration) -> f64 {
    items as f64 / elapsed.as_secs_f64()
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let count = env_or("DAPLUG_BENCH_ITEMS", 10_000);
    let rounds = env_or("DAPLUG_BENCH_ROUNDS", 3).max(1);
    let config = sdk_config().await;
    let items: Vec<Order> = (0..count).map(|i| order(&format!("o-{i}"), "v1", "open", i as i64)).collect();
    // Warm-up: connections, moto's first-request costs.
    daplug_run(&config, &items[..items.len().min(500)], 4).await;

    println!("items: {count}, rounds: {rounds} (best of), emulator: moto at {}", harness::endpoint());
    println!();
    println!("| concurrency | daplug `batch_insert` | plain SDK `BatchWriteItem` loop | daplug / SDK |");
    println!("|---:|---:|---:|---:|");
    for concurrency in [1, 4, 8] {
        let (mut best_daplug, mut best_sdk) = (Duration::MAX, Duration::MAX);
        for round in 0..rounds {
            // Alternate which runs first so neither always gets the warmer emulator.
            if round % 2 == 0 {
                best_daplug = best_daplug.min(daplug_run(&config, &items, concurrency).await);
                best_sdk = best_sdk.min(sdk_run(&config, &items, concurrency).await);
            } else {
                best_sdk = best_sdk.min(sdk_run(&config, &items, concurrency).await);
                best_daplug = best_daplug.min(daplug_run(&config, &items, concurrency).await);
            }
        }
        let (d, s) = (rate(count, best_daplug), rate(count, best_sdk));
        println!(
            "| {concurrency} | {d:.0} items/s ({:.2} s) | {s:.0} items/s ({:.2} s) | {:.2} |",
            best_daplug.as_secs_f64(),
            best_sdk.as_secs_f64(),
            d / s
        );
    }
}
