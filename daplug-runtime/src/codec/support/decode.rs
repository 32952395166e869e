//! Reading the structs `schema!` generates without serde's visitor protocol between the item and
//! the struct: each generated struct implements [`Decode`] by calling [`decode_struct`], whose one
//! generic loop reads every struct through the struct's own description ([`StructDef`]: its fields'
//! types as [`Required`] / [`Optional`] and their wire names; `emit/impls.rs` writes it).
//!
//! Why: decoding through serde costs a visitor, a key seed, an `Option` and a `Result` per field,
//! and a fresh `Vec` per list; an item read this way takes the entries by value, finds each key's
//! field once (the struct's generated `match` on the wire names) and collects a list into the very allocation
//! the item's list had (a `Vec<AttributeValue>` becomes the `Vec` of the model's type in place).
//!
//! The values and the errors are those of the serde path (`de.rs`), which stays the reference: the
//! leaves (strings, numbers, enums, JSON values, decimals) are read through it, and so is any value
//! that is not the usual shape (a struct written as a list, a list written as a set, a value of the
//! wrong type), so that every message comes from the one place. Depth is bounded and paths are
//! collected exactly as there (the tests compare both on every kind of bad item).

use std::collections::BTreeMap;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::de::{nested, AttributeDeserializer, DeError};
use super::path::Step;
use crate::codec::item::Item;
use crate::codec::support::{each_tuple, name, FieldList, MissingField, Optional, Required, StructDef};

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
    T::deserialize(AttributeDeserializer::nested(value, depth))
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
    super::decimal::Decimal,
    serde_json::Value
);

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

/// A generated struct read from `value`, its fields found by their wire names ([`StructDef`]).
/// A value that is not an `M` is read by serde as a whole `S` (a list as the fields in order), or
/// refused.
///
/// The generated decoder only calls this: the loop lives here, once, so the crate holding
/// `schema!` has almost nothing to check per struct (the loop, the key lookup and each field's
/// reading are compiled where a model is read, for the models read).
#[inline]
pub fn decode_struct<S>(value: AttributeValue, depth: usize) -> Result<S, DeError>
where
    S: StructDef + DeserializeOwned,
    S::Fields: StructFields,
{
    let entries = match value {
        AttributeValue::M(entries) => entries,
        value => return serde_decode(value, depth),
    };
    let mut slots = <S::Fields as StructFields>::Slots::default();
    for (key, value) in entries {
        match S::field_index(key.as_bytes()) {
            Some(index) => S::Fields::fill(&mut slots, index, value, depth, &key)?,
            None => ignored(value, depth, &key)?,
        }
    }
    S::Fields::finish(slots, S::FIELDS).map(S::build)
}

/// The fields of a generated struct, as [`decode_struct`] reads them (see [`FieldList`]).
pub trait StructFields: FieldList {
    /// What is kept while the entries are read.
    type Slots: Default;
    /// Reads the entry of the field at `index` (among these) into its slot; the struct is
    /// `depth` levels below the item.
    fn fill(
        slots: &mut Self::Slots,
        index: usize,
        value: AttributeValue,
        depth: usize,
        key: &str,
    ) -> Result<(), DeError>;
    /// The values once every entry is read; `names` are these fields' wire names.
    fn finish(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self::Values, DeError>;
}

impl<T: Decode + DeserializeOwned> StructFields for Required<T> {
    type Slots = Option<T>;

    #[inline]
    fn fill(slot: &mut Option<T>, _: usize, value: AttributeValue, depth: usize, key: &str) -> Result<(), DeError> {
        *slot = Some(field(value, depth, key)?);
        Ok(())
    }

    #[inline]
    fn finish(slot: Option<T>, names: &'static [&'static str]) -> Result<T, DeError> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(MissingField(name(names, 0), PhantomData)),
        }
    }
}

impl<T: Decode> StructFields for Optional<T> {
    type Slots = Option<T>;

    #[inline]
    fn fill(slot: &mut Option<T>, _: usize, value: AttributeValue, depth: usize, key: &str) -> Result<(), DeError> {
        *slot = field(value, depth, key)?;
        Ok(())
    }

    #[inline]
    fn finish(slot: Option<T>, _: &'static [&'static str]) -> Result<Option<T>, DeError> {
        Ok(slot)
    }
}

impl StructFields for () {
    type Slots = ();

    fn fill(_: &mut (), _: usize, _: AttributeValue, _: usize, _: &str) -> Result<(), DeError> {
        Ok(())
    }

    fn finish(_: (), _: &'static [&'static str]) -> Result<(), DeError> {
        Ok(())
    }
}

macro_rules! tuple_fields {
    ($($field:ident $at:tt),+) => {
        impl<$($field: StructFields),+> StructFields for ($($field,)+) {
            type Slots = ($($field::Slots,)+);

            #[inline]
            fn fill(
                slots: &mut Self::Slots,
                index: usize,
                value: AttributeValue,
                depth: usize,
                key: &str,
            ) -> Result<(), DeError> {
                // The element holding field `index`: the first whose fields reach past it.
                let mut start = 0;
                $(
                    if index < start + $field::COUNT {
                        return $field::fill(&mut slots.$at, index - start, value, depth, key);
                    }
                    start += $field::COUNT;
                )+
                let _ = start;
                Ok(())
            }

            #[inline]
            // The last element's `start +=` is never read (the macro writes it for every element).
            #[allow(unused_assignments)]
            fn finish(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self::Values, DeError> {
                let mut start = 0;
                Ok(($({
                    let value = $field::finish(slots.$at, names.get(start..).unwrap_or_default())?;
                    start += $field::COUNT;
                    value
                },)+))
            }
        }
    };
}

each_tuple!(tuple_fields);

/// The value of a struct's field `key`, the struct being `depth` levels below the item; an error
/// gains the key.
#[inline]
fn field<T: Decode>(value: AttributeValue, depth: usize, key: &str) -> Result<T, DeError> {
    let depth = depth + 1;
    nested(depth).and_then(|()| T::decode(value, depth)).map_err(|err| err.at(Step::key(key.to_owned())))
}

/// An entry that is no field of the struct: skipped, but read as serde skips it (a number that
/// does not parse, or nesting beyond the limit, is still an error).
fn ignored(value: AttributeValue, depth: usize, key: &str) -> Result<(), DeError> {
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
