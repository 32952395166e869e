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
