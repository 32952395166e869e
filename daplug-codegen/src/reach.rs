//! Which JSON values a generated type accepts, compared between two types ([`covers`]): the
//! order in which an untagged union tries its alternatives, and the check that none of them is
//! unreachable.
//!
//! An untagged enum reads a value as its **first** alternative that accepts it, so an alternative
//! after one that accepts everything it accepts is never chosen (`String` before a string enum:
//! the known values are never recognised; `f64` before `i64`; a map of any value before a struct;
//! `serde_json::Value` before anything). [`order`] puts the most specific first and merges
//! alternatives that accept exactly the same values (`{type: string, format: uuid}` and
//! `{type: string, pattern: ...}` are both `String`); [`unreachable()`] lists what is left, which the
//! corpus test requires to be nothing.
//!
//! `covers(a, b)` answers "does `a` accept every value `b` accepts?", as serde reads JSON into
//! the generated types, and only says yes when that is certain: a `false` for types that do cover
//! each other (recursion past a few levels, unions compared with structs) keeps the schema's order,
//! which is what an untagged enum did before.

use std::collections::BTreeSet;

use crate::ir::{Alternative, EnumKind, Field, Struct, Ty, TypeDef};

/// How far [`covers`] follows named types into each other before it answers "not certain".
const DEPTH: usize = 8;

/// Finds a generated type by its Rust name.
pub type Lookup<'a> = dyn Fn(&str) -> Option<&'a TypeDef> + 'a;

/// Does every JSON value that `b` accepts also read as `a`?
pub fn covers<'a: 'b, 'b>(a: &'b Ty, b: &'b Ty, lookup: &Lookup<'a>) -> bool {
    covers_at(a, b, lookup, 0)
}

/// The view of a type that acceptance depends on: aliases and boxes see through.
enum View<'a> {
    Ty(&'a Ty),
    Struct(&'a Struct),
    Strings(BTreeSet<&'a str>),
    Integers(BTreeSet<i64>),
    Tagged(&'a [Alternative]),
    Untagged(&'a [Alternative]),
}

fn view<'a: 'b, 'b>(mut ty: &'b Ty, lookup: &Lookup<'a>) -> View<'b> {
    for _ in 0..DEPTH {
        match ty {
            Ty::Boxed(inner) => ty = inner,
            Ty::Named(name) => match lookup(name) {
                Some(TypeDef::Alias(alias)) => ty = &alias.ty,
                Some(TypeDef::Struct(s)) => return View::Struct(s),
                Some(TypeDef::Enum(e)) => {
                    return match &e.kind {
                        EnumKind::Strings(vs) => View::Strings(vs.iter().map(|v| v.wire.as_str()).collect()),
                        EnumKind::Integers(vs) => View::Integers(vs.iter().map(|v| v.value).collect()),
                        EnumKind::OneOf { tag: Some(_), alternatives } => View::Tagged(alternatives),
                        EnumKind::OneOf { tag: None, alternatives } => View::Untagged(alternatives),
                    }
                }
                None => return View::Ty(ty),
            },
            _ => return View::Ty(ty),
        }
    }
    View::Ty(ty)
}

fn covers_at<'a: 'b, 'b>(a: &'b Ty, b: &'b Ty, lookup: &Lookup<'a>, depth: usize) -> bool {
    if depth > DEPTH {
        return false;
    }
    if a == b {
        return true;
    }
    let next = depth + 1;
    // A newtype read through its constraints accepts only what they admit, which this comparison
    // does not model: it covers nothing but itself (what it accepts is still its type's, below,
    // when it is `b`).
    if let Ty::Named(name) = a {
        if matches!(lookup(name), Some(TypeDef::Alias(alias)) if alias.newtype && alias.rules.is_some()) {
            return false;
        }
    }
    let (va, vb) = (view(a, lookup), view(b, lookup));
    // Unions first: `b` is covered when each of its alternatives is; `a` covers what one of its
    // (untagged) alternatives covers.
    match &vb {
        View::Tagged(alts) | View::Untagged(alts) => {
            return alts.iter().all(|alt| covers_at(a, &alt.ty, lookup, next));
        }
        _ => {}
    }
    if let View::Untagged(alts) = &va {
        return alts.iter().any(|alt| covers_at(&alt.ty, b, lookup, next));
    }
    match (va, vb) {
        (View::Ty(Ty::Json), _) => true,
        (_, View::Ty(Ty::Json)) => false,
        (View::Ty(Ty::Option(x)), View::Ty(Ty::Option(y))) => covers_at(x, y, lookup, next),
        (View::Ty(Ty::Option(x)), _) => covers_at(x, b, lookup, next),
        (_, View::Ty(Ty::Option(_))) => false,
        (View::Ty(Ty::String), View::Ty(Ty::String) | View::Strings(_)) => true,
        (View::Strings(a), View::Strings(b)) => b.is_subset(&a),
        (View::Ty(Ty::F64 | Ty::F32 | Ty::Decimal), View::Ty(t)) => is_number(t),
        (View::Ty(Ty::F64 | Ty::F32 | Ty::Decimal), View::Integers(_)) => true,
        (View::Ty(Ty::I64), View::Ty(Ty::I64 | Ty::I32 | Ty::U32) | View::Integers(_)) => true,
        (View::Ty(Ty::I32), View::Ty(Ty::I32)) => true,
        (View::Ty(Ty::I32), View::Integers(values)) => values.iter().all(|v| i32::try_from(*v).is_ok()),
        (View::Ty(Ty::U64), View::Ty(Ty::U64 | Ty::U32)) => true,
        (View::Ty(Ty::U64), View::Integers(values)) => values.iter().all(|v| *v >= 0),
        (View::Ty(Ty::U32), View::Ty(Ty::U32)) => true,
        (View::Ty(Ty::U32), View::Integers(values)) => values.iter().all(|v| u32::try_from(*v).is_ok()),
        (View::Integers(a), View::Integers(b)) => b.is_subset(&a),
        (View::Ty(Ty::Bool), View::Ty(Ty::Bool)) => true,
        (View::Ty(Ty::Null), View::Ty(Ty::Null)) => true,
        // No input reaches an alternative that admits nothing; anything covers it.
        (_, View::Ty(Ty::Nothing)) => true,
        (View::Ty(Ty::Vec(x)), View::Ty(Ty::Vec(y))) => covers_at(x, y, lookup, next),
        (View::Ty(Ty::Vec(x)), View::Ty(Ty::Tuple(ys))) => ys.iter().all(|y| covers_at(x, y, lookup, next)),
        (View::Ty(Ty::Tuple(xs)), View::Ty(Ty::Tuple(ys))) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| covers_at(x, y, lookup, next))
        }
        (View::Ty(Ty::Object), View::Ty(Ty::Object | Ty::Map(_)) | View::Struct(_) | View::Tagged(_)) => true,
        (View::Ty(Ty::Map(x)), View::Ty(Ty::Object)) => matches!(**x, Ty::Json),
        (View::Ty(Ty::Map(x)), View::Ty(Ty::Map(y))) => covers_at(x, y, lookup, next),
        (View::Ty(Ty::Map(x)), View::Struct(s)) => {
            matches!(**x, Ty::Json) || (s.deny_unknown && s.fields.iter().all(|f| covers_at(x, &f.ty, lookup, next)))
        }
        (View::Struct(a), View::Struct(b)) => struct_covers(a, b, lookup, next),
        (View::Struct(a), View::Ty(Ty::Object)) => {
            // `{}` and any entry: only a struct that needs nothing and reads any value.
            !a.deny_unknown && a.fields.iter().all(|f| f.optional && matches!(f.ty, Ty::Json))
        }
        (View::Struct(a), View::Ty(Ty::Map(x))) => {
            !a.deny_unknown && a.fields.iter().all(|f| f.optional && covers_at(&f.ty, x, lookup, next))
        }
        _ => false,
    }
}

fn is_number(t: &Ty) -> bool {
    matches!(t, Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32 | Ty::F64 | Ty::F32 | Ty::Decimal)
}

/// Does struct `a` read every object struct `b` reads?
fn struct_covers<'a: 'b, 'b>(a: &'b Struct, b: &'b Struct, lookup: &Lookup<'a>, depth: usize) -> bool {
    if a.name == b.name {
        return true;
    }
    // Objects `b` reads may carry entries `b` skips; `a` must skip them too.
    if a.deny_unknown && !b.deny_unknown {
        return false;
    }
    let find = |s: &'b Struct, name: &str| -> Option<&'b Field> { s.fields.iter().find(|f| f.wire_name == name) };
    if a.deny_unknown && b.fields.iter().any(|f| find(a, &f.wire_name).is_none()) {
        return false;
    }
    a.fields.iter().all(|fa| match find(b, &fa.wire_name) {
        // `a` needs it: `b` must need it too, with a value `a` reads.
        Some(fb) if !fa.optional => !fb.optional && covers_at(&fa.ty, &fb.ty, lookup, depth),
        Some(fb) => covers_at(&fa.ty, &fb.ty, lookup, depth),
        // `b` never has it: when `b` refuses unknown entries, an optional field of `a` is fine.
        None if b.deny_unknown => fa.optional,
        // `b` skips it whatever it holds: `a` must need nothing and read anything there.
        None => fa.optional && matches!(fa.ty, Ty::Json),
    })
}

/// The alternatives of an untagged union in the order to try them (the most specific first:
/// stable, so alternatives that cannot be told apart keep the schema's order), with those that read
/// exactly what an earlier one reads merged into it (its doc says so).
pub fn order(alternatives: Vec<Alternative>, lookup: &Lookup<'_>) -> Vec<Alternative> {
    // Merge equivalents first (the later into the earlier).
    let mut kept: Vec<Alternative> = Vec::new();
    for alt in alternatives {
        let same = kept.iter().position(|k| covers(&k.ty, &alt.ty, lookup) && covers(&alt.ty, &k.ty, lookup));
        match same {
            Some(i) => {
                let note =
                    format!("Also stands for the alternative read as `{}`, which accepts the same values.", alt.ident);
                let doc = match kept[i].doc.take() {
                    Some(doc) => format!("{doc}\n\n{note}"),
                    None => note,
                };
                kept[i].doc = Some(doc);
            }
            None => kept.push(alt),
        }
    }
    // Then a stable topological order: `j` goes before `i` when `i` strictly covers `j`.
    let n = kept.len();
    let before = |j: usize, i: usize| {
        let (a, b) = (&kept[i].ty, &kept[j].ty);
        covers(a, b, lookup) && !covers(b, a, lookup)
    };
    let mut placed = vec![false; n];
    let mut sequence = Vec::with_capacity(n);
    for _ in 0..n {
        let ready = (0..n).find(|&i| !placed[i] && (0..n).all(|j| placed[j] || j == i || !before(j, i)));
        // A cycle (only possible where `covers` is not transitive) keeps the schema's order.
        let next = ready.or_else(|| (0..n).find(|&i| !placed[i])).unwrap_or_default();
        placed[next] = true;
        sequence.push(next);
    }
    let mut slots: Vec<Option<Alternative>> = kept.into_iter().map(Some).collect();
    sequence.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The variants of an untagged union that no input reaches: each one covered by an earlier one.
pub fn unreachable<'b>(alternatives: &'b [Alternative], lookup: &Lookup<'_>) -> Vec<&'b str> {
    alternatives
        .iter()
        .enumerate()
        .filter(|(j, b)| alternatives[..*j].iter().any(|a| covers(&a.ty, &b.ty, lookup)))
        .map(|(_, b)| b.ident.as_str())
        .collect()
}
