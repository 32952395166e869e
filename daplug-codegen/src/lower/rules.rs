//! The constraints on a value ([`Rules`]): the validation keywords of its schema and of every
//! schema its type comes through (`$ref`s to schemas that are no type of their own, `allOf`
//! members, the one alternative of a nullable `oneOf`), merged as their intersection: the
//! strictest bound wins, all patterns must match. A list's items and a map's values get rules of
//! their own. A schema that is a type of its own (a struct, an enum) checks itself, so a `$ref` to
//! one adds nothing here.
//!
//! A keyword whose value the spec gets wrong (`minLength: -1`, `multipleOf: 0`, a pattern that is
//! no ECMA-262 regular expression) is a compile error naming it.

use std::cmp::Ordering;

use daplug_rules::{number, pattern, Format};

use super::{Lowerer, Shape};
use crate::ir::{Enum, EnumKind, Rules, Ty, TypeDef};
use crate::spec::join;
use crate::value::Value;

/// How deep the `$ref` / `allOf` / `items` chain is followed (a cycle stops here).
const DEPTH: usize = 16;

impl Lowerer<'_> {
    /// The constraints on a value of the schema `value` (at `at`); `None` when it has none.
    pub(super) fn rules_of(&self, value: &Value, at: &str) -> syn::Result<Option<Rules>> {
        if !self.checks.0 {
            return Ok(None);
        }
        let rules = self.collect(value, at, 0)?;
        Ok((!rules.is_empty()).then_some(rules))
    }

    fn collect(&self, value: &Value, at: &str, depth: usize) -> syn::Result<Rules> {
        let spec = self.spec;
        let mut rules = Rules::default();
        if depth > DEPTH || value.as_mapping().is_none() {
            return Ok(rules);
        }
        let shape = self.shape(value, at)?;
        if matches!(shape, Shape::Object | Shape::OneOf(_) | Shape::Inheritance(_)) {
            // A struct or a union checks its own fields and alternatives.
            return Ok(rules);
        }
        own(self, value, at, &mut rules)?;
        if value.get("prefixItems").is_some() || value.get("items").is_some_and(Value::is_sequence) {
            // A tuple's length is its type's; its positions' constraints are not checked.
            (rules.min_items, rules.max_items, rules.unique_items) = (None, None, false);
        }
        match shape {
            Shape::Ref(target) | Shape::Member(target) => {
                let target_value = spec.lookup(&target).unwrap_or(&Value::Null);
                if !self.is_own_type(target_value, &target)? {
                    merge(&mut rules, self.collect(target_value, &target, depth + 1)?);
                }
            }
            Shape::Other => {
                if let Some(members) = value.get("allOf").and_then(Value::as_sequence) {
                    for (i, member) in members.iter().enumerate() {
                        let member_at = join(&join(at, "allOf"), &i.to_string());
                        merge(&mut rules, self.collect(member, &member_at, depth + 1)?);
                    }
                }
                if let Some(items @ Value::Mapping(_)) = value.get("items") {
                    let inner = self.collect(items, &join(at, "items"), depth + 1)?;
                    if !inner.is_empty() {
                        rules.items = Some(Box::new(inner));
                    }
                }
                if let Some(names @ Value::Mapping(_)) = value.get("propertyNames") {
                    let inner = self.collect(names, &join(at, "propertyNames"), depth + 1)?;
                    if !inner.is_empty() {
                        rules.keys = Some(Box::new(inner));
                    }
                }
                if let Some((patterns, schema)) = super::pattern_map(value) {
                    // A key matches one of the patterns (each anchored as written, as JSON
                    // Schema matches them anywhere in the key).
                    for p in &patterns {
                        if let Some(reason) = pattern::unsupported(p) {
                            let at = join(&join(at, "patternProperties"), p);
                            return Err(spec.error(&at, reason));
                        }
                    }
                    let any = match patterns.as_slice() {
                        [one] => one.clone(),
                        several => several.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("|"),
                    };
                    let keys = rules.keys.get_or_insert_with(Box::default);
                    push_new(&mut keys.patterns, any);
                    if let Some(schema) = schema {
                        let first = join(&join(at, "patternProperties"), &patterns[0]);
                        let inner = self.collect(schema, &first, depth + 1)?;
                        if !inner.is_empty() {
                            rules.values = Some(Box::new(inner));
                        }
                    }
                }
                if let Some(extra @ Value::Mapping(_)) = value.get("additionalProperties") {
                    let inner = self.collect(extra, &join(at, "additionalProperties"), depth + 1)?;
                    if !inner.is_empty() {
                        rules.values = Some(Box::new(inner));
                    }
                }
            }
            // An enum of values: its values are its type.
            _ => {}
        }
        Ok(rules)
    }

    /// Whether the schema at `at` is a type of its own (checks itself).
    fn is_own_type(&self, value: &Value, at: &str) -> syn::Result<bool> {
        Ok(matches!(
            self.shape(value, at)?,
            Shape::Object | Shape::OneOf(_) | Shape::StrEnum(_) | Shape::IntEnum(_) | Shape::Inheritance(_)
        ))
    }
}

/// The keywords of `value` itself.
fn own(lowerer: &Lowerer<'_>, value: &Value, at: &str, rules: &mut Rules) -> syn::Result<()> {
    let spec = lowerer.spec;
    let bound = |key: &str| -> syn::Result<Option<String>> {
        match value.get(key) {
            None | Some(Value::Bool(_)) => Ok(None),
            Some(Value::Number(n)) if number::cmp(n.text(), "0").is_some() => Ok(Some(n.text().to_owned())),
            Some(other) => Err(spec.error(&join(at, key), format!("`{key}` must be a number, found {}", other.kind()))),
        }
    };
    let flag = |key: &str| value.get(key).and_then(Value::as_bool) == Some(true);
    // `minimum` with 3.0's boolean `exclusiveMinimum`, and 3.1's numeric `exclusiveMinimum`.
    if let Some(min) = bound("minimum")? {
        tighten(&mut rules.minimum, (min, flag("exclusiveMinimum")), Ordering::Greater);
    }
    if let Some(min) = bound("exclusiveMinimum")? {
        tighten(&mut rules.minimum, (min, true), Ordering::Greater);
    }
    if let Some(max) = bound("maximum")? {
        tighten(&mut rules.maximum, (max, flag("exclusiveMaximum")), Ordering::Less);
    }
    if let Some(max) = bound("exclusiveMaximum")? {
        tighten(&mut rules.maximum, (max, true), Ordering::Less);
    }
    if let Some(divisor) = bound("multipleOf")? {
        if number::cmp(&divisor, "0") != Some(Ordering::Greater) {
            return Err(spec.error(&join(at, "multipleOf"), "`multipleOf` must be greater than 0"));
        }
        push_new(&mut rules.multiple_of, divisor);
    }
    let count = |key: &str| -> syn::Result<Option<usize>> {
        match value.get(key) {
            None => Ok(None),
            Some(found) => found.as_u64().and_then(|n| usize::try_from(n).ok()).map(Some).ok_or_else(|| {
                spec.error(&join(at, key), format!("`{key}` must be a non-negative integer, found {}", found.kind()))
            }),
        }
    };
    rules.min_length = rules.min_length.max(count("minLength")?);
    rules.max_length = min_of(rules.max_length, count("maxLength")?);
    rules.min_items = rules.min_items.max(count("minItems")?);
    rules.max_items = min_of(rules.max_items, count("maxItems")?);
    rules.min_properties = rules.min_properties.max(count("minProperties")?);
    rules.max_properties = min_of(rules.max_properties, count("maxProperties")?);
    rules.unique_items |= flag("uniqueItems");
    if let Some(source) = value.get("pattern") {
        let Some(source) = source.as_str() else {
            return Err(spec.error(&join(at, "pattern"), "`pattern` must be a string"));
        };
        if let Some(reason) = pattern::unsupported(source) {
            return Err(spec.error(&join(at, "pattern"), reason));
        }
        push_new(&mut rules.patterns, source.to_owned());
    }
    let is_string = matches!(value.get("type").and_then(Value::as_str), None | Some("string"));
    if let Some(format) = value.get("format").and_then(Value::as_str).and_then(Format::from_name) {
        if is_string && rules.format.is_none() && lowerer.checks.1 {
            rules.format = Some(format);
        }
    }
    Ok(())
}

/// Keeps the stricter of two bounds: `wins` is the order in which `new` beats the old one
/// (`Greater` for a minimum); at equal values the exclusive one.
fn tighten(old: &mut Option<(String, bool)>, new: (String, bool), wins: Ordering) {
    let replace = match old {
        None => true,
        Some((text, exclusive)) => match number::cmp(&new.0, text) {
            Some(order) if order == wins => true,
            Some(Ordering::Equal) => new.1 && !*exclusive,
            _ => false,
        },
    };
    if replace {
        *old = Some(new);
    }
}

fn push_new(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// `other`'s rules added to `rules` (their intersection).
pub(super) fn merge(rules: &mut Rules, other: Rules) {
    if let Some(min) = other.minimum {
        tighten(&mut rules.minimum, min, Ordering::Greater);
    }
    if let Some(max) = other.maximum {
        tighten(&mut rules.maximum, max, Ordering::Less);
    }
    other.multiple_of.into_iter().for_each(|d| push_new(&mut rules.multiple_of, d));
    other.patterns.into_iter().for_each(|p| push_new(&mut rules.patterns, p));
    rules.min_length = rules.min_length.max(other.min_length);
    rules.max_length = min_of(rules.max_length, other.max_length);
    rules.min_items = rules.min_items.max(other.min_items);
    rules.max_items = min_of(rules.max_items, other.max_items);
    rules.min_properties = rules.min_properties.max(other.min_properties);
    rules.max_properties = min_of(rules.max_properties, other.max_properties);
    rules.unique_items |= other.unique_items;
    rules.format = rules.format.or(other.format);
    for (mine, theirs) in
        [(&mut rules.items, other.items), (&mut rules.values, other.values), (&mut rules.keys, other.keys)]
    {
        match (mine.as_mut(), theirs) {
            (Some(mine), Some(theirs)) => merge(mine, *theirs),
            (None, Some(theirs)) => *mine = Some(theirs),
            _ => {}
        }
    }
}

fn min_of(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Marks every type that is checked before it is written (`validates`): a struct with a field that
/// has rules or whose type holds a type that is checked, a union with such an alternative, a
/// newtype around one; and each field whose type holds one. A fixed point, for recursive types.
pub(super) fn find_validating(defs: &mut [TypeDef]) {
    loop {
        let validating: std::collections::BTreeSet<String> =
            defs.iter().filter(|d| validates(d)).map(|d| d.name().to_owned()).collect();
        let aliases: std::collections::BTreeMap<String, Ty> = defs
            .iter()
            .filter_map(|d| match d {
                TypeDef::Alias(a) if !a.newtype => Some((a.name.clone(), a.ty.clone())),
                _ => None,
            })
            .collect();
        let holds = |ty: &Ty| holds_validating(ty, &validating, &aliases, 0);
        let mut changed = false;
        for def in defs.iter_mut() {
            match def {
                TypeDef::Struct(s) => {
                    for field in &mut s.fields {
                        let now = holds(&field.ty);
                        changed |= now != field.validates;
                        field.validates = now;
                    }
                    let now = s.fields.iter().any(|f| f.rules.is_some() || f.validates);
                    changed |= now != s.validates;
                    s.validates = now;
                }
                TypeDef::Enum(Enum { kind: EnumKind::OneOf { alternatives, .. }, validates, .. }) => {
                    for alternative in alternatives.iter_mut() {
                        let now = holds(&alternative.ty);
                        changed |= now != alternative.validates;
                        alternative.validates = now;
                    }
                    let now = alternatives.iter().any(|a| a.validates);
                    changed |= now != *validates;
                    *validates = now;
                }
                TypeDef::Alias(a) if a.newtype => {
                    let now = a.rules.is_some() || holds(&a.ty);
                    changed |= now != a.validates;
                    a.validates = now;
                }
                _ => {}
            }
        }
        if !changed {
            return;
        }
    }
}

fn validates(def: &TypeDef) -> bool {
    match def {
        TypeDef::Struct(s) => s.validates,
        TypeDef::Enum(e) => e.validates,
        TypeDef::Alias(a) => a.validates,
    }
}

fn holds_validating(
    ty: &Ty,
    validating: &std::collections::BTreeSet<String>,
    aliases: &std::collections::BTreeMap<String, Ty>,
    depth: usize,
) -> bool {
    if depth > DEPTH {
        return false;
    }
    match ty {
        Ty::Option(inner) | Ty::Boxed(inner) | Ty::Vec(inner) | Ty::Map(inner) => {
            holds_validating(inner, validating, aliases, depth + 1)
        }
        Ty::Named(name) => {
            validating.contains(name)
                || aliases.get(name).is_some_and(|ty| holds_validating(ty, validating, aliases, depth + 1))
        }
        _ => false,
    }
}
