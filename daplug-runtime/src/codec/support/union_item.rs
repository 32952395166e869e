//! Reading the unions `schema!` generates from attribute values, as their generated `Decode`
//! calls it: a discriminated union looks its tag up in the item's map and decodes that one
//! alternative ([`tagged_alternative`]); a union without a tag tries its alternatives in order,
//! the most specific first ([`decode_untagged`]).
//!
//! Both read the alternatives through their own `Decode`, so items stay lenient about attributes
//! a struct does not declare (other writers may add attributes), as every struct read from the
//! table is.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::{DeserializeOwned, DeserializeSeed};
use std::marker::PhantomData;

use super::union::{TagSeed, TaggedUnion};
use crate::codec::de::{AttributeDeserializer, DeError};
use crate::codec::path::Step;

/// The alternative a tagged union's item map selects, and the map to decode it from (without the
/// tag when the alternative does not declare it). A value that is not a map, a missing tag or a tag
/// no alternative has is the serde path's error (the tag's path on the tag's errors).
#[inline]
pub fn tagged_alternative<U>(value: AttributeValue, depth: usize) -> Result<(usize, AttributeValue), DeError>
where
    U: TaggedUnion + DeserializeOwned,
{
    let mut entries = match value {
        AttributeValue::M(entries) => entries,
        // Not a map: serde's error for it (the union's `Deserialize` refuses anything but a map).
        value => return Err(refused::<U>(value, depth)),
    };
    let Some(tag) = entries.remove(U::TAG) else {
        return Err(<DeError as serde::de::Error>::missing_field(U::TAG));
    };
    let seed = TagSeed(PhantomData::<U>);
    let (index, text) = match seed.deserialize(AttributeDeserializer::nested(tag, depth + 1)) {
        Ok(found) => found,
        Err(err) => return Err(err.at(Step::key(U::TAG))),
    };
    if U::KEEPS_TAG.get(index).copied().unwrap_or(false) {
        entries.insert(U::TAG.to_owned(), AttributeValue::S(text.to_owned()));
    }
    Ok((index, AttributeValue::M(entries)))
}

/// The error of reading `value` as `U` through serde.
#[cold]
fn refused<U: DeserializeOwned>(value: AttributeValue, depth: usize) -> DeError {
    match U::deserialize(AttributeDeserializer::nested(value, depth)) {
        Err(err) => err,
        Ok(_) => <DeError as serde::de::Error>::custom("expected a map"),
    }
}

/// One alternative's decoder, as an untagged union's generated decoder lists them.
pub type AlternativeDecoder<T> = fn(AttributeValue, usize) -> Result<T, DeError>;

/// A union without a tag: each alternative in turn (the order `schema!` chose: the most specific
/// first) reads the value, and the first that accepts it wins; none is serde's `untagged` error.
#[inline]
pub fn decode_untagged<T>(
    value: AttributeValue,
    depth: usize,
    name: &'static str,
    alternatives: &[AlternativeDecoder<T>],
) -> Result<T, DeError> {
    if let Some((last, first)) = alternatives.split_last() {
        for alternative in first {
            if let Ok(found) = alternative(value.clone(), depth) {
                return Ok(found);
            }
        }
        if let Ok(found) = last(value, depth) {
            return Ok(found);
        }
    }
    Err(<DeError as serde::de::Error>::custom(format_args!("data did not match any variant of untagged enum {name}")))
}
