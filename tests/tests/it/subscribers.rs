//! Typed events for subscribers: what daplug publishes, delivered through SNS to SQS queues both
//! enveloped (raw message delivery off) and raw, decoded with `Event::<M>::from_sqs_message` into
//! the model for every write (insert, overwrite, update in both modes, delete, batches, a
//! transaction), with prefixes and a version lock; a daplug-ddb-shaped message (no `operation` /
//! `schema` attributes, BEHAVIOR.md §9) decodes to the same payload; refusals are typed.

use aws_sdk_sqs::types::{Message as SqsMessage, MessageSystemAttributeName};
use daplug_runtime::events::{Delivery, Event, EventError, MessageAttribute, Operation, Payload};
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::{Decimal, Error, KeyAttribute, KeyType, Model, ModelMeta};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::harness::{queue_arn, standard, unique};

/// A model with an exact decimal and a version lock, on the standard `pk` / `sk` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub pk: String,
    pub sk: String,
    pub status: String,
    pub price: Decimal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// The key of [`Ticket`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketKey {
    pub pk: String,
    pub sk: String,
}

impl Model for Ticket {
    type Key = TicketKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }),
        range_key: Some(KeyAttribute { name: "sk", key_type: KeyType::S }),
        ..ModelMeta::named("Ticket")
    };
}

pub fn ticket(pk: &str, status: &str, price: &str) -> Ticket {
    Ticket {
        pk: pk.into(),
        sk: "1".into(),
        status: status.into(),
        price: price.parse().unwrap(),
        seats: vec![],
        version: None,
    }
}

pub fn key(pk: &str) -> TicketKey {
    TicketKey { pk: pk.into(), sk: "1".into() }
}

/// A topic with two queues subscribed: one enveloped, one with raw message delivery.
struct Subscriptions {
    arn: String,
    sns: aws_sdk_sns::Client,
    sqs: aws_sdk_sqs::Client,
    enveloped: String,
    raw: String,
}

impl Subscriptions {
    async fn create(config: &aws_config::SdkConfig) -> Subscriptions {
        Subscriptions::with_kind(config, false).await
    }

    /// A FIFO topic with two FIFO queues (SNS Developer Guide, "FIFO topics": a FIFO topic delivers
    /// to FIFO queues; names end in `.fifo`).
    async fn fifo(config: &aws_config::SdkConfig) -> Subscriptions {
        Subscriptions::with_kind(config, true).await
    }

    async fn with_kind(config: &aws_config::SdkConfig, fifo: bool) -> Subscriptions {
        let sns = aws_sdk_sns::Client::new(config);
        let sqs = aws_sdk_sqs::Client::new(config);
        let name = unique("subscribed");
        let ending = if fifo { ".fifo" } else { "" };
        let mut topic = sns.create_topic().name(format!("{name}{ending}"));
        if fifo {
            topic = topic.attributes("FifoTopic", "true");
        }
        let arn = topic.send().await.expect("create topic").topic_arn.expect("topic arn");
        let mut urls = Vec::new();
        for (suffix, raw) in [("enveloped", false), ("raw", true)] {
            let mut queue = sqs.create_queue().queue_name(format!("{name}-{suffix}{ending}"));
            if fifo {
                queue = queue.attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true");
            }
            let url = queue.send().await.expect("create queue").queue_url.expect("queue url");
            let queue_arn = queue_arn(&sqs, &url).await;
            // SNS Developer Guide, "Amazon SNS raw message delivery": the subscription attribute.
            let mut subscribe = sns.subscribe().topic_arn(&arn).protocol("sqs").endpoint(queue_arn);
            if raw {
                subscribe = subscribe.attributes("RawMessageDelivery", "true");
            }
            subscribe.send().await.expect("subscribe");
            urls.push(url);
        }
        let raw = urls.pop().expect("raw queue");
        let enveloped = urls.pop().expect("enveloped queue");
        Subscriptions { arn, sns, sqs, enveloped, raw }
    }

    /// Everything the queue received so far, in order, with message and system attributes.
    async fn drain(&self, url: &str) -> Vec<SqsMessage> {
        let mut received = Vec::new();
        loop {
            let out = self
                .sqs
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(10)
                .message_attribute_names("All")
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .send()
                .await
                .expect("receive");
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return received;
            }
            for message in messages {
                let handle = message.receipt_handle().expect("receipt").to_owned();
                self.sqs.delete_message().queue_url(url).receipt_handle(handle).send().await.expect("delete message");
                received.push(message);
            }
        }
    }

    /// Both queues' messages decoded; the two deliveries of each event decode alike (but for the
    /// message id: SNS's in the envelope, SQS's for a raw delivery).
    async fn events(&self) -> Vec<Event<Ticket>> {
        let enveloped = self.drain(&self.enveloped).await;
        let raw = self.drain(&self.raw).await;
        assert_eq!(enveloped.len(), raw.len(), "each queue gets every event");
        let mut events = Vec::new();
        for (enveloped, raw) in enveloped.iter().zip(&raw) {
            let from_envelope = Event::<Ticket>::from_sqs_message(enveloped, Delivery::Enveloped).unwrap();
            let from_raw = Event::<Ticket>::from_sqs_message(raw, Delivery::Raw).unwrap();
            assert!(from_envelope.message_id.is_some() && from_raw.message_id.is_some());
            assert_eq!(Event { message_id: None, ..from_envelope.clone() }, Event { message_id: None, ..from_raw });
            events.push(from_envelope);
        }
        events
    }
}

#[tokio::test]
async fn every_write_decodes_into_the_model_from_both_deliveries() {
    let (builder, config, _) = standard().await;
    let topic = Subscriptions::create(&config).await;
    let adapter = builder
        .hash_prefix("tenant#")
        .range_prefix("v#")
        .idempotence_key("version")
        .lock_policy(LockPolicy::Version)
        .sns_topic(&topic.arn)
        .sns_attribute("source", "tests")
        .build()
        .unwrap();
    let tickets = adapter.repository::<Ticket>();
    let stored = |pk: &'static str| {
        let tickets = tickets.clone();
        async move { tickets.get(&key(pk)).await.unwrap().expect("stored") }
    };

    tickets.insert(&ticket("a", "open", "12.50")).sns_attribute("priority", 5).await.unwrap();
    let inserted = stored("a").await;
    tickets.overwrite(&Ticket { status: "held".into(), ..inserted.clone() }).await.unwrap();
    let overwritten = stored("a").await;
    let updated = tickets.update(&key("a"), &json!({"status": "sold"})).await.unwrap();
    let updated_in_one = tickets.update(&key("a"), &json!({"status": "resold"})).in_one_request().await.unwrap();
    tickets.batch_insert([ticket("b", "open", "1.10"), ticket("c", "open", "2.20")]).publish(true).await.unwrap();
    let (b, c) = (stored("b").await, stored("c").await);
    tickets.batch_delete([key("b")]).publish(true).await.unwrap();
    adapter.transact_write().insert(&tickets, &ticket("d", "open", "3.30")).delete(&tickets, &key("c")).await.unwrap();
    let d = stored("d").await;
    let deleted = tickets.delete(&key("a")).await.unwrap().expect("old item");

    let events = topic.events().await;
    let operations: Vec<Option<Operation>> = events.iter().map(|event| event.operation).collect();
    use Operation::*;
    assert_eq!(
        operations,
        [Insert, Overwrite, Update, Update, BatchInsert, BatchInsert, BatchDelete, Insert, Delete, Delete].map(Some)
    );
    let payloads: Vec<Payload<Ticket>> = events.iter().map(|event| event.payload.clone()).collect();
    assert_eq!(
        payloads,
        [
            Payload::Item(inserted.clone()),
            Payload::Item(overwritten.clone()),
            Payload::Item(updated.clone()),
            Payload::Item(updated_in_one.clone()),
            Payload::Item(b),
            Payload::Item(c.clone()),
            Payload::Key(key("b")),
            Payload::Item(d),
            // A transaction's delete publishes the key (DynamoDB returns no old item from one).
            Payload::Key(key("c")),
            Payload::Item(deleted.clone()),
        ]
    );
    // Prefixes are stripped from every body; the lock's version is the written one.
    assert_eq!(inserted.pk, "a");
    assert_eq!(
        (inserted.version, overwritten.version, updated.version, updated_in_one.version),
        (Some(1), Some(2), Some(3), Some(4))
    );
    assert_eq!(updated_in_one.status, "resold");
    assert_eq!(deleted, updated_in_one);
    for event in &events {
        assert_eq!(event.schema, Some("Ticket"));
        assert_eq!(event.attributes["source"], MessageAttribute::String("tests".into()));
    }
    // The decimal's text survives the body: the subscriber sees what was written (the stored item
    // may have it trimmed, as DynamoDB trims trailing zeros).
    assert_eq!(events[0].payload.item().map(|t| t.price.as_str()), Some("12.50"));
    assert_eq!(events[0].attributes["priority"], MessageAttribute::Number("5".into()));
    assert_eq!(events[0].attributes.len(), 2, "operation and schema are fields");
    assert!(!events[1].attributes.contains_key("priority"));
}

#[tokio::test]
async fn fifo_ids_reach_the_subscriber_from_both_deliveries() {
    let (builder, config, _) = standard().await;
    let topic = Subscriptions::fifo(&config).await;
    let adapter = builder.sns_topic(&topic.arn).build().unwrap();
    let tickets = adapter.repository::<Ticket>();

    tickets.insert(&ticket("f", "open", "1.00")).fifo_group_id("tenant-a").fifo_deduplication_id("w-1").await.unwrap();
    tickets
        .batch_insert([ticket("g", "open", "2.00"), ticket("h", "open", "3.00")])
        .publish(true)
        .fifo_group_id("tenant-b")
        .fifo_deduplication_id("batch-7")
        .await
        .unwrap();

    // `events()` checks that the enveloped and the raw delivery of each event decode alike, ids
    // included; SQS gives FIFO messages their group and de-duplication ids as system attributes
    // (SQS API reference, ReceiveMessage: `MessageGroupId`, `MessageDeduplicationId`).
    let events = topic.events().await;
    let ids: Vec<(Option<&str>, Option<&str>)> =
        events.iter().map(|e| (e.group_id.as_deref(), e.deduplication_id.as_deref())).collect();
    assert_eq!(
        ids,
        [(Some("tenant-a"), Some("w-1")), (Some("tenant-b"), Some("batch-7-0")), (Some("tenant-b"), Some("batch-7-1")),]
    );
    let pks: Vec<&str> = events.iter().filter_map(|e| e.payload.item()).map(|t| t.pk.as_str()).collect();
    assert_eq!(pks, ["f", "g", "h"]);
}

#[tokio::test]
async fn a_daplug_ddb_message_decodes_to_the_same_payload() {
    let (builder, config, _) = standard().await;
    let topic = Subscriptions::create(&config).await;
    let tickets = builder.sns_topic(&topic.arn).build().unwrap().repository::<Ticket>();
    tickets.insert(&ticket("a", "open", "12.50")).await.unwrap();
    let ours = topic.drain(&topic.enveloped).await;
    topic.drain(&topic.raw).await;
    let body = envelope_message(&ours[0]);
    // What daplug-ddb publishes for the same write: the same body, no attributes.
    topic.sns.publish().topic_arn(&topic.arn).message(&body).send().await.expect("publish");
    let theirs = topic.drain(&topic.enveloped).await;
    let raw = topic.drain(&topic.raw).await;

    let ours = Event::<Ticket>::from_sqs_message(&ours[0], Delivery::Enveloped).unwrap();
    let theirs_enveloped = Event::<Ticket>::from_sqs_message(&theirs[0], Delivery::Enveloped).unwrap();
    let theirs_raw = Event::<Ticket>::from_sqs_message(&raw[0], Delivery::Raw).unwrap();
    assert_eq!((ours.operation, ours.schema), (Some(Operation::Insert), Some("Ticket")));
    for theirs in [theirs_enveloped, theirs_raw] {
        assert_eq!((theirs.operation, theirs.schema), (None, None), "daplug-ddb sends neither attribute");
        assert_eq!(theirs.payload, ours.payload);
        assert_eq!(theirs.attributes, ours.attributes);
        assert_eq!(theirs.payload.item().map(|t| t.price.as_str()), Some("12.50"));
    }
}

/// The `Message` of an enveloped delivery, as published.
fn envelope_message(message: &SqsMessage) -> String {
    let envelope: serde_json::Value = serde_json::from_str(message.body().expect("body")).expect("envelope");
    envelope["Message"].as_str().expect("Message").to_owned()
}

#[tokio::test]
async fn other_schemas_unknown_operations_and_bad_bodies_are_typed_errors() {
    let (_, config, _) = standard().await;
    let topic = Subscriptions::create(&config).await;
    let attribute = |value: &str| {
        aws_sdk_sns::types::MessageAttributeValue::builder().data_type("String").string_value(value).build().unwrap()
    };
    let publish = |body: &str, attributes: &[(&str, &str)]| {
        let mut request = topic.sns.publish().topic_arn(&topic.arn).message(body);
        for (name, value) in attributes {
            request = request.message_attributes(*name, attribute(value));
        }
        request.send()
    };
    let good = r#"{"pk": "a", "sk": "1", "status": "open", "price": 1}"#;
    publish(good, &[("schema", "Order"), ("operation", "insert")]).await.unwrap();
    publish(good, &[("schema", "Ticket"), ("operation", "upsert")]).await.unwrap();
    publish(r#"{"pk": "a", "sk": "1", "status": "open", "price": "free"}"#, &[("operation", "overwrite")])
        .await
        .unwrap();
    publish(r#"{"pk": "a", "sk": 1}"#, &[("operation", "batch_delete")]).await.unwrap();
    publish("not json", &[]).await.unwrap();

    for url in [&topic.enveloped, &topic.raw] {
        let delivery = if url == &topic.raw { Delivery::Raw } else { Delivery::Enveloped };
        let errors: Vec<EventError> = topic
            .drain(url)
            .await
            .iter()
            .map(|message| Event::<Ticket>::from_sqs_message(message, delivery).unwrap_err())
            .collect();
        assert_eq!(errors.len(), 5, "{delivery:?}");
        assert!(matches!(&errors[0], EventError::OtherSchema { expected: "Ticket", found } if found == "Order"));
        assert!(matches!(&errors[1], EventError::UnknownOperation { found } if found == "upsert"));
        let paths: Vec<(Option<Operation>, &str)> = errors[2..]
            .iter()
            .map(|err| match err {
                EventError::Body { operation, source } => match source.as_ref() {
                    Error::Validation { path, .. } => (*operation, path.as_str()),
                    other => panic!("{delivery:?}: {other:?}"),
                },
                other => panic!("{delivery:?}: {other:?}"),
            })
            .collect();
        assert_eq!(paths, [(Some(Operation::Overwrite), "price"), (Some(Operation::BatchDelete), "sk"), (None, ".")]);
    }
    // An SQS body that is not an SNS envelope, read as one.
    let raw_read_as_envelope = {
        topic.sns.publish().topic_arn(&topic.arn).message(good).send().await.unwrap();
        topic.drain(&topic.enveloped).await;
        let raw = topic.drain(&topic.raw).await;
        Event::<Ticket>::from_sqs_message(&raw[0], Delivery::Enveloped).unwrap_err()
    };
    assert!(
        matches!(&raw_read_as_envelope, EventError::Malformed { path, .. } if path == "."),
        "{raw_read_as_envelope:?}"
    );
}
