//! IR → tokens. The only module that writes Rust, in five files: `tokens.rs` (paths, types,
//! docs, identifiers), `types.rs` (structs, enums, aliases), `fields.rs` (the typed attribute
//! constants and index enums), `model.rs` (what a model adds: companions, the `Model` impl, item
//! conversions) and `codec.rs` (each generated type's item decoder).
//!
//! Generated code names nothing from the user's scope: std and serde are reached through
//! `::daplug_runtime::__private` (so the user's crate needs no serde dependency and a local
//! `struct String;` cannot break it), serde derives get `#[serde(crate = ...)]`, and impls sit in
//! `const _: () = { ... };` (serde's `dummy.rs`) so nothing but the types lands in the user's module.

mod codec;
mod fields;
mod model;
mod tokens;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Module, TypeDef};

pub use fields::field_constants;
pub use model::{model_items, IntoItem};
pub use tokens::{doc, ident, ty};

/// Everything `schema!` expands to.
pub fn module(module: &Module) -> TokenStream {
    let stored = module.stored_types();
    let defs = module.defs.iter().map(|def| type_def(def, stored.contains(def.name())));
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

/// One generated type with what daplug adds to it: the field constants of a struct a model stores
/// (`stored`, see [`Module::stored_types`](crate::ir::Module::stored_types)), the model surface
/// of a model struct, and the item decoder of every struct, enum and newtype.
pub fn type_def(def: &TypeDef, stored: bool) -> TokenStream {
    let item = user_type(def);
    match def {
        TypeDef::Struct(s) => {
            let fields = stored.then(|| field_constants(s));
            let model = s.model.as_ref().map(|meta| model_items(s, meta, IntoItem::From));
            let decoder = codec::struct_decoder(s);
            quote!(#item #fields #model #decoder)
        }
        TypeDef::Enum(e) => {
            let decoder = codec::serde_decoder(&e.name);
            quote!(#item #decoder)
        }
        TypeDef::Alias(a) if a.newtype => {
            let decoder = codec::serde_decoder(&a.name);
            quote!(#item #decoder)
        }
        TypeDef::Alias(_) => item,
    }
}

/// The type alone, as a user would write it by hand (the struct, enum or alias with serde's
/// derives): the compile-cost benchmark's baseline.
pub fn user_type(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => types::structure(s),
        TypeDef::Enum(e) => types::enumeration(e),
        TypeDef::Alias(a) => types::alias(a),
    }
}
