//! A field's constraints where they are checked: as the field is read (`Checked`, a seed that
//! reads the value and checks it, the error at the field), before a write (`check_field`, for a
//! struct's generated `Validate`), and on a patch sent without reading the stored item
//! (`check_patch`).

use std::cell::Cell;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{DeserializeSeed, Deserializer};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use super::content::HeldError;
use super::rules::{Rules, Violation, READING_ITEMS};
use super::shape::StructDef;
use crate::codec::decimal::RAW_VALUE;
use crate::codec::item::Item;
use crate::codec::path::Step;

/// A field's value read by serde and checked against its rules: a broken rule is the
/// deserializer's error at the field (the path inside the value noted for the JSON reader).
pub(super) struct Checked<T> {
    pub(super) rules: &'static Rules,
    pub(super) value: PhantomData<T>,
}

impl<'de, T: serde::Deserialize<'de> + Serialize> DeserializeSeed<'de> for Checked<T> {
    type Value = T;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let value = T::deserialize(deserializer)?;
        if READING_ITEMS.with(Cell::get) {
            return Ok(value);
        }
        self.rules.check(&value).map_err(|violation| {
            let err = <D::Error as serde::de::Error>::custom(&violation.message);
            HeldError::note(violation.steps, &err);
            err
        })?;
        Ok(value)
    }
}

/// The field `name` of a struct checked against its rules (`None`: no rules).
#[inline]
pub fn check_field<T: Serialize + ?Sized>(
    value: &T,
    rules: Option<&'static Rules>,
    name: &'static str,
) -> Result<(), Violation> {
    match rules {
        Some(rules) => rules.check(value).map_err(|v| v.in_field(name)),
        None => Ok(()),
    }
}

/// A value read by serde and checked against `rules` (a newtype that carries its schema's
/// constraints itself: an alternative of a union told apart by them). Items are read unchecked.
#[inline]
pub fn deserialize_checked<'de, T, D>(deserializer: D, rules: &'static Rules) -> Result<T, D::Error>
where
    T: serde::Deserialize<'de> + Serialize,
    D: Deserializer<'de>,
{
    Checked { rules, value: PhantomData }.deserialize(deserializer)
}

/// The rules of the field at `index` of `S`.
#[inline]
pub fn field_rules<S: StructDef>(index: usize) -> Option<&'static Rules> {
    S::RULES.get(index).copied().flatten()
}

/// A patch's top-level attributes checked against the rules of `S`'s fields of the same names
/// (an update in one request sends the patch without reading the stored item).
pub fn check_patch<S: StructDef>(patch: &Item) -> Result<(), Violation> {
    for (name, value) in patch {
        let rules = S::field_index(name.as_bytes()).and_then(field_rules::<S>);
        if let Some(rules) = rules {
            rules.check(&Stored(value)).map_err(|v| v.at(Step::key(name.clone())))?;
        }
    }
    Ok(())
}

/// An attribute value as serde writes the value it holds (a number as its exact text).
struct Stored<'a>(&'a AttributeValue);

impl Serialize for Stored<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            AttributeValue::S(text) => serializer.serialize_str(text),
            AttributeValue::N(text) => {
                let mut raw = serializer.serialize_struct(RAW_VALUE, 1)?;
                raw.serialize_field(RAW_VALUE, text)?;
                raw.end()
            }
            AttributeValue::Bool(value) => serializer.serialize_bool(*value),
            AttributeValue::L(values) => {
                let mut seq = serializer.serialize_seq(Some(values.len()))?;
                values.iter().try_for_each(|v| seq.serialize_element(&Stored(v)))?;
                seq.end()
            }
            AttributeValue::Ss(values) | AttributeValue::Ns(values) => {
                let mut seq = serializer.serialize_seq(Some(values.len()))?;
                for value in values {
                    match self.0 {
                        AttributeValue::Ns(_) => seq.serialize_element(&Stored(&AttributeValue::N(value.clone())))?,
                        _ => seq.serialize_element(value)?,
                    }
                }
                seq.end()
            }
            AttributeValue::M(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                entries.iter().try_for_each(|(k, v)| map.serialize_entry(k, &Stored(v)))?;
                map.end()
            }
            _ => serializer.serialize_unit(),
        }
    }
}
