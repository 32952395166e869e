//! Unit tests of the update merge, including daplug-ddb's recorded vectors.

use super::*;
use serde_json::{json, Value};

use crate::codec;
use crate::codec::value::value_eq;
use crate::ops::MapOp;

/// The merge on JSON, for readable tests: both sides through daplug's item codec and back.
fn merge(original: &Value, patch: &Value, options: &MergeOptions) -> Result<Value, MergeError> {
    let original = codec::to_item(original).expect("the stored item is a map");
    let patch = codec::to_attribute_value(patch).expect("the patch serialises");
    super::merge(&original, &patch, options).map(|merged| codec::to_json(&merged).expect("the merged item reads"))
}

fn json_eq(a: &Value, b: &Value) -> bool {
    value_eq(&codec::to_attribute_value(a).unwrap(), &codec::to_attribute_value(b).unwrap())
}

fn upsert() -> MergeOptions {
    MergeOptions::protecting(["pk", "sk"])
}

fn ok(original: Value, patch: Value, options: &MergeOptions) -> Value {
    merge(&original, &patch, options).expect("merge should succeed")
}

/// The `seed_items[0]` shared by the `update_*` vectors (unprefixed JSON).
fn seed() -> Value {
    json!({
        "pk": "order-1", "sk": "v1", "status": "open", "modified": "2024-01-01T00:00:00",
        "address": {"street": "1 Main", "city": "Springfield", "geo": {"lat": 10, "lng": -20}},
        "scores": [1, 2, 3], "tags": ["a", "b"], "line_items": [{"sku": "s1", "qty": 2, "price": 10}],
        "metadata": {"k": "v"}, "note": "hello", "count": 7
    })
}

/// The seed with some top-level attributes replaced (`null` removes).
fn seed_with(changes: Value) -> Value {
    let mut item = seed();
    if let (Value::Object(item), Value::Object(changes)) = (&mut item, changes) {
        for (k, v) in changes {
            if v.is_null() {
                item.remove(&k);
            } else {
                item.insert(k, v);
            }
        }
    }
    item
}

// ---- maps -------------------------------------------------------------------------------------

#[test]
fn deep_merge_keeps_untouched_siblings_at_any_depth() {
    let merged = ok(
        json!({"a": {"b": {"c": {"d": 1, "e": 2}, "f": 3}}, "g": 4}),
        json!({"a": {"b": {"c": {"d": 9}}}}),
        &upsert(),
    );
    assert_eq!(merged, json!({"a": {"b": {"c": {"d": 9, "e": 2}, "f": 3}}, "g": 4}));
}

#[test]
fn new_keys_are_added_and_original_is_not_mutated() {
    let original = json!({"a": 1});
    let merged = ok(original.clone(), json!({"b": {"c": [1, 1]}}), &upsert());
    assert_eq!(merged, json!({"a": 1, "b": {"c": [1, 1]}}));
    assert_eq!(original, json!({"a": 1}));
}

#[test]
fn map_over_null_or_missing_or_empty_map_is_set() {
    let merged = ok(json!({"a": null, "c": {}}), json!({"a": {"x": 1}, "b": {"y": 2}, "c": {"z": 3}}), &upsert());
    assert_eq!(merged, json!({"a": {"x": 1}, "b": {"y": 2}, "c": {"z": 3}}));
}

#[test]
fn map_over_scalar_or_list_is_a_type_mismatch_with_path() {
    for stored in [json!("text"), json!(0), json!(false), json!([]), json!([1])] {
        let err = merge(&json!({"a": {"b": stored}}), &json!({"a": {"b": {"c": 1}}}), &upsert()).unwrap_err();
        assert_eq!(err.path(), "a.b");
        assert!(matches!(err, MergeError::TypeMismatch { .. }), "{err}");
    }
}

#[test]
fn scalar_null_and_list_over_anything_are_set() {
    let merged = ok(
        json!({"a": {"x": 1}, "b": "s", "c": [1], "d": 5, "e": {"m": 1}}),
        json!({"a": 1, "b": null, "c": "now a string", "d": [1, 2], "e": [3]}),
        &upsert(),
    );
    assert_eq!(merged, json!({"a": 1, "b": null, "c": "now a string", "d": [1, 2], "e": [3]}));
}

#[test]
fn null_in_patch_sets_null() {
    // Kept from daplug-ddb: `null` is stored as NULL, it does not delete the attribute.
    let merged = ok(json!({"a": 1, "b": {"c": 2}}), json!({"a": null, "b": {"c": null}}), &upsert());
    assert_eq!(merged, json!({"a": null, "b": {"c": null}}));
}

#[test]
fn the_patch_must_be_a_map() {
    let err = merge(&json!({}), &json!(null), &upsert()).unwrap_err();
    assert_eq!(err.path(), "");
    assert_eq!(err, MergeError::NotAnItem { which: "patch", found: "null" });
}

#[test]
fn paths_are_rendered_as_every_path_is() {
    // One renderer for every path (`codec/path.rs`): keys joined by dots, whatever they hold.
    let err = merge(&json!({"a.b": {"": 1}}), &json!({"a.b": {"": {"x": 1}}}), &upsert()).unwrap_err();
    assert_eq!(err.path(), "a.b.");
    let err = merge(&json!({"x": {"a b": 1}}), &json!({"x": {"a b": {}}}), &upsert()).unwrap_err();
    assert_eq!(err.path(), "x.a b");
}

// ---- lists ------------------------------------------------------------------------------------

fn list(op: ListOp, old: Value, new: Value) -> Value {
    ok(json!({ "l": old }), json!({ "l": new }), &upsert().with_list(op))["l"].clone()
}

#[test]
fn add_appends_missing_elements_in_order() {
    assert_eq!(list(ListOp::Add, json!([1, 2, 3]), json!([3, 4, 4, 5])), json!([1, 2, 3, 4, 5]));
    // Pre-existing duplicates are kept.
    assert_eq!(list(ListOp::Add, json!([1, 1, 2]), json!([2, 0])), json!([1, 1, 2, 0]));
    assert_eq!(list(ListOp::Add, json!([]), json!(["a", "a"])), json!(["a"]));
    assert_eq!(list(ListOp::Add, json!([1]), json!([])), json!([1]));
}

#[test]
fn add_compares_numbers_by_value_and_maps_deeply() {
    // `-0.0` is stored as `N "-0"` (equal to `0`), which reads back as the integer 0.
    assert_eq!(list(ListOp::Add, json!([2, 3.5]), json!([2.0, 3.5, -0.0, 0])), json!([2, 3.5, 0]));
    assert_eq!(
        list(ListOp::Add, json!([{"a": 1, "b": [1, {"c": 2}]}]), json!([{"b": [1.0, {"c": 2.0}], "a": 1}, {"a": 1}])),
        json!([{"a": 1, "b": [1, {"c": 2}]}, {"a": 1}])
    );
    // Lists compare in order; different types never match.
    assert_eq!(
        list(ListOp::Add, json!([[1, 2], "1", null]), json!([[2, 1], 1, null])),
        json!([[1, 2], "1", null, [2, 1], 1])
    );
}

#[test]
fn number_equality_is_exact() {
    assert!(json_eq(&json!(u64::MAX), &json!(u64::MAX)));
    assert!(!json_eq(&json!(9_007_199_254_740_993_u64), &json!(9_007_199_254_740_992.0)));
    assert!(json_eq(&json!(9_007_199_254_740_992_u64), &json!(9_007_199_254_740_992.0)));
    assert!(!json_eq(&json!(-1), &json!(u64::MAX)));
    assert!(json_eq(&json!(-3), &json!(-3.0)));
    assert!(!json_eq(&json!(1), &json!(1.5)));
    assert!(!json_eq(&json!(1e300), &json!(i64::MAX)));
}

#[test]
fn remove_removes_every_equal_element() {
    assert_eq!(list(ListOp::Remove, json!([1, 2, 2, 3]), json!([2, 3])), json!([1]));
    assert_eq!(list(ListOp::Remove, json!([2, 2, 2, 1, 2]), json!([2.0])), json!([1]));
    assert_eq!(list(ListOp::Remove, json!([1, 2]), json!([9])), json!([1, 2]));
    assert_eq!(list(ListOp::Remove, json!([1, 2]), json!([1, 2, 1])), json!([]));
}

#[test]
fn remove_with_empty_patch_list_removes_nothing() {
    assert_eq!(list(ListOp::Remove, json!([1, 2, 3]), json!([])), json!([1, 2, 3]));
}

#[test]
fn replace_replaces() {
    assert_eq!(list(ListOp::Replace, json!([1, 2, 3]), json!([9, 9])), json!([9, 9]));
    assert_eq!(list(ListOp::Replace, json!([1]), json!([])), json!([]));
}

#[test]
fn list_over_non_list_or_missing_is_set_as_given() {
    for op in [ListOp::Add, ListOp::Remove, ListOp::Replace] {
        let merged =
            ok(json!({"a": "s", "b": null}), json!({"a": [1, 1], "b": [2], "c": [3, 3]}), &upsert().with_list(op));
        assert_eq!(merged, json!({"a": [1, 1], "b": [2], "c": [3, 3]}), "{op:?}");
    }
}

#[test]
fn lists_inside_nested_maps_follow_the_list_op() {
    let merged = ok(json!({"m": {"l": [1, 2], "k": 1}}), json!({"m": {"l": [2]}}), &upsert().with_list(ListOp::Remove));
    assert_eq!(merged, json!({"m": {"l": [1], "k": 1}}));
}

// ---- MapOp::Remove ----------------------------------------------------------------------------

fn remove() -> MergeOptions {
    upsert().with_map(MapOp::Remove)
}

#[test]
fn remove_deletes_named_keys_ignoring_values() {
    let merged =
        ok(json!({"a": 1, "b": [1, 2], "c": {"x": 1}, "d": 4}), json!({"a": "x", "b": [1], "c": null}), &remove());
    assert_eq!(merged, json!({"d": 4}));
}

#[test]
fn remove_recurses_into_nested_maps() {
    let merged =
        ok(json!({"a": {"b": {"c": 1, "d": 2}, "e": 3}}), json!({"a": {"b": {"c": true}, "missing": 1}}), &remove());
    assert_eq!(merged, json!({"a": {"b": {"d": 2}, "e": 3}}));
    // An empty nested map names nothing.
    assert_eq!(ok(json!({"a": {"b": 1}}), json!({"a": {}}), &remove()), json!({"a": {"b": 1}}));
}

#[test]
fn remove_of_missing_keys_is_a_no_op() {
    let original = json!({"a": 1, "n": null});
    assert_eq!(ok(original.clone(), json!({"zz": 1, "n": {"x": 1}, "m": {"x": 1}}), &remove()), original);
    // A non-map value deletes even a stored null.
    assert_eq!(ok(original, json!({"n": 0}), &remove()), json!({"a": 1}));
}

#[test]
fn remove_of_nested_keys_under_a_scalar_is_a_type_mismatch() {
    let err = merge(&json!({"a": {"b": "s"}}), &json!({"a": {"b": {"c": 1}}}), &remove()).unwrap_err();
    assert_eq!(err, MergeError::TypeMismatch { path: "a.b".into(), stored: "a string" });
}

#[test]
fn remove_never_deletes_protected_attributes() {
    for patch in [json!({"pk": 1}), json!({"note": 1, "sk": null}), json!({"sk": {"x": 1}})] {
        let err = merge(&seed(), &patch, &remove()).unwrap_err();
        assert!(matches!(&err, MergeError::Protected { path } if path == "pk" || path == "sk"), "{err}");
    }
    // Even when the protected attribute is not stored.
    let err = merge(&json!({}), &json!({"pk": 1}), &remove()).unwrap_err();
    assert_eq!(err, MergeError::Protected { path: "pk".into() });
    // Protection is for top-level attributes only.
    assert_eq!(ok(json!({"m": {"pk": 1}}), json!({"m": {"pk": 1}}), &remove()), json!({"m": {}}));
}

#[test]
fn upsert_protects_key_attributes_from_null_but_allows_new_values() {
    let err = merge(&seed(), &json!({"pk": null}), &upsert()).unwrap_err();
    assert_eq!(err, MergeError::Protected { path: "pk".into() });
    assert_eq!(ok(seed(), json!({"pk": "order-2"}), &upsert())["pk"], json!("order-2"));
    // No protection configured: null is set like anywhere else.
    assert_eq!(ok(seed(), json!({"pk": null}), &MergeOptions::default())["pk"], Value::Null);
}

#[test]
fn error_messages_name_the_path() {
    let err = merge(&seed(), &json!({"address": {"city": {"x": 1}}}), &upsert()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the patch gives a map at `address.city` but the stored value is a string; remove it first to replace it"
    );
    let err = merge(&seed(), &json!({"pk": 1}), &remove()).unwrap_err();
    assert_eq!(err.to_string(), "`pk` is a key attribute and cannot be removed");
}

// ---- daplug-ddb vectors (seed/vectors.json), replayed on the merge step ------------------------

#[test]
fn vector_update_list_add_default() {
    let merged = ok(seed(), json!({"scores": [3, 4, 4, 5]}), &upsert());
    assert_eq!(merged, seed_with(json!({"scores": [1, 2, 3, 4, 5]})));
}

#[test]
fn vector_update_list_replace() {
    let merged = ok(seed(), json!({"scores": [9]}), &upsert().with_list(ListOp::Replace));
    assert_eq!(merged, seed_with(json!({"scores": [9]})));
}

#[test]
fn vector_update_list_remove_corrected() {
    // Vector `update_list_remove` encodes daplug-ddb's bug: stored [1,2,2,3], data [2,3] -> [1,2,3]
    // (only the first patch element was used, and one `2` was skipped). Correct: every 2 and 3 go.
    let original = seed_with(json!({"scores": [1, 2, 2, 3]}));
    let merged = ok(original, json!({"scores": [2, 3]}), &upsert().with_list(ListOp::Remove));
    assert_eq!(merged, seed_with(json!({"scores": [1]})));
}

#[test]
fn vector_update_list_remove_nonadjacent() {
    // daplug-ddb got this one right: [2,1,2] minus [2] -> [1].
    let original = seed_with(json!({"scores": [2, 1, 2]}));
    let merged = ok(original, json!({"scores": [2]}), &upsert().with_list(ListOp::Remove));
    assert_eq!(merged, seed_with(json!({"scores": [1]})));
}

#[test]
fn vector_update_list_remove_objects() {
    let original = seed_with(json!({"line_items": [{"sku": "s1", "qty": 2, "price": 10}, {"sku": "s2"}]}));
    let patch = json!({"line_items": [{"price": 10, "qty": 2, "sku": "s1"}]});
    let merged = ok(original, patch, &upsert().with_list(ListOp::Remove));
    assert_eq!(merged, seed_with(json!({"line_items": [{"sku": "s2"}]})));
}

#[test]
fn vector_update_list_remove_empty_new_corrected() {
    // Vector `update_list_remove_empty_new`: daplug-ddb raised IndexError. Correct: nothing removed.
    let merged = ok(seed(), json!({"scores": []}), &upsert().with_list(ListOp::Remove));
    assert_eq!(merged, seed());
}

#[test]
fn vector_update_list_add_objects() {
    let patch = json!({"line_items": [{"sku": "s1", "qty": 2, "price": 10}, {"sku": "s9"}]});
    let merged = ok(seed(), patch, &upsert());
    assert_eq!(merged, seed_with(json!({"line_items": [{"sku": "s1", "qty": 2, "price": 10}, {"sku": "s9"}]})));
}

#[test]
fn vector_update_list_over_scalar() {
    let merged = ok(seed(), json!({"note": [1, 2]}), &upsert());
    assert_eq!(merged, seed_with(json!({"note": [1, 2]})));
}

#[test]
fn vector_update_nested_dict_deep_merge() {
    let merged = ok(seed(), json!({"address": {"geo": {"lat": 11}}}), &upsert());
    let address = json!({"street": "1 Main", "city": "Springfield", "geo": {"lat": 11, "lng": -20}});
    assert_eq!(merged, seed_with(json!({ "address": address })));
}

#[test]
fn vector_update_nested_dict_old_empty() {
    let merged = ok(seed_with(json!({"metadata": {}})), json!({"metadata": {"a": {"b": 1}}}), &upsert());
    assert_eq!(merged, seed_with(json!({"metadata": {"a": {"b": 1}}})));
}

#[test]
fn vector_update_nested_list_in_dict() {
    let original = seed_with(json!({"metadata": {"lst": [1, 2]}}));
    let merged = ok(original, json!({"metadata": {"lst": [2, 3]}}), &upsert().with_list(ListOp::Add));
    assert_eq!(merged, seed_with(json!({"metadata": {"lst": [1, 2, 3]}})));
}

#[test]
fn vector_update_scalar_null() {
    let merged = ok(seed(), json!({"note": null}), &upsert());
    let mut expected = seed();
    expected["note"] = Value::Null;
    assert_eq!(merged, expected);
}

#[test]
fn vector_update_dict_operation_remove_no_schema() {
    let merged = ok(seed(), json!({"note": "ignored", "status": "x"}), &remove());
    assert_eq!(merged, seed_with(json!({"note": null, "status": null})));
}

#[test]
fn vector_update_dict_operation_remove_with_schema() {
    // Merge step only: `note` is deleted. (The stored NULL in the vector comes from schema mapping
    // afterwards, which is not this module's job.)
    let merged = ok(seed(), json!({"note": "ignored"}), &remove());
    assert_eq!(merged, seed_with(json!({"note": null})));
}

#[test]
fn vector_update_nested_dict_operation_remove() {
    let merged = ok(seed(), json!({"address": {"city": "ignored"}}), &remove());
    let address = json!({"street": "1 Main", "geo": {"lat": 10, "lng": -20}});
    assert_eq!(merged, seed_with(json!({ "address": address })));
}

#[test]
fn vector_update_no_schema_keeps_unknown() {
    let merged = ok(seed_with(json!({"legacy": "keep-me"})), json!({"status": "closed"}), &upsert());
    assert_eq!(merged, seed_with(json!({"legacy": "keep-me", "status": "closed"})));
}

#[test]
fn vector_update_changes_hash_key_in_data() {
    // A new key value is allowed under Upsert; the caller writes the merged item under the new key.
    let merged = ok(seed(), json!({"pk": "order-1-copy"}), &upsert());
    assert_eq!(merged, seed_with(json!({"pk": "order-1-copy"})));
}

#[test]
fn vector_update_via_query_first_item() {
    let merged = ok(seed(), json!({"status": "via-query"}), &upsert());
    assert_eq!(merged, seed_with(json!({"status": "via-query"})));
}

#[test]
fn vector_update_dict_over_scalar_corrected() {
    // Vector `update_dict_over_scalar`: daplug-ddb crashed with AttributeError. Now a typed error.
    let err = merge(&seed(), &json!({"note": {"a": 1}}), &upsert()).unwrap_err();
    assert_eq!(err, MergeError::TypeMismatch { path: "note".into(), stored: "a string" });
}

#[test]
fn vector_idempotence_and_use_latest_merges() {
    // The merge step of the `idempotence_*` / `use_latest_*` vectors: plain upserts of scalars.
    let merged = ok(seed(), json!({"modified": "2024-02-01T00:00:00", "status": "paid"}), &upsert());
    assert_eq!(merged, seed_with(json!({"modified": "2024-02-01T00:00:00", "status": "paid"})));
    let original = seed_with(json!({"modified": null}));
    let merged = ok(original, json!({"status": "x", "modified": "2024-05-05"}), &upsert());
    assert_eq!(merged, seed_with(json!({"status": "x", "modified": "2024-05-05"})));
}

#[test]
fn numbers_keep_their_text_and_sets_stay_sets() {
    let n = |text: &str| AttributeValue::N(text.into());
    let stored = Item::from([
        ("total".to_owned(), n("12.50")),
        ("big".to_owned(), n("12345678901234567890123456789012345678")),
        ("tags".to_owned(), AttributeValue::Ss(vec!["a".into()])),
        ("sizes".to_owned(), AttributeValue::Ns(vec!["1.0".into()])),
    ]);
    let patch = AttributeValue::M(Item::from([
        ("tags".to_owned(), AttributeValue::L(vec![AttributeValue::S("a".into()), AttributeValue::S("b".into())])),
        ("sizes".to_owned(), AttributeValue::L(vec![n("1"), n("2.50")])),
    ]));
    let merged = super::merge(&stored, &patch, &upsert()).unwrap();
    assert_eq!(merged["total"], n("12.50"), "untouched numbers are written back as stored");
    assert_eq!(merged["big"], stored["big"]);
    assert_eq!(merged["tags"], AttributeValue::Ss(vec!["a".into(), "b".into()]));
    assert_eq!(merged["sizes"], AttributeValue::Ns(vec!["1.0".into(), "2.50".into()]), "1 = 1.0 is not added twice");
    let removed = super::merge(&merged, &patch, &upsert().with_list(ListOp::Remove)).unwrap();
    assert!(!removed.contains_key("tags"), "an emptied set is removed: DynamoDB has no empty sets");
    assert!(!removed.contains_key("sizes"));
}

#[test]
fn a_union_value_is_replaced_whole_where_plain_maps_merge() {
    use crate::meta::PathStep;
    static REPLACED: &[&[PathStep]] = &[&[PathStep::Field("method")], &[PathStep::Field("by_id"), PathStep::AnyKey]];
    let stored = json!({
        "pk": "a",
        "method": {"type": "card", "brand": "visa", "last4": "4242"},
        "by_id": {"m1": {"type": "card", "last4": "1111"}, "m2": {"type": "card", "last4": "2222"}},
        "address": {"city": "Oslo", "zip": "0150"},
    });
    let patch = json!({
        "method": {"type": "paypal", "email": "a@b.c"},
        "by_id": {"m1": {"type": "paypal", "email": "x@y.z"}},
        "address": {"city": "Bergen"},
    });
    let merged = ok(stored.clone(), patch.clone(), &upsert().with_replaced(REPLACED));
    assert_eq!(merged["method"], json!({"type": "paypal", "email": "a@b.c"}));
    // Inside a map of unions: the entry is replaced, the other entries stay.
    assert_eq!(
        merged["by_id"],
        json!({"m1": {"type": "paypal", "email": "x@y.z"}, "m2": {"type": "card", "last4": "2222"}})
    );
    assert_eq!(merged["address"], json!({"city": "Bergen", "zip": "0150"}));
    // Without the paths, the same patch mixes the two alternatives (what the option prevents).
    let mixed = ok(stored, patch, &upsert());
    assert_eq!(mixed["method"]["brand"], json!("visa"));
}
