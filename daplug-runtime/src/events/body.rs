//! The one event body. Every write builds its event's body here, from the model it wrote or the
//! item it wrote (unprefixed), so one write publishes the same bytes whichever path wrote it:
//! insert, overwrite, create, update (both modes), delete, batches and transactions. A body is the
//! model in the spec's field order, prefixes stripped, numbers as the item stores them (a
//! decimal's text kept), in daplug-ddb's format (`python_json.rs`); a delete that has no old item
//! (in a batch or a transaction) publishes the key, hash key first. The body's top-level keys are
//! collected while it is written, so the publish contract is checked without parsing it back.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::python_json::to_python_json;
use crate::codec::decimal::Decimal;
use crate::codec::item::Item;
use crate::error::{Error, Result};
use crate::key::KeyConfig;
use crate::model::Model;

/// An event body: its text, and the keys of its top-level object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    text: String,
    keys: Vec<String>,
}

impl Body {
    /// The body of a written model.
    pub(crate) fn model<M: Model>(model: &M) -> Result<Body> {
        Self::of(M::META.schema, model)
    }

    /// The body of a written item (unprefixed): read as `M` once, so it is the model's body (the
    /// spec's field order; attributes the model does not know are left out, as a read drops them).
    pub(crate) fn item<M: Model>(item: Item) -> Result<Body> {
        Self::model(&M::from_item(item)?)
    }

    /// The body of a deleted item's key (unprefixed) when the item itself is not returned: the key
    /// attributes, hash key first.
    pub(crate) fn key(keys: &KeyConfig, schema: &'static str, key: &Item) -> Result<Body> {
        let attributes = keys.attributes().filter_map(|name| key.get(name).map(|value| (name, value))).collect();
        Self::of(schema, &KeyAttributes(attributes))
    }

    /// A replacement body given by the caller (`publish_payload`).
    pub(crate) fn payload(schema: &'static str, payload: &serde_json::Value) -> Result<Body> {
        Self::of(schema, payload)
    }

    fn of<T: Serialize + ?Sized>(schema: &'static str, value: &T) -> Result<Body> {
        let (text, keys) = to_python_json(value).map_err(|err| Error::serialize(schema, err))?;
        Ok(Body { text, keys })
    }

    /// Whether the body's top-level object has `key` (the publish contract's payload keys).
    pub(crate) fn has_key(&self, key: &str) -> bool {
        self.keys.iter().any(|present| present == key)
    }

    /// The text.
    pub(crate) fn into_text(self) -> String {
        self.text
    }
}

/// Key attributes in the table's order.
struct KeyAttributes<'a>(Vec<(&'a str, &'a AttributeValue)>);

impl Serialize for KeyAttributes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, &KeyValue(value))?;
        }
        map.end()
    }
}

/// A key attribute's value: a string, a number as its stored text, or binary (as bytes).
struct KeyValue<'a>(&'a AttributeValue);

impl Serialize for KeyValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            AttributeValue::S(text) => serializer.serialize_str(text),
            AttributeValue::N(text) => match text.parse::<Decimal>() {
                Ok(number) => number.serialize(serializer),
                Err(_) => serializer.serialize_str(text),
            },
            AttributeValue::B(blob) => serializer.serialize_bytes(blob.as_ref()),
            // A key holds only the three (`check_key`).
            _ => serializer.serialize_unit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::test_support::Thing;

    #[test]
    fn a_model_and_its_item_give_the_same_body() {
        let thing = Thing { version: Some(3), ..Thing::new("a", 7) };
        let from_model = Body::model(&thing).unwrap();
        let from_item = Body::item::<Thing>(thing.to_item().unwrap()).unwrap();
        assert_eq!(from_model, from_item);
        assert!(from_model.has_key("pk") && !from_model.has_key("missing"));
    }

    #[test]
    fn a_key_body_has_the_hash_key_first_and_numbers_as_stored() {
        let keys = KeyConfig { hash_key: "z".into(), range_key: Some("a".into()) };
        let key = Item::from([
            ("a".to_owned(), AttributeValue::N("12.50".into())),
            ("z".to_owned(), AttributeValue::S("caf\u{e9}".into())),
        ]);
        let body = Body::key(&keys, "T", &key).unwrap();
        assert_eq!(body.into_text(), r#"{"z": "caf\u00e9", "a": 12.50}"#);
    }
}
