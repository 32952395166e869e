//! The text of an `N`, read as the visitor asks.

use std::fmt;

use serde::de::{self, Visitor};
use serde::forward_to_deserialize_any;

use super::error::{error, DeError, Result};

/// The text of an `N`, parsed as the visitor asks (or as `i64`, then `u64`, then `f64`). A float
/// that reads as `inf` or `NaN` is refused: DynamoDB cannot store it, and a model must not hold it.
/// A number the asked type cannot hold is handed to the visitor as what it is, so the refusal is
/// serde_json's for the same JSON number (`invalid type: floating point `1.5`, expected i32`).
pub(super) struct Number(pub(super) String);

/// The tracker's refusal of a float that is not finite.
#[inline]
fn finite<F: fmt::Display + Copy>(value: F, is_finite: bool) -> Result<F> {
    if is_finite {
        Ok(value)
    } else {
        Err(error(format_args!("{value} is not a finite number")))
    }
}

macro_rules! parse {
    ($($method:ident => $ty:ty, $visit:ident;)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.0.parse::<$ty>() {
                Ok(n) => visitor.$visit(n),
                Err(_) => self.deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Number {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if let Ok(n) = self.0.parse::<i64>() {
            return visitor.visit_i64(n);
        }
        if let Ok(n) = self.0.parse::<u64>() {
            return visitor.visit_u64(n);
        }
        match self.0.parse::<f64>() {
            Ok(n) => visitor.visit_f64(finite(n, n.is_finite())?),
            Err(err) => Err(error(format_args!("Failed to parse '{}' as a float: {err}", self.0))),
        }
    }

    parse! {
        deserialize_i8 => i8, visit_i8;
        deserialize_i16 => i16, visit_i16;
        deserialize_i32 => i32, visit_i32;
        deserialize_i64 => i64, visit_i64;
        deserialize_u8 => u8, visit_u8;
        deserialize_u16 => u16, visit_u16;
        deserialize_u32 => u32, visit_u32;
        deserialize_u64 => u64, visit_u64;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0.parse::<f32>() {
            Ok(n) if n.is_finite() => visitor.visit_f32(n),
            // A finite number beyond an `f32`'s range: the JSON reader's message for it.
            Ok(_) => match self.0.parse::<f64>() {
                Ok(wide) if wide.is_finite() => Err(error(format_args!("{wide} is out of range for a 32-bit float"))),
                _ => Err(error(format_args!("{} is not a finite number", f32::INFINITY))),
            },
            Err(err) => Err(error(format_args!("Failed to parse '{}' as a float: {err}", self.0))),
        }
    }

    #[inline]
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0.parse::<f64>() {
            Ok(n) => visitor.visit_f64(finite(n, n.is_finite())?),
            Err(err) => Err(error(format_args!("Failed to parse '{}' as a float: {err}", self.0))),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_any(visitor)
    }

    forward_to_deserialize_any! {
        i128 u128 str string seq map bool char unit enum bytes tuple option struct byte_buf identifier
        unit_struct tuple_struct newtype_struct
    }
}
