//! Unions → enums: `oneOf` / `anyOf`, and `allOf` inheritance bases with a `discriminator`.
//!
//! **Tagged** when the union says how to tell its alternatives apart and every alternative is an
//! object: a `discriminator` (its `propertyName`), or, without one, a property that every
//! alternative requires and pins to a value of its own (`type: {enum: [card]}`, `const: card`).
//! An alternative's tag values are, in this order of precedence:
//! 1. the `discriminator.mapping` keys that name it (several keys may name one alternative);
//! 2. the values its own tag property is pinned to (an `enum` / `const` no other alternative
//!    shares), since data can hold no other;
//! 3. its schema name (OpenAPI's default mapping).
//!
//! A union that cannot be tagged (an alternative that is not an object, or an inline alternative
//! without a value of its own) is **untagged**: its alternatives are tried from the most specific
//! to the least, and those that accept the same values are merged (`reach.rs`); one left is the type
//! itself.
//!
//! An **inheritance base** is a component object schema with a `discriminator` and no `oneOf` /
//! `anyOf`, that other components extend through `allOf` (Pet; Cat and Dog are `allOf: [Pet,
//! {...}]`). Where the spec refers to it, a value is read as the child its tag names: the base's
//! name is the enum of its children, and the base's own struct, a variant where the base is concrete
//! (no `mapping`, or a `mapping` that names the base), is named `<Base>Base` (claimed when reached).
//! A base with `x-daplug` stays a struct (it is a model; polymorphic models are not generated).

use crate::ir::{Alias, Alternative, Enum, EnumKind, TagField, TagKind, Ty, TypeDef};
use crate::names::{self, is_named};
use crate::reach;
use crate::spec::join;
use crate::value::Value;

use super::{is_null_schema, optional, Lowerer, Shape};

/// An alternative being lowered, with where its schema is.
struct Place {
    /// The alternative's schema after its `$ref`s, and its location.
    schema_at: String,
    /// Whether the location is a named schema (whose name is the default tag value).
    named: bool,
}

impl Lowerer<'_> {
    pub(super) fn convert_one_of(
        &mut self,
        name: &str,
        doc: String,
        value: &Value,
        at: &str,
        key: &str,
    ) -> syn::Result<TypeDef> {
        let spec = self.spec;
        let members_at = join(at, key);
        let members = spec.list(value.get(key).unwrap_or(&Value::Null), &members_at)?;
        let discriminator = value.get("discriminator");
        let mapping_at = join(&join(at, "discriminator"), "mapping");
        let mapping = match discriminator.and_then(|d| d.get("mapping")) {
            Some(mapping) => self.mapping_targets(mapping, &mapping_at)?,
            None => Vec::new(),
        };
        let mut alternatives: Vec<Alternative> = Vec::new();
        let mut places: Vec<Place> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            if is_null_schema(member) {
                continue;
            }
            let member_at = join(&members_at, &i.to_string());
            let (ty, nullable) = self.ty_of(member, &member_at)?;
            let ty = optional(ty, nullable);
            let target = spec.reference(member, &member_at)?;
            let wanted = match (&target, &ty) {
                (Some(_), Ty::Named(n)) => n.clone(),
                _ => kind_name(&ty, i),
            };
            // An inline alternative with constraints (`{type: integer, minimum: 1}`) is told apart
            // by them: a newtype that is read through its rules, so a value that breaks them is
            // tried as the next alternative.
            let ty = match (&target, self.rules_of(member, &member_at)?) {
                (None, Some(rules)) if !matches!(ty, Ty::Named(_)) => {
                    let alias_name = self.names.claim(&format!("{name}{wanted}"), &member_at);
                    let alias = Alias {
                        name: alias_name.clone(),
                        doc: format!("An alternative of `{name}`: a value its constraints admit."),
                        ty,
                        pointer: member_at.clone(),
                        newtype: true,
                        rules: Some(rules),
                        validates: true,
                    };
                    self.defs.insert(member_at.clone(), TypeDef::Alias(alias));
                    Ty::Named(alias_name)
                }
                _ => ty,
            };
            let ident = names::unique(&wanted, |c| alternatives.iter().any(|a| a.ident == c), "");
            let (_, schema_at) = spec.resolve(member, &member_at)?;
            places.push(Place { named: is_named(&schema_at), schema_at });
            alternatives.push(Alternative {
                ident,
                tags: Vec::new(),
                ty,
                tag_field: None,
                doc: None,
                validates: false,
            });
        }
        if alternatives.is_empty() {
            return Err(spec.error(&members_at, format!("`{key}` has no alternatives")));
        }
        let declared = discriminator.and_then(|d| d.get("propertyName")).and_then(Value::as_str);
        let tag = match declared {
            Some(tag) => Some(tag.to_owned()),
            None => self.pinned_property(&places),
        };
        let mut doc = doc;
        if let Some(tag) = tag {
            match self.tag_values(&tag, &mapping, &places, &alternatives) {
                Ok(tags) => {
                    for (alternative, tags) in alternatives.iter_mut().zip(tags) {
                        alternative.tags = tags;
                    }
                    let kind = EnumKind::OneOf { tag: Some(tag), alternatives };
                    return Ok(TypeDef::Enum(Enum {
                        name: name.to_owned(),
                        doc,
                        kind,
                        pointer: at.to_owned(),
                        validates: false,
                    }));
                }
                Err(reason) if declared.is_some() => {
                    doc.push_str(&format!(
                        "\n\nThe `{tag}` discriminator is not used to read it ({reason}): the alternatives are \
                         tried in turn."
                    ));
                }
                Err(_) => {}
            }
        }
        self.untagged(name, doc, at, alternatives)
    }

    /// An untagged union, its alternatives in the order to try them; a union left with one
    /// alternative is that alternative's type.
    fn untagged(&mut self, name: &str, doc: String, at: &str, alternatives: Vec<Alternative>) -> syn::Result<TypeDef> {
        let defs = &self.defs;
        let lookup = |n: &str| defs.values().find(|d| d.name() == n);
        let mut alternatives = reach::order(alternatives, &lookup);
        if alternatives.len() == 1 {
            let only = alternatives.remove(0);
            let doc = match only.doc {
                Some(note) => format!("{doc}\n\nThe alternatives accept the same values: {note}"),
                None => doc,
            };
            let alias = Alias {
                name: name.to_owned(),
                doc,
                ty: only.ty,
                pointer: at.to_owned(),
                newtype: false,
                rules: None,
                validates: false,
            };
            return Ok(TypeDef::Alias(alias));
        }
        let kind = EnumKind::OneOf { tag: None, alternatives };
        Ok(TypeDef::Enum(Enum { name: name.to_owned(), doc, kind, pointer: at.to_owned(), validates: false }))
    }

    /// An inheritance base's enum: each child (and the base, where concrete) by its tag.
    pub(super) fn convert_inheritance(
        &mut self,
        name: &str,
        doc: String,
        value: &Value,
        at: &str,
        children: &[String],
    ) -> syn::Result<TypeDef> {
        let spec = self.spec;
        let discriminator = value.get("discriminator");
        let tag = discriminator.and_then(|d| d.get("propertyName")).and_then(Value::as_str).unwrap_or_default();
        let mapping_at = join(&join(at, "discriminator"), "mapping");
        let mapping = match discriminator.and_then(|d| d.get("mapping")) {
            Some(mapping) => Some(self.mapping_targets(mapping, &mapping_at)?),
            None => None,
        };
        let base_concrete = mapping.as_ref().is_none_or(|m| m.iter().any(|(_, target)| target == at));
        let mut alternatives: Vec<Alternative> = Vec::new();
        let mut places: Vec<Place> = Vec::new();
        for child in children {
            let child_name = self.ensure_def(child)?;
            let ident = names::unique(&child_name, |c| alternatives.iter().any(|a| a.ident == c), "");
            places.push(Place { schema_at: child.clone(), named: true });
            let ty = Ty::Named(child_name);
            alternatives.push(Alternative {
                ident,
                tags: Vec::new(),
                ty,
                tag_field: None,
                doc: None,
                validates: false,
            });
        }
        if base_concrete {
            let location = format!("{at}/x-daplug-base");
            let base_name = self.names.claim(&format!("{name}Base"), &location);
            let mut base = self.convert_struct(&base_name, &names::schema_name(at), value, at, false)?;
            base.doc = format!("{}\n\nThe base schema's own fields, for a value tagged as the base itself.", base.doc);
            self.defs.insert(location, TypeDef::Struct(base));
            places.push(Place { schema_at: at.to_owned(), named: true });
            let ident = names::unique(&base_name, |c| alternatives.iter().any(|a| a.ident == c), "");
            alternatives.push(Alternative {
                ident,
                tags: Vec::new(),
                ty: Ty::Named(base_name),
                tag_field: None,
                doc: None,
                validates: false,
            });
        }
        let tags =
            self.tag_values(tag, mapping.as_deref().unwrap_or_default(), &places, &alternatives).map_err(|reason| {
                spec.error(&join(at, "discriminator"), format!("cannot read the children by their tag: {reason}"))
            })?;
        for (alternative, tags) in alternatives.iter_mut().zip(tags) {
            alternative.tags = tags;
        }
        let doc = format!(
            "{doc}\n\nRead as the schema its `{tag}` names: the schemas that extend `{}` through `allOf`.",
            names::schema_name(at)
        );
        let kind = EnumKind::OneOf { tag: Some(tag.to_owned()), alternatives };
        Ok(TypeDef::Enum(Enum { name: name.to_owned(), doc, kind, pointer: at.to_owned(), validates: false }))
    }

    /// Every `discriminator.mapping` entry with the location it names (after the `$ref`s there);
    /// a mapping that names no schema is an error.
    pub(super) fn mapping_targets(&self, mapping: &Value, at: &str) -> syn::Result<Vec<(String, String)>> {
        let spec = self.spec;
        let Some(mapping) = mapping.as_mapping() else {
            return Err(spec.error(at, format!("`mapping` must be a map, found {}", mapping.kind())));
        };
        let mut out = Vec::new();
        for (key, target) in mapping.iter() {
            let Some(target) = target.as_str() else {
                return Err(spec.error(&join(at, key), "a mapping value must be a string"));
            };
            let reference = if target.contains('#') || target.contains('/') || target.contains('.') {
                target.to_owned()
            } else {
                format!("#{}", join("/components/schemas", target))
            };
            let location = spec.ref_target(&reference, at, &join(at, key))?;
            let schema = spec.lookup(&location).unwrap_or(&Value::Null);
            let (_, location) = spec.resolve(schema, &location)?;
            out.push((key.to_owned(), location));
        }
        Ok(out)
    }

    /// The property every alternative requires and pins to a string of its own, if there is one:
    /// such a union is read by it as by a discriminator.
    fn pinned_property(&self, places: &[Place]) -> Option<String> {
        let first = places.first()?;
        let candidates = self.object_props(&first.schema_at)?;
        'candidate: for (name, _) in candidates.iter().filter(|(_, required)| *required) {
            let mut seen: Vec<String> = Vec::new();
            for place in places {
                match self.pinned_values(&place.schema_at, name) {
                    Some(values) if values.len() == 1 && !seen.contains(&values[0]) => seen.extend(values),
                    _ => continue 'candidate,
                }
                let required =
                    self.object_props(&place.schema_at).is_some_and(|p| p.iter().any(|(n, r)| n == name && *r));
                if !required {
                    continue 'candidate;
                }
            }
            return Some(name.clone());
        }
        None
    }

    /// The tag values of each alternative (see the module docs), or why the union cannot be read by
    /// its tag.
    fn tag_values(
        &self,
        tag: &str,
        mapping: &[(String, String)],
        places: &[Place],
        alternatives: &[Alternative],
    ) -> Result<Vec<Vec<String>>, String> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for (place, alternative) in places.iter().zip(alternatives) {
            let mapped: Vec<String> =
                mapping.iter().filter(|(_, target)| *target == place.schema_at).map(|(k, _)| k.clone()).collect();
            if !self.is_object(&place.schema_at) {
                match self.union_at(&place.schema_at) {
                    // A union tagged by the same property: its own tag values choose it.
                    Some(EnumKind::OneOf { tag: Some(inner), alternatives: inner_alts }) if inner == tag => {
                        let tags = if mapped.is_empty() {
                            inner_alts.iter().flat_map(|a| a.tags.iter().cloned()).collect()
                        } else {
                            mapped
                        };
                        if let Some(clash) = tags.iter().find(|t| out.iter().any(|o| o.contains(t))) {
                            return Err(format!("the tag value `{clash}` names two alternatives"));
                        }
                        out.push(tags);
                        continue;
                    }
                    // A union of objects: tagged as an object is.
                    Some(EnumKind::OneOf { alternatives: inner_alts, .. }) if self.all_objects(inner_alts) => {}
                    _ => return Err(format!("the alternative `{}` is not an object", alternative.ident)),
                }
            }
            let pinned = self.pinned_values(&place.schema_at, tag).unwrap_or_default();
            let own_pins = !pinned.is_empty()
                && places.iter().filter(|p| p.schema_at != place.schema_at).all(|other| {
                    self.pinned_values(&other.schema_at, tag)
                        .is_none_or(|theirs| theirs.iter().all(|v| !pinned.contains(v)))
                });
            let tags = if !mapped.is_empty() {
                mapped
            } else if own_pins {
                pinned
            } else if place.named {
                vec![names::schema_name(&place.schema_at)]
            } else {
                return Err(format!("the inline alternative `{}` has no tag value of its own", alternative.ident));
            };
            if let Some(clash) = tags.iter().find(|t| out.iter().any(|o| o.contains(t))) {
                return Err(format!("the tag value `{clash}` names two alternatives"));
            }
            out.push(tags);
        }
        Ok(out)
    }

    /// The kind of the union lowered from `location`, if it is one.
    fn union_at(&self, location: &str) -> Option<&EnumKind> {
        match self.defs.get(location)? {
            TypeDef::Enum(Enum { kind: kind @ EnumKind::OneOf { .. }, .. }) => Some(kind),
            _ => None,
        }
    }

    /// Whether every alternative is read as an object (a struct, a map, or a union of those).
    fn all_objects(&self, alternatives: &[Alternative]) -> bool {
        let defs = &self.defs;
        let find = |name: &str| defs.values().find(|d| d.name() == name);
        alternatives.iter().all(|a| object_like(&a.ty, &find, 0))
    }

    /// Whether the schema at `location` is read as an object (a struct or a map).
    fn is_object(&self, location: &str) -> bool {
        let spec = self.spec;
        let schema = spec.lookup(location).unwrap_or(&Value::Null);
        match self.shape(schema, location) {
            Ok(Shape::Object | Shape::Inheritance(_)) => true,
            Ok(Shape::Other) => {
                schema.get("type").and_then(Value::as_str) == Some("object") && schema.get("items").is_none()
            }
            _ => false,
        }
    }

    /// The properties of the object schema at `location` (after `allOf`), each with whether it is
    /// required.
    fn object_props(&self, location: &str) -> Option<Vec<(String, bool)>> {
        let spec = self.spec;
        let schema = spec.lookup(location)?;
        let merged = spec.merge(schema, location).ok()?;
        Some(merged.props.iter().map(|p| (p.name.clone(), merged.required.contains(&p.name))).collect())
    }

    /// The string values the object at `location` pins its property `property` to (`enum` or
    /// `const`, through `$ref`s), if it declares the property that way.
    fn pinned_values(&self, location: &str, property: &str) -> Option<Vec<String>> {
        let spec = self.spec;
        let schema = spec.lookup(location)?;
        let merged = spec.merge(schema, location).ok()?;
        let prop = merged.props.iter().find(|p| p.name == property)?;
        let (schema, _) = spec.resolve(prop.schema, &prop.pointer).ok()?;
        let values: Vec<&Value> = match (schema.get("const"), schema.get("enum").and_then(Value::as_sequence)) {
            (Some(value), _) => vec![value],
            (None, Some(values)) => values.iter().filter(|v| !v.is_null()).collect(),
            (None, None) => return None,
        };
        let texts: Option<Vec<String>> = values.iter().map(|v| v.as_str().map(str::to_owned)).collect();
        texts.filter(|t| !t.is_empty())
    }
}

/// Whether values of `ty` are objects (structs, maps, and unions of those).
fn object_like<'a>(ty: &'a Ty, find: &dyn Fn(&str) -> Option<&'a TypeDef>, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match ty {
        Ty::Object | Ty::Map(_) => true,
        Ty::Boxed(inner) => object_like(inner, find, depth + 1),
        Ty::Named(name) => match find(name) {
            Some(TypeDef::Struct(_)) => true,
            Some(TypeDef::Alias(alias)) => object_like(&alias.ty, find, depth + 1),
            Some(TypeDef::Enum(Enum { kind: EnumKind::OneOf { alternatives, .. }, .. })) => {
                alternatives.iter().all(|a| object_like(&a.ty, find, depth + 1))
            }
            _ => false,
        },
        _ => false,
    }
}

/// A variant name for an inline alternative, from its type.
fn kind_name(ty: &Ty, index: usize) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32 => "Integer".to_owned(),
        Ty::F64 | Ty::F32 | Ty::Decimal => "Number".to_owned(),
        Ty::Bool => "Boolean".to_owned(),
        Ty::Vec(_) => "Array".to_owned(),
        Ty::Tuple(_) => "Tuple".to_owned(),
        Ty::Map(_) | Ty::Object => "Map".to_owned(),
        _ => format!("Variant{index}"),
    }
}

/// How each alternative of every tagged union holds the tag itself (its field's name and type),
/// once every type is lowered.
pub(super) fn find_tag_fields(defs: &mut [TypeDef]) {
    let found: Vec<(usize, usize, TagField)> =
        defs.iter()
            .enumerate()
            .filter_map(|(d, def)| match def {
                TypeDef::Enum(Enum { kind: EnumKind::OneOf { tag: Some(tag), alternatives }, .. }) => {
                    Some((d, tag, alternatives))
                }
                _ => None,
            })
            .flat_map(|(d, tag, alternatives)| {
                let defs = &*defs;
                alternatives.iter().enumerate().filter_map(move |(a, alternative)| {
                    tag_field(defs, &alternative.ty, tag).map(|field| (d, a, field))
                })
            })
            .collect();
    for (d, a, field) in found {
        if let TypeDef::Enum(Enum { kind: EnumKind::OneOf { alternatives, .. }, .. }) = &mut defs[d] {
            alternatives[a].tag_field = Some(field);
        }
    }
}

/// How a value of type `ty` (an alternative) holds the tag property `tag`.
fn tag_field(defs: &[TypeDef], ty: &Ty, tag: &str) -> Option<TagField> {
    let find = |name: &str| defs.iter().find(|d| d.name() == name);
    let mut ty = ty;
    for _ in 0..8 {
        match ty {
            Ty::Boxed(inner) => ty = inner,
            Ty::Named(name) => match find(name)? {
                TypeDef::Alias(alias) => ty = &alias.ty,
                TypeDef::Struct(s) => {
                    let field = s.fields.iter().find(|f| f.wire_name == tag)?;
                    let (inner, optional) = match (&field.ty, field.optional) {
                        (Ty::Option(inner), false) => (&**inner, true),
                        (Ty::Option(_), true) => {
                            return Some(TagField {
                                ident: Some(field.ident.clone()),
                                optional: true,
                                kind: TagKind::Other,
                            })
                        }
                        (inner, optional) => (inner, optional),
                    };
                    let kind = match inner {
                        Ty::String => TagKind::String,
                        Ty::Named(n)
                            if matches!(find(n), Some(TypeDef::Enum(Enum { kind: EnumKind::Strings(_), .. }))) =>
                        {
                            TagKind::UnitEnum
                        }
                        _ => TagKind::Other,
                    };
                    return Some(TagField { ident: Some(field.ident.clone()), optional, kind });
                }
                // A union tagged by the same property writes the tag itself; any other union of
                // objects reads the tag entry like an object that declares it.
                TypeDef::Enum(Enum { kind: EnumKind::OneOf { tag: inner, .. }, .. }) => {
                    let kind = if inner.as_deref() == Some(tag) { TagKind::Union } else { TagKind::Other };
                    return Some(TagField { ident: None, optional: true, kind });
                }
                TypeDef::Enum(_) => return None,
            },
            Ty::Object | Ty::Map(_) => return Some(TagField { ident: None, optional: true, kind: TagKind::Other }),
            _ => return None,
        }
    }
    None
}

/// The places each model holds a union value (`KeyMeta::replaced`): every path of fields and map
/// keys from the model to a union, not through lists (the update merge never merges list
/// elements) and not through a struct already on the path (a recursive struct's unions below its
/// first level are merged as maps are).
pub(super) fn find_replaced(defs: &mut [TypeDef]) {
    let found: Vec<(usize, Vec<Vec<Option<String>>>)> = defs
        .iter()
        .enumerate()
        .filter_map(|(d, def)| match def {
            TypeDef::Struct(s) if s.model.is_some() => {
                let mut paths = Vec::new();
                let mut path = Vec::new();
                let mut visiting = vec![s.name.as_str()];
                for field in &s.fields {
                    path.push(Some(field.wire_name.clone()));
                    walk(defs, &field.ty, &mut path, &mut visiting, &mut paths);
                    path.pop();
                }
                Some((d, paths))
            }
            _ => None,
        })
        .collect();
    for (d, paths) in found {
        if let TypeDef::Struct(s) = &mut defs[d] {
            if let Some(model) = &mut s.model {
                model.replaced = paths;
            }
        }
    }
}

fn walk<'a>(
    defs: &'a [TypeDef],
    ty: &'a Ty,
    path: &mut Vec<Option<String>>,
    visiting: &mut Vec<&'a str>,
    out: &mut Vec<Vec<Option<String>>>,
) {
    if path.len() > 16 {
        return;
    }
    match ty {
        Ty::Option(inner) | Ty::Boxed(inner) => walk(defs, inner, path, visiting, out),
        Ty::Map(inner) => {
            path.push(None);
            walk(defs, inner, path, visiting, out);
            path.pop();
        }
        Ty::Named(name) => match defs.iter().find(|d| d.name() == name) {
            Some(TypeDef::Enum(Enum { kind: EnumKind::OneOf { .. }, .. })) => out.push(path.clone()),
            Some(TypeDef::Alias(alias)) => walk(defs, &alias.ty, path, visiting, out),
            Some(TypeDef::Struct(s)) if !visiting.contains(&s.name.as_str()) => {
                visiting.push(&s.name);
                for field in &s.fields {
                    path.push(Some(field.wire_name.clone()));
                    walk(defs, &field.ty, path, visiting, out);
                    path.pop();
                }
                visiting.pop();
            }
            _ => {}
        },
        _ => {}
    }
}
