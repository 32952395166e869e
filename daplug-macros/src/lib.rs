//! Procedural macros for daplug. Use them through `daplug-runtime`, which re-exports them.
//!
//! Each entry point only parses its input, runs a pipeline of plain functions over `proc_macro2`
//! (unit-tested on strings) and turns a failure into `compile_error!`:
//!
//! ```text
//! spec.rs (read, normalise, $ref, allOf) -> lower.rs (-> ir.rs) -> emit.rs (-> tokens)
//! derive.rs (struct + #[daplug] attrs)   -> ir.rs              -> emit.rs
//! payload.rs (JSON tokens)               -> checked against the lowered spec -> serde_json::json!
//! ```

mod emit;
mod ir;
mod lower;
mod meta;
mod naming;
mod spec;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Generates typed models from an OpenAPI file: `schema!("openapi.yml")`.
///
/// The path is relative to the calling crate's `CARGO_MANIFEST_DIR`. For every component schema it
/// generates a serde type; object schemas also get `<Name>Key`, `<Name>Patch`, an
/// `impl daplug_runtime::Model` (metadata from the `x-daplug` extension) and `TryFrom` conversions
/// to and from `daplug_runtime::Item`.
#[proc_macro]
pub fn schema(input: TokenStream) -> TokenStream {
    let lit = syn::parse_macro_input!(input as syn::LitStr);
    lower::expand(&lit)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
