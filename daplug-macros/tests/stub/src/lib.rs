//! The part of `daplug-runtime` that generated code touches, with the same paths and signatures,
//! minus the AWS SDK: `Item` is a map of JSON values here. Tests alias it with
//! `extern crate daplug_runtime_stub as daplug_runtime;` so `::daplug_runtime::...` resolves.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Stand-in for the DynamoDB item type.
pub type Item = HashMap<String, serde_json::Value>;

/// Mirrors `daplug_runtime::Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Mirrors `daplug_runtime::Error` (only what the stub produces).
#[derive(Debug)]
pub enum Error {
    /// A value did not match the model.
    Validation {
        /// Schema name.
        schema: &'static str,
        /// Path of the bad value.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// Serialisation failed.
    Serialize {
        /// Schema name.
        schema: &'static str,
        /// What was wrong.
        message: String,
    },
}

/// Mirrors `daplug_runtime::KeyType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// String.
    S,
    /// Number.
    N,
    /// Binary.
    B,
}

/// Mirrors `daplug_runtime::KeyAttribute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyAttribute {
    /// Wire name.
    pub name: &'static str,
    /// Scalar type.
    pub key_type: KeyType,
}

/// Mirrors `daplug_runtime::IndexMeta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexMeta {
    /// Index name.
    pub name: &'static str,
    /// Partition key.
    pub hash_key: KeyAttribute,
    /// Sort key.
    pub range_key: Option<KeyAttribute>,
}

/// Mirrors `daplug_runtime::ModelMeta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelMeta {
    /// Schema name.
    pub schema: &'static str,
    /// Partition key.
    pub hash_key: Option<KeyAttribute>,
    /// Sort key.
    pub range_key: Option<KeyAttribute>,
    /// Partition key prefix.
    pub hash_prefix: Option<&'static str>,
    /// Sort key prefix.
    pub range_prefix: Option<&'static str>,
    /// Locking attribute.
    pub idempotence_key: Option<&'static str>,
    /// Indexes.
    pub indexes: &'static [IndexMeta],
}

/// Mirrors `daplug_runtime::Model` (same items, JSON instead of DynamoDB items).
pub trait Model: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Primary key.
    type Key: Serialize + Send + Sync + 'static;
    /// Partial update.
    type Patch: Serialize + Send + Sync + 'static;
    /// Metadata.
    const META: ModelMeta;

    /// Model → item.
    fn to_item(&self) -> Result<Item, Error> {
        let value = serde_json::to_value(self)
            .map_err(|e| Error::Serialize { schema: Self::META.schema, message: e.to_string() })?;
        serde_json::from_value(value)
            .map_err(|e| Error::Serialize { schema: Self::META.schema, message: e.to_string() })
    }

    /// Item → model.
    fn from_item(item: Item) -> Result<Self, Error> {
        let map: serde_json::Map<String, serde_json::Value> = item.into_iter().collect();
        Self::from_json(&serde_json::Value::Object(map))
    }

    /// JSON → model.
    fn from_json(value: &serde_json::Value) -> Result<Self, Error> {
        serde_json::from_value(value.clone()).map_err(|e| Error::Validation {
            schema: Self::META.schema,
            path: String::new(),
            message: e.to_string(),
        })
    }
}

// The runtime's serde impls for generated types (`StructDef`, `fields`, `deserialize_struct`, ...),
// compiled from the runtime's own files (they depend only on serde). The runtime's item decoder
// uses `each_tuple` and `name`, the stub does not.
#[path = "../../../../daplug-runtime/src/codec/support/mod.rs"]
#[allow(unused_imports)]
mod support;

// The typed attribute names (`Field`, `AttrPath`, the traits requests take), compiled from the
// runtime's own file (std and serde only), so compile-fail tests pin the runtime's errors; with the
// path type it names its steps with.
#[path = "../../../../daplug-runtime/src/attr.rs"]
#[allow(dead_code)]
mod attr;

#[path = "../../../../daplug-runtime/src/codec/path.rs"]
#[allow(dead_code)]
mod path;

mod codec {
    pub(crate) use super::path;
}

pub use attr::{AttrPath, Attribute, AttributeIn, AttributeOf, Field, IndexOf};

/// Mirrors the attribute-taking signatures of `daplug_runtime::Condition`.
#[derive(Debug)]
pub struct Condition(pub AttrPath);

impl Condition {
    /// Mirrors `Condition::eq`.
    pub fn eq<V, A: AttributeOf<V>>(attribute: A, value: V) -> Self {
        let _ = A::stored(value);
        Condition(attribute.into_path())
    }
    /// Mirrors `Condition::exists`.
    pub fn exists(attribute: impl Attribute) -> Self {
        Condition(attribute.into_path())
    }
}

/// Mirrors the attribute-taking signatures of `daplug_runtime::ops::Query`.
#[derive(Debug)]
pub struct Query<M>(std::marker::PhantomData<M>, pub Vec<AttrPath>, pub Option<String>);

impl<M> Query<M> {
    /// A query on `M`'s table.
    pub fn new() -> Self {
        Query(std::marker::PhantomData, Vec::new(), None)
    }
    /// Mirrors `Query::index`.
    pub fn index(mut self, name: impl IndexOf<M>) -> Self {
        self.2 = Some(name.index_name());
        self
    }
    /// Mirrors `Query::key_eq`.
    pub fn key_eq<V, A: AttributeOf<V> + AttributeIn<M>>(mut self, attribute: A, value: V) -> Self {
        let _ = A::stored(value);
        self.1.push(attribute.into_path());
        self
    }
}

impl<M> Default for Query<M> {
    fn default() -> Self {
        Self::new()
    }
}

/// Mirrors `daplug_runtime::__private`.
#[doc(hidden)]
pub mod __private {
    pub use crate::support::{
        debug_unit_enum, deserialize_struct, deserialize_unit_enum, fields, serialize_unit_enum, Elements, FieldList,
        Fields, MissingField, Optional, Required, SerdeFields, StructDef, UnitEnum,
    };
    pub use serde;
    pub use serde_json;
    pub use std;

    use serde::de::DeserializeOwned;
    use serde_json::Value;

    /// Mirrors `daplug_runtime::__private::AttributeValue` (JSON values here).
    pub type AttributeValue = Value;
    /// Mirrors `daplug_runtime::__private::DecodeError`.
    pub type DecodeError = serde_json::Error;

    /// Mirrors `daplug_runtime::__private::Decode`.
    pub trait Decode: Sized {
        /// Reads `value`, `depth` levels below the item.
        fn decode(value: AttributeValue, depth: usize) -> Result<Self, DecodeError>;
    }

    /// Mirrors `daplug_runtime::__private::serde_decode`.
    pub fn serde_decode<T: DeserializeOwned>(value: AttributeValue, _depth: usize) -> Result<T, DecodeError> {
        serde_json::from_value(value)
    }

    /// Mirrors `daplug_runtime::__private::decode_struct`: the stub reads the whole struct through
    /// serde (the runtime does for a value that is not a map).
    pub fn decode_struct<S: StructDef + DeserializeOwned>(
        value: AttributeValue,
        _depth: usize,
    ) -> Result<S, DecodeError> {
        serde_json::from_value(value)
    }

    /// Mirrors `daplug_runtime::__private::decode_model`.
    pub fn decode_model<M: crate::Model + Decode>(item: crate::Item) -> crate::Result<M> {
        M::decode(Value::Object(item.into_iter().collect()), 0).map_err(|err| crate::Error::Validation {
            schema: M::META.schema,
            path: String::new(),
            message: err.to_string(),
        })
    }

    /// Mirrors `daplug_runtime::__private::generated_item` (JSON items here).
    pub fn generated_item<T: serde::Serialize + ?Sized>(value: &T) -> crate::Item {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
            other => panic!("stub: generated model did not serialise to a map: {other:?}"),
        }
    }
}
