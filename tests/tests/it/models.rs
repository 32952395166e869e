//! Generated models against the real runtime: both seed schema files and the sample `openapi.yml`
//! expand, compile warning-free, and round-trip through DynamoDB items losslessly.

#![deny(warnings)]

use daplug_runtime::{Item, Model};

/// The Python package's own test schema (components-only file).
pub mod seed {
    daplug_runtime::schema!("fixtures/seed-openapi.yml");
}

/// The schema the behaviour vectors were recorded with.
pub mod vectors {
    daplug_runtime::schema!("fixtures/vectors-openapi.yml");
}

/// The sample schema used by the example.
pub mod example {
    daplug_runtime::schema!("../openapi.yml");
}

fn round_trip<M: Model + PartialEq + std::fmt::Debug + Clone>(model: &M) {
    let item: Item = model.to_item().unwrap();
    assert_eq!(&M::from_item(item).unwrap(), model);
    let json = serde_json::to_value(model).unwrap();
    assert_eq!(&M::from_json(&json).unwrap(), model);
}

#[test]
fn seed_models_round_trip() {
    let model = seed::TestDynamoModel::from_json(&serde_json::json!({
        "test_id": "t1",
        "object_key": {"string_key": "s", "ignored": 1},
        "array_number": [1, 2.5],
        "array_objects": [{"array_string_key": "a", "array_number_key": 3}],
        "unknown": "dropped"
    }))
    .unwrap();
    assert_eq!(model.test_id.as_deref(), Some("t1"));
    round_trip(&model);
    let company = seed::TestEsMapperModel::from_json(&serde_json::json!({"company_type": "3PO"})).unwrap();
    round_trip(&company);
    let err = seed::TestDynamoModel::from_json(&serde_json::json!({"array_objects": [{"array_number_key": "x"}]}))
        .unwrap_err();
    assert!(
        matches!(&err, daplug_runtime::Error::Validation { path, .. } if path == "array_objects[0].array_number_key"),
        "{err}"
    );
}

#[test]
fn vector_models_round_trip() {
    let order = vectors::Order::from_json(&serde_json::json!({
        "pk": "order-1", "sk": "v1", "status": "open",
        "address": {"street": "1 Main", "city": "Springfield", "geo": {"lat": 10, "lng": -20, "alt": 5}},
        "scores": [1, 2, 3], "tags": ["a"],
        "line_items": [{"sku": "s1", "qty": 2, "price": 10.5}],
        "metadata": {"anything": {"goes": [1, "x"]}},
        "note": null, "count": 7
    }))
    .unwrap();
    round_trip(&order);
    let item = order.to_item().unwrap();
    assert!(!item.contains_key("note"), "None is omitted, not stored as NULL");
    let audit =
        vectors::OrderWithAudit::from_json(&serde_json::json!({"pk": "p", "sk": "s", "audit": {"by": "me"}})).unwrap();
    round_trip(&audit);
}

#[test]
fn example_model_has_keys_and_metadata() {
    let meta = example::ExampleModel::META;
    assert_eq!(meta.schema, "ExampleModel");
    assert_eq!(meta.hash_key.map(|k| k.name), Some("record_id"));
    assert_eq!(meta.hash_prefix, Some("order#"));
    assert_eq!(meta.idempotence_key, Some("modified"));
    assert_eq!(meta.indexes.len(), 1);
    let key = example::ExampleModelKey { record_id: "abc".into() };
    let key_item = <example::ExampleModel as Model>::key_item(&key).unwrap();
    assert_eq!(key_item.len(), 1);
    let model = daplug_runtime::payload!("../openapi.yml", example::ExampleModel {
        "record_id": "abc",
        "status": "open",
        "array_number": [1, 2, 3],
        "line_items": [{"sku": "a", "qty": 2}]
    })
    .unwrap();
    round_trip(&model);
    let back: Item = model.clone().into();
    assert_eq!(example::ExampleModel::try_from(back).unwrap(), model);
}

/// A hand-written struct with the derive: keys, prefix, lock attribute and an index from attributes,
/// checked against the vectors' `Order` schema at compile time.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, daplug_runtime::DaplugModel)]
#[daplug(schema_name = "orders", index(name = "status-index", hash_key = "status"))]
#[daplug(schema = "fixtures/vectors-openapi.yml", name = "Order")]
pub struct DerivedOrder {
    #[daplug(hash_key, prefix = "tenant#")]
    pub pk: String,
    #[daplug(range_key)]
    pub sk: String,
    #[daplug(idempotence_key)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

#[tokio::test]
async fn derived_model_works_end_to_end() {
    let meta = DerivedOrder::META;
    assert_eq!(meta.schema, "orders");
    assert_eq!(meta.hash_prefix, Some("tenant#"));
    assert_eq!(meta.idempotence_key, Some("modified"));
    assert_eq!(meta.indexes[0].hash_key.name, "status");
    let config = crate::harness::sdk_config().await;
    let adapter = daplug_runtime::Adapter::builder()
        .sdk_config(config.clone())
        .table(crate::harness::unique("derived"))
        .keys_from::<DerivedOrder>()
        .build()
        .unwrap();
    adapter.create_table_if_missing::<DerivedOrder>().await.unwrap();
    let repo = adapter.repository::<DerivedOrder>();
    let order = DerivedOrder {
        pk: "a".into(),
        sk: "1".into(),
        modified: Some("2024-01-01T00:00:00Z".into()),
        status: Some("open".into()),
        count: Some(1),
    };
    repo.insert(&order).await.unwrap();
    let key = DerivedOrderKey { pk: "a".into(), sk: "1".into() };
    assert_eq!(repo.get(&key).await.unwrap(), Some(order.clone()));
    let patch = DerivedOrderPatch {
        count: Some(Some(2)),
        modified: Some(Some("2024-01-02T00:00:00Z".into())),
        ..Default::default()
    };
    let updated = repo.update(&key, &patch).await.unwrap();
    assert_eq!(updated.count, Some(2));
    let by_status = repo.query().index("status-index").key_eq("status", "open").await.unwrap();
    assert_eq!(by_status.items, vec![updated]);
    let raw = crate::harness::raw_count(&config, adapter.table()).await;
    assert_eq!(raw, 1);
}

/// Minimal repros of constructs from real public specs (`daplug-codegen/tests/corpus/min/`), each
/// with the behaviour a user of that spec relies on.
pub mod real {
    /// Discord: an integer enum spelled `oneOf: [{const: 1}, ...]`.
    pub mod int_enum {
        daplug_runtime::schema!("../daplug-codegen/tests/corpus/min/const-oneof-int-enum.yml");
    }
    /// Xero: `properties` next to a `oneOf` of constraint-only alternatives.
    pub mod constraints {
        daplug_runtime::schema!("../daplug-codegen/tests/corpus/min/properties-with-oneof-constraints.yml");
    }
    /// OpenAI: an `allOf` of an `anyOf` and one more property.
    pub mod union_plus {
        daplug_runtime::schema!("../daplug-codegen/tests/corpus/min/allof-anyof-plus-properties.yml");
    }
    /// Discord: `oneOf: [null, $ref]` beside a component of the nested type's name.
    pub mod nullable_ref {
        daplug_runtime::schema!("../daplug-codegen/tests/corpus/min/oneof-null-ref-collision.yml");
    }
    /// DigitalOcean: a whole-file external `$ref`.
    pub mod external {
        daplug_runtime::schema!("../daplug-codegen/tests/corpus/min/external-ref-wholefile.yml");
    }
    /// Hostile but legal: a schema that is an array of itself.
    pub mod recursive {
        daplug_runtime::schema!("fixtures/recursive-alias.yml");
    }
}

#[test]
fn integer_enums_reject_other_values_with_their_path() {
    use real::int_enum::{Action, ActionTypes};
    let action = Action::from_json(&serde_json::json!({"type": 2})).unwrap();
    assert_eq!(action.type_, ActionTypes::FlagToChannel);
    round_trip(&action);
    assert_eq!(serde_json::to_value(&action).unwrap(), serde_json::json!({"type": 2}));
    for bad in [serde_json::json!(999), serde_json::json!("not a number")] {
        let err = Action::from_json(&serde_json::json!({ "type": bad })).unwrap_err();
        assert!(matches!(&err, daplug_runtime::Error::Validation { path, .. } if path == "type"), "{err}");
    }
    let err = Action::from_json(&serde_json::json!({"type": 999})).unwrap_err();
    assert!(err.to_string().contains("expected one of 1, 2"), "{err}");
}

#[test]
fn properties_beside_constraint_alternatives_survive() {
    use real::constraints::NiCategory;
    let body = serde_json::json!({"niCategory": "I", "niCategoryID": 15.0, "workplacePostcode": "SW1A 1AA"});
    let category = NiCategory::from_json(&body).unwrap();
    assert_eq!(serde_json::to_value(&category).unwrap(), body);
    round_trip(&category);
    // The declared `required` list still holds (the alternatives' lists are not checked).
    assert!(NiCategory::from_json(&serde_json::json!({"niCategory": "I"})).is_err());
}

#[test]
fn union_alternatives_become_optional_fields() {
    use real::union_plus::Event;
    let body = serde_json::json!({"a": "x", "stream_id": "s1"});
    let event = Event::from_json(&body).unwrap();
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
    round_trip(&event);
}

#[test]
fn nullable_ref_is_an_option_of_the_component() {
    use real::nullable_ref::{RichEmbed, RichEmbedAuthor};
    let embed = RichEmbed::from_json(&serde_json::json!({"author": {"name": "n"}})).unwrap();
    assert_eq!(embed.author, Some(RichEmbedAuthor { name: Some("n".into()) }));
    round_trip(&embed);
    let empty = RichEmbed::from_json(&serde_json::json!({"author": null})).unwrap();
    assert_eq!(empty.author, None);
}

#[test]
fn external_whole_file_schema_is_named_after_the_file() {
    use real::external::{ExternalRefKernel, Holder};
    let holder = Holder::from_json(&serde_json::json!({"kernel": {"id": 7}})).unwrap();
    assert_eq!(holder.kernel, Some(ExternalRefKernel { id: Some(7) }));
    round_trip(&holder);
}

#[test]
fn recursive_alias_is_a_newtype_that_round_trips() {
    use real::recursive::{Tree, Wrapper};
    let wrapper = Wrapper::from_json(&serde_json::json!({"tree": [[], [[]]]})).unwrap();
    assert_eq!(wrapper.tree, Some(Tree(vec![Tree(vec![]), Tree(vec![Tree(vec![])])])));
    round_trip(&wrapper);
}

/// A subset of a public spec: only `Booking` and what it reaches are generated.
pub mod travel {
    daplug_runtime::schema!("../daplug-codegen/tests/corpus/train-travel.yaml", schemas = ["Booking"]);
}

#[test]
fn a_subset_generates_the_named_schema_under_its_usual_name() {
    let body = serde_json::json!({"trip_id": "ea399ba1-6d95-433f-92d1-83f67b775594", "passenger_name": "John Doe", "has_bicycle": true, "has_dog": false});
    let booking = travel::Booking::from_json(&body).unwrap();
    assert_eq!(booking.passenger_name.as_deref(), Some("John Doe"));
    round_trip(&booking);
}
