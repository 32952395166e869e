//! The [`Model`] trait: what a type needs to be stored by a [`Repository`](crate::Repository).
//!
//! `schema!` and `#[derive(DaplugModel)]` implement it; a hand-written impl needs only the associated
//! types and [`Model::META`], every conversion has a serde-based default.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::{CancellationReason, Error, Result};
use crate::meta::ModelMeta;

/// A type stored in DynamoDB through a [`Repository`](crate::Repository).
///
/// # Example
///
/// A hand-written model (normally `schema!` or `#[derive(DaplugModel)]` writes this for you):
///
/// ```
/// use daplug_runtime::{KeyAttribute, KeyType, Model, ModelMeta};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Serialize, Deserialize, PartialEq)]
/// struct Order {
///     pk: String,
///     qty: u32,
/// }
///
/// #[derive(Serialize)]
/// struct OrderKey {
///     pk: String,
/// }
///
/// impl Model for Order {
///     type Key = OrderKey;
///     type Patch = serde_json::Value;
///     const META: ModelMeta = ModelMeta {
///         hash_key: Some(KeyAttribute { name: "pk", key_type: KeyType::S }),
///         ..ModelMeta::named("Order")
///     };
/// }
///
/// let order = Order { pk: "o-1".into(), qty: 2 };
/// let item = order.to_item()?;
/// assert_eq!(Order::from_item(item)?, order);
/// # Ok::<(), daplug_runtime::Error>(())
/// ```
pub trait Model: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The primary key of this model (serialises to exactly the key attributes).
    type Key: Serialize + Send + Sync + 'static;
    /// A partial update: serialises to the attributes to change (absent fields are left alone).
    type Patch: Serialize + Send + Sync + 'static;
    /// Schema name, keys, prefixes and indexes.
    const META: ModelMeta;

    /// The entity this model is, or the default one of a family: its schema name and its own key
    /// prefixes. Queries and scans on the model's repository add these prefixes to their key values
    /// and strip them from keys they return. The default is the model alone, no prefixes of its own.
    const ENTITY: Entity = Entity::named(Self::META.schema);

    /// The entity of an item (unprefixed as written, or as stored): the variant its tag names, for a
    /// family. Every write chooses its prefixes and its event's schema by it, and every read strips
    /// the prefixes of the entity it finds. A family's item with an unknown tag is an
    /// [`Error::UnknownTag`]. The default is [`ENTITY`](Model::ENTITY).
    fn entity_of_item(_item: &Item) -> Result<Entity> {
        Ok(Self::ENTITY)
    }

    /// The entity of a key: the variant of a family's key (an enum of its variants' keys). Reads and
    /// deletes by key prefix the key, and strip what they read back, by it. The default is
    /// [`ENTITY`](Model::ENTITY).
    fn entity_of_key(_key: &Self::Key) -> Entity {
        Self::ENTITY
    }

    /// Converts the model to a DynamoDB item (unprefixed). A value DynamoDB cannot store (a
    /// non-finite or out-of-range number, nesting deeper than
    /// [`MAX_NESTING_DEPTH`](crate::MAX_NESTING_DEPTH)) is an [`Error::Validation`] naming its path.
    fn to_item(&self) -> Result<Item> {
        model_item(self)
    }

    /// Converts a DynamoDB item (unprefixed) to the model; the error names the attribute path at fault.
    /// Nesting deeper than [`MAX_NESTING_DEPTH`](crate::MAX_NESTING_DEPTH) and numbers that read as
    /// `inf` / `NaN` (`N("1e999")`) are [`Error::Validation`].
    fn from_item(item: Item) -> Result<Self> {
        // The codec's deserializer stops at the nesting limit itself: no depth pre-check is needed
        // (the item is never converted first).
        serde_model(item)
    }

    /// Maps an inbound JSON payload already parsed into a `serde_json::Value` to the model, as
    /// [`from_json_str`](Model::from_json_str) does. **Its numbers are already `f64`s** (serde_json's
    /// `Value` keeps no number text): a `format: decimal` field given `12.50` reads as `12.5`, and
    /// decimals are exact only up to 15–17 significant digits. For a request body, prefer
    /// [`from_json_str`](Model::from_json_str) / [`from_json_slice`](Model::from_json_slice), which
    /// read the text itself.
    fn from_json(value: &serde_json::Value) -> Result<Self> {
        crate::codec::json::deserialize(value).map_err(|(path, err)| Error::Validation {
            schema: Self::META.schema,
            path,
            message: err.to_string(),
        })
    }

    /// Reads the model from JSON text (an inbound request body): unknown fields are dropped at
    /// every level (unless the schema closes an object), a value of the wrong type, a broken
    /// constraint, nesting deeper than [`MAX_NESTING_DEPTH`](crate::MAX_NESTING_DEPTH), a number
    /// out of its field's range (`3.5e38` for an `f32`, `1e400` anywhere) and malformed JSON are an
    /// [`Error::Validation`] naming the JSON path at fault (`line_items[1].qty`; `.` for the whole
    /// body). Numbers keep their text: a `format: decimal` field given `12.50` stays `12.50` in the
    /// model, the item and the event body.
    ///
    /// ```
    /// # use daplug_runtime::{Decimal, Model, ModelMeta};
    /// #[derive(Debug, serde::Serialize, serde::Deserialize)]
    /// struct Invoice { pk: String, total: Decimal }
    /// impl Model for Invoice {
    ///     type Key = serde_json::Value;
    ///     type Patch = serde_json::Value;
    ///     const META: ModelMeta = ModelMeta::named("Invoice");
    /// }
    /// let invoice = Invoice::from_json_str(r#"{"pk": "i-1", "total": 12.50}"#)?;
    /// assert_eq!(invoice.total.as_str(), "12.50");
    /// let err = Invoice::from_json_str(r#"{"pk": "i-1", "total": "x"}"#).unwrap_err();
    /// assert!(err.to_string().contains("total"));
    /// # Ok::<(), daplug_runtime::Error>(())
    /// ```
    fn from_json_str(text: &str) -> Result<Self> {
        crate::codec::json::from_text(serde_json::Deserializer::from_str(text))
            .map_err(|(path, message)| Error::Validation { schema: Self::META.schema, path, message })
    }

    /// [`from_json_str`](Model::from_json_str) on bytes (a body as an HTTP framework hands it
    /// over); bytes that are not UTF-8 are an error as malformed JSON is.
    fn from_json_slice(bytes: &[u8]) -> Result<Self> {
        crate::codec::json::from_text(serde_json::Deserializer::from_slice(bytes))
            .map_err(|(path, message)| Error::Validation { schema: Self::META.schema, path, message })
    }

    /// Checks the constraints the schema puts on the model's values (`minimum`, `maxLength`,
    /// `pattern`, `format`, `minItems`, …): the first one broken is an [`Error::Validation`] naming
    /// its path (`seats: 0 is less than the minimum 1`). [`to_item`](Model::to_item), behind every
    /// write, calls it first, so nothing that breaks one is written. A model `schema!` generates from
    /// a schema with constraints checks them; the default (every other model) checks nothing.
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// Checks a patch's top-level attributes (an update in one request sends them without reading
    /// the stored item) against the constraints of the fields of the same names; the default
    /// checks nothing.
    fn validate_patch(_patch: &Item) -> Result<()> {
        Ok(())
    }

    /// Converts a key to the DynamoDB key attributes (unprefixed).
    fn key_item(key: &Self::Key) -> Result<Item> {
        crate::codec::to_item(key)
            .map_err(|source| Error::Serialize { schema: Self::META.schema, message: format!("key: {source}") })
    }
}

/// `Model::to_item`'s default: the model validated, then written through serde with DynamoDB's
/// limits checked on the way.
#[doc(hidden)]
#[inline]
pub fn model_item<M: Model>(model: &M) -> Result<Item> {
    model.validate()?;
    // The limits are checked while the item is written (no second walk over it).
    crate::codec::to_checked_item(model).map_err(|err| match err.limit_path() {
        Some(path) => Error::Validation { schema: M::META.schema, path, message: err.to_string() },
        None => Error::Serialize { schema: M::META.schema, message: err.to_string() },
    })
}

/// `Model::to_item` of a hand-written variant of a family whose struct does not hold the tag (the
/// enum's `#[serde(tag = ...)]` writes it): the item with its tag, so that the family reads back
/// what the variant's own repository wrote.
#[doc(hidden)]
#[inline]
pub fn tagged_item<M: Model>(model: &M, tag: &str, value: &str) -> Result<Item> {
    let mut item = model_item(model)?;
    item.insert(tag.to_owned(), aws_sdk_dynamodb::types::AttributeValue::S(value.to_owned()));
    Ok(item)
}

/// `Model::from_item`'s default: the item read through serde (and the reference the generated
/// decoders are tested against).
#[doc(hidden)]
#[inline]
pub fn serde_model<M: Model>(item: Item) -> Result<M> {
    crate::codec::from_item(item).map_err(decoding_error::<M>)
}

/// `Model::from_item` of a model `schema!` generates: through its generated
/// [`Decode`](crate::codec::support::Decode), with the values and errors of the default.
#[doc(hidden)]
#[inline]
pub fn decode_model<M: Model + crate::codec::support::Decode>(item: Item) -> Result<M> {
    crate::codec::support::decode::decode_item(item).map_err(decoding_error::<M>)
}

/// `Model::validate` of a model `schema!` generates: its generated
/// [`Validate`](crate::codec::support::Validate).
#[doc(hidden)]
#[inline]
pub fn validate_model<M: Model + crate::codec::support::Validate>(model: &M) -> Result<()> {
    crate::codec::support::Validate::validate(model).map_err(violation::<M>)
}

/// `Model::validate_patch` of a model `schema!` generates: the patch's top-level attributes against
/// its fields' constraints.
#[doc(hidden)]
#[inline]
pub fn validate_model_patch<M: Model + crate::codec::support::StructDef>(patch: &Item) -> Result<()> {
    crate::codec::support::check_patch::<M>(patch).map_err(violation::<M>)
}

fn violation<M: Model>(violation: crate::codec::support::Violation) -> Error {
    Error::Validation { schema: M::META.schema, path: violation.path(), message: violation.message().to_owned() }
}

fn decoding_error<M: Model>((path, err): (String, crate::codec::de::DeError)) -> Error {
    Error::Validation { schema: M::META.schema, path, message: err.to_string() }
}

// The decoding accessors of the error types live here, with the trait they decode through, so that
// `error` stays below `model`.
impl Error {
    /// For [`Error::Conflict`]: the stored item, decoded as `M`.
    pub fn current<M: Model>(&self) -> Option<Result<M>> {
        match self {
            Error::Conflict { current: Some(item), .. } => Some(M::from_item((**item).clone())),
            _ => None,
        }
    }
}

impl CancellationReason {
    /// [`item`](Self::item) decoded as `M`.
    pub fn current<M: Model>(&self) -> Option<Result<M>> {
        self.item.clone().map(M::from_item)
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;
    use serde::Deserialize;
    use serde_json::{json, Value};

    use super::*;
    use crate::codec::limits::MAX_DEPTH;

    #[derive(Debug, Serialize, Deserialize)]
    struct Doc {
        pk: String,
        #[serde(default)]
        data: Value,
        #[serde(default)]
        f: f32,
        #[serde(default)]
        d: f64,
        #[serde(default)]
        child: Option<Box<Doc>>,
    }

    impl Model for Doc {
        type Key = Value;
        type Patch = Value;
        const META: ModelMeta = ModelMeta::named("Doc");
    }

    fn validation(result: Result<Doc>) -> (String, String) {
        match result {
            Err(Error::Validation { path, message, .. }) => (path, message),
            other => panic!("expected Validation, got {other:?}"),
        }
    }

    fn nested_json(levels: usize) -> Value {
        let mut value = json!(1);
        for _ in 0..levels {
            value = json!({ "x": value });
        }
        value
    }

    #[test]
    fn deep_json_is_a_validation_error_at_the_limit_not_a_stack_overflow() {
        let (path, message) = validation(Doc::from_json(&json!({"pk": "a", "data": nested_json(1000)})));
        assert_eq!(path, format!("data{}", ".x".repeat(MAX_DEPTH)));
        assert!(message.contains("nested deeper than 32 levels"), "{message}");
        assert!(Doc::from_json(&json!({"pk": "a", "data": nested_json(MAX_DEPTH - 1)})).is_ok());
        assert!(Doc::from_json(&json!({"pk": "a", "data": nested_json(MAX_DEPTH)})).is_err());

        let mut doc = json!({"pk": "leaf"});
        for _ in 0..1000 {
            doc = json!({"pk": "n", "child": doc});
        }
        let (path, _) = validation(Doc::from_json(&doc));
        assert!(path.starts_with("child.child."), "{path}");
    }

    #[test]
    fn deep_items_are_a_validation_error_not_a_stack_overflow() {
        let mut value = AttributeValue::N("1".into());
        for _ in 0..1000 {
            value = AttributeValue::M([("x".to_owned(), value)].into());
        }
        let item: Item = [("pk".to_owned(), AttributeValue::S("a".into())), ("data".to_owned(), value)].into();
        let (path, message) = validation(Doc::from_item(item));
        assert_eq!(path, format!("data{}", ".x".repeat(MAX_DEPTH)));
        assert!(message.contains("nested deeper"), "{message}");
    }

    #[test]
    fn numbers_that_would_be_infinite_are_validation_errors() {
        let (path, message) = validation(Doc::from_json(&json!({"pk": "a", "f": 3.5e38})));
        assert_eq!(path, "f");
        assert!(message.contains("out of range"), "{message}");
        assert!(Doc::from_json(&json!({"pk": "a", "f": 3.0e38})).is_ok());

        for field in ["d", "f", "data"] {
            let item: Item = [
                ("pk".to_owned(), AttributeValue::S("a".into())),
                (field.to_owned(), AttributeValue::N("1e999".into())),
            ]
            .into();
            let (path, message) = validation(Doc::from_item(item));
            assert_eq!(path, field);
            assert!(message.contains("not a finite number"), "{field}: {message}");
        }
    }

    #[test]
    fn to_item_refuses_numbers_dynamodb_cannot_store() {
        let doc = |d: f64| Doc { pk: "a".into(), data: Value::Null, f: 0.0, d, child: None };
        for bad in [f64::NAN, f64::INFINITY, 1e200, 1e-200] {
            match doc(bad).to_item() {
                Err(Error::Validation { path, .. }) => assert_eq!(path, "d", "{bad}"),
                other => panic!("{bad}: expected Validation, got {other:?}"),
            }
        }
        let infinite = Doc { f: f32::INFINITY, ..doc(1.0) };
        assert!(matches!(infinite.to_item(), Err(Error::Validation { path, .. }) if path == "f"));
        assert!(doc(0.1 + 0.2).to_item().is_ok());
    }
}
