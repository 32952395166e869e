//! A small path-tracking `Deserializer` adapter: on error it names the attribute at fault
//! (`line_items[0].qty`), in the same format as `serde_path_to_error`'s `Path`. It serves inbound
//! JSON (`Model::from_json`); items are read by the codec's deserializer, which names the path,
//! bounds depth and refuses non-finite floats itself, as this does (its tests compare the two).
//!
//! Unlike `serde_path_to_error`, map keys and enum variants are never cloned: an owned key
//! (`visit_string`) is moved into the path slot and the inner visitor gets `visit_str` of it, a
//! borrowed key (`visit_borrowed_str`) is kept as a borrow, and the path nodes borrow those slots. The
//! path is rendered into a `String` only when an error occurs.
//!
//! It also bounds what it reads: a value nested deeper than [`MAX_DEPTH`] levels, and a float that
//! is not finite (or does not fit the `f32` it is read into), is an error at its path, so no input
//! can exhaust the stack or smuggle `inf` / `NaN` into a model.
//!
//! Longer than the other files on purpose: serde's `Deserializer`, `Visitor`, `SeqAccess`,
//! `MapAccess` and `EnumAccess` must each be wrapped method by method, and the wrappers are one
//! concern (tracking the path, and bounding depth and floats at the same hooks, where the path is
//! known), so they stay together.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt::{self, Write as _};

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Visitor};

use crate::support::HeldError;

/// How deep a value may be nested: 32 levels below the item, DynamoDB's own limit for nested
/// attributes (a top-level attribute is at level 1).
pub const MAX_DEPTH: usize = 32;

/// Deserializes `T` from `deserializer`; on error also returns the path of the value at fault.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, (String, D::Error)>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let track = Track { path: Cell::new(None) };
    T::deserialize(PathDe { de: deserializer, chain: &Chain::Root, track: &track })
        .map_err(|err| (track.path.into_inner().unwrap_or_else(|| ".".to_owned()), err))
}

/// One node of the path from the root to the value being deserialized, linked to its parent.
enum Chain<'a> {
    Root,
    Seq {
        parent: &'a Chain<'a>,
        index: usize,
    },
    Key {
        parent: &'a Chain<'a>,
        key: &'a str,
    },
    /// A map key that is not a string (rendered `?`).
    Unknown {
        parent: &'a Chain<'a>,
    },
}

impl<'a> Chain<'a> {
    fn key(parent: &'a Chain<'a>, key: Option<&'a str>) -> Self {
        match key {
            Some(key) => Chain::Key { parent, key },
            None => Chain::Unknown { parent },
        }
    }

    /// Levels below the root.
    fn depth(&self) -> usize {
        let mut depth = 0;
        let mut node = self;
        while let Chain::Seq { parent, .. } | Chain::Key { parent, .. } | Chain::Unknown { parent } = node {
            depth += 1;
            node = parent;
        }
        depth
    }

    /// `a.b[0].c`; `.` for the root.
    fn render(&self) -> String {
        let mut nodes = Vec::new();
        let mut node = self;
        loop {
            match node {
                Chain::Root => break,
                Chain::Seq { parent, .. } | Chain::Key { parent, .. } | Chain::Unknown { parent } => {
                    nodes.push(node);
                    node = parent;
                }
            }
        }
        if nodes.is_empty() {
            return ".".to_owned();
        }
        let mut out = String::new();
        for (i, node) in nodes.iter().rev().enumerate() {
            let sep = if i == 0 { "" } else { "." };
            // Writing to a String cannot fail.
            let _ = match node {
                Chain::Seq { index, .. } => write!(out, "[{index}]"),
                Chain::Key { key, .. } => write!(out, "{sep}{key}"),
                Chain::Unknown { .. } => write!(out, "{sep}?"),
                Chain::Root => Ok(()),
            };
        }
        out
    }
}

/// Where the first (innermost) error records its path.
struct Track {
    path: Cell<Option<String>>,
}

impl Track {
    fn trigger<E: fmt::Display>(&self, chain: &Chain<'_>, err: E) -> E {
        let path = self.path.take().unwrap_or_else(|| {
            // An error from a value a tagged union held back carries the rest of its path itself.
            let path = chain.render();
            match HeldError::claim(&err) {
                Some(inner) if path == "." => inner.trim_start_matches('.').to_owned(),
                Some(inner) => path + &inner,
                None => path,
            }
        });
        self.path.set(Some(path));
        err
    }
}

/// The `Deserializer` of the value at `chain`.
struct PathDe<'a, D> {
    de: D,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

/// The visitor of the value at `chain`.
struct Wrap<'a, X> {
    delegate: X,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

/// Forwards every `deserialize_*` method; `$call!(self, method(args), visitor)` does the forwarding.
macro_rules! deserializer_methods {
    ($call:ident) => {
        deserializer_methods!(@plain $call; deserialize_any deserialize_bool deserialize_i8 deserialize_i16
            deserialize_i32 deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
            deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
            deserialize_string deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit
            deserialize_seq deserialize_map deserialize_identifier deserialize_ignored_any);

        fn deserialize_unit_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_unit_struct(name), visitor)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_newtype_struct(name), visitor)
        }

        fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_tuple(len), visitor)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_tuple_struct(name, len), visitor)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_struct(name, fields), visitor)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_enum(name, variants), visitor)
        }
    };
    (@plain $call:ident; $($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                $call!(self, $method(), visitor)
            }
        )*
    };
}

macro_rules! call_tracked {
    // An `f32` is read through a visitor that refuses finite values beyond its range (which the
    // primitive visitor would turn into `inf`).
    ($this:ident, deserialize_f32(), $visitor:ident) => {{
        let PathDe { de, chain, track } = $this;
        de.deserialize_f32(Wrap { delegate: F32Range($visitor), chain, track }).map_err(|err| track.trigger(chain, err))
    }};
    ($this:ident, $method:ident($($arg:expr),*), $visitor:ident) => {{
        let PathDe { de, chain, track } = $this;
        de.$method($($arg,)* Wrap { delegate: $visitor, chain, track }).map_err(|err| track.trigger(chain, err))
    }};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for PathDe<'_, D> {
    type Error = D::Error;

    deserializer_methods!(call_tracked);

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// Forwards the scalar `visit_*` methods; `$call!(self, method(arg))` does the forwarding.
macro_rules! scalar_visits {
    ($call:ident; $($method:ident($($ty:ty)?);)*) => {
        $(
            fn $method<E: de::Error>(self $(, v: $ty)?) -> Result<Self::Value, E> {
                $call!(self, $method($({ let v: $ty = v; v })?))
            }
        )*
    };
}

/// Visits a float only when it is finite (`inf` / `NaN` cannot be stored in DynamoDB).
macro_rules! finite {
    ($this:ident, $v:ident, $method:ident) => {{
        let Wrap { delegate, chain, track } = $this;
        if !$v.is_finite() {
            return Err(track.trigger(chain, de::Error::custom(format!("{} is not a finite number", $v))));
        }
        delegate.$method($v).map_err(|err| track.trigger(chain, err))
    }};
}

macro_rules! visit_inner {
    ($this:ident, $method:ident($($arg:expr)?)) => {
        $this.0.$method($($arg)?)
    };
}

macro_rules! visit_tracked {
    ($this:ident, visit_f32($arg:expr)) => {{
        let v: f32 = $arg;
        finite!($this, v, visit_f32)
    }};
    ($this:ident, visit_f64($arg:expr)) => {{
        let v: f64 = $arg;
        finite!($this, v, visit_f64)
    }};
    ($this:ident, $method:ident($($arg:expr)?)) => {{
        let Wrap { delegate, chain, track } = $this;
        delegate.$method($($arg)?).map_err(|err| track.trigger(chain, err))
    }};
}

impl<'de, X: Visitor<'de>> Visitor<'de> for Wrap<'_, X> {
    type Value = X::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.delegate.expecting(f)
    }

    scalar_visits! { visit_tracked;
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64); visit_i128(i128);
        visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64); visit_u128(u128);
        visit_f32(f32); visit_f64(f64); visit_char(char);
        visit_str(&str); visit_borrowed_str(&'de str); visit_string(String);
        visit_bytes(&[u8]); visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
        visit_unit(); visit_none();
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate.visit_some(PathDe { de: deserializer, chain, track }).map_err(|err| track.trigger(chain, err))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate
            .visit_newtype_struct(PathDe { de: deserializer, chain, track })
            .map_err(|err| track.trigger(chain, err))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate.visit_seq(SeqAccess { delegate: seq, chain, track, index: 0 }).map_err(|err| track.trigger(chain, err))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate
            .visit_map(MapAccess { delegate: map, chain, track, key: None })
            .map_err(|err| track.trigger(chain, err))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate.visit_enum(Wrap { delegate: data, chain, track }).map_err(|err| track.trigger(chain, err))
    }
}

/// The visitor of an `f32`: a finite `f64` beyond `f32`'s range is an error, not `inf`.
struct F32Range<X>(X);

impl<'de, X: Visitor<'de>> Visitor<'de> for F32Range<X> {
    type Value = X::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && (v as f32).is_infinite() {
            return Err(E::custom(format!("{v} is out of range for a 32-bit float")));
        }
        self.0.visit_f64(v)
    }

    scalar_visits! { visit_inner;
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64); visit_i128(i128);
        visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64); visit_u128(u128);
        visit_f32(f32); visit_char(char);
        visit_str(&str); visit_borrowed_str(&'de str); visit_string(String);
        visit_bytes(&[u8]); visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
        visit_unit(); visit_none();
    }
}

/// Seed of a map value, sequence element or newtype variant: deserializes it at `chain`.
struct TrackedSeed<'a, X> {
    seed: X,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de, X: DeserializeSeed<'de>> DeserializeSeed<'de> for TrackedSeed<'_, X> {
    type Value = X::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<X::Value, D::Error> {
        let TrackedSeed { seed, chain, track } = self;
        // Every nested value (element, map value, variant content) passes here: the one depth check.
        if chain.depth() > MAX_DEPTH {
            let message = format!("nested deeper than {MAX_DEPTH} levels (DynamoDB's limit)");
            return Err(track.trigger(chain, de::Error::custom(message)));
        }
        seed.deserialize(PathDe { de: deserializer, chain, track }).map_err(|err| track.trigger(chain, err))
    }
}

struct SeqAccess<'a, X> {
    delegate: X,
    chain: &'a Chain<'a>,
    track: &'a Track,
    index: usize,
}

impl<'de, X: de::SeqAccess<'de>> de::SeqAccess<'de> for SeqAccess<'_, X> {
    type Error = X::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, X::Error> {
        let parent = self.chain;
        let track = self.track;
        let chain = Chain::Seq { parent, index: self.index };
        self.index += 1;
        self.delegate
            .next_element_seed(TrackedSeed { seed, chain: &chain, track })
            .map_err(|err| track.trigger(parent, err))
    }

    fn size_hint(&self) -> Option<usize> {
        self.delegate.size_hint()
    }
}

/// Map access that keeps the current key (moved, not cloned) for the path of its value.
struct MapAccess<'a, 'de, X> {
    delegate: X,
    chain: &'a Chain<'a>,
    track: &'a Track,
    key: Option<Cow<'de, str>>,
}

impl<'de, X: de::MapAccess<'de>> de::MapAccess<'de> for MapAccess<'_, 'de, X> {
    type Error = X::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, X::Error> {
        self.key = None;
        let parent = self.chain;
        let track = self.track;
        match self.delegate.next_key_seed(CaptureKey { delegate: seed, key: &mut self.key }) {
            Ok(key) => Ok(key),
            Err(err) => Err(track.trigger(&Chain::key(parent, self.key.as_deref()), err)),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, X::Error> {
        let parent = self.chain;
        let track = self.track;
        let chain = Chain::key(parent, self.key.as_deref());
        self.delegate
            .next_value_seed(TrackedSeed { seed, chain: &chain, track })
            .map_err(|err| track.trigger(parent, err))
    }

    fn size_hint(&self) -> Option<usize> {
        self.delegate.size_hint()
    }
}

impl<'a, 'de, X: de::EnumAccess<'de>> de::EnumAccess<'de> for Wrap<'a, X> {
    type Error = X::Error;
    type Variant = WrapVariant<'a, 'de, X::Variant>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant), X::Error> {
        let Wrap { delegate, chain, track } = self;
        let mut variant = None;
        match delegate.variant_seed(CaptureKey { delegate: seed, key: &mut variant }) {
            Ok((value, access)) => Ok((value, WrapVariant { delegate: access, parent: chain, track, variant })),
            Err(err) => Err(track.trigger(chain, err)),
        }
    }
}

/// Variant access of an enum value: the variant name is a path segment of its content.
struct WrapVariant<'a, 'de, X> {
    delegate: X,
    parent: &'a Chain<'a>,
    track: &'a Track,
    variant: Option<Cow<'de, str>>,
}

impl<'de, X: de::VariantAccess<'de>> de::VariantAccess<'de> for WrapVariant<'_, 'de, X> {
    type Error = X::Error;

    fn unit_variant(self) -> Result<(), X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate.unit_variant().map_err(|err| track.trigger(&chain, err))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate
            .newtype_variant_seed(TrackedSeed { seed, chain: &chain, track })
            .map_err(|err| track.trigger(&chain, err))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate
            .tuple_variant(len, Wrap { delegate: visitor, chain: &chain, track })
            .map_err(|err| track.trigger(&chain, err))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate
            .struct_variant(fields, Wrap { delegate: visitor, chain: &chain, track })
            .map_err(|err| track.trigger(&chain, err))
    }
}

/// Seed, deserializer and visitor of a map key or enum variant name: stores the name in `key`.
///
/// An owned name is moved into `key` and handed to the inner visitor as `visit_str`; a borrowed one
/// is kept as a borrow. Struct field identifiers accept `visit_str`, so a field name costs nothing;
/// a `String` map key is copied once by its own visitor (instead of twice by `serde_path_to_error`).
struct CaptureKey<'s, 'de, X> {
    delegate: X,
    key: &'s mut Option<Cow<'de, str>>,
}

impl<'de, X: DeserializeSeed<'de>> DeserializeSeed<'de> for CaptureKey<'_, 'de, X> {
    type Value = X::Value;

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

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        *self.key = Some(Cow::Owned(v.to_owned()));
        self.delegate.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        *self.key = Some(Cow::Borrowed(v));
        self.delegate.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        let key = self.key.insert(Cow::Owned(v));
        self.delegate.visit_str(key)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.delegate.visit_some(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.delegate.visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.delegate.visit_seq(seq)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.delegate.visit_map(map)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.delegate.visit_enum(data)
    }
}

#[cfg(test)]
#[path = "path_tests.rs"]
mod tests;
