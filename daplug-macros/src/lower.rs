//! Spec → IR: one [`TypeDef`] per component schema and per nested inline object/enum.
//!
//! Types are identified by the JSON pointer where their schema lives, and named from that pointer
//! (`/components/schemas/Order/properties/address` → `OrderAddress`, `.../items` → `…Item`,
//! `.../oneOf/0` → `…Variant0`; `allOf/N` segments add nothing). A name is assigned before the schema
//! is converted (typify's arena idea), so forward and circular `$ref`s resolve to a name that already
//! exists; a cycle through plain fields is broken afterwards with `Box` ([`box_cycles`]). A schema
//! reached from several places (a property of a `$ref`'d base merged into an `allOf`) is generated once.
//!
//! `required` entries that name no property are ignored, like daplug-ddb's mapper does (the seed's
//! `v1-test-fail-request` relies on it).

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use crate::ir::{Alternative, Enum, EnumKind, Errors, Field, Module, Struct, Ty, TypeDef, Variant};
use crate::meta;
use crate::naming;
use crate::spec::{self, join, Spec};

/// Lowers every component schema of `spec` (and everything they reach).
pub fn lower(spec: &Spec) -> syn::Result<Module> {
    let mut lowerer = Lowerer {
        spec,
        defs: BTreeMap::new(),
        names: BTreeMap::new(),
        assigned: BTreeMap::new(),
        errors: Errors::default(),
    };
    for pointer in spec.schemas()? {
        let result = lowerer.ensure_def(&pointer);
        lowerer.errors.ok(result);
    }
    let Lowerer { defs, errors, .. } = lowerer;
    let mut defs: Vec<TypeDef> = defs.into_values().collect();
    defs.sort_by(|a, b| a.name().cmp(b.name()));
    box_cycles(&mut defs);
    errors.finish(Module { defs, include: spec.path.as_ref().map(|p| p.display().to_string()) })
}

/// How a schema is turned into Rust.
enum Shape {
    /// `$ref` (or an `allOf` of exactly one `$ref`): the target's type.
    Ref(String),
    /// An object, possibly assembled from `allOf` members: a struct.
    Object,
    /// `oneOf`/`anyOf` (the key used): an enum.
    OneOf(&'static str),
    /// A string `enum`: a Rust enum.
    StrEnum,
    /// Anything else: a type that needs no definition of its own.
    Other,
}

struct Lowerer<'a> {
    spec: &'a Spec,
    /// Converted types by pointer.
    defs: BTreeMap<String, TypeDef>,
    /// Rust name → pointer that claimed it (collision check).
    names: BTreeMap<String, String>,
    /// Pointer → Rust name, set before conversion so cycles terminate.
    assigned: BTreeMap<String, String>,
    errors: Errors,
}

impl Lowerer<'_> {
    /// The name of the type defined at `pointer`, converting it on first use.
    fn ensure_def(&mut self, pointer: &str) -> syn::Result<String> {
        if let Some(name) = self.assigned.get(pointer) {
            return Ok(name.clone());
        }
        let name = type_name_for(pointer);
        self.claim(&name, pointer)?;
        self.assigned.insert(pointer.to_owned(), name.clone());
        let spec = self.spec;
        let value = spec.lookup(pointer).unwrap_or(&Value::Null);
        let def = self.convert(&name, value, pointer)?;
        self.defs.insert(pointer.to_owned(), def);
        Ok(name)
    }

    /// Reserves a Rust type name for `pointer`; two pointers wanting one name is an error.
    fn claim(&mut self, name: &str, pointer: &str) -> syn::Result<()> {
        if let Some(other) = self.names.get(name) {
            return Err(self.spec.error(
                pointer,
                format!("`#{other}` and `#{pointer}` both generate the Rust type `{name}`; rename one"),
            ));
        }
        self.names.insert(name.to_owned(), pointer.to_owned());
        Ok(())
    }

    fn shape(&self, value: &Value, at: &str) -> syn::Result<Shape> {
        if let Some(target) = self.spec.reference(value, at)? {
            return Ok(Shape::Ref(target));
        }
        if value.get("not").is_some() {
            return Err(self.spec.error(&join(at, "not"), "unsupported construct: `not`"));
        }
        if let Some(members) = value.get("allOf").and_then(Value::as_sequence) {
            if let ([only], None) = (members.as_slice(), value.get("properties")) {
                if let Some(target) = self.spec.reference(only, &join(at, "allOf/0"))? {
                    return Ok(Shape::Ref(target));
                }
            }
            return Ok(Shape::Object);
        }
        for key in ["oneOf", "anyOf"] {
            if value.get(key).is_some() {
                return Ok(Shape::OneOf(key));
            }
        }
        let ty = value.get("type").and_then(Value::as_str);
        if let Some(values) = value.get("enum").and_then(Value::as_sequence) {
            let strings = values.iter().filter(|v| !v.is_null());
            if matches!(ty, None | Some("string")) && strings.clone().all(Value::is_string) {
                return Ok(Shape::StrEnum);
            }
        }
        let has_props = value.get("properties").and_then(Value::as_mapping).is_some_and(|p| !p.is_empty());
        if has_props && matches!(ty, None | Some("object")) {
            return Ok(Shape::Object);
        }
        Ok(Shape::Other)
    }

    /// The type of a schema used somewhere (a field, an item), and whether it is nullable.
    fn ty_of(&mut self, value: &Value, at: &str) -> syn::Result<(Ty, bool)> {
        let nullable = value.get("nullable").and_then(Value::as_bool) == Some(true);
        let ty = match self.shape(value, at)? {
            Shape::Ref(target) if is_component(&target) => Ty::Named(self.ensure_def(&target)?),
            Shape::Ref(target) => {
                let spec = self.spec;
                let target_value = spec.lookup(&target).unwrap_or(&Value::Null);
                let (ty, target_nullable) = self.ty_of(target_value, &target)?;
                return Ok((ty, nullable || target_nullable));
            }
            Shape::OneOf(key) => {
                let null_member =
                    value.get(key).and_then(Value::as_sequence).is_some_and(|m| m.iter().any(is_null_schema));
                return Ok((Ty::Named(self.ensure_def(at)?), nullable || null_member));
            }
            Shape::Object | Shape::StrEnum => Ty::Named(self.ensure_def(at)?),
            Shape::Other => self.primitive(value, at)?,
        };
        Ok((ty, nullable))
    }

    /// Types that need no definition: scalars, arrays, maps, free-form values.
    fn primitive(&mut self, value: &Value, at: &str) -> syn::Result<Ty> {
        let format = value.get("format").and_then(Value::as_str);
        let ty = match value.get("type") {
            Some(Value::Sequence(_)) => return Ok(Ty::Json),
            Some(Value::String(ty)) => Some(ty.as_str()),
            Some(_) => return Err(self.spec.error(&join(at, "type"), "`type` must be a string")),
            None => None,
        };
        Ok(match ty {
            Some("string") => Ty::String,
            Some("integer") if format == Some("int32") => Ty::I32,
            Some("integer") => Ty::I64,
            Some("number") if format == Some("float") => Ty::F32,
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("null") => Ty::Json,
            Some("array") | None if value.get("items").is_some() => {
                let items = value.get("items").unwrap_or(&Value::Null);
                let (item, nullable) = self.ty_of(items, &join(at, "items"))?;
                Ty::Vec(Box::new(optional(item, nullable)))
            }
            Some("array") => Ty::Vec(Box::new(Ty::Json)),
            Some("object") | None => match value.get("additionalProperties") {
                Some(Value::Bool(true)) => Ty::Map(Box::new(Ty::Json)),
                Some(extra @ Value::Mapping(_)) => {
                    let (item, nullable) = self.ty_of(extra, &join(at, "additionalProperties"))?;
                    Ty::Map(Box::new(optional(item, nullable)))
                }
                _ => Ty::Json,
            },
            Some(other) => {
                return Err(self.spec.error(&join(at, "type"), format!("unsupported construct: type `{other}`")))
            }
        })
    }

    /// Converts the schema at `at` into the definition of type `name`.
    fn convert(&mut self, name: &str, value: &Value, at: &str) -> syn::Result<TypeDef> {
        let doc = spec::description(value).unwrap_or_else(|| default_doc(self.spec, at));
        match self.shape(value, at)? {
            Shape::Object => self.convert_struct(name, value, at).map(TypeDef::Struct),
            Shape::OneOf(key) => self.convert_one_of(name, doc, value, at, key),
            Shape::StrEnum => self.convert_str_enum(name, doc, value, at),
            Shape::Ref(_) | Shape::Other => {
                let (ty, nullable) = self.ty_of(value, at)?;
                Ok(TypeDef::Alias(crate::ir::Alias { name: name.to_owned(), doc, ty: optional(ty, nullable) }))
            }
        }
    }

    fn convert_struct(&mut self, name: &str, value: &Value, at: &str) -> syn::Result<Struct> {
        let spec = self.spec;
        let merged = spec.merge(value, at)?;
        let mut fields: Vec<Field> = Vec::new();
        let mut errors = Errors::default();
        for prop in &merged.props {
            let Some((ty, nullable)) = errors.ok(self.ty_of(prop.schema, &prop.pointer)) else {
                continue;
            };
            let ident = naming::field_name(&prop.name);
            if let Some(other) = fields.iter().find(|f| f.ident == ident) {
                errors.push(spec.error(
                    &prop.pointer,
                    format!(
                        "properties `{}` and `{}` both map to the Rust field `{ident}`; rename one",
                        other.wire_name, prop.name
                    ),
                ));
                continue;
            }
            fields.push(Field {
                wire_name: prop.name.clone(),
                ident,
                ty,
                optional: nullable || !merged.required.contains(&prop.name),
                doc: spec::description(prop.schema),
                pointer: prop.pointer.clone(),
                span: spec.span,
            });
        }
        let model = if is_component(at) {
            for suffix in ["Key", "Patch"] {
                errors.ok(self.claim(&format!("{name}{suffix}"), at));
            }
            let schema_name = at.rsplit('/').next().unwrap_or(name);
            let schema_name = schema_name.replace("~1", "/").replace("~0", "~");
            errors.ok(meta::from_extension(spec, &schema_name, merged.daplug, &fields))
        } else {
            None
        };
        errors.finish(Struct {
            name: name.to_owned(),
            doc: merged.description.unwrap_or_else(|| default_doc(spec, at)),
            fields,
            pointer: at.to_owned(),
            model,
            vis: None,
        })
    }

    fn convert_one_of(&mut self, name: &str, doc: String, value: &Value, at: &str, key: &str) -> syn::Result<TypeDef> {
        let spec = self.spec;
        let members_at = join(at, key);
        let Some(members) = value.get(key).and_then(Value::as_sequence) else {
            return Err(spec.error(&members_at, format!("`{key}` must be a list")));
        };
        let tag = value.get("discriminator").and_then(|d| d.get("propertyName")).and_then(Value::as_str);
        let mapping = value.get("discriminator").and_then(|d| d.get("mapping"));
        let mut alternatives: Vec<Alternative> = Vec::new();
        let mut all_tagged = tag.is_some();
        for (i, member) in members.iter().enumerate() {
            if is_null_schema(member) {
                continue;
            }
            let member_at = join(&members_at, &i.to_string());
            let (ty, nullable) = self.ty_of(member, &member_at)?;
            let ty = optional(ty, nullable);
            let target = spec.reference(member, &member_at)?;
            let mut ident = match (&target, &ty) {
                (Some(_), Ty::Named(n)) => n.clone(),
                _ => kind_name(&ty, i),
            };
            if alternatives.iter().any(|a| a.ident == ident) {
                ident = format!("Variant{i}");
            }
            let tag_value = match (&target, tag) {
                (Some(target), Some(tag)) if is_component(target) => {
                    let declares_tag = spec
                        .lookup(target)
                        .map(|t| spec.merge(t, target))
                        .transpose()?
                        .is_some_and(|m| m.props.iter().any(|p| p.name == tag));
                    all_tagged &= !declares_tag;
                    Some(tag_value_for(mapping, target))
                }
                _ => {
                    all_tagged = false;
                    None
                }
            };
            alternatives.push(Alternative { ident, tag_value, ty });
        }
        if alternatives.is_empty() {
            return Err(spec.error(&members_at, format!("`{key}` has no alternatives")));
        }
        Ok(TypeDef::Enum(Enum {
            name: name.to_owned(),
            doc,
            kind: EnumKind::OneOf { tag: tag.filter(|_| all_tagged).map(str::to_owned), alternatives },
            pointer: at.to_owned(),
        }))
    }

    fn convert_str_enum(&mut self, name: &str, doc: String, value: &Value, at: &str) -> syn::Result<TypeDef> {
        let mut variants: Vec<Variant> = Vec::new();
        let mut errors = Errors::default();
        let values = value.get("enum").and_then(Value::as_sequence);
        for wire in values.into_iter().flatten().filter_map(Value::as_str) {
            let ident = naming::variant_name(wire);
            match variants.iter().find(|v| v.ident == ident) {
                Some(other) if other.wire == wire => {}
                Some(other) => errors.push(self.spec.error(
                    &join(at, "enum"),
                    format!(
                        "enum values `{}` and `{wire}` both map to the Rust variant `{ident}`; rename one",
                        other.wire
                    ),
                )),
                None => variants.push(Variant { ident, wire: wire.to_owned() }),
            }
        }
        errors.finish(TypeDef::Enum(Enum {
            name: name.to_owned(),
            doc,
            kind: EnumKind::Strings(variants),
            pointer: at.to_owned(),
        }))
    }
}

/// Tag value of a discriminated alternative: the `mapping` key pointing at it, else the schema name.
fn tag_value_for(mapping: Option<&Value>, target: &str) -> String {
    let by_mapping = mapping.and_then(Value::as_mapping).and_then(|m| {
        m.iter().find_map(|(k, v)| {
            let points_here = v.as_str().and_then(|r| r.strip_prefix('#')) == Some(target);
            points_here.then(|| k.as_str().map(str::to_owned)).flatten()
        })
    });
    by_mapping.unwrap_or_else(|| target.rsplit('/').next().unwrap_or(target).to_owned())
}

/// A variant name for an inline alternative, from its type.
fn kind_name(ty: &Ty, index: usize) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::I64 | Ty::I32 => "Integer".to_owned(),
        Ty::F64 | Ty::F32 => "Number".to_owned(),
        Ty::Bool => "Boolean".to_owned(),
        Ty::Vec(_) => "Array".to_owned(),
        Ty::Map(_) => "Map".to_owned(),
        _ => format!("Variant{index}"),
    }
}

/// `{type: "null"}` (or `nullable: true` with nothing else) as a `oneOf` member.
fn is_null_schema(value: &Value) -> bool {
    value.get("type").and_then(Value::as_str) == Some("null")
        || (value.get("nullable").and_then(Value::as_bool) == Some(true)
            && value.as_mapping().is_some_and(|m| m.len() == 1))
}

fn optional(ty: Ty, nullable: bool) -> Ty {
    if nullable {
        Ty::Option(Box::new(ty))
    } else {
        ty
    }
}

/// True for `/components/schemas/<name>` itself (not something inside it).
pub fn is_component(pointer: &str) -> bool {
    pointer.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// The Rust type name for the schema at `pointer` (see the module docs).
pub fn type_name_for(pointer: &str) -> String {
    let segments: Vec<String> = pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    let (mut name, rest) = match segments.as_slice() {
        [c, s, schema, rest @ ..] if c == "components" && s == "schemas" => (naming::type_name(schema), rest),
        all => (String::new(), all),
    };
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

fn default_doc(spec: &Spec, pointer: &str) -> String {
    match pointer.strip_prefix("/components/schemas/") {
        Some(name) if is_component(pointer) => format!("The `{name}` schema of `{}`.", spec.file),
        _ => format!("The inline schema at `{}#{pointer}`.", spec.file),
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
            TypeDef::Alias(_) => {}
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

/// The `schema!` pipeline: read the file named by `lit`, lower it, emit it.
pub fn expand(lit: &syn::LitStr) -> syn::Result<proc_macro2::TokenStream> {
    let spec = Spec::load(lit)?;
    let module = lower(&spec)?;
    Ok(crate::emit::module(&module))
}
