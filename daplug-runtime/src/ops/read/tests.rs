//! Unit tests of the query and scan plans (no emulator).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::ops::test_support::{adapter, Thing};
use crate::{Adapter, Condition, Error, Item};

#[test]
fn a_query_plans_key_condition_and_filter_through_one_placeholder_table() {
    let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
    let start: Item = [("pk".to_owned(), AttributeValue::S("a".into()))].into_iter().collect();
    let input = repo
        .query()
        .key_eq("pk", "a")
        .filter(Condition::gt("n", 3))
        .index("by-n")
        .limit(10)
        .descending(true)
        .exclusive_start_key(start)
        .plan()
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(input.key_condition_expression(), Some("#n0 = :v0"));
    assert_eq!(input.filter_expression(), Some("#n1 > :v1"));
    let values = input.expression_attribute_values().unwrap();
    assert_eq!(values[":v0"], AttributeValue::S("t#a".into()), "key values are prefixed");
    assert_eq!(values[":v1"], AttributeValue::N("3".into()));
    assert_eq!(input.index_name(), Some("by-n"));
    assert_eq!((input.limit(), input.scan_index_forward()), (Some(10), Some(false)));
    assert_eq!(input.exclusive_start_key().unwrap()["pk"], AttributeValue::S("t#a".into()));
}

#[test]
fn a_query_without_key_condition_fails_at_plan() {
    let repo = adapter(|b| b).repository::<Thing>();
    assert!(matches!(repo.query().plan(), Err(Error::Config(_))));
}

#[test]
fn a_scan_plans_filter_and_segment() {
    let repo = adapter(|b| b).repository::<Thing>();
    let input = repo.scan().filter(Condition::exists("n")).segment(1, 4).plan().unwrap().build().unwrap();
    assert_eq!(input.filter_expression(), Some("attribute_exists(#n0)"));
    assert!(input.expression_attribute_values().is_none());
    assert_eq!((input.segment(), input.total_segments()), (Some(1), Some(4)));
}

/// A model on `pk` / `sk` with a `by-status` index keyed on `status` and `at`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Indexed {
    pk: String,
    sk: String,
}

impl crate::Model for Indexed {
    type Key = serde_json::Value;
    type Patch = serde_json::Value;
    const META: crate::ModelMeta = crate::ModelMeta {
        indexes: &[crate::IndexMeta {
            name: "by-status",
            hash_key: crate::KeyAttribute { name: "status", key_type: crate::KeyType::S },
            range_key: Some(crate::KeyAttribute { name: "at", key_type: crate::KeyType::S }),
        }],
        ..crate::ModelMeta::named("Indexed")
    };
}

fn key_in_filter(result: crate::Result<impl Sized>) -> (String, Option<String>) {
    match result {
        Err(Error::KeyInFilter { attribute, index }) => (attribute, index),
        Err(other) => panic!("expected KeyInFilter, got {other}"),
        Ok(_) => panic!("expected KeyInFilter, the request was planned"),
    }
}

#[test]
fn a_query_filter_naming_a_table_key_is_refused_before_sending() {
    let repo = adapter(|b| b.range_key("sk")).repository::<Indexed>();
    let query = || repo.query().key_eq("pk", "a");
    let refused = key_in_filter(query().filter(Condition::eq("n", 1) & Condition::exists("sk")).plan());
    assert_eq!(refused, ("sk".to_owned(), None));
    let nested = key_in_filter(query().filter(Condition::exists(crate::AttrPath::new("pk").field("x"))).plan());
    assert_eq!(nested, ("pk".to_owned(), None), "a path into a key attribute names it too");
    let err = query().filter(!Condition::exists("pk")).plan().unwrap_err();
    assert_eq!(
        err.to_string(),
        "a query filter cannot name `pk`, a key attribute of the table; put it in the key condition"
    );
    assert!(!err.maybe_written());
    assert!(query().filter(Condition::eq("n", 1)).plan().is_ok(), "other attributes filter as before");
}

#[test]
fn a_query_on_an_index_refuses_the_index_keys_only() {
    let repo = adapter(|b| b.range_key("sk")).repository::<Indexed>();
    let query = || repo.query().index("by-status").key_eq("status", "open");
    let refused = key_in_filter(query().filter(Condition::begins_with("at", "2024")).plan());
    assert_eq!(refused, ("at".to_owned(), Some("by-status".to_owned())));
    assert!(key_in_filter(query().filter(Condition::exists("status")).plan()).0 == "status");
    // The table's keys are ordinary attributes of an index's items.
    assert!(query().filter(Condition::eq("pk", "a") & Condition::exists("sk")).plan().is_ok());
    // An index the model does not declare: its keys are unknown, DynamoDB judges the filter.
    assert!(repo.query().index("other").key_eq("x", "1").filter(Condition::exists("x")).plan().is_ok());
}

#[test]
fn a_scan_may_filter_on_key_attributes() {
    let repo = adapter(|b| b.range_key("sk")).repository::<Indexed>();
    assert!(repo.scan().filter(Condition::eq("pk", "a") & Condition::exists("sk")).plan().is_ok());
    assert!(repo.scan().index("by-status").filter(Condition::eq("status", "open")).plan().is_ok());
}

/// A cursor for `repo`'s table (or `index`) holding `key`, as a page of that read would carry it.
fn cursor_of<M>(
    repo: &crate::Repository<M>,
    index: Option<&str>,
    context: Option<&[u8]>,
    key: &[(&str, &str)],
) -> String {
    let inner = &repo.adapter().inner;
    let scope = crate::cursor::Scope { table: &inner.table, index, context, keys: &inner.cursor_keys };
    let key: Item = key.iter().map(|(k, v)| ((*k).to_owned(), AttributeValue::S((*v).to_owned()))).collect();
    crate::cursor::mint(&scope, &key).unwrap()
}

const CURSOR_KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

#[test]
fn a_cursor_plans_as_the_prefixed_start_key() {
    let repo = adapter(|b| b.range_key("sk").hash_prefix("t#").cursor_key(CURSOR_KEY)).repository::<Indexed>();
    let cursor = cursor_of(&repo, None, Some(b"a"), &[("pk", "a"), ("sk", "1")]);
    let input = repo.query().key_eq("pk", "a").cursor_context("a").start_from_cursor(&cursor).plan().unwrap();
    let start = input.build().unwrap().exclusive_start_key.unwrap();
    assert_eq!(start["pk"], AttributeValue::S("t#a".into()), "the token holds `a`, the request `t#a`");
    assert_eq!(start["sk"], AttributeValue::S("1".into()));
    // On a declared index, the table's keys and the index's.
    let keys = [("at", "2024"), ("pk", "a"), ("sk", "1"), ("status", "open")];
    let cursor = cursor_of(&repo, Some("by-status"), None, &keys);
    let query = repo.query().index("by-status").key_eq("status", "open").start_from_cursor(&cursor);
    assert_eq!(query.plan().unwrap().build().unwrap().exclusive_start_key.unwrap().len(), 4);
    let short = cursor_of(&repo, Some("by-status"), None, &keys[1..]);
    let refused = repo.query().index("by-status").key_eq("status", "open").start_from_cursor(short).plan();
    assert!(
        matches!(&refused, Err(Error::Cursor(crate::cursor::CursorError::MissingKeyAttribute { attribute })) if attribute == "at"),
        "{refused:?}"
    );
}

#[test]
fn a_query_cursor_outside_the_named_partition_is_refused() {
    let repo = adapter(|b| b.range_key("sk").hash_prefix("t#")).repository::<Indexed>();
    let other_tenant = cursor_of(&repo, None, None, &[("pk", "b"), ("sk", "1")]);
    let refused = repo.query().key_eq("pk", "a").start_from_cursor(&other_tenant).plan();
    assert!(
        matches!(&refused, Err(Error::Cursor(crate::cursor::CursorError::OutsidePartition { attribute })) if attribute == "pk"),
        "{refused:?}"
    );
    // The partition compared as stored: `t#a` given with its prefix is the same partition.
    let own = cursor_of(&repo, None, None, &[("pk", "a"), ("sk", "1")]);
    assert!(repo.query().key_eq("pk", "t#a").start_from_cursor(&own).plan().is_ok());
    // A scan names no partition.
    assert!(repo.scan().start_from_cursor(&other_tenant).plan().is_ok());
    // The index's partition on an index.
    let keys = [("at", "1"), ("pk", "a"), ("sk", "1"), ("status", "closed")];
    let closed = cursor_of(&repo, Some("by-status"), None, &keys);
    let refused = repo.query().index("by-status").key_eq("status", "open").start_from_cursor(closed).plan();
    assert!(matches!(refused, Err(Error::Cursor(crate::cursor::CursorError::OutsidePartition { .. }))));
}

#[test]
fn a_cursor_context_needs_a_cursor_key() {
    let repo = adapter(|b| b).repository::<Thing>();
    let refused = repo.query().key_eq("pk", "a").cursor_context("tenant").plan();
    assert!(matches!(&refused, Err(Error::Config(m)) if m.contains("cursor_key")), "{refused:?}");
    let built = Adapter::builder().table("t").hash_key("pk").cursor_key("too short").build();
    assert!(matches!(built, Err(Error::Config(m)) if m.contains("at least 32 bytes")));
}
