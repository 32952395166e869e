//! The cursor codec: round trips, and every way a cursor is refused.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::*;
use crate::error::Error;

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
const OLD_KEY: &[u8] = b"fedcba9876543210fedcba9876543210";

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn n(v: &str) -> AttributeValue {
    AttributeValue::N(v.to_owned())
}

fn key(pairs: &[(&str, AttributeValue)]) -> Item {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn unsigned() -> CursorKeys {
    CursorKeys::default()
}

fn signed() -> CursorKeys {
    CursorKeys::new(Some(KEY), &[]).unwrap()
}

fn scope<'a>(keys: &'a CursorKeys, index: Option<&'a str>, context: Option<&'a [u8]>) -> Scope<'a> {
    Scope { table: "orders", index, context, keys }
}

fn table_keys() -> Expected<'static> {
    Expected { required: vec![("pk", Some(KeyType::S)), ("sk", Some(KeyType::N))], others: 0 }
}

fn sample() -> Item {
    key(&[("pk", s("tenant-a")), ("sk", n("42"))])
}

/// The bytes of a cursor (without checking it).
fn bytes(token: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(token).unwrap()
}

fn text(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn round_trips_unsigned_and_signed_with_every_key_type() {
    let item = key(&[("pk", s("a/b+c?")), ("sk", n("-1.5E+3")), ("gsi", AttributeValue::B(Blob::new(vec![0, 255])))]);
    let expected = Expected { required: vec![("pk", None), ("sk", None), ("gsi", Some(KeyType::B))], others: 0 };
    for keys in [unsigned(), signed()] {
        let scope = scope(&keys, Some("by-gsi"), None);
        let token = mint(&scope, &item).unwrap();
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
        assert_eq!(read(&scope, &expected, &token), Ok(item.clone()));
    }
}

#[test]
fn the_same_key_gives_the_same_token_whatever_the_map_order() {
    let keys = signed();
    let scope = scope(&keys, None, None);
    let a = mint(&scope, &sample()).unwrap();
    let b = mint(&scope, &key(&[("sk", n("42")), ("pk", s("tenant-a"))])).unwrap();
    assert_eq!(a, b);
}

#[test]
fn keys_that_cannot_start_a_read_are_not_minted() {
    let keys = unsigned();
    let scope = scope(&keys, None, None);
    let invalid = |item: Item| match mint(&scope, &item) {
        Err(Error::InvalidKey { attribute, .. }) => attribute,
        other => panic!("expected InvalidKey, got {other:?}"),
    };
    assert_eq!(invalid(key(&[("pk", AttributeValue::Bool(true))])), "pk");
    assert_eq!(invalid(key(&[("pk", s(&"x".repeat(70_000)))])), "pk");
    assert_eq!(invalid(key(&[(&"a".repeat(256), s("x"))])), "a".repeat(256));
    let five = key(&[("a", s("1")), ("b", s("1")), ("c", s("1")), ("d", s("1")), ("e", s("1"))]);
    assert_eq!(invalid(five), "e");
}

#[test]
fn malformed_tokens_are_refused_with_a_reason() {
    let keys = unsigned();
    let scope = scope(&keys, None, None);
    let good = bytes(&mint(&scope, &sample()).unwrap());
    let reason = |token: &str| match read(&scope, &table_keys(), token) {
        Err(CursorError::Malformed { reason }) => reason,
        other => panic!("expected Malformed for {token:?}, got {other:?}"),
    };
    assert_eq!(reason(""), "cut short");
    assert_eq!(reason("not base64!"), "not URL-safe base64");
    assert_eq!(reason(&format!("{}=", text(&good))), "not URL-safe base64", "no padding");
    assert_eq!(reason(&"A".repeat(MAX_TOKEN_LEN + 1)), "too long");
    let with = |change: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = good.clone();
        change(&mut bytes);
        reason(&text(&bytes))
    };
    assert_eq!(with(&|b| b[0] = 2), "unknown version");
    assert_eq!(with(&|b| b[1] = 4), "unknown flags");
    assert_eq!(with(&|b| b[10] = 0), "a start key holds one to four attributes");
    assert_eq!(with(&|b| b[10] = 5), "a start key holds one to four attributes");
    assert_eq!(with(&|b| b.truncate(b.len() - 1)), "cut short");
    assert_eq!(with(&|b| b.push(0)), "trailing bytes");
    assert_eq!(with(&|b| b[1] = 1), "cut short", "a signed flag without a tag");
    // The first attribute is `pk`: length 2 at 11, the name at 12..14, the type at 14.
    assert_eq!(with(&|b| b[14] = b'X'), "an unknown value type");
    assert_eq!(with(&|b| b[11] = 0), "an attribute name is empty or not UTF-8");
    assert_eq!(with(&|b| b[12] = 0xff), "an attribute name is empty or not UTF-8");
    assert_eq!(with(&|b| b[12] = b's'), "attributes repeated or out of order", "`sk` twice");
    // `pk`'s value, `tenant-a`: length at 15..17, text from 17.
    assert_eq!(with(&|b| b[17] = 0xff), "a string value is not UTF-8");
    let one = |kind: u8, value: &[u8]| {
        let mut bytes = good[..10].to_vec();
        bytes.extend([1, 2, b'p', b'k', kind, 0, value.len() as u8]);
        bytes.extend(value);
        reason(&text(&bytes))
    };
    assert_eq!(one(b'S', b""), "an empty key value");
    assert_eq!(one(b'N', b"1e999"), "a number key value is not a DynamoDB number");
    assert_eq!(one(b'N', b"twelve"), "a number key value is not a DynamoDB number");
}

#[test]
fn tokens_of_another_table_or_index_are_refused() {
    for keys in [unsigned(), signed()] {
        let on = |table, index| Scope { table, index, context: None, keys: &keys };
        let token = mint(&on("orders", None), &sample()).unwrap();
        assert_eq!(read(&on("invoices", None), &table_keys(), &token), Err(CursorError::WrongTable));
        assert_eq!(read(&on("orders", Some("by-status")), &table_keys(), &token), Err(CursorError::WrongIndex));
        let token = mint(&on("orders", Some("by-status")), &sample()).unwrap();
        assert_eq!(read(&on("orders", Some("by-date")), &table_keys(), &token), Err(CursorError::WrongIndex));
        assert_eq!(read(&on("orders", None), &table_keys(), &token), Err(CursorError::WrongIndex));
        assert_eq!(read(&on("orders", Some("")), &table_keys(), &token), Err(CursorError::WrongIndex));
    }
}

#[test]
fn signed_repositories_refuse_unsigned_altered_and_forged_tokens() {
    let keys = signed();
    let scope = scope(&keys, None, None);
    let unsigned_keys = unsigned();
    let unsigned_token = mint(&Scope { keys: &unsigned_keys, ..scope }, &sample()).unwrap();
    assert_eq!(read(&scope, &table_keys(), &unsigned_token), Err(CursorError::Unsigned));
    // Another tenant's partition key, written in place of the signed one (same length).
    let token = mint(&scope, &sample()).unwrap();
    let forged: Vec<u8> = bytes(&token).windows(8).position(|w| w == b"tenant-a").map_or_else(Vec::new, |at| {
        let mut bytes = bytes(&token);
        bytes[at + 7] = b'b';
        bytes
    });
    assert!(!forged.is_empty());
    assert_eq!(read(&scope, &table_keys(), &text(&forged)), Err(CursorError::BadSignature));
    // A tag flipped, and a token signed with a key the repository does not know.
    let mut flipped = bytes(&token);
    *flipped.last_mut().unwrap() ^= 1;
    assert_eq!(read(&scope, &table_keys(), &text(&flipped)), Err(CursorError::BadSignature));
    let other = CursorKeys::new(Some(OLD_KEY), &[]).unwrap();
    let foreign = mint(&Scope { keys: &other, ..scope }, &sample()).unwrap();
    assert_eq!(read(&scope, &table_keys(), &foreign), Err(CursorError::BadSignature));
    // A repository without keys reads a signed token for its shape.
    assert_eq!(read(&Scope { keys: &unsigned_keys, ..scope }, &table_keys(), &token), Ok(sample()));
}

#[test]
fn a_token_of_another_context_does_not_verify() {
    let keys = signed();
    let tenant_a = scope(&keys, None, Some(b"tenant-a"));
    let token = mint(&tenant_a, &sample()).unwrap();
    assert_eq!(read(&tenant_a, &table_keys(), &token), Ok(sample()));
    for other in [scope(&keys, None, Some(b"tenant-b")), scope(&keys, None, None), scope(&keys, None, Some(b""))] {
        assert_eq!(read(&other, &table_keys(), &token), Err(CursorError::BadSignature), "{:?}", other.context);
    }
}

#[test]
fn the_tag_separates_table_index_and_context() {
    // `table = "ab", index = "c"` and `table = "a", index = "bc"` (and the same with the context) are
    // different scopes even though their names run together the same way.
    let keys = signed();
    let mut lengths = [[0; 8]; 3];
    let a = Scope { table: "ab", index: Some("c"), context: None, keys: &keys };
    let b = Scope { table: "a", index: Some("bc"), context: None, keys: &keys };
    let c = Scope { table: "a", index: None, context: Some(b"bc"), keys: &keys };
    let tags: Vec<_> =
        [a, b, c].iter().map(|scope| keys.sign(&scope.message(&mut lengths, b"body")).unwrap()).collect();
    assert_ne!(tags[0], tags[1]);
    assert_ne!(tags[1], tags[2]);
}

#[test]
fn rotation_accepts_retired_keys_and_signs_with_the_new_one() {
    let old = CursorKeys::new(Some(OLD_KEY), &[]).unwrap();
    let rotated = CursorKeys::new(Some(KEY), &[OLD_KEY.to_vec()]).unwrap();
    let old_token = mint(&scope(&old, None, None), &sample()).unwrap();
    assert_eq!(read(&scope(&rotated, None, None), &table_keys(), &old_token), Ok(sample()));
    let new_token = mint(&scope(&rotated, None, None), &sample()).unwrap();
    assert_eq!(read(&scope(&signed(), None, None), &table_keys(), &new_token), Ok(sample()));
    assert_eq!(read(&scope(&signed(), None, None), &table_keys(), &old_token), Err(CursorError::BadSignature));
}

#[test]
fn short_keys_and_accepted_keys_without_a_signing_key_are_configuration_errors() {
    assert!(matches!(CursorKeys::new(Some(b"short"), &[]), Err(Error::Config(m)) if m.contains("at least 32 bytes")));
    assert!(matches!(CursorKeys::new(Some(KEY), &[b"short".to_vec()]), Err(Error::Config(_))));
    assert!(matches!(CursorKeys::new(None, &[KEY.to_vec()]), Err(Error::Config(m)) if m.contains("cursor_key")));
    assert!(!format!("{:?}", signed()).contains("0123"), "keys never show");
}

#[test]
fn the_attributes_must_be_exactly_the_expected_ones() {
    let keys = unsigned();
    let scope = scope(&keys, None, None);
    let read_key = |item: Item, expected: &Expected<'_>| read(&scope, expected, &mint(&scope, &item).unwrap());
    let missing = read_key(key(&[("pk", s("a"))]), &table_keys());
    assert_eq!(missing, Err(CursorError::MissingKeyAttribute { attribute: "sk".into() }));
    let extra = read_key(key(&[("pk", s("a")), ("sk", n("1")), ("status", s("x"))]), &table_keys());
    assert_eq!(extra, Err(CursorError::UnexpectedAttribute { attribute: "status".into() }));
    let typed = read_key(key(&[("pk", s("a")), ("sk", s("1"))]), &table_keys());
    assert_eq!(typed, Err(CursorError::WrongKeyType { attribute: "sk".into(), expected: "N" }));
    // An index the model does not declare: the table's keys and at most two more.
    let open = Expected { required: vec![("pk", None), ("sk", None)], others: 2 };
    let two = key(&[("pk", s("a")), ("sk", n("1")), ("g1", s("x")), ("g2", s("y"))]);
    assert_eq!(read_key(two.clone(), &open), Ok(two));
    let three = key(&[("pk", s("a")), ("sk", n("1")), ("g1", s("x")), ("g3", s("y"))]);
    let open_one = Expected { others: 1, ..open };
    assert_eq!(read_key(three, &open_one), Err(CursorError::UnexpectedAttribute { attribute: "g3".into() }));
}
