//! Lists, sets and maps, element by element and entry by entry: each element's or entry's error
//! gains its index or key on the way out, and each is checked against the depth limit.

use std::collections::hash_map;
use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::forward_to_deserialize_any;

use super::error::{error, nested, DeError, Result};
use super::number::Number;
use super::AttributeDeserializer;
use crate::codec::path::Step;

/// The elements of an `L`, `depth` levels below the item; an element's error gains its index.
pub(super) struct Seq {
    pub(super) values: std::vec::IntoIter<AttributeValue>,
    /// The elements' depth.
    pub(super) depth: usize,
    pub(super) index: usize,
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
pub(super) struct Set {
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
    pub(super) fn new(value: AttributeValue, depth: usize) -> Self {
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
pub(super) struct Map {
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
    pub(super) fn new(map: HashMap<String, AttributeValue>, depth: usize) -> Self {
        Map { entries: map.into_iter(), depth: depth + 1, key: String::new(), key_seen: false, value: None }
    }
}

fn key_step(key: String, seen: bool) -> Step {
    if seen {
        Step::key(key)
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

/// A key read as a number, refused as serde_json refuses it: not a number at all, or a number the
/// asked type cannot hold (handed to the visitor as what it is).
macro_rules! integer_key {
    ($($method:ident => $visit:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.key.parse() {
                Ok(n) => visitor.$visit(n),
                Err(_) if self.key.starts_with(|c: char| c.is_ascii_digit() || c == '-')
                    && self.key.parse::<f64>().is_ok() =>
                {
                    de::Deserializer::deserialize_any(Number(self.key.to_owned()), visitor)
                }
                Err(_) => Err(error("invalid value: expected key to be a number in quotes")),
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
            _ => Err(de::Error::invalid_type(Unexpected::Str(self.key), &visitor)),
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
