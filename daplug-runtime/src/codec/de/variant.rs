//! Enums: a unit variant written as its name (`S`), a data-carrying one as a one-key `M`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{self, DeserializeSeed, Unexpected, Visitor};

use super::error::{nested, DeError, Result};
use super::AttributeDeserializer;
use crate::codec::path::Step;

/// An enum written as its variant's name (`S`): a unit variant. Errors about the variant's content
/// name the variant, as the tracker's do.
pub(super) struct UnitVariant(pub(super) String);

impl<'de> de::EnumAccess<'de> for UnitVariant {
    type Error = DeError;
    type Variant = UnitVariant;

    #[inline]
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, UnitVariant)> {
        let name = seed.deserialize(de::value::StrDeserializer::<DeError>::new(&self.0))?;
        Ok((name, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant {
    type Error = DeError;

    #[inline]
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"newtype variant"))
            .map_err(|err: DeError| err.at(Step::key(self.0)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"tuple variant"))
            .map_err(|err: DeError| err.at(Step::key(self.0)))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(Unexpected::UnitVariant, &"struct variant"))
            .map_err(|err: DeError| err.at(Step::key(self.0)))
    }
}

/// A data-carrying enum variant: an `M` with exactly one key, the variant's name. Errors in its
/// content name the variant.
pub(super) struct Variant {
    name: String,
    value: AttributeValue,
    /// The content's depth.
    depth: usize,
}

impl Variant {
    pub(super) fn new(map: HashMap<String, AttributeValue>, depth: usize) -> Result<Self> {
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((name, value)), None) => Ok(Variant { name, value, depth: depth + 1 }),
            _ => Err(de::Error::invalid_value(Unexpected::Map, &"map with a single key")),
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
            .map_err(|err| err.at(Step::key(name)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        let Variant { name, value, depth } = self;
        de::Deserializer::deserialize_seq(AttributeDeserializer::nested(value, depth), visitor)
            .map_err(|err| err.at(Step::key(name)))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        let Variant { name, value, depth } = self;
        de::Deserializer::deserialize_map(AttributeDeserializer::nested(value, depth), visitor)
            .map_err(|err| err.at(Step::key(name)))
    }
}
