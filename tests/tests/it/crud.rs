//! insert / overwrite / create / get / delete and their raw variants.

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::compat::WriteMode;
use daplug_runtime::Error;

use crate::harness::{order, raw_count, raw_get, standard, Order, OrderKey};

#[tokio::test]
async fn insert_then_get_round_trips() {
    let (builder, _, _) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    let mut item = order("o-1", "v1", "open", 2);
    item.tags = vec!["a".into(), "b".into()];
    orders.insert(&item).await.unwrap();
    assert_eq!(orders.get(&OrderKey::new("o-1", "v1")).await.unwrap(), Some(item));
    assert_eq!(orders.get(&OrderKey::new("o-1", "v2")).await.unwrap(), None);
}

#[tokio::test]
async fn insert_of_existing_key_is_already_exists_and_changes_nothing() {
    let (builder, config, table) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    orders.insert(&order("o-1", "v1", "open", 1)).await.unwrap();
    let err = orders.insert(&order("o-1", "v1", "closed", 9)).await.unwrap_err();
    match &err {
        Error::AlreadyExists { key, .. } => {
            assert_eq!(key.get("pk"), Some(&AttributeValue::S("o-1".into())));
            assert_eq!(key.get("sk"), Some(&AttributeValue::S("v1".into())));
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    let stored = raw_get(&config, &table, "o-1", "v1").await.unwrap();
    assert_eq!(stored["status"], AttributeValue::S("open".into()));
    assert_eq!(stored["qty"], AttributeValue::N("1".into()));
}

#[tokio::test]
async fn insert_same_hash_different_range_succeeds() {
    let (builder, config, table) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    orders.insert(&order("o-1", "v1", "open", 1)).await.unwrap();
    orders.insert(&order("o-1", "v2", "open", 2)).await.unwrap();
    assert_eq!(raw_count(&config, &table).await, 2);
}

#[tokio::test]
async fn overwrite_replaces_and_create_dispatches() {
    let (builder, _, _) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    let key = OrderKey::new("o-1", "v1");
    orders.create(&order("o-1", "v1", "open", 1), WriteMode::Insert).await.unwrap();
    let err = orders.create(&order("o-1", "v1", "open", 2), WriteMode::Insert).await.unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
    orders.create(&order("o-1", "v1", "closed", 3), WriteMode::Overwrite).await.unwrap();
    assert_eq!(orders.get(&key).await.unwrap().unwrap().qty, 3);
    orders.overwrite(&order("o-1", "v1", "done", 4)).await.unwrap();
    let got = orders.get(&key).consistent_read(true).await.unwrap().unwrap();
    assert_eq!((got.status.as_deref(), got.qty), (Some("done"), 4));
}

#[tokio::test]
async fn delete_returns_the_old_item_or_none() {
    let (builder, config, table) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    let item = order("o-1", "v1", "open", 5);
    orders.insert(&item).await.unwrap();
    assert_eq!(orders.delete(&OrderKey::new("o-1", "v1")).await.unwrap(), Some(item));
    assert_eq!(raw_count(&config, &table).await, 0);
    assert_eq!(orders.delete(&OrderKey::new("o-1", "v1")).await.unwrap(), None);
}

#[tokio::test]
async fn raw_variants_return_sdk_output() {
    let (builder, _, _) = standard().await;
    let orders = builder.hash_prefix("t#").build().unwrap().repository::<Order>();
    orders.insert(&order("o-1", "v1", "open", 5)).await.unwrap();
    let got = orders.get(&OrderKey::new("o-1", "v1")).raw().await.unwrap();
    assert_eq!(got.item().unwrap()["pk"], AttributeValue::S("o-1".into()), "raw output is prefix-stripped");
    orders.insert(&order("o-1", "v2", "open", 6)).await.unwrap();
    let query = orders.query().key_eq("pk", "o-1").limit(1).raw().await.unwrap();
    assert_eq!(query.count, 1);
    assert_eq!(query.items()[0]["pk"], AttributeValue::S("o-1".into()));
    assert_eq!(query.last_evaluated_key().unwrap()["pk"], AttributeValue::S("o-1".into()), "stripped");
    let scan = orders.scan().raw().await.unwrap();
    assert_eq!(scan.count, 2);
    assert!(scan.items().iter().all(|item| item["pk"] == AttributeValue::S("o-1".into())));
    let deleted = orders.delete(&OrderKey::new("o-1", "v1")).raw().await.unwrap();
    assert_eq!(deleted.attributes().unwrap()["qty"], AttributeValue::N("5".into()));
}
