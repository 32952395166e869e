//! The tour's second part: single-table design. An order, its line items and its shipments in one
//! table under one partition (`single-table.yml`): written through the family and through each
//! variant, read back by the family (every type, in key order), by each variant (only its own),
//! and grouped by variant from one query.

use daplug_runtime::aws::dynamodb::types::AttributeValue;
use daplug_runtime::{Adapter, Error};
use futures::TryStreamExt;

use crate::events::Events;
use crate::families::{LineItem, LineItemKey, Order, OrderPart, OrderPartKey, OrderPartParts, Shipment};

fn step(name: &str, text: impl std::fmt::Display) {
    println!("{name:<9} {text}");
}

/// Fails the tour when a step did not behave as documented.
fn expect(ok: bool, what: &str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::Config(format!("tour step did not behave as expected: {what}")))
    }
}

fn line(sk: &str, sku: &str, qty: i64) -> LineItem {
    LineItem {
        kind: "line".into(),
        order_id: "o-1".into(),
        sk: sk.into(),
        sku: sku.into(),
        qty,
        status: Some("open".into()),
        version: None,
    }
}

pub async fn run(adapter: &Adapter, events: &Events) -> Result<(), Error> {
    let parts = adapter.repository::<OrderPart>();
    let lines = adapter.repository::<LineItem>();

    // 11. One partition, three entity types: through the family, through a variant, and a
    //     transaction mixing variants. Each is stored under its own sort-key prefix.
    let order = Order {
        kind: "order".into(),
        order_id: "o-1".into(),
        sk: "o-1".into(),
        customer: "Ada".into(),
        status: "open".into(),
        version: None,
    };
    parts.insert(&OrderPart::Order(order)).await?;
    lines.insert(&line("1", "tea", 2)).await?;
    let shipment = Shipment {
        kind: "shipment".into(),
        order_id: "o-1".into(),
        sk: "1".into(),
        carrier: "post".into(),
        status: None,
        version: None,
    };
    adapter
        .transact_write()
        .insert(&parts, &OrderPart::LineItem(line("2", "cups", 6)))
        .insert(&parts, &OrderPart::Shipment(shipment))
        .send()
        .await?;
    let scan = adapter.client().scan().table_name(adapter.table()).send().await;
    let mut stored: Vec<String> = scan
        .map_err(|err| Error::Config(err.to_string()))?
        .items()
        .iter()
        .filter_map(|item| match (item.get("order_id"), item.get("sk")) {
            (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => Some(format!("{pk} {sk}")),
            _ => None,
        })
        .collect();
    stored.sort();
    step("family", format!("stored -> {}", stored.join(", ")));
    expect(stored.iter().any(|k| k == "ORDER#o-1 LINE#1"), "a line item under LINE#")?;

    // 12. The family reads the partition back in key order, each item as its variant; a variant's
    //     repository reads only its own (its plan shows how it is narrowed).
    let all: Vec<OrderPart> = parts.query().key_eq("order_id", "o-1").stream().try_collect().await?;
    let kinds: Vec<&str> = all
        .iter()
        .map(|part| match part {
            OrderPart::Order(_) => "Order",
            OrderPart::LineItem(_) => "LineItem",
            OrderPart::Shipment(_) => "Shipment",
        })
        .collect();
    step("family", format!("query -> {}", kinds.join(", ")));
    expect(kinds == ["LineItem", "LineItem", "Order", "Shipment"], "every type, in key order")?;
    let query = lines.query().key_eq("order_id", "o-1");
    let narrowed = query.plan()?.get_key_condition_expression().clone().unwrap_or_default();
    let own: Vec<LineItem> = query.stream().try_collect().await?;
    step("family", format!("line items -> {} (key condition {narrowed})", own.len()));
    expect(own.len() == 2, "a variant reads only its own items")?;
    let grouped: OrderPartParts = parts.query().key_eq("order_id", "o-1").group().await?;
    step(
        "family",
        format!(
            "grouped -> {} order, {} line items, {} shipment",
            grouped.order.len(),
            grouped.line_item.len(),
            grouped.shipment.len()
        ),
    );

    // 13. A get by the family's key enum; the events name the variant written.
    let key = OrderPartKey::from(LineItemKey { order_id: "o-1".into(), sk: "2".into() });
    let got = parts.get(&key).await?;
    expect(matches!(&got, Some(OrderPart::LineItem(l)) if l.sku == "cups"), "a get by a variant's key")?;
    let delivered = events.drain().await.map_err(Error::Config)?;
    // A subscriber decodes a family's events by variant: each event is one variant's, the others
    // refuse it as another schema.
    let schemas: Vec<&str> = delivered
        .iter()
        .map(|d| {
            let schema = d.decode::<Order>().ok().and_then(|e| e.schema);
            let schema = schema.or_else(|| d.decode::<LineItem>().ok().and_then(|e| e.schema));
            schema.or_else(|| d.decode::<Shipment>().ok().and_then(|e| e.schema)).unwrap_or("?")
        })
        .collect();
    step("event", format!("schemas -> {}", schemas.join(", ")));
    expect(schemas == ["Order", "LineItem", "LineItem", "Shipment"], "one event per write, named by its variant")?;
    Ok(())
}
