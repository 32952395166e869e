//! The capture of map keys and variant names for the path tracker.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

/// Seed, deserializer and visitor of a map key or enum variant name: stores the name in `key`.
///
/// An owned name is moved into `key` and handed to the inner visitor as `visit_str`; a borrowed one
/// is kept as a borrow. Struct field identifiers accept `visit_str`, so a field name costs nothing;
/// a `String` map key is copied once by its own visitor (instead of twice by `serde_path_to_error`).
pub(super) struct CaptureKey<'s, 'de, X> {
    pub(super) delegate: X,
    pub(super) key: &'s mut Option<Cow<'de, str>>,
}

impl<'de, X: DeserializeSeed<'de>> DeserializeSeed<'de> for CaptureKey<'_, 'de, X> {
    type Value = X::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<X::Value, D::Error> {
        self.delegate.deserialize(CaptureKey { delegate: deserializer, key: self.key })
    }
}

macro_rules! call_capture {
    ($this:ident, $method:ident($($arg:expr),*), $visitor:ident) => {{
        let CaptureKey { delegate, key } = $this;
        delegate.$method($($arg,)* CaptureKey { delegate: $visitor, key })
    }};
}

impl<'de, X: Deserializer<'de>> Deserializer<'de> for CaptureKey<'_, 'de, X> {
    type Error = X::Error;

    deserializer_methods!(call_capture);

    fn is_human_readable(&self) -> bool {
        self.delegate.is_human_readable()
    }
}

macro_rules! visit_plain {
    ($this:ident, $method:ident($($arg:expr)?)) => {
        $this.delegate.$method($($arg)?)
    };
}

impl<'de, X: Visitor<'de>> Visitor<'de> for CaptureKey<'_, 'de, X> {
    type Value = X::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.delegate.expecting(f)
    }

    scalar_visits! { visit_plain;
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64); visit_i128(i128);
        visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64); visit_u128(u128);
        visit_f32(f32); visit_f64(f64); visit_char(char);
        visit_bytes(&[u8]); visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
        visit_unit(); visit_none();
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        *self.key = Some(Cow::Owned(v.to_owned()));
        self.delegate.visit_str(v)
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        *self.key = Some(Cow::Borrowed(v));
        self.delegate.visit_borrowed_str(v)
    }

    #[inline]
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        let key = self.key.insert(Cow::Owned(v));
        self.delegate.visit_str(key)
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.delegate.visit_some(deserializer)
    }

    #[inline]
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.delegate.visit_newtype_struct(deserializer)
    }

    #[inline]
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.delegate.visit_seq(seq)
    }

    #[inline]
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.delegate.visit_map(map)
    }

    #[inline]
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.delegate.visit_enum(data)
    }
}
