//! Turning schema, property and enum-value names into Rust identifiers.
//!
//! One small module so every rule lives in one place and is unit-tested (the typify
//! `sanitize`/`recase` idea). Rules:
//! - types and variants are PascalCase, fields snake_case (via `heck`, which also treats every
//!   non-alphanumeric character as a word break, so `test-es-mapper-model` → `TestEsMapperModel`);
//! - only ASCII letters and digits survive; everything else separates words;
//! - a name that would start with a digit gets an `X`/`x_` prefix (`3PO` → `X3po`);
//! - a name left empty (`""`, `"-"`) becomes `Empty`/`empty`;
//! - Rust keywords get a `_` suffix (`type` → `type_`, `Self` → `Self_`). A suffix rather than a raw
//!   identifier because `r#self`/`r#Self` are not valid and the suffix reads the same everywhere.
//!
//! Whether a `#[serde(rename)]` is needed is decided by comparing the identifier with the wire name
//! ([`needs_rename`]); two names mapping to one identifier are reported by the callers, which know
//! both originals.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2015–2024; a generated identifier must avoid all of them.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The Rust type name for a schema (or nested-type path segment): `test-es-mapper-model` →
/// `TestEsMapperModel`.
pub fn type_name(raw: &str) -> String {
    finish(ascii_words(raw).to_upper_camel_case(), "X", "Empty")
}

/// The Rust variant name for a string enum value: `grain-receiver` → `GrainReceiver`, `3PO` →
/// `X3po`.
pub fn variant_name(raw: &str) -> String {
    type_name(raw)
}

/// The Rust field name for a property: `orderId` → `order_id`, `type` → `type_`.
pub fn field_name(raw: &str) -> String {
    finish(ascii_words(raw).to_snake_case(), "x_", "empty")
}

/// True when the identifier differs from the wire name, i.e. serde needs a `rename`.
pub fn needs_rename(ident: &str, wire: &str) -> bool {
    ident != wire
}

/// Keeps ASCII letters and digits and turns everything else into a word break, so the result is
/// always a valid identifier (`proc_macro2::Ident::new` panics on anything else).
fn ascii_words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// Applies the digit prefix, the empty fallback and the keyword suffix.
fn finish(cased: String, digit_prefix: &str, empty: &str) -> String {
    let mut name = if cased.is_empty() {
        empty.to_owned()
    } else if cased.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{cased}")
    } else {
        cased
    };
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("test-es-mapper-model"), "TestEsMapperModel");
        assert_eq!(type_name("v1-test-request"), "V1TestRequest");
        assert_eq!(type_name("Order"), "Order");
        assert_eq!(type_name("order_with_audit"), "OrderWithAudit");
        assert_eq!(type_name("HTTPRequest"), "HttpRequest");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("123"), "X123");
        assert_eq!(type_name("a.b/c"), "ABC");
        assert_eq!(type_name(""), "Empty");
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("grain-receiver"), "GrainReceiver");
        assert_eq!(variant_name("3PO"), "X3po");
        assert_eq!(variant_name("reseller"), "Reseller");
        assert_eq!(variant_name("-"), "Empty");
        assert_eq!(variant_name("IN_PROGRESS"), "InProgress");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("orderId"), "order_id");
        assert_eq!(field_name("order_id"), "order_id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("async"), "async_");
        assert_eq!(field_name("2fa"), "x_2fa");
        assert_eq!(field_name("user-id"), "user_id");
        assert_eq!(field_name("$meta"), "meta");
        assert_eq!(field_name(""), "empty");
        assert_eq!(field_name("café"), "caf");
        assert_eq!(type_name("naïve-type"), "NaVeType");
    }

    #[test]
    fn renames() {
        assert!(!needs_rename("order_id", "order_id"));
        assert!(needs_rename("order_id", "orderId"));
        assert!(needs_rename("type_", "type"));
    }
}
