//! A serde `Deserializer` over the SDK's `AttributeValue`, by value: strings and maps are moved out
//! of the item, never copied.
//!
//! `serde_dynamo::from_item` first converts the SDK's tree into its own (every map rebuilt) and then
//! decodes that; this decodes the SDK's tree directly. It follows serde_dynamo's rules and messages
//! (numbers parsed from their `N` text, `Null(true)` as `None` and `()`, an enum as `S` or a
//! one-key `M`, the error texts) so a model reads the same values and reports the same errors
//! (checked against serde_dynamo in the tests). Binary values and sets, which generated models do
//! not use, are handed to serde_dynamo.
//!
//! A little over 400 lines because serde's `Deserializer` has thirty methods, for one value, one
//! number, one map key and one variant; they are one concern and read best side by side.

use std::collections::hash_map;
use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

use crate::decimal::RAW_VALUE;

/// serde_dynamo's error type, so messages and types match what callers saw before.
pub(crate) type DeError = serde_dynamo::Error;

type Result<T> = std::result::Result<T, DeError>;

fn error(message: impl std::fmt::Display) -> DeError {
    <DeError as de::Error>::custom(message)
}

/// Reads one attribute value.
#[derive(Debug)]
pub(crate) struct AttributeDeserializer(pub(crate) AttributeValue);

impl AttributeDeserializer {
    /// Values this deserializer does not read itself (binary, sets, unknown variants): serde_dynamo's
    /// deserializer, with its error.
    fn delegate(self) -> serde_dynamo::Deserializer {
        serde_dynamo::Deserializer::from_attribute_value(serde_dynamo::AttributeValue::from(self.0))
    }
}

macro_rules! number {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.0 {
                AttributeValue::N(text) => Number(text).$method(visitor),
                _ => Err(error("Expected num")),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for AttributeDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::N(text) => Number(text).deserialize_any(visitor),
            AttributeValue::S(text) => visitor.visit_string(text),
            AttributeValue::Bool(value) => visitor.visit_bool(value),
            AttributeValue::Null(true) => visitor.visit_unit(),
            AttributeValue::M(map) => visitor.visit_map(Map::new(map)),
            AttributeValue::L(list) => visitor.visit_seq(Seq(list.into_iter())),
            other => AttributeDeserializer(other).delegate().deserialize_any(visitor),
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
        match self.0 {
            AttributeValue::Bool(value) => visitor.visit_bool(value),
            _ => Err(error("Expected bool")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::S(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => visitor.visit_char(c),
                    // serde_dynamo visits the first character before it refuses a longer string.
                    (Some(c), Some(_)) => visitor.visit_char(c).and(Err(error("Expected char"))),
                    (None, _) => Err(error("Expected char")),
                }
            }
            _ => Err(error("Expected char")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::S(text) => visitor.visit_string(text),
            _ => Err(error("Expected string")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.delegate().deserialize_bytes(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.delegate().deserialize_byte_buf(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::Null(true) => visitor.visit_none(),
            other => visitor.visit_some(AttributeDeserializer(other)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::Null(true) => visitor.visit_unit(),
            _ => Err(error("Expected unit")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::Null(true) => visitor.visit_unit(),
            _ => Err(error("Expected unit struct")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value> {
        if name == RAW_VALUE {
            // A `Decimal` (or a serde_json `RawValue`): the `N` text, handed over the way serde_json
            // hands out a raw fragment.
            return match self.0 {
                AttributeValue::N(text) => {
                    visitor.visit_map(de::value::MapDeserializer::new(std::iter::once((RAW_VALUE, text))))
                }
                _ => Err(error("Expected num")),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::L(list) => visitor.visit_seq(Seq(list.into_iter())),
            other @ (AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)) => {
                AttributeDeserializer(other).delegate().deserialize_seq(visitor)
            }
            _ => Err(error("Expected seq")),
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

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::M(map) => visitor.visit_map(Map::new(map)),
            _ => Err(error("Expected map")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.0 {
            AttributeValue::L(list) => visitor.visit_seq(Seq(list.into_iter())),
            other => AttributeDeserializer(other).deserialize_map(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.0 {
            AttributeValue::S(text) => visitor.visit_enum(text.into_deserializer()),
            AttributeValue::M(map) => visitor.visit_enum(Variant::new(map)?),
            _ => Err(error("Expected enum")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }
}

/// The text of an `N`, parsed as the visitor asks (or as `i64`, then `u64`, then `f64`).
struct Number(String);

macro_rules! parse {
    ($($method:ident => $ty:ty, $visit:ident, $kind:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.0.parse::<$ty>() {
                Ok(n) => visitor.$visit(n),
                Err(err) => Err(error(format_args!("Failed to parse '{}' as {}: {err}", self.0, $kind))),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Number {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if let Ok(n) = self.0.parse::<i64>() {
            return visitor.visit_i64(n);
        }
        if let Ok(n) = self.0.parse::<u64>() {
            return visitor.visit_u64(n);
        }
        match self.0.parse::<f64>() {
            Ok(n) => visitor.visit_f64(n),
            Err(err) => Err(error(format_args!("Failed to parse '{}' as a float: {err}", self.0))),
        }
    }

    parse! {
        deserialize_i8 => i8, visit_i8, "an integer";
        deserialize_i16 => i16, visit_i16, "an integer";
        deserialize_i32 => i32, visit_i32, "an integer";
        deserialize_i64 => i64, visit_i64, "an integer";
        deserialize_u8 => u8, visit_u8, "an integer";
        deserialize_u16 => u16, visit_u16, "an integer";
        deserialize_u32 => u32, visit_u32, "an integer";
        deserialize_u64 => u64, visit_u64, "an integer";
        deserialize_f32 => f32, visit_f32, "a float";
        deserialize_f64 => f64, visit_f64, "a float";
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    forward_to_deserialize_any! {
        i128 u128 str string seq map bool char unit enum bytes tuple option struct byte_buf identifier
        unit_struct tuple_struct newtype_struct
    }
}

/// The elements of an `L`.
struct Seq(std::vec::IntoIter<AttributeValue>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.0.next() {
            Some(value) => seed.deserialize(AttributeDeserializer(value)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of an `M`, moved out one by one.
struct Map {
    entries: hash_map::IntoIter<String, AttributeValue>,
    value: Option<AttributeValue>,
}

impl Map {
    fn new(map: HashMap<String, AttributeValue>) -> Self {
        Map { entries: map.into_iter(), value: None }
    }
}

impl<'de> MapAccess<'de> for Map {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(Key(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match self.value.take() {
            Some(value) => seed.deserialize(AttributeDeserializer(value)),
            // serde calls `next_value` only after `next_key` returned a key.
            None => Err(error("map value requested before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A map key: a string, read as a string, an integer, a boolean or a unit variant.
struct Key(String);

macro_rules! integer_key {
    ($($method:ident => $visit:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.0.parse() {
                Ok(n) => visitor.$visit(n),
                Err(_) => Err(error("Expected num")),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Key {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_string(self.0)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        AttributeDeserializer(AttributeValue::S(self.0)).deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0.as_str() {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(error("Expected string")),
        }
    }

    integer_key!(
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_i128 => visit_i128,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_u128 => visit_u128
    );

    forward_to_deserialize_any! {
        str string identifier f32 f64 char bytes byte_buf option unit
        unit_struct seq tuple tuple_struct map struct ignored_any
    }
}

/// A data-carrying enum variant: an `M` with exactly one key, the variant's name.
struct Variant {
    name: String,
    value: AttributeValue,
}

impl Variant {
    fn new(map: HashMap<String, AttributeValue>) -> Result<Self> {
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((name, value)), None) => Ok(Variant { name, value }),
            _ => Err(error("Expected an item with a single key")),
        }
    }
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = DeError;
    type Variant = AttributeDeserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, AttributeDeserializer)> {
        let name = seed.deserialize(self.name.into_deserializer())?;
        Ok((name, AttributeDeserializer(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for AttributeDeserializer {
    type Error = DeError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
