//! The tour itself: one line per step, what was sent and what came back.

use daplug_runtime::events::{Event, Payload};
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::ops::{ListOp, UpdateOutcome};
use daplug_runtime::streams::Change;
use daplug_runtime::{Adapter, Error, Model};
use futures::TryStreamExt;
use serde_json::json;

use crate::changes::StreamTap;
use crate::events::{Delivered, Events};
use crate::models::{ExampleModel, ExampleModelIndex, ExampleModelKey, ExampleModelPatch, ExampleModelStatus};

fn step(name: &str, text: impl std::fmt::Display) {
    println!("{name:<9} {text}");
}

fn key(id: &str) -> ExampleModelKey {
    ExampleModelKey { record_id: id.into() }
}

/// Fails the tour when a step did not behave as documented.
fn expect(ok: bool, what: &str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::Config(format!("tour step did not behave as expected: {what}")))
    }
}

pub async fn run(adapter: &Adapter, events: &Events, streams: Option<&StreamTap>) -> Result<(), Error> {
    let orders = adapter.repository::<ExampleModel>();

    // 1. An inbound payload, mapped by the generated model: unknown fields are dropped.
    let body = json!({
        "record_id": "abc123",
        "status": "open",
        "modified": "2024-01-01T00:00:00Z",
        "customer": {"name": "Ada", "email": "ada@example.com", "vip": true},
        "array_number": [1, 2, 3],
        "line_items": [{"sku": "apple", "qty": 2, "price": 0.5}],
        "tracking": "not in the schema"
    });
    let order = ExampleModel::from_json(&body)?;
    step("map", format!("payload -> {}", serde_json::to_string(&order).unwrap_or_default()));
    let bad = json!({"record_id": "x", "status": "open", "line_items": [{"sku": "a", "qty": "two"}]});
    match ExampleModel::from_json(&bad) {
        Err(err @ Error::Validation { .. }) => step("map", format!("rejected payload -> {err}")),
        other => return Err(Error::Config(format!("expected a validation error, got {other:?}"))),
    }

    // 2. Insert, stored under the x-daplug prefix; a second insert of the same key is refused.
    orders.insert(&order).sns_attribute("priority", "high").await?;
    let raw = adapter
        .client()
        .get_item()
        .table_name(adapter.table())
        .key("record_id", daplug_runtime::aws::dynamodb::types::AttributeValue::S("order#abc123".into()));
    let stored = raw.send().await.map_err(|err| Error::Config(err.to_string()))?.item.is_some();
    expect(stored, "item stored under order#abc123")?;
    step("insert", "abc123 -> stored with record_id = \"order#abc123\"");
    match orders.insert(&order).await {
        Err(Error::AlreadyExists { .. }) => {
            step("insert", "abc123 again -> AlreadyExists, nothing changed or published")
        }
        other => return Err(Error::Config(format!("expected AlreadyExists, got {other:?}"))),
    }

    // 3. Get by typed key: the prefix is stripped on the way out.
    let got = orders.get(&key("abc123")).await?;
    step("get", format!("abc123 -> record_id {:?}", got.as_ref().map(|o| o.record_id.as_str())));
    expect(got.as_ref() == Some(&order), "get returns what was inserted")?;

    // 4. More orders, then a query on the status GSI and a paginated scan.
    for (id, status) in [("o-2", "open"), ("o-3", "shipped"), ("o-4", "open"), ("o-5", "closed")] {
        let more = ExampleModel::from_json(&json!({"record_id": id, "status": status}))?;
        orders.insert(&more).publish(false).await?;
    }
    // Typed names: the index enum and the field constant are checked by the compiler, and the
    // value must be the field's type (a status, not any string).
    let open: Vec<ExampleModel> = orders
        .query()
        .index(ExampleModelIndex::StatusIndex)
        .key_eq(ExampleModel::STATUS, ExampleModelStatus::Open)
        .stream()
        .try_collect()
        .await?;
    let mut ids: Vec<_> = open.iter().map(|o| o.record_id.clone()).collect();
    ids.sort();
    step("query", format!("status-index status = open -> {ids:?}"));
    expect(ids == ["abc123", "o-2", "o-4"], "three open orders")?;
    let sizes: Vec<usize> = orders.scan().limit(2).pages().map_ok(|page| page.items.len()).try_collect().await?;
    step("scan", format!("limit 2 -> pages of {sizes:?} items"));
    expect(sizes.iter().sum::<usize>() == 5, "five orders scanned")?;

    // 5. Updates: each list operation, with a typed patch. The adapter locks on `modified`
    //    (x-daplug idempotence_key) so each update is conditioned on the value it read.
    let patch = |numbers: Vec<f64>| ExampleModelPatch { array_number: Some(Some(numbers)), ..Default::default() };
    let added = orders.update(&key("abc123"), &patch(vec![3.0, 4.0])).list_op(ListOp::Add).await?;
    step("update", format!("add [3, 4] -> array_number {:?}", added.array_number.unwrap_or_default()));
    let removed = orders.update(&key("abc123"), &patch(vec![1.0, 4.0])).list_op(ListOp::Remove).await?;
    step("update", format!("remove [1, 4] -> array_number {:?}", removed.array_number.unwrap_or_default()));
    let replaced = orders.update(&key("abc123"), &patch(vec![9.0])).list_op(ListOp::Replace).await?;
    step("update", format!("replace [9] -> array_number {:?}", replaced.array_number.unwrap_or_default()));
    let bumped =
        orders.update(&key("abc123"), &json!({"status": "shipped", "modified": "2024-01-02T00:00:00Z"})).await?;
    step("update", format!("status shipped, modified bumped -> {:?}", bumped.modified));

    // 6. Locking: a stale write loses. Latest-wins skips an older timestamp; a delete conditioned on
    //    the value read before the bump is a Conflict carrying the stored item.
    let stale = orders
        .update(&key("abc123"), &json!({"status": "closed", "modified": "2023-12-31T23:00:00-05:00"}))
        .lock_policy(LockPolicy::LatestWins)
        .outcome()
        .await?;
    match stale {
        UpdateOutcome::Stale(current) => {
            step("update", format!("older modified -> skipped, stored status {:?}", current.status))
        }
        other => return Err(Error::Config(format!("expected a stale update, got {other:?}"))),
    }
    match orders.delete(&key("abc123")).if_lock_value("2024-01-01T00:00:00Z").await {
        Err(err @ Error::Conflict { .. }) => {
            let current: Option<ExampleModel> = err.current().transpose()?;
            step(
                "delete",
                format!("if modified = 2024-01-01 -> Conflict, stored modified {:?}", current.and_then(|c| c.modified)),
            );
        }
        other => return Err(Error::Config(format!("expected a conflict, got {other:?}"))),
    }

    // 7. Delete returns the old item.
    let old = orders.delete(&key("abc123")).await?;
    step("delete", format!("abc123 -> old status {:?}", old.map(|o| o.status)));

    // 8. Batches: 60 orders in chunks of 25 (prefix added to every key), then deleted by key. Batch
    //    events are off unless asked for.
    let batch: Vec<ExampleModel> = (0..60)
        .map(|i| ExampleModel::from_json(&json!({"record_id": format!("b-{i:02}"), "status": "open"})))
        .collect::<Result<_, _>>()?;
    let written = orders.batch_insert(&batch).concurrency(4).await?;
    step(
        "batch",
        format!("insert 60 -> {} written in {} calls, {} retried", written.written, written.calls, written.retried),
    );
    let keys: Vec<ExampleModelKey> = batch.iter().map(|order| key(&order.record_id)).collect();
    let fetched = orders.batch_get(&keys).await?;
    step("batch", format!("get 60 keys -> {} orders", fetched.len()));
    expect(fetched.len() == 60, "every batch item readable")?;
    let deleted = orders.batch_delete(&keys).await?;
    step("batch", format!("delete 60 -> {} deleted", deleted.written));

    // 9. A transaction: both writes or neither.
    let first = ExampleModel::from_json(&json!({"record_id": "t-1", "status": "open"}))?;
    let second = ExampleModel::from_json(&json!({"record_id": "o-2", "status": "closed"}))?;
    match orders.transact_write().insert(&orders, &first).insert(&orders, &second).await {
        Err(Error::TransactionCanceled { reasons }) => {
            let codes: Vec<&str> = reasons.iter().filter_map(|r| r.code.as_deref()).collect();
            step("transact", format!("insert t-1 + insert existing o-2 -> cancelled, reasons {codes:?}"));
        }
        other => return Err(Error::Config(format!("expected a cancelled transaction, got {other:?}"))),
    }
    expect(orders.get(&key("t-1")).await?.is_none(), "a cancelled transaction writes nothing")?;

    // 10. A subscriber's view of the events: read back from the queue subscribed to the topic, or
    //     recorded in process, and decoded into typed `Event<ExampleModel>`s. The first is also shown
    //     as SNS carries it (the body daplug-ddb subscribers read too).
    let delivered = events.drain().await.map_err(Error::Config)?;
    if let Some(first) = delivered.first() {
        step("event", format!("as sent: {}", first.body()));
    }
    let decoded: Vec<Event<ExampleModel>> = delivered
        .iter()
        .map(Delivered::decode)
        .collect::<Result<_, _>>()
        .map_err(|err| Error::Config(err.to_string()))?;
    for event in &decoded {
        step("event", describe_event(event));
    }
    let operations: Vec<String> =
        decoded.iter().map(|event| event.operation.map(|o| o.to_string()).unwrap_or_default()).collect();
    expect(
        operations == ["insert", "update", "update", "update", "update", "delete"],
        "one event per successful write",
    )?;
    let deleted = decoded.last().and_then(|event| event.payload.item()).map(|order| order.status.as_str());
    expect(deleted == Some("shipped"), "the delete event carries the old item")?;

    // 11. The table's stream, read as a downstream service would: one typed change per write,
    //     batches included (their events are off, their stream records are not). Batch items are
    //     counted rather than listed.
    let Some(streams) = streams else {
        step("change", "the table has no stream: skipped");
        return Ok(());
    };
    let changes = streams.changes(adapter).await.map_err(Error::Config)?;
    let (batch, single): (Vec<_>, Vec<_>) = changes.iter().partition(|c| c.key().record_id.starts_with("b-"));
    for change in &single {
        step("change", describe_change(change));
    }
    let batch_kinds: Vec<String> = batch.iter().map(|c| c.kind().to_string()).collect();
    let count = |kind: &str| batch_kinds.iter().filter(|k| k.as_str() == kind).count();
    step("change", format!("b-00..b-59: {} INSERT, {} REMOVE", count("INSERT"), count("REMOVE")));
    let of_abc: Vec<String> =
        single.iter().filter(|c| c.key().record_id == "abc123").map(|c| c.kind().to_string()).collect();
    // DynamoDB orders a stream's records per item (Developer Guide, "Change data capture for DynamoDB
    // Streams"), so one item's changes come in the order they were made.
    expect(
        of_abc == ["INSERT", "MODIFY", "MODIFY", "MODIFY", "MODIFY", "REMOVE"],
        "abc123: inserted, updated four times, deleted",
    )?;
    expect(count("INSERT") == 60 && count("REMOVE") == 60, "every batch write on the stream")?;
    Ok(())
}

/// One line for a typed event: operation, the order (or key) it carries, its other attributes.
fn describe_event(event: &Event<ExampleModel>) -> String {
    let operation = event.operation.map(|o| o.to_string()).unwrap_or_else(|| "?".into());
    let what = match &event.payload {
        Payload::Item(order) => format!("{} status {}", order.record_id, order.status),
        Payload::Key(key) => format!("key {}", key.record_id),
    };
    let attributes: Vec<String> =
        event.attributes.iter().map(|(name, value)| format!("{name}={}", value.as_str())).collect();
    format!("{operation:<9} {what} [{}]", attributes.join(", "))
}

/// One line for a typed change: kind, key, and the status before and after.
fn describe_change(change: &Change<ExampleModel>) -> String {
    let status = |image: Result<&ExampleModel, _>| image.map(|o| o.status.to_string()).unwrap_or_else(|_| "-".into());
    format!(
        "{:<9} {} status {} -> {}",
        change.kind().to_string(),
        change.key().record_id,
        status(change.old_image()),
        status(change.new_image())
    )
}
