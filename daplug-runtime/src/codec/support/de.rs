//! serde's `Deserialize` for generated structs and string enums: one generic visitor, with the
//! derive's behaviour (the same `deserialize_struct` / `deserialize_enum` call, field names, `visit_seq`
//! and `visit_map`, duplicate, missing and unknown fields, and every message).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Expected, IgnoredAny, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use serde::{forward_to_deserialize_any, Deserialize};

use super::shape::{each_tuple, name, FieldList, Optional, Required, StructDef, UnitEnum};

/// `S` read as serde's derive reads a struct: a map of its fields by wire name (unknown entries
/// skipped, absent optional fields `None`, a field given twice `duplicate field`), or a sequence
/// of its fields in order.
#[inline]
pub fn deserialize_struct<'de, D, S>(deserializer: D) -> Result<S, D::Error>
where
    D: Deserializer<'de>,
    S: StructDef,
    S::Fields: SerdeFields<'de>,
{
    deserializer.deserialize_struct(S::NAME, S::FIELDS, StructVisitor(PhantomData::<S>))
}

/// The fields of a struct, as [`deserialize_struct`] reads them (see [`FieldList`]).
pub trait SerdeFields<'de>: FieldList {
    /// What is kept while the entries are read.
    type Slots: Default;

    /// Reads the value of the field at `index` (among these) from `map` into its slot; `names` are
    /// these fields' wire names.
    fn next_value<A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        map: &mut A,
        names: &'static [&'static str],
    ) -> Result<(), A::Error>;

    /// The values once every entry is read.
    fn finish<E: de::Error>(slots: Self::Slots, names: &'static [&'static str]) -> Result<Self::Values, E>;

    /// The values as the next elements of `seq`; the first of these is the struct's field `first`.
    fn elements<A: SeqAccess<'de>>(seq: &mut A, first: usize, expecting: &Elements) -> Result<Self::Values, A::Error>;
}

impl<'de, T: Deserialize<'de>> SerdeFields<'de> for Required<T> {
    type Slots = Option<T>;

    #[inline]
    fn next_value<A: MapAccess<'de>>(
        slot: &mut Option<T>,
        _: usize,
        map: &mut A,
        names: &'static [&'static str],
    ) -> Result<(), A::Error> {
        fill_once(slot, map, names)
    }

    #[inline]
    fn finish<E: de::Error>(slot: Option<T>, names: &'static [&'static str]) -> Result<T, E> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(MissingField(name(names, 0), PhantomData)),
        }
    }

    #[inline]
    fn elements<A: SeqAccess<'de>>(seq: &mut A, first: usize, expecting: &Elements) -> Result<T, A::Error> {
        seq.next_element()?.ok_or_else(|| de::Error::invalid_length(first, expecting))
    }
}

impl<'de, T: Deserialize<'de>> SerdeFields<'de> for Optional<T> {
    // Serde's derive keeps `Some(None)` for a field given as null, so that a second entry for it
    // is still a duplicate.
    type Slots = Option<Option<T>>;

    #[inline]
    fn next_value<A: MapAccess<'de>>(
        slot: &mut Option<Option<T>>,
        _: usize,
        map: &mut A,
        names: &'static [&'static str],
    ) -> Result<(), A::Error> {
        fill_once(slot, map, names)
    }

    #[inline]
    fn finish<E: de::Error>(slot: Option<Option<T>>, _: &'static [&'static str]) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }

    #[inline]
    fn elements<A: SeqAccess<'de>>(seq: &mut A, _: usize, _: &Elements) -> Result<Option<T>, A::Error> {
        Ok(seq.next_element()?.flatten())
    }
}

/// The value of a field's entry into its empty slot; a second entry for the field is the derive's
/// `duplicate field` error.
#[inline]
fn fill_once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    names: &'static [&'static str],
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name(names, 0)));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> SerdeFields<'de> for () {
    type Slots = ();

    fn next_value<A: MapAccess<'de>>(
        _: &mut (),
        _: usize,
        _: &mut A,
        _: &'static [&'static str],
    ) -> Result<(), A::Error> {
        Ok(())
    }

    fn finish<E: de::Error>(_: (), _: &'static [&'static str]) -> Result<(), E> {
        Ok(())
    }

    fn elements<A: SeqAccess<'de>>(_: &mut A, _: usize, _: &Elements) -> Result<(), A::Error> {
        Ok(())
    }
}

macro_rules! tuple_fields {
    ($($field:ident $at:tt),+) => {
        impl<'de, $($field: SerdeFields<'de>),+> SerdeFields<'de> for ($($field,)+) {
            type Slots = ($($field::Slots,)+);

            #[inline]
            fn next_value<Acc: MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                map: &mut Acc,
                names: &'static [&'static str],
            ) -> Result<(), Acc::Error> {
                // The element holding field `index`: the first whose fields reach past it.
                let mut start = 0;
                $(
                    if index < start + $field::COUNT {
                        return $field::next_value(&mut slots.$at, index - start, map, names.get(start..).unwrap_or_default());
                    }
                    start += $field::COUNT;
                )+
                let _ = start;
                Ok(())
            }

            #[inline]
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
            fn elements<Acc: SeqAccess<'de>>(
                seq: &mut Acc,
                first: usize,
                expecting: &Elements,
            ) -> Result<Self::Values, Acc::Error> {
                let mut start = first;
                Ok(($({
                    let value = $field::elements(seq, start, expecting)?;
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
    name: &'static str,
    count: usize,
}

impl Expected for Elements {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.count {
            1 => write!(f, "struct {} with 1 element", self.name),
            count => write!(f, "struct {} with {count} elements", self.name),
        }
    }
}

struct StructVisitor<S>(PhantomData<S>);

impl<'de, S> Visitor<'de> for StructVisitor<S>
where
    S: StructDef,
    S::Fields: SerdeFields<'de>,
{
    type Value = S;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", S::NAME)
    }

    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<S, A::Error> {
        let expecting = Elements { name: S::NAME, count: S::Fields::COUNT };
        S::Fields::elements(&mut seq, 0, &expecting).map(S::build)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S, A::Error> {
        let mut slots = <S::Fields as SerdeFields<'de>>::Slots::default();
        while let Some(key) = map.next_key_seed(FieldKey(PhantomData::<S>))? {
            match key {
                Some(index) => S::Fields::next_value(&mut slots, index, &mut map, S::FIELDS)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        S::Fields::finish(slots, S::FIELDS).map(S::build)
    }
}

/// A map key read as the derive's field identifier: the field's position, or `None` for an
/// entry that is no field (skipped).
struct FieldKey<S>(PhantomData<S>);

impl<'de, S: StructDef> DeserializeSeed<'de> for FieldKey<S> {
    type Value = Option<usize>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, S: StructDef> Visitor<'de> for FieldKey<S> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    #[inline]
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Option<usize>, E> {
        Ok(usize::try_from(index).ok().filter(|index| *index < S::FIELDS.len()))
    }

    #[inline]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(S::field_index(key.as_bytes()))
    }

    #[inline]
    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(S::field_index(key))
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

/// `E` read as serde's derive reads an enum of unit variants: `deserialize_enum` with the variants'
/// wire names, a variant by name (or by index), and the derive's `unknown variant` error.
#[inline]
pub fn deserialize_unit_enum<'de, D: Deserializer<'de>, E: UnitEnum>(deserializer: D) -> Result<E, D::Error> {
    deserializer.deserialize_enum(E::NAME, E::VARIANTS, EnumVisitor(PhantomData))
}

struct EnumVisitor<E>(PhantomData<E>);

impl<'de, E: UnitEnum> Visitor<'de> for EnumVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", E::NAME)
    }

    #[inline]
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<E, A::Error> {
        let (index, variant) = data.variant_seed(VariantKey(PhantomData::<E>))?;
        variant.unit_variant()?;
        // `VariantKey` gives only positions of `VARIANTS`, which is as long as `ALL`.
        E::ALL.get(index).copied().ok_or_else(|| de::Error::custom("variant index out of range"))
    }
}

/// A variant's name read as the derive's variant identifier: its position.
struct VariantKey<E>(PhantomData<E>);

impl<'de, E: UnitEnum> DeserializeSeed<'de> for VariantKey<E> {
    type Value = usize;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, E: UnitEnum> Visitor<'de> for VariantKey<E> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<Err: de::Error>(self, index: u64) -> Result<usize, Err> {
        match usize::try_from(index) {
            Ok(index) if index < E::VARIANTS.len() => Ok(index),
            _ => Err(de::Error::invalid_value(Unexpected::Unsigned(index), &VariantIndex(E::VARIANTS.len()))),
        }
    }

    #[inline]
    fn visit_str<Err: de::Error>(self, key: &str) -> Result<usize, Err> {
        E::variant_index(key.as_bytes()).ok_or_else(|| de::Error::unknown_variant(key, E::VARIANTS))
    }

    fn visit_bytes<Err: de::Error>(self, key: &[u8]) -> Result<usize, Err> {
        E::variant_index(key).ok_or_else(|| de::Error::unknown_variant(&String::from_utf8_lossy(key), E::VARIANTS))
    }
}

/// `variant index 0 <= i < 6`, the derive's text for a variant index out of range.
struct VariantIndex(usize);

impl Expected for VariantIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "variant index 0 <= i < {}", self.0)
    }
}
