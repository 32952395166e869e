//! Queries and scans: key conditions, GSIs, filters, limits, descending, pagination and streams,
//! and reserved words as attribute and key names.

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::compat::Read;
use daplug_runtime::{Condition, Error, IndexMeta, KeyAttribute, KeyType, Model, ModelMeta};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::harness::{create_table, order, sdk_config, standard, Order, OrderKey, TableSpec};

async fn seeded(n: usize) -> daplug_runtime::Repository<Order> {
    let (builder, _, _) = standard().await;
    let orders = builder.build().unwrap().repository::<Order>();
    for i in 0..n {
        let status = if i % 2 == 0 { "open" } else { "closed" };
        orders.insert(&order("o", &format!("v{i:02}"), status, i as i64)).await.unwrap();
    }
    orders
}

#[tokio::test]
async fn query_key_conditions_descending_and_filter() {
    let orders = seeded(10).await;
    let page = orders.query().key_eq("pk", "o").key_begins_with("sk", "v0").await.unwrap();
    assert_eq!(page.items.len(), 10);
    assert!(page.last_evaluated_key.is_none());
    let sks: Vec<_> = page.items.iter().map(|o| o.sk.clone()).collect();
    let desc = orders.query().key_eq("pk", "o").descending(true).await.unwrap();
    let mut reversed: Vec<_> = desc.items.iter().map(|o| o.sk.clone()).collect();
    reversed.reverse();
    assert_eq!(sks, reversed);
    let between = orders.query().key_eq("pk", "o").key_between("sk", "v03", "v05").await.unwrap();
    assert_eq!(between.items.iter().map(|o| o.qty).collect::<Vec<_>>(), vec![3, 4, 5]);
    let filtered = orders.query().key_eq("pk", "o").filter(Condition::ge("qty", 7)).await.unwrap();
    assert_eq!(filtered.items.iter().map(|o| o.qty).collect::<Vec<_>>(), vec![7, 8, 9]);
    assert_eq!((filtered.count, filtered.scanned_count), (3, 10));
}

#[tokio::test]
async fn query_on_a_gsi() {
    let orders = seeded(6).await;
    let page = orders.query().index("status-index").key_eq("status", "open").await.unwrap();
    let mut qty: Vec<_> = page.items.iter().map(|o| o.qty).collect();
    qty.sort_unstable();
    assert_eq!(qty, vec![0, 2, 4]);
}

#[tokio::test]
async fn query_pages_follow_last_evaluated_key() {
    let orders = seeded(11).await;
    // By hand: one page at a time, feeding the (unprefixed) last evaluated key back.
    let mut seen = Vec::new();
    let mut start = None;
    let mut pages = 0;
    loop {
        let mut query = orders.query().key_eq("pk", "o").limit(3);
        if let Some(key) = start.take() {
            query = query.exclusive_start_key(key);
        }
        let page = query.await.unwrap();
        pages += 1;
        assert!(page.items.len() <= 3);
        seen.extend(page.items.into_iter().map(|o| o.qty));
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => break,
        }
    }
    assert!(pages >= 4, "11 items in pages of 3 take at least 4 requests, took {pages}");
    assert_eq!(seen, (0..11).collect::<Vec<_>>());
    // As a stream of items and of pages.
    let streamed: Vec<i64> =
        orders.query().key_eq("pk", "o").limit(3).stream().map_ok(|o| o.qty).try_collect().await.unwrap();
    assert_eq!(streamed, (0..11).collect::<Vec<_>>());
    let page_sizes: Vec<usize> =
        orders.query().key_eq("pk", "o").limit(3).pages().map_ok(|p| p.items.len()).try_collect().await.unwrap();
    assert_eq!(page_sizes.iter().sum::<usize>(), 11);
    assert!(page_sizes.len() >= 4);
}

#[tokio::test]
async fn scan_filter_limit_pages_and_segments() {
    let orders = seeded(13).await;
    let all: Vec<Order> = orders.scan().limit(4).stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 13);
    let pages = orders.scan().limit(4).pages().count().await;
    assert!(pages >= 4, "{pages} pages");
    let first = orders.scan().limit(4).await.unwrap();
    assert_eq!(first.items.len(), 4);
    assert!(first.last_evaluated_key.is_some());
    let closed: Vec<Order> =
        orders.scan().filter(Condition::eq("status", "closed")).stream().try_collect().await.unwrap();
    assert_eq!(closed.len(), 6);
    let mut total = 0;
    for segment in 0..3 {
        let part: Vec<Order> = orders.scan().segment(segment, 3).stream().try_collect().await.unwrap();
        total += part.len();
    }
    assert_eq!(total, 13);
}

#[tokio::test]
async fn read_dispatches_get_query_and_scan() {
    let orders = seeded(3).await;
    assert_eq!(orders.read(Read::Get(OrderKey::new("o", "v01"))).await.unwrap().len(), 1);
    assert_eq!(orders.read(Read::Get(OrderKey::new("o", "nope"))).await.unwrap().len(), 0);
    assert_eq!(orders.read(Read::Query(orders.query().key_eq("pk", "o"))).await.unwrap().len(), 3);
    assert_eq!(orders.read(Read::Scan(orders.scan().limit(2))).await.unwrap().len(), 2);
}

/// `name`, `data` and `status` are DynamoDB reserved words; here they are the keys and a GSI key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Reserved {
    name: String,
    data: String,
    status: String,
}

impl Model for Reserved {
    type Key = serde_json::Value;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "name", key_type: KeyType::S }),
        range_key: Some(KeyAttribute { name: "data", key_type: KeyType::S }),
        indexes: &[IndexMeta {
            name: "status-index",
            hash_key: KeyAttribute { name: "status", key_type: KeyType::S },
            range_key: None,
        }],
        ..ModelMeta::named("Reserved")
    };
}

#[tokio::test]
async fn reserved_words_as_attribute_and_key_names() {
    let config = sdk_config().await;
    let spec = TableSpec { hash: "name", range: Some("data"), indexes: &[("status-index", "status", None)] };
    let table = create_table(&config, &spec).await;
    let repo = daplug_runtime::Adapter::builder()
        .sdk_config(config)
        .table(table)
        .keys_from::<Reserved>()
        .hash_prefix("n#")
        .build()
        .unwrap()
        .repository::<Reserved>();
    let item = Reserved { name: "a".into(), data: "1".into(), status: "open".into() };
    repo.insert(&item).await.unwrap();
    assert!(repo.insert(&item).await.is_err());
    let key = serde_json::json!({"name": "a", "data": "1"});
    assert_eq!(repo.get(&key).await.unwrap(), Some(item.clone()));
    let page = repo
        .query()
        .key_eq("name", "a")
        .key_begins_with("data", "1")
        .filter(Condition::eq("status", "open") & Condition::ne("status", "closed"))
        .await
        .unwrap();
    assert_eq!(page.items, vec![item.clone()]);
    // The table's keys are ordinary attributes when an index is queried.
    let by_status =
        repo.query().index("status-index").key_eq("status", "open").filter(Condition::exists("data")).await.unwrap();
    assert_eq!(by_status.items, vec![item.clone()]);
    // A query filter on a key attribute of the table or index read is refused by DynamoDB ("Filter
    // Expression can only contain non-primary key attributes"; Developer Guide, "Filter expressions
    // for Query operations"), so daplug refuses it before sending. moto would accept it.
    let refused = repo.query().key_eq("name", "a").filter(Condition::exists("data")).await;
    assert!(
        matches!(&refused, Err(Error::KeyInFilter { attribute, index: None }) if attribute == "data"),
        "{refused:?}"
    );
    let refused =
        repo.query().index("status-index").key_eq("status", "open").filter(Condition::ne("status", "x")).await;
    assert!(
        matches!(&refused, Err(Error::KeyInFilter { attribute, index: Some(index) }) if attribute == "status" && index == "status-index"),
        "{refused:?}"
    );
    let scanned = repo.scan().filter(Condition::eq("name", "a")).await.unwrap();
    assert_eq!(scanned.items.len(), 1, "filter on a prefixed key attribute is prefixed too");
    assert_eq!(repo.delete(&key).await.unwrap(), Some(item));
    let _ = AttributeValue::Null(true);
}
