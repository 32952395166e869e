//! The path-tracking `Deserializer` adapter for inbound JSON (`Model::from_json`): on error it names
//! the attribute at fault (`line_items[0].qty`, `.` for the root), in the format of
//! `serde_path_to_error`'s `Path` and of every other path the codec renders (`path.rs`). Items are
//! read by the codec's own deserializer (`de/`), which names the path, bounds depth and refuses
//! non-finite floats itself, as this does (its tests compare the two).
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
//! serde's `Deserializer`, `Visitor`, `SeqAccess`, `MapAccess` and `EnumAccess` must each be wrapped
//! method by method: this file holds the path and the `Deserializer`, `visit.rs` the visitors,
//! `access.rs` the sequence, map and enum accesses, `key.rs` the capture of map keys.

use std::cell::Cell;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};

use super::limits::{too_deep, MAX_DEPTH};
use super::path::{render, Step};
use super::support::HeldError;

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

/// `T` read from JSON text, the whole text: on error, the path of the value at fault (`.` for
/// malformed JSON outside any value, or text after it) and serde_json's message (with its line and
/// column). Numbers are read from their text, so a `Decimal` keeps it.
pub(crate) fn from_text<'de, R, T>(mut text: serde_json::Deserializer<R>) -> Result<T, (String, String)>
where
    R: serde_json::de::Read<'de>,
    T: Deserialize<'de>,
{
    let value = deserialize(&mut text).map_err(|(path, err)| (path, err.to_string()))?;
    text.end().map_err(|err| (".".to_owned(), err.to_string()))?;
    Ok(value)
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
    /// `a.b[0].c`; `.` for the root (the codec's one renderer).
    /// The steps from the root to this node, innermost first.
    fn steps(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut node = self;
        loop {
            match node {
                Chain::Root => break,
                Chain::Seq { parent, index } => {
                    steps.push(Step::Index(*index));
                    node = parent;
                }
                Chain::Key { parent, key } => {
                    steps.push(Step::key((*key).to_owned()));
                    node = parent;
                }
                Chain::Unknown { parent } => {
                    steps.push(Step::Unknown);
                    node = parent;
                }
            }
        }
        steps
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
            let mut steps = HeldError::claim(&err).unwrap_or_default();
            steps.extend(chain.steps());
            render(&steps)
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

        #[inline]
        fn deserialize_unit_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_unit_struct(name), visitor)
        }

        #[inline]
        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_newtype_struct(name), visitor)
        }

        #[inline]
        fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_tuple(len), visitor)
        }

        #[inline]
        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_tuple_struct(name, len), visitor)
        }

        #[inline]
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            $call!(self, deserialize_struct(name, fields), visitor)
        }

        #[inline]
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
            #[inline]
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                $call!(self, $method(), visitor)
            }
        )*
    };
}

/// Forwards the scalar `visit_*` methods; `$call!(self, method(arg))` does the forwarding.
macro_rules! scalar_visits {
    ($call:ident; $($method:ident($($ty:ty)?);)*) => {
        $(
            #[inline]
            fn $method<E: de::Error>(self $(, v: $ty)?) -> Result<Self::Value, E> {
                $call!(self, $method($({ let v: $ty = v; v })?))
            }
        )*
    };
}

mod access;
mod key;
mod visit;

use visit::F32Range;

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

#[cfg(test)]
mod tests;
