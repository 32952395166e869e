//! `#[derive(DaplugModel)]` on an enum: a hand-written family, as `schema!` makes one of a
//! discriminated union with `x-daplug`.
//!
//! ```text
//! #[derive(Serialize, Deserialize, DaplugModel)]
//! #[serde(tag = "kind")]
//! enum OrderPart {
//!     #[serde(rename = "order")]
//!     Order(Order),
//!     #[serde(rename = "line")]
//!     LineItem(LineItem),
//! }
//! ```
//!
//! Each variant holds one struct that is a model of its own (`#[derive(DaplugModel)]` with the
//! family's keys, `#[daplug(tag = "kind", tag_value = "line")]` and its sort-key prefix). The enum's
//! keys and lock attribute are its first variant's, its indexes every variant's; its key, patch and parts types and its
//! `Model` impl are written by the same code as `schema!`'s (`emit::family_model`). What only the
//! compiler can see (each variant's tag and prefix, declared on its struct) is checked at compile
//! time by constant assertions: every variant tagged as the enum names it, and sort-key prefixes on
//! every variant or none, none starting with another's.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::LitStr;

use crate::serde_attr::RenameRule;
use crate::syn_util::skip_meta_value;
use daplug_codegen::emit::{self, FamilyTokens, MemberTokens};
use daplug_codegen::ir::Errors;

/// The enum's serde container attributes that shape the family: its tag and its variants' renames.
#[derive(Default)]
struct SerdeEnum {
    tag: Option<String>,
    rename_all: Option<RenameRule>,
}

impl SerdeEnum {
    fn read(attrs: &[syn::Attribute], errors: &mut Errors) -> SerdeEnum {
        let mut out = SerdeEnum::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            // serde reports its own malformed attributes.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("tag") && meta.input.peek(syn::Token![=]) {
                    out.tag = Some(meta.value()?.parse::<LitStr>()?.value());
                    return Ok(());
                }
                if meta.path.is_ident("rename_all") && meta.input.peek(syn::Token![=]) {
                    let lit = meta.value()?.parse::<LitStr>()?;
                    match RenameRule::parse(&lit.value()) {
                        Some(rule) => out.rename_all = Some(rule),
                        None => errors.push(syn::Error::new(lit.span(), "unknown rename_all rule")),
                    }
                    return Ok(());
                }
                skip_meta_value(&meta)
            });
        }
        out
    }
}

/// A variant's `#[serde(rename = "...")]`.
fn variant_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") && meta.input.peek(syn::Token![=]) {
                rename = Some(meta.value()?.parse::<LitStr>()?.value());
                return Ok(());
            }
            skip_meta_value(&meta)
        });
    }
    rename
}

/// The derive on an enum.
pub fn expand(input: &syn::DeriveInput, data: &syn::DataEnum) -> syn::Result<TokenStream> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(&input.generics, "DaplugModel does not support generic enums"));
    }
    let mut errors = Errors::default();
    let serde = SerdeEnum::read(&input.attrs, &mut errors);
    let Some(tag) = serde.tag else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "DaplugModel on an enum makes a family (several entity types in one table), read back by its tag: \
             add `#[serde(tag = \"...\")]`",
        ));
    };
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("daplug")) {
        errors.push(syn::Error::new_spanned(
            attr,
            "a derived family takes its keys, prefixes and indexes from its variants' structs: put `#[daplug(...)]` \
             there",
        ));
    }
    if data.variants.is_empty() {
        errors.push(syn::Error::new_spanned(&input.ident, "a family needs at least one variant"));
    }
    let name = &input.ident;
    let mut members = Vec::new();
    for variant in &data.variants {
        let model = match &variant.fields {
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => fields.unnamed[0].ty.clone(),
            _ => {
                errors.push(syn::Error::new_spanned(
                    variant,
                    format!(
                        "variant `{}` of a family holds one model (`{0}({0})`): a struct with \
                         `#[derive(DaplugModel)]` and the family's keys",
                        variant.ident
                    ),
                ));
                continue;
            }
        };
        let ident = variant.ident.to_string();
        let tag_value = variant_rename(&variant.attrs)
            .unwrap_or_else(|| serde.rename_all.map_or_else(|| ident.clone(), |rule| rule.apply_to_variant(&ident)));
        let parts_field = format_ident!("{}", RenameRule::Snake.apply_to_variant(&ident));
        members.push(MemberTokens {
            variant: variant.ident.clone(),
            key: quote!(<#model as ::daplug_runtime::Model>::Key),
            patch: quote!(<#model as ::daplug_runtime::Model>::Patch),
            model: quote!(#model),
            parts_field,
            tags: vec![tag_value],
        });
    }
    errors.finish(())?;
    let r = quote!(::daplug_runtime);
    let first = &members[0].model;
    let schema = name.to_string();
    // The variants' indexes, each once: the table is created with all of them.
    let lists = members.iter().map(|m| {
        let model = &m.model;
        quote!(<#model as #r::Model>::META.indexes)
    });
    let meta = quote! {
        #r::ModelMeta {
            schema: #schema,
            range_prefix: ::daplug_runtime::__private::std::option::Option::None,
            indexes: {
                const LISTS: &[&[#r::IndexMeta]] = &[#(#lists),*];
                const COUNT: usize = ::daplug_runtime::__private::distinct_indexes(LISTS);
                const INDEXES: [#r::IndexMeta; COUNT] = ::daplug_runtime::__private::merge_indexes::<COUNT>(LISTS);
                &INDEXES
            },
            ..<#first as #r::Model>::META
        }
    };
    // What the variants' structs declare, checked where the compiler knows it.
    let checks = members.iter().map(|m| {
        let (model, value) = (&m.model, &m.tags[0]);
        let message = format!(
            "DaplugModel `{name}`: variant `{}` must be a model tagged `{tag} = \"{value}\"`: add #[daplug(tag = \"{tag}\", \
             tag_value = \"{value}\")] to its struct",
            m.variant
        );
        quote! {
            const _: () = ::daplug_runtime::__private::std::assert!(
                ::daplug_runtime::__private::entity_tagged(<#model as #r::Model>::ENTITY, #tag, #value),
                #message
            );
        }
    });
    let models = members.iter().map(|m| &m.model);
    let overlap = format!(
        "DaplugModel `{name}`: its variants' sort-key prefixes must keep their queries apart: a prefix on every \
         variant or none, none starting with another's (`LINE#` and `LINE#X` overlap)"
    );
    let extra = quote! {
        #(#checks)*
        const _: () = ::daplug_runtime::__private::std::assert!(
            ::daplug_runtime::__private::family_prefixes_ok(&[#(<#models as #r::Model>::ENTITY.range_prefix),*]),
            #overlap
        );
    };
    let key_names = format_ident!("{name}Key");
    Ok(emit::family_model(&FamilyTokens {
        name: name.clone(),
        key: key_names,
        patch: format_ident!("{name}Patch"),
        parts: format_ident!("{name}Parts"),
        schema: schema.clone(),
        tag,
        meta,
        decode: quote!(::daplug_runtime::__private::serde_model(item)),
        model_extra: TokenStream::new(),
        key_derives: TokenStream::new(),
        parts_derives: quote!(#[derive(::daplug_runtime::__private::std::default::Default)]),
        extra,
        members,
    }))
}
