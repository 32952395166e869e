//! Unit tests of the one-request update: the `UpdateItem` it plans (expression text, placeholders,
//! prefixes, every lock policy, refused keys, what needs the stored item) and the explanation of a
//! refusal from the returned item (no emulator).

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use serde_json::json;

use super::super::expression::plan;
use super::super::plan_lock::comparable_as_text;
use super::*;
use crate::attr::Field;
use crate::codec;
use crate::error::Error;
use crate::key::KeyConfig;
use crate::lock::LockConfig;
use crate::lock::LockPolicy;
use crate::ops::test_support::{adapter, Thing, ThingKey};
use crate::ops::OneRequestUpdate;

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.into())
}

fn item(pairs: &[(&str, AttributeValue)]) -> Item {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn built(update: OneRequestUpdate<Thing>) -> UpdateItemInput {
    update.plan().expect("plans").build().expect("builds")
}

/// The expression texts with placeholders replaced by the names and values they stand for, so
/// tests read like DynamoDB's documentation (`SET profile.city = "X"`).
fn readable(input: &UpdateItemInput) -> (String, String) {
    let names = input.expression_attribute_names().cloned().unwrap_or_default();
    let values = input.expression_attribute_values().cloned().unwrap_or_default();
    let substitute = |text: &str| {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find(['#', ':']) {
            out.push_str(&rest[..start]);
            let end =
                rest[start + 1..].find(|c: char| !c.is_ascii_alphanumeric()).map_or(rest.len(), |e| start + 1 + e);
            let placeholder = &rest[start..end];
            match (names.get(placeholder), values.get(placeholder)) {
                (Some(name), _) => out.push_str(name),
                (_, Some(value)) => out.push_str(&show(value)),
                _ => out.push_str(placeholder),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    };
    (
        input.update_expression().map(substitute).unwrap_or_default(),
        input.condition_expression().map(substitute).unwrap_or_default(),
    )
}

fn show(value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(text) => format!("{text:?}"),
        AttributeValue::N(text) => text.clone(),
        AttributeValue::Null(_) => "NULL".into(),
        AttributeValue::L(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
        AttributeValue::Ss(items) => format!("SS{items:?}"),
        AttributeValue::Ns(items) => format!("NS{items:?}"),
        other => format!("{other:?}"),
    }
}

fn err(update: OneRequestUpdate<Thing>) -> Error {
    update.plan().expect_err("refused before sending")
}

#[test]
fn a_patch_becomes_sets_by_path_with_the_key_guarded_and_prefixed() {
    let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
    let patch = json!({"n": 5, "note": null, "profile": {"city": "X", "geo": {"lat": 1}}});
    let input = built(repo.update(&ThingKey::new("a"), &patch).in_one_request());
    assert_eq!(input.table_name(), Some("things"));
    assert_eq!(input.key().unwrap()["pk"], s("t#a"));
    assert_eq!(
        input.update_expression(),
        Some("SET #n1 = :v0, #n2 = :v1, #n3.#n4 = :v2, #n3.#n5.#n6 = :v3"),
        "one placeholder per name, nested maps by path"
    );
    assert_eq!(input.condition_expression(), Some("attribute_exists(#n0) AND attribute_type(#n3.#n5, :v4)"));
    assert_eq!(
        readable(&input),
        (
            r#"SET n = 5, note = NULL, profile.city = "X", profile.geo.lat = 1"#.into(),
            r#"attribute_exists(pk) AND attribute_type(profile.geo, "M")"#.into()
        ),
        "profile being a map is implied by profile.geo being one"
    );
    assert_eq!(input.return_values(), Some(&ReturnValue::AllNew));
    assert_eq!(input.return_values_on_condition_check_failure(), Some(&ReturnValuesOnConditionCheckFailure::AllOld));
}

#[test]
fn map_op_remove_becomes_remove_by_path() {
    let repo = adapter(|b| b).repository::<Thing>();
    let patch = json!({"note": true, "profile": {"address": {"zip": null}, "n": 1}});
    let input = built(repo.update(&ThingKey::new("a"), &patch).map_op(MapOp::Remove).in_one_request());
    assert_eq!(
        readable(&input),
        (
            "REMOVE note, profile.address.zip, profile.n".into(),
            r#"attribute_exists(pk) AND attribute_type(profile.address, "M")"#.into()
        )
    );
}

#[test]
fn lists_and_sets_are_written_only_under_replace_and_never_over_a_stored_set() {
    let repo = adapter(|b| b).repository::<Thing>();
    for list in [ListOp::Add, ListOp::Remove] {
        let update = repo.update(&ThingKey::new("a"), &json!({"profile": {"tags": ["x"]}})).list_op(list);
        match err(update.in_one_request()) {
            Error::NeedsStoredItem { path, reason } => {
                assert_eq!(path, "profile.tags");
                assert!(reason.contains(&format!("{list:?}")), "{reason}");
            }
            other => panic!("{list:?}: {other:?}"),
        }
    }
    let replace = repo.update(&ThingKey::new("a"), &json!({"tags": ["x"], "nums": [1], "mixed": [1, "a"], "none": []}));
    let input = built(replace.list_op(ListOp::Replace).in_one_request());
    assert_eq!(
        readable(&input),
        (
            r#"SET mixed = [1, "a"], none = [], nums = [1], tags = ["x"]"#.into(),
            r#"attribute_exists(pk) AND ((((NOT (attribute_type(none, "SS"))) AND (NOT (attribute_type(none, "NS")))) AND (NOT (attribute_type(nums, "NS")))) AND (NOT (attribute_type(tags, "SS"))))"#.into()
        )
    );
}

#[test]
fn explicit_actions_render_as_add_list_append_delete_set_and_remove() {
    let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
    const N: Field<Thing, i64> = Field::new("n");
    let update = repo
        .update(&ThingKey::new("a"), &json!({}))
        .in_one_request()
        .increment(N, 2)
        .append("tags", vec!["x"])
        .add_to_set("labels", vec!["a", "b", "a"])
        .remove_from_set("codes", vec![1, 2])
        .set(AttrPath::new("stats").field("best"), 3)
        .increment(AttrPath::new("stats").field("views"), 1)
        .remove("note");
    let input = built(update);
    let (expression, condition) = readable(&input);
    assert_eq!(
        expression,
        r#"SET tags = list_append(if_not_exists(tags, []), ["x"]), stats.best = 3, stats.views = if_not_exists(stats.views, 0) + 1 REMOVE note ADD n 2, labels SS["a", "b"] DELETE codes NS["1", "2"]"#,
        "duplicates leave a set value"
    );
    assert_eq!(
        condition,
        r#"attribute_exists(pk) AND (((((((attribute_not_exists(n)) OR (attribute_type(n, "N"))) AND ((attribute_not_exists(tags)) OR (attribute_type(tags, "L")))) AND ((attribute_not_exists(labels)) OR (attribute_type(labels, "SS")))) AND ((attribute_not_exists(codes)) OR (attribute_type(codes, "NS")))) AND (attribute_type(stats, "M"))) AND ((attribute_not_exists(stats.views)) OR (attribute_type(stats.views, "N"))))"#
    );
    assert_eq!(input.key().unwrap()["pk"], s("t#a"));
}

#[test]
fn bad_explicit_values_overlaps_and_empty_updates_are_refused_before_sending() {
    let repo = adapter(|b| b).repository::<Thing>();
    let update = || repo.update(&ThingKey::new("a"), &json!({"n": 1})).in_one_request();
    let overlap = err(update().increment("n", 1));
    assert!(matches!(&overlap, Error::Config(message) if message.contains("`n` and `n` overlap")), "{overlap:?}");
    let nested = err(update().set("profile", json!({})).set(AttrPath::new("profile").field("city"), "X"));
    assert!(matches!(&nested, Error::Config(message) if message.contains("overlap")), "{nested:?}");
    assert!(matches!(err(update().increment("count", "many")), Error::Validation { path, .. } if path == "count"));
    assert!(matches!(err(update().append("tags", "x")), Error::Validation { path, .. } if path == "tags"));
    assert!(matches!(err(update().add_to_set("labels", vec![json!(1), json!("a")])), Error::Validation { .. }));
    let nested_set = err(update().add_to_set(AttrPath::new("a").field("b"), vec!["x"]));
    assert!(matches!(&nested_set, Error::Config(message) if message.contains("top level")), "{nested_set:?}");
    assert!(matches!(err(update().set("big", 1e200)), Error::Validation { path, .. } if path == "big"));
    let empty =
        repo.update(&ThingKey::new("a"), &json!({})).in_one_request().add_to_set("labels", Vec::<String>::new());
    assert!(matches!(err(empty), Error::Config(message) if message.contains("nothing to update")));
    let by_query = repo.update_where(repo.query().key_eq("pk", "a"), &json!({"n": 1})).in_one_request();
    assert!(matches!(err(by_query), Error::Config(message) if message.contains("by key")));
    let scalar = repo.update(&ThingKey::new("a"), &json!(3)).in_one_request();
    assert!(matches!(err(scalar), Error::Validation { path, .. } if path == "."));
}

#[test]
fn key_attributes_are_refused_as_the_read_merge_write_update_refuses_them() {
    let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
    let update = |patch: serde_json::Value| repo.update(&ThingKey::new("a"), &patch).in_one_request();
    let same = built(update(json!({"pk": "a", "n": 1})));
    assert_eq!(readable(&same).0, "SET n = 1", "the key's own (unprefixed) value is no change");
    assert!(matches!(err(update(json!({"pk": "b"}))), Error::InvalidKey { attribute, .. } if attribute == "pk"));
    assert!(matches!(err(update(json!({"pk": "t#a"}))), Error::InvalidKey { .. }), "compared unprefixed");
    assert!(matches!(err(update(json!({"pk": null}))), Error::Validation { path, .. } if path == "pk"));
    let removal = repo.update(&ThingKey::new("a"), &json!({"pk": 1})).map_op(MapOp::Remove).in_one_request();
    assert!(matches!(err(removal), Error::Validation { path, .. } if path == "pk"));
    assert!(matches!(err(update(json!({})).increment("pk", 1)), Error::InvalidKey { .. }));
    assert!(matches!(err(update(json!({})).remove("pk")), Error::InvalidKey { .. }));
    let bad_key = repo.update(&ThingKey::new(""), &json!({"n": 1})).in_one_request();
    assert!(matches!(err(bad_key), Error::InvalidKey { .. }));
}

#[test]
fn equality_locks_on_the_value_read_when_given() {
    let repo = adapter(|b| b.idempotence_key("modified")).repository::<Thing>();
    let patch = json!({"n": 1, "modified": "m2"});
    let plain = built(repo.update(&ThingKey::new("a"), &patch).in_one_request());
    assert_eq!(readable(&plain), (r#"SET modified = "m2", n = 1"#.into(), "attribute_exists(pk)".into()));
    let read = built(repo.update(&ThingKey::new("a"), &patch).if_lock_value("m1").in_one_request());
    assert_eq!(readable(&read).1, r#"attribute_exists(pk) AND modified = "m1""#);
    let required = built(repo.update(&ThingKey::new("a"), &patch).require_lock_value(true).in_one_request());
    assert_eq!(
        readable(&required).1,
        r#"attribute_exists(pk) AND ((attribute_exists(modified)) AND (NOT (attribute_type(modified, "NULL"))))"#
    );
    let unlocked = adapter(|b| b).repository::<Thing>();
    let no_lock = unlocked.update(&ThingKey::new("a"), &patch).if_lock_value("m1").in_one_request();
    assert!(matches!(err(no_lock), Error::Config(_)));
    let off = built(repo.update(&ThingKey::new("a"), &patch).no_lock().in_one_request());
    assert_eq!(readable(&off).1, "attribute_exists(pk)");
}

#[test]
fn version_locks_increment_or_condition_on_the_version_read() {
    let repo = adapter(|b| b.idempotence_key("version").lock_policy(LockPolicy::Version)).repository::<Thing>();
    let update = |patch: serde_json::Value| repo.update(&ThingKey::new("a"), &patch).in_one_request();
    let bump = built(update(json!({"n": 1})));
    assert_eq!(
        readable(&bump),
        (
            "SET n = 1 ADD version 1".into(),
            r#"attribute_exists(pk) AND ((attribute_not_exists(version)) OR (attribute_type(version, "N")))"#.into()
        )
    );
    let read = built(update(json!({"n": 1, "version": 3})));
    assert_eq!(readable(&read), ("SET n = 1, version = 4".into(), "attribute_exists(pk) AND version = 3".into()));
    let via_lock_value = built(repo.update(&ThingKey::new("a"), &json!({"n": 1})).if_lock_value(3).in_one_request());
    assert_eq!(readable(&via_lock_value), readable(&read));
    let nulled = built(update(json!({"n": 1, "version": null})));
    assert_eq!(readable(&nulled).0, "SET n = 1 ADD version 1", "a null version names none: bumped");
    let required = built(repo.update(&ThingKey::new("a"), &json!({"n": 1})).require_lock_value(true).in_one_request());
    assert_eq!(readable(&required).1, r#"attribute_exists(pk) AND attribute_type(version, "N")"#);
    assert!(matches!(err(update(json!({"version": "x"}))), Error::Validation { path, .. } if path == "version"));
    let overflow = err(update(json!({"version": i64::MAX})));
    assert!(matches!(&overflow, Error::Validation { message, .. } if message.contains("cannot be incremented")));
    assert!(matches!(err(update(json!({"n": 1})).increment("version", 1)), Error::Config(_)));
}

#[test]
fn latest_wins_conditions_on_the_stored_timestamp_as_text_in_one_form() {
    let repo = adapter(|b| b.idempotence_key("modified").lock_policy(LockPolicy::LatestWins)).repository::<Thing>();
    let update = |patch: serde_json::Value| repo.update(&ThingKey::new("a"), &patch).in_one_request();
    let zoned = built(update(json!({"n": 1, "modified": "2024-01-02T03:04:05.123Z"})));
    assert_eq!(
        readable(&zoned).1,
        r#"attribute_exists(pk) AND (((attribute_not_exists(modified)) OR (attribute_type(modified, "NULL"))) OR ((((size(modified) = 24) AND (contains(modified, "T"))) AND (contains(modified, "Z"))) AND (modified <= "2024-01-02T03:04:05.123Z")))"#
    );
    let naive = built(update(json!({"modified": "2024-01-02T03:04:05.123456"})));
    assert!(readable(&naive).1.contains(r#"(NOT (contains(modified, "Z"))) AND (NOT (contains(modified, "z")))"#));
    let required = built(
        repo.update(&ThingKey::new("a"), &json!({"modified": "2024-01-02T03:04:05Z"}))
            .require_lock_value(true)
            .in_one_request(),
    );
    assert!(!readable(&required).1.contains("attribute_not_exists"), "{:?}", readable(&required));
    for other_form in ["2024-01-02T03:04:05+09:00", "2024-01-02 03:04:05Z", "2024-01-02", "2024-01-02T03:04:05.12345"] {
        match err(update(json!({"modified": other_form}))) {
            Error::NeedsStoredItem { path, .. } => assert_eq!(path, "modified", "{other_form}"),
            other => panic!("{other_form}: {other:?}"),
        }
    }
    for (patch, what) in
        [(json!({"n": 1}), "not found in the incoming"), (json!({"modified": "yesterday"}), "not an RFC 3339")]
    {
        match err(update(patch)) {
            Error::Validation { path, message, .. } => {
                assert!(path == "modified" && message.contains(what), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn only_updates_without_increments_or_appends_are_idempotent() {
    let (keys, key) = thing_key();
    let version = lock(LockPolicy::Version, "version", false);
    assert!(plan_for(&keys, &key, json!({"n": 1}), None).is_idempotent());
    assert!(!plan_for(&keys, &key, json!({"n": 1}), Some(&version)).is_idempotent(), "ADD version 1");
    assert!(plan_for(&keys, &key, json!({"n": 1, "version": 2}), Some(&version)).is_idempotent(), "SET version = 3");
    let ops = [Op::Append("tags".into(), Ok(AttributeValue::L(vec![s("x")])))];
    let patch = av(json!({}));
    assert!(!plan(&request(&keys, &key, &patch, None, Some(&ops))).unwrap().is_idempotent());
}

// ---- refusals, explained from the returned item ----

fn thing_key() -> (KeyConfig, Item) {
    (KeyConfig { hash_key: "pk".into(), range_key: None }, item(&[("pk", s("a"))]))
}

fn av(value: serde_json::Value) -> AttributeValue {
    codec::to_attribute_value(&value).unwrap()
}

fn request<'a>(
    keys: &'a KeyConfig,
    key: &'a Item,
    patch: &'a AttributeValue,
    lock: Option<&'a LockConfig>,
    ops: Option<&'a [Op]>,
) -> Request<'a> {
    Request {
        schema: "Thing",
        keys,
        key,
        patch,
        list: ListOp::Replace,
        map: MapOp::Upsert,
        ops: ops.unwrap_or(&[]),
        lock,
        expected_lock: None,
        replaced: &[],
    }
}

fn plan_for(keys: &KeyConfig, key: &Item, patch: serde_json::Value, lock: Option<&LockConfig>) -> Plan {
    let patch = av(patch);
    plan(&request(keys, key, &patch, lock, None)).unwrap()
}

fn lock(policy: LockPolicy, attribute: &str, require: bool) -> LockConfig {
    LockConfig { attribute: attribute.into(), policy, require_existing: require }
}

fn diagnosis(plan: &Plan, stored: Option<Item>) -> String {
    match plan.diagnose("Thing", stored.as_ref()) {
        Refusal::NotFound => "not found".into(),
        Refusal::Conflict => "conflict".into(),
        Refusal::Stale => "stale".into(),
        Refusal::Error(Error::NeedsStoredItem { path, .. }) => format!("needs stored item at {path}"),
        Refusal::Error(Error::Validation { path, message, .. }) => format!("invalid at {path}: {message}"),
        Refusal::Error(other) => format!("{other:?}"),
    }
}

#[test]
fn a_refusal_over_a_missing_or_other_parent_is_what_the_merge_would_say() {
    let (keys, key) = thing_key();
    let plan = plan_for(&keys, &key, json!({"profile": {"geo": {"lat": 1}}}), None);
    assert_eq!(diagnosis(&plan, None), "not found");
    assert_eq!(diagnosis(&plan, Some(item(&[("pk", s("a"))]))), "needs stored item at profile", "shallowest first");
    let null = item(&[("pk", s("a")), ("profile", AttributeValue::Null(true))]);
    assert_eq!(diagnosis(&plan, Some(null)), "needs stored item at profile");
    let scalar = item(&[("pk", s("a")), ("profile", s("x"))]);
    assert_eq!(
        diagnosis(&plan, Some(scalar)),
        "invalid at profile: the patch gives a map at `profile` but the stored value is a string; remove it first to replace it"
    );
    let no_geo = item(&[("pk", s("a")), ("profile", AttributeValue::M(HashMap::new()))]);
    assert_eq!(diagnosis(&plan, Some(no_geo)), "needs stored item at profile.geo");
    let geo = AttributeValue::M([("geo".to_owned(), AttributeValue::M(HashMap::new()))].into());
    assert_eq!(diagnosis(&plan, Some(item(&[("pk", s("a")), ("profile", geo)]))), "conflict", "every guard holds");

    let plan = plan_for(&keys, &key, json!({"tags": ["x"]}), None);
    let set = item(&[("pk", s("a")), ("tags", AttributeValue::Ss(vec!["y".into()]))]);
    assert_eq!(diagnosis(&plan, Some(set)), "needs stored item at tags", "a list over a stored set");
}

#[test]
fn a_refused_explicit_action_names_the_stored_type() {
    let (keys, key) = thing_key();
    let ops = [Op::Increment("n".into(), Ok(n("1"))), Op::Set(AttrPath::new("stats").field("best"), Ok(n("1")))];
    let patch = av(json!({}));
    let plan = plan(&request(&keys, &key, &patch, None, Some(&ops))).unwrap();
    let string = item(&[("pk", s("a")), ("n", s("many"))]);
    assert_eq!(diagnosis(&plan, Some(string)), "invalid at n: cannot increment: the stored value is a string");
    let no_stats = item(&[("pk", s("a")), ("n", n("1"))]);
    assert_eq!(
        diagnosis(&plan, Some(no_stats)),
        "invalid at stats: an explicit action writes inside a map here, but it is not stored"
    );
}

#[test]
fn a_refused_lock_is_a_conflict_stale_or_the_merges_lock_error() {
    let (keys, key) = thing_key();
    let stored = |pairs: &[(&str, AttributeValue)]| {
        let mut all = vec![("pk", s("a"))];
        all.extend_from_slice(pairs);
        Some(item(&all))
    };

    let version = lock(LockPolicy::Version, "version", false);
    let read = plan_for(&keys, &key, json!({"version": 3}), Some(&version));
    assert_eq!(diagnosis(&read, stored(&[("version", n("4"))])), "conflict");
    let bump = plan_for(&keys, &key, json!({"n": 1}), Some(&version));
    assert_eq!(diagnosis(&bump, stored(&[("version", AttributeValue::Null(true))])), "needs stored item at version");
    assert!(diagnosis(&bump, stored(&[("version", s("x"))])).contains("is not an integer version"));
    let required = plan_for(&keys, &key, json!({"n": 1}), Some(&lock(LockPolicy::Version, "version", true)));
    assert!(diagnosis(&required, stored(&[])).contains("not found in the stored item"));

    let equality = lock(LockPolicy::Equality, "modified", true);
    let present = plan_for(&keys, &key, json!({"n": 1}), Some(&equality));
    assert!(diagnosis(&present, stored(&[])).contains("lock attribute `modified` not found in the stored item"));

    let latest = lock(LockPolicy::LatestWins, "modified", false);
    let update = plan_for(&keys, &key, json!({"modified": "2024-01-01T00:00:10Z"}), Some(&latest));
    assert_eq!(diagnosis(&update, stored(&[("modified", s("2024-01-01T00:00:11Z"))])), "stale");
    assert_eq!(
        diagnosis(&update, stored(&[("modified", s("2024-01-01T09:00:00+09:00"))])),
        "needs stored item at modified",
        "older as an instant (00:00Z) but in another form"
    );
    assert_eq!(
        diagnosis(&update, stored(&[("modified", s("2024-01-01T09:00:11+09:00"))])),
        "stale",
        "newer as an instant"
    );
    assert_eq!(
        diagnosis(&update, stored(&[("modified", s("2024-01-01T09:00:10+09:00"))])),
        "needs stored item at modified",
        "the same instant: the merge writes"
    );
    assert!(diagnosis(&update, stored(&[("modified", s("yesterday"))])).contains("not an RFC 3339"));
    assert!(diagnosis(&update, stored(&[("modified", s("2024-01-01T00:00:00"))])).contains("only one has a UTC offset"));
    let guard = update.guards.last().unwrap();
    assert!(guard.holds(&item(&[("modified", s("2024-01-01T00:00:10Z"))])), "equal instants write");
    assert!(guard.holds(&item(&[("modified", AttributeValue::Null(true))])));
    assert!(guard.holds(&item(&[])));
    assert!(!guard.holds(&item(&[("modified", s("2024-01-01T00:00:09.5Z"))])), "other length");
}

#[test]
fn a_retry_recognises_its_own_write_by_every_change_being_there() {
    let (keys, key) = thing_key();
    let ops = [
        Op::AddToSet("labels".into(), Ok(AttributeValue::Ss(vec!["a".into()]))),
        Op::RemoveFromSet("codes".into(), Ok(AttributeValue::Ns(vec!["1".into()]))),
        Op::Remove("note".into()),
    ];
    let patch = av(json!({"n": 2, "profile": {"city": "X"}}));
    let plan = plan(&request(&keys, &key, &patch, None, Some(&ops))).unwrap();
    let profile = AttributeValue::M([("city".to_owned(), s("X"))].into());
    let mine = item(&[
        ("n", n("2.0")),
        ("profile", profile.clone()),
        ("labels", AttributeValue::Ss(vec!["b".into(), "a".into()])),
        ("codes", AttributeValue::Ns(vec!["2".into()])),
    ]);
    assert!(plan.reflected_in(&mine));
    let with_note = item(&[
        ("note", s("x")),
        ("n", n("2")),
        ("profile", profile.clone()),
        ("labels", AttributeValue::Ss(vec!["a".into()])),
    ]);
    assert!(!plan.reflected_in(&with_note));
    let other = item(&[("n", n("3")), ("profile", profile), ("labels", AttributeValue::Ss(vec!["a".into()]))]);
    assert!(!plan.reflected_in(&other));
    let ops = [Op::Increment("n".into(), Ok(n("1")))];
    let empty = av(json!({}));
    let counter = super::super::expression::plan(&request(&keys, &key, &empty, None, Some(&ops))).unwrap();
    assert!(!counter.reflected_in(&item(&[("n", n("1"))])), "an increment is never recognised");
}

#[test]
fn timestamps_compare_as_text_only_in_fixed_width_forms() {
    for (text, form) in [
        ("2024-01-02T03:04:05Z", Some(true)),
        ("2024-01-02T03:04:05.123456789Z", Some(true)),
        ("2024-01-02T03:04:05", Some(false)),
        ("2024-01-02T03:04:05.1234", Some(false)),
        ("2024-01-02T03:04:05.123456", Some(false)),
        ("2024-01-02T03:04:05.12345", None),
        ("2024-01-02T03:04:05.1234567", None),
        ("2024-01-02T03:04:05z", None),
        ("2024-01-02t03:04:05Z", None),
        ("2024-01-02T03:04:05+00:00", None),
        ("2024-02-30T03:04:05Z", None),
        ("2024-01-02", None),
        ("", None),
    ] {
        assert_eq!(comparable_as_text(text), form, "{text}");
    }
}

#[test]
fn a_union_value_in_the_patch_is_set_whole() {
    use crate::meta::PathStep;
    static REPLACED: &[&[PathStep]] =
        &[&[PathStep::Field("method")], &[PathStep::Field("billing"), PathStep::AnyKey, PathStep::Field("method")]];
    let (keys, key) = thing_key();
    let patch = av(json!({
        "method": {"type": "paypal", "email": "a@b.c"},
        "billing": {"home": {"method": {"type": "card", "last4": "4242"}, "city": "Oslo"}},
        "address": {"city": "Oslo"},
    }));
    let mut request = request(&keys, &key, &patch, None, None);
    request.replaced = REPLACED;
    let plan = plan(&request).unwrap();
    let set_paths: Vec<String> = plan
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Set(path, _) => Some(path.to_string()),
            _ => None,
        })
        .collect();
    // The unions are set whole; the plain map is merged field by field, as before.
    assert_eq!(set_paths, ["address.city", "billing.home.city", "billing.home.method", "method"]);
    let guarded: Vec<String> = plan
        .guards
        .iter()
        .filter_map(|g| match g {
            Guard::Container { path, .. } => Some(path.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(guarded, ["address", "billing", "billing.home"]);
}
