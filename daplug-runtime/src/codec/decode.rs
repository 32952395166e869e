//! Reading the structs `schema!` generates without serde's visitor protocol between the item and
//! the struct: each generated struct implements [`Decode`] by naming its fields (their types as
//! [`Required`] / [`Optional`] and their wire names, `emit/codec.rs` writes it) and calling
//! [`decode_struct`], whose one generic loop reads every struct.
//!
//! Why: decoding through serde costs a visitor, a key seed, an `Option` and a `Result` per field,
//! and a fresh `Vec` per list; an item read this way takes the entries by value, finds each key's
//! field once (a binary search of the sorted names) and collects a list into the very allocation
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
use serde::de::{self, DeserializeOwned, IgnoredAny, Visitor};
use serde::forward_to_deserialize_any;

use super::de::{nested, AttributeDeserializer, DeError};
use super::steps::Step;
use crate::item::Item;

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

through_serde!(String, bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, crate::Decimal, serde_json::Value);

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

/// A generated struct read from `value`: `F` are its fields in declaration order and `lookup`
/// their wire names sorted by length, then bytes, each with its field's position.
/// A value that is not an `M` is read by serde as a whole `S` (a list as the fields in order), or
/// refused, and comes back as `Err(S)`.
///
/// The generated decoder only names the fields' types and wire names: the loop lives here, once,
/// so the crate holding `schema!` has almost nothing to check per struct (the loop, the key
/// lookup and each field's reading are compiled where a model is read, for the models read).
#[inline]
pub fn decode_struct<S: DeserializeOwned, F: StructFields>(
    value: AttributeValue,
    depth: usize,
    lookup: &'static [(&'static str, usize)],
) -> Result<Result<F::Values, S>, DeError> {
    let entries = match value {
        AttributeValue::M(entries) => entries,
        value => return serde_decode(value, depth).map(Err),
    };
    let mut slots = F::Slots::default();
    for (key, value) in entries {
        match position(lookup, &key) {
            Some(index) => F::fill(&mut slots, index, value, depth, &key)?,
            None => ignored(value, depth, &key)?,
        }
    }
    F::finish(slots, &Names { lookup, first: 0 }).map(Ok)
}

/// The position of the field named `key`, in `lookup` sorted by length, then bytes: most names
/// are told apart by their length alone, before any byte is compared. A few names are scanned, more
/// are searched.
#[inline]
fn position(lookup: &[(&'static str, usize)], key: &str) -> Option<usize> {
    let same = |name: &&str| name.len() == key.len() && name.as_bytes() == key.as_bytes();
    if lookup.len() <= 8 {
        return lookup.iter().find(|(name, _)| same(name)).map(|(_, index)| *index);
    }
    lookup
        .binary_search_by(|(name, _)| name.len().cmp(&key.len()).then_with(|| name.as_bytes().cmp(key.as_bytes())))
        .ok()
        .map(|at| lookup[at].1)
}

/// The fields of a generated struct, as [`decode_struct`] reads them: a [`Required`] or an
/// [`Optional`] field, or a tuple of up to eight `StructFields` (a struct with more than eight fields
/// has tuples of tuples).
pub trait StructFields {
    /// How many fields.
    const COUNT: usize;
    /// What is kept while the entries are read.
    type Slots: Default;
    /// The fields' values, in the shape of `Self`.
    type Values;
    /// Reads the entry of the field at `index` (among these fields) into its slot; the struct is
    /// `depth` levels below the item.
    fn fill(
        slots: &mut Self::Slots,
        index: usize,
        value: AttributeValue,
        depth: usize,
        key: &str,
    ) -> Result<(), DeError>;
    /// The values once every entry is read; `names` tells these fields' wire names.
    fn finish(slots: Self::Slots, names: &Names) -> Result<Self::Values, DeError>;
}

/// The wire names of some of a struct's fields (those from position `first` on), for the error
/// of a missing one: found in the sorted lookup only when a field is missing.
#[derive(Debug)]
pub struct Names {
    lookup: &'static [(&'static str, usize)],
    first: usize,
}

impl Names {
    /// The names of the fields from `offset` on (among these).
    fn from(&self, offset: usize) -> Names {
        Names { lookup: self.lookup, first: self.first + offset }
    }

    /// The wire name of the field at `index` (among these).
    fn name(&self, index: usize) -> &'static str {
        let position = self.first + index;
        self.lookup.iter().find(|(_, at)| *at == position).map(|(name, _)| *name).unwrap_or_default()
    }
}

/// A required field of type `T`: absent, it is serde's `missing field` error (or `None`, when `T`
/// is an `Option`, as serde has it).
#[derive(Debug)]
pub struct Required<T>(PhantomData<T>);

/// An optional field (`Option<T>`): absent or `Null`, it is `None`.
#[derive(Debug)]
pub struct Optional<T>(PhantomData<T>);

impl<T: Decode + DeserializeOwned> StructFields for Required<T> {
    const COUNT: usize = 1;
    type Slots = Option<T>;
    type Values = T;

    #[inline]
    fn fill(slot: &mut Option<T>, _: usize, value: AttributeValue, depth: usize, key: &str) -> Result<(), DeError> {
        *slot = Some(field(value, depth, key)?);
        Ok(())
    }

    #[inline]
    fn finish(slot: Option<T>, names: &Names) -> Result<T, DeError> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(Missing(names.name(0))),
        }
    }
}

impl<T: Decode> StructFields for Optional<T> {
    const COUNT: usize = 1;
    type Slots = Option<T>;
    type Values = Option<T>;

    #[inline]
    fn fill(slot: &mut Option<T>, _: usize, value: AttributeValue, depth: usize, key: &str) -> Result<(), DeError> {
        *slot = field(value, depth, key)?;
        Ok(())
    }

    #[inline]
    fn finish(slot: Option<T>, _: &Names) -> Result<Option<T>, DeError> {
        Ok(slot)
    }
}

impl StructFields for () {
    const COUNT: usize = 0;
    type Slots = ();
    type Values = ();

    fn fill(_: &mut (), _: usize, _: AttributeValue, _: usize, _: &str) -> Result<(), DeError> {
        Ok(())
    }

    fn finish(_: (), _: &Names) -> Result<(), DeError> {
        Ok(())
    }
}

macro_rules! tuple_fields {
    ($($field:ident $at:tt),+) => {
        impl<$($field: StructFields),+> StructFields for ($($field,)+) {
            const COUNT: usize = 0 $(+ $field::COUNT)+;
            type Slots = ($($field::Slots,)+);
            type Values = ($($field::Values,)+);

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
            fn finish(slots: Self::Slots, names: &Names) -> Result<Self::Values, DeError> {
                let mut start = 0;
                Ok(($({
                    let value = $field::finish(slots.$at, &names.from(start))?;
                    start += $field::COUNT;
                    value
                },)+))
            }
        }
    };
}

tuple_fields!(A 0);
tuple_fields!(A 0, B 1);
tuple_fields!(A 0, B 1, C 2);
tuple_fields!(A 0, B 1, C 2, D 3);
tuple_fields!(A 0, B 1, C 2, D 3, E 4);
tuple_fields!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_fields!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_fields!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// The value of a struct's field `key`, the struct being `depth` levels below the item; an error
/// gains the key.
#[inline]
fn field<T: Decode>(value: AttributeValue, depth: usize, key: &str) -> Result<T, DeError> {
    let depth = depth + 1;
    nested(depth).and_then(|()| T::decode(value, depth)).map_err(|err| err.at(Step::Key(key.to_owned())))
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

/// What serde reads an absent field from: `None` for an `Option`, `missing field` for anything
/// else.
struct Missing(&'static str);

impl<'de> de::Deserializer<'de> for Missing {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_none()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}
