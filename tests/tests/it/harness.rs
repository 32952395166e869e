//! Shared test setup: the emulators, AWS configuration, unique tables and a hand-written model.
//!
//! SNS and SQS are always moto's. DynamoDB is moto's too, or, with `DAPLUG_TEST_DYNAMODB=dynoxide`
//! (the second run of `scripts/test.sh`), the in-process emulator of `daplug_runtime::testing`,
//! reached through the SDK's per-service endpoint setting (what `AWS_ENDPOINT_URL_DYNAMODB` sets).

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType,
};
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use daplug_runtime::adapter::AdapterBuilder;
use daplug_runtime::{Adapter, KeyAttribute, Model, ModelMeta};
use serde::{Deserialize, Serialize};

/// The DynamoDB implementation a test run talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// moto's server (the default), which also serves SNS and SQS.
    Moto,
    /// dynoxide, in this process (`DAPLUG_TEST_DYNAMODB=dynoxide`).
    Dynoxide,
}

impl Backend {
    /// Where this backend departs from DynamoDB's documented behaviour in a way a test can see (the
    /// README lists these under "Testing without AWS"). A test asserts DynamoDB's behaviour, and
    /// accepts the named deviation only on the backend that has it.
    ///
    /// moto stores a number's text as written (`12.50`); DynamoDB trims leading and trailing zeros
    /// (Developer Guide, "Supported data types": "Leading and trailing zeroes are trimmed").
    pub fn keeps_number_text(self) -> bool {
        self == Backend::Moto
    }

    /// moto ignores `ClientRequestToken`: a retried `TransactWriteItems` runs again. DynamoDB
    /// answers a repeated token, within 10 minutes, with the first call's outcome (API reference,
    /// `TransactWriteItems`, `ClientRequestToken`).
    pub fn ignores_client_request_token(self) -> bool {
        self == Backend::Moto
    }
}

/// The DynamoDB of this run: `DAPLUG_TEST_DYNAMODB` is `moto` (or unset) or `dynoxide`.
pub fn backend() -> Backend {
    static BACKEND: OnceLock<Backend> = OnceLock::new();
    *BACKEND.get_or_init(|| match std::env::var("DAPLUG_TEST_DYNAMODB").as_deref() {
        Ok("dynoxide") => Backend::Dynoxide,
        Ok("moto") | Ok("") | Err(_) => Backend::Moto,
        Ok(other) => panic!("DAPLUG_TEST_DYNAMODB={other}: expected `moto` or `dynoxide`"),
    })
}

/// The in-process emulator serving DynamoDB for the whole run (its thread lives as long as the test
/// binary), started on first use.
pub fn in_process_emulator() -> &'static daplug_runtime::testing::Emulator {
    static EMULATOR: OnceLock<daplug_runtime::testing::Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| daplug_runtime::testing::Emulator::start().expect("start the in-process emulator"))
}

/// Per-service endpoints, as `AWS_ENDPOINT_URL_<SERVICE>` sets them: DynamoDB and its streams at the
/// in-process emulator, every other service (SNS, SQS) at moto.
#[derive(Debug)]
struct Endpoints {
    dynamodb: &'static str,
    others: &'static str,
}

impl LoadServiceConfig for Endpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        let dynamodb = matches!(key.service_id(), "DynamoDB" | "DynamoDB Streams");
        let url = if dynamodb { self.dynamodb } else { self.others };
        (key.env() == "AWS_ENDPOINT_URL").then(|| url.to_owned())
    }
}

/// moto's endpoint for this run (SNS and SQS, and DynamoDB unless the backend is dynoxide).
pub fn endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        if let Ok(url) = std::env::var("DAPLUG_TEST_ENDPOINT") {
            return url;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/emulator.sh");
        let output = Command::new("bash")
            .arg(script)
            .args(["start", "--owner-pid", &std::process::id().to_string()])
            .output()
            .expect("run scripts/emulator.sh");
        assert!(output.status.success(), "emulator failed to start: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("utf-8 endpoint").trim().to_owned()
    })
}

/// AWS configuration pointing at the emulators (DynamoDB at this run's backend, SNS and SQS at moto),
/// with static test credentials.
pub async fn sdk_config() -> aws_config::SdkConfig {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "daplug-tests"));
    match backend() {
        Backend::Moto => loader.endpoint_url(endpoint()).load().await,
        // Not `endpoint_url`: an endpoint set in code overrides every per-service setting.
        Backend::Dynoxide => {
            let endpoints = Endpoints { dynamodb: in_process_emulator().endpoint(), others: endpoint() };
            loader.load().await.into_builder().service_config(endpoints).build()
        }
    }
}

/// A name unique to this run and call.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A table to create: key attributes (all strings) and GSIs as (name, hash, range).
pub struct TableSpec<'a> {
    pub hash: &'a str,
    pub range: Option<&'a str>,
    pub indexes: &'a [(&'a str, &'a str, Option<&'a str>)],
}

impl TableSpec<'static> {
    /// `pk`/`sk` with a `status-index` GSI on `status`.
    pub const STANDARD: TableSpec<'static> =
        TableSpec { hash: "pk", range: Some("sk"), indexes: &[("status-index", "status", None)] };
}

/// Creates a fresh table and returns its name.
pub async fn create_table(config: &aws_config::SdkConfig, spec: &TableSpec<'_>) -> String {
    let client = aws_sdk_dynamodb::Client::new(config);
    let name = unique("table");
    let key = |attr: &str, key_type: KeyType| {
        KeySchemaElement::builder().attribute_name(attr).key_type(key_type).build().expect("key schema")
    };
    let mut attributes: Vec<&str> = vec![spec.hash];
    attributes.extend(spec.range);
    for (_, hash, range) in spec.indexes {
        attributes.push(hash);
        attributes.extend(range);
    }
    attributes.sort_unstable();
    attributes.dedup();
    let mut request = client.create_table().table_name(&name).billing_mode(BillingMode::PayPerRequest);
    for attr in attributes {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute definition"),
        );
    }
    request = request.key_schema(key(spec.hash, KeyType::Hash));
    if let Some(range) = spec.range {
        request = request.key_schema(key(range, KeyType::Range));
    }
    for (index, hash, range) in spec.indexes {
        let mut gsi = GlobalSecondaryIndex::builder()
            .index_name(*index)
            .key_schema(key(hash, KeyType::Hash))
            .projection(Projection::builder().projection_type(ProjectionType::All).build());
        if let Some(range) = range {
            gsi = gsi.key_schema(key(range, KeyType::Range));
        }
        request = request.global_secondary_indexes(gsi.build().expect("gsi"));
    }
    request.send().await.expect("create table");
    name
}

/// A builder for an adapter on a fresh standard table (pk/sk, status-index).
pub async fn standard() -> (AdapterBuilder, aws_config::SdkConfig, String) {
    let config = sdk_config().await;
    let table = create_table(&config, &TableSpec::STANDARD).await;
    let builder = Adapter::builder().sdk_config(config.clone()).table(&table).hash_key("pk").range_key("sk");
    (builder, config, table)
}

/// Reads an item straight from the table, bypassing daplug (no prefix handling).
pub async fn raw_get(config: &aws_config::SdkConfig, table: &str, pk: &str, sk: &str) -> Option<daplug_runtime::Item> {
    use aws_sdk_dynamodb::types::AttributeValue;
    aws_sdk_dynamodb::Client::new(config)
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(pk.into()))
        .key("sk", AttributeValue::S(sk.into()))
        .consistent_read(true)
        .send()
        .await
        .expect("raw get")
        .item
}

/// Number of items in a table, by a raw scan.
pub async fn raw_count(config: &aws_config::SdkConfig, table: &str) -> usize {
    let client = aws_sdk_dynamodb::Client::new(config);
    let mut count = 0;
    let mut start = None;
    loop {
        let out = client.scan().table_name(table).set_exclusive_start_key(start).send().await.expect("scan");
        count += out.items().len();
        start = out.last_evaluated_key;
        if start.is_none() {
            return count;
        }
    }
}

/// A hand-written model on the standard table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub pk: String,
    pub sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default)]
    pub qty: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// The key of [`Order`].
#[derive(Debug, Clone, Serialize)]
pub struct OrderKey {
    pub pk: String,
    pub sk: String,
}

impl OrderKey {
    pub fn new(pk: &str, sk: &str) -> Self {
        OrderKey { pk: pk.into(), sk: sk.into() }
    }
}

impl Model for Order {
    type Key = OrderKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "pk", key_type: daplug_runtime::KeyType::S }),
        range_key: Some(KeyAttribute { name: "sk", key_type: daplug_runtime::KeyType::S }),
        ..ModelMeta::named("Order")
    };
}

/// An order with the given keys and status.
pub fn order(pk: &str, sk: &str, status: &str, qty: i64) -> Order {
    Order { pk: pk.into(), sk: sk.into(), status: Some(status.into()), qty, tags: vec![] }
}

/// An SNS topic with an SQS queue subscribed to it, to read back published events.
pub struct Topic {
    pub arn: String,
    queue_url: String,
    sqs: aws_sdk_sqs::Client,
}

/// One event as received on the queue.
#[derive(Debug, Clone)]
pub struct Received {
    /// The `Message` string exactly as published.
    pub message: String,
    /// `Message` parsed as JSON.
    pub body: serde_json::Value,
    /// Message attributes: name -> (type, value).
    pub attributes: std::collections::BTreeMap<String, (String, String)>,
}

/// The ARN of the queue at `queue_url` (what an SNS subscription names).
pub async fn queue_arn(sqs: &aws_sdk_sqs::Client, queue_url: &str) -> String {
    sqs.get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes")
        .attributes
        .and_then(|mut a| a.remove(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .expect("queue arn")
}

impl Topic {
    /// Creates a topic and a queue subscribed to it.
    pub async fn create(config: &aws_config::SdkConfig) -> Topic {
        let sns = aws_sdk_sns::Client::new(config);
        let sqs = aws_sdk_sqs::Client::new(config);
        let name = unique("topic");
        let arn = sns.create_topic().name(&name).send().await.expect("create topic").topic_arn.expect("topic arn");
        let queue_url =
            sqs.create_queue().queue_name(&name).send().await.expect("create queue").queue_url.expect("url");
        let queue_arn = queue_arn(&sqs, &queue_url).await;
        sns.subscribe().topic_arn(&arn).protocol("sqs").endpoint(queue_arn).send().await.expect("subscribe");
        Topic { arn, queue_url, sqs }
    }

    /// Receives everything published so far (the emulator delivers synchronously on publish).
    pub async fn drain(&self) -> Vec<Received> {
        let mut received = Vec::new();
        loop {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .send()
                .await
                .expect("receive");
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return received;
            }
            for message in messages {
                let envelope: serde_json::Value =
                    serde_json::from_str(message.body().expect("body")).expect("envelope json");
                let text = envelope["Message"].as_str().expect("Message").to_owned();
                let mut attributes = std::collections::BTreeMap::new();
                if let Some(map) = envelope.get("MessageAttributes").and_then(|m| m.as_object()) {
                    for (name, value) in map {
                        let get = |k: &str| value[k].as_str().unwrap_or_default().to_owned();
                        attributes.insert(name.clone(), (get("Type"), get("Value")));
                    }
                }
                received.push(Received {
                    body: serde_json::from_str(&text).expect("message json"),
                    message: text,
                    attributes,
                });
                self.sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(message.receipt_handle().expect("receipt"))
                    .send()
                    .await
                    .expect("delete message");
            }
        }
    }
}
