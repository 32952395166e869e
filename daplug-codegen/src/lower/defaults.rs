//! A property's `default`: found on the property (or the schema its `$ref` names), checked against
//! the field's type and constraints while compiling (a default that does not fit is an error at
//! its pointer, never a run-time panic), and turned into the value an absent field reads as.

use super::Lowerer;
use crate::ir::{EnumKind, Literal, Rules, Ty, TypeDef};
use crate::spec::join;
use crate::value::Value;
use daplug_rules::{check, number, Bound};

/// How many `$ref`s are followed to find a `default`.
const REF_DEPTH: usize = 16;

impl Lowerer<'_> {
    /// The `default` of `schema`, following `$ref`s to the first schema that has one.
    /// `null` is no default: an optional field reads absent as `None` already.
    pub(super) fn default_of(&self, schema: &Value, at: &str) -> syn::Result<Option<Value>> {
        if !self.defaults {
            return Ok(None);
        }
        let (mut value, mut at) = (schema, at.to_owned());
        for _ in 0..REF_DEPTH {
            if let Some(default) = value.get("default") {
                return Ok((!default.is_null()).then(|| default.clone()));
            }
            match self.spec.reference(value, &at)? {
                Some(target) => {
                    value = self.spec.lookup(&target).unwrap_or(&Value::Null);
                    at = target;
                }
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    /// `value` as a literal of type `ty` that keeps `rules`; `Ok(None)` when it fits but generated
    /// code cannot spell it (a struct or a union: the field stays optional, its docs say so).
    pub(super) fn literal(
        &self,
        value: &Value,
        ty: &Ty,
        rules: Option<&Rules>,
        at: &str,
    ) -> syn::Result<Option<Literal>> {
        let fail = |message: String| self.spec.error(at, format!("the default does not fit the field: {message}"));
        if let Some(rules) = rules {
            keeps(value, rules).map_err(fail)?;
        }
        let integer = |n: &crate::value::Number, fits: bool| match fits {
            true => Ok(Some(Literal::Int(n.text().to_owned()))),
            false => Err(fail(format!("{} is out of range for {}", n.text(), label(ty)))),
        };
        Ok(match (ty, value) {
            (Ty::String, Value::String(s)) => Some(Literal::Str(s.clone())),
            (Ty::I64, Value::Number(n)) if is_integer(n.text()) => return integer(n, n.as_i64().is_some()),
            (Ty::I32, Value::Number(n)) if is_integer(n.text()) => {
                return integer(n, n.as_i64().is_some_and(|v| i32::try_from(v).is_ok()))
            }
            (Ty::U64, Value::Number(n)) if is_integer(n.text()) => return integer(n, n.as_u64().is_some()),
            (Ty::U32, Value::Number(n)) if is_integer(n.text()) => {
                return integer(n, n.as_u64().is_some_and(|v| u32::try_from(v).is_ok()))
            }
            (Ty::F64 | Ty::F32, Value::Number(n)) => Some(Literal::Float(float_text(n.text()))),
            (Ty::Decimal, Value::Number(n)) => {
                number::check(n.text()).map_err(fail)?;
                Some(Literal::Decimal(n.text().to_owned()))
            }
            (Ty::Bool, Value::Bool(b)) => Some(Literal::Bool(*b)),
            (Ty::Null, Value::Null) => Some(Literal::Unit),
            (Ty::Json, v) => Some(Literal::Json(v.clone())),
            (Ty::Object, Value::Mapping(m)) if m.is_empty() => Some(Literal::EmptyObject),
            (Ty::Map(_), Value::Mapping(m)) if m.is_empty() => Some(Literal::EmptyMap),
            (Ty::Object | Ty::Map(_), Value::Mapping(_)) => None,
            (Ty::Vec(inner), Value::Sequence(items)) => {
                let item_rules = rules.and_then(|r| r.items.as_deref());
                let mut literals = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match self.literal(item, inner, item_rules, &join(at, &i.to_string()))? {
                        Some(literal) => literals.push(literal),
                        None => return Ok(None),
                    }
                }
                Some(Literal::List(literals))
            }
            (Ty::Tuple(types), Value::Sequence(items)) if types.len() == items.len() => {
                let mut literals = Vec::new();
                for (i, (item, ty)) in items.iter().zip(types).enumerate() {
                    match self.literal(item, ty, None, &join(at, &i.to_string()))? {
                        Some(literal) => literals.push(literal),
                        None => return Ok(None),
                    }
                }
                Some(Literal::Tuple(literals))
            }
            (Ty::Tuple(types), Value::Sequence(items)) => {
                return Err(fail(format!("{} items, where the tuple has {}", items.len(), types.len())))
            }
            (Ty::Boxed(_), _) => None,
            (Ty::Option(_), Value::Null) => Some(Literal::None),
            (Ty::Option(inner), v) => self.literal(v, inner, None, at)?.map(|l| Literal::Some(Box::new(l))),
            (Ty::Named(name), v) => return self.named_literal(name, v, at),
            (Ty::Nothing, _) => return Err(fail("the schema admits no value".to_owned())),
            (_, v) => return Err(fail(format!("expected {}, found {}", label(ty), v.kind()))),
        })
    }

    /// A default for a generated type: an enum's variant, an alias's or newtype's value.
    fn named_literal(&self, name: &str, value: &Value, at: &str) -> syn::Result<Option<Literal>> {
        let fail = |message: String| self.spec.error(at, format!("the default does not fit the field: {message}"));
        let Some(def) = self.defs.values().find(|d| d.name() == name) else {
            return Ok(None);
        };
        match def {
            TypeDef::Alias(a) if a.newtype => Ok(self
                .literal(value, &a.ty, a.rules.as_ref(), at)?
                .map(|inner| Literal::Newtype { ty: name.to_owned(), inner: Box::new(inner) })),
            TypeDef::Alias(a) => self.literal(value, &a.ty, a.rules.as_ref(), at),
            TypeDef::Enum(e) => match (&e.kind, value) {
                (EnumKind::Strings(variants), Value::String(s)) => match variants.iter().find(|v| &v.wire == s) {
                    Some(v) => Ok(Some(Literal::Variant { ty: name.to_owned(), variant: v.ident.clone() })),
                    None => Err(fail(format!("`{s}` is not one of the values of `{name}`"))),
                },
                (EnumKind::Integers(variants), Value::Number(n)) => {
                    match variants.iter().find(|v| n.as_i64() == Some(v.value)) {
                        Some(v) => Ok(Some(Literal::Variant { ty: name.to_owned(), variant: v.ident.clone() })),
                        None => Err(fail(format!("{} is not one of the values of `{name}`", n.text()))),
                    }
                }
                (EnumKind::Strings(_), other) => Err(fail(format!("expected a string, found {}", other.kind()))),
                (EnumKind::Integers(_), other) => Err(fail(format!("expected an integer, found {}", other.kind()))),
                (EnumKind::OneOf { .. }, _) => Ok(None),
            },
            TypeDef::Struct(_) => match value {
                Value::Mapping(_) => Ok(None),
                other => Err(fail(format!("expected an object, found {}", other.kind()))),
            },
        }
    }
}

/// How a type is named in messages.
fn label(ty: &Ty) -> String {
    match ty {
        Ty::String => "a string".into(),
        Ty::I64 => "an integer (i64)".into(),
        Ty::I32 => "an integer (i32)".into(),
        Ty::U64 => "an integer (u64)".into(),
        Ty::U32 => "an integer (u32)".into(),
        Ty::F64 | Ty::F32 | Ty::Decimal => "a number".into(),
        Ty::Bool => "a boolean".into(),
        Ty::Null => "null".into(),
        Ty::Vec(_) | Ty::Tuple(_) => "an array".into(),
        Ty::Map(_) | Ty::Object => "an object".into(),
        Ty::Option(inner) | Ty::Boxed(inner) => label(inner),
        Ty::Named(name) => format!("`{name}`"),
        Ty::Json | Ty::Rust(_) | Ty::Nothing => "a value".into(),
    }
}

/// An integer as JSON writes one (no fraction, no exponent).
fn is_integer(text: &str) -> bool {
    !text.contains(['.', 'e', 'E'])
}

/// A JSON number as a Rust float literal (`1` → `1.0`).
fn float_text(text: &str) -> String {
    if text.contains(['.', 'e', 'E']) {
        text.to_owned()
    } else {
        format!("{text}.0")
    }
}

/// `value` against the scalar rules it falls under (bounds, lengths, patterns, formats, counts).
fn keeps(value: &Value, rules: &Rules) -> Result<(), String> {
    fn bound(b: &Option<(String, bool)>) -> Option<Bound<'_>> {
        b.as_ref().map(|(value, exclusive)| Bound { value, exclusive: *exclusive })
    }
    match value {
        Value::Number(n) => {
            check::number(n.text(), bound(&rules.minimum), bound(&rules.maximum), None)?;
            rules.multiple_of.iter().try_for_each(|d| check::number(n.text(), None, None, Some(d)))
        }
        Value::String(s) => {
            check::string(s, rules.min_length, rules.max_length, None, rules.format)?;
            rules.patterns.iter().try_for_each(|p| check::string(s, None, None, Some(p), None))
        }
        Value::Sequence(items) => check::items(items.len(), rules.min_items, rules.max_items),
        Value::Mapping(m) => check::properties(m.len(), rules.min_properties, rules.max_properties),
        Value::Null | Value::Bool(_) => Ok(()),
    }
}
