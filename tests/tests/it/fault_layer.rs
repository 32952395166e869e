//! Fault injection between the SDK and the emulator (emulators never throttle).
//!
//! [`Faults`] is an HTTP client wrapping the real one. For `BatchWriteItem` and `BatchGetItem` calls it
//! follows a [`Schedule`]: it answers some calls with throttling errors or 500s without forwarding
//! them, and for the others removes a share of the entries from the request before forwarding it and
//! adds exactly those entries to the response's `UnprocessedItems` / `UnprocessedKeys` — what
//! DynamoDB does when it has no capacity left. Every other call passes through untouched.
//!
//! It also counts, per item, how often a write reached the emulator, so tests can prove each item was
//! written exactly once.
//!
//! For every call (DynamoDB or SNS, named by operation: `PutItem`, `Publish`, ...) it can also
//! forward the request and then drop the response ([`Schedule::drop_response`]: the write happened,
//! the client sees a dropped connection and the SDK retries, as after a reset or a timeout), running
//! a hook in between ([`Faults::before_drop`]: a competing writer), or accept the call and never
//! answer ([`Schedule::hang`]). After forwarding it can also answer the emulator's 2xx with an
//! unparseable body ([`Schedule::garble_response`]) or with a body that ends half-way
//! ([`Schedule::cut_response`]): the write happened, its answer cannot be read. The same hook runs
//! before those answers. And it can answer the first calls of an operation with a throttling error
//! without forwarding them ([`Schedule::throttle_first`]).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::retry::ErrorKind;
use serde_json::{json, Value};

/// When to misbehave. Calls are numbered from 1 in the order they reach the layer (batch calls only).
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// Tenths of every batch call's entries left unprocessed (the last ones of the call):
    /// `3` leaves `floor(n × 0.3)` of `n` entries.
    pub unprocessed_tenths: usize,
    /// Items (`pk|sk` as stored) that are never processed.
    pub never: HashSet<String>,
    /// Every `n`th call is answered with a throttling error (alternating
    /// `ProvisionedThroughputExceededException` and `ThrottlingException`).
    pub throttle_every: Option<usize>,
    /// Every `n`th call (not already throttled) is answered with a 500 `InternalServerError`.
    pub error_500_every: Option<usize>,
    /// Calls naming one of these items are always throttled.
    pub throttle_containing: HashSet<String>,
    /// Calls naming one of these items are answered with a `ValidationException` (not retryable).
    pub reject_containing: HashSet<String>,
    /// Operation → how many of its calls are forwarded and then answered with a dropped connection
    /// (`connection closed before message completed`, a transient error the SDK retries). Only a
    /// call's first attempt is dropped, so the SDK's retry is answered.
    pub drop_response: HashMap<&'static str, usize>,
    /// Operations whose calls are accepted and never answered.
    pub hang: HashSet<&'static str>,
    /// Operation → how many of its calls are forwarded and then answered with the emulator's 2xx
    /// status and an unparseable body (the write happened, the answer is garbage).
    pub garble_response: HashMap<&'static str, usize>,
    /// Operation → how many of its calls are forwarded and then answered with the emulator's 2xx
    /// status and a body that ends half-way (`connection closed before message completed`).
    pub cut_response: HashMap<&'static str, usize>,
    /// Operation → how many of its first calls are answered with a `ThrottlingException` without
    /// being forwarded (certainly not applied).
    pub throttle_first: HashMap<&'static str, usize>,
}

/// What happens to a forwarded call's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Pass,
    Drop,
    Garble,
    Cut,
}

/// What the layer did.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// Batch calls seen.
    pub calls: usize,
    /// Calls answered with a throttling error.
    pub throttled: usize,
    /// Calls answered with a 500.
    pub errors_500: usize,
    /// Calls answered with a validation error.
    pub rejected: usize,
    /// Entries moved to `UnprocessedItems` / `UnprocessedKeys`.
    pub unprocessed: usize,
    /// Per item (`pk|sk`), how many times a write of it reached the emulator.
    pub written: HashMap<String, usize>,
    /// Per operation, calls seen (every operation, every attempt).
    pub attempts: HashMap<String, usize>,
    /// Per operation, responses dropped after forwarding.
    pub dropped: HashMap<String, usize>,
    /// Calls left hanging.
    pub hung: usize,
    /// Per operation, 2xx answers garbled after forwarding.
    pub garbled: HashMap<String, usize>,
    /// Per operation, 2xx answers cut half-way after forwarding.
    pub cut: HashMap<String, usize>,
    /// Per operation, calls throttled by `throttle_first`.
    pub throttled_first: HashMap<String, usize>,
    /// The `ClientRequestToken` of every `TransactWriteItems` attempt, in order.
    pub tokens: Vec<String>,
}

/// What runs between forwarding a call and dropping its response.
type Hook = Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>;

/// The fault layer: share it between the client and the test through an `Arc`.
pub struct Faults {
    schedule: Schedule,
    record: Mutex<Record>,
    before_drop: Mutex<Option<Hook>>,
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Faults").field("schedule", &self.schedule).finish_non_exhaustive()
    }
}

impl Faults {
    pub fn new(schedule: Schedule) -> Arc<Self> {
        Arc::new(Faults { schedule, record: Mutex::new(Record::default()), before_drop: Mutex::new(None) })
    }

    /// Runs `hook` once, after the next dropped call reached the emulator and before its client sees
    /// the dropped connection (a competing writer between a write and its retry).
    pub fn before_drop<F>(&self, hook: impl FnOnce() -> F + Send + 'static)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        *self.before_drop.lock().unwrap() = Some(Box::new(move || Box::pin(hook())));
    }

    /// An SNS client that goes through this layer, with the given SDK retry configuration.
    pub fn sns_client(self: &Arc<Self>, config: &aws_config::SdkConfig, retry: RetryConfig) -> aws_sdk_sns::Client {
        let http = FaultClient { inner: aws_smithy_http_client::Builder::new().build_http(), faults: self.clone() };
        let conf = aws_sdk_sns::config::Builder::from(config).http_client(http).retry_config(retry).build();
        aws_sdk_sns::Client::from_conf(conf)
    }

    /// A snapshot of what happened so far.
    pub fn record(&self) -> Record {
        self.record.lock().unwrap().clone()
    }

    /// A DynamoDB client that goes through this layer, with the SDK's own retry disabled so every
    /// injected fault reaches daplug (otherwise the SDK would absorb throttles and 500s itself).
    pub fn client(self: &Arc<Self>, config: &aws_config::SdkConfig) -> aws_sdk_dynamodb::Client {
        self.client_with_retry(config, RetryConfig::disabled())
    }

    /// Like [`client`](Self::client) with the given SDK retry configuration.
    pub fn client_with_retry(
        self: &Arc<Self>,
        config: &aws_config::SdkConfig,
        retry: RetryConfig,
    ) -> aws_sdk_dynamodb::Client {
        let http = FaultClient { inner: aws_smithy_http_client::Builder::new().build_http(), faults: self.clone() };
        let conf = aws_sdk_dynamodb::config::Builder::from(config).http_client(http).retry_config(retry).build();
        aws_sdk_dynamodb::Client::from_conf(conf)
    }

    /// Every call: hang, throttle it, or route it and maybe drop, garble or cut the answer.
    async fn handle(&self, request: HttpRequest, inner: SharedHttpConnector) -> Result<HttpResponse, ConnectorError> {
        let name = operation_name(&request);
        let answer = {
            let mut record = self.record.lock().unwrap();
            *record.attempts.entry(name.clone()).or_default() += 1;
            if name == "TransactWriteItems" {
                let body: Value =
                    serde_json::from_slice(request.body().bytes().unwrap_or_default()).unwrap_or_default();
                record.tokens.push(body["ClientRequestToken"].as_str().unwrap_or_default().to_owned());
            }
            let throttle_limit = self.schedule.throttle_first.get(name.as_str()).copied().unwrap_or(0);
            let throttled = record.throttled_first.entry(name.clone()).or_default();
            if *throttled < throttle_limit {
                *throttled += 1;
                return Ok(error_response(400, "ThrottlingException", "injected throttling"));
            }
            if self.schedule.hang.contains(name.as_str()) {
                record.hung += 1;
                None
            } else {
                // Only first attempts (`amz-sdk-request: attempt=1; max=3`): the SDK's retry of a
                // dropped call gets its answer.
                let first = request.headers().get("amz-sdk-request").is_none_or(|h| h.starts_with("attempt=1;"));
                let take = |limits: &HashMap<&'static str, usize>, done: &mut HashMap<String, usize>| {
                    let limit = limits.get(name.as_str()).copied().unwrap_or(0);
                    let done = done.entry(name.clone()).or_default();
                    let hit = first && *done < limit;
                    if hit {
                        *done += 1;
                    }
                    hit
                };
                let record = &mut *record;
                Some(if take(&self.schedule.drop_response, &mut record.dropped) {
                    Answer::Drop
                } else if take(&self.schedule.garble_response, &mut record.garbled) {
                    Answer::Garble
                } else if take(&self.schedule.cut_response, &mut record.cut) {
                    Answer::Cut
                } else {
                    Answer::Pass
                })
            }
        };
        let Some(answer) = answer else {
            return futures::future::pending().await;
        };
        let response = self.route(request, inner).await;
        if answer == Answer::Pass {
            return response;
        }
        let hook = self.before_drop.lock().unwrap().take();
        if let Some(hook) = hook {
            hook().await;
        }
        let mut response = match answer {
            Answer::Drop => {
                let message = "connection closed before message completed";
                return Err(ConnectorError::other(message.into(), Some(ErrorKind::TransientError)));
            }
            _ => response?,
        };
        assert!(response.status().is_success(), "{name}: the faulted call itself failed: {response:?}");
        let bytes = ByteStream::new(response.take_body())
            .collect()
            .await
            .map_err(|err| ConnectorError::other(Box::new(err), None))?
            .into_bytes();
        *response.body_mut() = match answer {
            // Valid UTF-8, not JSON: what a proxy's error page or a corrupted answer looks like.
            Answer::Garble => SdkBody::from("<html>garbled {\"Attributes\": \u{7f}"),
            _ => SdkBody::from_body_1_x(CutBody { part: Some(bytes.slice(..bytes.len() / 2)) }),
        };
        response.headers_mut().remove("content-length");
        response.headers_mut().remove("x-amz-crc32");
        Ok(response)
    }

    async fn route(
        &self,
        mut request: HttpRequest,
        inner: SharedHttpConnector,
    ) -> Result<HttpResponse, ConnectorError> {
        let target = request.headers().get("x-amz-target").unwrap_or_default().to_owned();
        let op = if target.ends_with(".BatchWriteItem") {
            Op::Write
        } else if target.ends_with(".BatchGetItem") {
            Op::Get
        } else {
            return inner.call(request).await;
        };
        let mut body: Value =
            serde_json::from_slice(request.body().bytes().expect("in-memory request body")).expect("JSON request body");
        let (table, entries) = {
            let tables = body["RequestItems"].as_object().expect("RequestItems");
            assert_eq!(tables.len(), 1, "daplug sends one table per batch call");
            let (table, value) = tables.iter().next().expect("one table");
            let entries = match op {
                Op::Write => value.as_array().expect("write requests").clone(),
                Op::Get => value["Keys"].as_array().expect("keys").clone(),
            };
            (table.clone(), entries)
        };
        let ids: Vec<String> = entries.iter().map(|entry| entry_id(op, entry)).collect();

        // Decide this call's fate under the lock, forward outside it.
        let (kept, removed) = {
            let mut record = self.record.lock().unwrap();
            record.calls += 1;
            let n = record.calls;
            let s = &self.schedule;
            if ids.iter().any(|id| s.reject_containing.contains(id)) {
                record.rejected += 1;
                return Ok(error_response(400, "ValidationException", "injected validation error"));
            }
            if ids.iter().any(|id| s.throttle_containing.contains(id))
                || s.throttle_every.is_some_and(|k| n.is_multiple_of(k))
            {
                record.throttled += 1;
                let code = if record.throttled % 2 == 1 {
                    "ProvisionedThroughputExceededException"
                } else {
                    "ThrottlingException"
                };
                return Ok(error_response(400, code, "injected throttling"));
            }
            if s.error_500_every.is_some_and(|k| n.is_multiple_of(k)) {
                record.errors_500 += 1;
                return Ok(error_response(500, "InternalServerError", "injected server error"));
            }
            let (never, others): (Vec<usize>, Vec<usize>) =
                (0..entries.len()).partition(|&i| s.never.contains(&ids[i]));
            let drop = others.len() * s.unprocessed_tenths / 10;
            let mut removed: Vec<usize> = never;
            removed.extend(&others[others.len() - drop..]);
            removed.sort_unstable();
            let kept: Vec<usize> = (0..entries.len()).filter(|i| !removed.contains(i)).collect();
            record.unprocessed += removed.len();
            if op == Op::Write {
                for &i in &kept {
                    *record.written.entry(ids[i].clone()).or_default() += 1;
                }
            }
            (kept, removed)
        };
        let pick = |indexes: &[usize]| Value::Array(indexes.iter().map(|&i| entries[i].clone()).collect());
        let unprocessed = match op {
            Op::Write => {
                json!({ "UnprocessedItems": if removed.is_empty() { json!({}) } else { json!({ &table: pick(&removed) }) } })
            }
            Op::Get => {
                let mut keys = body["RequestItems"][&table].clone();
                keys["Keys"] = pick(&removed);
                json!({ "UnprocessedKeys": if removed.is_empty() { json!({}) } else { json!({ &table: keys }) } })
            }
        };
        if kept.is_empty() {
            let mut answer = unprocessed;
            if op == Op::Get {
                answer["Responses"] = json!({ &table: [] });
            }
            return Ok(json_response(200, &answer));
        }
        match op {
            Op::Write => body["RequestItems"][&table] = pick(&kept),
            Op::Get => body["RequestItems"][&table]["Keys"] = pick(&kept),
        }
        let bytes = serde_json::to_vec(&body).expect("serialize request");
        request.headers_mut().insert("content-length", bytes.len().to_string());
        *request.body_mut() = SdkBody::from(bytes);

        let mut response = inner.call(request).await?;
        if !response.status().is_success() {
            return Ok(response);
        }
        let bytes = ByteStream::new(response.take_body())
            .collect()
            .await
            .map_err(|err| ConnectorError::other(Box::new(err), None))?
            .into_bytes();
        let mut answer: Value = serde_json::from_slice(&bytes).expect("JSON response body");
        for (key, value) in unprocessed.as_object().expect("object") {
            answer[key] = value.clone();
        }
        let status = response.status().as_u16();
        let mut rewritten = json_response(status, &answer);
        for (name, value) in response.headers() {
            if !matches!(name.to_ascii_lowercase().as_str(), "content-length" | "x-amz-crc32" | "content-type") {
                rewritten.headers_mut().insert(name.to_owned(), value.to_owned());
            }
        }
        Ok(rewritten)
    }
}

/// `PutItem` from `x-amz-target: DynamoDB_20120810.PutItem`, `Publish` from an SNS query body
/// (`Action=Publish&...`).
fn operation_name(request: &HttpRequest) -> String {
    if let Some(target) = request.headers().get("x-amz-target") {
        return target.rsplit('.').next().unwrap_or_default().to_owned();
    }
    let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default());
    body.split('&').find_map(|pair| pair.strip_prefix("Action=")).unwrap_or_default().to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Write,
    Get,
}

/// `pk|sk` of a write request or key, as sent (prefixed).
fn entry_id(op: Op, entry: &Value) -> String {
    let item = match op {
        Op::Write => entry.get("PutRequest").map(|put| &put["Item"]).unwrap_or_else(|| &entry["DeleteRequest"]["Key"]),
        Op::Get => entry,
    };
    let part = |name: &str| item[name]["S"].as_str().unwrap_or_default().to_owned();
    format!("{}|{}", part("pk"), part("sk"))
}

fn json_response(status: u16, body: &Value) -> HttpResponse {
    let bytes = serde_json::to_vec(body).expect("serialize response");
    let mut response = HttpResponse::new(StatusCode::try_from(status).expect("status"), SdkBody::from(bytes.clone()));
    response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
    response.headers_mut().insert("content-length", bytes.len().to_string());
    response
}

fn error_response(status: u16, code: &str, message: &str) -> HttpResponse {
    json_response(status, &json!({ "__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": message }))
}

/// A body that yields its first half, then fails as a connection closed early does.
struct CutBody {
    part: Option<bytes::Bytes>,
}

impl http_body::Body for CutBody {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(Some(match self.part.take() {
            Some(part) => Ok(http_body::Frame::data(part)),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed before message completed",
            )),
        }))
    }
}

#[derive(Debug)]
struct FaultClient {
    inner: SharedHttpClient,
    faults: Arc<Faults>,
}

impl HttpClient for FaultClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(FaultConnector {
            inner: self.inner.http_connector(settings, components),
            faults: self.faults.clone(),
        })
    }
}

#[derive(Debug)]
struct FaultConnector {
    inner: SharedHttpConnector,
    faults: Arc<Faults>,
}

impl HttpConnector for FaultConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let faults = self.faults.clone();
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move { faults.handle(request, inner).await })
    }
}
