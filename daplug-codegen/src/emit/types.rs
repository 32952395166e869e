//! The user-visible types: structs, enums (strings, integers, `oneOf`) and aliases, with serde's
//! derives and attributes, or, for what `schema!` writes through the runtime (`impls.rs`), without.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::tokens::{derives, doc, ident, option, rename, std_derives, ty};
use crate::ir::{Alias, Enum, EnumKind, Field, IntVariant, Struct, Variant};

/// How a struct or string enum gets its `Debug`, `Serialize` and `Deserialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Impls {
    /// Derived, with serde's attributes: as a user writes the type by hand.
    Derived,
    /// Written by `impls.rs`: the type carries only the std derives that are `#[inline]` already.
    Generated,
}

pub(super) fn structure(s: &Struct, impls: Impls) -> TokenStream {
    let name = ident(&s.name);
    let doc = doc(&s.doc);
    let derives = match impls {
        Impls::Derived => derives(&["Debug", "Clone", "PartialEq"], &[]),
        Impls::Generated => std_derives(&["Clone", "PartialEq"]),
    };
    let fields = s.fields.iter().map(|f| {
        let t = ty(&f.ty);
        match impls {
            // The hand-written baseline reads a field with a default as an `Option`.
            Impls::Derived => {
                let optional = f.optional || f.default.is_some();
                field(f, if optional { option(t) } else { t }, optional, &quote!(pub))
            }
            Impls::Generated => bare_field(f, if f.optional { option(t) } else { t }),
        }
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

/// A field without serde's attributes (its wire name and optionality are in `StructDef`).
fn bare_field(f: &Field, ty: TokenStream) -> TokenStream {
    let name = ident(&f.ident);
    let doc = f.doc.as_deref().map(doc);
    quote! {
        #doc
        pub #name: #ty,
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

/// An enum; `impls` applies to string enums (the others always derive).
pub(super) fn enumeration(e: &Enum, impls: Impls) -> TokenStream {
    let name = ident(&e.name);
    let doc = doc(&e.doc);
    match &e.kind {
        EnumKind::Strings(variants) => string_enum(&name, &doc, variants, impls),
        EnumKind::Integers(variants) => integer_enum(&name, &doc, variants),
        EnumKind::OneOf { tag, alternatives } => {
            // A tagged union's serde impls are the runtime's (`unions.rs`), except in the
            // hand-written twin, which says what a user would write: serde's internal tagging.
            let (derives, repr) = match (tag, impls) {
                (Some(_), Impls::Generated) => (std_derives(&["Debug", "Clone", "PartialEq"]), quote!()),
                (Some(tag), Impls::Derived) => {
                    (derives(&["Debug", "Clone", "PartialEq"], &[]), quote!(#[serde(tag = #tag)]))
                }
                (None, _) => (derives(&["Debug", "Clone", "PartialEq"], &[]), quote!(#[serde(untagged)])),
            };
            let variants = alternatives.iter().map(|a| {
                let variant = ident(&a.ident);
                let t = ty(&a.ty);
                let rename = match a.tags.first() {
                    Some(value) if tag.is_some() && impls == Impls::Derived => rename(&a.ident, value),
                    _ => quote!(),
                };
                let text = match &a.doc {
                    Some(more) => format!("A [`{}`] value.\n\n{more}", a.ident),
                    None if a.tags.is_empty() => format!("A [`{}`] value.", a.ident),
                    None => {
                        let tags: Vec<String> = a.tags.iter().map(|t| format!("`{t}`")).collect();
                        format!("A [`{}`] value (tagged {}).", a.ident, tags.join(", "))
                    }
                };
                let doc = crate::emit::doc(&text);
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

fn string_enum(name: &Ident, doc: &TokenStream, variants: &[Variant], impls: Impls) -> TokenStream {
    const STD: [&str; 5] = ["Clone", "Copy", "PartialEq", "Eq", "Hash"];
    let derives = match impls {
        Impls::Derived => derives(&["Debug"], &STD),
        Impls::Generated => std_derives(&STD),
    };
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let doc = crate::emit::doc(&format!("`{}`", v.wire));
        let rename = match impls {
            Impls::Derived => rename(&v.ident, &v.wire),
            Impls::Generated => quote!(),
        };
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

/// A type alias, or a newtype where one is needed (`checked`: its `Deserialize` is written apart,
/// through its rules; the hand-written baseline derives it).
pub(super) fn alias(a: &Alias, checked: bool) -> TokenStream {
    let name = ident(&a.name);
    let doc = doc(&a.doc);
    let t = ty(&a.ty);
    if a.newtype && checked && a.rules.is_some() {
        // Read through its rules (`emit/rules.rs`), so serde's `Deserialize` is written there.
        let derives = std_derives(&["Debug", "Clone", "PartialEq"]);
        let p = super::tokens::private();
        return quote! {
            #doc
            #derives
            #[derive(#p::serde::Serialize)]
            #[serde(crate = "::daplug_runtime::__private::serde", transparent)]
            pub struct #name(pub #t);
        };
    }
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
