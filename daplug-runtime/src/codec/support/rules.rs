//! The constraints of a schema on the values of a generated type ([`Rules`]), and where they are
//! checked:
//! - **reading JSON** (`Deserialize`, so `from_json` and `serde_json::from_str` alike): each field
//!   as it is read ([`Checked`]), so the error is at the field's path, and inside it where a list's
//!   or a map's element breaks a rule (`seats[2]`);
//! - **writing** (`Model::to_item`, behind every write): [`Validate`], generated for each type that
//!   has constraints or holds one that has, checks the model before anything is sent;
//! - **an update in one request**: the patch's top-level attributes ([`check_patch`]).
//!
//! Items read from the table are not checked: data written before a constraint existed stays
//! readable (the README says so). A type without constraints generates no check code and pays
//! nothing here. The checks themselves are `daplug-rules`', shared with `payload!`.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{DeserializeSeed, Deserializer};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use super::checker::Checker;
use super::content::HeldError;
use super::shape::StructDef;
use crate::codec::decimal::RAW_VALUE;
use crate::codec::item::Item;
use crate::codec::path::{render, Step};
use daplug_rules::{Bound, Format};

/// What a schema asks of a value beyond its type: JSON Schema's validation keywords. A generated
/// type lists them as constants (`StructDef::RULES`); every field is `None` / empty when the schema
/// says nothing of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// `minimum` (or 3.1's numeric `exclusiveMinimum`, or 3.0's `minimum` with `exclusiveMinimum: true`).
    pub minimum: Option<Bound<'static>>,
    /// `maximum`, likewise.
    pub maximum: Option<Bound<'static>>,
    /// `multipleOf` (several when an `allOf` has several).
    pub multiple_of: &'static [&'static str],
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `pattern`s (ECMA-262; all must match).
    pub patterns: &'static [&'static str],
    /// A checked `format`.
    pub format: Option<Format>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties` (of a map).
    pub min_properties: Option<usize>,
    /// `maxProperties` (of a map).
    pub max_properties: Option<usize>,
    /// The rules of a list's items.
    pub items: Option<&'static Rules>,
    /// The rules of a map's values.
    pub values: Option<&'static Rules>,
    /// The rules of a map's keys (`propertyNames`, `patternProperties`' patterns).
    pub keys: Option<&'static Rules>,
}

impl Rules {
    /// No rule: the start of a constant that sets the few that apply (`..Rules::NONE`).
    pub const NONE: Rules = Rules {
        minimum: None,
        maximum: None,
        multiple_of: &[],
        min_length: None,
        max_length: None,
        patterns: &[],
        format: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        min_properties: None,
        max_properties: None,
        items: None,
        values: None,
        keys: None,
    };

    /// Checks `value` (anything serde can write; `None` passes).
    pub fn check<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Violation> {
        value.serialize(Checker { rules: self })
    }
}

/// A rule a value breaks: the message, and where inside the value checked (innermost first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    steps: Vec<Step>,
    message: String,
}

impl Violation {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Violation { steps: Vec::new(), message: message.into() }
    }

    /// The same violation one step further out.
    pub(crate) fn at(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The same violation inside the field `name`.
    pub fn in_field(self, name: &'static str) -> Self {
        self.at(Step::key(name))
    }

    /// The path to the value at fault (`seats[2]`; `.` for the value checked itself).
    pub fn path(&self) -> String {
        render(&self.steps)
    }

    /// What rule it breaks (`0 is less than the minimum 1`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Violation {}

thread_local! {
    /// Set while an item is read through serde: items are not checked (see the module docs).
    static READING_ITEMS: Cell<bool> = const { Cell::new(false) };
}

/// `read`, an item read through serde, with the constraints not checked, whatever reads the item's
/// values (serde's own impls, a generated struct's).
pub(crate) fn reading_items<T>(read: impl FnOnce() -> T) -> T {
    /// Puts the flag back however `read` ends.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            READING_ITEMS.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(READING_ITEMS.with(|flag| flag.replace(true)));
    read()
}

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

/// A value whose constraints (and those of what it holds) can be checked before it is written.
/// `schema!` implements it for each type that has constraints or holds one that has.
pub trait Validate {
    /// The first rule the value breaks, with its path.
    fn validate(&self) -> Result<(), Violation>;
}

impl<T: Validate> Validate for Option<T> {
    #[inline]
    fn validate(&self) -> Result<(), Violation> {
        self.as_ref().map_or(Ok(()), Validate::validate)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    #[inline]
    fn validate(&self) -> Result<(), Violation> {
        (**self).validate()
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self) -> Result<(), Violation> {
        self.iter().enumerate().try_for_each(|(i, v)| v.validate().map_err(|err| err.at(Step::Index(i))))
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate(&self) -> Result<(), Violation> {
        self.iter().try_for_each(|(k, v)| v.validate().map_err(|err| err.at(Step::key(k.clone()))))
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
