//! Exact decimals (`format: decimal`) through DynamoDB, JSON and event bodies: the value written is
//! the value stored and read, and the text written is the text published and printed.

use aws_sdk_dynamodb::types::AttributeValue;
use daplug_runtime::{Decimal, Item, Model};

use crate::harness::{backend, raw_get, standard, Topic};

pub(crate) mod per_property {
    daplug_runtime::schema!("fixtures/decimals.yml");
}

mod spec_wide {
    daplug_runtime::schema!("fixtures/decimals-spec-wide.yml");
}

use per_property::{Invoice, InvoiceKey, InvoicePatch};

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// 38 significant digits, trailing zeros, a negative exponent, a negative number.
const TEXTS: [&str; 4] = ["12.50", "12345678901234567890.123456789012345678", "1.5e-7", "-0.000100"];

fn invoice(sk: &str) -> Invoice {
    Invoice {
        pk: "inv".into(),
        sk: sk.into(),
        total: d(TEXTS[0]),
        amounts: Some(TEXTS.iter().map(|t| d(t)).collect()),
        rate: Some(0.1),
        note: None,
    }
}

#[tokio::test]
async fn decimals_round_trip_exactly_through_the_table_and_events() {
    let (builder, config, table) = standard().await;
    let topic = Topic::create(&config).await;
    let invoices = builder.sns_topic(&topic.arn).build().unwrap().repository::<Invoice>();
    let written = invoice("1");
    invoices.insert(&written).await.unwrap();

    // DynamoDB stores a number's value, trimming leading and trailing zeros (Developer Guide,
    // "Supported data types", Number: "Leading and trailing zeroes are trimmed"): `12.50` is stored
    // as `12.5`. moto keeps the text as written (`Backend::keeps_number_text`). The value is exact
    // either way.
    let trimmed =
        |text: &'static str, dynamodb: &'static str| if backend().keeps_number_text() { text } else { dynamodb };
    let raw = raw_get(&config, &table, "inv", "1").await.unwrap();
    assert_eq!(raw["total"], AttributeValue::N(trimmed("12.50", "12.5").into()));
    let stored: Vec<String> = raw["amounts"].as_l().unwrap().iter().map(|v| v.as_n().unwrap().clone()).collect();
    assert_eq!(stored.iter().map(|t| d(t)).collect::<Vec<_>>(), written.amounts.clone().unwrap(), "every value exact");
    assert_eq!(stored[0], trimmed("12.50", "12.5"));
    assert_eq!(stored[1], TEXTS[1], "38 significant digits kept");
    assert_eq!(stored[3], trimmed("-0.000100", "-0.0001"));

    // Read back as stored: the same values, with the stored text.
    let read = invoices.get(&InvoiceKey { pk: "inv".into(), sk: "1".into() }).await.unwrap().unwrap();
    assert_eq!(read, written, "decimals compare by value");
    let texts: Vec<&str> = read.amounts.as_ref().unwrap().iter().map(Decimal::as_str).collect();
    assert_eq!(texts, stored, "read back with the stored text");
    assert_eq!(read.total.to_string(), trimmed("12.50", "12.5"));

    // An update that does not touch the decimals writes them back unchanged (the merge works on
    // attribute values); one that sets a decimal writes its text.
    let patch = InvoicePatch { note: Some(Some("paid".into())), ..Default::default() };
    invoices.update(&InvoiceKey { pk: "inv".into(), sk: "1".into() }, &patch).await.unwrap();
    let raw = raw_get(&config, &table, "inv", "1").await.unwrap();
    assert_eq!(raw["total"], AttributeValue::N(trimmed("12.50", "12.5").into()));
    assert_eq!(raw["amounts"].as_l().unwrap()[1], AttributeValue::N(TEXTS[1].into()));
    let patch = InvoicePatch { total: Some(d("99.990")), ..Default::default() };
    let updated = invoices.update(&InvoiceKey { pk: "inv".into(), sk: "1".into() }, &patch).await.unwrap();
    assert_eq!(updated.total.as_str(), "99.990", "the written model keeps the text it was given");
    let raw = raw_get(&config, &table, "inv", "1").await.unwrap();
    assert_eq!(raw["total"], AttributeValue::N(trimmed("99.990", "99.99").into()));

    // Event bodies print the numbers as written, as daplug-ddb prints its Decimals: an event is
    // built from the item daplug wrote, not from what the table made of it.
    let got = topic.drain().await;
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].message.contains(r#""total": 12.50"#), "{}", got[0].message);
    assert!(
        got[0].message.contains(r#""amounts": [12.50, 12345678901234567890.123456789012345678, 1.5e-7, -0.000100]"#),
        "{}",
        got[0].message
    );
    assert!(got[2].message.contains(r#""total": 99.990"#), "{}", got[2].message);
}

#[test]
fn decimals_are_json_numbers_kept_as_written() {
    let text = r#"{"pk":"inv","sk":"1","total":12.50,"amounts":[12345678901234567890.123456789012345678,1.5e-7]}"#;
    let parsed: Invoice = serde_json::from_str(text).unwrap();
    assert_eq!(parsed.total.as_str(), "12.50");
    assert_eq!(parsed.amounts.as_ref().unwrap()[0].as_str(), "12345678901234567890.123456789012345678");
    assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
    let err = serde_json::from_str::<Invoice>(r#"{"pk":"inv","sk":"1","total":"12.50"}"#).unwrap_err();
    assert!(err.to_string().contains("found the string"), "{err}");
    // A decimal that DynamoDB could not store is refused while reading, not when writing.
    assert!(serde_json::from_str::<Invoice>(r#"{"pk":"a","sk":"1","total":1e200}"#).is_err());
}

#[test]
fn generated_models_with_decimals_convert_into_items() {
    let item: Item = invoice("1").into();
    assert_eq!(item["total"], AttributeValue::N("12.50".into()));
    assert_eq!(Invoice::from_item(item).unwrap(), invoice("1"));
    let ledger = spec_wide::Ledger { pk: "l".into(), sk: "1".into(), balance: Some(d("1e-130")), ratio: Some(0.5) };
    let item: Item = ledger.clone().into();
    assert_eq!(item["balance"], AttributeValue::N("1e-130".into()));
    assert_eq!(item["ratio"], AttributeValue::N("0.5".into()), "format: double stays f64");
    assert_eq!(spec_wide::Ledger::from_item(item).unwrap(), ledger);
}
