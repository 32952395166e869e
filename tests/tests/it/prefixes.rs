//! Prefix round trips: hash only, range only, both, already-prefixed values, GSI keys, exclusive start
//! keys and per-call overrides.

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::Condition;
use futures::TryStreamExt;

use crate::harness::{create_table, order, raw_get, sdk_config, standard, Order, OrderKey, TableSpec, Topic};

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

#[tokio::test]
async fn hash_prefix_only() {
    let (builder, config, table) = standard().await;
    let orders = builder.hash_prefix("tenant#").build().unwrap().repository::<Order>();
    let item = order("abc", "v1", "open", 1);
    orders.insert(&item).await.unwrap();
    let stored = raw_get(&config, &table, "tenant#abc", "v1").await.expect("stored with prefix");
    assert_eq!(stored["pk"], s("tenant#abc"));
    assert_eq!(orders.get(&OrderKey::new("abc", "v1")).await.unwrap(), Some(item.clone()));
    let page = orders.query().key_eq("pk", "abc").await.unwrap();
    assert_eq!(page.items, vec![item.clone()]);
    assert_eq!(orders.delete(&OrderKey::new("abc", "v1")).await.unwrap(), Some(item));
}

#[tokio::test]
async fn range_prefix_only() {
    let (builder, config, table) = standard().await;
    let orders = builder.range_prefix("ver#").build().unwrap().repository::<Order>();
    let item = order("abc", "1", "open", 1);
    orders.insert(&item).await.unwrap();
    let stored = raw_get(&config, &table, "abc", "ver#1").await.expect("stored with prefix");
    assert_eq!(stored["pk"], s("abc"));
    let page = orders.query().key_eq("pk", "abc").key_begins_with("sk", "1").await.unwrap();
    assert_eq!(page.items, vec![item]);
}

#[tokio::test]
async fn both_prefixes_and_already_prefixed_values() {
    let (builder, config, table) = standard().await;
    let orders = builder.hash_prefix("h#").range_prefix("r#").build().unwrap().repository::<Order>();
    orders.insert(&order("a", "1", "open", 1)).await.unwrap();
    assert!(raw_get(&config, &table, "h#a", "r#1").await.is_some());
    // A value that already carries the prefix is stored as is (never doubled) and read back stripped.
    orders.insert(&order("h#b", "r#2", "open", 2)).await.unwrap();
    assert!(raw_get(&config, &table, "h#b", "r#2").await.is_some());
    assert!(raw_get(&config, &table, "h#h#b", "r#r#2").await.is_none());
    let got = orders.get(&OrderKey::new("b", "2")).await.unwrap().unwrap();
    assert_eq!((got.pk.as_str(), got.sk.as_str()), ("b", "2"));
    // Inserting the already-prefixed spelling again hits the same item.
    assert!(orders.insert(&order("b", "2", "open", 3)).await.is_err());
}

#[tokio::test]
async fn already_prefixed_values_are_published_stripped() {
    let (builder, config, table) = standard().await;
    let topic = Topic::create(&config).await;
    let orders =
        builder.hash_prefix("h#").range_prefix("r#").sns_topic(&topic.arn).build().unwrap().repository::<Order>();
    orders.insert(&order("h#b", "r#2", "open", 2)).await.unwrap();
    orders.overwrite(&order("h#b", "2", "closed", 3)).await.unwrap();
    assert!(raw_get(&config, &table, "h#b", "r#2").await.is_some());
    let got = topic.drain().await;
    assert_eq!(got.len(), 2, "{got:?}");
    for event in &got {
        // The same body a read of the item would return.
        assert_eq!((&event.body["pk"], &event.body["sk"]), (&"b".into(), &"2".into()), "{}", event.message);
    }
}

#[tokio::test]
async fn last_evaluated_key_is_stripped_and_re_prefixed() {
    let (builder, _, _) = standard().await;
    let orders = builder.hash_prefix("t#").range_prefix("s#").build().unwrap().repository::<Order>();
    for i in 0..7 {
        orders.insert(&order("p", &format!("{i}"), "open", i)).await.unwrap();
    }
    let first = orders.scan().limit(3).await.unwrap();
    let key = first.last_evaluated_key.clone().expect("more pages");
    assert_eq!(key["pk"], s("p"));
    assert!(matches!(&key["sk"], AttributeValue::S(v) if !v.starts_with("s#")));
    let rest: Vec<Order> = orders.scan().exclusive_start_key(key).stream().try_collect().await.unwrap();
    assert_eq!(first.items.len() + rest.len(), 7);
    let q = orders.query().key_eq("pk", "p").limit(2).await.unwrap();
    let next =
        orders.query().key_eq("pk", "p").limit(2).exclusive_start_key(q.last_evaluated_key.unwrap()).await.unwrap();
    assert_eq!(next.items.iter().map(|o| o.qty).collect::<Vec<_>>(), vec![2, 3]);
}

#[tokio::test]
async fn query_on_a_gsi_whose_key_is_prefixed() {
    let config = sdk_config().await;
    // GSI keyed on the table's range key: its values carry the range prefix.
    let spec = TableSpec { hash: "pk", range: Some("sk"), indexes: &[("sk-index", "sk", None)] };
    let table = create_table(&config, &spec).await;
    let orders = daplug_runtime::Adapter::builder()
        .sdk_config(config)
        .table(table)
        .hash_key("pk")
        .range_key("sk")
        .hash_prefix("h#")
        .range_prefix("r#")
        .build()
        .unwrap()
        .repository::<Order>();
    orders.insert(&order("a", "shared", "open", 1)).await.unwrap();
    orders.insert(&order("b", "shared", "open", 2)).await.unwrap();
    orders.insert(&order("c", "other", "open", 3)).await.unwrap();
    let page = orders.query().index("sk-index").key_eq("sk", "shared").await.unwrap();
    let mut pks: Vec<_> = page.items.iter().map(|o| o.pk.clone()).collect();
    pks.sort();
    assert_eq!(pks, vec!["a", "b"]);
    let filtered = orders.scan().filter(Condition::eq("pk", "c")).await.unwrap();
    assert_eq!(filtered.items.len(), 1);
}

#[tokio::test]
async fn per_call_override_changes_prefixing_and_insert_condition_together() {
    let (builder, config, table) = standard().await;
    let orders = builder.hash_prefix("a#").build().unwrap().repository::<Order>();
    orders.insert(&order("x", "1", "open", 1)).await.unwrap();
    // Same raw key under another prefix is another item: the condition is on the stored key.
    orders.insert(&order("x", "1", "open", 2)).hash_prefix("b#").await.unwrap();
    assert!(raw_get(&config, &table, "b#x", "1").await.is_some());
    let err = orders.insert(&order("x", "1", "open", 3)).hash_prefix("b#").await.unwrap_err();
    assert!(matches!(err, daplug_runtime::Error::AlreadyExists { .. }));
    let got = orders.get(&OrderKey::new("x", "1")).hash_prefix("b#").await.unwrap().unwrap();
    assert_eq!((got.pk.as_str(), got.qty), ("x", 2));
    let unprefixed = orders.query().key_eq("pk", "b#x").hash_prefix("").await.unwrap();
    assert_eq!(unprefixed.items.len(), 1, "an empty per-call prefix turns prefixing off");
}
