//! What lets requests name attributes checked by the compiler: one `Field` constant per struct
//! field (`Order::STATUS`, `Customer::EMAIL`), and a model's `<Name>Index` enum of its secondary
//! indexes.
//!
//! Constants cost nothing until used (they are evaluated where they are named), so every struct
//! gets them; nested objects' constants are what `Order::CUSTOMER.then(Customer::EMAIL)` chains.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::tokens::{doc, ident, is_option, private, runtime, ty};
use crate::ir::{Index, Struct, Ty};
use crate::names::unique;
use crate::naming;

/// `impl Name { pub const FIELD: Field<Name, T> = ...; }` for every field; `T` is the value's type
/// when present (an optional field's `Option` and a recursive field's `Box` are left out, so
/// comparisons and nested paths use the inner type).
pub fn field_constants(s: &Struct) -> TokenStream {
    if s.fields.is_empty() {
        return quote!();
    }
    let name = ident(&s.name);
    // A derive input's field may have a type more private than the struct; its constant is as
    // visible as the struct (like the companions), which that lint would flag.
    let (vis, allow) = match &s.vis {
        Some(vis) => (quote!(#vis), quote!(#[allow(private_interfaces)])),
        None => (quote!(pub), quote!()),
    };
    let mut taken = BTreeSet::new();
    let r = runtime();
    let constants = s.fields.iter().map(|f| {
        let bare = f.ident.strip_prefix("r#").unwrap_or(&f.ident);
        let wanted = bare.to_uppercase();
        let constant = unique(&wanted, |c| taken.contains(c), "_");
        taken.insert(constant.clone());
        let constant = Ident::new(&constant, Span::call_site());
        let value = value_type(&f.ty);
        let wire = &f.wire_name;
        // The constant's type says the rest; the wire name is worth a line only where it differs.
        let doc = (wire != bare).then(|| doc(&format!("The `{wire}` attribute.")));
        quote! {
            #doc
            #vis const #constant: #r::Field<Self, #value> = #r::Field::new(#wire);
        }
    });
    quote! {
        #allow
        #[allow(missing_docs)]
        impl #name {
            #(#constants)*
        }
    }
}

/// The type a field's values have when present.
fn value_type(t: &Ty) -> TokenStream {
    match t {
        Ty::Option(inner) | Ty::Boxed(inner) => value_type(inner),
        Ty::Rust(t) if is_option(t) => match first_generic(t) {
            Some(inner) => quote!(#inner),
            None => ty(&Ty::Rust(t.clone())),
        },
        other => ty(other),
    }
}

/// `T` of a written `Option<T>`.
fn first_generic(t: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = t else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else { return None };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// `enum <Name>Index` with one variant per secondary index, and its `IndexOf<Name>`, so
/// `query().index(OrderIndex::StatusIndex)` is checked against the model's own indexes.
pub(super) fn index_enum(model: &Ident, enum_name: &str, vis: &TokenStream, indexes: &[Index]) -> TokenStream {
    if indexes.is_empty() {
        return quote!();
    }
    let (r, p) = (runtime(), private());
    let std = quote!(#p::std);
    let name = ident(enum_name);
    let mut taken = BTreeSet::new();
    let variants: Vec<Ident> = indexes
        .iter()
        .map(|index| {
            let variant = unique(&naming::variant_name(&index.name), |c| taken.contains(c), "");
            taken.insert(variant.clone());
            Ident::new(&variant, Span::call_site())
        })
        .collect();
    let docs = indexes.iter().map(|index| doc(&format!("`{}`", index.name)));
    let wires = indexes.iter().map(|index| &index.name);
    let enum_doc = doc(&format!("The secondary indexes of [`{model}`], for `query().index(...)`."));
    quote! {
        #enum_doc
        #[derive(#std::fmt::Debug, #std::clone::Clone, #std::marker::Copy, #std::cmp::PartialEq, #std::cmp::Eq)]
        #vis enum #name {
            #(#docs #variants,)*
        }

        #[automatically_derived]
        impl #r::IndexOf<#model> for #name {
            #[inline]
            fn index_name(self) -> #std::string::String {
                #std::string::ToString::to_string(match self {
                    #(Self::#variants => #wires,)*
                })
            }
        }
    }
}
