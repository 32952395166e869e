//! IR → tokens. The only module that writes Rust: `tokens.rs` (paths, types, docs, identifiers),
//! `types.rs` (structs, enums, aliases), `impls.rs` (the `Debug`, `Serialize`, `Deserialize` and
//! item decoder of structs and string enums, through the runtime's generic code), `fields.rs` (the
//! typed attribute constants and index enums), `model.rs` (what a model adds: companions, the
//! `Model` impl, item conversions), `family.rs` (what a family adds to its union: the key and
//! patch enums, the union's `Model` impl) and `codec.rs` (the item decoder of the other types).
//!
//! Generated code names nothing from the user's scope: std and serde are reached through
//! `::daplug_runtime::__private` (`tokens::private`, so the user's crate needs no serde dependency
//! and a local `struct String;` cannot break it), serde derives get `#[serde(crate = ...)]`, and
//! impls sit in `const _: () = { ... };` (`tokens::hidden`, serde's `dummy.rs`) so nothing but the
//! types lands in the user's module.

mod codec;
mod family;
mod fields;
mod impls;
mod model;
mod rules;
mod tokens;
mod types;
mod unions;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{EnumKind, Module, TypeDef};
use types::Impls;

pub use family::{family_model, FamilyTokens, MemberTokens};
pub use fields::field_constants;
pub use model::{derived_companions, model_items, IntoItem};
pub use tokens::{doc, ident, ty};

/// Everything `schema!` expands to.
pub fn module(module: &Module) -> TokenStream {
    let stored = module.stored_types();
    let defs = module.defs.iter().map(|def| type_def(def, stored.contains(def.name())));
    let families = module.families.iter().map(|f| {
        let validates = matches!(module.get(&f.name), Some(TypeDef::Enum(e)) if e.validates);
        family::family_items(f, validates)
    });
    let p = tokens::private();
    let include = module.includes.iter().map(|path| {
        quote! {
            const _: &str = #p::std::include_str!(#path);
        }
    });
    quote! {
        #(#defs)*
        #(#families)*
        #(#include)*
    }
}

/// One generated type with what daplug adds to it: its impls, the field constants of a struct a
/// model stores (`stored`, see [`Module::stored_types`](crate::ir::Module::stored_types)), the
/// model surface of a model struct, and the item decoder of every struct, enum and newtype.
pub fn type_def(def: &TypeDef, stored: bool) -> TokenStream {
    match def {
        TypeDef::Struct(s) => {
            let item = types::structure(s, Impls::Generated);
            let impls = impls::structure(s);
            let fields = stored.then(|| field_constants(s));
            let model = s.model.as_ref().map(|meta| model_items(s, meta, IntoItem::From));
            quote!(#item #impls #fields #model)
        }
        TypeDef::Enum(e) => {
            let item = types::enumeration(e, Impls::Generated);
            let impls = match &e.kind {
                EnumKind::Strings(variants) => impls::unit_enum(&e.name, variants),
                EnumKind::OneOf { tag: Some(tag), alternatives } => unions::tagged(e, tag, alternatives),
                EnumKind::OneOf { tag: None, alternatives } => unions::untagged_decoder(e, alternatives),
                EnumKind::Integers(_) => codec::serde_decoder(&e.name),
            };
            let validate = match &e.kind {
                EnumKind::OneOf { alternatives, .. } if e.validates => {
                    Some(impls::block(rules::validate_union(&ident(&e.name), alternatives)))
                }
                _ => None,
            };
            quote!(#item #impls #validate)
        }
        TypeDef::Alias(a) if a.newtype => {
            let item = types::alias(a, true);
            let decoder = codec::newtype_decoder(a);
            let validate = match &a.rules {
                Some(r) => Some(impls::block(rules::checked_newtype(&ident(&a.name), &ty(&a.ty), r))),
                None => a.validates.then(|| impls::block(rules::validate_newtype(&ident(&a.name)))),
            };
            quote!(#item #decoder #validate)
        }
        TypeDef::Alias(a) => types::alias(a, true),
    }
}

/// The type alone, as a user would write it by hand (the struct, enum or alias with serde's
/// derives): the compile-cost benchmark's baseline.
pub fn user_type(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => types::structure(s, Impls::Derived),
        TypeDef::Enum(e) => types::enumeration(e, Impls::Derived),
        TypeDef::Alias(a) => types::alias(a, false),
    }
}
