//! IR → tokens. The only module that writes Rust.
//!
//! Generated code names nothing from the user's scope: std and serde are reached through
//! `::daplug_runtime::__private` (so the user's crate needs no serde dependency and a local
//! `struct String;` cannot break it), serde derives get `#[serde(crate = ...)]`, and impls sit in
//! `const _: () = { ... };` (serde's `dummy.rs`) so nothing but the types lands in the user's module.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Alias, Enum, EnumKind, Field, IntVariant, KeyAttr, KeyMeta, KeyType, Module, Struct, Ty, TypeDef};
use crate::naming;

/// Everything `schema!` expands to.
pub fn module(module: &Module) -> TokenStream {
    let defs = module.defs.iter().map(type_def);
    let include = module.includes.iter().map(|path| {
        quote! {
            const _: &str = ::daplug_runtime::__private::std::include_str!(#path);
        }
    });
    quote! {
        #(#defs)*
        #(#include)*
    }
}

/// One generated type, plus the model surface for model structs.
pub fn type_def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => {
            let model = s.model.as_ref().map(|meta| model_items(s, meta, IntoItem::From));
            let item = structure(s);
            quote!(#item #model)
        }
        TypeDef::Enum(e) => enumeration(e),
        TypeDef::Alias(a) => alias(a),
    }
}

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
        (quote!(), quote!(::daplug_runtime::__private::serde_json::Value))
    } else {
        let key_fields: Vec<CompanionField> = keys
            .iter()
            .map(|k| CompanionField { ident: &k.ident, wire: &k.attr.wire, ty: ty(&k.ty), optional: false })
            .collect();
        let key_doc = format!("The primary key of [`{}`].", s.name);
        (companion(&key_name, &key_doc, &vis, &key_fields, false), quote!(#key_name))
    };
    let meta = model_meta(meta);
    let to_item = match into_item {
        IntoItem::From => quote! {
            #[automatically_derived]
            impl ::daplug_runtime::__private::std::convert::From<#name> for ::daplug_runtime::Item {
                #[inline]
                fn from(model: #name) -> Self {
                    ::daplug_runtime::__private::generated_item(&model)
                }
            }
        },
        IntoItem::TryFrom => quote! {
            #[automatically_derived]
            impl ::daplug_runtime::__private::std::convert::TryFrom<#name> for ::daplug_runtime::Item {
                type Error = ::daplug_runtime::Error;

                #[inline]
                fn try_from(model: #name) -> ::daplug_runtime::__private::std::result::Result<Self, Self::Error> {
                    <#name as ::daplug_runtime::Model>::to_item(&model)
                }
            }
        },
    };
    quote! {
        #key_item
        #patch_item

        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications)]
        const _: () = {
            #[automatically_derived]
            impl ::daplug_runtime::Model for #name {
                type Key = #key_ty;
                type Patch = #patch_name;
                const META: ::daplug_runtime::ModelMeta = #meta;
            }

            #to_item

            #[automatically_derived]
            impl ::daplug_runtime::__private::std::convert::TryFrom<::daplug_runtime::Item> for #name {
                type Error = ::daplug_runtime::Error;

                #[inline]
                fn try_from(item: ::daplug_runtime::Item) -> ::daplug_runtime::__private::std::result::Result<Self, Self::Error> {
                    <#name as ::daplug_runtime::Model>::from_item(item)
                }
            }
        };
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
    let std = quote!(::daplug_runtime::__private::std);
    let serde = quote!(::daplug_runtime::__private::serde);
    let doc = doc(doc_text);
    let default = default.then(|| quote!(#std::default::Default,));
    let idents: Vec<Ident> = fields.iter().map(|f| ident(f.ident)).collect();
    let types = fields.iter().map(|f| &f.ty);
    let label = name.to_string();
    let shown = fields.iter().map(|f| f.ident.strip_prefix("r#").unwrap_or(f.ident));
    let len = fields.len();
    let writes = fields.iter().zip(&idents).map(|(f, member)| {
        let wire = f.wire;
        if f.optional {
            quote!(.optional(#wire, &self.#member))
        } else {
            quote!(.field(#wire, &self.#member))
        }
    });
    quote! {
        #doc
        #[derive(#std::clone::Clone, #std::cmp::PartialEq, #default)]
        #[allow(missing_docs)]
        #vis struct #name {
            #(#vis #idents: #types,)*
        }

        #[automatically_derived]
        impl #std::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, f: &mut #std::fmt::Formatter<'_>) -> #std::fmt::Result {
                f.debug_struct(#label) #(.field(#shown, &self.#idents))* .finish()
            }
        }

        #[automatically_derived]
        impl #serde::Serialize for #name {
            #[inline]
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> #std::result::Result<S::Ok, S::Error> {
                ::daplug_runtime::__private::fields(serializer, #label, #len) #(#writes)* .end()
            }
        }
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
    let indexes = meta.indexes.iter().map(|index| {
        let name = &index.name;
        let hash_key = key_attribute(&index.hash_key);
        let range_key = key(index.range_key.as_ref());
        quote! {
            ::daplug_runtime::IndexMeta {
                name: #name,
                hash_key: #hash_key,
                range_key: #range_key,
            }
        }
    });
    quote! {
        ::daplug_runtime::ModelMeta {
            schema: #schema,
            hash_key: #hash_key,
            range_key: #range_key,
            hash_prefix: #hash_prefix,
            range_prefix: #range_prefix,
            idempotence_key: #idempotence_key,
            indexes: &[#(#indexes),*],
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
    quote! {
        ::daplug_runtime::KeyAttribute {
            name: #name,
            key_type: ::daplug_runtime::KeyType::#key_type,
        }
    }
}

fn some(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::daplug_runtime::__private::std::option::Option::Some(#value)),
        None => quote!(::daplug_runtime::__private::std::option::Option::None),
    }
}

fn structure(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let doc = doc(&s.doc);
    let derives = derives(&["Debug", "Clone", "PartialEq"], &[]);
    let fields = s.fields.iter().map(|f| {
        let t = ty(&f.ty);
        field(f, if f.optional { option(t) } else { t }, f.optional, &quote!(pub))
    });
    quote! {
        #doc
        #derives
        #[allow(missing_docs)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(f: &Field, ty: TokenStream, optional: bool, vis: &TokenStream) -> TokenStream {
    let name = ident(&f.ident);
    let doc = f.doc.as_deref().map(doc);
    let rename = rename(&f.ident, &f.wire_name);
    let skip = optional.then(|| {
        quote! {
            #[serde(default, skip_serializing_if = "::daplug_runtime::__private::std::option::Option::is_none")]
        }
    });
    quote! {
        #doc
        #rename
        #skip
        #vis #name: #ty,
    }
}

fn enumeration(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let doc = doc(&e.doc);
    match &e.kind {
        EnumKind::Strings(variants) => {
            let derives = derives(&["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"], &[]);
            let variants = variants.iter().map(|v| {
                let variant = ident(&v.ident);
                let doc = crate::emit::doc(&format!("`{}`", v.wire));
                let rename = rename(&v.ident, &v.wire);
                quote!(#doc #rename #variant,)
            });
            quote! {
                #doc
                #derives
                #[allow(clippy::enum_variant_names)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        EnumKind::Integers(variants) => integer_enum(&name, &doc, variants),
        EnumKind::OneOf { tag, alternatives } => {
            let derives = derives(&["Debug", "Clone", "PartialEq"], &[]);
            let repr = match tag {
                Some(tag) => quote!(#[serde(tag = #tag)]),
                None => quote!(#[serde(untagged)]),
            };
            let variants = alternatives.iter().map(|a| {
                let variant = ident(&a.ident);
                let t = ty(&a.ty);
                let rename = match &a.tag_value {
                    Some(value) if tag.is_some() => rename(&a.ident, value),
                    _ => quote!(),
                };
                let doc = crate::emit::doc(&format!("A [`{}`] value.", a.ident));
                quote!(#doc #rename #variant(#t),)
            });
            quote! {
                #doc
                #derives
                #repr
                #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
    }
}

/// An integer enum: serialised as its number, and any other number is an error when read (through
/// `TryFrom<i64>`, whose message lists the allowed values).
fn integer_enum(name: &Ident, doc: &TokenStream, variants: &[IntVariant]) -> TokenStream {
    let std = quote!(::daplug_runtime::__private::std);
    let derives = derives(&["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"], &[]);
    let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.ident)).collect();
    let values: Vec<i64> = variants.iter().map(|v| v.value).collect();
    let docs = variants.iter().map(|v| {
        let text = match &v.doc {
            Some(d) => format!("`{}`: {d}", v.value),
            None => format!("`{}`", v.value),
        };
        crate::emit::doc(&text)
    });
    let allowed = values.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let message = format!("invalid value {{}}, expected one of {allowed}");
    quote! {
        #doc
        #derives
        #[serde(try_from = "i64", into = "i64")]
        #[repr(i64)]
        pub enum #name {
            #(#docs #idents = #values,)*
        }

        #[automatically_derived]
        impl #std::convert::From<#name> for i64 {
            fn from(value: #name) -> i64 {
                value as i64
            }
        }

        #[automatically_derived]
        impl #std::convert::TryFrom<i64> for #name {
            type Error = #std::string::String;

            fn try_from(value: i64) -> #std::result::Result<Self, Self::Error> {
                match value {
                    #(#values => #std::result::Result::Ok(Self::#idents),)*
                    other => #std::result::Result::Err(#std::format!(#message, other)),
                }
            }
        }
    }
}

fn alias(a: &Alias) -> TokenStream {
    let name = ident(&a.name);
    let doc = doc(&a.doc);
    let t = ty(&a.ty);
    if a.newtype {
        let derives = derives(&["Debug", "Clone", "PartialEq"], &[]);
        return quote! {
            #doc
            #derives
            #[serde(transparent)]
            pub struct #name(pub #t);
        };
    }
    quote! {
        #doc
        pub type #name = #t;
    }
}

/// The tokens of a type, always through absolute paths.
pub fn ty(t: &Ty) -> TokenStream {
    let std = quote!(::daplug_runtime::__private::std);
    match t {
        Ty::String => quote!(#std::string::String),
        Ty::I64 => quote!(i64),
        Ty::I32 => quote!(i32),
        Ty::F64 => quote!(f64),
        Ty::F32 => quote!(f32),
        Ty::Bool => quote!(bool),
        Ty::Json => quote!(::daplug_runtime::__private::serde_json::Value),
        Ty::Vec(inner) => {
            let inner = ty(inner);
            quote!(#std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty(inner);
            quote!(#std::collections::BTreeMap<#std::string::String, #inner>)
        }
        Ty::Option(inner) => option(ty(inner)),
        Ty::Boxed(inner) => {
            let inner = ty(inner);
            quote!(#std::boxed::Box<#inner>)
        }
        Ty::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        Ty::Rust(t) => quote!(#t),
    }
}

fn option(inner: TokenStream) -> TokenStream {
    quote!(::daplug_runtime::__private::std::option::Option<#inner>)
}

/// True when a user-written type is syntactically an `Option<...>`.
fn is_option(t: &syn::Type) -> bool {
    match t {
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        _ => false,
    }
}

/// `#[derive(...)]` with std derives by absolute path, serde's two, and the serde crate path.
fn derives(std_derives: &[&str], extra: &[&str]) -> TokenStream {
    let std_paths = std_paths(std_derives.iter().chain(extra));
    quote! {
        #[derive(
            #(#std_paths,)*
            ::daplug_runtime::__private::serde::Serialize,
            ::daplug_runtime::__private::serde::Deserialize,
        )]
        #[serde(crate = "::daplug_runtime::__private::serde")]
    }
}

fn std_paths<'a>(names: impl Iterator<Item = &'a &'a str>) -> Vec<TokenStream> {
    names
        .map(|d| {
            let module = match *d {
                "Debug" => quote!(fmt),
                "Clone" => quote!(clone),
                "Copy" => quote!(marker),
                "Hash" => quote!(hash),
                "Default" => quote!(default),
                _ => quote!(cmp),
            };
            let d = ident(d);
            quote!(::daplug_runtime::__private::std::#module::#d)
        })
        .collect()
}

fn rename(ident: &str, wire: &str) -> TokenStream {
    let bare = ident.strip_prefix("r#").unwrap_or(ident);
    if naming::needs_rename(bare, wire) {
        quote!(#[serde(rename = #wire)])
    } else {
        quote!()
    }
}

/// `#[doc = "..."]` lines (one per source line, with rustdoc's customary leading space).
pub fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|line| {
        let line = format!(" {line}");
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Spec descriptions as rustdoc reads them cleanly: tabs become spaces, and a line that continues a
/// Markdown list item is indented to that item's text (specs often leave it flush left, or indent it
/// further, which rustdoc renders oddly and clippy's doc lints reject in generated code).
fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut item_indent: Option<usize> = None;
    for line in text.lines() {
        let line = line.replace('\t', "    ");
        let line = line.trim_end();
        let content = line.trim_start();
        if content.is_empty() {
            item_indent = None;
            out.push(String::new());
        } else if let Some(marker) = list_marker_width(content) {
            // One space after the marker, so the item's text starts where its continuation lines do.
            let lead = &line[..line.len() - content.len()];
            let (mark, text) = content.split_at(marker - 1);
            item_indent = Some(lead.len() + marker);
            out.push(format!("{lead}{mark} {}", text.trim_start()));
        } else if let Some(indent) = item_indent {
            out.push(format!("{}{content}", " ".repeat(indent)));
        } else {
            out.push(line.to_owned());
        }
    }
    out
}

/// The width of a Markdown list marker with its space (`- `, `* `, `+ `, `12. `), if the line starts with one.
fn list_marker_width(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

/// An identifier from a generated or user-written name (`r#type` stays raw).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}
