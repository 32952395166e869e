//! Unit tests of the query and scan plans (no emulator).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::ops::test_support::{adapter, Thing};
use crate::{Condition, Error, Item};

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
