//! The serde impls and item decoder of the unions `schema!` generates.
//!
//! A tagged union describes itself once (`TaggedUnion`: its tag, its tag values and the
//! alternative each selects, a `match` on the tag text) and its `Deserialize`, `Serialize` and
//! item decoder are calls into the runtime's generic code, which reads the tag first and decodes
//! that one alternative. An untagged union derives serde's `untagged` (its alternatives are
//! already in the order to try them, `reach.rs`), and its item decoder tries them in the same order
//! through their own decoders.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::impls::{block, index_fn};
use super::tokens::{ident, ty};
use crate::ir::{Alternative, Enum, TagField, TagKind};

/// `TaggedUnion`, `Deserialize`, `Serialize` and the item decoder of a tagged union.
pub(super) fn tagged(e: &Enum, tag: &str, alternatives: &[Alternative]) -> TokenStream {
    let name = ident(&e.name);
    let label = &e.name;
    let tags: Vec<&str> = alternatives.iter().flat_map(|a| a.tags.iter().map(String::as_str)).collect();
    let alternative_of = alternatives.iter().enumerate().flat_map(|(i, a)| a.tags.iter().map(move |_| i));
    let keeps_tag = alternatives.iter().map(|a| a.tag_field.is_some());
    let index = index_fn(&format_ident!("tag_index"), &tags);
    let variants: Vec<_> = alternatives.iter().map(|a| ident(&a.ident)).collect();
    let types: Vec<_> = alternatives.iter().map(|a| ty(&a.ty)).collect();
    let last = variants.len().saturating_sub(1);
    let (first_variants, last_variant) = variants.split_at(last);
    let (first_types, last_type) = types.split_at(last);
    let first_positions = 0..last;
    let first_positions2 = 0..last;
    let writes = alternatives.iter().zip(&variants).map(|(a, variant)| {
        let accepted = &a.tags;
        if a.tag_field.as_ref().is_some_and(|f| f.kind == TagKind::Union) {
            // A union tagged by the same property writes its own tag.
            return quote!(Self::#variant(v) => __p::serde::Serialize::serialize(v, serializer),);
        }
        let (current, declared) = current_tag(a.tag_field.as_ref());
        quote! {
            Self::#variant(v) => __p::serialize_tagged(serializer, #tag, __p::tag_text(&[#(#accepted),*], #current), #declared, v),
        }
    });
    // One alternative: no `match` (clippy's `match_single_binding` in the user's crate).
    let (deserialize_body, decode_body) = if alternatives.len() == 1 {
        (
            quote!(<#(#last_type)* as __p::serde::Deserialize>::deserialize(deserializer).map(Self::#(#last_variant)*)),
            quote! {
                let (_, v) = __p::tagged_alternative::<Self>(value, depth)?;
                <#(#last_type)* as __p::Decode>::decode(v, depth).map(Self::#(#last_variant)*)
            },
        )
    } else {
        (
            quote! {
                match index {
                    #(#first_positions => <#first_types as __p::serde::Deserialize>::deserialize(deserializer).map(Self::#first_variants),)*
                    _ => <#(#last_type)* as __p::serde::Deserialize>::deserialize(deserializer).map(Self::#(#last_variant)*),
                }
            },
            quote! {
                match __p::tagged_alternative::<Self>(value, depth)? {
                    #((#first_positions2, v) => <#first_types as __p::Decode>::decode(v, depth).map(Self::#first_variants),)*
                    (_, v) => <#(#last_type)* as __p::Decode>::decode(v, depth).map(Self::#(#last_variant)*),
                }
            },
        )
    };
    let index_name = if alternatives.len() == 1 { quote!(_index) } else { quote!(index) };
    block(quote! {
        #[automatically_derived]
        impl __p::TaggedUnion for #name {
            const NAME: &'static str = #label;
            const TAG: &'static str = #tag;
            const TAGS: &'static [&'static str] = &[#(#tags),*];
            const ALTERNATIVE_OF: &'static [usize] = &[#(#alternative_of),*];
            const KEEPS_TAG: &'static [bool] = &[#(#keeps_tag),*];
            #index
            #[inline]
            fn deserialize_alternative<'de, D: __p::serde::Deserializer<'de>>(
                #index_name: usize,
                deserializer: D,
            ) -> __p::std::result::Result<Self, D::Error> {
                #deserialize_body
            }
        }
        #[automatically_derived]
        impl<'de> __p::serde::Deserialize<'de> for #name {
            #[inline]
            fn deserialize<D: __p::serde::Deserializer<'de>>(deserializer: D) -> __p::std::result::Result<Self, D::Error> {
                __p::deserialize_tagged(deserializer)
            }
        }
        #[automatically_derived]
        impl __p::serde::Serialize for #name {
            #[inline]
            fn serialize<S: __p::serde::Serializer>(&self, serializer: S) -> __p::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#writes)*
                }
            }
        }
        #[automatically_derived]
        impl __p::Decode for #name {
            #[inline]
            fn decode(value: __p::AttributeValue, depth: usize) -> __p::std::result::Result<Self, __p::DecodeError> {
                #decode_body
            }
        }
    })
}

/// The tag text an alternative's own tag field holds (an `Option<&str>` expression on `v`, the
/// alternative), and whether the alternative writes that field itself (a `bool` expression).
fn current_tag(field: Option<&TagField>) -> (TokenStream, TokenStream) {
    let none = quote!(__p::std::option::Option::None);
    let Some(TagField { ident: Some(member), optional, kind }) = field else {
        return (none, quote!(false));
    };
    let member = ident(member);
    let text = match (kind, optional) {
        (TagKind::String, false) => quote!(__p::std::option::Option::Some(v.#member.as_str())),
        (TagKind::String, true) => quote!(v.#member.as_deref()),
        (TagKind::UnitEnum, false) => quote!(__p::std::option::Option::Some(__p::unit_text(v.#member))),
        (TagKind::UnitEnum, true) => quote!(v.#member.map(__p::unit_text)),
        (TagKind::Other | TagKind::Union, _) => none,
    };
    let declared = if *optional { quote!(v.#member.is_some()) } else { quote!(true) };
    (text, declared)
}

/// The item decoder of an untagged union: its alternatives' decoders in turn, in the order serde's
/// `untagged` tries them.
pub(super) fn untagged_decoder(e: &Enum, alternatives: &[Alternative]) -> TokenStream {
    let name = ident(&e.name);
    let label = &e.name;
    let variants = alternatives.iter().map(|a| ident(&a.ident));
    let types = alternatives.iter().map(|a| ty(&a.ty));
    block(quote! {
        #[automatically_derived]
        impl __p::Decode for #name {
            #[inline]
            fn decode(value: __p::AttributeValue, depth: usize) -> __p::std::result::Result<Self, __p::DecodeError> {
                __p::decode_untagged(value, depth, #label, &[
                    #(|v, d| <#types as __p::Decode>::decode(v, d).map(Self::#variants),)*
                ])
            }
        }
    })
}
