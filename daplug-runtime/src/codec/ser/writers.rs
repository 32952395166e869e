//! The lists, structs, maps and enum variants being written, one level below their serializer.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::ser::{self, Serialize};

use super::{AttributeSerializer, Result, SerError};
use crate::codec::number;
use crate::codec::path::Step;

/// A list (`L`) being written.
#[derive(Debug)]
pub struct SeqWriter {
    pub(super) values: Vec<AttributeValue>,
    /// The list's own serializer (its elements are one level down).
    pub(super) ser: AttributeSerializer,
}

impl SeqWriter {
    #[inline]
    pub(super) fn new(ser: AttributeSerializer, len: usize) -> Self {
        SeqWriter { values: Vec::with_capacity(len), ser }
    }

    #[inline]
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let index = self.values.len();
        let value =
            self.ser.child().and_then(|child| value.serialize(child)).map_err(|err| err.at(|| Step::Index(index)))?;
        self.values.push(value);
        Ok(())
    }
}

impl ser::SerializeSeq for SeqWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    #[inline]
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::L(self.values))
    }
}

impl ser::SerializeTuple for SeqWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::L(self.values))
    }
}

impl ser::SerializeTupleStruct for SeqWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::L(self.values))
    }
}

/// A struct (`M`) being written, or the raw JSON fragment a [`Decimal`](crate::Decimal) (or a
/// serde_json `RawValue`) writes itself as, which becomes an `N` when it is a number; each with the
/// serializer of the value itself.
#[derive(Debug)]
pub enum StructWriter {
    /// An ordinary struct.
    Map(HashMap<String, AttributeValue>, AttributeSerializer),
    /// A raw fragment: its text, once written.
    Number(Option<String>, AttributeSerializer),
}

impl StructWriter {
    fn map(self) -> HashMap<String, AttributeValue> {
        match self {
            StructWriter::Map(map, _) => map,
            StructWriter::Number(..) => HashMap::new(),
        }
    }
}

/// A field or map value, one level below `ser`'s value; an error gains the key.
#[inline]
fn entry<T: Serialize + ?Sized>(ser: AttributeSerializer, key: &str, value: &T) -> Result<AttributeValue> {
    ser.child().and_then(|child| value.serialize(child)).map_err(|err| err.at(|| Step::key(key.to_owned())))
}

impl ser::SerializeStruct for StructWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        match self {
            StructWriter::Map(map, ser) => {
                let value = entry(*ser, key, value)?;
                map.insert(key.to_owned(), value);
            }
            StructWriter::Number(text, _) => match value.serialize(AttributeSerializer::PLAIN)? {
                AttributeValue::S(raw) if number::is_json(&raw) => *text = Some(raw),
                _ => return Err(SerError::new("a raw JSON value is stored only when it is a number")),
            },
        }
        Ok(())
    }
    #[inline]
    fn end(self) -> Result<AttributeValue> {
        match self {
            StructWriter::Map(map, _) => Ok(AttributeValue::M(map)),
            StructWriter::Number(Some(text), ser) => ser.number(text),
            StructWriter::Number(None, _) => Err(SerError::new("a raw JSON value without its text")),
        }
    }
}

/// A map (`M`) being written; keys must be strings or integers, as in serde_dynamo.
#[derive(Debug)]
pub struct MapWriter {
    pub(super) map: HashMap<String, AttributeValue>,
    pub(super) key: Option<String>,
    /// The map's own serializer (its values are one level down).
    pub(super) ser: AttributeSerializer,
}

impl ser::SerializeMap for MapWriter {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(map_key(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| SerError::new("map value without a key"))?;
        let value = entry(self.ser, &key, value)?;
        self.map.insert(key, value);
        Ok(())
    }
    #[inline]
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, key: &K, value: &V) -> Result<()> {
        let key = map_key(key)?;
        let value = entry(self.ser, &key, value)?;
        self.map.insert(key, value);
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
    match key.serialize(AttributeSerializer::PLAIN)? {
        AttributeValue::S(text) => Ok(text),
        AttributeValue::Bool(value) => Ok(value.to_string()),
        AttributeValue::N(text) if !text.contains(['.', 'e', 'E', 'N', 'i']) => Ok(text),
        _ => Err(SerError::new("Key must be a string")),
    }
}

/// A data-carrying enum variant: `{variant: value}`.
#[derive(Debug)]
pub struct VariantWriter<W> {
    pub(super) variant: &'static str,
    pub(super) inner: W,
}

impl VariantWriter<SeqWriter> {
    fn finish(self) -> AttributeValue {
        AttributeValue::M(HashMap::from([(self.variant.to_owned(), AttributeValue::L(self.inner.values))]))
    }
}

impl ser::SerializeTupleVariant for VariantWriter<SeqWriter> {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let variant = self.variant;
        self.inner.push(value).map_err(|err| err.at(|| Step::key(variant)))
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for VariantWriter<StructWriter> {
    type Ok = AttributeValue;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        let variant = self.variant;
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value).map_err(|err| err.at(|| Step::key(variant)))
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(AttributeValue::M(HashMap::from([(self.variant.to_owned(), AttributeValue::M(self.inner.map()))])))
    }
}
