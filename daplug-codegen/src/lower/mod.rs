//! Spec → IR: one [`TypeDef`] per named schema and per nested inline object or enum.
//!
//! Types are identified by the location of their schema and named from it (`names.rs`). A name is
//! assigned before the schema is converted (typify's arena idea), so forward and circular `$ref`s
//! resolve to a name that already exists; cycles are fixed afterwards (`cycles.rs`). A schema
//! reached from several places (a property of a `$ref`'d base merged into an `allOf`) is generated
//! once.
//!
//! Schemas are simplified before they are given a type, the way a person would read them:
//! - `allOf` with one member that says something (the others only annotate: `description`,
//!   `title`, ...) is that member: `allOf: [{$ref: A}, {description: d}]` is `A`;
//! - `oneOf`/`anyOf` with one alternative besides `null` is that alternative, nullable;
//! - `oneOf`/`anyOf` whose alternatives only constrain (alternative `required` lists) adds nothing to
//!   the type; an object with `properties` and a `oneOf`/`anyOf` is a struct whose alternatives'
//!   properties become optional fields (which alternative holds is not checked, and the type's
//!   docs say so);
//! - `const: v` is `enum: [v]`, and alternatives that are all `const`s are an `enum`;
//! - `not` is a constraint: it is not checked, and a schema that is only `not` is `serde_json::Value`.
//!
//! `required` entries that name no property are ignored, like daplug-ddb's mapper does (the seed's
//! `v1-test-fail-request` relies on it).
//!
//! Why one long file: choosing a schema's shape and converting it are one recursion over the same
//! `Lowerer` state (names claimed, definitions under way), and splitting them would pass that state
//! back and forth between two files. The helpers below the `impl` are pure and could move out first.

use std::collections::BTreeMap;

use crate::cycles;
use crate::ir::{Alias, Companions, Enum, EnumKind, Errors, Field, IntVariant, Module, Struct, Ty, TypeDef, Variant};
use crate::meta;
use crate::names::{self, is_component, is_named, Names};
use crate::naming;
use crate::spec::{self, join, Spec};
use crate::value::Value;

mod defaults;
mod families;
mod intersect;
mod rules;
mod unions;

/// Lowers every component schema of `spec` (and everything they reach).
pub fn lower(spec: &Spec) -> syn::Result<Module> {
    lower_only(spec, None)
}

/// Lowers the component schemas named in `only` (as written in the spec, each with the span to
/// report it at) and everything they reach; `None` lowers them all. Names are claimed for every
/// component first either way, so a type has the same name in the subset as in the whole spec. An
/// unknown name is an error listing the closest component names.
pub fn lower_only(spec: &Spec, only: Option<&[(String, proc_macro2::Span)]>) -> syn::Result<Module> {
    let all = spec.schemas()?;
    let schemas = match only {
        None => all.clone(),
        Some(wanted) => with_families(spec, &all, select(spec, &all, wanted)?),
    };
    let settings = meta::spec_settings(spec)?;
    let mut lowerer = Lowerer {
        spec,
        defs: BTreeMap::new(),
        names: Names::default(),
        reserved: BTreeMap::new(),
        assigned: BTreeMap::new(),
        adopted: BTreeMap::new(),
        numbers: match settings.numbers {
            meta::Numbers::F64 => Ty::F64,
            meta::Numbers::Decimal => Ty::Decimal,
        },
        closed_objects: settings.closed_objects,
        checks: (settings.constraints, settings.formats),
        defaults: settings.defaults,
        bases: BTreeMap::new(),
        errors: Errors::default(),
    };
    lowerer.reserve_components(&all);
    lowerer.find_bases(&all);
    for pointer in &schemas {
        let result = lowerer.ensure_def(pointer);
        lowerer.errors.ok(result);
    }
    let families = lowerer.find_families();
    let Lowerer { defs, mut errors, .. } = lowerer;
    let mut defs: Vec<TypeDef> = defs.into_values().collect();
    defs.sort_by(|a, b| a.name().cmp(b.name()));
    if let Err(err) = cycles::fix(spec, &mut defs) {
        errors.push(err);
    }
    unions::find_tag_fields(&mut defs);
    unions::find_replaced(&mut defs);
    rules::find_validating(&mut defs);
    let includes = spec.files().iter().map(|p| p.display().to_string()).collect();
    errors.finish(Module { defs, includes, families })
}

/// The locations of the wanted component schemas, or errors naming the unknown ones.
fn select(spec: &Spec, all: &[String], wanted: &[(String, proc_macro2::Span)]) -> syn::Result<Vec<String>> {
    let known: Vec<String> = all.iter().map(|p| names::schema_name(p)).collect();
    let mut errors = Errors::default();
    let mut out = Vec::new();
    for (name, span) in wanted {
        match known.iter().position(|k| k == name) {
            Some(i) => out.push(all[i].clone()),
            None => {
                let near = names::near_matches(name, &known);
                let hint = if near.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", near.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
                };
                errors.push(spec.error_at(*span, "/components/schemas", format!("no schema named `{name}`{hint}")));
            }
        }
    }
    errors.finish(out)
}

/// `selected` with the family of each selected variant: a variant's keys, lock and partition prefix
/// are its family's (a union with `x-daplug`), so a subset naming `LineItem` generates `OrderPart`
/// too, and `LineItem` is the same model it is in the whole spec.
fn with_families(spec: &Spec, all: &[String], mut selected: Vec<String>) -> Vec<String> {
    let families: Vec<&String> = all
        .iter()
        .filter(|at| spec.lookup(at).is_some_and(|schema| schema.get("x-daplug").is_some()))
        .filter(|at| {
            let alternatives = spec.lookup(at).and_then(|schema| schema.get("oneOf")).and_then(Value::as_sequence);
            alternatives.into_iter().flatten().enumerate().any(|(i, alternative)| {
                let declared = format!("{at}/oneOf/{i}");
                matches!(spec.reference(alternative, &declared), Ok(Some(target)) if selected.contains(&target))
            })
        })
        .collect();
    for family in families {
        if !selected.contains(family) {
            selected.push(family.clone());
        }
    }
    selected
}

/// Keys that only annotate a schema; an `allOf` member made of these adds nothing to the type.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "default",
    "example",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
    "nullable",
    "externalDocs",
    "xml",
    "$comment",
];

/// Keys that give a schema a shape; an alternative without any of them only constrains.
const SHAPING: &[&str] =
    &["$ref", "type", "properties", "items", "additionalProperties", "enum", "const", "allOf", "oneOf", "anyOf"];

/// The most positions a tuple is typed with (the runtime decodes tuples of up to eight).
const MAX_TUPLE: usize = 8;

/// One listed enum value with the `title` and `description` of the member that gave it.
type Listed<T> = (T, Option<String>, Option<String>);

/// How a schema is turned into Rust.
enum Shape {
    /// `$ref`: the target's type.
    Ref(String),
    /// The schema is one of its members (see the module docs), at this location.
    Member(String),
    /// An object, possibly assembled from `allOf` members: a struct.
    Object,
    /// An `allOf` inheritance base with a discriminator: an enum of the schemas extending it
    /// (these locations, see `unions.rs`).
    Inheritance(Vec<String>),
    /// `oneOf`/`anyOf` (the key used): an enum.
    OneOf(&'static str),
    /// String values: a Rust enum.
    StrEnum(Vec<String>),
    /// Integer values (with their `title`s and descriptions): a Rust enum.
    IntEnum(Vec<Listed<i64>>),
    /// Anything else: a type that needs no definition of its own.
    Other,
}

struct Lowerer<'a> {
    spec: &'a Spec,
    /// Converted types by location.
    defs: BTreeMap<String, TypeDef>,
    /// Rust type names claimed so far.
    names: Names,
    /// Location → name reserved for it before lowering (component schemas).
    reserved: BTreeMap<String, String>,
    /// Location → Rust name, set before conversion so cycles terminate.
    assigned: BTreeMap<String, String>,
    /// External schema → the component that is only a `$ref` to it and lends it its name.
    adopted: BTreeMap<String, String>,
    /// What a `type: number` without a format becomes (the root's `x-daplug: {numbers: ...}`).
    numbers: Ty,
    /// Whether `additionalProperties: false` refuses unknown fields (the root's
    /// `x-daplug: {unknown_fields: ...}`).
    closed_objects: bool,
    /// Whether constraints, and among them formats, are checked (the root's `x-daplug:
    /// {constraints: ..., formats: ...}`).
    checks: (bool, bool),
    /// Whether `default`s fill absent fields (the root's `x-daplug: {defaults: ...}`).
    defaults: bool,
    /// Inheritance bases (see `unions.rs`) → the components that extend them, in order.
    bases: BTreeMap<String, Vec<String>>,
    errors: Errors,
}

impl Lowerer<'_> {
    /// Claims every component's name in file order (components keep their names; see `names.rs`)
    /// and lets an external schema take the name of a component that is nothing but a `$ref` to it.
    fn reserve_components(&mut self, schemas: &[String]) {
        for pointer in schemas {
            let name = self.names.claim(&names::type_name_for(pointer), pointer);
            self.reserved.insert(pointer.clone(), name);
            let value = self.spec.lookup(pointer).unwrap_or(&Value::Null);
            let only_ref =
                value.as_mapping().is_some_and(|m| m.keys().all(|k| k == "$ref" || ANNOTATIONS.contains(&k)));
            if let (true, Ok(Some(target))) = (only_ref, self.spec.reference(value, pointer)) {
                if !is_component(&target) && is_named(&target) && !self.adopted.contains_key(&target) {
                    self.adopted.insert(target, pointer.clone());
                }
            }
        }
    }

    /// Finds the inheritance bases among the components (see `unions.rs`): an object schema with a
    /// `discriminator`, no `oneOf` / `anyOf` and no `x-daplug`, that other components extend through
    /// `allOf` (directly or through another child) or that its `mapping` names. Its children are the
    /// mapping's targets in mapping order, then the other extending components in file order.
    fn find_bases(&mut self, schemas: &[String]) {
        let spec = self.spec;
        let mut extends: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for pointer in schemas {
            let members = spec.lookup(pointer).and_then(|v| v.get("allOf")).and_then(Value::as_sequence);
            for (i, member) in members.into_iter().flatten().enumerate() {
                let at = join(&join(pointer, "allOf"), &i.to_string());
                if let Ok((_, target)) = spec.resolve(member, &at) {
                    if target != at {
                        extends.entry(target).or_default().push(pointer.clone());
                    }
                }
            }
        }
        for pointer in schemas {
            let Some(value) = spec.lookup(pointer) else {
                continue;
            };
            let Some(discriminator) = value.get("discriminator") else {
                continue;
            };
            if ["oneOf", "anyOf", "x-daplug"].iter().any(|k| value.get(k).is_some()) {
                continue;
            }
            let mapping_at = join(&join(pointer, "discriminator"), "mapping");
            let mut children: Vec<String> = match discriminator.get("mapping") {
                Some(mapping) => self.mapping_targets(mapping, &mapping_at).unwrap_or_default(),
                None => Vec::new(),
            }
            .into_iter()
            .map(|(_, target)| target)
            .filter(|target| target != pointer)
            .collect();
            let mut queue = vec![pointer.clone()];
            let mut descendants = Vec::new();
            while let Some(parent) = queue.pop() {
                for child in extends.get(&parent).into_iter().flatten() {
                    if child != pointer && !descendants.contains(child) {
                        descendants.push(child.clone());
                        queue.push(child.clone());
                    }
                }
            }
            descendants.sort_by_key(|d| schemas.iter().position(|s| s == d));
            for child in descendants {
                if !children.contains(&child) {
                    children.push(child);
                }
            }
            children.dedup();
            if children.iter().any(|c| extends.values().flatten().any(|e| e == c)) {
                self.bases.insert(pointer.clone(), children);
            }
        }
    }

    /// The name of the type defined at `location`, converting it on first use.
    fn ensure_def(&mut self, location: &str) -> syn::Result<String> {
        if let Some(name) = self.assigned.get(location) {
            return Ok(name.clone());
        }
        if let Some(target) = self.adopted.iter().find(|(_, c)| *c == location).map(|(t, _)| t.clone()) {
            return self.ensure_def(&target);
        }
        let (name, schema_name) = match self.adopted.get(location) {
            Some(component) => {
                let component = component.clone();
                let name = self.reserved.get(&component).cloned().unwrap_or_default();
                self.assigned.insert(component.clone(), name.clone());
                (name, names::schema_name(&component))
            }
            None => {
                let name = match self.reserved.get(location) {
                    Some(name) => name.clone(),
                    None => self.names.claim(&names::type_name_for(location), location),
                };
                (name, names::schema_name(location))
            }
        };
        self.assigned.insert(location.to_owned(), name.clone());
        let spec = self.spec;
        let value = spec.lookup(location).unwrap_or(&Value::Null);
        let def = self.convert(&name, &schema_name, value, location)?;
        self.defs.insert(location.to_owned(), def);
        Ok(name)
    }

    fn shape(&self, value: &Value, at: &str) -> syn::Result<Shape> {
        let spec = self.spec;
        if !matches!(value, Value::Mapping(_) | Value::Bool(_) | Value::Null) {
            return Err(spec.error(at, format!("expected a schema (a map), found {}", value.kind())));
        }
        if let Some(target) = spec.reference(value, at)? {
            return Ok(Shape::Ref(target));
        }
        if let Some(children) = self.bases.get(at) {
            return Ok(Shape::Inheritance(children.clone()));
        }
        let props = match value.get("properties") {
            Some(props) => Some(spec.properties_map(props, &join(at, "properties"))?.0),
            None => None,
        };
        let has_props = match props {
            None => false,
            Some(Value::Mapping(props)) => !props.is_empty(),
            Some(other) => {
                let at = join(at, "properties");
                return Err(spec.error(&at, format!("`properties` must be a map, found {}", other.kind())));
            }
        };
        let alternatives = ["oneOf", "anyOf"].into_iter().find(|k| value.get(k).is_some());
        if admits_nothing(value) {
            return Ok(Shape::Other);
        }
        if let Some(members) = value.get("allOf") {
            let members_at = join(at, "allOf");
            let members = spec.list(members, &members_at)?;
            let meaningful: Vec<usize> = (0..members.len()).filter(|&i| !annotation_only(&members[i])).collect();
            if let ([only], false, None) = (meaningful.as_slice(), has_props, alternatives) {
                let member_at = join(&members_at, &only.to_string());
                // A child that adds nothing to its inheritance base is still a child: a struct of
                // the base's fields (the base's own name is the enum of its children).
                let extends_base =
                    spec.resolve(&members[*only], &member_at).is_ok_and(|(_, target)| self.bases.contains_key(&target));
                // An inline object member is this schema's own object (named after it, not `Name2`).
                let inline_object = members[*only].get("$ref").is_none() && members[*only].get("properties").is_some();
                return Ok(if extends_base || inline_object { Shape::Object } else { Shape::Member(member_at) });
            }
            // Scalars only: their intersection (`intersect.rs`), an enum when values are listed.
            if let (false, None, Some(scalar)) = (has_props, alternatives, self.scalar_intersection(value, at)?) {
                let schema = scalar.schema();
                return Ok(match scalar.values {
                    Some(values) if !scalar.types.is_empty() && !values.is_empty() => {
                        let values = values.into_iter().map(|v| (v, None, None)).collect();
                        values_shape(&schema, values).unwrap_or(Shape::Other)
                    }
                    _ => Shape::Other,
                });
            }
            if !meaningful.is_empty() || has_props || alternatives.is_some() {
                return Ok(Shape::Object);
            }
        }
        if let Some(key) = alternatives {
            if has_props {
                return Ok(Shape::Object);
            }
            let members_at = join(at, key);
            let members = spec.list(value.get(key).unwrap_or(&Value::Null), &members_at)?;
            let real: Vec<usize> = (0..members.len()).filter(|&i| !is_null_schema(&members[i])).collect();
            // A discriminator makes even one alternative a tagged enum (the tag is written).
            if let ([only], None) = (real.as_slice(), value.get("discriminator")) {
                return Ok(Shape::Member(join(&members_at, &only.to_string())));
            }
            let shaping =
                real.iter().any(|&i| members[i].as_mapping().is_some_and(|m| m.keys().any(|k| SHAPING.contains(&k))));
            if !real.is_empty() && shaping {
                if let Some(values) = const_values(real.iter().map(|&i| &members[i])) {
                    return Ok(values_shape(value, values).unwrap_or(Shape::OneOf(key)));
                }
                return Ok(Shape::OneOf(key));
            }
        }
        let constant = value.get("const").map(|c| vec![(c.clone(), None, None)]);
        let listed = value
            .get("enum")
            .and_then(Value::as_sequence)
            .map(|values| values.iter().filter(|v| !v.is_null()).map(|v| (v.clone(), None, None)).collect::<Vec<_>>());
        if let Some(values) = constant.or(listed).filter(|v| !v.is_empty()) {
            if let Some(shape) = values_shape(value, values) {
                return Ok(shape);
            }
        }
        let ty = value.get("type").and_then(Value::as_str);
        if has_props && matches!(ty, None | Some("object")) {
            return Ok(Shape::Object);
        }
        // `{type: object, additionalProperties: false}` admits only `{}`: an empty struct that
        // refuses every field.
        if ty == Some("object") && self.closed_objects && closed(value) && pattern_map(value).is_none() {
            return Ok(Shape::Object);
        }
        Ok(Shape::Other)
    }

    /// The type of a schema used somewhere (a field, an item), and whether it is nullable.
    fn ty_of(&mut self, value: &Value, at: &str) -> syn::Result<(Ty, bool)> {
        let nullable = value.get("nullable").and_then(Value::as_bool) == Some(true) || has_null_member(value);
        let ty = match self.shape(value, at)? {
            Shape::Ref(target) if is_named(&target) => Ty::Named(self.ensure_def(&target)?),
            Shape::Ref(target) | Shape::Member(target) => {
                let spec = self.spec;
                let target_value = spec.lookup(&target).unwrap_or(&Value::Null);
                let (ty, target_nullable) = self.ty_of(target_value, &target)?;
                return Ok((ty, nullable || target_nullable));
            }
            Shape::Object | Shape::StrEnum(_) | Shape::IntEnum(_) | Shape::OneOf(_) | Shape::Inheritance(_) => {
                Ty::Named(self.ensure_def(at)?)
            }
            Shape::Other => self.primitive(value, at)?,
        };
        Ok((ty, nullable))
    }

    /// Types that need no definition: scalars, arrays, maps, free-form values.
    fn primitive(&mut self, value: &Value, at: &str) -> syn::Result<Ty> {
        let spec = self.spec;
        if admits_nothing(value) {
            return Ok(Ty::Nothing);
        }
        if let Some(scalar) = self.scalar_intersection(value, at)? {
            return if scalar.is_empty() { Ok(Ty::Nothing) } else { self.primitive(&scalar.schema(), at) };
        }
        let format = value.get("format").and_then(Value::as_str);
        let ty = match value.get("type") {
            Some(Value::Sequence(_)) => return Ok(Ty::Json),
            Some(Value::String(ty)) => Some(ty.as_str()),
            Some(other) => {
                return Err(spec.error(&join(at, "type"), format!("`type` must be a string, found {}", other.kind())))
            }
            None => None,
        };
        if let Some(tuple) = self.tuple(value, at)? {
            return Ok(tuple);
        }
        let items = match value.get("items") {
            None | Some(Value::Bool(true)) => None,
            Some(items @ Value::Mapping(_)) => Some(items),
            Some(other) => {
                let at = join(at, "items");
                return Err(spec.error(&at, format!("`items` must be a schema (a map), found {}", other.kind())));
            }
        };
        Ok(match ty {
            Some("string") => Ty::String,
            Some("integer") => integer_width(value, format),
            Some("number") if format == Some("float") => Ty::F32,
            Some("number") if format == Some("double") => Ty::F64,
            Some("number") if format == Some("decimal") => Ty::Decimal,
            Some("number") => self.numbers.clone(),
            Some("boolean") => Ty::Bool,
            Some("null") => Ty::Null,
            Some("array") | None if items.is_some() => {
                let items = items.unwrap_or(&Value::Null);
                let (item, nullable) = self.ty_of(items, &join(at, "items"))?;
                Ty::Vec(Box::new(optional(item, nullable)))
            }
            Some("array") => Ty::Vec(Box::new(Ty::Json)),
            Some("object") | None if pattern_map(value).is_some() => {
                let (patterns, schema) = pattern_map(value).unwrap_or_default();
                match schema {
                    Some(schema) => {
                        let at = join(&join(at, "patternProperties"), &patterns[0]);
                        let (item, nullable) = self.ty_of(schema, &at)?;
                        Ty::Map(Box::new(optional(item, nullable)))
                    }
                    None => Ty::Map(Box::new(Ty::Json)),
                }
            }
            Some("object") | None => match value.get("additionalProperties") {
                // Any object, and only objects (`Value` would take `"order 6735"` or `42` too).
                None | Some(Value::Bool(false)) if ty == Some("object") => Ty::Object,
                Some(Value::Bool(true)) => Ty::Map(Box::new(Ty::Json)),
                Some(extra @ Value::Mapping(m)) if !m.is_empty() => {
                    let (item, nullable) = self.ty_of(extra, &join(at, "additionalProperties"))?;
                    Ty::Map(Box::new(optional(item, nullable)))
                }
                Some(Value::Mapping(_)) => Ty::Map(Box::new(Ty::Json)),
                None | Some(Value::Bool(false)) => Ty::Json,
                Some(other) => {
                    let at = join(at, "additionalProperties");
                    return Err(spec.error(
                        &at,
                        format!("`additionalProperties` must be a schema or a boolean, found {}", other.kind()),
                    ));
                }
            },
            Some(other) => return Err(spec.error(&join(at, "type"), format!("unsupported construct: type `{other}`"))),
        })
    }

    /// A tuple: `prefixItems` (3.1), or `items` as a list (3.0 / draft-04). Closed (`items: false`,
    /// `additionalItems: false`, `unevaluatedItems: false`, or `maxItems` at most the positions), it
    /// is a Rust tuple of exactly those positions; open, the positions are not typed
    /// (`Vec<serde_json::Value>`). `None`: not a tuple.
    fn tuple(&mut self, value: &Value, at: &str) -> syn::Result<Option<Ty>> {
        let (positions, key, rest) = match (value.get("prefixItems"), value.get("items")) {
            (Some(Value::Sequence(positions)), _) => (positions, "prefixItems", "items"),
            (None, Some(Value::Sequence(positions))) => (positions, "items", "additionalItems"),
            _ => return Ok(None),
        };
        let max_items = value.get("maxItems").and_then(Value::as_u64);
        let closed = [rest, "unevaluatedItems"].iter().any(|k| value.get(k) == Some(&Value::Bool(false)))
            || max_items.is_some_and(|max| max <= positions.len() as u64);
        // Past eight positions the runtime's item decoder has no tuple: the positions go untyped.
        if !closed || positions.len() > MAX_TUPLE {
            return Ok(Some(Ty::Vec(Box::new(Ty::Json))));
        }
        let mut types = Vec::new();
        for (i, position) in positions.iter().enumerate() {
            let (ty, nullable) = self.ty_of(position, &join(&join(at, key), &i.to_string()))?;
            types.push(optional(ty, nullable));
        }
        Ok(Some(Ty::Tuple(types)))
    }

    /// Converts the schema at `at` into the definition of type `name`.
    fn convert(&mut self, name: &str, schema_name: &str, value: &Value, at: &str) -> syn::Result<TypeDef> {
        let doc = spec::description(value).unwrap_or_else(|| default_doc(self.spec, at));
        match self.shape(value, at)? {
            Shape::Object => self.convert_struct(name, schema_name, value, at, true).map(TypeDef::Struct),
            Shape::OneOf(key) => self.convert_one_of(name, doc, value, at, key),
            Shape::Inheritance(children) => self.convert_inheritance(name, doc, value, at, &children),
            Shape::StrEnum(values) => Ok(self.convert_str_enum(name, doc, &values, at)),
            Shape::IntEnum(values) => Ok(convert_int_enum(name, doc, values, at)),
            Shape::Ref(_) | Shape::Member(_) | Shape::Other => {
                let (ty, nullable) = self.ty_of(value, at)?;
                let doc = match (&ty, value.get("not")) {
                    (Ty::Json, Some(_)) => format!("{doc}\n\nThe schema's `not` constraint is not checked."),
                    _ => doc,
                };
                let ty = optional(ty, nullable);
                // Checked where the alias is used (a field's rules follow its `$ref` here); read
                // now so that a spec's mistake in them is reported even where nothing uses it.
                let rules = self.rules_of(value, at)?;
                Ok(TypeDef::Alias(Alias {
                    name: name.to_owned(),
                    doc,
                    ty,
                    pointer: at.to_owned(),
                    newtype: false,
                    rules,
                    validates: false,
                }))
            }
        }
    }

    /// The struct of the object schema at `at`; a model (with companions and `x-daplug`) when it is
    /// a named schema and `as_model` is set.
    fn convert_struct(
        &mut self,
        name: &str,
        schema_name: &str,
        value: &Value,
        at: &str,
        as_model: bool,
    ) -> syn::Result<Struct> {
        let merged = self.spec.merge(value, at)?;
        self.convert_merged(name, schema_name, merged, closed(value), at, as_model)
    }

    /// A struct from a merged object schema (`closed`: its `additionalProperties: false`).
    fn convert_merged(
        &mut self,
        name: &str,
        schema_name: &str,
        merged: spec::Merged<'_>,
        closed: bool,
        at: &str,
        as_model: bool,
    ) -> syn::Result<Struct> {
        let spec = self.spec;
        let mut fields: Vec<Field> = Vec::new();
        let mut errors = Errors::default();
        for prop in &merged.props {
            let (ty, nullable) = if prop.conflicting {
                (Ty::Json, false)
            } else {
                match errors.ok(self.prop_ty(prop)) {
                    Some(found) => found,
                    None => continue,
                }
            };
            let ident = names::unique(
                &naming::field_name(&prop.name),
                |candidate| fields.iter().any(|f| f.ident == candidate),
                "_",
            );
            let mut doc = spec::description(prop.schema);
            if prop.conflicting {
                let note = "The `oneOf`/`anyOf` alternatives declare this property with different schemas; any JSON value is accepted.";
                doc = Some(doc.map_or(note.to_owned(), |d| format!("{d}\n\n{note}")));
            }
            let rules = if prop.conflicting { None } else { errors.ok(self.prop_rules(prop)).flatten() };
            let required = merged.required.contains(&prop.name) && !prop.from_alternative;
            // A default fills an absent optional field; a required or nullable one keeps its type
            // (absent is an error, or `null` and absent are both `None`), and the default is only
            // documented.
            let default = match (required || nullable || prop.conflicting, self.default_of(prop.schema, &prop.pointer))
            {
                (_, Err(err)) => {
                    errors.push(err);
                    None
                }
                (false, Ok(Some(value))) => {
                    errors.ok(self.literal(&value, &ty, rules.as_ref(), &join(&prop.pointer, "default"))).flatten()
                }
                (_, Ok(_)) => None,
            };
            if default.is_some() {
                let note = "Absent, it reads as the schema's `default`.";
                doc = Some(doc.map_or(note.to_owned(), |d| format!("{d}\n\n{note}")));
            }
            fields.push(Field {
                wire_name: prop.name.clone(),
                ident,
                ty,
                optional: default.is_none()
                    && (nullable || prop.from_alternative || !merged.required.contains(&prop.name)),
                doc,
                rules,
                validates: false,
                pointer: prop.pointer.clone(),
                span: spec.span,
                default,
            });
        }
        let (model, companions) = if is_named(at) && as_model {
            let mut companions = Companions {
                key: self.names.claim(&format!("{name}Key"), at),
                patch: self.names.claim(&format!("{name}Patch"), at),
                index: String::new(),
            };
            let model = errors.ok(meta::from_extension(spec, schema_name, merged.daplug, &fields));
            if model.as_ref().is_some_and(|m| !m.indexes.is_empty()) {
                companions.index = self.names.claim(&format!("{name}Index"), at);
            }
            (model, companions)
        } else {
            (None, Companions::default())
        };
        let mut doc = merged.description.unwrap_or_else(|| default_doc(spec, at));
        if !merged.alternatives.is_empty() {
            let lists: Vec<String> = merged.alternatives.iter().map(|a| format!("`{}`", spec.describe(a))).collect();
            doc.push_str(&format!(
                "\n\nThe schema also asks for one of the alternatives of {} to hold; that is not checked, and the \
                 alternatives' properties are optional fields here.",
                lists.join(", ")
            ));
        }
        errors.finish(Struct {
            name: name.to_owned(),
            doc,
            fields,
            pointer: at.to_owned(),
            model,
            deny_unknown: self.closed_objects && closed,
            validates: false,
            vis: None,
            companions,
        })
    }

    fn convert_str_enum(&mut self, name: &str, doc: String, values: &[String], at: &str) -> TypeDef {
        let mut variants: Vec<Variant> = Vec::new();
        for wire in values {
            if variants.iter().any(|v| &v.wire == wire) {
                continue;
            }
            let ident = names::unique(&naming::variant_name(wire), |c| variants.iter().any(|v| v.ident == c), "");
            variants.push(Variant { ident, wire: wire.clone() });
        }
        TypeDef::Enum(Enum {
            name: name.to_owned(),
            doc,
            kind: EnumKind::Strings(variants),
            pointer: at.to_owned(),
            validates: false,
        })
    }
}

fn convert_int_enum(name: &str, doc: String, values: Vec<Listed<i64>>, at: &str) -> TypeDef {
    let mut variants: Vec<IntVariant> = Vec::new();
    for (value, title, description) in values {
        if variants.iter().any(|v| v.value == value) {
            continue;
        }
        let wanted = match &title {
            Some(title) => naming::variant_name(title),
            None => format!("Value{}", value.to_string().replace('-', "Minus")),
        };
        let ident = names::unique(&wanted, |c| variants.iter().any(|v| v.ident == c), "");
        variants.push(IntVariant { ident, value, doc: description });
    }
    TypeDef::Enum(Enum {
        name: name.to_owned(),
        doc,
        kind: EnumKind::Integers(variants),
        pointer: at.to_owned(),
        validates: false,
    })
}

/// The values of alternatives that are all `const` (or `enum`) members, with each one's `title` and
/// `description`; `None` when one of them is something else.
fn const_values<'v>(members: impl Iterator<Item = &'v Value>) -> Option<Vec<Listed<Value>>> {
    let mut out = Vec::new();
    for member in members {
        let title = member.get("title").and_then(Value::as_str).map(str::to_owned);
        let description = spec::description(member);
        if member.get("properties").is_some() || member.get("$ref").is_some() {
            return None;
        }
        match (member.get("const"), member.get("enum").and_then(Value::as_sequence)) {
            (Some(value), _) => out.push((value.clone(), title, description)),
            (None, Some(values)) => out.extend(values.iter().map(|v| (v.clone(), None, description.clone()))),
            (None, None) => return None,
        }
    }
    Some(out)
}

/// A string or integer enum from listed values, when they are all of one kind that fits `type`.
fn values_shape(schema: &Value, values: Vec<Listed<Value>>) -> Option<Shape> {
    let ty = schema.get("type").and_then(Value::as_str);
    let values: Vec<_> = values.into_iter().filter(|(v, _, _)| !v.is_null()).collect();
    if matches!(ty, None | Some("string")) && values.iter().all(|(v, _, _)| v.is_string()) {
        return Some(Shape::StrEnum(
            values.into_iter().filter_map(|(v, _, _)| v.as_str().map(str::to_owned)).collect(),
        ));
    }
    if matches!(ty, None | Some("integer")) {
        let ints: Option<Vec<_>> =
            values.into_iter().map(|(v, title, doc)| Some((v.as_number()?.as_i64()?, title, doc))).collect();
        return ints.filter(|i| !i.is_empty()).map(Shape::IntEnum);
    }
    None
}

/// An `allOf` member that only annotates (`{description: ...}`).
fn annotation_only(member: &Value) -> bool {
    member.as_mapping().is_some_and(|m| m.keys().all(|k| ANNOTATIONS.contains(&k) || k.starts_with("x-")))
}

/// A `oneOf`/`anyOf` member that only admits `null`: `{type: "null"}`, `{nullable: true}`, or an
/// object that may have no properties and may be null (`{type: object, nullable: true,
/// additionalProperties: false}`, as Box's spec writes "no file").
fn is_null_schema(value: &Value) -> bool {
    let Some(map) = value.as_mapping() else {
        return false;
    };
    if value.get("type").and_then(Value::as_str) == Some("null") || value.get("const").is_some_and(Value::is_null) {
        return true;
    }
    let nullable = value.get("nullable").and_then(Value::as_bool) == Some(true);
    let empty_object = value.get("additionalProperties").and_then(Value::as_bool) == Some(false)
        && value.get("properties").and_then(Value::as_mapping).is_none_or(|p| p.is_empty());
    nullable
        && map.keys().all(|k| {
            ANNOTATIONS.contains(&k) || (empty_object && matches!(k, "type" | "additionalProperties" | "properties"))
        })
}

/// The Rust integer for an `integer` schema: `i64` unless the format or the range asks for another.
/// `uint64` (or a range from 0 that reaches past `i64::MAX`) needs `u64`; `int32` / `uint32` are
/// the narrower types the format promises. DynamoDB's number range (38 digits) holds every `u64`.
fn integer_width(value: &Value, format: Option<&str>) -> Ty {
    let bound = |key: &str| match value.get(key) {
        Some(Value::Number(n)) => Some(n.text().to_owned()),
        _ => None,
    };
    let non_negative = bound("minimum")
        .or_else(|| bound("exclusiveMinimum"))
        .is_some_and(|min| daplug_rules::number::cmp(&min, "0").is_some_and(|o| o.is_ge()));
    let past_i64 = bound("maximum")
        .or_else(|| bound("exclusiveMaximum"))
        .is_some_and(|max| daplug_rules::number::cmp(&max, &i64::MAX.to_string()).is_some_and(|o| o.is_gt()));
    match format {
        Some("int32") => Ty::I32,
        Some("uint32") => Ty::U32,
        Some("uint64") => Ty::U64,
        _ if non_negative && past_i64 => Ty::U64,
        _ => Ty::I64,
    }
}

/// True for a schema no value satisfies: `false`, `not: {}` (or `not: true`), `enum: []`, `type: []`.
fn admits_nothing(value: &Value) -> bool {
    let empty_list = |key: &str| value.get(key).and_then(Value::as_sequence).is_some_and(Vec::is_empty);
    let nullable = value.get("nullable").and_then(Value::as_bool) == Some(true);
    match value {
        Value::Bool(false) => true,
        Value::Mapping(_) => {
            let not_anything = match value.get("not") {
                Some(Value::Bool(true)) => true,
                Some(Value::Mapping(m)) => m.keys().all(|k| ANNOTATIONS.contains(&k)),
                _ => false,
            };
            // An `allOf` with a member that admits nothing admits nothing either.
            let impossible_member = value
                .get("allOf")
                .and_then(Value::as_sequence)
                .is_some_and(|members| members.iter().any(admits_nothing));
            // `nullable: true` still admits `null` (`Option<Nothing>`).
            not_anything || impossible_member || ((empty_list("enum") || empty_list("type")) && !nullable)
        }
        _ => false,
    }
}

/// True when the schema's `oneOf`/`anyOf` has a `null` member.
fn has_null_member(value: &Value) -> bool {
    ["oneOf", "anyOf"]
        .into_iter()
        .filter_map(|k| value.get(k).and_then(Value::as_sequence))
        .any(|members| members.iter().any(is_null_schema))
}

/// The schema refuses properties it does not declare (`additionalProperties: false`, or 3.1's
/// `unevaluatedProperties: false`), on the schema itself (an `allOf` member's says nothing about the
/// whole).
/// A map whose keys must match `patternProperties` (no `properties`, nothing else allowed): the
/// patterns, and the schema of the values when every pattern gives the same one.
fn pattern_map(value: &Value) -> Option<(Vec<String>, Option<&Value>)> {
    let patterns = value.get("patternProperties")?.as_mapping().filter(|m| !m.is_empty())?;
    let has_props = value.get("properties").and_then(Value::as_mapping).is_some_and(|p| !p.is_empty());
    if has_props || !closed(value) {
        return None;
    }
    let mut schemas = patterns.iter().map(|(_, schema)| schema);
    let first = schemas.next();
    let same = first.filter(|first| schemas.all(|s| s == *first));
    Some((patterns.keys().map(str::to_owned).collect(), same))
}

fn closed(value: &Value) -> bool {
    ["additionalProperties", "unevaluatedProperties"]
        .iter()
        .any(|k| value.get(k).and_then(Value::as_bool) == Some(false))
}

fn optional(ty: Ty, nullable: bool) -> Ty {
    if nullable && !matches!(ty, Ty::Option(_)) {
        Ty::Option(Box::new(ty))
    } else {
        ty
    }
}

fn default_doc(spec: &Spec, location: &str) -> String {
    if is_named(location) {
        let (file, _) = crate::spec::split(location);
        let file = match file {
            None => spec.file.clone(),
            Some(_) => spec.describe(location).split('#').next().unwrap_or_default().to_owned(),
        };
        format!("The `{}` schema of `{file}`.", names::schema_name(location))
    } else {
        format!("The inline schema at `{}`.", spec.describe(location))
    }
}
