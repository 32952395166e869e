//! A runnable tour of daplug on the sample `openapi.yml`: `cargo run -p daplug-example`.
//!
//! With no AWS endpoint or credentials configured it starts the local emulator itself; see `--help`.

mod events;
mod setup;
mod tour;

/// Models generated at compile time from the sample schema: `ExampleModel`, `ExampleModelKey`,
/// `ExampleModelPatch`, `ExampleModelStatus`, `Customer`, `LineItem`.
pub mod models {
    daplug_runtime::schema!("../openapi.yml");
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

    let result = tour::run(&adapter, &tap).await;

    // Clean up whatever happened above; never a table this run did not create.
    let mut cleanup = Vec::new();
    if !options.keep {
        if let Err(err) = tap.remove().await {
            cleanup.push(err);
        }
        if created {
            match adapter.client().delete_table().table_name(&table).send().await {
                Ok(_) => println!("cleanup   deleted table {table}, queue and temporary topic"),
                Err(err) => cleanup.push(format!("delete table: {err}")),
            }
        }
    }
    result.map_err(|err| err.to_string())?;
    if cleanup.is_empty() {
        Ok(())
    } else {
        Err(cleanup.join("; "))
    }
}
