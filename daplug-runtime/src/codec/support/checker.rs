//! A value checked against [`Rules`] by walking it as serde writes it: a `Serializer` that writes
//! nothing and looks at each number, string, list and map on the way (exactly: a float as the `N`
//! text the item stores, a `Decimal` as its text). Lists and maps are counted and, where the rules
//! say so, their elements checked with the rules for items and values; a struct inside is not
//! looked into (a generated struct checks its own fields).

use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use super::rules::{Rules, Violation};
use crate::codec::decimal::RAW_VALUE;
use crate::codec::float_text::{f32_text, f64_text};
use crate::codec::path::Step;
use daplug_rules::check;

/// Checks one value against `rules`.
pub(super) struct Checker<'r> {
    pub(super) rules: &'r Rules,
}

impl Checker<'_> {
    fn number(&self, text: &str) -> Result<(), Violation> {
        let r = self.rules;
        check::number(text, r.minimum, r.maximum, None).map_err(Violation::new)?;
        for divisor in r.multiple_of {
            check::number(text, None, None, Some(divisor)).map_err(Violation::new)?;
        }
        Ok(())
    }

    fn string(&self, text: &str) -> Result<(), Violation> {
        let r = self.rules;
        check::string(text, r.min_length, r.max_length, None, r.format).map_err(Violation::new)?;
        for pattern in r.patterns {
            check::string(text, None, None, Some(pattern), None).map_err(Violation::new)?;
        }
        Ok(())
    }
}

macro_rules! integers {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, v: $ty) -> Result<(), Violation> {
            self.number(itoa::Buffer::new().format(v))
        }
    )*};
}

impl<'r> Serializer for Checker<'r> {
    type Ok = ();
    type Error = Violation;
    type SerializeSeq = Items<'r>;
    type SerializeTuple = Impossible<(), Violation>;
    type SerializeTupleStruct = Impossible<(), Violation>;
    type SerializeTupleVariant = Impossible<(), Violation>;
    type SerializeMap = Entries<'r>;
    type SerializeStruct = Struct<'r>;
    type SerializeStructVariant = Impossible<(), Violation>;

    integers! {
        serialize_i8(i8); serialize_i16(i16); serialize_i32(i32); serialize_i64(i64); serialize_i128(i128);
        serialize_u8(u8); serialize_u16(u16); serialize_u32(u32); serialize_u64(u64); serialize_u128(u128);
    }

    fn serialize_f32(self, v: f32) -> Result<(), Violation> {
        // The number as the item stores it (`0.1`, not the `f64` it widens to).
        self.number(&f32_text(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Violation> {
        self.number(&f64_text(v))
    }

    fn serialize_bool(self, _: bool) -> Result<(), Violation> {
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Violation> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Violation> {
        self.string(v)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Violation> {
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Violation> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Violation> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Violation> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Violation> {
        Ok(())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Violation> {
        // A string enum's value is its wire text.
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Violation> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Violation> {
        Ok(())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'r>, Violation> {
        Ok(Items { rules: self.rules, count: 0, seen: Vec::new() })
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Violation> {
        Err(Violation::new("a tuple cannot be checked"))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Violation> {
        Err(Violation::new("a tuple cannot be checked"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Violation> {
        Err(Violation::new("a tuple cannot be checked"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'r>, Violation> {
        Ok(Entries { rules: self.rules, count: 0, key: None })
    }

    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Struct<'r>, Violation> {
        Ok(Struct { rules: self.rules, decimal: name == RAW_VALUE })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Violation> {
        Err(Violation::new("an enum variant cannot be checked"))
    }
}

impl Rules {
    /// Checks `value` (anything serde can write; `None` passes).
    pub fn check<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Violation> {
        value.serialize(Checker { rules: self })
    }
}

/// A list's elements: counted, checked with the rules for items, compared when they must be unique.
pub(super) struct Items<'r> {
    rules: &'r Rules,
    count: usize,
    /// The elements so far, as JSON, when `uniqueItems` asks to compare them.
    seen: Vec<serde_json::Value>,
}

impl SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = Violation;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Violation> {
        let index = self.count;
        self.count += 1;
        if let Some(items) = self.rules.items {
            value.serialize(Checker { rules: items }).map_err(|v| v.at(Step::Index(index)))?;
        }
        if self.rules.unique_items {
            let value = serde_json::to_value(value).map_err(|err| Violation::new(err.to_string()))?;
            if let Some(first) = self.seen.iter().position(|seen| same(seen, &value)) {
                return Err(Violation::new(check::duplicate(first, index)));
            }
            self.seen.push(value);
        }
        Ok(())
    }

    fn end(self) -> Result<(), Violation> {
        check::items(self.count, self.rules.min_items, self.rules.max_items).map_err(Violation::new)
    }
}

/// JSON Schema's equality: numbers by value (`1` and `1.0` are equal), objects whatever their key
/// order.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::{Array, Number, Object};
    match (a, b) {
        (Number(x), Number(y)) => daplug_rules::number::eq(&x.to_string(), &y.to_string()),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Object(x), Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

/// A map's entries: counted, each value checked with the rules for values (its key on the path).
pub(super) struct Entries<'r> {
    rules: &'r Rules,
    count: usize,
    key: Option<Step>,
}

impl SerializeMap for Entries<'_> {
    type Ok = ();
    type Error = Violation;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Violation> {
        self.count += 1;
        if self.rules.values.is_none() && self.rules.keys.is_none() {
            return Ok(());
        }
        let text = match key.serialize(serde_json::value::Serializer) {
            Ok(serde_json::Value::String(key)) => Some(key),
            _ => None,
        };
        if let (Some(keys), Some(text)) = (self.rules.keys, &text) {
            let name = Step::key(text.clone());
            text.serialize(Checker { rules: keys })
                .map_err(|v| Violation::new(format!("key {}", v.message())).at(name))?;
        }
        self.key = Some(text.map_or(Step::Unknown, Step::key));
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Violation> {
        match (self.rules.values, self.key.take()) {
            (Some(values), Some(key)) => value.serialize(Checker { rules: values }).map_err(|v| v.at(key)),
            _ => Ok(()),
        }
    }

    fn end(self) -> Result<(), Violation> {
        check::properties(self.count, self.rules.min_properties, self.rules.max_properties).map_err(Violation::new)
    }
}

/// A struct: a `Decimal` (its text checked as a number), or a generated struct, which checks its
/// own fields.
pub(super) struct Struct<'r> {
    rules: &'r Rules,
    decimal: bool,
}

impl SerializeStruct for Struct<'_> {
    type Ok = ();
    type Error = Violation;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Result<(), Violation> {
        if self.decimal {
            if let Ok(serde_json::Value::String(text)) = value.serialize(serde_json::value::Serializer) {
                return Checker { rules: self.rules }.number(&text);
            }
        }
        Ok(())
    }

    fn end(self) -> Result<(), Violation> {
        Ok(())
    }
}

impl ser::Error for Violation {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Violation::new(message.to_string())
    }
}
