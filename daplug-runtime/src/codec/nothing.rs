//! The type of a schema that admits no value (`false`, `not: {}`, `enum: []`).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// A value no schema-valid document holds: generated for a schema that admits nothing (`false`,
/// `not: {}`, an empty `enum`, or `type: []`).
///
/// It has no values, so a model can never be built with one; reading any value into it fails with
/// "the schema admits no value here" at the field's path. An optional field of this type can only
/// be absent.
///
/// ```
/// let read: Result<daplug_runtime::Nothing, _> = serde_json::from_str("5");
/// assert!(read.unwrap_err().to_string().contains("admits no value"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Nothing {}

impl Serialize for Nothing {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
}

impl<'de> Deserialize<'de> for Nothing {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Refuse)
    }
}

/// Reads any value to refuse it (after the deserializer has seen what it is, for the message).
struct Refuse;

impl<'de> Visitor<'de> for Refuse {
    type Value = Nothing;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("nothing: the schema admits no value here")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_none<E: de::Error>(self) -> Result<Nothing, E> {
        Err(E::custom("the schema admits no value here"))
    }
    fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<Nothing, D::Error> {
        Err(de::Error::custom("the schema admits no value here"))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Nothing, A::Error> {
        Err(de::Error::custom("the schema admits no value here"))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Nothing, A::Error> {
        Err(de::Error::custom("the schema admits no value here"))
    }
}
