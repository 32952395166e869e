//! serde's `Deserialize` and `Serialize` for the discriminated unions `schema!` generates: a
//! `oneOf` / `anyOf` with a `discriminator`, an `allOf` inheritance base with one, or alternatives
//! told apart by a required one-value property.
//!
//! Unlike serde's `#[serde(tag = "...")]`, the alternatives may declare the tag property
//! themselves (OpenAPI asks them to): reading hands the tag entry on to an alternative that
//! declares it, and writing writes the tag exactly once. Reading looks at the tag and decodes that
//! one alternative: the entries before the tag are held back ([`Content`]), the tag chooses, then the
//! held entries and the rest of the map go to the chosen alternative as one map, in input order.
//! daplug writes the tag first, so what it wrote streams through without being held back, and an
//! error inside the alternative names its full path (`payment_method.last4`). A tag that no
//! alternative has is an error at the tag (`payment_method.type: unknown variant `bitcoin`,
//! expected `card` or `paypal``).

use std::fmt;
use std::marker::PhantomData;
use std::vec;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};

use super::content::{Content, ContentDeserializer, HeldError};

/// A discriminated union `schema!` generates, as it describes itself.
pub trait TaggedUnion: Sized {
    /// The union's name (in `expected ...` messages).
    const NAME: &'static str;
    /// The tag property's wire name.
    const TAG: &'static str;
    /// Every tag value, grouped by alternative in declaration order.
    const TAGS: &'static [&'static str];
    /// The alternative each of [`TAGS`](Self::TAGS) selects (same positions).
    const ALTERNATIVE_OF: &'static [usize];
    /// Whether each alternative declares the tag property itself (and so reads the tag entry).
    const KEEPS_TAG: &'static [bool];
    /// The position in [`TAGS`](Self::TAGS) of the tag value `tag` (a generated `match`).
    fn tag_index(tag: &[u8]) -> Option<usize>;
    /// The alternative at `index` read from `deserializer`, which holds the whole object.
    fn deserialize_alternative<'de, D: Deserializer<'de>>(index: usize, deserializer: D) -> Result<Self, D::Error>;
}

/// `U` read from a map: its tag chooses the alternative, which reads the whole map.
#[inline]
pub fn deserialize_tagged<'de, D: Deserializer<'de>, U: TaggedUnion>(deserializer: D) -> Result<U, D::Error> {
    deserializer.deserialize_any(TaggedVisitor(PhantomData::<U>))
}

struct TaggedVisitor<U>(PhantomData<U>);

impl<'de, U: TaggedUnion> Visitor<'de> for TaggedVisitor<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internally tagged enum {}", U::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        let mut held = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed(U::TAG))? {
            match key {
                Key::Tag => {
                    let (index, text) = map.next_value_seed(TagSeed(PhantomData::<U>))?;
                    let tag = U::KEEPS_TAG.get(index).copied().unwrap_or(false).then_some((U::TAG, text));
                    let rest = Replay { held: held.into_iter(), tag, tag_name: U::TAG, rest: map, value: None };
                    return U::deserialize_alternative(index, MapAccessDeserializer::new(rest));
                }
                Key::Other(key) => {
                    let value: Content<'de> = map.next_value()?;
                    held.push((key, value));
                }
            }
        }
        Err(de::Error::missing_field(U::TAG))
    }

    /// A list, as serde's internally tagged enums read one (from formats that write structs as
    /// lists): the tag first, then the alternative's fields in order.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<U, A::Error> {
        let Some((index, _)) = seq.next_element_seed(TagSeed(PhantomData::<U>))? else {
            return Err(de::Error::missing_field(U::TAG));
        };
        U::deserialize_alternative(index, SeqAccessDeserializer::new(seq))
    }
}

/// A key of the union's map: the tag, or another key held back with its value.
enum Key<'de> {
    Tag,
    Other(Content<'de>),
}

struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(if v == self.0 { Key::Tag } else { Key::Other(Content::String(v.to_owned())) })
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(if v == self.0 { Key::Tag } else { Key::Other(Content::Str(v)) })
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(if v == self.0 { Key::Tag } else { Key::Other(Content::String(v)) })
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
        Ok(if v == self.0.as_bytes() { Key::Tag } else { Key::Other(Content::ByteBuf(v.to_owned())) })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key<'de>, E> {
        Ok(Key::Other(Content::U64(v)))
    }
}

/// The tag's value: the chosen alternative and the tag text as one of the union's own (`'static`)
/// texts, to hand on to an alternative that declares the tag.
pub struct TagSeed<U>(pub PhantomData<U>);

impl<'de, U: TaggedUnion> DeserializeSeed<'de> for TagSeed<U> {
    type Value = (usize, &'static str);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, U: TaggedUnion> Visitor<'de> for TagSeed<U> {
    type Value = (usize, &'static str);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde's text for a tag of the wrong type (an unknown tag lists the known ones).
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let index = U::tag_index(v.as_bytes()).ok_or_else(|| de::Error::unknown_variant(v, U::TAGS))?;
        match (U::ALTERNATIVE_OF.get(index), U::TAGS.get(index)) {
            (Some(alternative), Some(text)) => Ok((*alternative, *text)),
            _ => Err(de::Error::unknown_variant(v, U::TAGS)),
        }
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        match std::str::from_utf8(v) {
            Ok(v) => self.visit_str(v),
            Err(_) => Err(de::Error::invalid_value(de::Unexpected::Bytes(v), &self)),
        }
    }
}

/// The union's map as the chosen alternative reads it: the entries held back, the tag (for an
/// alternative that declares it), then the entries not yet read.
struct Replay<'de, A> {
    held: vec::IntoIter<(Content<'de>, Content<'de>)>,
    tag: Option<(&'static str, &'static str)>,
    /// The tag's name, to refuse it in the entries not yet read.
    tag_name: &'static str,
    rest: A,
    /// The value of a held (or the tag) entry whose key was just given.
    value: Option<(Content<'de>, Content<'de>)>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.held.next() {
            self.value = Some((key.clone(), value));
            return seed.deserialize(ContentDeserializer::new(key)).map(Some);
        }
        if let Some((key, value)) = self.tag.take() {
            self.value = Some((Content::Str(key), Content::Str(value)));
            return seed.deserialize(ContentDeserializer::new(Content::Str(key))).map(Some);
        }
        // The keys not yet read: a second tag is refused (which one would count?), as serde's
        // tagged enums refuse it; the others go to the alternative.
        let Some(key) = self.rest.next_key_seed(KeySeed(self.tag_name))? else {
            return Ok(None);
        };
        match key {
            Key::Tag => Err(de::Error::duplicate_field(self.tag_name)),
            Key::Other(key) => {
                HeldError::begin();
                let shown = key.clone();
                seed.deserialize(ContentDeserializer::new(key))
                    .map(Some)
                    .inspect_err(|err| HeldError::finish(&shown, err))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some((key, value)) => {
                HeldError::begin();
                seed.deserialize(ContentDeserializer::new(value)).inspect_err(|err| HeldError::finish(&key, err))
            }
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let rest = self.rest.size_hint()?;
        Some(self.held.len() + usize::from(self.tag.is_some()) + rest)
    }
}

/// The tag value an alternative is written with: the one its own tag field holds (`current`) when
/// that is one of the alternative's values (`accepted`, several when a `mapping` sends several
/// values to one alternative), else the alternative's first value. So what is written always reads
/// back as the same alternative.
#[inline]
pub fn tag_text<'a>(accepted: &'static [&'static str], current: Option<&'a str>) -> &'a str {
    match current {
        Some(current) if accepted.contains(&current) => current,
        _ => accepted.first().copied().unwrap_or_default(),
    }
}

/// `alternative` written as an object whose first entry is `tag: text`; a tag field the
/// alternative declares itself is not written again. `declared` says whether the alternative
/// writes such a field (a field holding `Some` or a required one), so that the count of entries
/// handed to `serialize_struct` is exact.
#[inline]
pub fn serialize_tagged<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    tag: &'static str,
    text: &str,
    declared: bool,
    alternative: &T,
) -> Result<S::Ok, S::Error> {
    alternative.serialize(TaggedSerializer { delegate: serializer, tag, text, declared })
}

struct TaggedSerializer<'a, S> {
    delegate: S,
    tag: &'static str,
    text: &'a str,
    declared: bool,
}

impl<S: Serializer> TaggedSerializer<'_, S> {
    fn not_an_object(self, what: &str) -> S::Error {
        ser::Error::custom(format_args!(
            "the `{}` tag can only be written into an object, and this alternative is {what}",
            self.tag
        ))
    }
}

/// Every `serialize_*` of a value that is not an object: an error (`schema!` tags only unions whose
/// alternatives are objects, so generated code never meets it).
macro_rules! not_an_object {
    ($($method:ident($($arg:ty),*) $what:literal;)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<S::Ok, S::Error> {
            Err(self.not_an_object($what))
        }
    )*};
}

impl<'a, S: Serializer> Serializer for TaggedSerializer<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = TaggedMap<'a, S::SerializeMap>;
    type SerializeStruct = TaggedStruct<S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    not_an_object! {
        serialize_bool(bool) "a boolean";
        serialize_i8(i8) "a number"; serialize_i16(i16) "a number"; serialize_i32(i32) "a number";
        serialize_i64(i64) "a number"; serialize_u8(u8) "a number"; serialize_u16(u16) "a number";
        serialize_u32(u32) "a number"; serialize_u64(u64) "a number"; serialize_f32(f32) "a number";
        serialize_f64(f64) "a number"; serialize_char(char) "a string"; serialize_str(&str) "a string";
        serialize_bytes(&[u8]) "binary"; serialize_none() "null"; serialize_unit() "null";
        serialize_unit_struct(&'static str) "null";
        serialize_unit_variant(&'static str, u32, &'static str) "a string";
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(self.not_an_object("an enum variant"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(self.not_an_object("a list"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(self.not_an_object("a list"))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(self.not_an_object("a list"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(self.not_an_object("an enum variant"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(self.not_an_object("an enum variant"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        // The map may or may not hold the tag: its entry count is not known in advance.
        let mut map = self.delegate.serialize_map(None)?;
        map.serialize_entry(self.tag, self.text)?;
        Ok(TaggedMap { delegate: map, tag: self.tag, skip_value: false, marker: PhantomData })
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        let len = if self.declared { len } else { len + 1 };
        let mut fields = self.delegate.serialize_struct(name, len)?;
        fields.serialize_field(self.tag, self.text)?;
        Ok(TaggedStruct { delegate: fields, tag: self.tag })
    }
}

/// A struct's fields after the tag, its own tag field left out.
struct TaggedStruct<S> {
    delegate: S,
    tag: &'static str,
}

impl<S: SerializeStruct> SerializeStruct for TaggedStruct<S> {
    type Ok = S::Ok;
    type Error = S::Error;

    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), S::Error> {
        if key == self.tag {
            return Ok(());
        }
        self.delegate.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.delegate.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.delegate.end()
    }
}

/// A map's entries after the tag, an entry of its own under the tag's name left out.
struct TaggedMap<'a, M> {
    delegate: M,
    tag: &'static str,
    skip_value: bool,
    marker: PhantomData<&'a ()>,
}

impl<M: SerializeMap> SerializeMap for TaggedMap<'_, M> {
    type Ok = M::Ok;
    type Error = M::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), M::Error> {
        // Map alternatives are rare (a free-form object in a tagged union): the key is looked at
        // through serde_json's value serializer rather than a serializer of its own.
        self.skip_value = matches!(
            key.serialize(serde_json::value::Serializer),
            Ok(serde_json::Value::String(key)) if key == self.tag
        );
        if self.skip_value {
            return Ok(());
        }
        self.delegate.serialize_key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), M::Error> {
        if std::mem::take(&mut self.skip_value) {
            return Ok(());
        }
        self.delegate.serialize_value(value)
    }

    fn end(self) -> Result<M::Ok, M::Error> {
        self.delegate.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::{json, Map, Value};

    /// A union with a struct alternative that does not declare the tag and a map alternative.
    #[derive(Debug, PartialEq)]
    enum Shape {
        Dot(Dot),
        Free(Map<String, Value>),
    }

    #[derive(Debug, PartialEq, Deserialize, serde::Serialize)]
    struct Dot {
        x: i64,
    }

    impl TaggedUnion for Shape {
        const NAME: &'static str = "Shape";
        const TAG: &'static str = "kind";
        const TAGS: &'static [&'static str] = &["dot", "free", "other"];
        const ALTERNATIVE_OF: &'static [usize] = &[0, 1, 1];
        const KEEPS_TAG: &'static [bool] = &[false, true];

        fn tag_index(tag: &[u8]) -> Option<usize> {
            Self::TAGS.iter().position(|t| t.as_bytes() == tag)
        }

        fn deserialize_alternative<'de, D: Deserializer<'de>>(index: usize, deserializer: D) -> Result<Self, D::Error> {
            match index {
                0 => Dot::deserialize(deserializer).map(Shape::Dot),
                _ => Map::deserialize(deserializer).map(Shape::Free),
            }
        }
    }

    impl<'de> Deserialize<'de> for Shape {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_tagged(deserializer)
        }
    }

    impl Serialize for Shape {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Shape::Dot(v) => serialize_tagged(serializer, "kind", tag_text(&["dot"], None), false, v),
                Shape::Free(v) => {
                    let current = v.get("kind").and_then(Value::as_str);
                    serialize_tagged(serializer, "kind", tag_text(&["free", "other"], current), false, v)
                }
            }
        }
    }

    #[test]
    fn a_map_alternative_keeps_its_entries_and_gets_the_tag_once() {
        // The tag after other entries: they are held, then handed on in order with the tag.
        let free: Shape = serde_json::from_str(r#"{"a": 1, "kind": "other", "b": [2]}"#).unwrap();
        let Shape::Free(map) = &free else { panic!("{free:?}") };
        assert_eq!(Value::Object(map.clone()), json!({"a": 1, "kind": "other", "b": [2]}));
        // Written with the value it holds (one of its own), once, first.
        assert_eq!(serde_json::to_string(&free).unwrap(), r#"{"kind":"other","a":1,"b":[2]}"#);
        // A map whose own entry names another alternative is written as what it is.
        let mut wrong = map.clone();
        wrong.insert("kind".into(), json!("dot"));
        assert_eq!(serde_json::to_string(&Shape::Free(wrong)).unwrap(), r#"{"kind":"free","a":1,"b":[2]}"#);
    }

    #[test]
    fn a_struct_alternative_without_the_tag_field_is_written_with_it() {
        let dot = Shape::Dot(Dot { x: 3 });
        assert_eq!(serde_json::to_string(&dot).unwrap(), r#"{"kind":"dot","x":3}"#);
        assert_eq!(serde_json::from_str::<Shape>(r#"{"x": 3, "kind": "dot"}"#).unwrap(), dot);
        // serde's seq form: the tag first, then the fields.
        assert_eq!(serde_json::from_str::<Shape>(r#"["dot", 3]"#).unwrap(), dot);
    }

    #[test]
    fn refusals_are_serde_s() {
        let err = |text: &str| serde_json::from_str::<Shape>(text).unwrap_err().to_string();
        assert!(err(r#"{"kind": "dot", "x": 1, "kind": "dot"}"#).starts_with("duplicate field `kind`"));
        assert!(err(r#"{"x": 1}"#).starts_with("missing field `kind`"));
        assert!(
            err(r#"{"kind": "line"}"#).starts_with("unknown variant `line`, expected one of `dot`, `free`, `other`")
        );
        assert!(err(r#"{"kind": 7}"#).starts_with("invalid type: integer `7`, expected variant identifier"));
        assert!(err(r#""dot""#).starts_with("invalid type: string \"dot\", expected internally tagged enum Shape"));
        assert!(err("[]").starts_with("missing field `kind`"));
    }
}
