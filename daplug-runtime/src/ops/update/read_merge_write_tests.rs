//! Unit tests of what an update plans once the stored item is known (no emulator).

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::json;

use super::*;
use crate::ops::test_support::{adapter, Thing, ThingKey};

fn stored(n: i64, version: Option<i64>) -> Item {
    let mut item: Item =
        [("pk".to_owned(), AttributeValue::S("a".into())), ("n".to_owned(), AttributeValue::N(n.to_string()))]
            .into_iter()
            .collect();
    if let Some(version) = version {
        item.insert("version".into(), AttributeValue::N(version.to_string()));
    }
    item
}

fn write(step: Step<Thing>) -> (aws_sdk_dynamodb::operation::put_item::PutItemInput, Thing) {
    match step {
        Step::Write { input, model, .. } => (input.build().unwrap(), model),
        Step::Done(outcome) => panic!("expected a write, got {outcome:?}"),
    }
}

#[test]
fn an_unlocked_update_writes_the_merged_item_on_condition_that_it_still_exists() {
    let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
    let update = repo.update(&ThingKey::new("a"), &json!({"n": 5}));
    let (input, model) = write(update.plan_write(stored(1, None), &repo.adapter().prefixes()).unwrap());
    assert_eq!(model, Thing::new("a", 5));
    assert_eq!(input.item().unwrap()["pk"], AttributeValue::S("t#a".into()));
    assert_eq!(input.item().unwrap()["n"], AttributeValue::N("5".into()));
    assert_eq!(input.condition_expression(), Some("attribute_exists(#n0)"));
}

#[test]
fn a_versioned_update_is_conditioned_on_the_read_version_and_writes_the_next() {
    let repo = adapter(|b| b.idempotence_key("version").lock_policy(LockPolicy::Version)).repository::<Thing>();
    let update = repo.update(&ThingKey::new("a"), &json!({"n": 5}));
    let (input, model) = write(update.plan_write(stored(1, Some(3)), &Prefixes::none()).unwrap());
    assert_eq!(model.version, Some(4));
    assert_eq!(input.condition_expression(), Some("attribute_exists(#n0) AND #n1 = :v0"));
    assert_eq!(input.expression_attribute_values().unwrap()[":v0"], AttributeValue::N("3".into()));
    let stale = repo.update(&ThingKey::new("a"), &json!({"version": 2}));
    let step = stale.plan_write(stored(1, Some(3)), &Prefixes::none()).unwrap();
    assert!(matches!(step, Step::Done(UpdateOutcome::Conflict { current: Some(_) })), "a patch from an older read");
}

#[test]
fn changing_a_key_attribute_or_patching_with_a_non_object_is_refused() {
    let repo = adapter(|b| b).repository::<Thing>();
    let moved = repo.update(&ThingKey::new("a"), &json!({"pk": "b"}));
    assert!(matches!(moved.plan_write(stored(1, None), &Prefixes::none()), Err(Error::InvalidKey { .. })));
    let scalar = repo.update(&ThingKey::new("a"), &json!(3));
    let err = scalar.plan_write(stored(1, None), &Prefixes::none()).err().unwrap();
    assert!(matches!(&err, Error::Validation { path, .. } if path == "."), "{err:?}");
}

#[test]
fn if_lock_value_refuses_to_write_over_a_value_other_than_the_one_read() {
    let repo = adapter(|b| b.idempotence_key("version")).repository::<Thing>();
    let prefixes = repo.adapter().prefixes();
    let changed = repo.update(&ThingKey::new("a"), &json!({"n": 5})).if_lock_value(3);
    match changed.plan_write(stored(1, Some(4)), &prefixes).unwrap() {
        Step::Done(UpdateOutcome::Conflict { current }) => assert_eq!(current.unwrap().version, Some(4)),
        Step::Done(other) => panic!("expected a conflict, got {other:?}"),
        Step::Write { .. } => panic!("expected a conflict, got a write"),
    }
    let same = repo.update(&ThingKey::new("a"), &json!({"n": 5})).if_lock_value(4);
    let (input, model) = write(same.plan_write(stored(1, Some(4)), &prefixes).unwrap());
    assert_eq!(model.n, 5);
    assert_eq!(input.expression_attribute_values().unwrap()[":v0"], AttributeValue::N("4".into()));
    let unlocked = adapter(|b| b).repository::<Thing>();
    let err = unlocked.update(&ThingKey::new("a"), &json!({"n": 5})).if_lock_value(4);
    assert!(matches!(err.plan_write(stored(1, None), &prefixes), Err(Error::Config(_))));
}

#[test]
fn one_mistake_has_one_message_on_create_and_on_update() {
    let repo = adapter(|b| b).repository::<Thing>();
    let created = Thing::from_json(&json!({"pk": "a", "n": "ten"})).unwrap_err();
    let update = repo.update(&ThingKey::new("a"), &json!({"n": "ten"}));
    let updated = update.plan_write(stored(1, None), &Prefixes::none()).err().unwrap();
    let validation = |err: Error| match err {
        Error::Validation { path, message, .. } => (path, message),
        other => panic!("expected Validation, got {other:?}"),
    };
    let (created, updated) = (validation(created), validation(updated));
    assert_eq!(created, ("n".to_owned(), r#"invalid type: string "ten", expected i64"#.to_owned()));
    assert_eq!(updated, created);
}
