//! A runnable tour of daplug on the sample `openapi.yml`: `cargo run -p daplug-example`.
//!
//! With no AWS endpoint or credentials configured it runs on the in-process emulator, events
//! recorded; `--moto` runs it on the local moto server, events through SNS and SQS; see `--help`.

mod changes;
mod events;
mod setup;
mod single_table;
mod tour;

/// Models generated at compile time from the sample schema: `ExampleModel`, `ExampleModelKey`,
/// `ExampleModelPatch`, `ExampleModelStatus`, `Customer`, `LineItem`.
pub mod models {
    daplug_runtime::schema!("../openapi.yml");
}

/// The single-table part of the tour: the family `OrderPart` of `Order`, `LineItem` and `Shipment`
/// (with their keys, patches and `OrderPartParts`), from `single-table.yml`.
pub mod families {
    daplug_runtime::schema!("single-table.yml");
}

#[tokio::main]
async fn main() {
    let options = match setup::Options::parse() {
        Ok(Some(options)) => options,
        Ok(None) => return,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    if let Err(message) = run(options).await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run(options: setup::Options) -> Result<(), String> {
    if options.in_process() {
        in_process(options).await
    } else {
        on_aws(options).await
    }
}

/// DynamoDB in this process, events recorded: Rust alone.
async fn in_process(options: setup::Options) -> Result<(), String> {
    if options.topic_arn.is_some() {
        return Err("--topic-arn needs SNS: add --moto, --endpoint URL or an AWS configuration".into());
    }
    println!("daplug tour on the in-process DynamoDB emulator; events recorded, as SNS would receive them");
    let table = daplug_runtime::testing::TestTable::<models::ExampleModel>::configure(|builder| {
        let builder = builder.sns_attribute("source", "daplug-example");
        match &options.table {
            Some(name) => builder.table(name),
            None => builder,
        }
    })
    .await
    .map_err(|err| err.to_string())?;
    println!("table     {} (created)", table.adapter().table());
    let events = events::Events::Recorded(table.events().clone());
    let streams =
        changes::StreamTap::open(table.adapter(), &setup::emulator(table.emulator().endpoint()), true).await?;
    tour::run(table.adapter(), &events, streams.as_ref()).await.map_err(|err| err.to_string())?;
    let parts = daplug_runtime::testing::TestTable::<families::OrderPart>::configure(|builder| {
        builder.sns_attribute("source", "daplug-example")
    })
    .await
    .map_err(|err| err.to_string())?;
    println!("table     {} (created: one partition per order)", parts.adapter().table());
    let events = events::Events::Recorded(parts.events().clone());
    single_table::run(parts.adapter(), &events).await.map_err(|err| err.to_string())
}

/// moto (`--moto`) or AWS: events through SNS, read back from an SQS queue.
async fn on_aws(options: setup::Options) -> Result<(), String> {
    let (config, place) = setup::aws(&options).await?;
    println!("daplug tour on {place}");
    let name = format!("daplug-example-{}", std::process::id());
    let table = options.table.clone().unwrap_or_else(|| name.clone());
    let tap = events::EventTap::create(&config, options.topic_arn.clone(), &name).await?;
    let adapter = daplug_runtime::Adapter::builder()
        .sdk_config(config.clone())
        .table(&table)
        .keys_from::<models::ExampleModel>()
        .sns_topic(&tap.topic_arn)
        .sns_attribute("source", "daplug-example")
        .build()
        .map_err(|err| err.to_string())?;
    let created = adapter.create_table_if_missing::<models::ExampleModel>().await.map_err(|err| err.to_string())?;
    println!("table     {table} ({})", if created { "created" } else { "existing" });

    let topic_arn = tap.topic_arn.clone();
    let events = events::Events::Sns(tap);
    let mut result = match changes::StreamTap::open(&adapter, &config, created).await {
        Ok(streams) => tour::run(&adapter, &events, streams.as_ref()).await.map_err(|err| err.to_string()),
        Err(err) => Err(err),
    };

    // The single-table part, on a table of its own (deleted at the end unless --keep).
    let parts_table = format!("{table}-parts");
    let parts = daplug_runtime::Adapter::builder()
        .sdk_config(config.clone())
        .table(&parts_table)
        .keys_from::<families::OrderPart>()
        .sns_topic(&topic_arn)
        .sns_attribute("source", "daplug-example")
        .build()
        .map_err(|err| err.to_string())?;
    let mut parts_created = false;
    if result.is_ok() {
        result = match parts.create_table_if_missing::<families::OrderPart>().await {
            Ok(created) => {
                parts_created = created;
                println!("table     {parts_table} ({})", if created { "created" } else { "existing" });
                single_table::run(&parts, &events).await.map_err(|err| err.to_string())
            }
            Err(err) => Err(err.to_string()),
        };
    }

    // Clean up whatever happened above; never a table this run did not create.
    let mut cleanup = Vec::new();
    if !options.keep {
        if let Err(err) = events.remove().await {
            cleanup.push(err);
        }
        if created {
            match adapter.client().delete_table().table_name(&table).send().await {
                Ok(_) => println!("cleanup   deleted table {table}, queue and temporary topic"),
                Err(err) => cleanup.push(format!("delete table: {err}")),
            }
        }
        if parts_created {
            match parts.client().delete_table().table_name(&parts_table).send().await {
                Ok(_) => println!("cleanup   deleted table {parts_table}"),
                Err(err) => cleanup.push(format!("delete table {parts_table}: {err}")),
            }
        }
    }
    result?;
    if cleanup.is_empty() {
        Ok(())
    } else {
        Err(cleanup.join("; "))
    }
}
