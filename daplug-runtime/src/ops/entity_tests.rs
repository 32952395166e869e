//! Per-entity prefixes on every path, planned without the emulator: a family's values, keys and
//! stored items each choose their entity's prefixes over the adapter's, per-call settings over both.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::json;

use crate::error::Error;
use crate::ops::test_support::{family_adapter, Part, PartKey};

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn line(sk: &str) -> Part {
    Part::Line { pk: "o-1".into(), sk: sk.into(), qty: 2 }
}

#[test]
fn a_put_takes_its_variants_prefixes_over_the_adapters() {
    let repo = family_adapter(|b| b.hash_prefix("ORD#")).repository::<Part>();
    let input = repo.insert(&line("1")).plan().unwrap().build().unwrap();
    let item = input.item().unwrap();
    assert_eq!((&item["pk"], &item["sk"], &item["kind"]), (&s("ORD#o-1"), &s("LINE#1"), &s("line")));
    let order = Part::Order { pk: "o-1".into(), sk: "o-1".into(), total: 5 };
    let input = repo.overwrite(&order).plan().unwrap().build().unwrap();
    assert_eq!(input.item().unwrap()["sk"], s("ORDER#o-1"));
}

#[test]
fn a_per_call_prefix_beats_the_variants() {
    let repo = family_adapter(|b| b).repository::<Part>();
    let input = repo.overwrite(&line("1")).range_prefix("X#").plan().unwrap().build().unwrap();
    assert_eq!(input.item().unwrap()["sk"], s("X#1"));
    let input = repo.overwrite(&line("1")).range_prefix("").plan().unwrap().build().unwrap();
    assert_eq!(input.item().unwrap()["sk"], s("1"), "an empty per-call prefix turns the side off");
}

#[test]
fn keys_are_prefixed_by_the_entity_their_variant_names() {
    let repo = family_adapter(|b| b).repository::<Part>();
    let key = PartKey::Line { pk: "o-1".into(), sk: "1".into() };
    let get = repo.get(&key).plan().unwrap().build().unwrap();
    assert_eq!(get.key().unwrap()["sk"], s("LINE#1"));
    let key = PartKey::Order { pk: "o-1".into(), sk: "o-1".into() };
    let delete = repo.delete(&key).plan().unwrap().build().unwrap();
    assert_eq!(delete.key().unwrap()["sk"], s("ORDER#o-1"));
    let update = repo.update(&key, &json!({"total": 7})).in_one_request().plan().unwrap().build().unwrap();
    assert_eq!(update.key().unwrap()["sk"], s("ORDER#o-1"));
}

#[test]
fn a_transaction_prefixes_each_variant_by_its_own_rules() {
    let adapter = family_adapter(|b| b);
    let repo = adapter.repository::<Part>();
    let order = Part::Order { pk: "o-1".into(), sk: "o-1".into(), total: 5 };
    let input = adapter
        .transact_write()
        .insert(&repo, &order)
        .insert(&repo, &line("1"))
        .delete(&repo, &PartKey::Line { pk: "o-1".into(), sk: "2".into() })
        .plan()
        .unwrap()
        .build()
        .unwrap();
    let items = input.transact_items();
    assert_eq!(items[0].put().unwrap().item()["sk"], s("ORDER#o-1"));
    assert_eq!(items[1].put().unwrap().item()["sk"], s("LINE#1"));
    assert_eq!(items[2].delete().unwrap().key()["sk"], s("LINE#2"));
}

#[test]
fn an_update_in_one_request_cannot_change_the_entity() {
    let repo = family_adapter(|b| b).repository::<Part>();
    let key = PartKey::Line { pk: "o-1".into(), sk: "1".into() };
    let err = repo.update(&key, &json!({"kind": "order"})).in_one_request().plan().unwrap_err();
    assert!(matches!(&err, Error::Validation { path, schema: "LineItem", .. } if path == "kind"), "{err:?}");
    repo.update(&key, &json!({"kind": "line", "qty": 3})).in_one_request().plan().expect("same entity");
}

#[test]
fn a_query_on_the_family_uses_the_adapters_prefixes() {
    let repo = family_adapter(|b| b.hash_prefix("ORD#")).repository::<Part>();
    let input = repo.query().key_eq("pk", "o-1").plan().unwrap().build().unwrap();
    assert_eq!(input.expression_attribute_values().unwrap()[":v0"], s("ORD#o-1"));
}

#[test]
fn an_unknown_tag_is_a_typed_error_carrying_the_item() {
    use crate::model::Model;
    let item: crate::codec::item::Item = [("kind".to_owned(), s("refund")), ("pk".to_owned(), s("o-1"))].into();
    let err = Part::entity_of_item(&item).unwrap_err();
    match &err {
        Error::UnknownTag { schema: "Part", tag: "kind", value: Some(value), item: stored } => {
            assert_eq!(value, "refund");
            assert_eq!(**stored, item);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.to_string(), "Part: the stored item's `kind` (`refund`) names no entity type Part reads");
    let untagged: crate::codec::item::Item = [("pk".to_owned(), s("o-1"))].into();
    assert!(matches!(Part::entity_of_item(&untagged), Err(Error::UnknownTag { value: None, .. })));
}

#[test]
fn a_variants_query_is_narrowed_by_its_sort_key_prefix_unless_its_key_condition_names_the_sort_key() {
    use crate::ops::test_support::LineItem;
    let repo = family_adapter(|b| b).repository::<LineItem>();
    let input = repo.query().key_eq("pk", "o-1").plan().unwrap().build().unwrap();
    assert_eq!(input.key_condition_expression(), Some("(#n0 = :v0) AND (begins_with(#n1, :v1))"));
    assert_eq!(input.expression_attribute_names().unwrap()["#n1"], "sk");
    assert_eq!(input.expression_attribute_values().unwrap()[":v1"], s("LINE#"));
    assert_eq!(input.filter_expression(), None);
    let input = repo.query().key_eq("pk", "o-1").key_begins_with("sk", "2024").plan().unwrap().build().unwrap();
    assert_eq!(input.key_condition_expression(), Some("(#n0 = :v0) AND (begins_with(#n1, :v1))"));
    assert_eq!(input.expression_attribute_values().unwrap()[":v1"], s("LINE#2024"));
}

#[test]
fn a_variants_scan_index_query_or_unprefixed_query_is_narrowed_by_its_tag() {
    use crate::ops::test_support::{LineItem, Note};
    let repo = family_adapter(|b| b).repository::<LineItem>();
    let scan = repo.scan().plan().unwrap().build().unwrap();
    assert_eq!(scan.filter_expression(), Some("#n0 = :v0"));
    assert_eq!(scan.expression_attribute_names().unwrap()["#n0"], "kind");
    assert_eq!(scan.expression_attribute_values().unwrap()[":v0"], s("line"));
    let by_index = repo.query().index("by_status").key_eq("status", "open").plan().unwrap().build().unwrap();
    assert_eq!(by_index.filter_expression(), Some("#n1 = :v1"));
    let notes = family_adapter(|b| b).repository::<Note>();
    let input = notes.query().key_eq("pk", "o-1").plan().unwrap().build().unwrap();
    assert_eq!(input.key_condition_expression(), Some("#n0 = :v0"));
    assert_eq!(input.filter_expression(), Some("#n1 = :v1"));
    assert_eq!(input.expression_attribute_values().unwrap()[":v1"], s("note"));
}
