//! Recursive schemas, made into types that compile.
//!
//! - A struct field or enum alternative whose type leads back to its own type through plain fields
//!   is boxed (`Box<T>`), as a person would write a recursive struct.
//! - A type alias that mentions itself (`A: {type: array, items: {$ref: A}}`, a legal and useful
//!   schema) cannot be a `pub type`; it becomes a `#[serde(transparent)]` newtype.
//! - An alias cycle that defines nothing (`A: {$ref: B}`, `B: {$ref: A}`, or the same through
//!   `allOf`) has no type at all, and is an error naming the cycle.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{EnumKind, Ty, TypeDef};
use crate::spec::Spec;

/// Applies both fixes to the lowered types, or reports an alias cycle.
pub fn fix(spec: &Spec, defs: &mut [TypeDef]) -> syn::Result<()> {
    newtype_recursive_aliases(spec, defs)?;
    box_cycles(defs);
    Ok(())
}

/// Marks aliases that refer to themselves as newtypes; a cycle made only of aliases is an error.
fn newtype_recursive_aliases(spec: &Spec, defs: &mut [TypeDef]) -> syn::Result<()> {
    let aliases: BTreeMap<String, Ty> = defs
        .iter()
        .filter_map(|d| match d {
            TypeDef::Alias(a) => Some((a.name.clone(), a.ty.clone())),
            _ => None,
        })
        .collect();
    for def in defs.iter_mut() {
        let TypeDef::Alias(alias) = def else { continue };
        // Following only bare names (`type A = B;`, `type A = Option<B>;`): a return to `A` is a
        // cycle with no type in it.
        let mut seen = vec![alias.name.clone()];
        let mut current = alias.ty.clone();
        while let Some(next) = bare_name(&current) {
            if next == alias.name {
                seen.push(next);
                return Err(spec.error(&alias.pointer, format!("`$ref` cycle {} defines no type", seen.join(" → "))));
            }
            if seen.contains(&next) {
                break;
            }
            seen.push(next.clone());
            match aliases.get(&next) {
                Some(ty) => current = ty.clone(),
                None => break,
            }
        }
        if mentions(&alias.ty, &alias.name, &aliases, &mut BTreeSet::new()) {
            alias.newtype = true;
        }
    }
    Ok(())
}

/// The name an alias type is, once `Option` is peeled off.
fn bare_name(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Named(name) => Some(name.clone()),
        Ty::Option(inner) => bare_name(inner),
        _ => None,
    }
}

/// True when `ty` mentions `name`, looking through other aliases.
fn mentions(ty: &Ty, name: &str, aliases: &BTreeMap<String, Ty>, seen: &mut BTreeSet<String>) -> bool {
    match ty {
        Ty::Named(n) if n == name => true,
        Ty::Named(n) => seen.insert(n.clone()) && aliases.get(n).is_some_and(|t| mentions(t, name, aliases, seen)),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => mentions(inner, name, aliases, seen),
        _ => false,
    }
}

/// Boxes every field or alternative whose type leads, through non-collection types, back to itself.
fn box_cycles(defs: &mut [TypeDef]) {
    let edges: BTreeMap<String, BTreeSet<String>> = defs
        .iter()
        .map(|def| {
            let mut out = BTreeSet::new();
            match def {
                TypeDef::Struct(s) => s.fields.iter().for_each(|f| direct(&f.ty, &mut out)),
                TypeDef::Enum(e) => {
                    if let EnumKind::OneOf { alternatives, .. } = &e.kind {
                        alternatives.iter().for_each(|a| direct(&a.ty, &mut out));
                    }
                }
                TypeDef::Alias(a) => direct(&a.ty, &mut out),
            }
            (def.name().to_owned(), out)
        })
        .collect();
    let cyclic = |from: &str, ty: &Ty| {
        let mut targets = BTreeSet::new();
        direct(ty, &mut targets);
        targets.iter().any(|t| reaches(&edges, t, from))
    };
    for def in defs.iter_mut() {
        let name = def.name().to_owned();
        match def {
            TypeDef::Struct(s) => {
                for field in &mut s.fields {
                    if cyclic(&name, &field.ty) {
                        field.ty = Ty::Boxed(Box::new(field.ty.clone()));
                    }
                }
            }
            TypeDef::Enum(e) => {
                if let EnumKind::OneOf { alternatives, .. } = &mut e.kind {
                    for alt in alternatives {
                        if cyclic(&name, &alt.ty) {
                            alt.ty = Ty::Boxed(Box::new(alt.ty.clone()));
                        }
                    }
                }
            }
            TypeDef::Alias(a) => {
                if a.newtype && cyclic(&name, &a.ty) {
                    a.ty = Ty::Boxed(Box::new(a.ty.clone()));
                }
            }
        }
    }
}

/// Names a type holds inline (not behind `Vec`, `BTreeMap` or `Box`).
fn direct(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(name) => {
            out.insert(name.clone());
        }
        Ty::Option(inner) => direct(inner, out),
        _ => {}
    }
}

fn reaches(edges: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node.clone()) {
            stack.extend(edges.get(&node).into_iter().flatten().cloned());
        }
    }
    false
}
