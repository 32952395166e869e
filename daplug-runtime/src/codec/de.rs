//! A serde `Deserializer` over the SDK's `AttributeValue`, by value: strings and maps are moved out
//! of the item, never copied.
//!
//! `serde_dynamo::from_item` first converts the SDK's tree into its own (every map rebuilt) and then
//! decodes that; this decodes the SDK's tree directly. It follows serde_dynamo's rules and messages
//! (numbers parsed from their `N` text, `Null(true)` as `None` and `()`, an enum as `S` or a
//! one-key `M`, sets as sequences, the error texts) so a model reads the same values and reports
//! the same errors (checked against serde_dynamo in the tests). Binary scalars are handed to
//! serde_dynamo.
//!
//! It also does, itself, what wrapping it in the path tracker (`path.rs`) would add, at no cost when
//! nothing fails: an error carries the path of the value at fault, built while the error travels
//! back up (each map and list adds its key or index on the way out), so the happy path tracks
//! nothing; a value nested deeper than [`MAX_DEPTH`] levels and a number that reads as `inf` or
//! `NaN` are errors. The paths, messages and limits are the tracker's (the tests compare them on
//! every kind of bad item), and decoding runs about 1.5× faster without its wrappers.
//!
//! About 700 lines because serde's `Deserializer` has thirty methods, for one value, one number,
//! one map key, one set and one variant; they are one concern and read best side by side.

use std::collections::hash_map;
use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::forward_to_deserialize_any;

use super::steps::{render, Step};
use crate::decimal::RAW_VALUE;
use crate::path::MAX_DEPTH;

/// Why a value could not be read, and where: serde_dynamo's messages, with the path of the value at
/// fault (collected innermost first while the error travels back up). Boxed, so that a `Result` of
/// a small value stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError(Box<DeErrorInner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct DeErrorInner {
    message: String,
    /// Innermost first.
    path: Vec<Step>,
}

impl DeError {
    pub(super) fn at(mut self, step: Step) -> Self {
        self.0.path.push(step);
        self
    }

    /// `a.b[0].c`; `.` for the value itself (the path tracker's format).
    pub(crate) fn path(&self) -> String {
        render(&self.0.path)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DeError(Box::new(DeErrorInner { message: message.to_string(), path: Vec::new() }))
    }
}

impl From<serde_dynamo::Error> for DeError {
    fn from(err: serde_dynamo::Error) -> Self {
        <DeError as de::Error>::custom(err)
    }
}

type Result<T> = std::result::Result<T, DeError>;

fn error(message: impl fmt::Display) -> DeError {
    <DeError as de::Error>::custom(message)
}

/// A nested value below the limit, or the tracker's error.
#[inline]
pub(super) fn nested(depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

#[cold]
fn too_deep() -> DeError {
    error(format_args!("nested deeper than {MAX_DEPTH} levels (DynamoDB's limit)"))
}

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
    pub(super) fn nested(value: AttributeValue, depth: usize) -> Self {
        AttributeDeserializer { value, depth }
    }

    /// Values this deserializer does not read itself (binary values, unknown variants):
    /// serde_dynamo's deserializer, with its error.
    fn delegate(self) -> serde_dynamo::Deserializer {
        serde_dynamo::Deserializer::from_attribute_value(serde_dynamo::AttributeValue::from(self.value))
    }

    #[inline]
    fn seq(list: Vec<AttributeValue>, depth: usize) -> Seq {
        Seq { values: list.into_iter(), depth: depth + 1, index: 0 }
    }
}

macro_rules! number {
    ($($method:ident),*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.value {
                AttributeValue::N(text) => Number(text).$method(visitor),
                _ => Err(error("Expected num")),
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
            other => Ok(AttributeDeserializer::nested(other, depth).delegate().deserialize_any(visitor)?),
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
            _ => Err(error("Expected bool")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
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

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::S(text) => visitor.visit_string(text),
            _ => Err(error("Expected string")),
        }
    }

    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        Ok(self.delegate().deserialize_bytes(visitor)?)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        Ok(self.delegate().deserialize_byte_buf(visitor)?)
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
            _ => Err(error("Expected unit")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::Null(true) => visitor.visit_unit(),
            _ => Err(error("Expected unit struct")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value> {
        if name == RAW_VALUE {
            // A `Decimal` (or a serde_json `RawValue`): the `N` text, handed over the way serde_json
            // hands out a raw fragment.
            return match self.value {
                AttributeValue::N(text) => {
                    visitor.visit_map(de::value::MapDeserializer::new(std::iter::once((RAW_VALUE, text))))
                }
                _ => Err(error("Expected num")),
            };
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

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            AttributeValue::M(map) => visitor.visit_map(Map::new(map, self.depth)),
            _ => Err(error("Expected map")),
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
            _ => Err(error("Expected enum")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }
}

/// The text of an `N`, parsed as the visitor asks (or as `i64`, then `u64`, then `f64`). A float
/// that reads as `inf` or `NaN` is refused: DynamoDB cannot store it, and a model must not hold it.
struct Number(String);

/// The tracker's refusal of a float that is not finite.
#[inline]
fn finite<F: fmt::Display + Copy>(value: F, is_finite: bool) -> Result<F> {
    if is_finite {
        Ok(value)
    } else {
        Err(error(format_args!("{value} is not a finite number")))
    }
}

macro_rules! parse {
    ($($method:ident => $ty:ty, $visit:ident, $kind:literal;)*) => {$(
        #[inline]
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
            Ok(n) => visitor.visit_f64(finite(n, n.is_finite())?),
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
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0.parse::<f32>() {
            Ok(n) => visitor.visit_f32(finite(n, n.is_finite())?),
            Err(err) => Err(error(format_args!("Failed to parse '{}' as a float: {err}", self.0))),
        }
    }

    #[inline]
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0.parse::<f64>() {
            Ok(n) => visitor.visit_f64(finite(n, n.is_finite())?),
            Err(err) => Err(error(format_args!("Failed to parse '{}' as a float: {err}", self.0))),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    forward_to_deserialize_any! {
        i128 u128 str string seq map bool char unit enum bytes tuple option struct byte_buf identifier
        unit_struct tuple_struct newtype_struct
    }
}

/// The elements of an `L`, `depth` levels below the item; an element's error gains its index.
struct Seq {
    values: std::vec::IntoIter<AttributeValue>,
    /// The elements' depth.
    depth: usize,
    index: usize,
}

impl<'de> SeqAccess<'de> for Seq {
    type Error = DeError;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(value) = self.values.next() else { return Ok(None) };
        let index = self.index;
        self.index += 1;
        nested(self.depth)
            .and_then(|()| seed.deserialize(AttributeDeserializer::nested(value, self.depth)))
            .map(Some)
            .map_err(|err| err.at(Step::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.values.len())
    }
}

/// The elements of a string, number or binary set, read as serde_dynamo reads them (strings through
/// serde's string deserializer, numbers as `N` texts, binaries as bytes).
struct Set {
    elements: SetElements,
    depth: usize,
    index: usize,
}

enum SetElements {
    Strings(std::vec::IntoIter<String>),
    Numbers(std::vec::IntoIter<String>),
    Binaries(std::vec::IntoIter<Blob>),
}

impl Set {
    /// `value` is an `Ss`, `Ns` or `Bs`.
    fn new(value: AttributeValue, depth: usize) -> Self {
        let elements = match value {
            AttributeValue::Ss(strings) => SetElements::Strings(strings.into_iter()),
            AttributeValue::Ns(numbers) => SetElements::Numbers(numbers.into_iter()),
            AttributeValue::Bs(binaries) => SetElements::Binaries(binaries.into_iter()),
            _ => SetElements::Strings(Vec::new().into_iter()),
        };
        Set { elements, depth: depth + 1, index: 0 }
    }
}

impl<'de> SeqAccess<'de> for Set {
    type Error = DeError;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let index = self.index;
        let read = match &mut self.elements {
            SetElements::Strings(strings) => strings.next().map(|text| {
                nested(self.depth).and_then(|()| seed.deserialize(IntoDeserializer::<DeError>::into_deserializer(text)))
            }),
            SetElements::Numbers(numbers) => {
                numbers.next().map(|text| nested(self.depth).and_then(|()| seed.deserialize(Number(text))))
            }
            SetElements::Binaries(binaries) => {
                binaries.next().map(|blob| nested(self.depth).and_then(|()| seed.deserialize(Bytes(blob))))
            }
        };
        self.index += 1;
        read.transpose().map_err(|err| err.at(Step::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(match &self.elements {
            SetElements::Strings(strings) => strings.len(),
            SetElements::Numbers(numbers) => numbers.len(),
            SetElements::Binaries(binaries) => binaries.len(),
        })
    }
}

/// One element of a binary set: its bytes, whatever is asked (serde_dynamo's rule).
struct Bytes(Blob);

impl<'de> de::Deserializer<'de> for Bytes {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bytes(self.0.as_ref())
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The entries of an `M`, moved out one by one. The current key is kept (not moved into the
/// visitor) so that an error in its value can name it.
struct Map {
    entries: hash_map::IntoIter<String, AttributeValue>,
    /// The entries' depth.
    depth: usize,
    /// The current entry's key, and whether the key's visitor saw it as a string (otherwise the
    /// path shows `?`, as the tracker's does).
    key: String,
    key_seen: bool,
    /// The current entry's value, once its key is read.
    value: Option<AttributeValue>,
}

impl Map {
    #[inline]
    fn new(map: HashMap<String, AttributeValue>, depth: usize) -> Self {
        Map { entries: map.into_iter(), depth: depth + 1, key: String::new(), key_seen: false, value: None }
    }
}

fn key_step(key: String, seen: bool) -> Step {
    if seen {
        Step::Key(key)
    } else {
        Step::Unknown
    }
}

impl<'de> MapAccess<'de> for Map {
    type Error = DeError;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        let mut seen = false;
        match seed.deserialize(Key { key: &key, seen: &mut seen }) {
            Ok(read) => {
                self.key = key;
                self.key_seen = seen;
                self.value = Some(value);
                Ok(Some(read))
            }
            Err(err) => Err(err.at(key_step(key, seen))),
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        match self.value.take() {
            Some(value) => nested(self.depth)
                .and_then(|()| seed.deserialize(AttributeDeserializer::nested(value, self.depth)))
                .map_err(|err| err.at(key_step(std::mem::take(&mut self.key), self.key_seen))),
            // serde calls `next_value` only after `next_key` returned a key.
            None => Err(error("map value requested before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A map key: a string, read as a string, an integer, a boolean or a unit variant. `seen` records
/// whether the key's visitor was given the key as a string: only then does a path name it.
struct Key<'a> {
    key: &'a str,
    seen: &'a mut bool,
}

impl Key<'_> {
    fn visit_str<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        *self.seen = true;
        visitor.visit_str(self.key)
    }
}

macro_rules! integer_key {
    ($($method:ident => $visit:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.key.parse() {
                Ok(n) => visitor.$visit(n),
                Err(_) => Err(error("Expected num")),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Key<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_str(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        AttributeDeserializer::new(AttributeValue::S(self.key.to_owned())).deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        // The tracker names a key only when its own visitor sees the text, not a newtype's inner one.
        let mut inner_seen = false;
        visitor.visit_newtype_struct(Key { key: self.key, seen: &mut inner_seen })
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.key {
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

/// An enum written as its variant's name (`S`): a unit variant. Errors about the variant's content
/// name the variant, as the tracker's do.
struct UnitVariant(String);

impl<'de> de::EnumAccess<'de> for UnitVariant {
    type Error = DeError;
    type Variant = UnitVariant;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, UnitVariant)> {
        let name = seed.deserialize(de::value::StrDeserializer::<DeError>::new(&self.0))?;
        Ok((name, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant {
    type Error = DeError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"newtype variant"))
            .map_err(|err: DeError| err.at(Step::Key(self.0)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"tuple variant"))
            .map_err(|err: DeError| err.at(Step::Key(self.0)))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"struct variant"))
            .map_err(|err: DeError| err.at(Step::Key(self.0)))
    }
}

/// A data-carrying enum variant: an `M` with exactly one key, the variant's name. Errors in its
/// content name the variant.
struct Variant {
    name: String,
    value: AttributeValue,
    /// The content's depth.
    depth: usize,
}

impl Variant {
    fn new(map: HashMap<String, AttributeValue>, depth: usize) -> Result<Self> {
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((name, value)), None) => Ok(Variant { name, value, depth: depth + 1 }),
            _ => Err(error("Expected an item with a single key")),
        }
    }
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = DeError;
    type Variant = Variant;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Variant)> {
        let name = seed.deserialize(de::value::StrDeserializer::<DeError>::new(&self.name))?;
        Ok((name, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant {
    type Error = DeError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        let Variant { name, value, depth } = self;
        nested(depth)
            .and_then(|()| seed.deserialize(AttributeDeserializer::nested(value, depth)))
            .map_err(|err| err.at(Step::Key(name)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        let Variant { name, value, depth } = self;
        de::Deserializer::deserialize_seq(AttributeDeserializer::nested(value, depth), visitor)
            .map_err(|err| err.at(Step::Key(name)))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        let Variant { name, value, depth } = self;
        de::Deserializer::deserialize_map(AttributeDeserializer::nested(value, depth), visitor)
            .map_err(|err| err.at(Step::Key(name)))
    }
}
