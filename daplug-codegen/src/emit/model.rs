//! What a model struct adds to its type: `<Name>Key`, `<Name>Patch`, `<Name>Index`, the `Model` impl and the item
//! conversions, emitted so that the crate holding `schema!` compiles little more than the types.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::fields::index_enum;
use super::impls::{debug_impl, serialize_impl, Written};
use super::tokens::{doc, hidden, ident, is_option, option, private, runtime, some, ty};
use crate::ir::{KeyAttr, KeyMeta, KeyType, Struct, Ty};

/// How a model becomes an `Item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntoItem {
    /// `From<Model> for Item`: for generated types, which cannot fail to serialise (every field
    /// type is known; see `daplug_runtime`'s `generated_item`).
    From,
    /// `TryFrom<Model> for Item`: for hand-written structs, whose field types' `Serialize` impls
    /// can fail.
    TryFrom,
}

/// `Key`, `Patch`, the `Model` impl and the `Item` conversions of a model struct (without the
/// struct itself: the derive reuses this for hand-written structs).
///
/// The conversions are `#[inline]` so that they, and the serde code they instantiate, are compiled
/// in the crate that converts the model, not in the crate holding `schema!`.
pub fn model_items(s: &Struct, meta: &KeyMeta, into_item: IntoItem) -> TokenStream {
    let (r, p) = (runtime(), private());
    let name = ident(&s.name);
    let key_name = ident(&s.companions.key);
    let patch_name = ident(&s.companions.patch);
    let vis = match &s.vis {
        Some(vis) => quote!(#vis),
        None => quote!(pub),
    };
    let patch_fields: Vec<CompanionField> = s
        .fields
        .iter()
        .map(|f| {
            let ty = match &f.ty {
                Ty::Rust(inner) if is_option(inner) => ty(&f.ty),
                other => option(ty(other)),
            };
            CompanionField { ident: &f.ident, wire: &f.wire_name, ty, optional: true }
        })
        .collect();
    let patch_doc = format!(
        "A partial update of [`{}`]: `None` fields are left as stored; each field is the model's field \
         of the same name.",
        s.name
    );
    let patch_item = companion(&patch_name, &patch_doc, &vis, &patch_fields, true);
    let keys: Vec<_> = [&meta.hash_key, &meta.range_key].into_iter().flatten().collect();
    let (key_item, key_ty) = if keys.is_empty() {
        (quote!(), quote!(#p::serde_json::Value))
    } else {
        let key_fields: Vec<CompanionField> = keys
            .iter()
            .map(|k| CompanionField { ident: &k.ident, wire: &k.attr.wire, ty: ty(&k.ty), optional: false })
            .collect();
        let key_doc = format!("The primary key of [`{}`].", s.name);
        (companion(&key_name, &key_doc, &vis, &key_fields, false), quote!(#key_name))
    };
    let index_enum = index_enum(&name, &s.companions.index, &vis, &meta.indexes);
    let meta = model_meta(meta);
    // A generated model reads items through its generated decoder (`emit/codec.rs`); a hand-written
    // one through serde (its field types need not implement `Decode`).
    let from_item = (into_item == IntoItem::From).then(|| {
        quote! {
            #[inline]
            fn from_item(
                item: #r::Item,
            ) -> #p::std::result::Result<Self, #r::Error> {
                #p::decode_model(item)
            }
        }
    });
    // The constraints, where the schema has some (a generated model only: a hand-written one's
    // fields are opaque here).
    let validate = (into_item == IntoItem::From && s.validates).then(|| {
        let patch = s.fields.iter().any(|f| f.rules.is_some()).then(|| {
            quote! {
                #[inline]
                fn validate_patch(patch: &#r::Item) -> #p::std::result::Result<(), #r::Error> {
                    #p::validate_model_patch::<Self>(patch)
                }
            }
        });
        quote! {
            #[inline]
            fn validate(&self) -> #p::std::result::Result<(), #r::Error> {
                #p::validate_model(self)
            }
            #patch
        }
    });
    let to_item = match into_item {
        IntoItem::From => quote! {
            #[automatically_derived]
            impl #p::std::convert::From<#name> for #r::Item {
                #[inline]
                fn from(model: #name) -> Self {
                    #p::generated_item(&model)
                }
            }
        },
        IntoItem::TryFrom => quote! {
            #[automatically_derived]
            impl #p::std::convert::TryFrom<#name> for #r::Item {
                type Error = #r::Error;

                #[inline]
                fn try_from(model: #name) -> #p::std::result::Result<Self, Self::Error> {
                    <#name as #r::Model>::to_item(&model)
                }
            }
        },
    };
    let impls = hidden(
        false,
        quote! {
            #[automatically_derived]
            impl #r::Model for #name {
                type Key = #key_ty;
                type Patch = #patch_name;
                const META: #r::ModelMeta = #meta;
                #from_item
                #validate
            }

            #to_item

            #[automatically_derived]
            impl #p::std::convert::TryFrom<#r::Item> for #name {
                type Error = #r::Error;

                #[inline]
                fn try_from(item: #r::Item) -> #p::std::result::Result<Self, Self::Error> {
                    <#name as #r::Model>::from_item(item)
                }
            }
        },
    );
    quote! {
        #key_item
        #patch_item
        #index_enum
        #impls
    }
}

/// A field of a companion type.
struct CompanionField<'a> {
    ident: &'a str,
    wire: &'a str,
    ty: TokenStream,
    /// Written only when `Some`.
    optional: bool,
}

/// A companion type (`<Name>Key`, `<Name>Patch`): the struct with `Clone`, `PartialEq` (and
/// `Default` for patches) derived, and `Debug` and `Serialize` written out.
///
/// Companions are serialised, never parsed, so they have no `Deserialize` (the larger half of serde's
/// output). `Debug` is the derived one marked `#[inline]`: a derived `fmt` is compiled in the crate
/// holding `schema!` whether or not anything prints the type, an inline one only where it is used.
/// `Serialize` is a chain of calls into `__private::fields` (one call per field, where the derive
/// expands a length sum, a branch and a `?` per field), with the output of the derive.
fn companion(name: &Ident, doc_text: &str, vis: &TokenStream, fields: &[CompanionField], default: bool) -> TokenStream {
    let p = private();
    let doc = doc(doc_text);
    let default = default.then(|| quote!(#p::std::default::Default,));
    let idents: Vec<Ident> = fields.iter().map(|f| ident(f.ident)).collect();
    let types = fields.iter().map(|f| &f.ty);
    let written: Vec<Written> =
        fields.iter().map(|f| Written { ident: f.ident, wire: f.wire, optional: f.optional }).collect();
    let debug = debug_impl(&p, name, &written);
    let serialize = serialize_impl(&p, name, &written);
    quote! {
        #doc
        #[derive(#p::std::clone::Clone, #p::std::cmp::PartialEq, #default)]
        #[allow(missing_docs)]
        #vis struct #name {
            #(#vis #idents: #types,)*
        }

        #debug
        #serialize
    }
}

fn model_meta(meta: &KeyMeta) -> TokenStream {
    let schema = &meta.schema_name;
    let key = |k: Option<&KeyAttr>| some(k.map(key_attribute));
    let hash_key = key(meta.hash_key.as_ref().map(|k| &k.attr));
    let range_key = key(meta.range_key.as_ref().map(|k| &k.attr));
    let text = |t: &Option<String>| some(t.as_ref().map(|t| quote!(#t)));
    let hash_prefix = text(&meta.hash_prefix);
    let range_prefix = text(&meta.range_prefix);
    let idempotence_key = text(&meta.idempotence_key);
    let r = runtime();
    let indexes = meta.indexes.iter().map(|index| {
        let name = &index.name;
        let hash_key = key_attribute(&index.hash_key);
        let range_key = key(index.range_key.as_ref());
        quote! {
            #r::IndexMeta {
                name: #name,
                hash_key: #hash_key,
                range_key: #range_key,
            }
        }
    });
    let replaced = meta.replaced.iter().map(|path| {
        let steps = path.iter().map(|step| match step {
            Some(name) => quote!(::daplug_runtime::PathStep::Field(#name)),
            None => quote!(::daplug_runtime::PathStep::AnyKey),
        });
        quote!(&[#(#steps),*])
    });
    quote! {
        #r::ModelMeta {
            schema: #schema,
            hash_key: #hash_key,
            range_key: #range_key,
            hash_prefix: #hash_prefix,
            range_prefix: #range_prefix,
            idempotence_key: #idempotence_key,
            indexes: &[#(#indexes),*],
            replaced: &[#(#replaced),*],
        }
    }
}

fn key_attribute(attr: &KeyAttr) -> TokenStream {
    let name = &attr.wire;
    let key_type = match attr.key_type {
        KeyType::S => quote!(S),
        KeyType::N => quote!(N),
        KeyType::B => quote!(B),
    };
    let r = runtime();
    quote! {
        #r::KeyAttribute {
            name: #name,
            key_type: #r::KeyType::#key_type,
        }
    }
}
