//! Streaming-scan memory benchmark.
//!
//! ```text
//! bench-scan seed --endpoint URL --table T --count N   create T and fill it with N items (raw BatchWriteItem)
//! bench-scan scan --endpoint URL --table T [--collect] stream every item (pages of 500) and count them;
//!                                                      --collect keeps them all in a Vec instead (the contrast)
//! ```
//! Both print one JSON line; `scan` reports its own peak RSS (`VmHWM`). Seeding runs in its own
//! process so its memory never shows in the scan's peak.

use std::time::Instant;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use daplug_bench::generated::ExampleModel;
use daplug_bench::{create_table, load_payloads, payloads_path, peak_rss_kib, sdk_config};
use daplug_runtime::{Adapter, Item, Model};
use futures::{StreamExt, TryStreamExt};

struct Args {
    command: String,
    endpoint: String,
    table: String,
    count: usize,
    collect: bool,
}

fn args() -> Args {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let (mut endpoint, mut table, mut count, mut collect) = (None, None, 10_000, false);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--endpoint" => endpoint = args.next(),
            "--table" => table = args.next(),
            "--count" => count = args.next().and_then(|n| n.parse().ok()).expect("--count N"),
            "--collect" => collect = true,
            other => panic!("unknown flag {other}"),
        }
    }
    Args {
        command,
        endpoint: endpoint.expect("--endpoint URL"),
        table: table.unwrap_or_else(|| "bench-scan".into()),
        count,
        collect,
    }
}

#[tokio::main]
async fn main() {
    let args = args();
    let config = sdk_config(&args.endpoint).await;
    match args.command.as_str() {
        "seed" => seed(&config, &args).await,
        "scan" => scan(&config, &args).await,
        other => panic!("usage: bench-scan seed|scan ... (got {other:?})"),
    }
}

async fn seed(config: &aws_config::SdkConfig, args: &Args) {
    let client = aws_sdk_dynamodb::Client::new(config);
    create_table(&client, &args.table).await;
    let models: Vec<ExampleModel> =
        load_payloads(payloads_path()).iter().map(|v| ExampleModel::from_json(v).expect("payload")).collect();
    let start = Instant::now();
    // Batches of 25 built lazily, four requests in flight.
    let batches = (0..args.count).collect::<Vec<_>>();
    futures::stream::iter(batches.chunks(25).map(|chunk| {
        let requests: Vec<WriteRequest> = chunk
            .iter()
            .map(|&i| {
                let mut model = models[i % models.len()].clone();
                model.record_id = format!("rec-{i:07}");
                let item: Item = model.to_item().expect("item");
                WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(item)).build().expect("put"))
                    .build()
            })
            .collect();
        let client = client.clone();
        let table = args.table.clone();
        async move {
            let mut pending = requests;
            while !pending.is_empty() {
                let out =
                    client.batch_write_item().request_items(&table, pending).send().await.expect("BatchWriteItem");
                pending = out.unprocessed_items.and_then(|mut m| m.remove(&table)).unwrap_or_default();
            }
        }
    }))
    .buffer_unordered(4)
    .collect::<()>()
    .await;
    println!("{{\"seeded\": {}, \"seconds\": {:.1}}}", args.count, start.elapsed().as_secs_f64());
}

async fn scan(config: &aws_config::SdkConfig, args: &Args) {
    let adapter = Adapter::builder()
        .sdk_config(config.clone())
        .table(&args.table)
        .hash_key("record_id")
        .build()
        .expect("adapter");
    let repo = adapter.repository::<ExampleModel>();
    let baseline = peak_rss_kib().unwrap_or(0);
    let start = Instant::now();
    let items = if args.collect {
        let all: Vec<ExampleModel> = repo.scan().limit(500).stream().try_collect().await.expect("scan");
        all.len()
    } else {
        repo.scan().limit(500).stream().try_fold(0usize, |n, _item| async move { Ok(n + 1) }).await.expect("scan")
    };
    println!(
        "{{\"items\": {items}, \"collect\": {}, \"seconds\": {:.1}, \"baseline_rss_kib\": {baseline}, \"peak_rss_kib\": {}}}",
        args.collect,
        start.elapsed().as_secs_f64(),
        peak_rss_kib().unwrap_or(0)
    );
}
