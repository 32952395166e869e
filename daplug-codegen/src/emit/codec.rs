//! The item decoder (`daplug_runtime`'s `Decode`) of the generated types that are read through
//! serde: `oneOf` and integer enums and newtypes. (A struct's and a string enum's are in
//! `impls.rs`.)

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, private};

/// `Decode` for a generated enum or newtype: serde's reading.
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
