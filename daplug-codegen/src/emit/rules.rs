//! The constraints of generated types, as the runtime checks them: each field's `Rules` as a
//! constant (`StructDef::RULES`, read while the struct is read from JSON), and a `Validate` impl for
//! each type that is checked before it is written (its fields' rules and the types it holds that
//! are checked). A type without constraints gets neither.
//!
//! Every `validate` is `#[inline]` (`validate_impl`), like the conversions (`model.rs`), so it is
//! compiled where a model is written (`Model::to_item`), not in the crate holding `schema!`. Why:
//! the first function a crate compiles that calls a generic one (here `check_field`, `Rules::check`,
//! `Validate` for `Vec<T>`) makes rustc list the generic instances every dependency shares, the AWS
//! SDK's included: about 55 MiB of peak memory in a debug build, however small the spec (measured in
//! BENCHMARKS.md, "`schema!` compile cost").

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::tokens::ident;
use crate::ir::{Alternative, Rules, Struct};

/// A `Rules` constant expression (`__p` is the runtime's `__private`): the keywords the schema
/// gives, the rest from `Rules::NONE`.
pub(super) fn rules(r: &Rules) -> TokenStream {
    let some = |value: TokenStream| quote!(__p::std::option::Option::Some(#value));
    let mut set: Vec<TokenStream> = Vec::new();
    for (name, bound) in [("minimum", &r.minimum), ("maximum", &r.maximum)] {
        if let Some((value, exclusive)) = bound {
            let field = format_ident!("{name}");
            let value = some(quote!(__p::Bound { value: #value, exclusive: #exclusive }));
            set.push(quote!(#field: #value));
        }
    }
    for (name, list) in [("multiple_of", &r.multiple_of), ("patterns", &r.patterns)] {
        if !list.is_empty() {
            let field = format_ident!("{name}");
            set.push(quote!(#field: &[#(#list),*]));
        }
    }
    let counts = [
        ("min_length", r.min_length),
        ("max_length", r.max_length),
        ("min_items", r.min_items),
        ("max_items", r.max_items),
        ("min_properties", r.min_properties),
        ("max_properties", r.max_properties),
    ];
    for (name, count) in counts {
        if let Some(count) = count {
            let field = format_ident!("{name}");
            let count = some(quote!(#count));
            set.push(quote!(#field: #count));
        }
    }
    if let Some(format) = r.format {
        let variant = format_ident!("{}", format!("{format:?}"));
        let format = some(quote!(__p::Format::#variant));
        set.push(quote!(format: #format));
    }
    if r.unique_items {
        set.push(quote!(unique_items: true));
    }
    for (name, inner) in [("items", &r.items), ("values", &r.values), ("keys", &r.keys)] {
        if let Some(inner) = inner {
            let field = format_ident!("{name}");
            let inner = rules(inner);
            let inner = some(quote!(&#inner));
            set.push(quote!(#field: #inner));
        }
    }
    quote!(__p::Rules { #(#set,)* ..__p::Rules::NONE })
}

/// `const RULES` of a struct's `StructDef`, when a field has rules.
pub(super) fn struct_rules(s: &Struct) -> Option<TokenStream> {
    if s.fields.iter().all(|f| f.rules.is_none()) {
        return None;
    }
    // Up to the last field with rules: a shorter list means `None` for the rest.
    let last = s.fields.iter().rposition(|f| f.rules.is_some())?;
    let entries = s.fields[..=last].iter().map(|f| match &f.rules {
        Some(r) => {
            let r = rules(r);
            quote!(__p::std::option::Option::Some(&#r))
        }
        None => quote!(__p::std::option::Option::None),
    });
    Some(quote! {
        const RULES: &'static [__p::std::option::Option<&'static __p::Rules>] = &[#(#entries),*];
    })
}

/// A struct's `Validate`: each field with rules checked, each field holding a checked type
/// validated, the first failure named by its field.
pub(super) fn validate_struct(s: &Struct) -> Option<TokenStream> {
    if !s.validates {
        return None;
    }
    let name = ident(&s.name);
    let checks = s.fields.iter().enumerate().flat_map(|(i, f)| {
        let member = ident(&f.ident);
        let wire = &f.wire_name;
        let rules =
            f.rules.is_some().then(|| quote!(__p::check_field(&self.#member, __p::field_rules::<Self>(#i), #wire)?;));
        let nested =
            f.validates.then(|| quote!(__p::Validate::validate(&self.#member).map_err(|v| v.in_field(#wire))?;));
        rules.into_iter().chain(nested)
    });
    let body = quote! {
        #(#checks)*
        __p::std::result::Result::Ok(())
    };
    Some(validate_impl(&name, body))
}

/// A union's `Validate`: the alternative held, where its type is checked.
pub(super) fn validate_union(name: &Ident, alternatives: &[Alternative]) -> TokenStream {
    let arms = alternatives.iter().map(|a| {
        let variant = ident(&a.ident);
        if a.validates {
            quote!(Self::#variant(v) => __p::Validate::validate(v),)
        } else {
            quote!(Self::#variant(_) => __p::std::result::Result::Ok(()),)
        }
    });
    let body = quote! {
        match self {
            #(#arms)*
        }
    };
    validate_impl(name, body)
}

/// `Deserialize` and `Validate` of a newtype that carries its schema's rules (an inline union
/// alternative with constraints): read through them, and checked against them before a write.
pub(super) fn checked_newtype(name: &Ident, inner: &TokenStream, r: &Rules) -> TokenStream {
    let rules = rules(r);
    let validate = validate_impl(name, quote!(RULES.check(&self.0)));
    quote! {
        const RULES: __p::Rules = #rules;
        #[automatically_derived]
        impl<'de> __p::serde::Deserialize<'de> for #name {
            fn deserialize<D: __p::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> __p::std::result::Result<Self, D::Error> {
                __p::deserialize_checked::<#inner, D>(deserializer, &RULES).map(Self)
            }
        }
        #validate
    }
}

/// A newtype's `Validate`: the value it wraps.
pub(super) fn validate_newtype(name: &Ident) -> TokenStream {
    validate_impl(name, quote!(__p::Validate::validate(&self.0)))
}

/// `impl Validate for name` with `body` as `validate`, `#[inline]` (see the module docs).
fn validate_impl(name: &Ident, body: TokenStream) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl __p::Validate for #name {
            #[inline]
            fn validate(&self) -> __p::std::result::Result<(), __p::Violation> {
                #body
            }
        }
    }
}
