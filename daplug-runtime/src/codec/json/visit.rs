//! The visitors of the path tracker: every value's visitor records the path of an error, and
//! refuses floats that are not finite (or too large for an `f32`).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

use super::access::{MapAccess, SeqAccess};
use super::{PathDe, Wrap};

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

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate.visit_some(PathDe { de: deserializer, chain, track }).map_err(|err| track.trigger(chain, err))
    }

    #[inline]
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate
            .visit_newtype_struct(PathDe { de: deserializer, chain, track })
            .map_err(|err| track.trigger(chain, err))
    }

    #[inline]
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate.visit_seq(SeqAccess { delegate: seq, chain, track, index: 0 }).map_err(|err| track.trigger(chain, err))
    }

    #[inline]
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate
            .visit_map(MapAccess { delegate: map, chain, track, key: None })
            .map_err(|err| track.trigger(chain, err))
    }

    #[inline]
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let Wrap { delegate, chain, track } = self;
        delegate.visit_enum(Wrap { delegate: data, chain, track }).map_err(|err| track.trigger(chain, err))
    }
}

/// The visitor of an `f32`: a finite `f64` beyond `f32`'s range is an error, not `inf`.
pub(super) struct F32Range<X>(pub(super) X);

impl<'de, X: Visitor<'de>> Visitor<'de> for F32Range<X> {
    type Value = X::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    #[inline]
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
