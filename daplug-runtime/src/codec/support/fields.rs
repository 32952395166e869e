//! The one reader of a generated struct's fields, whatever they are read from: the entries of a
//! serde map (`Deserialize`, `de.rs`) or the entries of an item ([`decode_struct`], the generated
//! item decoders). Each field has a slot; an entry fills its field's slot, and once every entry is
//! read the slots become the fields' values (an absent required field is serde's `missing field`,
//! an absent optional one `None`). A serde sequence of the fields in order is read here too
//! ([`FieldReader::elements`]). (A key given twice, which only a serde map can hold, is refused
//! before its value is read: `de.rs`.)

use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{self, DeserializeOwned, Deserializer, Expected, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde::Serialize;

use super::checked::Checked;
use super::decode::{field, ignored, serde_decode, Decode};
use super::rules::Rules;
use super::shape::{each_tuple, name, FieldList, Given, KeyPart, Optional, Required, StructDef};
use crate::codec::de::{nested, DeError};
use crate::codec::path::Step;

/// A type a generated struct's field has: readable from both sources, and checkable against its
/// constraints (written by serde). Every field type of a generated struct is one.
pub trait FieldValue: Decode + DeserializeOwned + Serialize {}

impl<T: Decode + DeserializeOwned + Serialize> FieldValue for T {}

/// Where the value of one entry is read from.
pub trait FieldSource {
    /// How reading it fails.
    type Error: de::Error;
    /// The entry's value; `rules` are its field's constraints, where the source checks them.
    fn value<T: FieldValue>(self, rules: Option<&'static Rules>) -> Result<T, Self::Error>;
    /// The entry's value read through serde alone (a companion's field: [`KeyPart`], [`Given`]).
    fn serde_value<T: DeserializeOwned + Serialize>(self, rules: Option<&'static Rules>) -> Result<T, Self::Error>;
}

/// The value of a serde map's current entry.
#[derive(Debug)]
pub struct MapValue<'a, 'de, A> {
    map: &'a mut A,
    input: PhantomData<fn() -> &'de ()>,
}

impl<'a, 'de, A: MapAccess<'de>> MapValue<'a, 'de, A> {
    /// The current entry's value of `map`.
    #[inline]
    pub(super) fn new(map: &'a mut A) -> Self {
        MapValue { map, input: PhantomData }
    }
}

impl<'de, A: MapAccess<'de>> FieldSource for MapValue<'_, 'de, A> {
    type Error = A::Error;

    #[inline]
    fn value<T: FieldValue>(self, rules: Option<&'static Rules>) -> Result<T, A::Error> {
        match rules {
            None => self.map.next_value(),
            Some(rules) => self.map.next_value_seed(Checked { rules, value: PhantomData }),
        }
    }

    #[inline]
    fn serde_value<T: DeserializeOwned + Serialize>(self, rules: Option<&'static Rules>) -> Result<T, A::Error> {
        match rules {
            None => self.map.next_value(),
            Some(rules) => self.map.next_value_seed(Checked { rules, value: PhantomData }),
        }
    }
}

/// The value of an item's entry `key`, in a struct `depth` levels below the item.
#[derive(Debug)]
pub struct ItemValue<'a> {
    value: AttributeValue,
    depth: usize,
    key: &'a str,
}

impl FieldSource for ItemValue<'_> {
    type Error = DeError;

    /// Items are read unchecked: data written before a constraint existed stays readable.
    #[inline]
    fn value<T: FieldValue>(self, _: Option<&'static Rules>) -> Result<T, DeError> {
        field(self.value, self.depth, self.key)
    }

    #[inline]
    fn serde_value<T: DeserializeOwned + Serialize>(self, _: Option<&'static Rules>) -> Result<T, DeError> {
        let depth = self.depth + 1;
        nested(depth)
            .and_then(|()| serde_decode(self.value, depth))
            .map_err(|err| err.at(Step::key(self.key.to_owned())))
    }
}

/// The fields of a generated struct, as they are read (see [`FieldList`]).
pub trait FieldReader: FieldList {
    /// What is kept while the entries are read.
    type Slots: Default;

    /// Reads the value of the field at `index` (among these) from `source` into its slot; `rules`
    /// are these fields' constraints, by position (shorter, or empty, where the last have none).
    fn fill<S: FieldSource>(
        slots: &mut Self::Slots,
        index: usize,
        source: S,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<(), S::Error>;

    /// The values once every entry is read.
    fn finish<E: de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self::Values, E>;

    /// The values as the next elements of `seq`; the first of these is the struct's field `first`.
    /// (`rules` as for [`fill`](FieldReader::fill).)
    fn elements<'de, A: SeqAccess<'de>>(
        seq: &mut A,
        first: usize,
        expecting: &Elements,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<Self::Values, A::Error>;
}

/// The next element of `seq`, checked against `rules` where there are some.
#[inline]
fn element<'de, A: SeqAccess<'de>, T: DeserializeOwned + Serialize>(
    seq: &mut A,
    rules: &'static [Option<&'static Rules>],
) -> Result<Option<T>, A::Error> {
    match rules.first().copied().flatten() {
        None => seq.next_element(),
        Some(rules) => seq.next_element_seed(Checked { rules, value: PhantomData }),
    }
}

/// A field that must be present (`Required`, `KeyPart`): its value, or serde's missing-field error
/// (which a `T` that accepts absence, like `Option`, turns into its empty value).
#[inline]
fn present<T: DeserializeOwned, E: de::Error>(slot: Option<T>, names: &'static [&'static str]) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(MissingField(name(names, 0), PhantomData)),
    }
}

/// A field that must be present, read as the next element of a sequence.
#[inline]
fn present_element<'de, A: SeqAccess<'de>, T: DeserializeOwned + Serialize>(
    seq: &mut A,
    first: usize,
    expecting: &Elements,
    rules: &'static [Option<&'static Rules>],
) -> Result<T, A::Error> {
    element(seq, rules)?.ok_or_else(|| de::Error::invalid_length(first, expecting))
}

impl<T: FieldValue> FieldReader for Required<T> {
    type Slots = Option<T>;

    #[inline(always)]
    fn fill<S: FieldSource>(
        slot: &mut Option<T>,
        _: usize,
        source: S,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<(), S::Error> {
        *slot = Some(source.value(rules.first().copied().flatten())?);
        Ok(())
    }

    #[inline]
    fn finish<E: de::Error>(slot: Option<T>, names: &'static [&'static str]) -> Result<T, E> {
        present(slot, names)
    }

    #[inline]
    fn elements<'de, A: SeqAccess<'de>>(
        seq: &mut A,
        first: usize,
        expecting: &Elements,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<T, A::Error> {
        present_element(seq, first, expecting, rules)
    }
}

impl<T: FieldValue> FieldReader for Optional<T> {
    type Slots = Option<T>;

    #[inline(always)]
    fn fill<S: FieldSource>(
        slot: &mut Option<T>,
        _: usize,
        source: S,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<(), S::Error> {
        *slot = source.value(rules.first().copied().flatten())?;
        Ok(())
    }

    #[inline]
    fn finish<E: de::Error>(slot: Option<T>, _: &'static [&'static str]) -> Result<Option<T>, E> {
        Ok(slot)
    }

    #[inline]
    fn elements<'de, A: SeqAccess<'de>>(
        seq: &mut A,
        _: usize,
        _: &Elements,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<Option<T>, A::Error> {
        Ok(element::<A, Option<T>>(seq, rules)?.flatten())
    }
}

impl<T: DeserializeOwned + Serialize> FieldReader for KeyPart<T> {
    type Slots = Option<T>;

    #[inline(always)]
    fn fill<S: FieldSource>(
        slot: &mut Option<T>,
        _: usize,
        source: S,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<(), S::Error> {
        *slot = Some(source.serde_value(rules.first().copied().flatten())?);
        Ok(())
    }

    #[inline]
    fn finish<E: de::Error>(slot: Option<T>, names: &'static [&'static str]) -> Result<T, E> {
        present(slot, names)
    }

    #[inline]
    fn elements<'de, A: SeqAccess<'de>>(
        seq: &mut A,
        first: usize,
        expecting: &Elements,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<T, A::Error> {
        present_element(seq, first, expecting, rules)
    }
}

impl<T: DeserializeOwned + Serialize> FieldReader for Given<T> {
    type Slots = Option<T>;

    #[inline(always)]
    fn fill<S: FieldSource>(
        slot: &mut Option<T>,
        _: usize,
        source: S,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<(), S::Error> {
        *slot = Some(source.serde_value(rules.first().copied().flatten())?);
        Ok(())
    }

    #[inline]
    fn finish<E: de::Error>(slot: Option<T>, _: &'static [&'static str]) -> Result<Option<T>, E> {
        Ok(slot)
    }

    /// A sequence that ends early leaves the rest absent, as for an [`Optional`] field.
    #[inline]
    fn elements<'de, A: SeqAccess<'de>>(
        seq: &mut A,
        _: usize,
        _: &Elements,
        rules: &'static [Option<&'static Rules>],
    ) -> Result<Option<T>, A::Error> {
        element(seq, rules)
    }
}

impl FieldReader for () {
    type Slots = ();

    fn fill<S: FieldSource>(_: &mut (), _: usize, _: S, _: &'static [Option<&'static Rules>]) -> Result<(), S::Error> {
        Ok(())
    }

    fn finish<E: de::Error>(_: (), _: &'static [&'static str]) -> Result<(), E> {
        Ok(())
    }

    fn elements<'de, A: SeqAccess<'de>>(
        _: &mut A,
        _: usize,
        _: &Elements,
        _: &'static [Option<&'static Rules>],
    ) -> Result<(), A::Error> {
        Ok(())
    }
}

macro_rules! tuple_fields {
    ($($field:ident $at:tt),+) => {
        impl<$($field: FieldReader),+> FieldReader for ($($field,)+) {
            type Slots = ($($field::Slots,)+);

            #[inline(always)]
            fn fill<Src: FieldSource>(
                slots: &mut Self::Slots,
                index: usize,
                source: Src,
                rules: &'static [Option<&'static Rules>],
            ) -> Result<(), Src::Error> {
                // The element holding field `index`: the first whose fields reach past it.
                let mut start = 0;
                $(
                    if index < start + $field::COUNT {
                        return $field::fill(&mut slots.$at, index - start, source, rules.get(start..).unwrap_or_default());
                    }
                    start += $field::COUNT;
                )+
                let _ = start;
                Ok(())
            }

            // Always: one branch-free move per field, which the decoder's loop must not call out for.
            #[inline(always)]
            // The last element's `start +=` is never read (the macro writes it for every element).
            #[allow(unused_assignments)]
            fn finish<Err: de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self::Values, Err> {
                let mut start = 0;
                Ok(($({
                    let value = $field::finish(slots.$at, names.get(start..).unwrap_or_default())?;
                    start += $field::COUNT;
                    value
                },)+))
            }

            #[inline]
            #[allow(unused_assignments)]
            fn elements<'de, Acc: SeqAccess<'de>>(
                seq: &mut Acc,
                first: usize,
                expecting: &Elements,
                rules: &'static [Option<&'static Rules>],
            ) -> Result<Self::Values, Acc::Error> {
                let mut start = first;
                Ok(($({
                    let value = $field::elements(seq, start, expecting, rules.get(start - first..).unwrap_or_default())?;
                    start += $field::COUNT;
                    value
                },)+))
            }
        }
    };
}

each_tuple!(tuple_fields);

/// What a sequence read as a struct was expected to be: `struct Pet with 3 elements` (the
/// derive's `invalid_length` text).
#[derive(Debug)]
pub struct Elements {
    pub(super) name: &'static str,
    pub(super) count: usize,
}

impl Expected for Elements {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.count {
            1 => write!(f, "struct {} with 1 element", self.name),
            count => write!(f, "struct {} with {count} elements", self.name),
        }
    }
}

/// What an absent field is read from (serde's own `missing_field`): `None` for an `Option`,
/// `missing field` for anything else.
#[derive(Debug)]
pub struct MissingField<E>(pub &'static str, pub PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for MissingField<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
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
    S::Fields: FieldReader,
{
    let entries = match value {
        AttributeValue::M(entries) => entries,
        value => return serde_decode(value, depth),
    };
    let mut slots = <S::Fields as FieldReader>::Slots::default();
    for (key, value) in entries {
        match S::field_index(key.as_bytes()) {
            Some(index) => S::Fields::fill(&mut slots, index, ItemValue { value, depth, key: &key }, &[])?,
            None => ignored(value, depth, &key)?,
        }
    }
    S::Fields::finish(slots, S::FIELDS).map(S::build)
}
