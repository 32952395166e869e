//! serde's `Deserialize` for generated structs and string enums: one generic visitor, with the
//! derive's behaviour (the same `deserialize_struct` / `deserialize_enum` call, field names, `visit_seq`
//! and `visit_map`, duplicate, missing and unknown fields, and every message). A struct's fields
//! are read by the one field reader (`fields.rs`), as the item decoder reads them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Expected, IgnoredAny, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use super::fields::{Elements, FieldReader, MapValue};
use super::shape::{FieldList, StructDef, UnitEnum};

/// `S` read as serde's derive reads a struct: a map of its fields by wire name (unknown entries
/// skipped, absent optional fields `None`, a field given twice `duplicate field`), or a sequence
/// of its fields in order.
#[inline]
pub fn deserialize_struct<'de, D, S>(deserializer: D) -> Result<S, D::Error>
where
    D: Deserializer<'de>,
    S: StructDef,
    S::Fields: FieldReader,
{
    deserializer.deserialize_struct(S::NAME, S::FIELDS, StructVisitor(PhantomData::<S>))
}

struct StructVisitor<S>(PhantomData<S>);

impl<'de, S> Visitor<'de> for StructVisitor<S>
where
    S: StructDef,
    S::Fields: FieldReader,
{
    type Value = S;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", S::NAME)
    }

    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<S, A::Error> {
        let expecting = Elements { name: S::NAME, count: S::Fields::COUNT };
        S::Fields::elements(&mut seq, 0, &expecting, S::RULES).map(S::build)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S, A::Error> {
        let mut slots = <S::Fields as FieldReader>::Slots::default();
        let mut seen = Seen::new(S::FIELDS.len());
        while let Some(key) = map.next_key_seed(FieldKey(PhantomData::<S>))? {
            match key {
                Some(index) => {
                    // A map may hold a key twice (an item cannot): the derive's `duplicate field`.
                    if seen.insert(index) {
                        return Err(de::Error::duplicate_field(S::FIELDS.get(index).copied().unwrap_or_default()));
                    }
                    if S::REFUSED.contains(&index) {
                        // Refused as its value is read, so that a path-tracking reader names it.
                        let name = S::FIELDS.get(index).copied().unwrap_or_default();
                        let Err(err) = map.next_value_seed(Refuse { name });
                        return Err(err);
                    }
                    S::Fields::fill(&mut slots, index, MapValue::new(&mut map), S::RULES)?
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        S::Fields::finish(slots, S::FIELDS).map(S::build)
    }
}

/// A field JSON may not give (a patch's key attribute): reading its value is the error.
struct Refuse {
    name: &'static str,
}

/// The message of a key attribute given in a patch.
pub(crate) fn key_in_patch(name: &str) -> String {
    format!("`{name}` is a key attribute, which a patch cannot change (the key is given apart)")
}

impl<'de> DeserializeSeed<'de> for Refuse {
    type Value = std::convert::Infallible;

    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<Self::Value, D::Error> {
        Err(de::Error::custom(key_in_patch(self.name)))
    }
}

/// The fields a map has given so far: a word of bits for up to 64 fields, more words beyond.
enum Seen {
    Word(u64),
    Words(Vec<u64>),
}

impl Seen {
    #[inline]
    fn new(fields: usize) -> Self {
        if fields <= 64 {
            Seen::Word(0)
        } else {
            Seen::Words(vec![0; fields.div_ceil(64)])
        }
    }

    /// Marks field `index` as given; `true` when it already was.
    #[inline]
    fn insert(&mut self, index: usize) -> bool {
        let (word, bit) = match self {
            Seen::Word(word) => (word, index),
            Seen::Words(words) => match words.get_mut(index / 64) {
                Some(word) => (word, index % 64),
                None => return false,
            },
        };
        let mask = 1u64.checked_shl(bit as u32).unwrap_or(0);
        let given = *word & mask != 0;
        *word |= mask;
        given
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
        match usize::try_from(index).ok().filter(|index| *index < S::FIELDS.len()) {
            None if S::DENY_UNKNOWN => {
                Err(de::Error::invalid_value(Unexpected::Unsigned(index), &FieldIndex(S::FIELDS.len())))
            }
            found => Ok(found),
        }
    }

    #[inline]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        match S::field_index(key.as_bytes()) {
            None if S::DENY_UNKNOWN => Err(de::Error::unknown_field(key, S::FIELDS)),
            found => Ok(found),
        }
    }

    #[inline]
    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        match S::field_index(key) {
            None if S::DENY_UNKNOWN => Err(de::Error::unknown_field(&String::from_utf8_lossy(key), S::FIELDS)),
            found => Ok(found),
        }
    }
}

/// `field index 0 <= i < 3`, the derive's text for a field index out of range under
/// `deny_unknown_fields`.
struct FieldIndex(usize);

impl Expected for FieldIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field index 0 <= i < {}", self.0)
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
