//! `payload!`: a JSON literal checked against a schema while compiling.
//!
//! ```text
//! payload!("openapi.yml", ExampleModel { "record_id": "abc", "array_number": [1, 2, 3] })
//! ```
//! The first argument is the spec file (relative to `CARGO_MANIFEST_DIR`, as for `schema!`), then the
//! Rust type `schema!` generated for a component schema (a path; its last segment names the schema),
//! then a JSON object written as tokens, the way `serde_json::json!` takes it: keys are string
//! literals, values are string/number literals, `true`, `false`, `null`, arrays and objects. Rust
//! expressions are not accepted, because the value must be known at compile time to be checked.
//!
//! The payload is taken as tokens rather than one string so every key and value keeps its own span:
//! a wrong type, an unknown key or a bad enum value is reported on that token, a missing required key
//! on the object's braces, and the message names the file and JSON pointer of the schema node.
//!
//! It expands to a block evaluating to `Result<ExampleModel, daplug_runtime::Error>`: the literal is
//! built with `serde_json::json!` and mapped with `Model::from_json`. The check rules out what it can
//! see (types, keys, enum values, required keys); the `Result` stays because the model's own serde
//! code makes the final decision (e.g. an integer that overflows `i32`).

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{LitStr, Token};

use daplug_codegen::ir::{EnumKind, Errors, Module, Rules, Ty, TypeDef};
use daplug_codegen::lower;
use daplug_codegen::spec::{join, Spec};
use daplug_rules::{check, number, Bound};

/// Parsed `payload!` input.
pub struct Input {
    file: LitStr,
    model: syn::Path,
    body: TokenStream,
    value: Json,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let file = input.parse()?;
        input.parse::<Token![,]>()?;
        let model = input.parse()?;
        let body = TokenStream::from(input.fork().parse::<TokenTree>()?);
        let value = Json::parse(input)?;
        if !matches!(value, Json::Object(..)) {
            return Err(syn::Error::new(value.span(), "expected a JSON object `{ ... }` after the type"));
        }
        input.parse::<Option<Token![,]>>()?;
        Ok(Input { file, model, body, value })
    }
}

/// A JSON literal with the span of each token.
enum Json {
    Null(Span),
    Bool(bool, Span),
    Int(i128, Span),
    /// A float, with its text (the sign included).
    Float(String, Span),
    Str(LitStr),
    Array(Vec<Json>, Span),
    Object(Vec<(LitStr, Json)>, Span),
}

impl Json {
    /// JSON Schema's equality (`uniqueItems`): numbers by value, objects whatever their key order.
    fn same(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Null(_), Json::Null(_)) => true,
            (Json::Bool(a, _), Json::Bool(b, _)) => a == b,
            (Json::Int(a, _), Json::Int(b, _)) => a == b,
            (Json::Int(a, _), Json::Float(b, _)) | (Json::Float(b, _), Json::Int(a, _)) => {
                number::eq(&a.to_string(), b)
            }
            (Json::Float(a, _), Json::Float(b, _)) => number::eq(a, b),
            (Json::Str(a), Json::Str(b)) => a.value() == b.value(),
            (Json::Array(a, _), Json::Array(b, _)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same(b)),
            (Json::Object(a, _), Json::Object(b, _)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(l, w)| k.value() == l.value() && v.same(w)))
            }
            _ => false,
        }
    }

    fn span(&self) -> Span {
        match self {
            Json::Null(s) | Json::Bool(_, s) | Json::Int(_, s) | Json::Float(_, s) => *s,
            Json::Str(lit) => lit.span(),
            Json::Array(_, s) | Json::Object(_, s) => *s,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Json::Null(_) => "null",
            Json::Bool(..) => "a boolean",
            Json::Int(..) => "an integer",
            Json::Float(..) => "a number",
            Json::Str(_) => "a string",
            Json::Array(..) => "an array",
            Json::Object(..) => "an object",
        }
    }

    fn parse(input: ParseStream) -> syn::Result<Json> {
        if input.peek(syn::token::Brace) {
            let content;
            let brace = syn::braced!(content in input);
            let mut entries = Vec::new();
            while !content.is_empty() {
                let key: LitStr = content
                    .parse()
                    .map_err(|e| syn::Error::new(e.span(), "expected a string key (`\"name\": value`)"))?;
                content.parse::<Token![:]>()?;
                entries.push((key, Json::parse(&content)?));
                if content.is_empty() {
                    break;
                }
                content.parse::<Token![,]>()?;
            }
            return Ok(Json::Object(entries, brace.span.join()));
        }
        if input.peek(syn::token::Bracket) {
            let content;
            let bracket = syn::bracketed!(content in input);
            let items = content.parse_terminated(Json::parse, Token![,])?;
            return Ok(Json::Array(items.into_iter().collect(), bracket.span.join()));
        }
        let negative = input.parse::<Option<Token![-]>>()?.is_some();
        let token: TokenTree = input.parse()?;
        let span = token.span();
        let unexpected = || {
            syn::Error::new(
                span,
                "expected a JSON literal (string, number, true, false, null, array or object); payload! does not take Rust expressions",
            )
        };
        let lit = match &token {
            TokenTree::Ident(ident) if ident == "null" && !negative => return Ok(Json::Null(span)),
            TokenTree::Ident(ident) if (ident == "true" || ident == "false") && !negative => {
                return Ok(Json::Bool(ident == "true", span))
            }
            TokenTree::Literal(_) => syn::parse2::<syn::Lit>(token.into()).map_err(|_| unexpected())?,
            TokenTree::Group(g) if g.delimiter() == Delimiter::None => return Err(unexpected()),
            _ => return Err(unexpected()),
        };
        match lit {
            syn::Lit::Str(s) if !negative => Ok(Json::Str(s)),
            syn::Lit::Int(i) => {
                let value: i128 = i.base10_parse()?;
                Ok(Json::Int(if negative { -value } else { value }, span))
            }
            syn::Lit::Float(f) => {
                let digits = f.base10_digits();
                Ok(Json::Float(if negative { format!("-{digits}") } else { digits.to_owned() }, span))
            }
            _ => Err(unexpected()),
        }
    }
}

/// The expansion of a failed check: every `compile_error!` inside one block expression (several in a
/// row are not an expression), ending in `loop {}` so the block has type `!` and code using the
/// result (a method call, `?`) adds no follow-on errors.
pub fn error_expr(err: syn::Error) -> TokenStream {
    let errors = err.into_compile_error();
    quote!({ #errors loop {} })
}

/// The `payload!` pipeline: load and lower the spec, check the literal, emit the conversion.
pub fn expand(input: &Input) -> syn::Result<TokenStream> {
    expand_with(&Spec::load(&input.file)?, input)
}

/// [`expand`] with the spec already read (unit tests parse it from a string).
fn expand_with(spec: &Spec, input: &Input) -> syn::Result<TokenStream> {
    let module = lower::lower(spec)?;
    let Some(last) = input.model.segments.last() else {
        return Err(syn::Error::new(input.model.span(), "expected a model type"));
    };
    let name = last.ident.to_string();
    let Some(TypeDef::Struct(model)) = module.get(&name).filter(|d| match d {
        TypeDef::Struct(s) => s.model.is_some(),
        _ => false,
    }) else {
        let known: Vec<&str> = module
            .defs
            .iter()
            .filter_map(|d| match d {
                TypeDef::Struct(s) if s.model.is_some() => Some(s.name.as_str()),
                _ => None,
            })
            .collect();
        return Err(spec.error_at(
            last.ident.span(),
            "/components/schemas",
            format!("no object schema generates the type `{name}` (models: {})", known.join(", ")),
        ));
    };
    let checker = Checker { spec, module: &module };
    let mut errors = Errors::default();
    checker.check(&input.value, &Ty::Named(model.name.clone()), &model.pointer, &mut errors);
    let path = &input.model;
    let body = &input.body;
    let include = module.includes.iter().map(|p| {
        quote!(
            const _: &str = ::daplug_runtime::__private::std::include_str!(#p);
        )
    });
    errors.finish(quote! {
        {
            #(#include)*
            let __payload = ::daplug_runtime::__private::serde_json::json!(#body);
            <#path as ::daplug_runtime::Model>::from_json(&__payload)
        }
    })
}

struct Checker<'a> {
    spec: &'a Spec,
    module: &'a Module,
}

impl Checker<'_> {
    fn mismatch(&self, value: &Json, pointer: &str, expected: &str, errors: &mut Errors) {
        errors.push(self.spec.error_at(value.span(), pointer, format!("expected {expected}, found {}", value.kind())));
    }

    /// Checks `value` against `ty`, declared at `pointer`; pushes every problem found.
    fn check(&self, value: &Json, ty: &Ty, pointer: &str, errors: &mut Errors) {
        match (ty, value) {
            (Ty::Json | Ty::Rust(_), _) => {}
            (Ty::Option(_), Json::Null(_)) => {}
            (Ty::Option(inner) | Ty::Boxed(inner), _) => self.check(value, inner, pointer, errors),
            (Ty::String, Json::Str(_)) | (Ty::Bool, Json::Bool(..)) | (Ty::Null, Json::Null(_)) => {}
            (Ty::F64 | Ty::F32 | Ty::Decimal, Json::Int(..) | Json::Float(..)) => {}
            (Ty::I64, Json::Int(v, _)) if i64::try_from(*v).is_ok() => {}
            (Ty::I32, Json::Int(v, _)) if i32::try_from(*v).is_ok() => {}
            (Ty::U64, Json::Int(v, _)) if u64::try_from(*v).is_ok() => {}
            (Ty::U32, Json::Int(v, _)) if u32::try_from(*v).is_ok() => {}
            (Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32, Json::Int(..)) => {
                errors.push(self.spec.error_at(value.span(), pointer, "integer out of range for the generated field"))
            }
            (Ty::Vec(inner), Json::Array(items, _)) => {
                let at = join(pointer, "items");
                items.iter().for_each(|item| self.check(item, inner, &at, errors));
            }
            (Ty::Tuple(types), Json::Array(items, _)) if types.len() == items.len() => {
                for (i, (item, ty)) in items.iter().zip(types).enumerate() {
                    self.check(item, ty, &join(&join(pointer, "prefixItems"), &i.to_string()), errors);
                }
            }
            (Ty::Object, Json::Object(..)) => {}
            (Ty::Map(inner), Json::Object(entries, _)) => {
                let at = join(pointer, "additionalProperties");
                entries.iter().for_each(|(_, v)| self.check(v, inner, &at, errors));
            }
            (Ty::Named(name), _) => self.check_named(value, name, pointer, errors),
            _ => self.mismatch(value, pointer, &label(ty), errors),
        }
    }

    fn check_named(&self, value: &Json, name: &str, pointer: &str, errors: &mut Errors) {
        match self.module.get(name) {
            Some(TypeDef::Alias(alias)) => self.check(value, &alias.ty, pointer, errors),
            Some(TypeDef::Struct(s)) => {
                let Json::Object(entries, span) = value else {
                    return self.mismatch(value, &s.pointer, "an object", errors);
                };
                self.check_object(entries, *span, s, None, errors);
            }
            Some(TypeDef::Enum(e)) => match (&e.kind, value) {
                (EnumKind::Strings(variants), Json::Str(lit)) => {
                    let wanted = lit.value();
                    if !variants.iter().any(|v| v.wire == wanted) {
                        let allowed: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
                        errors.push(self.spec.error_at(
                            lit.span(),
                            &join(&e.pointer, "enum"),
                            format!("`{wanted}` is not one of: {}", allowed.join(", ")),
                        ));
                    }
                }
                (EnumKind::Strings(_), _) => self.mismatch(value, &e.pointer, "a string", errors),
                (EnumKind::Integers(variants), Json::Int(n, span)) => {
                    if !variants.iter().any(|v| i128::from(v.value) == *n) {
                        let allowed: Vec<String> = variants.iter().map(|v| v.value.to_string()).collect();
                        errors.push(self.spec.error_at(
                            *span,
                            &e.pointer,
                            format!("`{n}` is not one of: {}", allowed.join(", ")),
                        ));
                    }
                }
                (EnumKind::Integers(_), _) => self.mismatch(value, &e.pointer, "an integer", errors),
                (EnumKind::OneOf { tag: Some(tag), alternatives }, Json::Object(entries, span)) => {
                    let tag_value = entries.iter().find(|(k, _)| k.value() == *tag);
                    let Some((_, Json::Str(lit))) = tag_value else {
                        return errors.push(self.spec.error_at(
                            *span,
                            &e.pointer,
                            format!("missing discriminator `{tag}` (a string)"),
                        ));
                    };
                    let chosen = alternatives.iter().find(|a| a.tags.iter().any(|t| *t == lit.value()));
                    match chosen {
                        Some(alternative) => {
                            // The tag entry is the alternative's own field when it declares one.
                            let skip = alternative.tag_field.is_none().then_some(tag.as_str());
                            if let Some(TypeDef::Struct(s)) = self.named_struct(&alternative.ty) {
                                self.check_object(entries, *span, s, skip, errors);
                            }
                        }
                        None => errors.push(self.spec.error_at(
                            lit.span(),
                            &join(&e.pointer, "discriminator"),
                            format!("unknown discriminator value `{}`", lit.value()),
                        )),
                    }
                }
                (EnumKind::OneOf { alternatives, .. }, _) => {
                    let fits = alternatives.iter().any(|a| {
                        let mut trial = Errors::default();
                        self.check(value, &a.ty, &e.pointer, &mut trial);
                        trial.finish(()).is_ok()
                    });
                    if !fits {
                        errors.push(self.spec.error_at(
                            value.span(),
                            &e.pointer,
                            format!("{} matches none of the alternatives", value.kind()),
                        ));
                    }
                }
            },
            None => {}
        }
    }

    /// `value` (of the right type already) against the schema's constraints at `pointer`, as the
    /// runtime checks them (`daplug-rules`): the first rule broken is an error on the token.
    fn check_rules(&self, value: &Json, rules: &Rules, pointer: &str, errors: &mut Errors) {
        let broken = match value {
            Json::Int(n, _) => check::number(&n.to_string(), bound(&rules.minimum), bound(&rules.maximum), None)
                .and_then(|()| multiples(&n.to_string(), rules)),
            Json::Float(text, _) => check::number(text, bound(&rules.minimum), bound(&rules.maximum), None)
                .and_then(|()| multiples(text, rules)),
            Json::Str(lit) => {
                let text = lit.value();
                check::string(&text, rules.min_length, rules.max_length, None, rules.format).and_then(|()| {
                    rules.patterns.iter().try_for_each(|p| check::string(&text, None, None, Some(p), None))
                })
            }
            Json::Array(items, _) => {
                if let Some(inner) = &rules.items {
                    items.iter().for_each(|item| self.check_rules(item, inner, pointer, errors));
                }
                let duplicate = rules.unique_items.then(|| {
                    items
                        .iter()
                        .enumerate()
                        .find_map(|(j, b)| items[..j].iter().position(|a| a.same(b)).map(|i| (i, j)))
                });
                match duplicate.flatten() {
                    Some((i, j)) => Err(check::duplicate(i, j)),
                    None => check::items(items.len(), rules.min_items, rules.max_items),
                }
            }
            Json::Object(entries, _) => {
                if let Some(inner) = &rules.values {
                    entries.iter().for_each(|(_, v)| self.check_rules(v, inner, pointer, errors));
                }
                if let Some(keys) = &rules.keys {
                    entries.iter().for_each(|(k, _)| self.check_rules(&Json::Str(k.clone()), keys, pointer, errors));
                }
                check::properties(entries.len(), rules.min_properties, rules.max_properties)
            }
            Json::Null(_) | Json::Bool(..) => Ok(()),
        };
        if let Err(message) = broken {
            errors.push(self.spec.error_at(value.span(), pointer, message));
        }
    }

    /// The struct a type names (through aliases and boxes), if it is one.
    fn named_struct(&self, ty: &Ty) -> Option<&TypeDef> {
        match ty {
            Ty::Boxed(inner) => self.named_struct(inner),
            Ty::Named(name) => match self.module.get(name)? {
                TypeDef::Alias(alias) => self.named_struct(&alias.ty),
                def @ TypeDef::Struct(_) => Some(def),
                TypeDef::Enum(_) => None,
            },
            _ => None,
        }
    }

    fn check_object(
        &self,
        entries: &[(LitStr, Json)],
        span: Span,
        s: &daplug_codegen::ir::Struct,
        skip: Option<&str>,
        errors: &mut Errors,
    ) {
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in entries {
            let wire = key.value();
            if Some(wire.as_str()) == skip {
                continue;
            }
            if seen.contains(&wire) {
                errors.push(syn::Error::new(key.span(), format!("duplicate key `{wire}`")));
                continue;
            }
            seen.push(wire.clone());
            match s.fields.iter().find(|f| f.wire_name == wire) {
                Some(field) => {
                    let ty = if field.optional { Ty::Option(Box::new(field.ty.clone())) } else { field.ty.clone() };
                    let before = errors.count();
                    self.check(value, &ty, &field.pointer, errors);
                    if let (Some(rules), true) = (&field.rules, errors.count() == before) {
                        self.check_rules(value, rules, &field.pointer, errors);
                    }
                }
                None => errors.push(self.spec.error_at(key.span(), &s.pointer, format!("unknown property `{wire}`"))),
            }
        }
        for field in s.fields.iter().filter(|f| !f.optional && f.default.is_none()) {
            if !seen.contains(&field.wire_name) {
                errors.push(self.spec.error_at(
                    span,
                    &field.pointer,
                    format!("missing required property `{}`", field.wire_name),
                ));
            }
        }
    }
}

/// A bound as `daplug-rules` takes it.
fn bound(bound: &Option<(String, bool)>) -> Option<Bound<'_>> {
    bound.as_ref().map(|(value, exclusive)| Bound { value, exclusive: *exclusive })
}

/// `text` against every `multipleOf`.
fn multiples(text: &str, rules: &Rules) -> Result<(), String> {
    rules.multiple_of.iter().try_for_each(|d| check::number(text, None, None, Some(d)))
}

/// How a type is named in messages.
fn label(ty: &Ty) -> String {
    match ty {
        Ty::String => "a string".into(),
        Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32 => "an integer".into(),
        Ty::Null => "null".into(),
        Ty::Nothing => "no value (the schema admits none)".into(),
        Ty::F64 | Ty::F32 | Ty::Decimal => "a number".into(),
        Ty::Bool => "a boolean".into(),
        Ty::Vec(_) => "an array".into(),
        Ty::Tuple(items) => format!("an array of {} items", items.len()),
        Ty::Map(_) | Ty::Object => "an object".into(),
        Ty::Option(inner) | Ty::Boxed(inner) => label(inner),
        Ty::Json | Ty::Rust(_) => "any value".into(),
        Ty::Named(name) => format!("`{name}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "components:
  schemas:
    Order:
      required: [pk, qty]
      properties:
        pk: {type: string}
        qty: {type: integer, format: int32}
        price: {type: number}
        note: {type: string, nullable: true}
        tags: {type: array, items: {type: string}}
        status: {type: string, enum: [open, closed]}
        meta: {additionalProperties: {type: integer}}
        line: {properties: {sku: {type: string}}, required: [sku]}
        any: {}
        choice: {oneOf: [{type: string}, {type: integer}]}
";

    fn run(src: &str) -> Result<String, String> {
        let spec = Spec::parse("t.yml", SPEC, Span::call_site()).expect("spec");
        let input: Input = syn::parse_str(src).map_err(|e| e.to_string())?;
        expand_with(&spec, &input)
            .map(|t| t.to_string())
            .map_err(|e| e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
    }

    #[test]
    fn valid_payload_expands_to_from_json() {
        let out = run(r#""t.yml", crate::Order {
            "pk": "a", "qty": -2, "price": 1, "note": null, "tags": ["x"], "status": "open",
            "meta": {"a": 1}, "line": {"sku": "s"}, "any": [1, {"b": null}], "choice": 3,
        }"#)
        .expect("valid");
        assert!(out.contains(":: daplug_runtime :: __private :: serde_json :: json ! ({"), "{out}");
        assert!(out.contains("< crate :: Order as :: daplug_runtime :: Model > :: from_json (& __payload)"), "{out}");
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        let err = run(r#""t.yml", Order {
            "qty": "2", "price": "x", "tags": [1], "status": "gone", "bogus": 1,
            "meta": {"a": "b"}, "line": {}, "choice": true, "pk": "a", "pk": "b"
        }"#)
        .expect_err("invalid");
        for expected in [
            "t.yml#/components/schemas/Order/properties/qty: expected an integer, found a string",
            "t.yml#/components/schemas/Order/properties/price: expected a number, found a string",
            "t.yml#/components/schemas/Order/properties/tags/items: expected a string, found an integer",
            "t.yml#/components/schemas/Order/properties/status/enum: `gone` is not one of: open, closed",
            "t.yml#/components/schemas/Order: unknown property `bogus`",
            "t.yml#/components/schemas/Order/properties/meta/additionalProperties: expected an integer, found a string",
            "t.yml#/components/schemas/Order/properties/line/properties/sku: missing required property `sku`",
            "t.yml#/components/schemas/Order/properties/choice: a boolean matches none of the alternatives",
            "duplicate key `pk`",
        ] {
            assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
        }
        let err = run(r#""t.yml", Order { "qty": 1 }"#).expect_err("missing pk");
        assert!(err.contains("Order/properties/pk: missing required property `pk`"), "{err}");
        let err = run(r#""t.yml", Order { "pk": "a", "qty": 3000000000 }"#).expect_err("range");
        assert!(err.contains("integer out of range"), "{err}");
    }

    #[test]
    fn unknown_model_and_bad_tokens() {
        let err = run(r#""t.yml", Nope { }"#).expect_err("unknown");
        assert!(
            err.contains("t.yml#/components/schemas: no object schema generates the type `Nope` (models: Order)"),
            "{err}"
        );
        assert!(run(r#""t.yml", Order { "pk": some_var }"#).is_err());
        assert!(run(r#""t.yml", Order { pk: "a" }"#).is_err());
        assert!(run(r#""t.yml", Order ["a"]"#).is_err());
    }
}
