//! Events after writes, read back from an SQS queue subscribed to the topic.

use daplug_runtime::events::MessageAttribute;
use daplug_runtime::Error;

use crate::harness::{order, raw_count, raw_get, standard, Order, OrderKey, Topic};

fn attr(kind: &str, value: &str) -> (String, String) {
    (kind.to_owned(), value.to_owned())
}

#[tokio::test]
async fn each_write_publishes_body_and_attributes() {
    let (builder, config, _) = standard().await;
    let topic = Topic::create(&config).await;
    let orders = builder
        .hash_prefix("t#")
        .sns_topic(&topic.arn)
        .sns_attribute("source", "tests")
        .sns_attribute("tier", "gold")
        .build()
        .unwrap()
        .repository::<Order>();
    let mut item = order("a", "1", "open", 2);
    item.tags = vec!["Caf\u{e9}".into()];
    orders.insert(&item).sns_attribute("tier", "platinum").sns_attribute("priority", 5).await.unwrap();
    orders.overwrite(&order("a", "1", "closed", 3)).sns_attribute("flag", true).await.unwrap();
    orders.delete(&OrderKey::new("a", "1")).await.unwrap();

    let got = topic.drain().await;
    assert_eq!(got.len(), 3, "{got:?}");
    // Body: the unprefixed item in field order, formatted like daplug-ddb's publisher.
    assert_eq!(got[0].message, r#"{"pk": "a", "sk": "1", "status": "open", "qty": 2, "tags": ["Caf\u00e9"]}"#);
    assert_eq!(got[0].body["pk"], "a");
    assert_eq!(got[0].attributes["operation"], attr("String", "insert"));
    assert_eq!(got[0].attributes["schema"], attr("String", "Order"));
    assert_eq!(got[0].attributes["source"], attr("String", "tests"));
    assert_eq!(got[0].attributes["tier"], attr("String", "platinum"), "per-call overrides the default");
    assert_eq!(got[0].attributes["priority"], attr("Number", "5"));
    assert_eq!(got[1].attributes["operation"], attr("String", "overwrite"));
    assert_eq!(got[1].attributes["tier"], attr("String", "gold"));
    assert_eq!(got[1].attributes["flag"], attr("String", "true"));
    assert_eq!(got[1].body["status"], "closed");
    assert_eq!(got[2].attributes["operation"], attr("String", "delete"));
    assert_eq!(got[2].body["qty"], 3, "delete publishes the old item");
}

#[tokio::test]
async fn no_event_for_failed_skipped_or_missing_writes() {
    let (builder, config, _) = standard().await;
    let topic = Topic::create(&config).await;
    let orders = builder.sns_topic(&topic.arn).build().unwrap().repository::<Order>();
    orders.insert(&order("a", "1", "open", 1)).await.unwrap();
    assert!(orders.insert(&order("a", "1", "open", 2)).await.is_err());
    orders.overwrite(&order("a", "2", "open", 3)).publish(false).await.unwrap();
    assert_eq!(orders.delete(&OrderKey::new("nope", "x")).await.unwrap(), None);
    let got = topic.drain().await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].body["qty"], 1);
}

#[tokio::test]
async fn replacement_payload_and_fifo_free_topic() {
    let (builder, config, _) = standard().await;
    let topic = Topic::create(&config).await;
    let orders = builder.sns_topic(&topic.arn).build().unwrap().repository::<Order>();
    orders.insert(&order("a", "1", "open", 1)).publish_payload(serde_json::json!({"id": "a", "n": 1})).await.unwrap();
    let got = topic.drain().await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message, r#"{"id": "a", "n": 1}"#);
}

#[tokio::test]
async fn bad_attributes_and_broken_contracts_fail_before_the_write() {
    let (builder, config, table) = standard().await;
    let topic = Topic::create(&config).await;
    let adapter = builder
        .sns_topic(&topic.arn)
        .required_payload_keys(["pk", "customer"])
        .required_attributes(["source"])
        .build()
        .unwrap();
    let orders = adapter.repository::<Order>();
    let err = orders.insert(&order("a", "1", "open", 1)).sns_attribute("source", "x").await.unwrap_err();
    match err {
        Error::PublishContract { missing_payload_keys, missing_attributes } => {
            assert_eq!(missing_payload_keys, vec!["customer"]);
            assert!(missing_attributes.is_empty());
        }
        other => panic!("expected PublishContract, got {other:?}"),
    }
    let err = orders
        .insert(&order("a", "1", "open", 1))
        .publish_payload(serde_json::json!({"pk": "a", "customer": "c"}))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::PublishContract { missing_attributes, .. } if missing_attributes == &["source"]));
    let err = orders
        .insert(&order("a", "1", "open", 1))
        .sns_attribute("source", MessageAttribute::String(String::new()))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("source")), "{err:?}");
    assert_eq!(raw_count(&config, &table).await, 0, "nothing written");
    assert!(topic.drain().await.is_empty());
    // Satisfied contract: written and published.
    orders
        .insert(&order("a", "1", "open", 1))
        .sns_attribute("source", "x")
        .publish_payload(serde_json::json!({"pk": "a", "customer": "c"}))
        .await
        .unwrap();
    assert_eq!(topic.drain().await.len(), 1);
}

#[tokio::test]
async fn publish_failure_surfaces_with_the_written_item() {
    let (builder, config, table) = standard().await;
    let orders =
        builder.sns_topic("arn:aws:sns:us-east-1:123456789012:does-not-exist").build().unwrap().repository::<Order>();
    let err = orders.insert(&order("a", "1", "open", 7)).await.unwrap_err();
    match &err {
        Error::Publish { written, .. } => {
            assert_eq!(written.len(), 1, "one write, one item");
            assert_eq!(written[0]["qty"], 7);
        }
        other => panic!("expected Publish, got {other:?}"),
    }
    assert!(raw_get(&config, &table, "a", "1").await.is_some(), "the write is not rolled back");
}
