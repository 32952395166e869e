//! What the spec forbids is refused (`fixtures/constraints.yml`): every validation keyword, with
//! values just inside and just outside each bound, on JSON read (`from_json`, `serde_json`), on
//! items read from the table (not checked: data written before a constraint stays readable), and
//! on writes (refused before anything is sent); updates in both modes.

use daplug_runtime::{Error, Model};
use serde_json::{json, Value};

use crate::harness::{raw_get, standard};

mod spec {
    daplug_runtime::schema!("fixtures/constraints.yml");
}

use spec::*;

fn booking(changes: Value) -> Value {
    let mut booking = json!({"pk": "p", "sk": "s", "seats": 2});
    if let (Value::Object(booking), Value::Object(changes)) = (&mut booking, changes) {
        booking.extend(changes);
    }
    booking
}

/// `field` set to each of `good` is read; set to each of `bad` is refused at the path (the field,
/// or `path` inside it) with the message given.
fn check(field: &str, good: &[Value], bad: &[(Value, &str, &str)]) {
    for value in good {
        let json = booking(json!({ field: value }));
        if let Err(err) = Booking::from_json(&json) {
            panic!("{field} = {value} should be read: {err}");
        }
    }
    for (value, path, message) in bad {
        let json = booking(json!({ field: value }));
        match Booking::from_json(&json) {
            Err(Error::Validation { path: at, message: text, .. }) => {
                assert_eq!((at.as_str(), text.as_str()), (*path, *message), "{field} = {value}");
            }
            other => panic!("{field} = {value} should be refused, got {other:?}"),
        }
        // serde_json reads the same way (without the tracker, the message alone).
        let err = serde_json::from_value::<Booking>(json).unwrap_err().to_string();
        assert!(err.starts_with(message), "{field} = {value}: {err}");
    }
}

#[test]
fn numbers_keep_within_their_bounds() {
    check(
        "seats",
        &[json!(1), json!(10)],
        &[
            (json!(0), "seats", "0 is less than the minimum 1"),
            (json!(11), "seats", "11 is greater than the maximum 10"),
        ],
    );
    check(
        "ratio",
        &[json!(0.000001), json!(0.999999)],
        &[
            (json!(0), "ratio", "0 is not greater than the exclusive minimum 0"),
            (json!(1), "ratio", "1 is not less than the exclusive maximum 1"),
        ],
    );
    check(
        "discount",
        &[json!(0.01), json!(50)],
        &[
            (json!(0), "discount", "0 is not greater than the exclusive minimum 0"),
            (json!(50.5), "discount", "50.5 is greater than the maximum 50"),
        ],
    );
    // An `f32` is compared as the number it stores.
    check("weight", &[json!(1.5)], &[(json!(1.6), "weight", "1.6 is greater than the maximum 1.5")]);
    check("row", &[json!(1), json!(40)], &[(json!(41), "row", "41 is greater than the maximum 40")]);
}

#[test]
fn decimals_are_compared_exactly() {
    check(
        "price",
        &[json!(12.5), json!(0)],
        &[
            (json!(12.505), "price", "12.505 is not a multiple of 0.01"),
            (json!(-0.01), "price", "-0.01 is less than the minimum 0"),
        ],
    );
    // From JSON text the decimal keeps its text, and is checked on it.
    let text = r#"{"pk": "p", "sk": "s", "seats": 2, "price": 12.50}"#;
    let read: Booking = serde_json::from_str(text).unwrap();
    assert_eq!(read.price.map(|p| p.to_string()), Some("12.50".to_owned()));
    let err = serde_json::from_str::<Booking>(&text.replace("12.50", "0.001")).unwrap_err();
    assert!(err.to_string().starts_with("0.001 is not a multiple of 0.01"), "{err}");
}

#[test]
fn strings_keep_their_length_pattern_and_format() {
    check(
        "code",
        &[json!("ab"), json!("äöüß")],
        &[
            (json!("a"), "code", "\"a\" has 1 characters, fewer than the minimum length 2"),
            (json!("abcde"), "code", "\"abcde\" has 5 characters, more than the maximum length 4"),
        ],
    );
    check(
        "slug",
        &[json!("a-b"), json!("abc")],
        &[(json!("a--b"), "slug", "\"a--b\" does not match the pattern `^[a-z]+(-[a-z]+)*$`")],
    );
    for (field, good, bad) in [
        ("id", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456"),
        ("starts", "2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z"),
        ("day", "2024-12-31", "2024-12-32"),
        ("at", "10:00:00+01:00", "10:00"),
        ("email", "a@example.com", "a@@example.com"),
        ("site", "https://example.com/x", "example.com/x"),
        ("host4", "192.0.2.1", "192.0.2.256"),
        ("host6", "2001:db8::1", "2001:db8::g"),
    ] {
        let format = Booking::from_json(&booking(json!({ field: bad }))).unwrap_err().to_string();
        check(field, &[json!(good)], &[]);
        assert!(format.contains(&format!("\"{bad}\" is not a valid ")), "{field}: {format}");
    }
}

#[test]
fn lists_and_maps_keep_their_sizes_and_their_elements_rules() {
    check(
        "tags",
        &[json!(["a"]), json!(["a", "b", "c"])],
        &[
            (json!([]), "tags", "0 items, fewer than the minimum 1"),
            (json!(["a", "b", "c", "d"]), "tags", "4 items, more than the maximum 3"),
            (json!(["a", "b", "a"]), "tags", "items 0 and 2 are equal, and the items must be unique"),
            (json!(["a", "toolong"]), "tags[1]", "\"toolong\" has 7 characters, more than the maximum length 5"),
        ],
    );
    check(
        "labels",
        &[json!({"a": 0}), json!({"a": 1, "b": 2})],
        &[
            (json!({}), "labels", "0 properties, fewer than the minimum 1"),
            (json!({"a": 1, "b": 2, "c": 3}), "labels", "3 properties, more than the maximum 2"),
            (json!({"a": -1}), "labels.a", "-1 is less than the minimum 0"),
        ],
    );
    check(
        "guests",
        &[json!([{"name": "Ann"}])],
        &[(
            json!([{"name": "Ann"}, {"name": ""}]),
            "guests[1].name",
            "\"\" has 0 characters, fewer than the minimum length 1",
        )],
    );
}

fn valid() -> Booking {
    Booking::from_json(&booking(json!({"tags": ["a"], "guests": [{"name": "Ann"}]}))).unwrap()
}

#[test]
fn writes_refuse_what_the_spec_forbids_with_its_path() {
    let cases: [(Booking, &str, &str); 3] = [
        (Booking { seats: 0, ..valid() }, "seats", "0 is less than the minimum 1"),
        (
            Booking { tags: Some(vec!["a".into(), "toolong".into()]), ..valid() },
            "tags[1]",
            "\"toolong\" has 7 characters, more than the maximum length 5",
        ),
        (
            Booking { guests: Some(vec![Guest { name: String::new(), age: Some(-1) }]), ..valid() },
            "guests[0].name",
            "\"\" has 0 characters, fewer than the minimum length 1",
        ),
    ];
    for (model, path, message) in cases {
        match model.to_item() {
            Err(Error::Validation { path: at, message: text, .. }) => {
                assert_eq!((at.as_str(), text.as_str()), (path, message))
            }
            other => panic!("expected {path} refused, got {other:?}"),
        }
    }
    assert!(valid().to_item().is_ok());
    // A type without constraints has nothing to check.
    assert!(Plain { note: Some(String::new()) }.validate().is_ok());
}

#[tokio::test]
async fn the_table_refuses_nothing_it_holds_and_writes_refuse_before_sending() {
    let (builder, config, table) = standard().await;
    let bookings = builder.build().unwrap().repository::<Booking>();
    // A write that breaks a constraint sends nothing.
    let bad = Booking { sk: "bad".into(), seats: 0, ..valid() };
    assert!(matches!(bookings.insert(&bad).await, Err(Error::Validation { ref path, .. }) if path == "seats"));
    assert!(raw_get(&config, &table, "p", "bad").await.is_none());
    // An item written before the constraint existed (here: by another writer) is still read.
    let client = aws_sdk_dynamodb::Client::new(&config);
    let mut item = valid().to_item().unwrap();
    item.insert("sk".into(), aws_sdk_dynamodb::types::AttributeValue::S("old".into()));
    item.insert("seats".into(), aws_sdk_dynamodb::types::AttributeValue::N("0".into()));
    client.put_item().table_name(&table).set_item(Some(item)).send().await.unwrap();
    let key = BookingKey { pk: "p".into(), sk: "old".into() };
    let old = bookings.get(&key).await.unwrap().unwrap();
    assert_eq!(old.seats, 0);
    // Updating it: the merged model is checked, so the update must mend what it breaks.
    let patch = BookingPatch { code: Some(Some("ok".into())), ..Default::default() };
    assert!(matches!(bookings.update(&key, &patch).await, Err(Error::Validation { ref path, .. }) if path == "seats"));
    let mend = BookingPatch { seats: Some(3), ..Default::default() };
    bookings.update(&key, &mend).await.unwrap();
    // In one request the patch's values are checked before it is sent.
    let too_many = BookingPatch { seats: Some(11), ..Default::default() };
    match bookings.update(&key, &too_many).in_one_request().await {
        Err(Error::Validation { path, message, .. }) => {
            assert_eq!((path.as_str(), message.as_str()), ("seats", "11 is greater than the maximum 10"));
        }
        other => panic!("expected the patch refused, got {other:?}"),
    }
    assert_eq!(bookings.get(&key).await.unwrap().unwrap().seats, 3);
}
