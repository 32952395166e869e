//! `#[derive(DaplugModel)]`: a hand-written struct + `#[daplug(...)]` attributes → the IR → `emit/`.
//!
//! Attribute reading follows serde_derive's `attr.rs`: every attribute is turned into a typed value,
//! a second occurrence is reported on its own tokens ("duplicate daplug attribute"), unknown keys are
//! reported on theirs, and all problems of one struct are collected ([`Errors`]) and shown together.
//! serde's `rename`/`rename_all`/`skip` are read so key and patch types use the same wire names.
//!
//! Field attributes: `hash_key`, `range_key`, `prefix = "..."` (with a key), `hash_prefix = "..."`,
//! `range_prefix = "..."`, `idempotence_key`. Container attributes: `schema_name = "..."`,
//! `index(name = "...", hash_key = "...", range_key = "...")` (repeatable), and
//! `schema = "openapi.yml", name = "Order"` to check the struct against a schema (`check.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr};

use crate::check;
use crate::serde_attr::{RenameRule, SerdeField};
use crate::syn_util::{generic_arg, option_inner, skip_meta_value, type_ident};
use daplug_codegen::emit;
use daplug_codegen::ir::{Companions, Errors, Field, Index, KeyAttr, KeyField, KeyMeta, KeyType, Struct, Ty};

/// Attribute keywords (serde's `symbol.rs`).
mod sym {
    pub const DAPLUG: &str = "daplug";
    pub const SERDE: &str = "serde";
    pub const HASH_KEY: &str = "hash_key";
    pub const RANGE_KEY: &str = "range_key";
    pub const PREFIX: &str = "prefix";
    pub const HASH_PREFIX: &str = "hash_prefix";
    pub const RANGE_PREFIX: &str = "range_prefix";
    pub const IDEMPOTENCE_KEY: &str = "idempotence_key";
    pub const SCHEMA_NAME: &str = "schema_name";
    pub const INDEX: &str = "index";
    pub const SCHEMA: &str = "schema";
    pub const NAME: &str = "name";
    pub const TAG: &str = "tag";
    pub const TAG_VALUE: &str = "tag_value";
}

/// One attribute value that may be given once; the second occurrence is an error on its tokens.
struct Attr<T> {
    name: &'static str,
    value: Option<(T, Span)>,
}

impl<T> Attr<T> {
    fn new(name: &'static str) -> Self {
        Attr { name, value: None }
    }

    fn set(&mut self, errors: &mut Errors, tokens: impl ToTokens, value: T) {
        if self.value.is_some() {
            let msg = format!("duplicate daplug attribute `{}`", self.name);
            errors.push(syn::Error::new_spanned(tokens, msg));
        } else {
            let span = tokens.into_token_stream().span();
            self.value = Some((value, span));
        }
    }

    fn get(self) -> Option<(T, Span)> {
        self.value
    }
}

/// The `#[derive(DaplugModel)]` pipeline.
pub fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    if let syn::Data::Enum(data) = &input.data {
        return crate::family::expand(input, data);
    }
    let syn::Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "DaplugModel can only be derived for structs with named fields and enums with `#[serde(tag)]`",
        ));
    };
    let syn::Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "DaplugModel can only be derived for structs with named fields",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(&input.generics, "DaplugModel does not support generic structs"));
    }
    let mut errors = Errors::default();
    let container = Container::read(&input.attrs, &mut errors);
    let mut hash_key = Attr::new(sym::HASH_KEY);
    let mut range_key = Attr::new(sym::RANGE_KEY);
    let mut hash_prefix = Attr::new(sym::HASH_PREFIX);
    let mut range_prefix = Attr::new(sym::RANGE_PREFIX);
    let mut idempotence_key = Attr::new(sym::IDEMPOTENCE_KEY);
    let mut fields = Vec::new();
    for field in &named.named {
        let Some(ident) = &field.ident else { continue };
        let serde = SerdeField::read(&field.attrs);
        if serde.skip {
            continue;
        }
        let ident_text = ident.to_string();
        let bare = ident_text.strip_prefix("r#").unwrap_or(&ident_text);
        let wire_name = match (serde.rename, &container.rename_all) {
            (Some(rename), _) => rename,
            (None, Some(rule)) => rule.apply(bare),
            (None, None) => bare.to_owned(),
        };
        let ir = Field {
            wire_name,
            ident: ident_text.clone(),
            ty: Ty::Rust(Box::new(field.ty.clone())),
            optional: false,
            doc: None,
            rules: None,
            validates: false,
            pointer: String::new(),
            span: ident.span(),
            default: None,
        };
        for attr in field.attrs.iter().filter(|a| a.path().is_ident(sym::DAPLUG)) {
            let result = attr.parse_nested_meta(|meta| {
                let key = meta_name(&meta);
                match key.as_str() {
                    sym::HASH_KEY => hash_key.set(&mut errors, &meta.path, ir.clone()),
                    sym::RANGE_KEY => range_key.set(&mut errors, &meta.path, ir.clone()),
                    sym::IDEMPOTENCE_KEY => {
                        idempotence_key.set(&mut errors, &meta.path, ir.wire_name.clone())
                    }
                    sym::HASH_PREFIX => {
                        let value = meta.value()?.parse::<LitStr>()?.value();
                        hash_prefix.set(&mut errors, &meta.path, value);
                    }
                    sym::RANGE_PREFIX => {
                        let value = meta.value()?.parse::<LitStr>()?.value();
                        range_prefix.set(&mut errors, &meta.path, value);
                    }
                    sym::PREFIX => {
                        let value = meta.value()?.parse::<LitStr>()?.value();
                        let is_range = attr_has(attr, sym::RANGE_KEY);
                        match (attr_has(attr, sym::HASH_KEY), is_range) {
                            (true, _) => hash_prefix.set(&mut errors, &meta.path, value),
                            (false, true) => range_prefix.set(&mut errors, &meta.path, value),
                            (false, false) => errors.push(meta.error(
                                "`prefix` goes with `hash_key` or `range_key` in the same attribute",
                            )),
                        }
                    }
                    _ => {
                        errors.push(meta.error(format!(
                        "unknown daplug field attribute `{key}` (expected hash_key, range_key, prefix, hash_prefix, range_prefix or idempotence_key)"
                        )));
                        return skip_meta_value(&meta);
                    }
                }
                Ok(())
            });
            errors.ok(result);
        }
        fields.push(ir);
    }
    let key_field = |errors: &mut Errors, attr: Attr<Field>| -> Option<KeyField> {
        let (field, _) = attr.get()?;
        let Ty::Rust(ty) = &field.ty else { return None };
        let inner = option_inner(ty).unwrap_or(ty);
        let Some(key_type) = key_type(inner) else {
            errors
                .push(syn::Error::new(field.span, format!("key field `{}` must be a string or a number", field.ident)));
            return None;
        };
        Some(KeyField {
            attr: KeyAttr { wire: field.wire_name.clone(), key_type },
            ident: field.ident.clone(),
            ty: Ty::Rust(Box::new(inner.clone())),
        })
    };
    let indexes = container.indexes.iter().filter_map(|spec| spec.resolve(&fields, &mut errors)).collect();
    let meta = KeyMeta {
        schema_name: container.schema_name.unwrap_or_else(|| input.ident.to_string()),
        hash_key: key_field(&mut errors, hash_key),
        range_key: key_field(&mut errors, range_key),
        hash_prefix: hash_prefix.get().map(|(v, _)| v),
        range_prefix: range_prefix.get().map(|(v, _)| v),
        idempotence_key: idempotence_key.get().map(|(v, _)| v),
        indexes,
        // A hand-written struct's field types are opaque here: its maps are merged.
        replaced: Vec::new(),
        entity_tag: container.entity_tag.clone().map(|(tag, value)| (tag, vec![value])),
    };
    let includes = match &container.schema {
        Some((file, name)) => errors.ok(check::against_schema(file, name, &input.ident, &fields)).unwrap_or_default(),
        None => Vec::new(),
    };
    let ir = Struct {
        name: input.ident.to_string(),
        doc: String::new(),
        fields,
        pointer: String::new(),
        model: None,
        deny_unknown: false,
        validates: false,
        vis: Some(input.vis.clone()),
        companions: Companions::of(&input.ident.to_string()),
    };
    let items = emit::model_items(&ir, &meta, emit::IntoItem::TryFrom);
    let fields = emit::field_constants(&ir);
    let includes = includes.iter().map(|path| {
        quote!(
            const _: &str = ::daplug_runtime::__private::std::include_str!(#path);
        )
    });
    errors.finish(quote!(#items #fields #(#includes)*))
}

/// Container-level `#[daplug]` and serde attributes.
#[derive(Default)]
struct Container {
    schema_name: Option<String>,
    indexes: Vec<IndexSpec>,
    schema: Option<(LitStr, LitStr)>,
    rename_all: Option<RenameRule>,
    /// `tag = "kind", tag_value = "line"`: a variant of a derived family, with its tag.
    entity_tag: Option<(String, String)>,
}

/// `index(name = "...", hash_key = "...", range_key = "...")`, resolved once fields are known.
struct IndexSpec {
    name: LitStr,
    hash_key: Option<LitStr>,
    range_key: Option<LitStr>,
}

impl IndexSpec {
    fn resolve(&self, fields: &[Field], errors: &mut Errors) -> Option<Index> {
        let attr = |errors: &mut Errors, lit: &LitStr| -> Option<KeyAttr> {
            let wanted = lit.value();
            let found = fields.iter().find(|f| f.wire_name == wanted || f.ident == wanted);
            let Some(field) = found else {
                errors.push(syn::Error::new(lit.span(), format!("no field named `{wanted}`")));
                return None;
            };
            let Ty::Rust(ty) = &field.ty else { return None };
            let Some(key_type) = key_type(option_inner(ty).unwrap_or(ty)) else {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!("index key `{wanted}` must be a string or a number field"),
                ));
                return None;
            };
            Some(KeyAttr { wire: field.wire_name.clone(), key_type })
        };
        let Some(hash_lit) = &self.hash_key else {
            errors.push(syn::Error::new(self.name.span(), "index needs `hash_key = \"...\"`"));
            return None;
        };
        let hash_key = attr(errors, hash_lit)?;
        let range_key = match &self.range_key {
            Some(lit) => Some(attr(errors, lit)?),
            None => None,
        };
        Some(Index { name: self.name.value(), hash_key, range_key })
    }
}

impl Container {
    fn read(attrs: &[Attribute], errors: &mut Errors) -> Container {
        let mut container = Container::default();
        let mut schema_name = Attr::new(sym::SCHEMA_NAME);
        let mut schema = Attr::new(sym::SCHEMA);
        let mut name = Attr::new(sym::NAME);
        let mut tag = Attr::new(sym::TAG);
        let mut tag_value = Attr::new(sym::TAG_VALUE);
        for attr in attrs.iter().filter(|a| a.path().is_ident(sym::DAPLUG)) {
            let result = attr.parse_nested_meta(|meta| {
                let key = meta_name(&meta);
                match key.as_str() {
                    sym::SCHEMA_NAME => {
                        let value = meta.value()?.parse::<LitStr>()?.value();
                        schema_name.set(errors, &meta.path, value);
                    }
                    sym::SCHEMA => schema.set(errors, &meta.path, meta.value()?.parse::<LitStr>()?),
                    sym::NAME => name.set(errors, &meta.path, meta.value()?.parse::<LitStr>()?),
                    sym::INDEX => container.indexes.push(read_index(&meta, errors)?),
                    sym::TAG => tag.set(errors, &meta.path, meta.value()?.parse::<LitStr>()?),
                    sym::TAG_VALUE => tag_value.set(errors, &meta.path, meta.value()?.parse::<LitStr>()?),
                    _ => {
                        errors.push(meta.error(format!(
                            "unknown daplug container attribute `{key}` (expected schema_name, index, schema, name, tag or \
                             tag_value)"
                        )));
                        return skip_meta_value(&meta);
                    }
                }
                Ok(())
            });
            errors.ok(result);
        }
        for attr in attrs.iter().filter(|a| a.path().is_ident(sym::SERDE)) {
            // serde validates its own attributes; only `rename_all = "..."` matters here.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") && meta.input.peek(syn::Token![=]) {
                    let lit = meta.value()?.parse::<LitStr>()?;
                    match RenameRule::parse(&lit.value()) {
                        Some(rule) => container.rename_all = Some(rule),
                        None => errors.push(syn::Error::new(lit.span(), "unknown rename_all rule")),
                    }
                    return Ok(());
                }
                skip_meta_value(&meta)
            });
        }
        container.schema_name = schema_name.get().map(|(v, _)| v);
        match (tag.get(), tag_value.get()) {
            (Some((tag, _)), Some((value, _))) => container.entity_tag = Some((tag.value(), value.value())),
            (Some((tag, _)), None) => errors.push(syn::Error::new(
                tag.span(),
                "`tag = \"...\"` (a variant of a family) needs `tag_value = \"...\"` too: the value naming this variant",
            )),
            (None, Some((value, _))) => {
                errors.push(syn::Error::new(value.span(), "`tag_value = \"...\"` needs `tag = \"<tag attribute>\"` too"))
            }
            (None, None) => {}
        }
        match (schema.get(), name.get()) {
            (Some((file, _)), Some((name, _))) => container.schema = Some((file, name)),
            (Some((file, _)), None) => {
                errors.push(syn::Error::new(file.span(), "`schema = \"...\"` needs `name = \"<schema name>\"` too"))
            }
            (None, Some((name, _))) => {
                errors.push(syn::Error::new(name.span(), "`name = \"...\"` needs `schema = \"<file>\"` too"))
            }
            (None, None) => {}
        }
        container
    }
}

fn read_index(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<IndexSpec> {
    let mut name = Attr::new(sym::NAME);
    let mut hash_key = Attr::new(sym::HASH_KEY);
    let mut range_key = Attr::new(sym::RANGE_KEY);
    meta.parse_nested_meta(|inner| {
        let key = meta_name(&inner);
        let slot = match key.as_str() {
            sym::NAME => &mut name,
            sym::HASH_KEY => &mut hash_key,
            sym::RANGE_KEY => &mut range_key,
            _ => {
                errors.push(
                    inner.error(format!("unknown index attribute `{key}` (expected name, hash_key or range_key)")),
                );
                return skip_meta_value(&inner);
            }
        };
        let value = inner.value()?.parse::<LitStr>()?;
        slot.set(errors, &inner.path, value);
        Ok(())
    })?;
    let Some((name, _)) = name.get() else {
        return Err(meta.error("index needs `name = \"...\"`"));
    };
    Ok(IndexSpec { name, hash_key: hash_key.get().map(|(v, _)| v), range_key: range_key.get().map(|(v, _)| v) })
}

fn meta_name(meta: &ParseNestedMeta) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

/// True when a `#[daplug(...)]` attribute lists `key` as a bare flag.
fn attr_has(attr: &Attribute, key: &str) -> bool {
    let mut found = false;
    let _ = attr.parse_nested_meta(|meta| {
        found |= meta.path.is_ident(key);
        skip_meta_value(&meta)
    });
    found
}

/// `S` for string types, `N` for numeric ones, `B` for `Vec<u8>`.
fn key_type(ty: &syn::Type) -> Option<KeyType> {
    let ident = type_ident(ty)?;
    match ident.as_str() {
        "String" | "str" | "Cow" => Some(KeyType::S),
        "Vec" if generic_arg(ty, "Vec").and_then(type_ident).as_deref() == Some("u8") => Some(KeyType::B),
        other if check::is_integer(other) || other == "f32" || other == "f64" => Some(KeyType::N),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(src: &str) -> Result<String, String> {
        let input: syn::DeriveInput = syn::parse_str(src).expect("input parses");
        expand(&input)
            .map(|t| t.to_string())
            .map_err(|e| e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
    }

    #[test]
    fn keys_prefixes_and_renames() {
        let out = expand_str(
            r#"#[serde(rename_all = "camelCase")]
            #[daplug(schema_name = "orders", index(name = "by-status", hash_key = "status"))]
            pub struct Order {
                #[daplug(hash_key, prefix = "t#")] order_id: String,
                #[daplug(range_key)] #[serde(rename = "SK")] sk: Option<u64>,
                #[daplug(idempotence_key)] modified: String,
                status: String,
                #[serde(skip)] cache: u8,
            }"#,
        )
        .expect("expands");
        assert!(out.contains("pub struct OrderKey"));
        assert!(out.contains("pub order_id : String , pub sk : u64"), "{out}");
        assert!(out.contains(". field (\"orderId\" , & self . order_id) . field (\"SK\" , & self . sk)"), "{out}");
        assert!(
            out.contains("hash_prefix : :: daplug_runtime :: __private :: std :: option :: Option :: Some (\"t#\")")
        );
        assert!(out.contains(
            "idempotence_key : :: daplug_runtime :: __private :: std :: option :: Option :: Some (\"modified\")"
        ));
        assert!(out.contains("name : \"by-status\""));
        assert!(out.contains("schema : \"orders\""));
        assert!(!out.contains("cache"));
    }

    #[test]
    fn attribute_errors_are_collected() {
        let err = expand_str(
            r#"#[daplug(tabel = "x")]
            struct A {
                #[daplug(hash_key)] a: String,
                #[daplug(hash_key)] b: String,
                #[daplug(primary)] c: String,
                #[daplug(range_key)] d: Vec<String>,
            }"#,
        )
        .expect_err("fails");
        assert!(err.contains("unknown daplug container attribute `tabel`"), "{err}");
        assert!(err.contains("duplicate daplug attribute `hash_key`"), "{err}");
        assert!(err.contains("unknown daplug field attribute `primary`"), "{err}");
        assert!(err.contains("key field `d` must be a string or a number"), "{err}");
    }

    #[test]
    fn rejects_enums_and_generics() {
        assert!(expand_str("enum E { A }").is_err());
        assert!(expand_str("struct S<T> { t: T }").is_err());
    }
}
