//! The small pieces every emitted item is made of: the runtime's paths and the `const _` block
//! (`runtime`, `private`, `hidden`), types by absolute path, derive lists, serde renames, doc
//! comments and identifiers.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Literal, Ty};
use crate::naming;
use crate::value::Value;

/// `::daplug_runtime`: generated code names the runtime by this absolute path only, so the user's
/// crate needs no other dependency and a local module called `daplug_runtime` cannot shadow it.
pub(super) fn runtime() -> TokenStream {
    quote!(::daplug_runtime)
}

/// `::daplug_runtime::__private`: what the runtime lends generated code (std, serde, serde_json, the
/// generated types' support), not public API.
pub(super) fn private() -> TokenStream {
    let runtime = runtime();
    quote!(#runtime::__private)
}

/// `items` in one `const _: () = { ... };` block (serde's `dummy.rs`), so that nothing but the types
/// lands in the user's module. With `alias`, the block spells the runtime's `__private` as `__p`
/// (`use ::daplug_runtime::__private as __p;`): the fewer tokens, the less the crate holding
/// `schema!` parses.
pub(super) fn hidden(alias: bool, items: TokenStream) -> TokenStream {
    let alias = if alias {
        let private = private();
        quote!(use #private as __p;)
    } else {
        quote!()
    };
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications)]
        const _: () = {
            #alias
            #items
        };
    }
}

pub(super) fn some(value: Option<TokenStream>) -> TokenStream {
    let p = private();
    match value {
        Some(value) => quote!(#p::std::option::Option::Some(#value)),
        None => quote!(#p::std::option::Option::None),
    }
}

/// The tokens of a type, always through absolute paths.
pub fn ty(t: &Ty) -> TokenStream {
    let p = private();
    let std = quote!(#p::std);
    match t {
        Ty::String => quote!(#std::string::String),
        Ty::I64 => quote!(i64),
        Ty::I32 => quote!(i32),
        Ty::U64 => quote!(u64),
        Ty::U32 => quote!(u32),
        Ty::F64 => quote!(f64),
        Ty::F32 => quote!(f32),
        Ty::Decimal => {
            let runtime = runtime();
            quote!(#runtime::Decimal)
        }
        Ty::Bool => quote!(bool),
        Ty::Null => quote!(()),
        Ty::Nothing => {
            let runtime = runtime();
            quote!(#runtime::Nothing)
        }
        Ty::Json => quote!(#p::serde_json::Value),
        Ty::Object => quote!(#p::serde_json::Map<#std::string::String, #p::serde_json::Value>),
        Ty::Vec(inner) => {
            let inner = ty(inner);
            quote!(#std::vec::Vec<#inner>)
        }
        Ty::Tuple(items) => {
            let items = items.iter().map(ty);
            quote!((#(#items,)*))
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
    let p = private();
    quote!(#p::std::option::Option<#inner>)
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
    let p = private();
    quote! {
        #[derive(
            #(#std_paths,)*
            #p::serde::Serialize,
            #p::serde::Deserialize,
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
    let p = private();
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
            quote!(#p::std::#module::#d)
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

/// The tokens that build `literal` (a field's `default`), through absolute paths; `__p` is the
/// runtime's `__private` where it lands.
pub(super) fn literal(l: &Literal) -> TokenStream {
    let number = |text: &str| text.parse::<TokenStream>().unwrap_or_default();
    match l {
        Literal::Str(s) => quote!(__p::std::string::String::from(#s)),
        Literal::Int(text) | Literal::Float(text) => number(text),
        Literal::Decimal(text) => {
            let runtime = runtime();
            quote!(#runtime::Decimal::from_checked(#text))
        }
        Literal::Bool(b) => quote!(#b),
        Literal::Unit => quote!(()),
        Literal::None => quote!(__p::std::option::Option::None),
        Literal::Some(inner) => {
            let inner = literal(inner);
            quote!(__p::std::option::Option::Some(#inner))
        }
        Literal::Variant { ty, variant } => {
            let (ty, variant) = (ident(ty), ident(variant));
            quote!(#ty::#variant)
        }
        Literal::Newtype { ty, inner } => {
            let (ty, inner) = (ident(ty), literal(inner));
            quote!(#ty(#inner))
        }
        Literal::List(items) => {
            let items = items.iter().map(literal);
            quote!(__p::std::vec![#(#items),*])
        }
        Literal::Tuple(items) => {
            let items = items.iter().map(literal);
            quote!((#(#items,)*))
        }
        Literal::EmptyMap => quote!(__p::std::collections::BTreeMap::new()),
        Literal::EmptyObject => quote!(__p::serde_json::Map::new()),
        Literal::Json(value) => {
            let value = json(value);
            quote!(__p::serde_json::json!(#value))
        }
    }
}

/// A spec value in `serde_json::json!`'s syntax.
fn json(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(null),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => n.text().parse::<TokenStream>().unwrap_or_default(),
        Value::String(s) => quote!(#s),
        Value::Sequence(items) => {
            let items = items.iter().map(json);
            quote!([#(#items),*])
        }
        Value::Mapping(map) => {
            let entries = map.iter().map(|(k, v)| {
                let v = json(v);
                quote!(#k: #v)
            });
            quote!({#(#entries),*})
        }
    }
}
