//! The std and serde impls of the structs and string enums `schema!` generates, written as calls
//! into the runtime's generic code (`daplug_runtime`'s `support` module) instead of derived.
//!
//! Why: the crate holding `schema!` parses, type-checks and borrow-checks every body it holds,
//! used or not, and a derived `fmt` is compiled there even if nothing prints the type. serde's
//! derived `Deserialize` is a field enum, two visitors and a branch per field; here a struct
//! describes itself once (`StructDef`: its name, its fields' wire names and types) and its
//! `Deserialize`, item decoder, `Serialize` and `Debug` are one call each, `#[inline]` or generic,
//! so their code is generated where a type is used. The behaviour is the derive's (the runtime's
//! tests compare both); the hand-written twin of the compile-cost benchmark keeps the derives
//! (`types.rs`), as a user would write them.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::tokens::{hidden, ident, ty};
use crate::ir::{self, Struct, Variant};

/// Everything in one `const _` block where the runtime's `__private` is spelt `__p` (`hidden`).
pub(super) fn block(items: TokenStream) -> TokenStream {
    hidden(true, items)
}

/// `StructDef`, `Deserialize`, `Serialize`, `Debug` and the item decoder (`Decode`) of a struct.
pub(super) fn structure(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let members: Vec<Ident> = s.fields.iter().map(|f| ident(&f.ident)).collect();
    let wires: Vec<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).collect();
    let index = index_fn(&format_ident!("field_index"), &wires);
    let types = nest(
        s.fields
            .iter()
            .map(|f| {
                let t = ty(&f.ty);
                // A field with a default is read as optional, then filled (`build`).
                if f.optional || f.default.is_some() {
                    quote!(__p::Optional<#t>)
                } else {
                    quote!(__p::Required<#t>)
                }
            })
            .collect(),
    );
    let slots: Vec<Ident> = (0..s.fields.len()).map(|i| format_ident!("__field{i}")).collect();
    let pattern = nest(slots.iter().map(ToTokens::to_token_stream).collect());
    let values = s.fields.iter().zip(&slots).map(|(f, slot)| match &f.default {
        // As clippy would have it written: a constant as is, an empty collection as its
        // `Default`, anything that allocates only when needed.
        Some(ir::Literal::EmptyMap | ir::Literal::EmptyObject) => quote!(#slot.unwrap_or_default()),
        Some(ir::Literal::List(items)) if items.is_empty() => quote!(#slot.unwrap_or_default()),
        Some(default) if is_constant(default) => {
            let default = super::tokens::literal(default);
            quote!(#slot.unwrap_or(#default))
        }
        Some(default) => {
            let default = super::tokens::literal(default);
            quote!(#slot.unwrap_or_else(|| #default))
        }
        None => slot.to_token_stream(),
    });
    let written: Vec<Written> =
        s.fields.iter().map(|f| Written { ident: &f.ident, wire: &f.wire_name, optional: f.optional }).collect();
    let p = quote!(__p);
    let deny = s.deny_unknown.then(|| {
        quote!(
            const DENY_UNKNOWN: bool = true;
        )
    });
    let serialize = serialize_impl(&p, &name, &written);
    let debug = debug_impl(&p, &name, &written);
    let rules = super::rules::struct_rules(s);
    let validate = super::rules::validate_struct(s);
    block(quote! {
        #[automatically_derived]
        impl __p::StructDef for #name {
            const NAME: &'static str = #label;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];
            type Fields = #types;
            #[inline]
            fn build(#pattern: <Self::Fields as __p::FieldList>::Values) -> Self {
                Self { #(#members: #values),* }
            }
            #index
            #deny
            #rules
        }
        #[automatically_derived]
        impl<'de> __p::serde::Deserialize<'de> for #name {
            #[inline]
            fn deserialize<D: __p::serde::Deserializer<'de>>(deserializer: D) -> __p::std::result::Result<Self, D::Error> {
                __p::deserialize_struct(deserializer)
            }
        }
        #serialize
        #[automatically_derived]
        impl __p::Decode for #name {
            #[inline]
            fn decode(value: __p::AttributeValue, depth: usize) -> __p::std::result::Result<Self, __p::DecodeError> {
                __p::decode_struct(value, depth)
            }
        }
        #debug
        #validate
    })
}

/// A field as `Debug` and `Serialize` see it: its Rust name, its wire name, and whether it is
/// written only when `Some`.
pub(super) struct Written<'a> {
    pub(super) ident: &'a str,
    pub(super) wire: &'a str,
    pub(super) optional: bool,
}

/// `Debug` as the derive prints a struct (`Name { field: value, .. }`), `#[inline]`; `p` is how
/// the runtime's `__private` is spelt where it lands. Also the companions' (`model.rs`).
pub(super) fn debug_impl(p: &TokenStream, name: &Ident, fields: &[Written]) -> TokenStream {
    let label = name.to_string();
    let members = fields.iter().map(|f| ident(f.ident));
    let shown = fields.iter().map(|f| f.ident.strip_prefix("r#").unwrap_or(f.ident));
    quote! {
        #[automatically_derived]
        impl #p::std::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, f: &mut #p::std::fmt::Formatter<'_>) -> #p::std::fmt::Result {
                f.debug_struct(#label) #(.field(#shown, &self.#members))* .finish()
            }
        }
    }
}

/// `Serialize` as the derive writes a struct (optional fields skipped when `None`, the count of the
/// fields written handed to `serialize_struct`), as a chain of calls into the runtime's `fields`.
/// Also the companions' (`model.rs`).
pub(super) fn serialize_impl(p: &TokenStream, name: &Ident, fields: &[Written]) -> TokenStream {
    let label = name.to_string();
    let members: Vec<Ident> = fields.iter().map(|f| ident(f.ident)).collect();
    let required = fields.iter().filter(|f| !f.optional).count();
    let present = fields.iter().zip(&members).filter(|(f, _)| f.optional).map(|(_, m)| quote!(self.#m.is_some()));
    let writes = fields.iter().zip(&members).map(|(f, member)| {
        let wire = f.wire;
        if f.optional {
            quote!(.optional(#wire, &self.#member))
        } else {
            quote!(.field(#wire, &self.#member))
        }
    });
    quote! {
        #[automatically_derived]
        impl #p::serde::Serialize for #name {
            #[inline]
            fn serialize<S: #p::serde::Serializer>(&self, serializer: S) -> #p::std::result::Result<S::Ok, S::Error> {
                #p::fields(serializer, #label, #required, &[#(#present),*]) #(#writes)* .end()
            }
        }
    }
}

/// `fn <name>(key: &[u8]) -> Option<usize>`: the position of the wire name `key` among `wires`, as a
/// `match` (a switch on the length and word compares once compiled, where a table would be scanned).
pub(super) fn index_fn(name: &Ident, wires: &[&str]) -> TokenStream {
    if wires.is_empty() {
        return quote! {
            #[inline]
            fn #name(_: &[u8]) -> __p::std::option::Option<usize> {
                __p::std::option::Option::None
            }
        };
    }
    let keys = wires.iter().map(|wire| Literal::byte_string(wire.as_bytes()));
    let positions = 0..wires.len();
    quote! {
        #[inline]
        fn #name(key: &[u8]) -> __p::std::option::Option<usize> {
            __p::std::option::Option::Some(match key {
                #(#keys => #positions,)*
                _ => return __p::std::option::Option::None,
            })
        }
    }
}

/// A tuple of `items`, as tuples of at most eight (the runtime's field-list tuples): a struct's
/// fields' types and the pattern of their values take the same shape.
pub(super) fn nest(items: Vec<TokenStream>) -> TokenStream {
    if items.len() <= 8 {
        return quote!((#(#items,)*));
    }
    nest(items.chunks(8).map(|chunk| quote!((#(#chunk,)*))).collect())
}

/// `UnitEnum`, `Deserialize`, `Serialize`, `Debug`, `Display` and `FromStr` (the wire text), `as_str`
/// and the item decoder of a string enum.
pub(super) fn unit_enum(name: &str, variants: &[Variant]) -> TokenStream {
    let label = name;
    let name = ident(name);
    let idents: Vec<Ident> = variants.iter().map(|v| ident(&v.ident)).collect();
    let shown = variants.iter().map(|v| v.ident.strip_prefix("r#").unwrap_or(&v.ident));
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    let index = index_fn(&format_ident!("variant_index"), &wires);
    block(quote! {
        #[automatically_derived]
        impl __p::UnitEnum for #name {
            const NAME: &'static str = #label;
            const VARIANTS: &'static [&'static str] = &[#(#wires),*];
            const IDENTS: &'static [&'static str] = &[#(#shown),*];
            const ALL: &'static [Self] = &[#(Self::#idents),*];
            #[inline]
            fn index(self) -> usize {
                self as usize
            }
            #index
        }
        #[automatically_derived]
        impl<'de> __p::serde::Deserialize<'de> for #name {
            #[inline]
            fn deserialize<D: __p::serde::Deserializer<'de>>(deserializer: D) -> __p::std::result::Result<Self, D::Error> {
                __p::deserialize_unit_enum(deserializer)
            }
        }
        #[automatically_derived]
        impl __p::serde::Serialize for #name {
            #[inline]
            fn serialize<S: __p::serde::Serializer>(&self, serializer: S) -> __p::std::result::Result<S::Ok, S::Error> {
                __p::serialize_unit_enum(*self, serializer)
            }
        }
        #[automatically_derived]
        impl __p::Decode for #name {
            #[inline]
            fn decode(value: __p::AttributeValue, depth: usize) -> __p::std::result::Result<Self, __p::DecodeError> {
                __p::serde_decode(value, depth)
            }
        }
        #[automatically_derived]
        impl __p::std::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, f: &mut __p::std::fmt::Formatter<'_>) -> __p::std::fmt::Result {
                __p::debug_unit_enum(*self, f)
            }
        }
        #[automatically_derived]
        impl __p::std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut __p::std::fmt::Formatter<'_>) -> __p::std::fmt::Result {
                __p::display_unit_enum(*self, f)
            }
        }
        #[automatically_derived]
        impl __p::std::str::FromStr for #name {
            type Err = ::daplug_runtime::UnknownVariant;
            #[inline]
            fn from_str(text: &str) -> __p::std::result::Result<Self, Self::Err> {
                __p::parse_unit_enum(text)
            }
        }
        impl #name {
            /// The variant's wire text (what it is written as, and what `FromStr` reads).
            #[inline]
            pub fn as_str(self) -> &'static str {
                __p::unit_text(self)
            }
        }
    })
}

/// A literal that costs nothing to build (no allocation): passed to `unwrap_or` directly.
fn is_constant(literal: &ir::Literal) -> bool {
    match literal {
        ir::Literal::Int(_)
        | ir::Literal::Float(_)
        | ir::Literal::Bool(_)
        | ir::Literal::Unit
        | ir::Literal::None
        | ir::Literal::Variant { .. } => true,
        ir::Literal::Some(inner) | ir::Literal::Newtype { inner, .. } => is_constant(inner),
        ir::Literal::Tuple(items) => items.iter().all(is_constant),
        _ => false,
    }
}
