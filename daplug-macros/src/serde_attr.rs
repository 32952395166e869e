//! The few serde attributes the derive must understand so generated key and patch types use the same
//! wire names as the user's struct: field `rename` and `skip`, container `rename_all`. Everything else
//! is serde's business (serde reports malformed attributes itself, so parse errors are ignored here).

use syn::{Attribute, LitStr};

use crate::syn_util::skip_meta_value;

/// The serde field attributes that change the wire shape.
#[derive(Default)]
pub struct SerdeField {
    /// `#[serde(rename = "...")]`.
    pub rename: Option<String>,
    /// `#[serde(skip)]`: the field is not on the wire.
    pub skip: bool,
}

impl SerdeField {
    /// Reads a field's serde attributes.
    pub fn read(attrs: &[Attribute]) -> SerdeField {
        let mut out = SerdeField::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            // Malformed serde attributes are serde's to report.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") && meta.input.peek(syn::Token![=]) {
                    out.rename = Some(meta.value()?.parse::<LitStr>()?.value());
                    return Ok(());
                }
                if meta.path.is_ident("skip") {
                    out.skip = true;
                }
                skip_meta_value(&meta)
            });
        }
        out
    }
}

/// serde's `rename_all` rules, applied to a snake_case field name.
#[derive(Clone, Copy)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    /// The rule named by `rename_all = "..."`.
    pub fn parse(rule: &str) -> Option<RenameRule> {
        Some(match rule {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// The wire name of a PascalCase enum variant under this rule (serde's `apply_to_variant`).
    pub fn apply_to_variant(self, variant: &str) -> String {
        let snake = || {
            let mut out = String::new();
            for (i, c) in variant.char_indices() {
                if i > 0 && c.is_uppercase() {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            }
            out
        };
        match self {
            RenameRule::Pascal => variant.to_owned(),
            RenameRule::Lower => variant.to_ascii_lowercase(),
            RenameRule::Upper => variant.to_ascii_uppercase(),
            RenameRule::Camel => {
                let mut chars = variant.chars();
                chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
            }
            RenameRule::Snake => snake(),
            RenameRule::ScreamingSnake => snake().to_ascii_uppercase(),
            RenameRule::Kebab => snake().replace('_', "-"),
            RenameRule::ScreamingKebab => snake().to_ascii_uppercase().replace('_', "-"),
        }
    }

    /// The wire name of a snake_case field under this rule.
    pub fn apply(self, field: &str) -> String {
        let pascal = || {
            field
                .split('_')
                .map(|word| {
                    let mut chars = word.chars();
                    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
                })
                .collect::<String>()
        };
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal => pascal(),
            RenameRule::Camel => {
                let p = pascal();
                let mut chars = p.chars();
                chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
            }
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_rules() {
        assert_eq!(RenameRule::Camel.apply("order_id"), "orderId");
        assert_eq!(RenameRule::Pascal.apply("order_id"), "OrderId");
        assert_eq!(RenameRule::ScreamingKebab.apply("order_id"), "ORDER-ID");
        assert_eq!(RenameRule::Kebab.apply("order_id"), "order-id");
        assert!(RenameRule::parse("Title Case").is_none());
        assert_eq!(RenameRule::Snake.apply_to_variant("LineItem"), "line_item");
        assert_eq!(RenameRule::Lower.apply_to_variant("LineItem"), "lineitem");
        assert_eq!(RenameRule::Camel.apply_to_variant("LineItem"), "lineItem");
        assert_eq!(RenameRule::ScreamingKebab.apply_to_variant("LineItem"), "LINE-ITEM");
    }

    #[test]
    fn field_attrs() {
        let field: syn::Field = syn::parse_quote!(#[serde(default, rename = "x", with = "m")] #[serde(skip)] a: u8);
        let attrs = SerdeField::read(&field.attrs);
        assert_eq!(attrs.rename.as_deref(), Some("x"));
        assert!(attrs.skip);
    }
}
