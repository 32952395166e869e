//! Reading an OpenAPI file: locate it, parse it, normalise it, resolve `$ref`s and merge `allOf`.
//!
//! The document is kept as a `serde_yaml::Value` and walked directly instead of being deserialised
//! into `openapiv3::OpenAPI`, because that crate rejects two inputs daplug must accept: components-only
//! files (no `openapi`/`info`/`paths`, like the seed schema of daplug-ddb) and OpenAPI 3.1 type arrays
//! (`type: [string, "null"]`). Walking the value also keeps the JSON pointer of every node at hand,
//! which every error message names, and keeps the file's key order (serde_yaml maps are ordered).
//!
//! Normalisation happens once, right after parsing ([`normalise`]): YAML tags are dropped and a 3.1
//! `type: [T, "null"]` becomes the 3.0 spelling `type: T, nullable: true`, so the rest of the crate
//! only knows 3.0.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use proc_macro2::Span;
use serde_yaml::{Mapping, Value};

/// A parsed, normalised spec plus what error messages need: the file name as the user wrote it and
/// the span of the literal that named it.
pub struct Spec {
    /// The path as written in the macro call (`openapi.yml`), used in messages.
    pub file: String,
    /// Absolute path of the file, for `include_str!` (absent for specs parsed from a string in tests).
    pub path: Option<PathBuf>,
    /// The normalised document.
    pub doc: Value,
    /// Span every error about this file points at (the path literal).
    pub span: Span,
}

/// One property of an object after `allOf` merging, with the pointer it was declared at.
pub struct Prop<'a> {
    /// Property name as written (the wire name).
    pub name: String,
    /// Its schema (not yet `$ref`-resolved).
    pub schema: &'a Value,
    /// Where it was declared; nested types are named after this pointer.
    pub pointer: String,
}

/// An object schema with every `allOf` member (at any depth, through `$ref`s) folded in.
#[derive(Default)]
pub struct Merged<'a> {
    /// Properties in declaration order; a later declaration of the same name replaces the earlier.
    pub props: Vec<Prop<'a>>,
    /// Union of every `required` list.
    pub required: Vec<String>,
    /// The outermost `description`.
    pub description: Option<String>,
    /// The outermost `x-daplug` extension and its pointer.
    pub daplug: Option<(&'a Value, String)>,
}

/// `allOf`/`$ref` chains deeper than this are reported as a cycle.
const MAX_DEPTH: usize = 64;

impl Spec {
    /// Reads the file named by `lit`, relative to the calling crate's `CARGO_MANIFEST_DIR`.
    pub fn load(lit: &syn::LitStr) -> syn::Result<Spec> {
        let file = lit.value();
        let base = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
        let path = base.join(&file);
        let text = std::fs::read_to_string(&path).map_err(|err| {
            syn::Error::new(lit.span(), format!("couldn't read schema file {file} ({}): {err}", path.display()))
        })?;
        let mut spec = Spec::parse(&file, &text, lit.span())?;
        spec.path = Some(absolute(&path));
        Ok(spec)
    }

    /// Parses and normalises spec text; `file` is only used in messages.
    pub fn parse(file: &str, text: &str, span: Span) -> syn::Result<Spec> {
        let mut doc: Value =
            serde_yaml::from_str(text).map_err(|err| syn::Error::new(span, format!("{file}: invalid YAML: {err}")))?;
        normalise(&mut doc);
        Ok(Spec { file: file.to_owned(), path: None, doc, span })
    }

    /// An error at the macro's path literal: `file#pointer: message`.
    pub fn error(&self, pointer: &str, message: impl Display) -> syn::Error {
        self.error_at(self.span, pointer, message)
    }

    /// An error at another span (a payload token, a struct field) that still names file and pointer.
    pub fn error_at(&self, span: Span, pointer: &str, message: impl Display) -> syn::Error {
        syn::Error::new(span, format!("{}#{pointer}: {message}", self.file))
    }

    /// The node at a JSON pointer (`/components/schemas/Order`), if any.
    pub fn lookup(&self, pointer: &str) -> Option<&Value> {
        let mut node = &self.doc;
        for segment in pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            node = match node {
                Value::Mapping(map) => map.get(segment.as_str())?,
                Value::Sequence(seq) => seq.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The JSON pointer of every schema under `components/schemas`, in file order.
    pub fn schemas(&self) -> syn::Result<Vec<String>> {
        let Some(Value::Mapping(schemas)) = self.lookup("/components/schemas") else {
            return Err(self.error("/components/schemas", "no schemas found"));
        };
        let mut out = Vec::new();
        for key in schemas.keys() {
            let Some(name) = key.as_str() else {
                return Err(self.error("/components/schemas", "schema names must be strings"));
            };
            out.push(join("/components/schemas", name));
        }
        Ok(out)
    }

    /// Resolves the `$ref` of `schema` (declared at `at`) to the pointer it names, checking it exists.
    /// Returns `None` when the schema has no `$ref`.
    pub fn reference(&self, schema: &Value, at: &str) -> syn::Result<Option<String>> {
        let Some(reference) = schema.get("$ref") else {
            return Ok(None);
        };
        let here = join(at, "$ref");
        let Some(reference) = reference.as_str() else {
            return Err(self.error(&here, "`$ref` must be a string"));
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(self.error(
                &here,
                format!(
                    "unsupported construct: external reference `{reference}` (only `#/...` references are supported)"
                ),
            ));
        };
        if self.lookup(pointer).is_none() {
            return Err(self.error(&here, format!("dangling reference `{reference}`")));
        }
        Ok(Some(pointer.to_owned()))
    }

    /// Follows `$ref`s until a schema without one; returns it with its pointer.
    pub fn resolve<'a>(&'a self, schema: &'a Value, at: &str) -> syn::Result<(&'a Value, String)> {
        let (mut schema, mut at) = (schema, at.to_owned());
        for _ in 0..MAX_DEPTH {
            match self.reference(schema, &at)? {
                Some(target) => {
                    schema = self.lookup(&target).unwrap_or(&Value::Null);
                    at = target;
                }
                None => return Ok((schema, at)),
            }
        }
        Err(self.error(&at, "`$ref` cycle"))
    }

    /// Folds an object schema and all its `allOf` members (through `$ref`s, at any depth) into one.
    pub fn merge<'a>(&'a self, schema: &'a Value, at: &str) -> syn::Result<Merged<'a>> {
        let mut merged = Merged::default();
        self.merge_into(&mut merged, schema, at, 0)?;
        Ok(merged)
    }

    fn merge_into<'a>(&'a self, merged: &mut Merged<'a>, schema: &'a Value, at: &str, depth: usize) -> syn::Result<()> {
        if depth > MAX_DEPTH {
            return Err(self.error(at, "`allOf`/`$ref` cycle"));
        }
        if let Some(target) = self.reference(schema, at)? {
            let target_schema = self.lookup(&target).unwrap_or(&Value::Null);
            return self.merge_into(merged, target_schema, &target, depth + 1);
        }
        for key in ["oneOf", "anyOf", "not"] {
            if schema.get(key).is_some() {
                return Err(
                    self.error(&join(at, key), format!("unsupported construct: `{key}` inside an `allOf` object"))
                );
            }
        }
        if merged.description.is_none() {
            merged.description = description(schema);
        }
        if merged.daplug.is_none() {
            if let Some(ext) = schema.get("x-daplug") {
                merged.daplug = Some((ext, join(at, "x-daplug")));
            }
        }
        if let Some(members) = schema.get("allOf") {
            let Some(members) = members.as_sequence() else {
                return Err(self.error(&join(at, "allOf"), "`allOf` must be a list"));
            };
            for (i, member) in members.iter().enumerate() {
                let member_at = join(&join(at, "allOf"), &i.to_string());
                self.merge_into(merged, member, &member_at, depth + 1)?;
            }
        }
        if let Some(props) = schema.get("properties") {
            let Some(props) = props.as_mapping() else {
                return Err(self.error(&join(at, "properties"), "`properties` must be a map"));
            };
            let props_at = join(at, "properties");
            for (key, value) in props {
                let Some(name) = key.as_str() else {
                    return Err(self.error(&props_at, "property names must be strings"));
                };
                let prop = Prop { name: name.to_owned(), schema: value, pointer: join(&props_at, name) };
                match merged.props.iter_mut().find(|p| p.name == name) {
                    Some(existing) => *existing = prop,
                    None => merged.props.push(prop),
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_sequence) {
            for name in required.iter().filter_map(Value::as_str) {
                if !merged.required.iter().any(|r| r == name) {
                    merged.required.push(name.to_owned());
                }
            }
        }
        Ok(())
    }
}

/// The `description` of a schema, trimmed, if it has a non-empty one.
pub fn description(schema: &Value) -> Option<String> {
    let text = schema.get("description")?.as_str()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Appends one segment to a JSON pointer, escaping `~` and `/`.
pub fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// Drops YAML tags and rewrites OpenAPI 3.1 type arrays into the 3.0 form, everywhere in the tree.
pub fn normalise(value: &mut Value) {
    match value {
        Value::Tagged(tagged) => {
            let mut inner = std::mem::take(&mut tagged.value);
            normalise(&mut inner);
            *value = inner;
        }
        Value::Sequence(seq) => seq.iter_mut().for_each(normalise),
        Value::Mapping(map) => {
            map.values_mut().for_each(normalise);
            rewrite_type_array(map);
        }
        _ => {}
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; `type: ["null"]` → `nullable: true`. A list of
/// several non-null types is left alone (lowered to `serde_json::Value`).
fn rewrite_type_array(map: &mut Mapping) {
    let Some(Value::Sequence(types)) = map.get("type") else {
        return;
    };
    let names: Vec<String> = types.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    let nullable = names.iter().any(|t| t == "null");
    let rest: Vec<&String> = names.iter().filter(|t| *t != "null").collect();
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match rest.as_slice() {
        [] => {
            map.remove("type");
        }
        [single] => {
            map.insert("type".into(), Value::String((*single).clone()));
        }
        _ => {}
    }
}

/// Best-effort absolute path (for `include_str!`); falls back to the joined path.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        Spec::parse("t.yml", text, Span::call_site()).expect("parses")
    }

    #[test]
    fn normalises_type_arrays() {
        let s = spec("a: {type: [string, 'null']}\nb: {type: ['null']}\nc: {type: [string, integer]}");
        assert_eq!(s.lookup("/a/type").and_then(Value::as_str), Some("string"));
        assert_eq!(s.lookup("/a/nullable"), Some(&Value::Bool(true)));
        assert!(s.lookup("/b/type").is_none());
        assert!(s.lookup("/c/type").is_some_and(Value::is_sequence));
    }

    #[test]
    fn pointers_escape() {
        assert_eq!(join("/a", "b/c~d"), "/a/b~1c~0d");
        let s = spec("a:\n  'b/c': [1, 2]");
        assert_eq!(s.lookup("/a/b~1c/1").and_then(Value::as_u64), Some(2));
    }

    #[test]
    fn bad_yaml_names_file() {
        let err = Spec::parse("x.yml", "a: [", Span::call_site()).err();
        assert!(err.is_some_and(|e| e.to_string().starts_with("x.yml: invalid YAML")));
    }

    #[test]
    fn merges_all_of_at_depth() {
        let s = spec(
            "components:\n  schemas:\n    A: {properties: {a: {type: string}}, required: [a]}\n    B: {allOf: [{$ref: '#/components/schemas/A'}, {properties: {b: {type: string}}}]}\n    C: {description: cee, allOf: [{$ref: '#/components/schemas/B'}, {required: [b]}], properties: {c: {type: integer}}}",
        );
        let c = s.lookup("/components/schemas/C").expect("C");
        let merged = s.merge(c, "/components/schemas/C").expect("merges");
        let names: Vec<&str> = merged.props.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(merged.required, ["a", "b"]);
        assert_eq!(merged.description.as_deref(), Some("cee"));
        assert_eq!(merged.props[0].pointer, "/components/schemas/A/properties/a");
    }

    #[test]
    fn dangling_and_external_refs() {
        let s = spec("x: {$ref: '#/nope'}\ny: {$ref: 'other.yml#/a'}");
        let x = s.lookup("/x").expect("x");
        let err = s.reference(x, "/x").err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("t.yml#/x/$ref: dangling reference `#/nope`"));
        let y = s.lookup("/y").expect("y");
        let err = s.reference(y, "/y").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("unsupported construct: external reference")));
    }

    #[test]
    fn ref_cycle_is_an_error() {
        let s = spec("a: {$ref: '#/b'}\nb: {$ref: '#/a'}");
        let a = s.lookup("/a").expect("a");
        assert!(s.resolve(a, "/a").is_err());
        assert!(s.merge(a, "/a").is_err());
    }
}
