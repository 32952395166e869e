//! Item conversion: generated model → DynamoDB item → model, against the same shapes written by hand
//! and converted with plain `serde_dynamo` (the floor). Every iteration converts all payloads of the
//! payload file (`DAPLUG_BENCH_PAYLOADS`, default `target/bench/payloads.json`); criterion reports
//! the time per iteration and `scripts/bench.sh` divides by the payload count.
//!
//! Groups:
//! - `roundtrip/*`: model → item → model;
//! - `from_item/*`: item → model only: `Model::from_item` (errors name their path), plain
//!   `serde_dynamo`, the direct twin, and plain decoding of a clone (the happy path of "retry with
//!   the path on error");
//! - `to_item/*`: model → item only;
//! - `pipeline/generated`: inbound JSON → model (`Model::from_json`, the schema mapping) → item →
//!   model: the Rust side of the comparison with daplug-ddb's `map_to_schema` + boto3 serialisation.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use daplug_bench::{direct, from_item_plain, generated, hand, load_payloads, payloads_path, unchecked};
use daplug_runtime::{Item, Model};

struct Data {
    json: Vec<serde_json::Value>,
    generated: Vec<generated::ExampleModel>,
    unchecked: Vec<unchecked::ExampleModel>,
    hand: Vec<hand::ExampleModel>,
    items: Vec<Item>,
}

fn data() -> Data {
    let json = load_payloads(payloads_path());
    let generated: Vec<generated::ExampleModel> =
        json.iter().map(|v| generated::ExampleModel::from_json(v).expect("payload maps")).collect();
    let unchecked: Vec<unchecked::ExampleModel> =
        json.iter().map(|v| unchecked::ExampleModel::from_json(v).expect("payload maps")).collect();
    let hand: Vec<hand::ExampleModel> =
        generated.iter().map(|m| serde_json::from_value(serde_json::to_value(m).unwrap()).unwrap()).collect();
    let items: Vec<Item> = generated.iter().map(|m| m.to_item().unwrap()).collect();
    // Both sides must write the very same items, or the comparison means nothing.
    for (g, h) in generated.iter().zip(&hand) {
        let from_hand: Item = serde_dynamo::to_item(h).unwrap();
        assert_eq!(g.to_item().unwrap(), from_hand, "generated and hand-written items differ");
        assert_eq!(direct::to_item(h), from_hand, "the direct twin writes other items");
        assert_eq!(&direct::from_item(from_hand).unwrap(), h, "the direct twin reads other models");
    }
    Data { json, generated, unchecked, hand, items }
}

fn conversion(c: &mut Criterion) {
    let data = data();
    let n = data.generated.len() as u64;

    let mut group = c.benchmark_group("roundtrip");
    group.throughput(Throughput::Elements(n));
    group.bench_function("generated", |b| {
        b.iter(|| {
            for m in &data.generated {
                let item = m.to_item().unwrap();
                black_box(generated::ExampleModel::from_item(item).unwrap());
            }
        })
    });
    group.bench_function("hand_serde_dynamo", |b| {
        b.iter(|| {
            for m in &data.hand {
                let item: Item = serde_dynamo::to_item(m).unwrap();
                black_box(serde_dynamo::from_item::<_, hand::ExampleModel>(item).unwrap());
            }
        })
    });
    group.bench_function("hand_direct", |b| {
        b.iter(|| {
            for m in &data.hand {
                let item = direct::to_item(m);
                black_box(direct::from_item(item).unwrap());
            }
        })
    });
    group.bench_function("generated_plain_from_item", |b| {
        b.iter(|| {
            for m in &data.generated {
                let item = m.to_item().unwrap();
                black_box(from_item_plain::<generated::ExampleModel>(item));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("from_item");
    group.throughput(Throughput::Elements(n));
    group.bench_function("model_from_item", |b| {
        b.iter_batched(
            || data.items.clone(),
            |items| {
                for item in items {
                    black_box(generated::ExampleModel::from_item(item).unwrap());
                }
            },
            BatchSize::LargeInput,
        )
    });
    // The floor: serde_dynamo reading the hand-written struct (serde's derive), as in `roundtrip`.
    group.bench_function("serde_dynamo_from_item", |b| {
        b.iter_batched(
            || data.items.clone(),
            |items| {
                for item in items {
                    black_box(from_item_plain::<hand::ExampleModel>(item));
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("hand_direct", |b| {
        b.iter_batched(
            || data.items.clone(),
            |items| {
                for item in items {
                    black_box(direct::from_item(item).unwrap());
                }
            },
            BatchSize::LargeInput,
        )
    });
    // What "decode plain, and re-decode with the path only on error" would cost on the happy path:
    // the deserializer consumes the item, so the fast path has to decode a clone.
    group.bench_function("clone_then_serde_dynamo", |b| {
        b.iter_batched(
            || data.items.clone(),
            |items| {
                for item in items {
                    black_box(from_item_plain::<hand::ExampleModel>(item.clone()));
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("to_item");
    group.throughput(Throughput::Elements(n));
    group.bench_function("generated", |b| {
        b.iter(|| {
            for m in &data.generated {
                black_box(m.to_item().unwrap());
            }
        })
    });
    group.bench_function("generated_unchecked", |b| {
        b.iter(|| {
            for m in &data.unchecked {
                black_box(m.to_item().unwrap());
            }
        })
    });
    group.bench_function("hand_serde_dynamo", |b| {
        b.iter(|| {
            for m in &data.hand {
                black_box(serde_dynamo::to_item::<_, Item>(m).unwrap());
            }
        })
    });
    group.bench_function("hand_direct", |b| {
        b.iter(|| {
            for m in &data.hand {
                black_box(direct::to_item(m));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(n));
    group.bench_function("generated", |b| {
        b.iter(|| {
            for v in &data.json {
                let m = generated::ExampleModel::from_json(v).unwrap();
                let item = m.to_item().unwrap();
                black_box(generated::ExampleModel::from_item(item).unwrap());
            }
        })
    });
    // The same with the spec's constraints not checked (`format: date-time`, `format: email`).
    group.bench_function("generated_unchecked", |b| {
        b.iter(|| {
            for v in &data.json {
                let m = unchecked::ExampleModel::from_json(v).unwrap();
                let item = m.to_item().unwrap();
                black_box(unchecked::ExampleModel::from_item(item).unwrap());
            }
        })
    });
    group.finish();
}

fn config() -> Criterion {
    let quick = std::env::var_os("DAPLUG_BENCH_QUICK").is_some();
    Criterion::default()
        .sample_size(if quick { 10 } else { 40 })
        .warm_up_time(Duration::from_secs(if quick { 1 } else { 2 }))
        .measurement_time(Duration::from_secs(if quick { 2 } else { 6 }))
}

criterion_group! {
    name = benches;
    config = config();
    targets = conversion
}
criterion_main!(benches);
