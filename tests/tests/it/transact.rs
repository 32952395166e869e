//! transact_write across models and tables: prefixes, conditions, cancellation reasons, events.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::events::Operation;
use daplug_runtime::{Adapter, Condition, Error, KeyAttribute, KeyType, Model, ModelMeta, Repository};
use serde::{Deserialize, Serialize};

use crate::batch::Recorder;
use crate::harness::{create_table, order, raw_count, raw_get, sdk_config, Order, OrderKey, TableSpec};

/// A second model, on its own table keyed by `id` alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Stock {
    id: String,
    count: i64,
}

#[derive(Debug, Clone, Serialize)]
struct StockKey {
    id: String,
}

impl Model for Stock {
    type Key = StockKey;
    type Patch = serde_json::Value;
    const META: ModelMeta =
        ModelMeta { hash_key: Some(KeyAttribute { name: "id", key_type: KeyType::S }), ..ModelMeta::named("Stock") };
}

fn stock(id: &str, count: i64) -> Stock {
    Stock { id: id.into(), count }
}

struct Fixture {
    config: aws_config::SdkConfig,
    orders_table: String,
    stock_table: String,
    orders: Repository<Order>,
    stock: Repository<Stock>,
    sink: Arc<Recorder>,
}

/// Orders (prefix `t#`) and stock on two tables, one event recorder.
async fn fixture() -> Fixture {
    let config = sdk_config().await;
    let orders_table = create_table(&config, &TableSpec::STANDARD).await;
    let stock_table = create_table(&config, &TableSpec { hash: "id", range: None, indexes: &[] }).await;
    let sink = Arc::new(Recorder::default());
    let orders = Adapter::builder()
        .sdk_config(config.clone())
        .table(&orders_table)
        .keys_from::<Order>()
        .hash_prefix("t#")
        .event_sink(sink.clone())
        .build()
        .unwrap()
        .repository::<Order>();
    let stock = Adapter::builder()
        .sdk_config(config.clone())
        .table(&stock_table)
        .keys_from::<Stock>()
        .range_prefix("")
        .event_sink(sink.clone())
        .build()
        .unwrap()
        .repository::<Stock>();
    Fixture { config, orders_table, stock_table, orders, stock, sink }
}

#[tokio::test]
async fn a_transaction_commits_puts_updates_deletes_and_checks_across_models() {
    let f = fixture().await;
    f.orders.overwrite(&order("gone", "v1", "open", 1)).publish(false).await.unwrap();
    f.orders.overwrite(&order("guard", "v1", "open", 1)).publish(false).await.unwrap();
    f.stock.overwrite(&stock("widget", 5)).publish(false).await.unwrap();

    f.orders
        .transact_write()
        .insert(&f.orders, &order("new", "v1", "open", 2))
        .update(&f.stock, &stock("widget", 4), Condition::ge("count", 1))
        .delete(&f.orders, &OrderKey::new("gone", "v1"))
        .condition_check(&f.orders, &OrderKey::new("guard", "v1"), Condition::eq("status", "open"))
        .overwrite(&f.stock, &stock("gadget", 1))
        .sns_attribute("tx", "t-1")
        .await
        .unwrap();

    let new = raw_get(&f.config, &f.orders_table, "t#new", "v1").await.expect("inserted with the prefix");
    assert_eq!(new["qty"], AttributeValue::N("2".into()));
    assert!(raw_get(&f.config, &f.orders_table, "t#gone", "v1").await.is_none(), "deleted through the prefix");
    assert_eq!(f.stock.get(&StockKey { id: "widget".into() }).await.unwrap(), Some(stock("widget", 4)));
    assert_eq!(raw_count(&f.config, &f.stock_table).await, 2);

    let events = f.sink.events();
    let ops: Vec<Operation> = events.iter().map(|e| e.operation).collect();
    assert_eq!(
        ops,
        [Operation::Insert, Operation::Update, Operation::Delete, Operation::Overwrite],
        "no event for checks"
    );
    assert_eq!(
        events[0].body, r#"{"pk": "new", "sk": "v1", "status": "open", "qty": 2}"#,
        "unprefixed, as single writes format it"
    );
    assert_eq!(events[2].body, r#"{"pk": "gone", "sk": "v1"}"#, "a delete's body is its key");
    assert!(events.iter().all(|e| e.attributes["tx"].as_str() == "t-1"));
    assert_eq!(events[1].schema, "Stock");
}

#[tokio::test]
async fn a_cancelled_transaction_returns_per_item_reasons_and_changes_and_publishes_nothing() {
    let f = fixture().await;
    f.orders.overwrite(&order("taken", "v1", "open", 1)).publish(false).await.unwrap();
    f.stock.overwrite(&stock("widget", 0)).publish(false).await.unwrap();

    let err = f
        .orders
        .transact_write()
        .overwrite(&f.orders, &order("fine", "v1", "open", 1))
        .insert(&f.orders, &order("taken", "v1", "closed", 9))
        .update(&f.stock, &stock("widget", -1), Condition::ge("count", 1))
        .await
        .unwrap_err();
    let Error::TransactionCanceled { reasons } = &err else { panic!("expected TransactionCanceled, got {err:?}") };
    // moto 5.2.5 answers like DynamoDB: one reason per operation, `None` for the ones that were fine,
    // the stored item (ReturnValuesOnConditionCheckFailure = ALL_OLD) for failed conditions.
    let codes: Vec<Option<&str>> = reasons.iter().map(|r| r.code.as_deref()).collect();
    assert_eq!(codes, [None, Some("ConditionalCheckFailed"), Some("ConditionalCheckFailed")]);
    assert!(!reasons[0].is_failure() && reasons[1].is_failure());
    assert_eq!(reasons[1].key["pk"], AttributeValue::S("taken".into()), "unprefixed key");
    assert_eq!(reasons[1].table, f.orders_table);
    let current: Order = reasons[1].current().expect("stored item returned").unwrap();
    assert_eq!(current, order("taken", "v1", "open", 1), "prefix stripped");
    assert_eq!(reasons[2].current::<Stock>().unwrap().unwrap(), stock("widget", 0));
    assert!(err.to_string().contains("#1 ConditionalCheckFailed"), "{err}");

    assert!(raw_get(&f.config, &f.orders_table, "t#fine", "v1").await.is_none(), "nothing written");
    assert_eq!(f.stock.get(&StockKey { id: "widget".into() }).await.unwrap(), Some(stock("widget", 0)));
    assert!(f.sink.events().is_empty(), "no events without a commit");
}

#[tokio::test]
async fn transaction_size_and_repeated_keys_are_checked_before_sending() {
    let f = fixture().await;
    let err = f.orders.transact_write().await.unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("1..=100")), "{err:?}");

    let mut big = f.orders.transact_write();
    for i in 0..101 {
        big = big.overwrite(&f.orders, &order(&format!("o-{i}"), "v1", "open", 1));
    }
    assert_eq!(big.len(), 101);
    let err = big.await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");

    // The same item twice (compared as stored: `x` and `t#x` under the `t#` prefix).
    let err = f
        .orders
        .transact_write()
        .overwrite(&f.orders, &order("x", "v1", "open", 1))
        .delete(&f.orders, &OrderKey::new("t#x", "v1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateKey { .. }), "{err:?}");
    // The same key in two tables is fine.
    f.orders
        .transact_write()
        .overwrite(&f.stock, &stock("x", 1))
        .overwrite(&f.orders, &order("x", "v1", "open", 1))
        .publish(false)
        .await
        .unwrap();
    assert_eq!(raw_count(&f.config, &f.orders_table).await, 1);
    assert!(f.sink.events().is_empty(), "publish(false)");
}

#[tokio::test]
async fn conditions_in_transactions_compare_prefixed_key_values() {
    let f = fixture().await;
    f.orders.overwrite(&order("a", "v1", "open", 1)).publish(false).await.unwrap();
    // `pk = "a"` is compared with the stored `t#a`: the value is prefixed like in single writes.
    f.orders
        .transact_write()
        .update(&f.orders, &order("a", "v1", "closed", 2), Condition::eq("pk", "a") & Condition::eq("qty", 1))
        .publish(false)
        .await
        .unwrap();
    let got = f.orders.get(&OrderKey::new("a", "v1")).await.unwrap().unwrap();
    assert_eq!((got.status.as_deref(), got.qty), (Some("closed"), 2));
    let err = f
        .orders
        .transact_write()
        .delete_if(&f.orders, &OrderKey::new("a", "v1"), Condition::eq("qty", 1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TransactionCanceled { .. }), "{err:?}");
    assert!(raw_get(&f.config, &f.orders_table, "t#a", "v1").await.is_some());
}
