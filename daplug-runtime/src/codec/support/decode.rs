//! [`Decode`]: the generated types read straight from attribute values, without serde's visitor
//! protocol between the item and the type. Each generated struct implements it by calling
//! `decode_struct` (`fields.rs`), whose one loop reads every struct through its own description
//! ([`StructDef`](super::StructDef)); this file reads the types its fields are made of.
//!
//! Why: decoding through serde costs a visitor, a key seed, an `Option` and a `Result` per field,
//! and a fresh `Vec` per list; an item read this way takes the entries by value, finds each key's
//! field once (the struct's generated `match` on the wire names) and collects a list into the very
//! allocation the item's list had (a `Vec<AttributeValue>` becomes the `Vec` of the model's type in
//! place).
//!
//! The values and the errors are those of the serde path (`codec/de/`), which stays the reference:
//! the leaves (strings, numbers, enums, JSON values, decimals) are read through it, and so is any
//! value that is not the usual shape (a struct written as a list, a list written as a set, a value
//! of the wrong type), so that every message comes from the one place. Depth is bounded and paths
//! are collected exactly as there (the tests compare both on every kind of bad item).

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::codec::de::{nested, AttributeDeserializer, DeError};
use crate::codec::decimal::Decimal;
use crate::codec::item::Item;
use crate::codec::path::Step;

/// A type read straight from an attribute value `depth` levels below the item, with the value and
/// the error its `Deserialize` gives through daplug's deserializer. Implemented by the structs,
/// enums and newtypes `schema!` generates, and here for the types their fields are made of.
pub trait Decode: Sized {
    /// Reads `value`, which is `depth` levels below the item (the item itself is 0).
    fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError>;
}

/// `T` read through serde (the reference path): for leaves, and for values of an unusual shape.
#[inline]
pub fn serde_decode<T: DeserializeOwned>(value: AttributeValue, depth: usize) -> Result<T, DeError> {
    super::rules::reading_items(|| T::deserialize(AttributeDeserializer::nested(value, depth)))
}

macro_rules! through_serde {
    ($($ty:ty),*) => {$(
        impl Decode for $ty {
            #[inline]
            fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError> {
                serde_decode(value, depth)
            }
        }
    )*};
}

through_serde!(
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    Decimal,
    (),
    crate::codec::nothing::Nothing,
    serde_json::Value,
    serde_json::Map<String, serde_json::Value>
);

/// Tuples (a schema's closed `prefixItems`), read through serde: their positions differ in type.
macro_rules! tuples {
    ($($name:ident)+) => {
        impl<$($name: DeserializeOwned),+> Decode for ($($name,)+) {
            #[inline]
            fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError> {
                serde_decode(value, depth)
            }
        }
    };
}

tuples!(A);
tuples!(A B);
tuples!(A B C);
tuples!(A B C D);
tuples!(A B C D E);
tuples!(A B C D E F);
tuples!(A B C D E F G);
tuples!(A B C D E F G H);

impl<T: Decode> Decode for Option<T> {
    #[inline]
    fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError> {
        match value {
            AttributeValue::Null(true) => Ok(None),
            value => T::decode(value, depth).map(Some),
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    #[inline]
    fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError> {
        T::decode(value, depth).map(Box::new)
    }
}

impl<T: Decode + DeserializeOwned> Decode for Vec<T> {
    #[inline]
    fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError> {
        match value {
            // Collected in place: the list's own allocation holds the elements read from it.
            AttributeValue::L(list) => {
                let depth = depth + 1;
                list.into_iter()
                    .enumerate()
                    .map(|(index, value)| {
                        nested(depth).and_then(|()| T::decode(value, depth)).map_err(|err| err.at(Step::Index(index)))
                    })
                    .collect()
            }
            // A set, or the error.
            value => serde_decode(value, depth),
        }
    }
}

impl<T: Decode + DeserializeOwned> Decode for BTreeMap<String, T> {
    #[inline]
    fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError> {
        match value {
            // Each entry is read as a struct's field is: one level down, its key on the error.
            AttributeValue::M(map) => map
                .into_iter()
                .map(|(key, value)| {
                    let value = field(value, depth, &key)?;
                    Ok((key, value))
                })
                .collect(),
            value => serde_decode(value, depth),
        }
    }
}

/// The value of a struct's field `key`, the struct being `depth` levels below the item; an error
/// gains the key.
#[inline]
pub(super) fn field<T: Decode>(value: AttributeValue, depth: usize, key: &str) -> Result<T, DeError> {
    let depth = depth + 1;
    nested(depth).and_then(|()| T::decode(value, depth)).map_err(|err| err.at(Step::key(key.to_owned())))
}

/// An entry that is no field of the struct: skipped, but read as serde skips it (a number that
/// does not parse, or nesting beyond the limit, is still an error).
pub(super) fn ignored(value: AttributeValue, depth: usize, key: &str) -> Result<(), DeError> {
    field::<Ignored>(value, depth, key).map(|_| ())
}

struct Ignored;

impl Decode for Ignored {
    fn decode(value: AttributeValue, depth: usize) -> Result<Self, DeError> {
        serde_decode::<IgnoredAny>(value, depth).map(|_| Ignored)
    }
}

/// An item read as `T`; on error also the path of the attribute at fault (`.` for the item).
pub fn decode_item<T: Decode>(item: Item) -> Result<T, (String, DeError)> {
    T::decode(AttributeValue::M(item), 0).map_err(|err| (err.path(), err))
}
