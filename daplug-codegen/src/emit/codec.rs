//! The item decoder of each generated type (`daplug_runtime`'s `Decode`): for a struct, its
//! fields' types and wire names handed to the runtime's generic `decode_struct`; for an enum or a
//! newtype, serde's reading.
//!
//! Why not serde's derived `Deserialize`: reading an item through serde's visitor protocol takes
//! about a quarter longer (the conversion benchmark), and the values and errors are the same,
//! because every leaf and every unusual shape is still read by serde (`codec/decode.rs`). The impls
//! are `#[inline]`, so the crate holding `schema!` only type-checks them; their code is generated
//! where a model is read.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::tokens::{ident, ty};
use crate::ir::Struct;

/// The head of a `Decode` impl for `name`, around `body` (which has `value` and `depth`).
fn decode_impl(name: &Ident, body: TokenStream) -> TokenStream {
    let p = quote!(::daplug_runtime::__private);
    quote! {
        #[automatically_derived]
        impl #p::Decode for #name {
            #[inline]
            fn decode(
                value: #p::AttributeValue,
                depth: usize,
            ) -> #p::std::result::Result<Self, #p::DecodeError> {
                #body
            }
        }
    }
}

/// `Decode` for a generated struct: its fields matched by wire name, as serde's derive reads them
/// (unknown entries skipped, absent optional fields `None`, absent required fields `missing field`).
///
/// It only names the fields (their types as `Required<T>` / `Optional<T>`, their wire names in
/// order and sorted for the lookup) and hands them to the runtime's generic `decode_struct`, which
/// holds the loop: the crate holding `schema!` then type-checks one call per struct, where a loop
/// with an arm per field cost it about 7% more memory on the compile-cost benchmark's spec.
pub(super) fn struct_decoder(s: &Struct) -> TokenStream {
    // Spelt through a local alias: the fewer tokens, the less the crate holding `schema!` parses.
    let p = quote!(__p);
    let name = ident(&s.name);
    let fields: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let t = ty(&f.ty);
            if f.optional {
                quote!(#p::Optional<#t>)
            } else {
                quote!(#p::Required<#t>)
            }
        })
        .collect();
    let slots: Vec<TokenStream> =
        (0..s.fields.len()).map(|i| format_ident!("__field{i}").into_token_stream()).collect();
    let members: Vec<TokenStream> = s
        .fields
        .iter()
        .zip(&slots)
        .map(|(f, slot)| {
            let member = ident(&f.ident);
            quote!(#member: #slot)
        })
        .collect();
    let mut lookup: Vec<(&str, usize)> = s.fields.iter().enumerate().map(|(i, f)| (f.wire_name.as_str(), i)).collect();
    // By length, then bytes: the order the runtime searches in.
    lookup.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then_with(|| a.as_bytes().cmp(b.as_bytes())));
    let lookup = lookup.iter().map(|(wire, i)| quote!((#wire, #i)));
    let fields = nest(fields);
    let pattern = nest(slots);
    decode_impl(
        &name,
        quote! {
            use ::daplug_runtime::__private as __p;
            match #p::decode_struct::<Self, #fields>(value, depth, &[#(#lookup),*])? {
                #p::std::result::Result::Ok(#pattern) => #p::std::result::Result::Ok(Self { #(#members),* }),
                #p::std::result::Result::Err(read_by_serde) => #p::std::result::Result::Ok(read_by_serde),
            }
        },
    )
}

/// A tuple of `items`, as tuples of at most eight (the runtime's `StructFields` tuples): a struct's
/// fields' types and the pattern of their values take the same shape.
fn nest(items: Vec<TokenStream>) -> TokenStream {
    if items.len() <= 8 {
        return quote!((#(#items,)*));
    }
    nest(items.chunks(8).map(|chunk| quote!((#(#chunk,)*))).collect())
}

/// `Decode` for a generated enum or newtype: serde's reading.
pub(super) fn serde_decoder(name: &str) -> TokenStream {
    decode_impl(&ident(name), quote!(::daplug_runtime::__private::serde_decode(value, depth)))
}
