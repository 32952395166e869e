//! The sequence, map and enum accesses of the path tracker: each element, entry and variant
//! content is deserialized one level down the path, where the depth limit is checked.

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use super::key::CaptureKey;
use super::{too_deep, Chain, PathDe, Track, Wrap, MAX_DEPTH};

/// Seed of a map value, sequence element or newtype variant: deserializes it at `chain`.
pub(super) struct TrackedSeed<'a, X> {
    pub(super) seed: X,
    pub(super) chain: &'a Chain<'a>,
    pub(super) track: &'a Track,
}

impl<'de, X: DeserializeSeed<'de>> DeserializeSeed<'de> for TrackedSeed<'_, X> {
    type Value = X::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<X::Value, D::Error> {
        let TrackedSeed { seed, chain, track } = self;
        // Every nested value (element, map value, variant content) passes here: the one depth check.
        if chain.depth() > MAX_DEPTH {
            return Err(track.trigger(chain, de::Error::custom(too_deep())));
        }
        seed.deserialize(PathDe { de: deserializer, chain, track }).map_err(|err| track.trigger(chain, err))
    }
}

pub(super) struct SeqAccess<'a, X> {
    pub(super) delegate: X,
    pub(super) chain: &'a Chain<'a>,
    pub(super) track: &'a Track,
    pub(super) index: usize,
}

impl<'de, X: de::SeqAccess<'de>> de::SeqAccess<'de> for SeqAccess<'_, X> {
    type Error = X::Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, X::Error> {
        let parent = self.chain;
        let track = self.track;
        let chain = Chain::Seq { parent, index: self.index };
        self.index += 1;
        self.delegate
            .next_element_seed(TrackedSeed { seed, chain: &chain, track })
            .map_err(|err| track.trigger(parent, err))
    }

    fn size_hint(&self) -> Option<usize> {
        self.delegate.size_hint()
    }
}

/// Map access that keeps the current key (moved, not cloned) for the path of its value.
pub(super) struct MapAccess<'a, 'de, X> {
    pub(super) delegate: X,
    pub(super) chain: &'a Chain<'a>,
    pub(super) track: &'a Track,
    pub(super) key: Option<Cow<'de, str>>,
}

impl<'de, X: de::MapAccess<'de>> de::MapAccess<'de> for MapAccess<'_, 'de, X> {
    type Error = X::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, X::Error> {
        self.key = None;
        let parent = self.chain;
        let track = self.track;
        match self.delegate.next_key_seed(CaptureKey { delegate: seed, key: &mut self.key }) {
            Ok(key) => Ok(key),
            Err(err) => Err(track.trigger(&Chain::key(parent, self.key.as_deref()), err)),
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, X::Error> {
        let parent = self.chain;
        let track = self.track;
        let chain = Chain::key(parent, self.key.as_deref());
        self.delegate
            .next_value_seed(TrackedSeed { seed, chain: &chain, track })
            .map_err(|err| track.trigger(parent, err))
    }

    fn size_hint(&self) -> Option<usize> {
        self.delegate.size_hint()
    }
}

impl<'a, 'de, X: de::EnumAccess<'de>> de::EnumAccess<'de> for Wrap<'a, X> {
    type Error = X::Error;
    type Variant = WrapVariant<'a, 'de, X::Variant>;

    #[inline]
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant), X::Error> {
        let Wrap { delegate, chain, track } = self;
        let mut variant = None;
        match delegate.variant_seed(CaptureKey { delegate: seed, key: &mut variant }) {
            Ok((value, access)) => Ok((value, WrapVariant { delegate: access, parent: chain, track, variant })),
            Err(err) => Err(track.trigger(chain, err)),
        }
    }
}

/// Variant access of an enum value: the variant name is a path segment of its content.
pub(super) struct WrapVariant<'a, 'de, X> {
    delegate: X,
    parent: &'a Chain<'a>,
    track: &'a Track,
    variant: Option<Cow<'de, str>>,
}

impl<'de, X: de::VariantAccess<'de>> de::VariantAccess<'de> for WrapVariant<'_, 'de, X> {
    type Error = X::Error;

    #[inline]
    fn unit_variant(self) -> Result<(), X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate.unit_variant().map_err(|err| track.trigger(&chain, err))
    }

    #[inline]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate
            .newtype_variant_seed(TrackedSeed { seed, chain: &chain, track })
            .map_err(|err| track.trigger(&chain, err))
    }

    #[inline]
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate
            .tuple_variant(len, Wrap { delegate: visitor, chain: &chain, track })
            .map_err(|err| track.trigger(&chain, err))
    }

    #[inline]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, X::Error> {
        let WrapVariant { delegate, parent, track, variant } = self;
        let chain = Chain::key(parent, variant.as_deref());
        delegate
            .struct_variant(fields, Wrap { delegate: visitor, chain: &chain, track })
            .map_err(|err| track.trigger(&chain, err))
    }
}
