//! batch_insert / batch_delete / batch_get against the emulator (faults: see faults.rs).

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::events::{EventSink, FailedEvent, Message, PublishBatchError, SinkError};
use daplug_runtime::Error;
use futures::future::BoxFuture;

use crate::harness::{order, raw_count, raw_get, standard, Order, OrderKey};

/// An event sink that records what it is given; optionally fails the events whose body contains a
/// marker.
#[derive(Default)]
pub struct Recorder {
    pub single: Mutex<Vec<Message>>,
    pub batches: Mutex<Vec<Vec<Message>>>,
    pub fail_marker: Option<String>,
}

impl Recorder {
    pub fn failing(marker: &str) -> Self {
        Recorder { fail_marker: Some(marker.into()), ..Recorder::default() }
    }
    pub fn events(&self) -> Vec<Message> {
        let mut all = self.single.lock().unwrap().clone();
        all.extend(self.batches.lock().unwrap().iter().flatten().cloned());
        all
    }
}

impl EventSink for Recorder {
    fn publish(&self, event: Message) -> BoxFuture<'_, Result<(), SinkError>> {
        self.single.lock().unwrap().push(event);
        Box::pin(async { Ok(()) })
    }
    fn publish_batch(&self, events: Vec<Message>) -> BoxFuture<'_, Result<(), SinkError>> {
        let failed: Vec<FailedEvent> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| self.fail_marker.as_ref().is_some_and(|m| e.body.contains(m.as_str())))
            .map(|(index, _)| FailedEvent { index, code: Some("Injected".into()), message: "refused".into() })
            .collect();
        self.batches.lock().unwrap().push(events);
        Box::pin(async move {
            if failed.is_empty() {
                Ok(())
            } else {
                Err(Box::new(PublishBatchError { failed }) as SinkError)
            }
        })
    }
}

pub fn orders(n: usize) -> Vec<Order> {
    (0..n).map(|i| order(&format!("o-{i}"), "v1", "open", i as i64)).collect()
}

#[tokio::test]
async fn batch_insert_writes_every_item_in_chunks_of_the_batch_size_with_prefixes() {
    let (builder, config, table) = standard().await;
    let repo = builder.hash_prefix("t#").build().unwrap().repository::<Order>();
    let items = orders(60);
    let summary = repo.batch_insert(&items).await.unwrap();
    assert_eq!((summary.written, summary.calls, summary.retried), (60, 3, 0), "25 + 25 + 10");
    assert_eq!(raw_count(&config, &table).await, 60);
    let stored = raw_get(&config, &table, "t#o-7", "v1").await.expect("stored with the prefix");
    assert_eq!(stored["qty"], AttributeValue::N("7".into()));
    assert_eq!(repo.get(&OrderKey::new("o-7", "v1")).await.unwrap(), Some(items[7].clone()));

    let more: Vec<Order> = (60..100).map(|i| order(&format!("o-{i}"), "v1", "open", 1)).collect();
    let summary = repo.batch_insert(more.iter()).batch_size(7).concurrency(1).await.unwrap();
    assert_eq!((summary.written, summary.calls), (40, 6), "ceil(40 / 7) calls");
    assert_eq!(raw_count(&config, &table).await, 100);
}

#[tokio::test]
async fn batch_size_and_concurrency_are_validated_before_sending() {
    let (builder, config, table) = standard().await;
    let repo = builder.build().unwrap().repository::<Order>();
    for size in [0, 26] {
        let err = repo.batch_insert(orders(3)).batch_size(size).await.unwrap_err();
        assert!(matches!(&err, Error::Config(m) if m.contains("1..=25")), "{err:?}");
    }
    let err = repo.batch_insert(orders(3)).concurrency(0).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let err = repo.batch_get([OrderKey::new("a", "b")]).concurrency(0).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(raw_count(&config, &table).await, 0);
}

#[tokio::test]
async fn duplicate_keys_are_rejected_before_anything_is_sent() {
    let (builder, config, table) = standard().await;
    let repo = builder.hash_prefix("t#").build().unwrap().repository::<Order>();
    // 30 distinct items, then one that repeats item 3's key (in another chunk).
    let mut items = orders(30);
    items.push(order("o-3", "v1", "closed", 99));
    let err = repo.batch_insert(&items).await.unwrap_err();
    match &err {
        Error::DuplicateKey { key, .. } => assert_eq!(key["pk"], AttributeValue::S("o-3".into())),
        other => panic!("expected DuplicateKey, got {other:?}"),
    }
    // Keys are compared as stored: `o-1` and `t#o-1` are the same item under the `t#` prefix.
    let err = repo.batch_insert(&[order("o-1", "v1", "a", 1), order("t#o-1", "v1", "b", 2)]).await.unwrap_err();
    assert!(matches!(err, Error::DuplicateKey { .. }), "{err:?}");
    let err = repo.batch_delete([OrderKey::new("x", "1"), OrderKey::new("x", "1")]).await.unwrap_err();
    assert!(matches!(err, Error::DuplicateKey { .. }), "{err:?}");
    assert_eq!(raw_count(&config, &table).await, 0, "nothing was written");
}

#[tokio::test]
async fn deduplicate_keeps_the_last_request_for_a_key() {
    let (builder, config, table) = standard().await;
    let repo = builder.build().unwrap().repository::<Order>();
    let mut items = orders(30);
    items.push(order("o-3", "v1", "closed", 99));
    items.push(order("o-3", "v1", "final", 100));
    let summary = repo.batch_insert(&items).deduplicate(true).await.unwrap();
    assert_eq!((summary.written, summary.deduplicated), (30, 2));
    assert_eq!(raw_count(&config, &table).await, 30);
    let stored = repo.get(&OrderKey::new("o-3", "v1")).await.unwrap().unwrap();
    assert_eq!((stored.status.as_deref(), stored.qty), (Some("final"), 100));
}

#[tokio::test]
async fn batch_delete_removes_the_keys_with_prefixes() {
    let (builder, config, table) = standard().await;
    let repo = builder.hash_prefix("t#").build().unwrap().repository::<Order>();
    repo.batch_insert(orders(40)).await.unwrap();
    let keys: Vec<OrderKey> = (0..30).map(|i| OrderKey::new(&format!("o-{i}"), "v1")).collect();
    let summary = repo.batch_delete(&keys).concurrency(2).await.unwrap();
    assert_eq!((summary.written, summary.calls), (30, 2));
    assert_eq!(raw_count(&config, &table).await, 10);
    assert!(raw_get(&config, &table, "t#o-29", "v1").await.is_none());
    assert!(raw_get(&config, &table, "t#o-30", "v1").await.is_some());
    // Deleting absent keys is not an error.
    repo.batch_delete(&keys[..3]).await.unwrap();
}

#[tokio::test]
async fn batch_get_returns_models_in_key_order_skipping_absent_keys() {
    let (builder, _, _) = standard().await;
    let repo = builder.hash_prefix("t#").build().unwrap().repository::<Order>();
    let items = orders(150);
    repo.batch_insert(&items).await.unwrap();
    // 150 present keys in reverse order (two BatchGetItem calls), 5 absent ones, one repeat.
    let mut keys: Vec<OrderKey> = (0..150).rev().map(|i| OrderKey::new(&format!("o-{i}"), "v1")).collect();
    keys.extend((0..5).map(|i| OrderKey::new(&format!("missing-{i}"), "v1")));
    keys.push(OrderKey::new("o-0", "v1"));
    keys.insert(3, OrderKey::new("o-0", "v1"));
    let got = repo.batch_get(&keys).consistent_read(true).await.unwrap();
    let mut expected: Vec<Order> = items.iter().rev().cloned().collect();
    let first = expected.pop().unwrap();
    expected.insert(3, first);
    assert_eq!(got, expected, "models, prefixes stripped, in key order (first occurrence), absent skipped");
    assert!(repo.batch_get(Vec::<OrderKey>::new()).await.unwrap().is_empty());
}

#[tokio::test]
async fn batch_events_are_off_by_default_and_one_per_item_when_on() {
    let (builder, _, _) = standard().await;
    let sink = Arc::new(Recorder::default());
    let repo = builder
        .hash_prefix("t#")
        .event_sink(sink.clone())
        .sns_attribute("source", "tests")
        .build()
        .unwrap()
        .repository::<Order>();
    repo.batch_insert(orders(5)).await.unwrap();
    assert!(sink.events().is_empty(), "events are off by default");

    let summary = repo.batch_insert(orders(30)).publish(true).sns_attribute("run", 7).await.unwrap();
    assert_eq!(summary.published, 30);
    let events = sink.events();
    assert_eq!(events.len(), 30);
    assert!(sink.single.lock().unwrap().is_empty(), "sent through publish_batch");
    let mut bodies: Vec<serde_json::Value> = events.iter().map(|e| serde_json::from_str(&e.body).unwrap()).collect();
    bodies.sort_by_key(|b| b["qty"].as_i64());
    assert_eq!(bodies[7], serde_json::json!({"pk": "o-7", "sk": "v1", "status": "open", "qty": 7}), "unprefixed");
    for event in &events {
        assert_eq!(event.attributes["operation"].as_str(), "batch_insert");
        assert_eq!(event.attributes["source"].as_str(), "tests");
        assert_eq!(event.attributes["run"].as_str(), "7");
    }

    let keys: Vec<OrderKey> = (0..3).map(|i| OrderKey::new(&format!("o-{i}"), "v1")).collect();
    repo.batch_delete(&keys).publish(true).await.unwrap();
    let deletes: Vec<Message> = sink.events().into_iter().skip(30).collect();
    assert_eq!(deletes.len(), 3);
    assert!(deletes.iter().all(|e| e.attributes["operation"].as_str() == "batch_delete"));
    assert!(deletes.iter().any(|e| e.body == r#"{"pk": "o-0", "sk": "v1"}"#), "body is the unprefixed key");
}

#[tokio::test]
async fn failed_events_are_reported_with_their_items_and_the_writes_stay() {
    let (builder, config, table) = standard().await;
    let sink = Arc::new(Recorder::failing("\"o-4\""));
    let repo = builder.event_sink(sink.clone()).build().unwrap().repository::<Order>();
    let err = repo.batch_insert(orders(10)).publish(true).await.unwrap_err();
    match &err {
        Error::Publish { written, source } => {
            assert_eq!(written.len(), 1);
            assert_eq!(written[0]["pk"], "o-4");
            let partial = source.downcast_ref::<PublishBatchError>().expect("a PublishBatchError");
            assert_eq!(partial.failed.len(), 1);
        }
        other => panic!("expected Publish, got {other:?}"),
    }
    assert_eq!(raw_count(&config, &table).await, 10, "every item was written");
}

#[tokio::test]
async fn batch_events_reach_sns_through_publish_batch() {
    let (builder, config, _) = standard().await;
    let sns = aws_sdk_sns::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let topic = sns.create_topic().name(crate::harness::unique("topic")).send().await.unwrap();
    let topic_arn = topic.topic_arn().unwrap().to_owned();
    let queue = sqs.create_queue().queue_name(crate::harness::unique("queue")).send().await.unwrap();
    let queue_url = queue.queue_url().unwrap().to_owned();
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone();
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(queue_arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .unwrap();
    let repo = builder.sns_topic(&topic_arn).build().unwrap().repository::<Order>();
    let summary = repo.batch_insert(orders(23)).publish(true).await.unwrap();
    assert_eq!(summary.published, 23);

    let mut bodies = Vec::new();
    for _ in 0..20 {
        let out = sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .send()
            .await
            .unwrap();
        for message in out.messages() {
            let attributes = message.message_attributes().unwrap();
            assert_eq!(attributes["operation"].string_value(), Some("batch_insert"));
            bodies.push(message.body().unwrap().to_owned());
            sqs.delete_message()
                .queue_url(&queue_url)
                .receipt_handle(message.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
        if bodies.len() >= 23 {
            break;
        }
    }
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 23, "one message per item");
}

#[tokio::test]
async fn a_failed_publish_stops_the_batch_and_lists_the_unsent_items() {
    let (builder, config, table) = standard().await;
    let sink = Arc::new(Recorder::failing("\"o-3\""));
    let repo = builder.event_sink(sink.clone()).build().unwrap().repository::<Order>();
    let err = repo.batch_insert(orders(60)).concurrency(1).publish(true).await.unwrap_err();
    let Error::BatchAborted { leftovers, source, .. } = err else { panic!("expected BatchAborted, got {err:?}") };
    // The first chunk landed and its events were refused; the two chunks after it were never sent.
    let missing: Vec<String> = leftovers
        .iter()
        .map(|item| match &item["pk"] {
            AttributeValue::S(pk) => pk.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(missing, (25..60).map(|i| format!("o-{i}")).collect::<Vec<_>>());
    let Error::Publish { written, .. } = *source else { panic!("expected Publish, got {source:?}") };
    assert_eq!(written[0]["pk"], "o-3");
    assert_eq!(raw_count(&config, &table).await, 25);
    assert_eq!(sink.events().len(), 25, "events were offered for the written chunk only");
}
