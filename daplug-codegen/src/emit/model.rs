//! What a model struct adds to its type: `<Name>Key`, `<Name>Patch`, `<Name>Index`, the `Model` impl and the item
//! conversions, emitted so that the crate holding `schema!` compiles little more than the types.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::fields::index_enum;
use super::impls::{block, debug_impl, index_fn, nest, serialize_impl, Written};
use super::tokens::{derives, doc, hidden, ident, is_option, option, private, rename, runtime, some, ty};
use crate::ir::{KeyAttr, KeyField, KeyMeta, KeyType, Struct, Ty};

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
    let keys: Vec<_> = [&meta.hash_key, &meta.range_key].into_iter().flatten().collect();
    let patch_fields = patch_fields(s, &keys);
    let patch_doc = format!(
        "A partial update of [`{}`]: each field is the model's field of the same name; `None` leaves \
         the attribute as stored. A field the model may leave out is an `Option<Option<T>>`: \
         `Some(None)` (a `null` in JSON) clears it (the model reads `None`). Read from JSON, a key attribute is \
         refused (the key is given apart).",
        s.name
    );
    let rules = (into_item == IntoItem::From && s.fields.iter().any(|f| f.rules.is_some())).then(|| {
        let p = private();
        quote!(<#name as #p::StructDef>::RULES)
    });
    let patch_def =
        Companion { doc: &patch_doc, fields: &patch_fields, default: true, deny_unknown: s.deny_unknown, rules };
    let patch_item = companion(&patch_name, &vis, &patch_def);
    let (key_item, key_ty) = if keys.is_empty() {
        (quote!(), quote!(#p::serde_json::Value))
    } else {
        let key_fields = key_fields(&keys);
        let key_doc = format!("The primary key of [`{}`].", s.name);
        let key_def =
            Companion { doc: &key_doc, fields: &key_fields, default: false, deny_unknown: false, rules: None };
        (companion(&key_name, &vis, &key_def), quote!(#key_name))
    };
    let index_enum = index_enum(&name, &s.companions.index, &vis, &meta.indexes);
    let entity = entity_items(meta);
    // A hand-written variant whose struct does not hold the tag (the enum's `#[serde(tag)]` writes
    // it) adds it to its items, so the family reads back what its own repository wrote.
    let tagged = meta.entity_tag.as_ref().filter(|(tag, _)| !s.fields.iter().any(|f| &f.wire_name == tag)).map(
        |(tag, values)| {
            let value = values.first().cloned().unwrap_or_default();
            quote! {
                #[inline]
                fn to_item(&self) -> #p::std::result::Result<#r::Item, #r::Error> {
                    #p::tagged_item(self, #tag, #value)
                }
            }
        },
    );
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
                #entity
                #tagged
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

/// The patch's fields: each of the model's, absent as `None`. A field the model may leave out is
/// `Option<Option<T>>` (`Some(None)`, JSON's `null`, clears it), a required one `Option<T>`.
fn patch_fields<'a>(s: &'a Struct, keys: &[&KeyField]) -> Vec<CompanionField<'a>> {
    s.fields
        .iter()
        .map(|f| {
            let (given, clears) = match &f.ty {
                Ty::Rust(inner) if is_option(inner) => (ty(&f.ty), true),
                other if f.optional => (option(ty(other)), true),
                other => (ty(other), false),
            };
            CompanionField {
                clears,
                ident: &f.ident,
                wire: &f.wire_name,
                ty: option(given.clone()),
                given,
                kind: Kind::Given,
                refused: keys.iter().any(|k| k.attr.wire == f.wire_name),
            }
        })
        .collect()
}

/// The key's fields: the hash key, then the range key.
fn key_fields<'a>(keys: &[&'a KeyField]) -> Vec<CompanionField<'a>> {
    keys.iter()
        .map(|k| CompanionField {
            ident: &k.ident,
            wire: &k.attr.wire,
            ty: ty(&k.ty),
            given: ty(&k.ty),
            kind: Kind::Key,
            refused: false,
            clears: false,
        })
        .collect()
}

/// `<Name>Key` and `<Name>Patch` as a user writes them by hand, with serde's derives (a patch's
/// `Option<Option<T>>` read through a `double_option` function in scope, the usual helper that
/// tells `null` from absent): the compile-cost benchmark's baseline for the companions.
pub fn derived_companions(s: &Struct, meta: &KeyMeta) -> TokenStream {
    let keys: Vec<_> = [&meta.hash_key, &meta.range_key].into_iter().flatten().collect();
    let derived = |name: &str, fields: &[CompanionField], default: bool| {
        let name = ident(name);
        let extra: &[&str] = if default { &["Default"] } else { &[] };
        let derives = derives(&["Debug", "Clone", "PartialEq"], extra);
        let fields = fields.iter().map(|f| {
            let member = ident(f.ident);
            let rename = rename(f.ident, f.wire);
            let t = &f.ty;
            let read = match f.kind {
                Kind::Key => quote!(),
                Kind::Given if f.clears => quote! {
                    #[serde(default, skip_serializing_if = "::daplug_runtime::__private::std::option::Option::is_none", deserialize_with = "double_option")]
                },
                Kind::Given => quote! {
                    #[serde(default, skip_serializing_if = "::daplug_runtime::__private::std::option::Option::is_none")]
                },
            };
            quote!(#rename #read pub #member: #t,)
        });
        quote! {
            #derives
            #[allow(missing_docs)]
            pub struct #name {
                #(#fields)*
            }
        }
    };
    let key = (!keys.is_empty()).then(|| derived(&s.companions.key, &key_fields(&keys), false));
    let patch = derived(&s.companions.patch, &patch_fields(s, &keys), true);
    quote!(#key #patch)
}

/// A field of a companion type.
struct CompanionField<'a> {
    ident: &'a str,
    wire: &'a str,
    /// The field's type.
    ty: TokenStream,
    /// The type of the value JSON gives (a patch field's without the `Option` of absence).
    given: TokenStream,
    kind: Kind,
    /// JSON may not give it (a key attribute in a patch).
    refused: bool,
    /// A patch's field whose `null` clears the attribute (`Option<Option<T>>`).
    clears: bool,
}

/// How a companion's field is read and written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A key's field: required, always written.
    Key,
    /// A patch's field: absent is `None`, and `None` is not written.
    Given,
}

/// A companion type as `companion` writes it.
struct Companion<'a> {
    doc: &'a str,
    fields: &'a [CompanionField<'a>],
    /// `Default` derived (patches).
    default: bool,
    /// The model's `additionalProperties: false`.
    deny_unknown: bool,
    /// The model's field constraints (the patch's fields are the model's, in order).
    rules: Option<TokenStream>,
}

/// A companion type (`<Name>Key`, `<Name>Patch`): the struct with `Clone`, `PartialEq` (and
/// `Default` for patches) derived, `Debug` and `Serialize` written out, and `Deserialize` through
/// its `StructDef`, as the models' own.
///
/// `Debug` is the derived one marked `#[inline]`: a derived `fmt` is compiled in the crate
/// holding `schema!` whether or not anything prints the type, an inline one only where it is used.
/// `Serialize` is a chain of calls into `__private::fields` (one call per field, where the derive
/// expands a length sum, a branch and a `?` per field), with the output of the derive.
/// `Deserialize` is one call into `__private::deserialize_struct`, its fields read through serde
/// alone (`KeyPart`, `Given`: a hand-written model's field types have no item decoder).
fn companion(name: &Ident, vis: &TokenStream, def: &Companion) -> TokenStream {
    let p = private();
    let doc = doc(def.doc);
    let default = def.default.then(|| quote!(#p::std::default::Default,));
    let idents: Vec<Ident> = def.fields.iter().map(|f| ident(f.ident)).collect();
    let types = def.fields.iter().map(|f| &f.ty);
    let written: Vec<Written> =
        def.fields.iter().map(|f| Written { ident: f.ident, wire: f.wire, optional: f.kind == Kind::Given }).collect();
    let debug = debug_impl(&p, name, &written);
    let serialize = serialize_impl(&p, name, &written);
    let deserialize = companion_deserialize(name, def);
    quote! {
        #doc
        #[derive(#p::std::clone::Clone, #p::std::cmp::PartialEq, #default)]
        #[allow(missing_docs)]
        #vis struct #name {
            #(#vis #idents: #types,)*
        }

        #debug
        #serialize
        #deserialize
    }
}

/// The `StructDef` and `Deserialize` of a companion type.
fn companion_deserialize(name: &Ident, def: &Companion) -> TokenStream {
    let label = name.to_string();
    let members: Vec<Ident> = def.fields.iter().map(|f| ident(f.ident)).collect();
    let wires: Vec<&str> = def.fields.iter().map(|f| f.wire).collect();
    let index = index_fn(&format_ident!("field_index"), &wires);
    let types = nest(
        def.fields
            .iter()
            .map(|f| {
                let t = &f.given;
                match f.kind {
                    Kind::Key => quote!(__p::KeyPart<#t>),
                    Kind::Given => quote!(__p::Given<#t>),
                }
            })
            .collect(),
    );
    let slots: Vec<Ident> = (0..def.fields.len()).map(|i| format_ident!("__field{i}")).collect();
    let pattern = nest(slots.iter().map(ToTokens::to_token_stream).collect());
    let deny = def.deny_unknown.then(|| {
        quote!(
            const DENY_UNKNOWN: bool = true;
        )
    });
    let refused: Vec<usize> = def.fields.iter().enumerate().filter(|(_, f)| f.refused).map(|(i, _)| i).collect();
    let refused = (!refused.is_empty()).then(|| quote!(const REFUSED: &'static [usize] = &[#(#refused),*];));
    let rules = def
        .rules
        .as_ref()
        .map(|rules| quote!(const RULES: &'static [__p::std::option::Option<&'static __p::Rules>] = #rules;));
    block(quote! {
        #[automatically_derived]
        impl __p::StructDef for #name {
            const NAME: &'static str = #label;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];
            type Fields = #types;
            #[inline]
            fn build(#pattern: <Self::Fields as __p::FieldList>::Values) -> Self {
                Self { #(#members: #slots),* }
            }
            #index
            #deny
            #refused
            #rules
        }
        #[automatically_derived]
        impl<'de> __p::serde::Deserialize<'de> for #name {
            #[inline]
            fn deserialize<D: __p::serde::Deserializer<'de>>(deserializer: D) -> __p::std::result::Result<Self, D::Error> {
                __p::deserialize_struct(deserializer)
            }
        }
    })
}

/// A family's variant: its entity (its own sort-key prefix and its tag; the partition's prefix is
/// the family's, the adapter's) and the check that an item is one of its own.
fn entity_items(meta: &KeyMeta) -> Option<TokenStream> {
    let (tag, values) = meta.entity_tag.as_ref()?;
    let (r, p) = (runtime(), private());
    let schema = &meta.schema_name;
    let own = values.first()?;
    let range_prefix = some(meta.range_prefix.as_ref().map(|t| quote!(#t)));
    Some(quote! {
        const ENTITY: #r::Entity = #r::Entity {
            schema: #schema,
            hash_prefix: #p::std::option::Option::None,
            range_prefix: #range_prefix,
            tag: #p::std::option::Option::Some((#tag, #own)),
        };
        #[inline]
        fn entity_of_item(item: &#r::Item) -> #p::std::result::Result<#r::Entity, #r::Error> {
            match #p::tag_value(item, #tag) {
                #p::std::option::Option::Some(#(#values)|*) => #p::std::result::Result::Ok(<Self as #r::Model>::ENTITY),
                _ => #p::std::result::Result::Err(#p::unknown_tag(#schema, #tag, item)),
            }
        }
    })
}

pub(super) fn model_meta(meta: &KeyMeta) -> TokenStream {
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
