//! `#[daplug(schema = "openapi.yml", name = "Order")]`: checks a hand-written struct against a
//! component schema at compile time.
//!
//! Reported, each on the offending field (or the struct name for a missing field): a field whose wire
//! name is not a property, a field whose Rust type cannot hold the property's type, and a required
//! property with no field. The type check is deliberately one-sided: it only rejects what is certainly
//! wrong (a `String` for an `integer`, a `bool` for an `array`); a type it cannot see through (a user
//! type, an alias, `rust_decimal::Decimal`) is accepted and left to serde at run time.

use crate::syn_util::{generic_arg, option_inner, type_ident};
use daplug_codegen::ir::{EnumKind, Errors, Field, Module, Ty, TypeDef};
use daplug_codegen::lower;
use daplug_codegen::spec::Spec;

/// Runs the check; returns the absolute spec paths to track for rebuilds.
pub fn against_schema(
    file: &syn::LitStr,
    name: &syn::LitStr,
    ident: &syn::Ident,
    fields: &[Field],
) -> syn::Result<Vec<String>> {
    let spec = Spec::load(file)?;
    let module = lower::lower(&spec)?;
    let wanted = name.value();
    let def = module
        .defs
        .iter()
        .find(|d| match d {
            TypeDef::Struct(s) => s.model.as_ref().is_some_and(|m| m.schema_name == wanted) || s.name == wanted,
            _ => false,
        })
        .ok_or_else(|| {
            syn::Error::new(
                name.span(),
                format!("{}: no object schema named `{wanted}` under /components/schemas", spec.file),
            )
        })?;
    let TypeDef::Struct(schema) = def else {
        return Ok(Vec::new());
    };
    let mut errors = Errors::default();
    for field in fields {
        let Some(prop) = schema.fields.iter().find(|p| p.wire_name == field.wire_name) else {
            let known: Vec<&str> = schema.fields.iter().map(|p| p.wire_name.as_str()).collect();
            errors.push(spec.error_at(
                field.span,
                &schema.pointer,
                format!("unknown property `{}` (the schema has: {})", field.wire_name, known.join(", ")),
            ));
            continue;
        };
        if let Ty::Rust(ty) = &field.ty {
            if let Err(found) = compatible(ty, &prop.ty, &module) {
                errors.push(spec.error_at(
                    field.span,
                    &prop.pointer,
                    format!("expected {}, found `{found}`", label(&prop.ty, &module)),
                ));
            }
        }
    }
    for prop in schema.fields.iter().filter(|p| !p.optional && p.default.is_none()) {
        if !fields.iter().any(|f| f.wire_name == prop.wire_name) {
            errors.push(spec.error_at(
                ident.span(),
                &prop.pointer,
                format!("required property `{}` has no field", prop.wire_name),
            ));
        }
    }
    errors.finish(module.includes)
}

/// What a Rust type certainly is, as far as the check can tell.
enum Kind<'a> {
    Str,
    Int,
    Float,
    Bool,
    Seq(Option<&'a syn::Type>),
    Map(Option<&'a syn::Type>),
    Decimal,
    Unknown,
}

fn kind(ty: &syn::Type) -> Kind<'_> {
    let Some(ident) = type_ident(ty) else {
        return Kind::Unknown;
    };
    match ident.as_str() {
        "String" | "str" | "Cow" => Kind::Str,
        "bool" => Kind::Bool,
        "f32" | "f64" => Kind::Float,
        "Decimal" => Kind::Decimal,
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" => Kind::Seq(generic_arg(ty, &ident)),
        "HashMap" | "BTreeMap" => Kind::Map(map_value(ty)),
        other if is_integer(other) => Kind::Int,
        _ => Kind::Unknown,
    }
}

/// True for Rust's integer type names.
pub fn is_integer(ident: &str) -> bool {
    matches!(ident, "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize")
}

fn map_value(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(1)
}

/// `Ok` when `ty` may hold `expected`; `Err(found)` with the Rust type's text otherwise.
fn compatible(ty: &syn::Type, expected: &Ty, module: &Module) -> Result<(), String> {
    let ty = option_inner(ty).unwrap_or(ty);
    let ty = generic_arg(ty, "Box").unwrap_or(ty);
    let found = || quote::quote!(#ty).to_string().replace(' ', "");
    let k = kind(ty);
    let ok = match (expected, &k) {
        (Ty::Option(inner) | Ty::Boxed(inner), _) => return compatible(ty, inner, module),
        (Ty::Json | Ty::Rust(_), _) | (_, Kind::Unknown) => true,
        (Ty::String, Kind::Str) | (Ty::Bool, Kind::Bool) => true,
        (Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32, Kind::Int) | (Ty::F64 | Ty::F32, Kind::Float) => true,
        // A decimal field may hold any number of the schema exactly; an `f64` field for a
        // `format: decimal` property would round it, so that is a mismatch.
        (Ty::Decimal | Ty::F64 | Ty::F32 | Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32, Kind::Decimal) => true,
        (Ty::Object, Kind::Map(_)) => true,
        (Ty::Vec(inner), Kind::Seq(item)) | (Ty::Map(inner), Kind::Map(item)) => {
            return item.map_or(Ok(()), |item| compatible(item, inner, module));
        }
        (Ty::Named(name), _) => match module.get(name) {
            Some(TypeDef::Alias(alias)) => return compatible(ty, &alias.ty, module),
            Some(TypeDef::Enum(e)) if matches!(e.kind, EnumKind::Strings(_)) => {
                matches!(k, Kind::Str)
            }
            Some(TypeDef::Enum(e)) if matches!(e.kind, EnumKind::Integers(_)) => matches!(k, Kind::Int),
            Some(TypeDef::Struct(_)) => matches!(k, Kind::Map(_)),
            _ => false,
        },
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(found())
    }
}

/// How a schema type is named in messages.
fn label(ty: &Ty, module: &Module) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32 => "integer".into(),
        Ty::Null => "null".into(),
        Ty::Nothing => "nothing (the schema admits no value)".into(),
        Ty::F64 | Ty::F32 => "number".into(),
        Ty::Decimal => "daplug_runtime::Decimal".into(),
        Ty::Bool => "boolean".into(),
        Ty::Json | Ty::Rust(_) => "any value".into(),
        Ty::Vec(inner) => format!("array of {}", label(inner, module)),
        Ty::Tuple(items) => format!("array of {} items", items.len()),
        Ty::Map(inner) => format!("map of {}", label(inner, module)),
        Ty::Object => "object".into(),
        Ty::Option(inner) | Ty::Boxed(inner) => label(inner, module),
        Ty::Named(name) => match module.get(name) {
            Some(TypeDef::Alias(alias)) => label(&alias.ty, module),
            Some(TypeDef::Enum(e)) if matches!(e.kind, EnumKind::Strings(_)) => {
                format!("string enum `{name}`")
            }
            Some(TypeDef::Enum(e)) if matches!(e.kind, EnumKind::Integers(_)) => format!("integer enum `{name}`"),
            _ => format!("object `{name}`"),
        },
    }
}
