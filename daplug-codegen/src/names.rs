//! Which schemas get a Rust type of their own, what it is called, and how collisions are resolved.
//!
//! **Named schemas** are the entries of `components/schemas` and the targets of external-file refs
//! (a whole file, `models/droplet.yml`, is named after its stem: `Droplet`; `pet.yml#/Pet` after its
//! last segment). Every other type is named from its location under a named schema
//! (`Order/properties/address` → `OrderAddress`, `…/items` → `…Item`, `…/additionalProperties` →
//! `…Value`, `…/oneOf/0` → `…Variant0`; `allOf/N` adds nothing).
//!
//! **Collisions** are resolved, never refused, by one rule: *the name is claimed in order, and a
//! later claimant takes the first free `Name2`, `Name3`, …*. The order is
//! 1. every component schema, in file order (so components keep their names whatever else exists;
//!    two components that map to one name, `account.business_profile` and
//!    `account_business_profile`, are disambiguated in file order);
//! 2. then, while lowering, nested types, external schemas and companion types (`<Name>Key`,
//!    `<Name>Patch`) in the order they are reached.
//!
//! So adding a schema never renames an existing type unless the new one claims that very name, and
//! the same spec always gives the same names. Fields and enum variants follow the same rule within
//! their type (`orderId` and `order_id` → `order_id`, `order_id_2`; `ASC` and `asc` → `Asc`, `Asc2`).

use std::collections::BTreeMap;

use crate::naming;
use crate::spec::{split, unescape};

/// Pointer segments that are schema keywords, not schema names.
const KEYWORDS: &[&str] =
    &["properties", "items", "additionalProperties", "allOf", "oneOf", "anyOf", "not", "components", "definitions"];

/// Rust type names claimed so far, with the location that claimed each.
#[derive(Default)]
pub struct Names {
    taken: BTreeMap<String, String>,
}

impl Names {
    /// Claims `wanted` for `location`, or the first free `wanted2`, `wanted3`, …; returns the name.
    pub fn claim(&mut self, wanted: &str, location: &str) -> String {
        let name = unique(wanted, |candidate| self.taken.contains_key(candidate), "");
        self.taken.insert(name.clone(), location.to_owned());
        name
    }

    /// The location that claimed `name`, if any.
    pub fn owner(&self, name: &str) -> Option<&str> {
        self.taken.get(name).map(String::as_str)
    }
}

/// `wanted` if `taken` says it is free, else `wanted{sep}2`, `wanted{sep}3`, …
pub fn unique(wanted: &str, taken: impl Fn(&str) -> bool, sep: &str) -> String {
    if !taken(wanted) {
        return wanted.to_owned();
    }
    // `V1` + `2` would read as `V12`: keep the counter apart from a trailing digit.
    let sep = if sep.is_empty() && wanted.ends_with(|c: char| c.is_ascii_digit()) { "X" } else { sep };
    (2..).map(|n| format!("{wanted}{sep}{n}")).find(|candidate| !taken(candidate)).unwrap_or_default()
}

/// True for `/components/schemas/<name>` itself (not something inside it).
pub fn is_component(location: &str) -> bool {
    location.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// True for a location that gets a named type: a component schema or an external schema
/// (a whole file, `file#/Name`, or `file#/components/schemas/Name`).
pub fn is_named(location: &str) -> bool {
    match split(location) {
        (None, pointer) => is_component(pointer),
        (Some(_), pointer) => {
            let segments: Vec<&str> = pointer.split('/').skip(1).collect();
            match segments.as_slice() {
                [] => true,
                [one] => !KEYWORDS.contains(one),
                ["components", "schemas", _] | ["definitions", _] => true,
                _ => false,
            }
        }
    }
}

/// The schema name as written, for a named location (`test-dynamo-model`, `droplet` for
/// `droplet.yml`).
pub fn schema_name(location: &str) -> String {
    let (base, _) = base_and_rest(location);
    base
}

/// The Rust type name the schema at `location` asks for (see the module docs); collisions are
/// resolved by [`Names::claim`].
pub fn type_name_for(location: &str) -> String {
    let (base, rest) = base_and_rest(location);
    let mut name = if base.is_empty() { String::new() } else { naming::type_name(&base) };
    let mut iter = rest.iter();
    while let Some(segment) = iter.next() {
        match segment.as_str() {
            "properties" => {
                if let Some(prop) = iter.next() {
                    name.push_str(&naming::type_name(prop));
                }
            }
            "items" => name.push_str("Item"),
            "additionalProperties" => name.push_str("Value"),
            "oneOf" | "anyOf" => {
                let index = iter.next().map(String::as_str).unwrap_or_default();
                name.push_str(&format!("Variant{index}"));
            }
            "allOf" => {
                iter.next();
            }
            other => name.push_str(&naming::type_name(other)),
        }
    }
    if name.is_empty() {
        "Root".to_owned()
    } else {
        name
    }
}

/// The schema name a location starts from and the pointer segments below it.
fn base_and_rest(location: &str) -> (String, Vec<String>) {
    let (file, pointer) = split(location);
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    match (file, segments.as_slice()) {
        (_, [c, s, schema, rest @ ..]) if c == "components" && s == "schemas" => (schema.clone(), rest.to_vec()),
        (Some(_), [d, schema, rest @ ..]) if d == "definitions" => (schema.clone(), rest.to_vec()),
        (Some(_), [first, rest @ ..]) if !KEYWORDS.contains(&first.as_str()) => (first.clone(), rest.to_vec()),
        (Some(file), all) => (stem(file), all.to_vec()),
        (None, all) => (String::new(), all.to_vec()),
    }
}

/// `resources/droplets/models/droplet.yml` → `droplet`.
fn stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.split('.').next().unwrap_or(name).to_owned()
}

/// Up to five names close to `name`: equal ignoring case and separators, containing it, or within a
/// small edit distance.
pub(crate) fn near_matches(name: &str, known: &[String]) -> Vec<String> {
    let fold =
        |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>();
    let wanted = fold(name);
    let limit = (wanted.len() / 3).max(2);
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .filter_map(|k| {
            let candidate = fold(k);
            let distance = edit_distance(&wanted, &candidate);
            let close = distance <= limit || (wanted.len() >= 4 && candidate.contains(&wanted));
            close.then_some((distance, k))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, k)| k.clone()).collect()
}

/// Levenshtein distance over bytes (names are folded to ASCII first).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_locations() {
        assert_eq!(type_name_for("/components/schemas/Order/properties/address"), "OrderAddress");
        assert_eq!(type_name_for("/components/schemas/Order/properties/tags/items"), "OrderTagsItem");
        assert_eq!(type_name_for("/components/schemas/Order/allOf/1/properties/x"), "OrderX");
        assert_eq!(type_name_for("/components/schemas/U/oneOf/2"), "UVariant2");
        assert_eq!(type_name_for("resources/droplets/models/droplet.yml#"), "Droplet");
        assert_eq!(type_name_for("models/droplet.yml#/properties/networks"), "DropletNetworks");
        assert_eq!(type_name_for("models/pet.yml#/Pet/properties/size"), "PetSize");
        assert_eq!(type_name_for("other.yml#/components/schemas/Thing"), "Thing");
    }

    #[test]
    fn named_locations() {
        assert!(is_named("/components/schemas/A"));
        assert!(!is_named("/components/schemas/A/properties/b"));
        assert!(is_named("models/a.yml#"));
        assert!(is_named("models/a.yml#/Pet"));
        assert!(!is_named("models/a.yml#/properties"));
        assert!(!is_named("models/a.yml#/Pet/properties/x"));
        assert_eq!(schema_name("models/kernel.yml#"), "kernel");
        assert_eq!(schema_name("/components/schemas/test-model"), "test-model");
    }

    #[test]
    fn later_claimants_give_way() {
        let mut names = Names::default();
        assert_eq!(names.claim("RichEmbedAuthor", "/components/schemas/RichEmbedAuthor"), "RichEmbedAuthor");
        assert_eq!(names.claim("RichEmbedAuthor", "/a"), "RichEmbedAuthor2");
        assert_eq!(names.claim("RichEmbedAuthor", "/b"), "RichEmbedAuthor3");
        assert_eq!(names.claim("V1", "/c"), "V1");
        assert_eq!(names.claim("V1", "/d"), "V1X2");
        assert_eq!(names.owner("RichEmbedAuthor2"), Some("/a"));
        assert_eq!(unique("order_id", |n| n == "order_id", "_"), "order_id_2");
    }
}
