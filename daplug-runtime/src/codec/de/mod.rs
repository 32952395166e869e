//! A serde `Deserializer` over the SDK's `AttributeValue`, by value: strings and maps are moved out
//! of the item, never copied.
//!
//! `serde_dynamo::from_item` first converts the SDK's tree into its own (every map rebuilt) and then
//! decodes that; this decodes the SDK's tree directly. It follows serde_dynamo's rules (numbers
//! parsed from their `N` text, `Null(true)` as `None` and `()`, an enum as `S` or a one-key `M`,
//! sets as sequences, binaries as bytes) so a model reads the same values (checked against
//! serde_dynamo in the tests). A value of the wrong type is refused as serde_json refuses it when a
//! model is read from JSON (`invalid type: string "ten", expected i32`, from the visitor's own
//! expectation): one mistake has one message, whichever way it is read.
//!
//! It also does, itself, what wrapping it in the path tracker (`json/`) would add, at no cost when
//! nothing fails: an error carries the path of the value at fault, built while the error travels
//! back up (each map and list adds its key or index on the way out), so the happy path tracks
//! nothing; a value nested deeper than [`MAX_DEPTH`] levels and a number that reads as `inf` or
//! `NaN` are errors. The paths, messages and limits are the tracker's (the tests compare them on
//! every kind of bad item), and decoding runs about 1.5× faster without its wrappers.
//!
//! serde's `Deserializer` has thirty methods: this file holds the one for a value, `number.rs` the
//! one for an `N`'s text, `access.rs` the lists, sets, maps and map keys, `variant.rs` the enums,
//! `error.rs` the error with its path.

mod access;
mod error;
mod number;
mod variant;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{self, Unexpected, Visitor};

use crate::codec::decimal::RAW_VALUE;
#[cfg(doc)]
use crate::codec::limits::MAX_DEPTH;
use crate::codec::value::Shown;
use access::{Map, Seq, Set};
pub(crate) use error::nested;
pub use error::DeError;
use error::{error, Result};
use number::Number;
use variant::{UnitVariant, Variant};

/// Reads one attribute value, `depth` levels below the item (the item itself is 0).
#[derive(Debug)]
pub(crate) struct AttributeDeserializer {
    value: AttributeValue,
    depth: usize,
}

impl AttributeDeserializer {
    /// The value at the top (an item, or an attribute read on its own).
    pub(crate) fn new(value: AttributeValue) -> Self {
        AttributeDeserializer { value, depth: 0 }
    }

    #[inline]
    pub(crate) fn nested(value: AttributeValue, depth: usize) -> Self {
        AttributeDeserializer { value, depth }
    }

    #[inline]
    fn seq(list: Vec<AttributeValue>, depth: usize) -> Seq {
        Seq { values: list.into_iter(), depth: depth + 1, index: 0 }
    }
}

/// How serde names a value in an `invalid type` message, as serde_json names the same JSON value.
fn unexpected(value: &AttributeValue) -> Unexpected<'_> {
    match value {
        AttributeValue::S(text) => Unexpected::Str(text),
        AttributeValue::N(text) => {
            if let Ok(n) = text.parse::<i64>() {
                Unexpected::Signed(n)
            } else if let Ok(n) = text.parse::<u64>() {
                Unexpected::Unsigned(n)
            } else {
                text.parse::<f64>().map_or(Unexpected::Other("a number"), Unexpected::Float)
            }
        }
        AttributeValue::Bool(value) => Unexpected::Bool(*value),
        AttributeValue::Null(_) => Unexpected::Unit,
        AttributeValue::M(_) => Unexpected::Map,
        AttributeValue::B(blob) => Unexpected::Bytes(blob.as_ref()),
        _ => Unexpected::Seq,
    }
}

/// A value of another type than the visitor reads: serde_json's `invalid type` error.
#[cold]
fn invalid<'de, V: Visitor<'de>>(value: &AttributeValue, visitor: &V) -> DeError {
    de::Error::invalid_type(unexpected(value), visitor)
}

macro_rules! number {
    ($($method:ident),*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.value {
                AttributeValue::N(text) => Number(text).$method(visitor),
                other => Err(invalid(&other, &visitor)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for AttributeDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let depth = self.depth;
        match self.value {
            AttributeValue::N(text) => Number(text).deserialize_any(visitor),
            AttributeValue::S(text) => visitor.visit_string(text),
            AttributeValue::Bool(value) => visitor.visit_bool(value),
            AttributeValue::Null(true) => visitor.visit_unit(),
            AttributeValue::Null(false) => Err(error("Expected unit")),
            AttributeValue::M(map) => visitor.visit_map(Map::new(map, depth)),
            AttributeValue::L(list) => visitor.visit_seq(Self::seq(list, depth)),
            value @ (AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)) => {
                visitor.visit_seq(Set::new(value, depth))
            }
            AttributeValue::B(blob) => visitor.visit_bytes(blob.as_ref()),
            _ => Err(error("an attribute value of a type this SDK version does not know")),
        }
    }

    number!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64
    );

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::Bool(value) => visitor.visit_bool(value),
            other => Err(invalid(&other, &visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // As serde_json: the string, which a character's visitor takes only when it is one.
        self.deserialize_string(visitor)
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::S(text) => visitor.visit_string(text),
            other => Err(invalid(&other, &visitor)),
        }
    }

    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::B(blob) => visitor.visit_bytes(blob.as_ref()),
            other => Err(invalid(&other, &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::Null(true) => visitor.visit_none(),
            other => visitor.visit_some(AttributeDeserializer::nested(other, self.depth)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::Null(true) => visitor.visit_unit(),
            other => Err(invalid(&other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::Null(true) => visitor.visit_unit(),
            other => Err(invalid(&other, &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value> {
        if name == RAW_VALUE {
            // A `Decimal` (or a serde_json `RawValue`): the value's JSON text, handed over the way
            // serde_json hands out a raw fragment (an `N` is its text; anything else is refused by
            // the visitor as the JSON reader's is).
            let text = match self.value {
                AttributeValue::N(text) => text,
                other => Shown(&other).to_string(),
            };
            return visitor.visit_map(de::value::MapDeserializer::new(std::iter::once((RAW_VALUE, text))));
        }
        visitor.visit_newtype_struct(self)
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let depth = self.depth;
        match self.value {
            AttributeValue::L(list) => visitor.visit_seq(Self::seq(list, depth)),
            value @ (AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)) => {
                visitor.visit_seq(Set::new(value, depth))
            }
            other => Err(invalid(&other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::M(map) => visitor.visit_map(Map::new(map, self.depth)),
            other => Err(invalid(&other, &visitor)),
        }
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.value {
            AttributeValue::L(list) => visitor.visit_seq(Self::seq(list, self.depth)),
            other => AttributeDeserializer::nested(other, self.depth).deserialize_map(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.value {
            AttributeValue::S(name) => visitor.visit_enum(UnitVariant(name)),
            AttributeValue::M(map) => visitor.visit_enum(Variant::new(map, self.depth)?),
            other => Err(de::Error::invalid_type(unexpected(&other), &"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }
}
