//! The small pieces every emitted item is made of: types by absolute path, derive lists, serde
//! renames, doc comments and identifiers.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::Ty;
use crate::naming;

pub(super) fn some(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::daplug_runtime::__private::std::option::Option::Some(#value)),
        None => quote!(::daplug_runtime::__private::std::option::Option::None),
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
        Ty::Decimal => quote!(::daplug_runtime::Decimal),
        Ty::Bool => quote!(bool),
        Ty::Json => quote!(::daplug_runtime::__private::serde_json::Value),
        Ty::Object => quote!(
            ::daplug_runtime::__private::serde_json::Map<#std::string::String, ::daplug_runtime::__private::serde_json::Value>
        ),
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

pub(super) fn option(inner: TokenStream) -> TokenStream {
    quote!(::daplug_runtime::__private::std::option::Option<#inner>)
}

/// True when a user-written type is syntactically an `Option<...>`.
pub(super) fn is_option(t: &syn::Type) -> bool {
    match t {
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        _ => false,
    }
}

/// `#[derive(...)]` with std derives by absolute path, serde's two, and the serde crate path.
pub(super) fn derives(std_derives: &[&str], extra: &[&str]) -> TokenStream {
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

/// `#[derive(...)]` with std derives only, by absolute path.
pub(super) fn std_derives(names: &[&str]) -> TokenStream {
    let std_paths = std_paths(names.iter());
    quote!(#[derive(#(#std_paths),*)])
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

pub(super) fn rename(ident: &str, wire: &str) -> TokenStream {
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
