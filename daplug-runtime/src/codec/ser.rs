//! A serde `Serializer` that writes the SDK's `AttributeValue` directly.
//!
//! `serde_dynamo::to_item` builds serde_dynamo's own attribute tree and then converts it, map by map,
//! into the SDK's; this writes the SDK's tree in one pass. The values are exactly serde_dynamo's (the
//! same `N` text, `Null(true)` for `None` and `()`, `{variant: value}` for data-carrying enum
//! variants, `L` for tuples), which the unit tests check against serde_dynamo on every shape; serde_dynamo's
//! set wrappers (`StringSet`, `NumberSet`, `BinarySet`) are handed to serde_dynamo itself, because it
//! recognises them by the address of a private name.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::ser::{self, Serialize};

use crate::decimal::RAW_VALUE;
use crate::number;

/// Why a value could not be written as an attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerError(String);

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerError(msg.to_string())
    }
}

type Result<T, E = SerError> = std::result::Result<T, E>;

/// Writes one attribute value.
#[derive(Debug, Clone, Copy)]
pub struct AttributeSerializer;

/// The private newtype names serde_dynamo gives its set wrappers all start with this character.
const SET_MARKER: char = '\u{037E}';

fn number(text: String) -> AttributeValue {
    AttributeValue::N(text)
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

    fn serialize_bool(self, v: bool) -> Result<AttributeValue> {
        Ok(AttributeValue::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_i16(self, v: i16) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_i32(self, v: i32) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_i64(self, v: i64) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_i128(self, v: i128) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_u8(self, v: u8) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_u16(self, v: u16) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_u32(self, v: u32) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_u64(self, v: u64) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_u128(self, v: u128) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_f32(self, v: f32) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_f64(self, v: f64) -> Result<AttributeValue> {
        Ok(number(v.to_string()))
    }
    fn serialize_char(self, v: char) -> Result<AttributeValue> {
        Ok(AttributeValue::S(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<AttributeValue> {
        Ok(AttributeValue::S(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<AttributeValue> {
        Ok(AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(v)))
    }
    fn serialize_none(self) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<AttributeValue> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<AttributeValue> {
        Ok(AttributeValue::S(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<AttributeValue> {
        if name.starts_with(SET_MARKER) {
            return ser::Serializer::serialize_newtype_struct(serde_dynamo::Serializer, name, value)
                .map(AttributeValue::from)
                .map_err(|err| SerError(err.to_string()));
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<AttributeValue> {
        let value = value.serialize(AttributeSerializer)?;
        Ok(AttributeValue::M(HashMap::from([(variant.to_owned(), value)])))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqWriter> {
        Ok(SeqWriter(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqWriter> {
        Ok(SeqWriter(Vec::with_capacity(len)))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqWriter> {
        Ok(SeqWriter(Vec::with_capacity(len)))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantWriter<SeqWriter>> {
        Ok(VariantWriter { variant, inner: SeqWriter(Vec::with_capacity(len)) })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapWriter> {
        Ok(MapWriter { map: HashMap::with_capacity(len.unwrap_or(0)), key: None })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<StructWriter> {
        if name == RAW_VALUE {
            return Ok(StructWriter::Number(None));
        }
        Ok(StructWriter::Map(HashMap::with_capacity(len)))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantWriter<StructWriter>> {
        Ok(VariantWriter { variant, inner: StructWriter::Map(HashMap::with_capacity(len)) })
    }
}

/// A list (`L`) being written.
#[derive(Debug)]
pub struct SeqWriter(Vec<AttributeValue>);

impl SeqWriter {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.0.push(value.serialize(AttributeSerializer)?);
        Ok(())
    }
}

impl ser::SerializeSeq for SeqWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::L(self.0))
    }
}

impl ser::SerializeTuple for SeqWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::L(self.0))
    }
}

impl ser::SerializeTupleStruct for SeqWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::L(self.0))
    }
}

/// A struct (`M`) being written, or the raw JSON fragment a [`Decimal`](crate::Decimal) (or a
/// serde_json `RawValue`) writes itself as, which becomes an `N` when it is a number.
#[derive(Debug)]
pub enum StructWriter {
    /// An ordinary struct.
    Map(HashMap<String, AttributeValue>),
    /// A raw fragment: its text, once written.
    Number(Option<String>),
}

impl StructWriter {
    fn map(self) -> HashMap<String, AttributeValue> {
        match self {
            StructWriter::Map(map) => map,
            StructWriter::Number(_) => HashMap::new(),
        }
    }
}

impl ser::SerializeStruct for StructWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        match self {
            StructWriter::Map(map) => {
                map.insert(key.to_owned(), value.serialize(AttributeSerializer)?);
            }
            StructWriter::Number(text) => match value.serialize(AttributeSerializer)? {
                AttributeValue::S(raw) if number::is_json(&raw) => *text = Some(raw),
                _ => return Err(SerError("a raw JSON value is stored only when it is a number".into())),
            },
        }
        Ok(())
    }
    fn end(self) -> Result<AttributeValue> {
        match self {
            StructWriter::Map(map) => Ok(AttributeValue::M(map)),
            StructWriter::Number(Some(text)) => Ok(AttributeValue::N(text)),
            StructWriter::Number(None) => Err(SerError("a raw JSON value without its text".into())),
        }
    }
}

/// A map (`M`) being written; keys must be strings or integers, as in serde_dynamo.
#[derive(Debug)]
pub struct MapWriter {
    map: HashMap<String, AttributeValue>,
    key: Option<String>,
}

impl ser::SerializeMap for MapWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(map_key(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| SerError("map value without a key".into()))?;
        self.map.insert(key, value.serialize(AttributeSerializer)?);
        Ok(())
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, key: &K, value: &V) -> Result<()> {
        let key = map_key(key)?;
        self.map.insert(key, value.serialize(AttributeSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::M(self.map))
    }
}

/// A map key as text: strings, integers and booleans, as serde_dynamo accepts them (also a newtype
/// or unit variant that writes a string, which serde_dynamo refuses); anything else is refused with
/// serde_dynamo's reason.
fn map_key<T: Serialize + ?Sized>(key: &T) -> Result<String> {
    match key.serialize(AttributeSerializer)? {
        AttributeValue::S(text) => Ok(text),
        AttributeValue::Bool(value) => Ok(value.to_string()),
        AttributeValue::N(text) if !text.contains(['.', 'e', 'E', 'N', 'i']) => Ok(text),
        _ => Err(SerError("Key must be a string".into())),
    }
}

/// A data-carrying enum variant: `{variant: value}`.
#[derive(Debug)]
pub struct VariantWriter<W> {
    variant: &'static str,
    inner: W,
}

impl VariantWriter<SeqWriter> {
    fn finish(self) -> AttributeValue {
        AttributeValue::M(HashMap::from([(self.variant.to_owned(), AttributeValue::L(self.inner.0))]))
    }
}

impl ser::SerializeTupleVariant for VariantWriter<SeqWriter> {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.inner.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for VariantWriter<StructWriter> {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::M(HashMap::from([(self.variant.to_owned(), AttributeValue::M(self.inner.map()))])))
    }
}
