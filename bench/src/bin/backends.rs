//! The two DynamoDB backends of the test suite side by side: per-request latency of `PutItem` and
//! `GetItem` (raw SDK calls, one client per backend, sequential), and how long each takes to start
//! until it answers HTTP.
//!
//! ```text
//! bench-backends --endpoint MOTO_URL --moto-python .venv/bin/python --moto-server scripts/moto_server.py
//!                [--count 1000] [--rounds 10] [--starts 20] [--moto-starts 3]
//! ```
//! moto is the running server at `--endpoint` (for latency) and fresh servers started here (for
//! start-up); the in-process emulator is `daplug_runtime::testing::Emulator`. The requests are split
//! into `rounds`; each round sends a slice of puts then gets to both backends, alternating which goes
//! first, so drift in the machine's load hits both equally. Prints one JSON line.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::AttributeValue;
use daplug_bench::create_table;
use daplug_runtime::testing::Emulator;
use serde_json::json;

/// One backend: its name, a client, and the latencies measured on it.
struct Side {
    name: &'static str,
    client: aws_sdk_dynamodb::Client,
    put: Vec<Duration>,
    get: Vec<Duration>,
}

const TABLE: &str = "bench-backends";

fn item(id: &str) -> std::collections::HashMap<String, AttributeValue> {
    let customer = [("name", "Ada"), ("email", "ada@example.com")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), AttributeValue::S(v.to_owned())))
        .collect();
    [
        ("record_id", AttributeValue::S(id.to_owned())),
        ("status", AttributeValue::S("open".into())),
        ("modified", AttributeValue::S("2024-01-01T00:00:00Z".into())),
        ("qty", AttributeValue::N("3".into())),
        ("customer", AttributeValue::M(customer)),
        ("tags", AttributeValue::L(vec![AttributeValue::S("a".into()), AttributeValue::S("b".into())])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

impl Side {
    async fn slice(&mut self, ids: &[String], timed: bool) {
        for id in ids {
            let start = Instant::now();
            let put = self.client.put_item().table_name(TABLE).set_item(Some(item(id)));
            put.send().await.expect("PutItem");
            if timed {
                self.put.push(start.elapsed());
            }
        }
        for id in ids {
            let start = Instant::now();
            let got = self.client.get_item().table_name(TABLE).key("record_id", AttributeValue::S(id.clone()));
            let out = got.send().await.expect("GetItem");
            if timed {
                self.get.push(start.elapsed());
            }
            assert!(out.item.is_some(), "{}: {id} was written", self.name);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Mean, median, p90 and p99 in milliseconds.
fn summary(samples: &mut [Duration]) -> serde_json::Value {
    samples.sort_unstable();
    let at = |q: f64| ms(samples[((samples.len() as f64 - 1.0) * q).round() as usize]);
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64;
    json!({"n": samples.len(), "mean_ms": mean, "median_ms": at(0.5), "p90_ms": at(0.9), "p99_ms": at(0.99)})
}

/// Whether an HTTP server answers `GET path` on `address` (any status).
fn answers(address: &str, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(address) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let mut head = [0u8; 8];
    stream.write_all(request.as_bytes()).is_ok() && stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

/// Polls every millisecond until `address` answers; the time it took.
fn until_answering(address: &str, path: &str, started: Instant, limit: Duration) -> Duration {
    while !answers(address, path) {
        assert!(started.elapsed() < limit, "{address} did not answer within {limit:?}");
        std::thread::sleep(Duration::from_millis(1));
    }
    started.elapsed()
}

/// In-process emulator: `Emulator::start()` returning (listening), then answering HTTP.
fn dynoxide_startup(starts: usize) -> serde_json::Value {
    let (mut listening, mut answering) = (Vec::new(), Vec::new());
    for _ in 0..starts {
        let started = Instant::now();
        let emulator = Emulator::start().expect("start the in-process emulator");
        listening.push(started.elapsed());
        let address = emulator.endpoint().trim_start_matches("http://").to_owned();
        answering.push(until_answering(&address, "/", started, Duration::from_secs(10)));
    }
    json!({"starts": starts, "listening": summary(&mut listening), "answering": summary(&mut answering)})
}

/// moto: a fresh `moto_server.py` process until it answers, as `scripts/emulator.sh start` runs it.
fn moto_startup(python: &str, server: &str, starts: usize) -> serde_json::Value {
    let mut answering = Vec::new();
    for _ in 0..starts {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let started = Instant::now();
        let mut child = Command::new(python)
            .args([server, "127.0.0.1", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server.py");
        answering.push(until_answering(&format!("127.0.0.1:{port}"), "/moto-api/", started, Duration::from_secs(60)));
        let _ = child.kill();
        let _ = child.wait();
    }
    json!({"starts": starts, "answering": summary(&mut answering)})
}

fn client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "daplug-bench"))
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut endpoint, mut python, mut server) = (None, None, None);
    let (mut count, mut rounds, mut starts, mut moto_starts) = (1000usize, 10usize, 20usize, 3usize);
    while let Some(flag) = args.next() {
        let mut number = |what: &str| args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{what} N"));
        match flag.as_str() {
            "--endpoint" => endpoint = args.next(),
            "--moto-python" => python = args.next(),
            "--moto-server" => server = args.next(),
            "--count" => count = number("--count"),
            "--rounds" => rounds = number("--rounds"),
            "--starts" => starts = number("--starts"),
            "--moto-starts" => moto_starts = number("--moto-starts"),
            other => panic!("unknown flag {other}"),
        }
    }
    let endpoint = endpoint.expect("--endpoint URL (moto)");

    // Start-up first, while nothing else of this process is running.
    let dynoxide_start = dynoxide_startup(starts);
    let moto_start = match (python, server) {
        (Some(python), Some(server)) => moto_startup(&python, &server, moto_starts),
        _ => serde_json::Value::Null,
    };

    let emulator = Emulator::start().expect("start the in-process emulator");
    let mut sides = [
        Side { name: "moto", client: client(&endpoint), put: Vec::new(), get: Vec::new() },
        Side { name: "dynoxide", client: emulator.client(), put: Vec::new(), get: Vec::new() },
    ];
    for side in &mut sides {
        create_table(&side.client, TABLE).await;
        // Warm-up (connections, first-call setup), not timed.
        let warm: Vec<String> = (0..20).map(|i| format!("warm-{i:03}")).collect();
        side.slice(&warm, false).await;
    }
    let ids: Vec<String> = (0..count).map(|i| format!("item-{i:06}")).collect();
    let slice = count.div_ceil(rounds.max(1));
    for (round, part) in ids.chunks(slice).enumerate() {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for index in order {
            sides[index].slice(part, true).await;
        }
    }
    let mut latency = serde_json::Map::new();
    for side in &mut sides {
        latency.insert(side.name.into(), json!({"put": summary(&mut side.put), "get": summary(&mut side.get)}));
    }
    let out = json!({
        "count": count,
        "rounds": rounds,
        "latency": latency,
        "startup": {"dynoxide": dynoxide_start, "moto": moto_start},
    });
    println!("{out}");
}
