//! A serde `Serializer` that writes the SDK's `AttributeValue` directly.
//!
//! `serde_dynamo::to_item` builds serde_dynamo's own attribute tree and then converts it, map by map,
//! into the SDK's; this writes the SDK's tree in one pass. The values are exactly serde_dynamo's (the
//! same `N` text, `Null(true)` for `None` and `()`, `{variant: value}` for data-carrying enum
//! variants, `L` for tuples), which the unit tests check against serde_dynamo on every shape. Sets
//! are written as serde_dynamo's set wrappers (`StringSet`, `NumberSet`, `BinarySet`) ask, by the
//! names they give (`sets.rs`); the maps, lists and structs being written are `writers.rs`.
//!
//! [`AttributeSerializer::checked`] also enforces what DynamoDB can store (`limits.rs`'s rules:
//! nesting, and numbers' range and precision) while it writes, instead of walking the finished item
//! again: only floats near the range's ends, 128-bit integers and raw texts need their text checked,
//! and a violation names its path, collected as the error travels back up.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::ser::{self, Serialize};

mod sets;
mod writers;

pub use writers::{MapWriter, SeqWriter, StructWriter, VariantWriter};

use super::decimal::RAW_VALUE;
use super::float_text::{f32_text, f64_text};
use super::limits::{self, MAX_DEPTH};
use super::number;
use super::path::{render, Step};

/// Why a value could not be written as an attribute value: a value serde cannot write as one, or
/// (when checked) one DynamoDB cannot store, with its path. Boxed: every write returns a `Result`
/// of it, which stays the size of an `AttributeValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerError(Box<SerErrorInner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct SerErrorInner {
    message: String,
    /// For a value DynamoDB cannot store: the steps to it, innermost first.
    limit: Option<Vec<Step>>,
}

impl SerError {
    fn new(message: impl Into<String>) -> Self {
        SerError(Box::new(SerErrorInner { message: message.into(), limit: None }))
    }

    /// A value beyond what DynamoDB can store (`limits.rs`'s message).
    fn limit(message: String) -> Self {
        SerError(Box::new(SerErrorInner { message, limit: Some(Vec::new()) }))
    }

    fn at(mut self, step: impl FnOnce() -> Step) -> Self {
        if let Some(steps) = &mut self.0.limit {
            steps.push(step());
        }
        self
    }

    /// The path of the value DynamoDB cannot store, when that is the error.
    pub(crate) fn limit_path(&self) -> Option<String> {
        self.0.limit.as_deref().map(render)
    }
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerError::new(msg.to_string())
    }
}

type Result<T, E = SerError> = std::result::Result<T, E>;

/// Writes one attribute value.
#[derive(Debug, Clone, Copy)]
pub struct AttributeSerializer {
    /// `Some(depth)` when DynamoDB's limits are checked: the value's depth below the item.
    checked_depth: Option<usize>,
}

/// The magnitudes whose `f64` text needs no check: DynamoDB stores 1E-130 to
/// 9.9999999999999999999999999999999999999E+125, and an `f64` has at most 17 significant digits.
const SAFE_FLOATS: std::ops::Range<f64> = 1e-129..9.9e125;

impl AttributeSerializer {
    /// Writes any value serde can write as an attribute value (condition values, patches, items of
    /// generated models, whose `From` cannot fail).
    pub const PLAIN: AttributeSerializer = AttributeSerializer { checked_depth: None };

    /// Writes an item and refuses what DynamoDB cannot store: nesting deeper than [`MAX_DEPTH`],
    /// numbers out of range or too precise (`inf`, `NaN`, `1e200`), with the path to the value.
    pub fn checked() -> Self {
        AttributeSerializer { checked_depth: Some(0) }
    }

    /// The serializer of a value one level down (a list element, a map value, a variant's content).
    #[inline]
    fn child(self) -> Result<Self> {
        match self.checked_depth {
            None => Ok(self),
            Some(depth) if depth >= MAX_DEPTH => Err(too_deep()),
            Some(depth) => Ok(AttributeSerializer { checked_depth: Some(depth + 1) }),
        }
    }

    /// An `N` whose text may need checking.
    fn number(self, text: String) -> Result<AttributeValue> {
        if self.checked_depth.is_some() {
            number::check(&text).map_err(SerError::limit)?;
        }
        Ok(AttributeValue::N(text))
    }

    /// A float's `N`: its text is checked only when its magnitude is near the range's ends (or it
    /// is not finite).
    #[inline]
    fn float(self, value: f64, text: String) -> Result<AttributeValue> {
        if value == 0.0 || SAFE_FLOATS.contains(&value.abs()) {
            return Ok(AttributeValue::N(text));
        }
        self.number(text)
    }
}

#[cold]
fn too_deep() -> SerError {
    SerError::limit(limits::too_deep())
}

/// An integer's `N` (at most 20 digits: always storable), written by itoa (what serde_json
/// writes integers with: `Display`'s digits, without the formatting machinery).
#[inline]
fn integer(value: impl itoa::Integer) -> AttributeValue {
    AttributeValue::N(itoa::Buffer::new().format(value).to_owned())
}

impl ser::Serializer for AttributeSerializer {
    type Ok = AttributeValue;
    type Error = SerError;
    type SerializeSeq = SeqWriter;
    type SerializeTuple = SeqWriter;
    type SerializeTupleStruct = SeqWriter;
    type SerializeTupleVariant = VariantWriter<SeqWriter>;
    type SerializeMap = MapWriter;
    type SerializeStruct = StructWriter;
    type SerializeStructVariant = VariantWriter<StructWriter>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<AttributeValue> {
        Ok(AttributeValue::Bool(v))
    }
    #[inline]
    fn serialize_i8(self, v: i8) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    #[inline]
    fn serialize_i16(self, v: i16) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    #[inline]
    fn serialize_i32(self, v: i32) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    #[inline]
    fn serialize_i64(self, v: i64) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    fn serialize_i128(self, v: i128) -> Result<AttributeValue> {
        self.number(v.to_string())
    }
    #[inline]
    fn serialize_u8(self, v: u8) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    #[inline]
    fn serialize_u16(self, v: u16) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    #[inline]
    fn serialize_u32(self, v: u32) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    #[inline]
    fn serialize_u64(self, v: u64) -> Result<AttributeValue> {
        Ok(integer(v))
    }
    fn serialize_u128(self, v: u128) -> Result<AttributeValue> {
        self.number(v.to_string())
    }
    #[inline]
    fn serialize_f32(self, v: f32) -> Result<AttributeValue> {
        self.float(f64::from(v), f32_text(v))
    }
    #[inline]
    fn serialize_f64(self, v: f64) -> Result<AttributeValue> {
        self.float(v, f64_text(v))
    }
    fn serialize_char(self, v: char) -> Result<AttributeValue> {
        Ok(AttributeValue::S(v.to_string()))
    }
    #[inline]
    fn serialize_str(self, v: &str) -> Result<AttributeValue> {
        Ok(AttributeValue::S(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<AttributeValue> {
        Ok(AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(v)))
    }
    #[inline]
    fn serialize_none(self) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<AttributeValue> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    #[inline]
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<AttributeValue> {
        Ok(AttributeValue::S(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<AttributeValue> {
        let written = value.serialize(self)?;
        match sets::SetKind::named(name) {
            Some(kind) => kind.set(written),
            None => Ok(written),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<AttributeValue> {
        let value =
            self.child().and_then(|child| value.serialize(child)).map_err(|err| err.at(|| Step::key(variant)))?;
        Ok(AttributeValue::M(HashMap::from([(variant.to_owned(), value)])))
    }
    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqWriter> {
        Ok(SeqWriter::new(self, len.unwrap_or(0)))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqWriter> {
        Ok(SeqWriter::new(self, len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqWriter> {
        Ok(SeqWriter::new(self, len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantWriter<SeqWriter>> {
        let content = self.child().map_err(|err| err.at(|| Step::key(variant)))?;
        Ok(VariantWriter { variant, inner: SeqWriter::new(content, len) })
    }
    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<MapWriter> {
        Ok(MapWriter { map: HashMap::with_capacity(len.unwrap_or(0)), key: None, ser: self })
    }
    #[inline]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<StructWriter> {
        if name == RAW_VALUE {
            return Ok(StructWriter::Number(None, self));
        }
        Ok(StructWriter::Map(HashMap::with_capacity(len), self))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantWriter<StructWriter>> {
        let content = self.child().map_err(|err| err.at(|| Step::key(variant)))?;
        Ok(VariantWriter { variant, inner: StructWriter::Map(HashMap::with_capacity(len), content) })
    }
}
