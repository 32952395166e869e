//! Procedural macros for daplug. Use them through `daplug-runtime`, which re-exports them.
//!
//! Each entry point only parses its input, runs a pipeline of plain functions over `proc_macro2`
//! (unit-tested on strings) and turns a failure into `compile_error!`:
//!
//! ```text
//! spec.rs (read, normalise, $ref, allOf) -> lower.rs (-> ir.rs) -> emit/ (-> tokens)
//! derive.rs (struct + #[daplug] attrs)   -> ir.rs              -> emit/
//! family.rs (enum + #[serde(tag)])        -> emit::family_model (the family's types and Model impl)
//! payload.rs (JSON tokens)               -> checked against the lowered spec -> serde_json::json!
//! ```

mod check;
mod derive;
mod family;
mod payload;
mod serde_attr;
mod syn_util;

use proc_macro::TokenStream;

/// Generates typed models from an OpenAPI file: `schema!("openapi.yml")`.
///
/// The path is relative to the calling crate's `CARGO_MANIFEST_DIR`; OpenAPI 3.0, 3.1 and
/// components-only files are accepted. For every schema under `components/schemas`:
/// - `test-dynamo-model` → `pub struct TestDynamoModel` (or an enum for `oneOf`/`anyOf`/string
///   `enum`, or `pub type` for anything else), nested inline objects and enums as
///   `<Parent><Property>` (`…Item` for array items, `…Value` for map values, `…Variant<N>` for inline
///   alternatives);
/// - for object schemas also `<Name>Key` (hash and range key fields, when `x-daplug` names them;
///   otherwise `Model::Key` is `serde_json::Value`), `<Name>Patch` (every field optional,
///   `Default`), `impl daplug_runtime::Model` (`META` from `x-daplug`, see `meta.rs`) and
///   `TryFrom` both ways between the model and `daplug_runtime::Item`.
///
/// `schema!("stripe.yml", schemas = ["customer", "charge"])` generates only those component schemas
/// (by the names the spec gives them) and everything they reach, so a large spec costs what the
/// models a crate uses cost; the types keep the names they have in the whole spec. An unknown name is
/// a compile error listing the closest ones.
#[proc_macro]
pub fn schema(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as SchemaInput);
    daplug_codegen::expand(&input.file, input.schemas.as_deref()).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// `"file"` or `"file", schemas = ["a", "b"]`.
struct SchemaInput {
    file: syn::LitStr,
    schemas: Option<Vec<syn::LitStr>>,
}

impl syn::parse::Parse for SchemaInput {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let file = input.parse()?;
        if input.is_empty() {
            return Ok(SchemaInput { file, schemas: None });
        }
        input.parse::<syn::Token![,]>()?;
        if input.is_empty() {
            return Ok(SchemaInput { file, schemas: None });
        }
        let key: syn::Ident = input.parse()?;
        if key != "schemas" {
            return Err(syn::Error::new(key.span(), "expected `schemas = [\"name\", ...]`"));
        }
        input.parse::<syn::Token![=]>()?;
        let list;
        syn::bracketed!(list in input);
        let names = list.parse_terminated(<syn::LitStr as syn::parse::Parse>::parse, syn::Token![,])?;
        input.parse::<Option<syn::Token![,]>>()?;
        Ok(SchemaInput { file, schemas: Some(names.into_iter().collect()) })
    }
}

/// Implements `daplug_runtime::Model` for a hand-written struct and generates `<Name>Key`,
/// `<Name>Patch` and the `Item` conversions, exactly as `schema!` does for a schema.
///
/// ```text
/// #[derive(Serialize, Deserialize, DaplugModel)]
/// #[daplug(schema_name = "orders", index(name = "status-index", hash_key = "status"))]
/// #[daplug(schema = "openapi.yml", name = "Order")] // optional compile-time check
/// struct Order {
///     #[daplug(hash_key, prefix = "tenant#")]
///     pk: String,
///     #[daplug(range_key)]
///     sk: String,
///     #[daplug(idempotence_key)]
///     modified: String,
///     status: String,
/// }
/// ```
///
/// On an enum with `#[serde(tag = "...")]` whose variants each hold such a model (tagged with
/// `#[daplug(tag = "kind", tag_value = "line")]` and a sort-key prefix of its own), it makes a
/// family, as `schema!` does of a discriminated union with `x-daplug`: `<Name>Key`, `<Name>Patch`,
/// `<Name>Parts` and a `Model` impl reading each item as the variant its tag names.
#[proc_macro_derive(DaplugModel, attributes(daplug))]
pub fn derive_daplug_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::expand(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Checks a JSON literal against a schema at compile time and converts it to the model:
/// `payload!("openapi.yml", Order { "pk": "a", "qty": 2 })` evaluates to
/// `Result<Order, daplug_runtime::Error>`. See the `payload` module docs for the exact rules.
#[proc_macro]
pub fn payload(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as payload::Input);
    payload::expand(&input).unwrap_or_else(payload::error_expr).into()
}
