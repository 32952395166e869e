//! Families: a discriminated union with `x-daplug` is a model of a table holding several entity
//! types (single-table design). The union's `x-daplug` gives the table's keys (properties every
//! variant holds), its lock attribute, indexes and partition-key prefix; each variant's own
//! `x-daplug` may add its sort-key prefix (`range_prefix: "LINE#"`) and indexes. Every variant
//! becomes a model of its own: the family's keys, its own prefix, its tag.
//!
//! Refused, each at its pointer:
//! - a union without a tag (a family is read back by its tag) or with an alternative that is not
//!   an object schema of its own;
//! - a key property or the tag property some variant lacks;
//! - keys, a lock attribute or a partition-key prefix on a variant (the partition is shared: they
//!   are the union's);
//! - a sort-key prefix on the union as well as on variants;
//! - sort-key prefixes on some variants only, or one that starts with another's (`LINE#` and
//!   `LINE#X`): a variant's query is kept to its items by `begins_with(sort key, its prefix)`, which
//!   reads the other's items too in either case.

use crate::ir::{Alternative, Companions, Enum, EnumKind, Family, KeyField, KeyMeta, Member, TypeDef};
use crate::meta;
use crate::names::{is_named, schema_name};
use crate::spec::join;

use super::Lowerer;

impl Lowerer<'_> {
    /// The families among the lowered unions, their variants' models completed; errors recorded.
    pub(super) fn find_families(&mut self) -> Vec<Family> {
        let spec = self.spec;
        let candidates: Vec<(String, String, Option<String>, Vec<Alternative>)> = self
            .defs
            .iter()
            .filter_map(|(at, def)| match def {
                TypeDef::Enum(Enum { name, kind: EnumKind::OneOf { tag, alternatives }, .. })
                    if is_named(at) && spec.lookup(at).and_then(|v| v.get("x-daplug")).is_some() =>
                {
                    Some((at.clone(), name.clone(), tag.clone(), alternatives.clone()))
                }
                _ => None,
            })
            .collect();
        let mut families = Vec::new();
        for (at, name, tag, alternatives) in candidates {
            let result = self.family(&at, &name, tag, &alternatives);
            if let Some(family) = self.errors.ok(result) {
                families.push(family);
            }
        }
        families
    }

    fn family(
        &mut self,
        at: &str,
        name: &str,
        tag: Option<String>,
        alternatives: &[Alternative],
    ) -> syn::Result<Family> {
        let spec = self.spec;
        let ext_at = join(at, "x-daplug");
        let Some(tag) = tag else {
            return Err(spec.error(
                &ext_at,
                format!(
                    "`{name}` has `x-daplug` but no tag: a family (several entity types in one table) is read back by \
                     its tag; give the union a `discriminator`"
                ),
            ));
        };
        // Each variant's struct, by location.
        let mut variants = Vec::new();
        for alternative in alternatives {
            let found = self.defs.iter().find_map(|(location, def)| match (def, &alternative.ty) {
                (TypeDef::Struct(s), crate::ir::Ty::Named(n)) if &s.name == n && is_named(location) => {
                    Some((location.clone(), s.clone()))
                }
                _ => None,
            });
            match found {
                Some(found) => variants.push((alternative, found)),
                None => {
                    return Err(spec.error(
                        at,
                        format!(
                            "variant `{}` of the family `{name}` is not an object schema of its own (a component): \
                             each variant of a family is a model",
                            alternative.ident
                        ),
                    ))
                }
            }
        }
        // `find_families` chose this union for its `x-daplug`, so the lookup finds it; an error, not a
        // panic, if that ever changes.
        let Some(ext) = spec.lookup(&ext_at) else {
            return Err(spec.error(at, format!("the family `{name}` has no `x-daplug`")));
        };
        let first_fields = &variants[0].1 .1.fields;
        let mut union_meta = meta::from_extension(spec, &schema_name(at), Some((ext, ext_at.clone())), first_fields)?;
        let keys: Vec<(&str, KeyField)> = [("hash_key", &union_meta.hash_key), ("range_key", &union_meta.range_key)]
            .into_iter()
            .filter_map(|(setting, key)| key.clone().map(|key| (setting, key)))
            .collect();
        if keys.is_empty() {
            return Err(spec.error(&ext_at, format!("the family `{name}` needs its table's `hash_key`")));
        }
        let mut errors = crate::ir::Errors::default();
        let mut members = Vec::new();
        for (alternative, (location, s)) in &variants {
            let own = s.model.clone().unwrap_or_default();
            let own_at = join(location, "x-daplug");
            for (setting, set) in [
                ("hash_key", own.hash_key.is_some()),
                ("range_key", own.range_key.is_some()),
                ("idempotence_key", own.idempotence_key.is_some()),
                ("hash_prefix", own.hash_prefix.is_some()),
            ] {
                if set {
                    errors.push(spec.error(
                        &join(&own_at, setting),
                        format!(
                            "`{setting}` on a variant of the family `{name}`: the partition is shared, so the keys, the \
                             lock attribute and the partition-key prefix are the union's (a variant may set its \
                             `range_prefix` and `indexes`)"
                        ),
                    ));
                }
            }
            let mut variant_keys = Vec::new();
            for (setting, key) in &keys {
                match s.fields.iter().find(|f| f.wire_name == key.attr.wire) {
                    Some(field) => variant_keys.push(KeyField {
                        attr: key.attr.clone(),
                        ident: field.ident.clone(),
                        ty: field.ty.strip_option().clone(),
                    }),
                    None => errors.push(spec.error(
                        &join(&ext_at, setting),
                        format!(
                            "variant `{}` of the family `{name}` has no property `{}`: every variant holds the table's keys",
                            s.name, key.attr.wire
                        ),
                    )),
                }
            }
            if !s.fields.iter().any(|f| f.wire_name == tag) {
                errors.push(spec.error(
                    location,
                    format!(
                        "variant `{}` of the family `{name}` declares no property `{tag}` (the tag): as a model of its \
                         own it writes its items, which the family reads back by their tag",
                        s.name
                    ),
                ));
            }
            if own.range_prefix.is_some() && union_meta.range_prefix.is_some() {
                errors.push(spec.error(
                    &join(&ext_at, "range_prefix"),
                    format!(
                        "the family `{name}` sets a `range_prefix` and so does its variant `{}`: a family's sort-key \
                         prefixes are its variants'",
                        s.name
                    ),
                ));
            }
            let mut indexes = union_meta.indexes.clone();
            for index in &own.indexes {
                if !indexes.iter().any(|u| u.name == index.name) {
                    indexes.push(index.clone());
                }
            }
            let mut variant_keys = variant_keys.into_iter();
            let model = KeyMeta {
                schema_name: own.schema_name.clone(),
                hash_key: variant_keys.next(),
                range_key: variant_keys.next(),
                hash_prefix: union_meta.hash_prefix.clone(),
                range_prefix: own.range_prefix.clone(),
                idempotence_key: union_meta.idempotence_key.clone(),
                indexes,
                replaced: own.replaced.clone(),
                entity_tag: Some((tag.clone(), alternative.tags.clone())),
            };
            members.push((location.clone(), model, s.companions.clone(), (*alternative).clone()));
        }
        refuse_overlaps(spec, name, &members, &mut errors);
        errors.finish(())?;
        for (_, model, _, _) in &members {
            for index in &model.indexes {
                if !union_meta.indexes.iter().any(|u| u.name == index.name) {
                    union_meta.indexes.push(index.clone());
                }
            }
        }
        let key = self.names.claim(&format!("{name}Key"), &join(at, "x-daplug-key"));
        let patch = self.names.claim(&format!("{name}Patch"), &join(at, "x-daplug-patch"));
        let parts = self.names.claim(&format!("{name}Parts"), &join(at, "x-daplug-parts"));
        let mut out = Vec::new();
        for (location, model, mut companions, alternative) in members {
            let struct_name = match self.defs.get(&location) {
                Some(TypeDef::Struct(s)) => s.name.clone(),
                _ => unreachable!("a variant's struct was found at its location"),
            };
            // A variant takes the family's indexes: its index enum needs a name.
            if companions.index.is_empty() && !model.indexes.is_empty() {
                companions.index = self.names.claim(&format!("{struct_name}Index"), &location);
            }
            let parts_field = crate::names::unique(
                &crate::naming::field_name(&alternative.ident),
                |taken| out.iter().any(|m: &Member| m.parts_field == taken),
                "_",
            );
            let member = Member {
                parts_field,
                alternative: alternative.ident.clone(),
                model: struct_name,
                schema_name: model.schema_name.clone(),
                companions,
                tags: alternative.tags.clone(),
                hash_prefix: model.hash_prefix.clone(),
                range_prefix: model.range_prefix.clone(),
            };
            if let Some(TypeDef::Struct(s)) = self.defs.get_mut(&location) {
                s.model = Some(model);
                s.companions = member.companions.clone();
            }
            out.push(member);
        }
        Ok(Family { name: name.to_owned(), meta: union_meta, tag, key, patch, parts, members: out })
    }
}

/// Sort-key prefixes on some variants only, or one that starts with another's: refused at the
/// variant's `range_prefix` (or its schema, when it has none).
fn refuse_overlaps(
    spec: &crate::spec::Spec,
    name: &str,
    members: &[(String, KeyMeta, Companions, Alternative)],
    errors: &mut crate::ir::Errors,
) {
    let prefixed: Vec<(&str, &str, &str)> = members
        .iter()
        .filter_map(|(at, model, _, _)| {
            model.range_prefix.as_deref().map(|p| (at.as_str(), model.schema_name.as_str(), p))
        })
        .collect();
    if prefixed.is_empty() {
        return;
    }
    for (at, model, _, _) in members {
        if model.range_prefix.is_none() {
            errors.push(spec.error(
                at,
                format!(
                    "variant `{}` of the family `{name}` has no `range_prefix` while `{}` has `{}`: its sort keys could \
                     start with that prefix and be read by `{}`'s queries; give every variant a prefix, or none",
                    model.schema_name, prefixed[0].1, prefixed[0].2, prefixed[0].1
                ),
            ));
        }
    }
    for (i, (at, schema, prefix)) in prefixed.iter().enumerate() {
        for (j, (_, other, shorter)) in prefixed.iter().enumerate() {
            if i != j && prefix.starts_with(shorter) && (prefix.len() > shorter.len() || i > j) {
                errors.push(spec.error(
                    &join(&join(at, "x-daplug"), "range_prefix"),
                    format!(
                        "the sort-key prefix `{prefix}` of `{schema}` starts with `{shorter}`, the prefix of `{other}` in \
                         the family `{name}`: `{other}`'s queries (begins_with `{shorter}`) would read `{schema}` items; \
                         give the variants prefixes none of which starts with another"
                    ),
                ));
            }
        }
    }
}
