//! Exact unions (`fixtures/unions.yml`, modelled on what public APIs write): a discriminated union
//! is read by its tag (declared by the alternatives or not, with and without a `mapping`, a tag
//! pinned by a one-value `enum`, a tag found without a discriminator), nested in lists and maps;
//! an untagged union tries its alternatives from the most specific to the least; an `allOf`
//! inheritance base reads the child its tag names; `additionalProperties: false` refuses unknown
//! fields in JSON. For each instance: the variant it is read as, the JSON written back, the item
//! round trip, and the error (with its path) of what the spec forbids. Against the emulator: a
//! patch that switches a union to another alternative replaces it whole, through both update
//! modes.

use daplug_runtime::{Error, Model};
use serde_json::{json, Value};

use crate::harness::{raw_get, standard};

mod spec {
    daplug_runtime::schema!("fixtures/unions.yml");
}

use spec::*;

/// A subscription holding `payment_method` (JSON) and nothing else of note.
fn subscription(payment_method: Value) -> Value {
    json!({"pk": "p", "sk": "s", "payment_method": payment_method})
}

/// `json` read as a subscription: the path and message of the error, if any.
fn refused(json: Value) -> (String, String) {
    match Subscription::from_json(&json) {
        Err(Error::Validation { path, message, .. }) => (path, message),
        other => panic!("expected a validation error for {json}, got {other:?}"),
    }
}

/// The value read from `text`, written back as JSON text, and read back from its item inside a
/// subscription: all must agree.
fn round_trip(method: &PaymentMethod) -> String {
    let sub = Subscription { payment_method: method.clone(), ..base() };
    let item = sub.to_item().unwrap();
    assert_eq!(Subscription::from_item(item).unwrap().payment_method, *method);
    serde_json::to_string(method).unwrap()
}

fn base() -> Subscription {
    Subscription::from_json(&subscription(json!({"type": "paypal", "email": "a@example.com"}))).unwrap()
}

#[test]
fn a_discriminated_union_reads_the_alternative_its_tag_names() {
    // The tag after the fields; the alternative declares it: read as a card, written tag first, once.
    let card: PaymentMethod = serde_json::from_str(r#"{"brand": "visa", "last4": "4242", "type": "card"}"#).unwrap();
    assert!(matches!(&card, PaymentMethod::Card(c) if c.type_ == "card" && c.last4 == "4242"));
    assert_eq!(round_trip(&card), r#"{"type":"card","brand":"visa","last4":"4242"}"#);
    // Two mapping values name the card: the one read is kept.
    let credit: PaymentMethod =
        serde_json::from_str(r#"{"type": "credit_card", "brand": "amex", "last4": "1"}"#).unwrap();
    assert!(matches!(&credit, PaymentMethod::Card(c) if c.type_ == "credit_card"));
    assert_eq!(round_trip(&credit), r#"{"type":"credit_card","brand":"amex","last4":"1"}"#);
    // First-fit used to read this as a card (its fields fit) and drop the bank code.
    let sepa: PaymentMethod =
        serde_json::from_str(r#"{"type": "sepa_debit", "iban": "DE89", "bank_code": "370400"}"#).unwrap();
    assert!(matches!(&sepa, PaymentMethod::SepaDebit(s) if s.bank_code.as_deref() == Some("370400")));
    assert_eq!(round_trip(&sepa), r#"{"type":"sepa_debit","iban":"DE89","bank_code":"370400"}"#);
    // A value built in Rust whose own tag field says something else is written as what it is.
    let built = PaymentMethod::Card(Card {
        type_: "paypal".into(),
        brand: "visa".into(),
        last4: "9".into(),
        price: None,
        holder: None,
    });
    assert_eq!(serde_json::to_string(&built).unwrap(), r#"{"type":"card","brand":"visa","last4":"9"}"#);
    // Without a mapping the schema names are the tag values.
    let circle: Shape = serde_json::from_str(r#"{"radius": 2.0, "kind": "Circle"}"#).unwrap();
    assert!(matches!(circle, Shape::Circle(Circle { radius, .. }) if radius == 2.0));
    assert!(serde_json::from_str::<Shape>(r#"{"kind": "circle", "radius": 2.0}"#).is_err());
}

#[test]
fn a_union_tagged_by_a_pinned_property_reads_by_it_with_or_without_a_discriminator() {
    let failed: InvoiceEvent =
        serde_json::from_str(r#"{"invoice": "in_1", "type": "invoice.payment_failed", "reason": "card declined"}"#)
            .unwrap();
    assert!(matches!(&failed, InvoiceEvent::InvoicePaymentFailed(e) if e.reason.as_deref() == Some("card declined")));
    assert_eq!(
        serde_json::to_string(&failed).unwrap(),
        r#"{"type":"invoice.payment_failed","invoice":"in_1","reason":"card declined"}"#
    );
    // No discriminator: `channel` is required and pinned to a value of its own in each alternative.
    let sms: Notification = serde_json::from_str(r#"{"number": "+4712345678", "channel": "sms"}"#).unwrap();
    assert!(matches!(sms, Notification::Variant1(_)));
    assert_eq!(serde_json::to_string(&sms).unwrap(), r#"{"channel":"sms","number":"+4712345678"}"#);
}

#[test]
fn errors_inside_a_union_name_the_path_in_the_alternative_the_tag_chose() {
    let (path, message) = refused(subscription(json!({"type": "card", "brand": "visa", "last4": 4242})));
    assert_eq!(path, "payment_method.last4");
    assert_eq!(message, "invalid type: integer `4242`, expected a string");
    // The fields before the tag are held until the tag has chosen; their errors keep their path too
    // (a `Value`'s keys come sorted, so `type` is last here), at any depth.
    let (path, message) =
        refused(subscription(json!({"type": "card", "brand": "v", "last4": "1", "holder": {"lines": ["a", 7]}})));
    assert_eq!(path, "payment_method.holder.lines[1]");
    assert_eq!(message, "invalid type: integer `7`, expected a string");
    let (path, message) = refused(subscription(json!({"type": "bitcoin", "address": "1A1z"})));
    assert_eq!(path, "payment_method.type");
    assert_eq!(message, "unknown variant `bitcoin`, expected one of `card`, `credit_card`, `paypal`, `sepa_debit`");
    // The tag chooses; the fields given must then fit that alternative.
    let (path, message) = refused(subscription(json!({"type": "paypal", "brand": "visa", "last4": "4242"})));
    assert_eq!((path.as_str(), message.as_str()), ("payment_method", "missing field `email`"));
    let (path, message) = refused(subscription(json!("card")));
    assert_eq!(path, "payment_method");
    assert_eq!(message, "invalid type: string \"card\", expected internally tagged enum PaymentMethod");
    let (path, message) = refused(subscription(json!({"brand": "visa"})));
    assert_eq!((path.as_str(), message.as_str()), ("payment_method", "missing field `type`"));
    // Nested in lists and maps, the path goes through them.
    let mut nested = subscription(json!({"type": "paypal", "email": "a@example.com"}));
    nested["events"] =
        json!([{"type": "invoice.paid", "invoice": "in_1"}, {"type": "invoice.voided", "invoice": "in_2"}]);
    let (path, message) = refused(nested);
    assert_eq!(path, "events[1].type");
    assert_eq!(message, "unknown variant `invoice.voided`, expected `invoice.paid` or `invoice.payment_failed`");
    let mut nested = subscription(json!({"type": "paypal", "email": "a@example.com"}));
    nested["methods_by_id"] = json!({"m1": {"type": "card", "brand": "visa"}});
    let (path, message) = refused(nested);
    assert_eq!((path.as_str(), message.as_str()), ("methods_by_id.m1", "missing field `last4`"));
    let mut nested = subscription(json!({"type": "paypal", "email": "a@example.com"}));
    nested["notification"] = json!({"channel": "fax", "number": "1"});
    assert_eq!(refused(nested).0, "notification.channel");
}

#[test]
fn tagged_unions_read_from_items_by_their_tag() {
    let sub = Subscription {
        methods: Some(vec![
            PaymentMethod::Paypal(Paypal { type_: "paypal".into(), email: "a@example.com".into() }),
            PaymentMethod::SepaDebit(SepaDebit { type_: "sepa_debit".into(), iban: "DE89".into(), bank_code: None }),
        ]),
        events: Some(vec![InvoiceEvent::InvoicePaid(InvoicePaid {
            type_: InvoicePaidType::InvoicePaid,
            invoice: "in_1".into(),
        })]),
        ..base()
    };
    let item = sub.to_item().unwrap();
    assert_eq!(Subscription::from_item(item.clone()).unwrap(), sub);
    // An unknown tag in a stored item names its path, as in JSON.
    let mut bad = item;
    let methods = bad.get_mut("methods").and_then(|m| m.as_l().ok().cloned()).unwrap();
    let mut second = methods[1].as_m().unwrap().clone();
    second.insert("type".into(), aws_sdk_dynamodb::types::AttributeValue::S("bitcoin".into()));
    bad.insert(
        "methods".into(),
        aws_sdk_dynamodb::types::AttributeValue::L(vec![
            methods[0].clone(),
            aws_sdk_dynamodb::types::AttributeValue::M(second),
        ]),
    );
    match Subscription::from_item(bad) {
        Err(Error::Validation { path, message, .. }) => {
            assert_eq!(path, "methods[1].type");
            assert!(message.starts_with("unknown variant `bitcoin`"), "{message}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn untagged_unions_try_the_most_specific_alternative_first() {
    let read = |field: &str, value: Value| {
        let mut json = subscription(json!({"type": "paypal", "email": "a@example.com"}));
        json[field] = value;
        Subscription::from_json(&json)
    };
    // Known values or any string: the known values are recognised.
    let low = read("level", json!("low")).unwrap();
    assert_eq!(low.level, Some(KnownOrAny::Variant1(KnownOrAnyVariant1::Low)));
    let other = read("level", json!("medium")).unwrap();
    assert_eq!(other.level, Some(KnownOrAny::String("medium".into())));
    // An integer before a float.
    assert_eq!(read("amount", json!(5)).unwrap().amount, Some(Amount::Integer(5)));
    assert_eq!(read("amount", json!(1.5)).unwrap().amount, Some(Amount::Number(1.5)));
    // A struct before a map of anything.
    assert!(matches!(read("setting", json!({"enabled": true})).unwrap().setting, Some(Setting::Flag(_))));
    assert!(matches!(read("setting", json!({"colour": "red"})).unwrap().setting, Some(Setting::Map(_))));
    // Alternatives told apart by a format and a pattern: each read through its constraints, a
    // value that fits neither refused.
    let uuid = "550e8400-e29b-41d4-a716-446655440000";
    let id = NameOrId::String(NameOrIdString(uuid.to_owned()));
    assert_eq!(read("reference", json!(uuid)).unwrap().reference, Some(id));
    let name = NameOrId::String2(NameOrIdString2("order-7".to_owned()));
    assert_eq!(read("reference", json!("order-7")).unwrap().reference, Some(name));
    assert!(read("reference", json!("Not A Name")).is_err());
    // The same order reading items.
    let sub = read("level", json!("high")).unwrap();
    let back = Subscription::from_item(sub.to_item().unwrap()).unwrap();
    assert_eq!(back.level, Some(KnownOrAny::Variant1(KnownOrAnyVariant1::High)));
    let sub = Subscription {
        amount: Some(Amount::Integer(7)),
        setting: read("setting", json!({"enabled": false})).unwrap().setting,
        ..sub
    };
    assert_eq!(Subscription::from_item(sub.to_item().unwrap()).unwrap(), sub);
}

#[test]
fn an_object_without_properties_is_an_object() {
    let mut json = subscription(json!({"type": "paypal", "email": "a@example.com"}));
    json["metadata"] = json!({"source": "web", "count": 2});
    let sub = Subscription::from_json(&json).unwrap();
    assert_eq!(sub.metadata.as_ref().map(|m| m.len()), Some(2));
    for not_an_object in [json!("order 6735"), json!(42), json!([1])] {
        json["metadata"] = not_an_object;
        let (path, message) = refused(json.clone());
        assert_eq!(path, "metadata");
        assert!(message.starts_with("invalid type:") && message.ends_with("expected a map"), "{message}");
    }
}

#[test]
fn inheritance_reads_the_child_the_tag_names() {
    let cat: Pet = serde_json::from_str(r#"{"name": "Tom", "huntingSkill": "lazy", "petType": "cat"}"#).unwrap();
    assert!(matches!(&cat, Pet::Cat(c) if c.hunting_skill == Some(CatHuntingSkill::Lazy) && c.name == "Tom"));
    assert_eq!(serde_json::to_string(&cat).unwrap(), r#"{"petType":"cat","name":"Tom","huntingSkill":"lazy"}"#);
    let dog: Pet = serde_json::from_str(r#"{"petType": "dog", "name": "Rex", "packSize": 3}"#).unwrap();
    assert!(matches!(&dog, Pet::Dog(d) if d.pack_size == 3));
    // A dog without its own required field is no dog (first-fit read it as a plain pet).
    let err = serde_json::from_str::<Pet>(r#"{"petType": "dog", "name": "Rex"}"#).unwrap_err();
    assert!(err.to_string().starts_with("missing field `packSize`"), "{err}");
    // The mapping names only the children: the base itself is abstract here.
    assert!(serde_json::from_str::<Pet>(r#"{"petType": "Pet", "name": "Rex"}"#).is_err());
    let mut json = subscription(json!({"type": "paypal", "email": "a@example.com"}));
    json["pet"] = json!({"petType": "dog", "name": "Rex", "packSize": 3});
    let sub = Subscription::from_json(&json).unwrap();
    assert_eq!(Subscription::from_item(sub.to_item().unwrap()).unwrap().pet, Some(dog));
}

#[test]
fn a_mapping_pointer_through_a_ref_names_its_schema() {
    let widget: Thing = serde_json::from_str(r#"{"kind": "widget", "size": 3}"#).unwrap();
    assert!(matches!(widget, Thing::Widget(Widget { size: 3, .. })));
    let gadget: Thing = serde_json::from_str(r#"{"kind": "gadget", "power": 9}"#).unwrap();
    assert!(matches!(gadget, Thing::Gadget(_)));
}

#[test]
fn closed_objects_refuse_unknown_fields_in_json_and_skip_them_in_items() {
    let err = serde_json::from_str::<Closed>(r#"{"a": "x", "b": 1}"#).unwrap_err();
    assert!(err.to_string().starts_with("unknown field `b`, expected `a`"), "{err}");
    assert_eq!(serde_json::from_str::<Closed>(r#"{"a": "x"}"#).unwrap(), Closed { a: "x".into() });
    match Closed::from_json(&json!({"a": "x", "b": 1})) {
        Err(Error::Validation { path, message, .. }) => {
            assert_eq!((path.as_str(), message.as_str()), ("b", "unknown field `b`, expected `a`"));
        }
        other => panic!("expected the unknown field refused, got {other:?}"),
    }
    // Another writer's extra attribute in the table does not make the item unreadable.
    use daplug_runtime::__private::{AttributeValue, Decode};
    let item = AttributeValue::M(
        [("a".to_owned(), AttributeValue::S("x".into())), ("added_later".to_owned(), AttributeValue::Bool(true))]
            .into(),
    );
    assert_eq!(Closed::decode(item, 0).unwrap(), Closed { a: "x".into() });
}

#[test]
fn decimals_in_a_tagged_union_keep_their_text_when_the_tag_comes_first() {
    let text = r#"{"type":"card","brand":"visa","last4":"1","price":12.50}"#;
    let card: PaymentMethod = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&card).unwrap(), text);
}

#[tokio::test]
async fn a_patch_switching_the_alternative_replaces_the_union_whole() {
    let (builder, config, table) = standard().await;
    let subs = builder.build().unwrap().repository::<Subscription>();
    for (sk, one_request) in [("merge", false), ("one-request", true)] {
        let card = PaymentMethod::Card(Card {
            type_: "card".into(),
            brand: "visa".into(),
            last4: "4242".into(),
            price: None,
            holder: None,
        });
        let sub = Subscription {
            sk: sk.into(),
            payment_method: card.clone(),
            billing: Some(SubscriptionBilling { method: Some(card.clone()), city: Some("Oslo".into()) }),
            methods_by_id: Some([("m1".to_owned(), card.clone()), ("m2".to_owned(), card.clone())].into()),
            ..base()
        };
        subs.insert(&sub).await.unwrap();
        let paypal = PaymentMethod::Paypal(Paypal { type_: "paypal".into(), email: "a@example.com".into() });
        let patch = SubscriptionPatch {
            payment_method: Some(paypal.clone()),
            billing: Some(Some(SubscriptionBilling { method: Some(paypal.clone()), city: None })),
            methods_by_id: Some(Some([("m1".to_owned(), paypal.clone())].into())),
            ..Default::default()
        };
        let key = SubscriptionKey { pk: "p".into(), sk: sk.into() };
        let update = subs.update(&key, &patch);
        if one_request {
            update.in_one_request().await.unwrap();
        } else {
            update.await.unwrap();
        }
        let stored = raw_get(&config, &table, "p", sk).await.unwrap();
        let method = stored["payment_method"].as_m().unwrap();
        let mut keys: Vec<&str> = method.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["email", "type"], "{sk}: no field of the card is left");
        let read = subs.get(&key).await.unwrap().unwrap();
        assert_eq!(read.payment_method, paypal, "{sk}");
        // A plain object still merges (the city stays); the union inside it is replaced.
        let billing = read.billing.unwrap();
        assert_eq!((billing.method, billing.city.as_deref()), (Some(paypal.clone()), Some("Oslo")), "{sk}");
        // In a map of unions, the patched entry is replaced and the others stay.
        let by_id = read.methods_by_id.unwrap();
        assert_eq!((by_id.get("m1"), by_id.get("m2")), (Some(&paypal), Some(&card)), "{sk}");
    }
}
