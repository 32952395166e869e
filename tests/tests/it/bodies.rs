//! One write, one event body: the same item written through every path publishes the same bytes,
//! in the spec's field order, prefixes stripped, numbers as stored (the `f32` `0.1` as `0.1`, the
//! decimal `12.50` as `12.50`), as daplug-ddb publishes the item it reads back.

use std::sync::{Arc, Mutex};

use daplug_runtime::compat::WriteMode;
use daplug_runtime::events::{EventSink, Message, Operation, SinkError};
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::{Condition, Repository};
use futures::future::BoxFuture;

use crate::harness::{backend, standard};

mod model {
    daplug_runtime::schema!("fixtures/bodies.yml");
}

use model::{Parcel, ParcelKey, ParcelPatch};

/// Keeps every event it is given.
#[derive(Default)]
struct Recorder(Mutex<Vec<Message>>);

impl EventSink for Recorder {
    fn publish(&self, event: Message) -> BoxFuture<'_, Result<(), SinkError>> {
        self.0.lock().map(|mut events| events.push(event)).ok();
        Box::pin(async { Ok(()) })
    }
}

impl Recorder {
    /// The bodies published so far, with their operation, and forgets them.
    fn take(&self) -> Vec<(Operation, String)> {
        let events = self.0.lock().map(|mut events| std::mem::take(&mut *events)).unwrap_or_default();
        events.into_iter().map(|event| (event.operation, event.body)).collect()
    }
}

fn parcel(pk: &str) -> Parcel {
    Parcel {
        sk: "1".into(),
        pk: pk.into(),
        weight: 0.1,
        price: Some("12.50".parse().unwrap()),
        label: Some("box".into()),
        version: None,
    }
}

fn key() -> ParcelKey {
    ParcelKey { pk: "a".into(), sk: "1".into() }
}

async fn setup() -> (Repository<Parcel>, Arc<Recorder>) {
    let (builder, _, _) = standard().await;
    let recorder = Arc::new(Recorder::default());
    let repo = builder
        .keys_from::<Parcel>()
        .lock_policy(LockPolicy::Version)
        .event_sink(recorder.clone())
        .build()
        .unwrap()
        .repository::<Parcel>();
    (repo, recorder)
}

/// Removes the item without an event, so the next path writes it afresh.
async fn forget(repo: &Repository<Parcel>) {
    let client = repo.adapter().client();
    let key = [("pk", "parcel#a"), ("sk", "1")]
        .map(|(name, value)| (name.to_owned(), aws_sdk_dynamodb::types::AttributeValue::S(value.to_owned())));
    client.delete_item().table_name(repo.adapter().table()).set_key(Some(key.into())).send().await.unwrap();
}

const WRITTEN: &str = r#"{"sk": "1", "pk": "a", "weight": 0.1, "price": 12.50, "label": "box", "version": 1}"#;

#[tokio::test]
async fn one_item_written_through_every_path_publishes_one_body() {
    let (repo, recorder) = setup().await;
    repo.insert(&parcel("a")).await.unwrap();
    forget(&repo).await;
    repo.overwrite(&parcel("a")).await.unwrap();
    forget(&repo).await;
    repo.create(&parcel("a"), WriteMode::Insert).await.unwrap();
    forget(&repo).await;
    repo.create(&parcel("a"), WriteMode::Overwrite).await.unwrap();
    forget(&repo).await;
    // A batch writes the item as given (no lock: `BatchWriteItem` has no conditions).
    repo.batch_insert([Parcel { version: Some(1), ..parcel("a") }]).publish(true).await.unwrap();
    forget(&repo).await;
    // A transaction, the key given with its prefix (stored as is, published stripped).
    repo.transact_write().insert(&repo, &parcel("parcel#a")).await.unwrap();
    forget(&repo).await;
    repo.transact_write().overwrite(&repo, &parcel("parcel#a")).await.unwrap();
    forget(&repo).await;
    // A plain overwrite with the key given with its prefix.
    repo.overwrite(&parcel("parcel#a")).await.unwrap();

    let bodies = recorder.take();
    let operations: Vec<Operation> = bodies.iter().map(|(operation, _)| *operation).collect();
    use Operation::*;
    assert_eq!(operations, [Insert, Overwrite, Insert, Overwrite, BatchInsert, Insert, Overwrite, Overwrite]);
    for (operation, body) in &bodies {
        assert_eq!(body, WRITTEN, "{operation}");
    }
}

#[tokio::test]
async fn one_update_through_both_modes_and_a_transaction_publishes_one_body() {
    let (repo, recorder) = setup().await;
    let patch = ParcelPatch { label: Some(Some("crate".into())), ..Default::default() };
    let updated = r#"{"sk": "1", "pk": "a", "weight": 0.1, "price": 12.50, "label": "crate", "version": 2}"#;

    repo.insert(&parcel("a")).await.unwrap();
    repo.update(&key(), &patch).await.unwrap();
    forget(&repo).await;
    repo.insert(&parcel("a")).await.unwrap();
    repo.update(&key(), &patch).in_one_request().await.unwrap();
    forget(&repo).await;
    repo.insert(&parcel("a")).await.unwrap();
    // A transactional update puts the whole model, read at version 1.
    let read = Parcel { version: Some(1), label: Some("crate".into()), ..parcel("a") };
    repo.transact_write().update(&repo, &read, Condition::exists("pk")).await.unwrap();

    let bodies: Vec<(Operation, String)> =
        recorder.take().into_iter().filter(|(operation, _)| *operation == Operation::Update).collect();
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    // Both update modes publish the item as stored: DynamoDB trims the decimal's trailing zero
    // (Developer Guide, "Supported data types": "Leading and trailing zeroes are trimmed"), moto
    // keeps the text written. The transaction puts the model given, and publishes it as given.
    let stored = if backend().keeps_number_text() { updated.to_owned() } else { updated.replace("12.50", "12.5") };
    assert_eq!(bodies[0].1, stored, "update");
    assert_eq!(bodies[1].1, stored, "update in one request");
    assert_eq!(bodies[2].1, updated, "transaction");
}

#[tokio::test]
async fn a_delete_publishes_the_old_item_as_the_write_did() {
    let (repo, recorder) = setup().await;
    repo.insert(&parcel("a")).await.unwrap();
    let deleted = repo.delete(&key()).await.unwrap().unwrap();
    assert_eq!(deleted.weight, 0.1_f32);
    let bodies = recorder.take();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(bodies[0].1, WRITTEN, "insert");
    // The delete publishes the old item DynamoDB returns: the same body, with the decimal as stored
    // (DynamoDB trims `12.50` to `12.5`, Developer Guide, "Supported data types"; moto keeps it).
    let stored = if backend().keeps_number_text() { WRITTEN.to_owned() } else { WRITTEN.replace("12.50", "12.5") };
    assert_eq!(bodies[1], (Operation::Delete, stored), "delete");
}

#[tokio::test]
async fn a_deleted_key_is_published_hash_key_first_and_stripped() {
    let (repo, recorder) = setup().await;
    repo.insert(&parcel("a")).await.unwrap();
    repo.transact_write().delete(&repo, &ParcelKey { pk: "parcel#a".into(), sk: "1".into() }).await.unwrap();
    repo.insert(&parcel("a")).await.unwrap();
    repo.batch_delete([key()]).publish(true).await.unwrap();
    let bodies: Vec<String> = recorder
        .take()
        .into_iter()
        .filter(|(operation, _)| matches!(operation, Operation::Delete | Operation::BatchDelete))
        .map(|(_, body)| body)
        .collect();
    assert_eq!(bodies, [r#"{"pk": "a", "sk": "1"}"#, r#"{"pk": "a", "sk": "1"}"#]);
}
