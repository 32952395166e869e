//! The item decoder (`daplug_runtime`'s `Decode`) of integer enums (read through serde) and
//! newtypes (through the wrapped type's decoder). A struct's and a string enum's are in `impls.rs`,
//! a union's in `unions.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, private, ty};
use crate::ir::Alias;

/// `Decode` for a newtype: the wrapped type's decoder.
pub(super) fn newtype_decoder(a: &Alias) -> TokenStream {
    let p = private();
    let name = ident(&a.name);
    let inner = ty(&a.ty);
    quote! {
        #[automatically_derived]
        impl #p::Decode for #name {
            #[inline]
            fn decode(
                value: #p::AttributeValue,
                depth: usize,
            ) -> #p::std::result::Result<Self, #p::DecodeError> {
                <#inner as #p::Decode>::decode(value, depth).map(Self)
            }
        }
    }
}

/// `Decode` for an integer enum: serde's reading.
pub(super) fn serde_decoder(name: &str) -> TokenStream {
    let p = private();
    let name = ident(name);
    quote! {
        #[automatically_derived]
        impl #p::Decode for #name {
            #[inline]
            fn decode(
                value: #p::AttributeValue,
                depth: usize,
            ) -> #p::std::result::Result<Self, #p::DecodeError> {
                #p::serde_decode(value, depth)
            }
        }
    }
}
