//! Typed DynamoDB Streams records: a table's stream read with the SDK (`DescribeStream`,
//! `GetShardIterator`, `GetRecords`) and each record decoded with `Change::from_stream_record` into
//! the model, for every write (insert, overwrite, update in both modes, delete, batches, a
//! transaction) with prefixes and a version lock, under each view type; records that are not the
//! model are typed errors with paths. moto and the in-process emulator both serve DynamoDB Streams,
//! so this runs on both backends.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    StreamSpecification, StreamViewType,
};
use daplug_runtime::adapter::Prefixes;
use daplug_runtime::aws::dynamodbstreams::types::{Record, ShardIteratorType};
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::streams::{Change, ChangeError, ChangeKind, Image};
use daplug_runtime::{Adapter, Error};
use serde_json::json;

use crate::harness::{sdk_config, unique};
use crate::subscribers::{key, ticket, Ticket};

/// A fresh `pk` / `sk` table with a stream of `view` records; its name and stream ARN.
async fn table_with_stream(config: &aws_config::SdkConfig, view: StreamViewType) -> (String, String) {
    let client = aws_sdk_dynamodb::Client::new(config);
    let name = unique("streamed");
    let mut request = client.create_table().table_name(&name).billing_mode(BillingMode::PayPerRequest);
    for (attribute, key_type) in [("pk", KeyType::Hash), ("sk", KeyType::Range)] {
        request = request
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(attribute)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(KeySchemaElement::builder().attribute_name(attribute).key_type(key_type).build().unwrap());
    }
    let stream = StreamSpecification::builder().stream_enabled(true).stream_view_type(view).build().unwrap();
    let created = request.stream_specification(stream).send().await.expect("create table");
    let arn = created.table_description().and_then(|t| t.latest_stream_arn()).expect("stream arn").to_owned();
    (name, arn)
}

/// Every record of the stream so far, shard by shard (bounded: a shard is read until a call
/// returns no records).
pub(crate) async fn records(config: &aws_config::SdkConfig, stream_arn: &str) -> Vec<Record> {
    let streams = daplug_runtime::aws::dynamodbstreams::Client::new(config);
    let description = streams.describe_stream().stream_arn(stream_arn).send().await.expect("describe stream");
    let shards = description.stream_description().map(|d| d.shards().to_vec()).unwrap_or_default();
    let mut records = Vec::new();
    for shard in shards {
        let mut iterator = streams
            .get_shard_iterator()
            .stream_arn(stream_arn)
            .shard_id(shard.shard_id().expect("shard id"))
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .expect("shard iterator")
            .shard_iterator;
        for _ in 0..20 {
            let Some(current) = iterator.take() else { break };
            let out = streams.get_records().shard_iterator(current).send().await.expect("get records");
            if out.records().is_empty() {
                break;
            }
            records.extend(out.records().iter().cloned());
            iterator = out.next_shard_iterator;
        }
    }
    records
}

/// The changes of each item, in stream order (DynamoDB orders a stream's records per item: Developer
/// Guide, "Change data capture for DynamoDB Streams"; across items the order is not given).
fn per_item(changes: Vec<Change<Ticket>>) -> BTreeMap<String, Vec<Change<Ticket>>> {
    let mut items: BTreeMap<String, Vec<Change<Ticket>>> = BTreeMap::new();
    for change in changes {
        items.entry(change.key().pk.clone()).or_default().push(change);
    }
    items
}

async fn adapter(config: &aws_config::SdkConfig, table: &str) -> Adapter {
    Adapter::builder()
        .sdk_config(config.clone())
        .table(table)
        .hash_key("pk")
        .range_key("sk")
        .hash_prefix("tenant#")
        .range_prefix("v#")
        .idempotence_key("version")
        .lock_policy(LockPolicy::Version)
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_write_decodes_into_a_change_with_both_images() {
    let config = sdk_config().await;
    let (table, stream) = table_with_stream(&config, StreamViewType::NewAndOldImages).await;
    let adapter = adapter(&config, &table).await;
    let tickets = adapter.repository::<Ticket>();
    let stored = |pk: &'static str| {
        let tickets = tickets.clone();
        async move { tickets.get(&key(pk)).await.unwrap().expect("stored") }
    };

    tickets.insert(&ticket("a", "open", "12.50")).await.unwrap();
    let inserted = stored("a").await;
    tickets.overwrite(&Ticket { status: "held".into(), ..inserted.clone() }).await.unwrap();
    let overwritten = stored("a").await;
    let updated = tickets.update(&key("a"), &json!({"status": "sold"})).await.unwrap();
    let updated_in_one = tickets.update(&key("a"), &json!({"status": "resold"})).in_one_request().await.unwrap();
    tickets.batch_insert([ticket("b", "open", "1.10"), ticket("c", "open", "2.20")]).await.unwrap();
    let (b, c) = (stored("b").await, stored("c").await);
    tickets.batch_delete([key("b")]).await.unwrap();
    adapter.transact_write().insert(&tickets, &ticket("d", "open", "3.30")).delete(&tickets, &key("c")).await.unwrap();
    let d = stored("d").await;
    tickets.delete(&key("a")).await.unwrap();

    let prefixes = adapter.prefixes();
    let changes: Vec<Change<Ticket>> =
        records(&config, &stream).await.iter().map(|r| Change::from_stream_record(r, &prefixes).unwrap()).collect();
    assert_eq!(changes.len(), 10, "{changes:?}");
    let items = per_item(changes);
    let modify = |old: &Ticket, new: &Ticket| Change::Modify {
        key: key(&new.pk),
        old: Some(old.clone()),
        new: Some(new.clone()),
    };
    assert_eq!(
        items["a"],
        [
            Change::Insert { key: key("a"), new: Some(inserted.clone()) },
            modify(&inserted, &overwritten),
            modify(&overwritten, &updated),
            modify(&updated, &updated_in_one),
            Change::Remove { key: key("a"), old: Some(updated_in_one.clone()) },
        ]
    );
    assert_eq!(
        items["b"],
        [Change::Insert { key: key("b"), new: Some(b.clone()) }, Change::Remove { key: key("b"), old: Some(b) }]
    );
    assert_eq!(
        items["c"],
        [Change::Insert { key: key("c"), new: Some(c.clone()) }, Change::Remove { key: key("c"), old: Some(c) }]
    );
    assert_eq!(items["d"], [Change::Insert { key: key("d"), new: Some(d) }]);
    // The images are the items as stored, prefixes stripped, the lock's versions as written.
    assert_eq!(inserted.pk, "a");
    assert_eq!(updated_in_one.version, Some(4));
    assert_eq!(items["a"][3].new_image().unwrap().status, "resold");
    assert_eq!(items["a"][3].old_image().unwrap().status, "sold");
}

#[tokio::test]
async fn each_view_type_gives_the_images_it_has_and_says_which_it_lacks() {
    let config = sdk_config().await;
    for (view, new_carried, old_carried) in [
        (StreamViewType::KeysOnly, false, false),
        (StreamViewType::NewImage, true, false),
        (StreamViewType::OldImage, false, true),
    ] {
        let (table, stream) = table_with_stream(&config, view.clone()).await;
        let adapter = adapter(&config, &table).await;
        let tickets = adapter.repository::<Ticket>();
        tickets.insert(&ticket("a", "open", "1")).await.unwrap();
        tickets.update(&key("a"), &json!({"status": "sold"})).await.unwrap();
        tickets.delete(&key("a")).await.unwrap();

        let prefixes = adapter.prefixes();
        let changes: Vec<Change<Ticket>> =
            records(&config, &stream).await.iter().map(|r| Change::from_stream_record(r, &prefixes).unwrap()).collect();
        let kinds: Vec<ChangeKind> = changes.iter().map(Change::kind).collect();
        assert_eq!(kinds, [ChangeKind::Insert, ChangeKind::Modify, ChangeKind::Remove], "{view:?}");
        for change in &changes {
            assert_eq!(change.key(), &key("a"), "{view:?}: the key is always there, prefixes stripped");
        }
        let modify = &changes[1];
        assert_eq!(modify.new_image().is_ok(), new_carried, "{view:?}");
        assert_eq!(modify.old_image().is_ok(), old_carried, "{view:?}");
        if let Ok(new) = modify.new_image() {
            assert_eq!(new.status, "sold");
        }
        if !new_carried {
            let err = modify.new_image().unwrap_err();
            assert!(matches!(err, ChangeError::NoImage { change: ChangeKind::Modify, image: Image::New }), "{err:?}");
        }
        assert!(matches!(changes[0].old_image(), Err(ChangeError::NoImage { image: Image::Old, .. })));
    }
}

#[tokio::test]
async fn records_that_are_not_the_model_are_typed_errors_with_paths() {
    let config = sdk_config().await;
    let (table, stream) = table_with_stream(&config, StreamViewType::NewAndOldImages).await;
    // Written around daplug: an item whose price is not a number.
    let client = aws_sdk_dynamodb::Client::new(&config);
    let s = |text: &str| AttributeValue::S(text.into());
    client
        .put_item()
        .table_name(&table)
        .item("pk", s("tenant#a"))
        .item("sk", s("v#1"))
        .item("status", s("open"))
        .item("price", s("free"))
        .send()
        .await
        .expect("raw put");
    let prefixes = Prefixes::none().with("pk", "tenant#").with("sk", "v#");
    let records = records(&config, &stream).await;
    let err = Change::<Ticket>::from_stream_record(&records[0], &prefixes).unwrap_err();
    match &err {
        ChangeError::Decode { change: ChangeKind::Insert, image: Some(Image::New), source } => match source.as_ref() {
            Error::Validation { path, .. } => assert_eq!(path, "price"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().starts_with("the new image of the INSERT record: Ticket: invalid value at `price`"),
        "{err}"
    );
}
