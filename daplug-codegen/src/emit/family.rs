//! What a family adds to its union (a discriminated union with `x-daplug`, see
//! `lower/families.rs`, or an enum with `#[serde(tag)]` and `#[derive(DaplugModel)]`):
//! `<Name>Key` and `<Name>Patch`, enums of the variants' keys and patches, `<Name>Parts` (a `Vec`
//! per variant, `Extend<Name>`), and the `Model` impl that writes any variant and reads any item of
//! the table back as the variant its tag names (an unknown tag is `Error::UnknownTag`, never a
//! guess). Each variant's own `Model` impl is a struct model's (`model.rs`), with its entity.
//!
//! [`family_model`] writes all of it from [`FamilyTokens`]; `schema!` fills those from the IR
//! ([`family_items`]), the derive from the enum it is given.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::model::model_meta;
use super::tokens::{doc, hidden, ident, runtime};
use crate::ir::Family;

/// A family as [`family_model`] writes it.
pub struct FamilyTokens {
    /// The union.
    pub name: Ident,
    /// `<Name>Key`, `<Name>Patch`, `<Name>Parts`.
    pub key: Ident,
    /// See `key`.
    pub patch: Ident,
    /// See `key`.
    pub parts: Ident,
    /// The union's schema name (its errors').
    pub schema: String,
    /// The tag attribute.
    pub tag: String,
    /// The union's `ModelMeta` (an expression).
    pub meta: TokenStream,
    /// The union's item decoder: an expression of type `Result<Self, Error>` reading `item`.
    pub decode: TokenStream,
    /// More items of the union's `Model` impl (`validate`).
    pub model_extra: TokenStream,
    /// The derives of the key and patch enums and of the parts struct.
    pub key_derives: TokenStream,
    /// See `key_derives`.
    pub parts_derives: TokenStream,
    /// Items after the impls (compile-time checks, conversions).
    pub extra: TokenStream,
    /// The variants.
    pub members: Vec<MemberTokens>,
}

/// One variant of [`FamilyTokens`].
pub struct MemberTokens {
    /// The union's variant.
    pub variant: Ident,
    /// The variant's model type.
    pub model: TokenStream,
    /// Its key type.
    pub key: TokenStream,
    /// Its patch type.
    pub patch: TokenStream,
    /// Its field in `<Name>Parts`.
    pub parts_field: Ident,
    /// The tag values that name it.
    pub tags: Vec<String>,
}

/// The family of `schema!`: its union's key, patch and parts types, its `Model` impl and item
/// conversions.
pub fn family_items(family: &Family, validates: bool) -> TokenStream {
    let r = runtime();
    let name = ident(&family.name);
    let key = ident(&family.key);
    let members: Vec<MemberTokens> = family
        .members
        .iter()
        .map(|m| {
            let (model, key, patch) = (ident(&m.model), ident(&m.companions.key), ident(&m.companions.patch));
            MemberTokens {
                variant: ident(&m.alternative),
                model: quote!(#model),
                key: quote!(#key),
                patch: quote!(#patch),
                parts_field: ident(&m.parts_field),
                tags: m.tags.clone(),
            }
        })
        .collect();
    let model_extra = if validates {
        quote! {
            #[inline]
            fn validate(&self) -> __p::std::result::Result<(), #r::Error> {
                __p::validate_model(self)
            }
        }
    } else {
        TokenStream::new()
    };
    let variants = members.iter().map(|m| &m.variant);
    let keys = members.iter().map(|m| &m.key);
    let std_derives = quote! {
        #[derive(::daplug_runtime::__private::std::fmt::Debug, ::daplug_runtime::__private::std::clone::Clone, ::daplug_runtime::__private::std::cmp::PartialEq)]
    };
    let parts_derives = quote! {
        #[derive(::daplug_runtime::__private::std::fmt::Debug, ::daplug_runtime::__private::std::clone::Clone, ::daplug_runtime::__private::std::cmp::PartialEq, ::daplug_runtime::__private::std::default::Default)]
    };
    let extra = hidden(
        true,
        quote! {
            #[automatically_derived]
            impl __p::std::convert::From<#name> for #r::Item {
                #[inline]
                fn from(model: #name) -> Self {
                    __p::generated_item(&model)
                }
            }

            #(
                #[automatically_derived]
                impl __p::std::convert::From<#keys> for #key {
                    #[inline]
                    fn from(key: #keys) -> Self {
                        Self::#variants(key)
                    }
                }
            )*
        },
    );
    family_model(&FamilyTokens {
        name: name.clone(),
        key: key.clone(),
        patch: ident(&family.patch),
        parts: ident(&family.parts),
        schema: family.meta.schema_name.clone(),
        tag: family.tag.clone(),
        meta: model_meta(&family.meta),
        decode: quote!(__p::decode_model(item)),
        model_extra,
        key_derives: std_derives,
        parts_derives,
        extra,
        members,
    })
}

/// `<Name>Key`, `<Name>Patch`, `<Name>Parts`, the union's `Model` impl and `TryFrom<Item>`.
pub fn family_model(f: &FamilyTokens) -> TokenStream {
    let r = runtime();
    let FamilyTokens { name, key, patch, parts, schema, tag, meta, decode, model_extra, extra, .. } = f;
    let (key_derives, parts_derives) = (&f.key_derives, &f.parts_derives);
    let variants: Vec<&Ident> = f.members.iter().map(|m| &m.variant).collect();
    let models: Vec<&TokenStream> = f.members.iter().map(|m| &m.model).collect();
    let keys = f.members.iter().map(|m| &m.key);
    let patches = f.members.iter().map(|m| &m.patch);
    let parts_fields: Vec<&Ident> = f.members.iter().map(|m| &m.parts_field).collect();
    let tags = f.members.iter().map(|m| {
        let values = &m.tags;
        quote!(#(#values)|*)
    });
    let key_doc = doc(&format!(
        "The primary key of a [`{name}`]: the variant's key, which says whose key prefixes it is stored under."
    ));
    let patch_doc = doc(&format!("A partial update of one variant of [`{name}`]."));
    let parts_doc = doc(&format!(
        "A partition of [`{name}`] items grouped by variant, each in the order read (key order): what \
         `Query::group` gathers one query into."
    ));
    let impls = hidden(
        true,
        quote! {
            #[automatically_derived]
            impl __p::serde::Serialize for #key {
                #[inline]
                fn serialize<S: __p::serde::Serializer>(&self, serializer: S) -> __p::std::result::Result<S::Ok, S::Error> {
                    match self {
                        #(Self::#variants(key) => __p::serde::Serialize::serialize(key, serializer),)*
                    }
                }
            }

            #[automatically_derived]
            impl __p::serde::Serialize for #patch {
                #[inline]
                fn serialize<S: __p::serde::Serializer>(&self, serializer: S) -> __p::std::result::Result<S::Ok, S::Error> {
                    match self {
                        #(Self::#variants(patch) => __p::serde::Serialize::serialize(patch, serializer),)*
                    }
                }
            }

            #[automatically_derived]
            impl #r::Model for #name {
                type Key = #key;
                type Patch = #patch;
                const META: #r::ModelMeta = #meta;

                #[inline]
                fn entity_of_item(item: &#r::Item) -> __p::std::result::Result<#r::Entity, #r::Error> {
                    match __p::tag_value(item, #tag) {
                        #(__p::std::option::Option::Some(#tags) => __p::std::result::Result::Ok(<#models as #r::Model>::ENTITY),)*
                        _ => __p::std::result::Result::Err(__p::unknown_tag(#schema, #tag, item)),
                    }
                }

                #[inline]
                fn entity_of_key(key: &#key) -> #r::Entity {
                    match key {
                        #(#key::#variants(_) => <#models as #r::Model>::ENTITY,)*
                    }
                }

                /// An item of no variant's is [`Error::UnknownTag`](::daplug_runtime::Error::UnknownTag),
                /// as every read reports it.
                #[inline]
                fn from_item(item: #r::Item) -> __p::std::result::Result<Self, #r::Error> {
                    <Self as #r::Model>::entity_of_item(&item)?;
                    #decode
                }

                #model_extra
            }

            #[automatically_derived]
            impl __p::std::convert::TryFrom<#r::Item> for #name {
                type Error = #r::Error;

                #[inline]
                fn try_from(item: #r::Item) -> __p::std::result::Result<Self, Self::Error> {
                    <#name as #r::Model>::from_item(item)
                }
            }

            #[automatically_derived]
            impl __p::std::iter::Extend<#name> for #parts {
                #[inline]
                fn extend<I: __p::std::iter::IntoIterator<Item = #name>>(&mut self, items: I) {
                    for item in items {
                        match item {
                            #(#name::#variants(part) => self.#parts_fields.push(part),)*
                        }
                    }
                }
            }
        },
    );
    quote! {
        #key_doc
        #key_derives
        pub enum #key {
            #(#[allow(missing_docs)] #variants(#keys),)*
        }

        #patch_doc
        #key_derives
        pub enum #patch {
            #(#[allow(missing_docs)] #variants(#patches),)*
        }

        #parts_doc
        #parts_derives
        pub struct #parts {
            #(#[allow(missing_docs)] pub #parts_fields: ::daplug_runtime::__private::std::vec::Vec<#models>,)*
        }

        #impls
        #extra
    }
}
