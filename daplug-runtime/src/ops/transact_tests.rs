//! Unit tests of the transaction's plan and of how a cancellation is reported (no emulator).

use aws_sdk_dynamodb::types::error::TransactionCanceledException;
use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason as SdkReason};

use super::*;
use crate::ops::test_support::{adapter, Thing, ThingKey};

#[test]
fn plans_every_operation_with_its_guard_condition_and_prefixes() {
    let adapter = adapter(|b| b.hash_prefix("t#"));
    let repo = adapter.repository::<Thing>();
    let input = adapter
        .transact_write()
        .insert(&repo, &Thing::new("a", 1))
        .update(&repo, &Thing::new("b", 2), Condition::eq("n", 1))
        .delete(&repo, &ThingKey::new("c"))
        .condition_check(&repo, &ThingKey::new("d"), Condition::exists("n"))
        .plan()
        .unwrap()
        .build()
        .unwrap();
    let items = input.transact_items();
    assert_eq!(items.len(), 4);
    let insert = items[0].put().unwrap();
    assert_eq!(insert.item()["pk"], AttributeValue::S("t#a".into()));
    assert_eq!(insert.condition_expression(), Some("attribute_not_exists(#n0)"));
    let update = items[1].put().unwrap();
    assert_eq!(update.condition_expression(), Some("(#n0 = :v0)"));
    assert_eq!(update.expression_attribute_names().unwrap()["#n0"], "n");
    let delete = items[2].delete().unwrap();
    assert_eq!(delete.key()["pk"], AttributeValue::S("t#c".into()));
    assert_eq!(delete.condition_expression(), None);
    assert_eq!(items[3].condition_check().unwrap().condition_expression(), "(attribute_exists(#n0))");
}

#[test]
fn two_operations_on_one_item_and_an_empty_transaction_fail_at_plan() {
    let adapter = adapter(|b| b);
    let repo = adapter.repository::<Thing>();
    let twice = adapter.transact_write().insert(&repo, &Thing::new("a", 1)).delete(&repo, &ThingKey::new("a"));
    assert!(matches!(twice.plan(), Err(Error::DuplicateKey { .. })));
    assert!(matches!(adapter.transact_write().plan(), Err(Error::Config(_))));
}

#[test]
fn cancellation_reasons_use_none_for_the_operations_that_did_not_fail() {
    let adapter = adapter(|b| b.hash_prefix("t#"));
    let repo = adapter.repository::<Thing>();
    let planned = adapter
        .transact_write()
        .insert(&repo, &Thing::new("a", 1))
        .insert(&repo, &Thing::new("b", 2))
        .prepare()
        .unwrap();
    let stored: Item = [("pk".to_owned(), AttributeValue::S("t#b".into()))].into_iter().collect();
    let cancelled = TransactionCanceledException::builder()
        .cancellation_reasons(SdkReason::builder().code("None").build())
        .cancellation_reasons(SdkReason::builder().code("ConditionalCheckFailed").set_item(Some(stored)).build())
        .build();
    let err = canceled(&cancelled, &planned.ops, &planned.prefixes);
    let Error::TransactionCanceled { reasons } = &err else { panic!("{err:?}") };
    assert_eq!(reasons[0].code, None);
    assert!(!reasons[0].is_failure() && reasons[1].is_failure());
    assert_eq!(reasons[1].code.as_deref(), Some("ConditionalCheckFailed"));
    assert_eq!(reasons[1].key["pk"], AttributeValue::S("b".into()), "unprefixed key");
    assert_eq!(reasons[1].item.as_ref().unwrap()["pk"], AttributeValue::S("b".into()), "stripped item");
    assert_eq!(err.to_string(), "transaction cancelled: #1 ConditionalCheckFailed on things");
}

#[test]
fn every_call_carries_a_fresh_client_request_token_or_the_callers() {
    let adapter = adapter(|b| b);
    let repo = adapter.repository::<Thing>();
    let token = |tx: TransactWrite| tx.plan().unwrap().build().unwrap().client_request_token().map(str::to_owned);
    let first = token(adapter.transact_write().insert(&repo, &Thing::new("a", 1))).unwrap();
    let second = token(adapter.transact_write().insert(&repo, &Thing::new("a", 1))).unwrap();
    assert_ne!(first, second);
    assert!(first.len() <= 36 && first.chars().all(|c| c.is_ascii_hexdigit()), "{first}");
    let given = adapter.transact_write().insert(&repo, &Thing::new("a", 1)).client_request_token("order-7");
    assert_eq!(token(given).as_deref(), Some("order-7"));
}
