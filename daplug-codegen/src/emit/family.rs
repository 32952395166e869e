//! What a family adds to its union (a discriminated union with `x-daplug`, see
//! `lower/families.rs`): `<Name>Key` and `<Name>Patch`, enums of the variants' keys and patches,
//! and the `Model` impl that writes any variant and reads any item of the table back as the
//! variant its tag names (an unknown tag is `Error::UnknownTag`, never a guess). Each variant's
//! own `Model` impl is a struct model's (`model.rs`), with its entity.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::model_meta;
use super::tokens::{doc, hidden, ident, runtime};
use crate::ir::Family;

/// `<Name>Key`, `<Name>Patch`, the union's `Model` impl and its item conversions.
pub fn family_items(family: &Family, validates: bool) -> TokenStream {
    let r = runtime();
    let name = ident(&family.name);
    let key = ident(&family.key);
    let patch = ident(&family.patch);
    let schema = &family.meta.schema_name;
    let tag = &family.tag;
    let variants: Vec<_> = family.members.iter().map(|m| ident(&m.alternative)).collect();
    let models: Vec<_> = family.members.iter().map(|m| ident(&m.model)).collect();
    let keys: Vec<_> = family.members.iter().map(|m| ident(&m.companions.key)).collect();
    let patches: Vec<_> = family.members.iter().map(|m| ident(&m.companions.patch)).collect();
    let parts = ident(&family.parts);
    let parts_fields: Vec<_> = family.members.iter().map(|m| ident(&m.parts_field)).collect();
    let parts_doc = doc(&format!(
        "A partition of [`{}`] items grouped by variant, each in the order read (key order): what \
         `Query::group` gathers one query into.",
        family.name
    ));
    let tags = family.members.iter().map(|m| {
        let values = &m.tags;
        quote!(#(#values)|*)
    });
    let key_doc = doc(&format!(
        "The primary key of a [`{}`]: the variant's key, which says whose key prefixes it is stored under.",
        family.name
    ));
    let patch_doc = doc(&format!("A partial update of one variant of [`{}`].", family.name));
    let meta = model_meta(&family.meta);
    let validate = validates.then(|| {
        quote! {
            #[inline]
            fn validate(&self) -> __p::std::result::Result<(), #r::Error> {
                __p::validate_model(self)
            }
        }
    });
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

                #[inline]
                fn from_item(item: #r::Item) -> __p::std::result::Result<Self, #r::Error> {
                    __p::decode_model(item)
                }

                #validate
            }

            #[automatically_derived]
            impl __p::std::convert::From<#name> for #r::Item {
                #[inline]
                fn from(model: #name) -> Self {
                    __p::generated_item(&model)
                }
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
    quote! {
        #key_doc
        #[derive(::daplug_runtime::__private::std::fmt::Debug, ::daplug_runtime::__private::std::clone::Clone, ::daplug_runtime::__private::std::cmp::PartialEq)]
        pub enum #key {
            #(#[allow(missing_docs)] #variants(#keys),)*
        }

        #patch_doc
        #[derive(::daplug_runtime::__private::std::fmt::Debug, ::daplug_runtime::__private::std::clone::Clone, ::daplug_runtime::__private::std::cmp::PartialEq)]
        pub enum #patch {
            #(#[allow(missing_docs)] #variants(#patches),)*
        }

        #parts_doc
        #[derive(::daplug_runtime::__private::std::fmt::Debug, ::daplug_runtime::__private::std::clone::Clone, ::daplug_runtime::__private::std::cmp::PartialEq, ::daplug_runtime::__private::std::default::Default)]
        pub struct #parts {
            #(#[allow(missing_docs)] pub #parts_fields: ::daplug_runtime::__private::std::vec::Vec<#models>,)*
        }

        #impls
    }
}
