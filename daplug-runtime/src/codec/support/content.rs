//! A value held back while a tagged union's map is read up to its tag ([`Content`]), and handed to
//! the alternative the tag chose once it is known ([`ContentDeserializer`]).
//!
//! serde keeps the same kind of buffer private to its derive. Only the entries *before* the tag
//! are held here: an object whose tag comes first (as daplug writes every tagged union) streams
//! straight into its alternative, so nothing is buffered and errors keep their full path.
//!
//! Numbers are held as the deserializer gave them (`u64`, `i64`, `f64`): a `Decimal` buffered this
//! way is read from its `f64` value, as `from_json(&Value)` reads every decimal.
//!
//! A held value is read outside the deserializer it came from, so a path tracker wrapping that
//! deserializer (`path.rs`) cannot see where inside it an error arose. The steps are noted here
//! instead, on the error's way out ([`HeldError`]), and the tracker appends them to its path when
//! the same error reaches it: `payment_method.last4`, not `payment_method`, although the card's
//! fields came before its tag.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::vec;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, Unexpected};
use serde::de::{MapAccess, SeqAccess, VariantAccess, Visitor};
use serde::forward_to_deserialize_any;

use crate::codec::path::Step;

thread_local! {
    /// The path (innermost first) inside the held value whose reading failed last on this thread,
    /// and the failure's text, once the union has noted it.
    static HELD: RefCell<(Vec<Step>, Option<String>)> = const { RefCell::new((Vec::new(), None)) };
}

/// Where errors of held values note their path.
pub(crate) struct HeldError;

impl HeldError {
    /// A held value is about to be read: forget any earlier, unclaimed path.
    pub(crate) fn begin() {
        HELD.with(|held| {
            let mut held = held.borrow_mut();
            held.0.clear();
            held.1 = None;
        });
    }

    fn push(step: Step) {
        HELD.with(|held| held.borrow_mut().0.push(step));
    }

    /// Reading the held entry `key` failed with `err`: the path is complete.
    pub(crate) fn finish(key: &Content<'_>, err: &impl fmt::Display) {
        Self::push(key_step(key));
        HELD.with(|held| held.borrow_mut().1 = Some(err.to_string()));
    }

    /// An error `err` raised for a value read outside the tracked deserializer (a constraint broken
    /// inside a list or map) arose at `steps` (innermost first) inside it.
    pub(crate) fn note(steps: Vec<Step>, err: &impl fmt::Display) {
        if steps.is_empty() {
            return;
        }
        HELD.with(|held| *held.borrow_mut() = (steps, Some(err.to_string())));
    }

    /// The steps (innermost first) to add below the tracker's own when `err` is the error a held
    /// value gave; claimed once.
    pub(crate) fn claim(err: &impl fmt::Display) -> Option<Vec<Step>> {
        HELD.with(|held| {
            let mut held = held.borrow_mut();
            let message = held.1.take()?;
            let steps = std::mem::take(&mut held.0);
            (message == err.to_string()).then_some(steps)
        })
    }
}

/// A map key as a path step (`?` for one that is no text).
fn key_step(key: &Content<'_>) -> Step {
    match key {
        Content::String(key) => Step::key(key.clone()),
        Content::Str(key) => Step::key((*key).to_owned()),
        Content::U64(key) => Step::key(key.to_string()),
        _ => Step::Unknown,
    }
}

/// One value as the deserializer described it.
#[derive(Debug, Clone, PartialEq)]
pub enum Content<'de> {
    /// `true` / `false`.
    Bool(bool),
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// A float.
    F64(f64),
    /// A string the deserializer owned.
    String(String),
    /// A string borrowed from the input.
    Str(&'de str),
    /// Bytes the deserializer owned.
    ByteBuf(Vec<u8>),
    /// Bytes borrowed from the input.
    Bytes(&'de [u8]),
    /// `null` / `None`.
    None,
    /// `Some(value)`.
    Some(Box<Content<'de>>),
    /// `()`.
    Unit,
    /// A newtype struct's value.
    Newtype(Box<Content<'de>>),
    /// A sequence.
    Seq(Vec<Content<'de>>),
    /// A map's entries in input order.
    Map(Vec<(Content<'de>, Content<'de>)>),
}

impl Content<'_> {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Content::Bool(v) => Unexpected::Bool(*v),
            Content::U64(v) => Unexpected::Unsigned(*v),
            Content::I64(v) => Unexpected::Signed(*v),
            Content::F64(v) => Unexpected::Float(*v),
            Content::String(v) => Unexpected::Str(v),
            Content::Str(v) => Unexpected::Str(v),
            Content::ByteBuf(v) => Unexpected::Bytes(v),
            Content::Bytes(v) => Unexpected::Bytes(v),
            Content::None | Content::Some(_) => Unexpected::Option,
            Content::Unit => Unexpected::Unit,
            Content::Newtype(_) => Unexpected::NewtypeStruct,
            Content::Seq(_) => Unexpected::Seq,
            Content::Map(_) => Unexpected::Map,
        }
    }
}

impl<'de> Deserialize<'de> for Content<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ContentVisitor)
    }
}

struct ContentVisitor;

impl<'de> Visitor<'de> for ContentVisitor {
    type Value = Content<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Content<'de>, E> {
        Ok(Content::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Content<'de>, E> {
        Ok(if v >= 0 { Content::U64(v as u64) } else { Content::I64(v) })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Content<'de>, E> {
        Ok(Content::U64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Content<'de>, E> {
        Ok(Content::F64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Content<'de>, E> {
        Ok(Content::String(v.to_owned()))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Content<'de>, E> {
        Ok(Content::Str(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Content<'de>, E> {
        Ok(Content::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Content<'de>, E> {
        Ok(Content::ByteBuf(v.to_owned()))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Content<'de>, E> {
        Ok(Content::Bytes(v))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Content<'de>, E> {
        Ok(Content::ByteBuf(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Content<'de>, E> {
        Ok(Content::None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Content<'de>, D::Error> {
        Content::deserialize(deserializer).map(|v| Content::Some(Box::new(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Content<'de>, E> {
        Ok(Content::Unit)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Content<'de>, D::Error> {
        Content::deserialize(deserializer).map(|v| Content::Newtype(Box::new(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Content<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Content::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Content<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Content::Map(entries))
    }
}

/// Hands a [`Content`] to a `Deserialize` as the deserializer it came from would have; errors are
/// `E`, the original deserializer's error type.
pub struct ContentDeserializer<'de, E> {
    content: Content<'de>,
    error: PhantomData<E>,
}

impl<'de, E> ContentDeserializer<'de, E> {
    /// A deserializer of `content`.
    pub fn new(content: Content<'de>) -> Self {
        ContentDeserializer { content, error: PhantomData }
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for Content<'de> {
    type Deserializer = ContentDeserializer<'de, E>;

    fn into_deserializer(self) -> Self::Deserializer {
        ContentDeserializer::new(self)
    }
}

impl<'de, E: de::Error> Deserializer<'de> for ContentDeserializer<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.content {
            Content::Bool(v) => visitor.visit_bool(v),
            Content::U64(v) => visitor.visit_u64(v),
            Content::I64(v) => visitor.visit_i64(v),
            Content::F64(v) => visitor.visit_f64(v),
            Content::String(v) => visitor.visit_string(v),
            Content::Str(v) => visitor.visit_borrowed_str(v),
            Content::ByteBuf(v) => visitor.visit_byte_buf(v),
            Content::Bytes(v) => visitor.visit_borrowed_bytes(v),
            Content::None => visitor.visit_none(),
            Content::Some(v) => visitor.visit_some(ContentDeserializer::new(*v)),
            Content::Unit => visitor.visit_unit(),
            Content::Newtype(v) => visitor.visit_newtype_struct(ContentDeserializer::new(*v)),
            Content::Seq(items) => {
                let len = items.len();
                let mut seq = HeldSeq { items: items.into_iter(), index: 0, error: PhantomData };
                let value = visitor.visit_seq(&mut seq)?;
                match seq.items.len() {
                    0 => Ok(value),
                    left => Err(de::Error::invalid_length(len, &ExpectedLen(len - left))),
                }
            }
            Content::Map(entries) => {
                let len = entries.len();
                let mut map = HeldMap { entries: entries.into_iter(), value: None, error: PhantomData };
                let value = visitor.visit_map(&mut map)?;
                match map.entries.len() {
                    0 => Ok(value),
                    left => Err(de::Error::invalid_length(len, &ExpectedLen(len - left))),
                }
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.content {
            Content::None | Content::Unit => visitor.visit_none(),
            Content::Some(v) => visitor.visit_some(ContentDeserializer::new(*v)),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, E> {
        match self.content {
            Content::Newtype(v) => visitor.visit_newtype_struct(ContentDeserializer::new(*v)),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.content {
            // A unit variant by name, or `{variant: value}`.
            Content::String(_) | Content::Str(_) => {
                visitor.visit_enum(Variant { name: self.content, value: None, error: PhantomData })
            }
            Content::Map(mut entries) if entries.len() == 1 => {
                let (name, value) = entries.remove(0);
                visitor.visit_enum(Variant { name, value: Some(value), error: PhantomData })
            }
            other => Err(de::Error::invalid_type(other.unexpected(), &"a string or a map of one entry")),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// `N elements in sequence` / `N elements in map`, serde's text for entries left unread.
struct ExpectedLen(usize);

impl de::Expected for ExpectedLen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} elements", self.0)
    }
}

/// A held list's elements; an error in one notes its position.
struct HeldSeq<'de, E> {
    items: vec::IntoIter<Content<'de>>,
    index: usize,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> SeqAccess<'de> for HeldSeq<'de, E> {
    type Error = E;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, E> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(ContentDeserializer::new(item)).map(Some).inspect_err(|_| HeldError::push(Step::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A held map's entries; an error in a value notes its key.
struct HeldMap<'de, E> {
    entries: vec::IntoIter<(Content<'de>, Content<'de>)>,
    value: Option<(Step, Content<'de>)>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> MapAccess<'de> for HeldMap<'de, E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key_step(&key), value));
        seed.deserialize(ContentDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, E> {
        let (key, value) = self.value.take().ok_or_else(|| de::Error::custom("a map value read before its key"))?;
        seed.deserialize(ContentDeserializer::new(value)).inspect_err(|_| HeldError::push(key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An externally tagged enum value held back: the variant's name and, unless it is a unit
/// variant, its value.
struct Variant<'de, E> {
    name: Content<'de>,
    value: Option<Content<'de>>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> EnumAccess<'de> for Variant<'de, E> {
    type Error = E;
    type Variant = VariantValue<'de, E>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), E> {
        let variant = seed.deserialize(ContentDeserializer::<E>::new(self.name))?;
        Ok((variant, VariantValue { value: self.value, error: PhantomData }))
    }
}

struct VariantValue<'de, E> {
    value: Option<Content<'de>>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> VariantAccess<'de> for VariantValue<'de, E> {
    type Error = E;

    fn unit_variant(self) -> Result<(), E> {
        match self.value {
            None | Some(Content::Unit) => Ok(()),
            Some(other) => Err(de::Error::invalid_type(other.unexpected(), &"unit variant")),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, E> {
        match self.value {
            Some(value) => seed.deserialize(ContentDeserializer::new(value)),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &"newtype variant")),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Some(value @ Content::Seq(_)) => ContentDeserializer::new(value).deserialize_any(visitor),
            Some(other) => Err(de::Error::invalid_type(other.unexpected(), &"tuple variant")),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &"tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, E> {
        match self.value {
            Some(value @ (Content::Map(_) | Content::Seq(_))) => {
                ContentDeserializer::new(value).deserialize_any(visitor)
            }
            Some(other) => Err(de::Error::invalid_type(other.unexpected(), &"struct variant")),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &"struct variant")),
        }
    }
}
