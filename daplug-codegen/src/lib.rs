//! The pipeline behind daplug's `schema!`: an OpenAPI description in, Rust models out.
//!
//! ```text
//! value.rs (YAML/JSON → tree) → spec.rs (files, $ref, allOf) → lower.rs (→ ir.rs) → emit/ (→ tokens)
//!                                                    naming.rs, meta.rs (x-daplug) ↗
//! ```
//! It is a plain library (no proc-macro API), so it is unit-tested without a compiler, and usable
//! from a `build.rs` or a tool that writes the generated code to a file:
//!
//! ```no_run
//! let spec = daplug_codegen::spec::Spec::load_path(
//!     "openapi.yml",
//!     std::path::Path::new("openapi.yml"),
//!     proc_macro2::Span::call_site(),
//! )?;
//! let tokens = daplug_codegen::generate(&spec)?;
//! # Ok::<(), syn::Error>(())
//! ```
//! `daplug-macros` calls [`expand`]; errors are `syn::Error`s that name the file and JSON pointer.
#![warn(missing_docs)]

mod cycles;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod meta;
pub mod names;
pub mod naming;
pub mod normalise;
pub mod reach;
pub mod spec;
pub mod value;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;

/// Lowers and emits a loaded spec: everything `schema!` expands to.
pub fn generate(spec: &spec::Spec) -> syn::Result<TokenStream> {
    let module = lower::lower(spec)?;
    Ok(emit::module(&module))
}

/// The `schema!` pipeline: read the file named by `lit` (relative to `CARGO_MANIFEST_DIR`), lower
/// it (only the schemas named in `only` and what they reach, when given), emit it.
pub fn expand(lit: &syn::LitStr, only: Option<&[syn::LitStr]>) -> syn::Result<TokenStream> {
    let spec = spec::Spec::load(lit)?;
    let only: Option<Vec<(String, proc_macro2::Span)>> =
        only.map(|o| o.iter().map(|l| (l.value(), l.span())).collect());
    let module = lower::lower_only(&spec, only.as_deref())?;
    Ok(emit::module(&module))
}

/// Generated code as formatted source text (for golden files and tools that write models to disk).
#[cfg(feature = "pretty")]
pub fn render(tokens: TokenStream) -> syn::Result<String> {
    Ok(prettyplease::unparse(&syn::parse2::<syn::File>(tokens)?))
}
