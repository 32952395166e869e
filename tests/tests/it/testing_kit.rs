//! `daplug_runtime::testing`: a model's table in an in-process DynamoDB, events recorded. The first
//! test is the README's example ("Testing without AWS"), word for word.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification,
};
use daplug_runtime::events::{MessageAttribute, Operation};
use daplug_runtime::testing::{Emulator, TestTable};
use daplug_runtime::{Error, Model};

use crate::models::example::{ExampleModel, ExampleModelIndex, ExampleModelKey, ExampleModelStatus};

#[tokio::test]
async fn an_order_is_stored_prefixed_queried_and_published() -> Result<(), Box<dyn std::error::Error>> {
    let table = TestTable::<ExampleModel>::create().await?; // keys, prefix, status-index from x-daplug
    let orders = table.repository();
    let order = ExampleModel::from_json(&serde_json::json!({"record_id": "abc", "status": "open"}))?;
    orders.insert(&order).sns_attribute("priority", "high").await?;
    assert!(matches!(orders.insert(&order).await, Err(Error::AlreadyExists { .. })));

    let open = orders
        .query()
        .index(ExampleModelIndex::StatusIndex)
        .key_eq(ExampleModel::STATUS, ExampleModelStatus::Open)
        .await?;
    assert_eq!(open.items, vec![order]);

    let events = table.events().take(); // what SNS would have received, nothing was sent
    assert_eq!(events.len(), 1, "no event for the refused insert");
    assert_eq!(events[0].operation, Operation::Insert);
    assert_eq!(events[0].body, r#"{"record_id": "abc", "status": "open"}"#);
    assert_eq!(events[0].attributes["priority"], MessageAttribute::String("high".into()));
    Ok(())
}

#[tokio::test]
async fn the_table_follows_the_model_and_the_configuration() {
    let table =
        TestTable::<ExampleModel>::configure(|b| b.table("orders").sns_attribute("source", "svc")).await.unwrap();
    assert_eq!(table.adapter().table(), "orders");
    assert_eq!(table.adapter().table_drift::<ExampleModel>().await.unwrap(), vec![], "keys and index as declared");
    let orders = table.repository();
    let order = ExampleModel::from_json(&serde_json::json!({"record_id": "a", "status": "open"})).unwrap();
    orders.insert(&order).await.unwrap();
    let raw = table.emulator().client().scan().table_name("orders").send().await.unwrap();
    assert_eq!(raw.items()[0]["record_id"], AttributeValue::S("order#a".into()), "stored under the prefix");
    // Every write of the adapter records its event: the lock attribute (`modified`) guards the update.
    orders.update(&ExampleModelKey { record_id: "a".into() }, &serde_json::json!({"note": "x"})).await.unwrap();
    orders.delete(&ExampleModelKey { record_id: "a".into() }).await.unwrap();
    let recorded = table.events().events();
    let operations: Vec<Operation> = recorded.iter().map(|e| e.operation).collect();
    assert_eq!(operations, [Operation::Insert, Operation::Update, Operation::Delete]);
    assert!(recorded.iter().all(|e| e.attributes["source"] == MessageAttribute::String("svc".into())));
    assert_eq!(table.events().len(), 3, "events() leaves them recorded");
}

#[tokio::test]
async fn every_table_is_fresh_and_dropping_it_stops_its_emulator() {
    let first = TestTable::<ExampleModel>::create().await.unwrap();
    let second = TestTable::<ExampleModel>::create().await.unwrap();
    assert_ne!(first.emulator().endpoint(), second.emulator().endpoint());
    let order = ExampleModel::from_json(&serde_json::json!({"record_id": "a", "status": "open"})).unwrap();
    first.repository().insert(&order).await.unwrap();
    assert_eq!(second.repository().get(&ExampleModelKey { record_id: "a".into() }).await.unwrap(), None);

    // Dropping waits for the server to close its connections, the one this client keeps open
    // included: the next request cannot be answered (the SDK retries the refused connection, so this
    // takes up to a few seconds).
    let repository = first.repository();
    let address = first.emulator().endpoint().trim_start_matches("http://").to_owned();
    drop(first);
    assert!(std::net::TcpStream::connect(&address).is_err(), "nothing listens on {address}");
    let err = repository.get(&ExampleModelKey { record_id: "a".into() }).await.unwrap_err();
    assert!(matches!(err, Error::DynamoDb { .. }), "{err:?}");
}

#[tokio::test]
async fn expired_items_are_deleted_when_swept() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client();
    let key = KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap();
    let definition =
        AttributeDefinition::builder().attribute_name("pk").attribute_type(ScalarAttributeType::S).build().unwrap();
    let create = client.create_table().table_name("expiring").billing_mode(BillingMode::PayPerRequest);
    create.key_schema(key).attribute_definitions(definition).send().await.unwrap();
    let ttl = TimeToLiveSpecification::builder().enabled(true).attribute_name("expires").build().unwrap();
    client.update_time_to_live().table_name("expiring").time_to_live_specification(ttl).send().await.unwrap();
    for (pk, expires) in [("past", "1000"), ("future", "99999999999")] {
        let put = client.put_item().table_name("expiring").item("pk", AttributeValue::S(pk.into()));
        put.item("expires", AttributeValue::N(expires.into())).send().await.unwrap();
    }
    assert_eq!(emulator.sweep_expired_items().unwrap(), 1);
    let left = client.scan().table_name("expiring").send().await.unwrap();
    assert_eq!(left.items().len(), 1);
    assert_eq!(left.items()[0]["pk"], AttributeValue::S("future".into()));
}
