//! Bad input gives typed errors and writes nothing.

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::{Adapter, Error, KeyAttribute, KeyType, Model, ModelMeta};
use serde::{Deserialize, Serialize};

use crate::harness::{order, raw_count, sdk_config, standard, Order, OrderKey};

#[tokio::test]
async fn adapter_needs_a_table_and_a_hash_key() {
    let config = sdk_config().await;
    let err = Adapter::builder().sdk_config(config.clone()).table("").hash_key("pk").build().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("table name")), "{err}");
    let err = Adapter::builder().sdk_config(config.clone()).hash_key("pk").build().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("table name")), "{err}");
    let err = Adapter::builder().sdk_config(config.clone()).table("t").build().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("hash key")), "{err}");
    let err = Adapter::builder().table("t").hash_key("pk").build().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("client")), "{err}");
    let err = Adapter::builder().sdk_config(config).table("t").hash_key("pk").range_prefix("r#").build().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("range key")), "{err}");
}

/// A model whose `pk` is a number although the table's `pk` is a string.
#[derive(Debug, Serialize, Deserialize)]
struct NumericKey {
    pk: i64,
    sk: String,
}

impl Model for NumericKey {
    type Key = serde_json::Value;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::N }),
        ..ModelMeta::named("NumericKey")
    };
}

#[tokio::test]
async fn wrong_key_type_is_a_typed_error_and_writes_nothing() {
    let (builder, config, table) = standard().await;
    let repo = builder.build().unwrap().repository::<NumericKey>();
    let err = repo.insert(&NumericKey { pk: 7, sk: "a".into() }).await.unwrap_err();
    assert_eq!(err.aws_code(), Some("ValidationException"), "{err:?}");
    assert!(matches!(err, Error::DynamoDb { operation: "PutItem", .. }));
    let text = err.to_string();
    assert!(text.starts_with("DynamoDB PutItem failed: ValidationException: "), "{text}");
    assert!(text.len() > "DynamoDB PutItem failed: ValidationException: ".len(), "the service's message: {text}");
    assert!(!err.maybe_written() && !err.is_retryable());
    assert_eq!(raw_count(&config, &table).await, 0);
}

#[tokio::test]
async fn an_oversized_item_error_carries_the_services_message() {
    let (builder, config, table) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    let big = Order { tags: vec!["x".repeat(500 * 1024)], ..order("a", "1", "open", 1) };
    let err = orders.insert(&big).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "DynamoDB PutItem failed: ValidationException: Item size has exceeded the maximum allowed size"
    );
    assert_eq!(raw_count(&config, &table).await, 0);
}

#[derive(Debug, Serialize, Deserialize)]
struct NoRange {
    pk: String,
}

impl Model for NoRange {
    type Key = serde_json::Value;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta::named("NoRange");
}

#[tokio::test]
async fn missing_key_attribute_is_invalid_key_and_nothing_is_sent() {
    let (builder, config, table) = standard().await;
    let adapter = builder.build().unwrap();
    let err = adapter.repository::<NoRange>().insert(&NoRange { pk: "a".into() }).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidKey { attribute, .. } if attribute == "sk"), "{err:?}");
    let orders = adapter.repository::<Order>();
    let err = orders.insert(&order("", "v1", "open", 1)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidKey { attribute, message } if attribute == "pk" && message.contains("empty")));
    assert_eq!(raw_count(&config, &table).await, 0);
}

#[tokio::test]
async fn keys_with_missing_or_extra_attributes_are_refused() {
    let (builder, _, _) = standard().await;
    let repo = builder.build().unwrap().repository::<NoRange>();
    let err = repo.get(&serde_json::json!({"pk": "a"})).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidKey { attribute, .. } if attribute == "sk"), "{err:?}");
    let err = repo.delete(&serde_json::json!({"pk": "a", "sk": "b", "x": 1})).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidKey { attribute, .. } if attribute == "x"), "{err:?}");
    let err = repo.get(&serde_json::json!({"pk": "a", "sk": ["b"]})).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidKey { attribute, message } if attribute == "sk" && message.contains("list")));
}

#[tokio::test]
async fn stored_item_of_the_wrong_shape_names_the_attribute() {
    let (builder, config, table) = standard().await;
    aws_sdk_dynamodb::Client::new(&config)
        .put_item()
        .table_name(&table)
        .item("pk", AttributeValue::S("o".into()))
        .item("sk", AttributeValue::S("1".into()))
        .item("qty", AttributeValue::S("many".into()))
        .send()
        .await
        .unwrap();
    let orders = builder.build().unwrap().repository::<Order>();
    let err = orders.get(&OrderKey::new("o", "1")).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "qty"), "{err:?}");
}

#[tokio::test]
async fn a_query_without_key_condition_is_a_config_error() {
    let (builder, _, _) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    let err = orders.query().send().await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn missing_table_is_a_dynamodb_error() {
    let config = sdk_config().await;
    let orders = Adapter::builder()
        .sdk_config(config)
        .table("no-such-table")
        .hash_key("pk")
        .range_key("sk")
        .build()
        .unwrap()
        .repository::<Order>();
    let err = orders.get(&OrderKey::new("a", "b")).await.unwrap_err();
    assert_eq!(err.aws_code(), Some("ResourceNotFoundException"), "{err:?}");
}
