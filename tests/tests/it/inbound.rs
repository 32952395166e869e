//! Inbound JSON: `<Name>Key` and `<Name>Patch` read with serde (generated and derived models), a
//! patch's `null` removing the attribute through both update modes, and a key attribute in a patch
//! body refused.

use daplug_runtime::Decimal;

use crate::decimals::per_property::{Invoice, InvoiceKey, InvoicePatch};
use crate::harness::{raw_get, standard};
use crate::models::{DerivedOrderKey, DerivedOrderPatch};

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn generated_keys_read_from_json_as_the_derive_reads_them() {
    let key: InvoiceKey = serde_json::from_str(r#"{"pk": "inv", "sk": "1", "other": [1]}"#).unwrap();
    assert_eq!(key, InvoiceKey { pk: "inv".into(), sk: "1".into() }, "unknown fields skipped");
    let err = serde_json::from_str::<InvoiceKey>(r#"{"pk": "inv"}"#).unwrap_err().to_string();
    assert!(err.starts_with("missing field `sk`"), "{err}");
    let err = serde_json::from_str::<InvoiceKey>(r#"{"pk": "inv", "sk": 1}"#).unwrap_err().to_string();
    assert!(err.starts_with("invalid type: integer `1`, expected a string"), "{err}");
    let err = serde_json::from_str::<InvoiceKey>(r#"{"pk": "a", "pk": "b", "sk": "1"}"#).unwrap_err().to_string();
    assert!(err.starts_with("duplicate field `pk`"), "{err}");
    // What it reads is what it writes.
    let text = serde_json::to_string(&key).unwrap();
    assert_eq!(serde_json::from_str::<InvoiceKey>(&text).unwrap(), key);
    // A sequence of the fields in order, as the derive reads a struct.
    assert_eq!(serde_json::from_str::<InvoiceKey>(r#"["inv", "1"]"#).unwrap(), key);
}

#[test]
fn a_generated_patch_tells_absent_from_null() {
    let patch: InvoicePatch = serde_json::from_str(r#"{"note": null, "total": 12.50}"#).unwrap();
    assert_eq!(patch.note, Some(None), "null: remove the attribute");
    assert_eq!(patch.rate, None, "absent: leave it");
    assert_eq!(patch.total.as_ref().map(Decimal::as_str), Some("12.50"), "the decimal keeps its text");
    assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"total":12.50,"note":null}"#, "written back as read");
    let patch: InvoicePatch = serde_json::from_str(r#"{"note": "paid", "amounts": [1.10]}"#).unwrap();
    assert_eq!(patch.note, Some(Some("paid".into())));
    assert_eq!(patch.amounts, Some(Some(vec![d("1.10")])));
    assert_eq!(serde_json::from_str::<InvoicePatch>("{}").unwrap(), InvoicePatch::default());
    // A required field cannot be removed: its `null` is the type's error (here `Decimal`'s).
    let err = serde_json::from_str::<InvoicePatch>(r#"{"total": null}"#).unwrap_err().to_string();
    assert!(err.starts_with("`null` is not a decimal number"), "{err}");
    let err = serde_json::from_str::<InvoicePatch>(r#"{"note": 3}"#).unwrap_err().to_string();
    assert!(err.starts_with("invalid type: integer `3`, expected a string"), "{err}");
}

#[test]
fn a_key_attribute_in_a_patch_body_is_refused_with_its_name() {
    for body in [r#"{"note": "x", "sk": "2"}"#, r#"{"pk": null}"#, r#"{"pk": "inv"}"#] {
        let err = serde_json::from_str::<InvoicePatch>(body).unwrap_err().to_string();
        assert!(err.contains("is a key attribute, which a patch cannot change"), "{body}: {err}");
    }
    let err = serde_json::from_str::<InvoicePatch>(r#"{"sk": "2"}"#).unwrap_err().to_string();
    assert!(err.starts_with("`sk` is a key attribute"), "{err}");
    // Through a path-tracking reader the path names it too.
    let err = serde_path_to_error::deserialize::<_, InvoicePatch>(&mut serde_json::Deserializer::from_str(
        r#"{"note": "x", "pk": "other"}"#,
    ))
    .unwrap_err();
    assert_eq!(err.path().to_string(), "pk");
}

#[test]
fn derived_companions_read_from_json() {
    let key: DerivedOrderKey = serde_json::from_str(r#"{"pk": "a", "sk": "1"}"#).unwrap();
    assert_eq!(key, DerivedOrderKey { pk: "a".into(), sk: "1".into() });
    let err = serde_json::from_str::<DerivedOrderKey>(r#"{"sk": "1"}"#).unwrap_err().to_string();
    assert!(err.starts_with("missing field `pk`"), "{err}");
    let patch: DerivedOrderPatch = serde_json::from_str(r#"{"status": null, "count": 3}"#).unwrap();
    assert_eq!(patch.status, Some(None));
    assert_eq!(patch.count, Some(Some(3)));
    assert_eq!(patch.modified, None);
    let err = serde_json::from_str::<DerivedOrderPatch>(r#"{"count": 3, "pk": "b"}"#).unwrap_err().to_string();
    assert!(err.starts_with("`pk` is a key attribute"), "{err}");
}

/// A patch's `null` (`Some(None)`) clears the field: the model reads `None` afterwards in both update
/// modes. The read-merge-write update writes the merged model, which leaves a `None` out, so the
/// attribute is gone; an update in one request sets it to `NULL`, as daplug-ddb's update does (the
/// behaviour vectors pin that), which the model reads as `None`.
#[tokio::test]
async fn a_null_in_a_patch_body_clears_the_field() {
    let (builder, config, table) = standard().await;
    let invoices = builder.build().unwrap().repository::<Invoice>();
    for (sk, one_request) in [("1", false), ("2", true)] {
        let invoice = Invoice {
            pk: "inv".into(),
            sk: sk.into(),
            total: d("1.5"),
            amounts: None,
            rate: Some(0.5),
            note: Some("draft".into()),
        };
        invoices.insert(&invoice).await.unwrap();
        let patch: InvoicePatch = serde_json::from_str(r#"{"note": null, "rate": 0.25}"#).unwrap();
        let key = InvoiceKey { pk: "inv".into(), sk: sk.into() };
        let update = invoices.update(&key, &patch);
        let updated = if one_request { update.in_one_request().await } else { update.await }.unwrap();
        assert_eq!(updated.note, None, "one request: {one_request}");
        assert_eq!(updated.rate, Some(0.25));
        let raw = raw_get(&config, &table, "inv", sk).await.unwrap();
        if one_request {
            assert_eq!(raw.get("note"), Some(&aws_sdk_dynamodb::types::AttributeValue::Null(true)), "{raw:?}");
        } else {
            assert!(!raw.contains_key("note"), "{raw:?}");
        }
        assert!(raw.contains_key("rate"));
        assert_eq!(invoices.get(&key).await.unwrap().unwrap().note, None);
    }
}

#[test]
fn string_enums_parse_and_print_their_wire_text() {
    use crate::models::example::ExampleModelStatus;
    use std::str::FromStr;
    for status in [ExampleModelStatus::Open, ExampleModelStatus::Shipped, ExampleModelStatus::Closed] {
        let text = status.to_string();
        assert_eq!(text, status.as_str());
        assert_eq!(serde_json::to_value(status).unwrap(), serde_json::Value::String(text.clone()), "the wire text");
        assert_eq!(text.parse::<ExampleModelStatus>(), Ok(status));
    }
    assert_eq!(ExampleModelStatus::Shipped.as_str(), "shipped");
    assert_eq!(format!("[{:>8}]", ExampleModelStatus::Open), "[    open]", "padded as a str");
    let err = ExampleModelStatus::from_str("Open").unwrap_err();
    assert_eq!(err.to_string(), "unknown variant `Open`, expected one of `open`, `shipped`, `closed`");
    let serde_err = serde_json::from_str::<ExampleModelStatus>(r#""Open""#).unwrap_err().to_string();
    assert!(serde_err.starts_with(&err.to_string()), "one mistake, one message: {serde_err}");
}

mod bodies_model {
    daplug_runtime::schema!("fixtures/bodies.yml");
}

#[test]
fn models_read_from_json_text_with_the_path_at_fault() {
    use daplug_runtime::{Error, Model};
    let invoice =
        Invoice::from_json_str(r#"{"pk": "inv", "sk": "1", "total": 12.50, "amounts": [0.10, 1e2]}"#).unwrap();
    assert_eq!(invoice.total.as_str(), "12.50", "the text kept");
    let texts: Vec<&str> = invoice.amounts.as_ref().unwrap().iter().map(Decimal::as_str).collect();
    assert_eq!(texts, ["0.10", "1e2"]);
    assert_eq!(
        Invoice::from_json_slice(br#"{"pk": "inv", "sk": "1", "total": 12.50}"#).unwrap().total.as_str(),
        "12.50"
    );
    // `from_json(&Value)` cannot keep it: the `Value` holds an `f64`.
    let value: serde_json::Value = serde_json::from_str(r#"{"pk": "inv", "sk": "1", "total": 12.50}"#).unwrap();
    assert_eq!(Invoice::from_json(&value).unwrap().total.as_str(), "12.5");

    let path = |text: &[u8]| match Invoice::from_json_slice(text) {
        Err(Error::Validation { path, message, .. }) => (path, message),
        other => panic!("{other:?}"),
    };
    assert_eq!(path(br#"{"pk": "inv", "sk": "1", "total": 1, "amounts": [1, "x"]}"#).0, "amounts[1]");
    assert_eq!(path(br#"{"pk": "inv", "sk": "1", "total": 1e400}"#).0, "total", "beyond DynamoDB's range");
    assert_eq!(path(br#"{"pk": "inv", "sk": "1", "total": 1, "rate": 1e400}"#).0, "rate", "not a finite f64");
    let (at, message) = path(br#"{"pk": "inv", "sk": "1"}"#);
    assert_eq!((at.as_str(), message.starts_with("missing field `total`")), (".", true));
    let (at, message) = path(br#"{"pk": "inv", "sk": "1", "total": 1} trailing"#);
    assert_eq!(at, ".");
    assert!(message.starts_with("trailing characters"), "{message}");
    let (_, message) = path(b"{\"pk\": \"inv\", \"sk\": \xff}");
    assert!(message.contains("line 1"), "malformed: {message}");
}

/// `12.50` read from a request body is `12.50` in the item written and in the event published
/// (daplug-ddb publishes the caller's text too).
#[tokio::test]
async fn a_decimal_keeps_its_text_from_the_body_to_the_event() {
    use bodies_model::Parcel;
    use daplug_runtime::testing::RecordingSink;
    use daplug_runtime::Model;
    use std::sync::Arc;
    let (builder, _config, _table) = standard().await;
    let sink = Arc::new(RecordingSink::new());
    let parcels = builder.event_sink(sink.clone()).build().unwrap().repository::<Parcel>();
    let parcel = Parcel::from_json_str(r#"{"sk": "1", "pk": "a", "weight": 0.5, "price": 12.50}"#).unwrap();
    assert_eq!(parcel.to_item().unwrap()["price"], aws_sdk_dynamodb::types::AttributeValue::N("12.50".into()));
    parcels.insert(&parcel).await.unwrap();
    let events = sink.events();
    assert_eq!(events.len(), 1);
    assert!(events[0].body.contains(r#""price": 12.50"#), "{}", events[0].body);
}

/// The `sqs` feature re-exports the SDK a subscriber reads its queue with, beside SNS: the same
/// crate the tests use (one client type, not a second copy).
#[tokio::test]
async fn sqs_is_reexported_beside_sns() {
    let config = crate::harness::sdk_config().await;
    let client: aws_sdk_sqs::Client = daplug_runtime::aws::sqs::Client::new(&config);
    let _: daplug_runtime::aws::sns::Client = daplug_runtime::aws::sns::Client::new(&config);
    let queues = client.list_queues().send().await.unwrap();
    assert!(queues.queue_urls().iter().all(|url| url.starts_with("http")));
}
