//! Bounded time: an endpoint that accepts a call and never answers becomes a typed error within the
//! adapter's timeouts (short ones here), for DynamoDB and for the SNS publish after a write.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use daplug_runtime::adapter::AdapterBuilder;
use daplug_runtime::{Adapter, AwsErrorKind, Error};

use crate::fault_layer::{Faults, Schedule};
use crate::harness::{create_table, raw_get, sdk_config, TableSpec, Topic};
use crate::retries::{counter, key, quick_retry, Counter};

const ATTEMPT: Duration = Duration::from_millis(150);
const OPERATION: Duration = Duration::from_millis(400);
/// Generous: the bound plus scheduling noise on a busy machine.
const WITHIN: Duration = Duration::from_secs(3);

fn hanging(operation: &'static str) -> std::sync::Arc<Faults> {
    Faults::new(Schedule { hang: [operation].into(), ..Schedule::default() })
}

/// A fresh table, and `builder` on it with the tests' short timeouts.
async fn bounded(config: &aws_config::SdkConfig, builder: AdapterBuilder) -> (AdapterBuilder, String) {
    let table = create_table(config, &TableSpec { hash: "pk", range: Some("sk"), indexes: &[] }).await;
    let builder =
        builder.table(&table).hash_key("pk").range_key("sk").attempt_timeout(ATTEMPT).operation_timeout(OPERATION);
    (builder, table)
}

#[tokio::test]
async fn a_hung_dynamodb_call_is_a_timeout_error_within_the_bound() {
    let faults = hanging("GetItem");
    let config = sdk_config().await;
    let (builder, _) =
        bounded(&config, Adapter::builder().client(faults.client_with_retry(&config, quick_retry()))).await;
    let adapter = builder.build().unwrap();
    let repo = adapter.repository::<Counter>();
    let started = Instant::now();
    let err = repo.get(&key("a")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= ATTEMPT && elapsed < WITHIN, "{elapsed:?}");
    match &err {
        Error::DynamoDb { operation: "GetItem", kind: AwsErrorKind::Timeout, .. } => {}
        other => panic!("expected a GetItem timeout, got {other:?}"),
    }
    assert!(err.is_retryable() && err.maybe_written());
    assert!(faults.record().hung >= 1);
}

#[tokio::test]
async fn the_clients_own_timeouts_are_honoured_without_builder_values() {
    let faults = hanging("PutItem");
    let config = sdk_config().await;
    let table = create_table(&config, &TableSpec { hash: "pk", range: Some("sk"), indexes: &[] }).await;
    let own = faults
        .client(&config)
        .config()
        .to_builder()
        .timeout_config(TimeoutConfig::builder().operation_timeout(OPERATION).build())
        .build();
    let adapter = Adapter::builder()
        .client(aws_sdk_dynamodb::Client::from_conf(own))
        .table(&table)
        .hash_key("pk")
        .range_key("sk")
        .build()
        .unwrap();
    let started = Instant::now();
    let err = adapter.repository::<Counter>().insert(&counter("a", 1)).await.unwrap_err();
    assert!(started.elapsed() < WITHIN, "the client's 400 ms, not daplug's 30 s default: {:?}", started.elapsed());
    assert!(matches!(err, Error::DynamoDb { kind: AwsErrorKind::Timeout, .. }), "{err:?}");
}

#[tokio::test]
async fn a_hung_sns_publish_after_a_write_is_a_publish_error_within_the_bound() {
    let faults = hanging("Publish");
    let config = sdk_config().await;
    let topic = Topic::create(&config).await;
    let sns = faults.sns_client(&config, RetryConfig::standard());
    let builder = Adapter::builder().sdk_config(config.clone()).sns_client(sns).sns_topic(&topic.arn);
    let (builder, table) = bounded(&config, builder).await;
    let adapter = builder.build().unwrap();
    let started = Instant::now();
    let err = adapter.repository::<Counter>().insert(&counter("a", 7)).await.unwrap_err();
    assert!(started.elapsed() < WITHIN, "{:?}", started.elapsed());
    match &err {
        Error::Publish { written, .. } => assert_eq!(written[0]["n"], 7),
        other => panic!("expected Publish, got {other:?}"),
    }
    assert!(err.maybe_written());
    assert!(raw_get(&config, &table, "a", "c").await.is_some(), "the write happened");
    assert!(faults.record().hung >= 1);
}
