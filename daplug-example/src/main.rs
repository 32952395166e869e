//! A runnable tour of daplug. `scripts/example.sh` runs it against a local emulator when no AWS
//! endpoint or credentials are configured.

use daplug_runtime::aws::dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType as SdkKeyType, ScalarAttributeType,
};
use daplug_runtime::{Adapter, KeyAttribute, KeyType, Model, ModelMeta};
use serde::{Deserialize, Serialize};

/// An order, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    record_id: String,
    status: String,
    #[serde(default)]
    items: Vec<String>,
}

#[derive(Serialize)]
struct OrderKey {
    record_id: String,
}

impl Model for Order {
    type Key = OrderKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        hash_key: Some(KeyAttribute { name: "record_id", key_type: KeyType::S }),
        hash_prefix: Some("order#"),
        ..ModelMeta::named("Order")
    };
}

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("error: {err}");
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            eprintln!("  caused by: {cause}");
            source = cause.source();
        }
        std::process::exit(1);
    }
}

async fn run() -> daplug_runtime::Result<()> {
    let table =
        std::env::var("DAPLUG_EXAMPLE_TABLE").unwrap_or_else(|_| format!("daplug-example-{}", std::process::id()));
    let config =
        daplug_runtime::aws::aws_config::load_defaults(daplug_runtime::aws::aws_config::BehaviorVersion::latest())
            .await;
    let client = daplug_runtime::aws::dynamodb::Client::new(&config);
    client
        .create_table()
        .table_name(&table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("record_id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| daplug_runtime::Error::Config(e.to_string()))?,
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("record_id")
                .key_type(SdkKeyType::Hash)
                .build()
                .map_err(|e| daplug_runtime::Error::Config(e.to_string()))?,
        )
        .send()
        .await
        .map_err(|e| daplug_runtime::Error::Config(format!("create table {table}: {e}")))?;
    println!("created table {table}");

    let adapter = Adapter::builder().sdk_config(config).table(&table).keys_from::<Order>().build()?;
    let orders = adapter.repository::<Order>();
    let order = Order { record_id: "abc123".into(), status: "open".into(), items: vec!["apple".into()] };

    orders.insert(&order).await?;
    println!("insert    {order:?} -> stored under record_id = order#abc123");
    match orders.insert(&order).await {
        Err(daplug_runtime::Error::AlreadyExists { .. }) => {
            println!("insert    again -> AlreadyExists (nothing changed)")
        }
        other => return Err(daplug_runtime::Error::Config(format!("expected AlreadyExists, got {other:?}"))),
    }
    let got = orders.get(&OrderKey { record_id: "abc123".into() }).await?;
    println!("get       abc123 -> {got:?}");
    let deleted = orders.delete(&OrderKey { record_id: "abc123".into() }).await?;
    println!("delete    abc123 -> {deleted:?}");

    client.delete_table().table_name(&table).send().await.map_err(|e| daplug_runtime::Error::Config(e.to_string()))?;
    println!("deleted table {table}");
    Ok(())
}
