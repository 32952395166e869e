//! Reading an OpenAPI description: locate its files, parse them, normalise them, resolve `$ref`s
//! (inside a file and across files) and merge `allOf`.
//!
//! The document is kept as a [`Value`] tree and walked directly instead of being deserialised into a
//! typed OpenAPI model, because such models reject inputs daplug must accept: components-only files
//! (no `openapi`/`info`/`paths`, like the seed schema of daplug-ddb), OpenAPI 3.1 type arrays
//! (`type: [string, "null"]`), and keyword values no one uses but that do not fit the model's types.
//! Walking the tree also keeps the JSON pointer of every node at hand, which every error message
//! names, and the file's key order.
//!
//! The YAML reader is yaml-rust2, not the deprecated `serde_yaml` 0.9, which rejects integers beyond
//! 64 bits (OpenAI's `minimum: -9223372036854776000`) and so makes a whole spec unreadable over a
//! keyword daplug does not use; `value.rs` says how numbers are kept as written.
//!
//! ## Locations
//! A node is addressed by a *location* string: a JSON pointer (`/components/schemas/Order`) for the
//! root file, and `file#pointer` for another file (`resources/droplets/models/droplet.yml#/properties/id`,
//! or `…/droplet.yml#` for the whole file), the file being relative to the root file's folder. Both
//! end with the pointer, so [`join`] appends a segment to either.
//!
//! ## External files
//! [`Spec::load`] reads every file that the schemas under `components/schemas` reach through `$ref`s
//! (relative to the referring file; whole-file refs and refs with a pointer), before anything is
//! lowered: the rest of the pipeline only reads. Only what is reachable from the schemas is read
//! (a root file's `paths` may name hundreds of operation files that no model needs). A file that
//! cannot be read is reported at the `$ref` that names it, when that ref is resolved. Every file read
//! is listed in [`Spec::files`], so the generated code can track them all for rebuilds.
//!
//! Why one long file: loading, locating and resolving share the multi-file document store and its
//! location format; the unit tests live apart in `spec_tests.rs`.
//!
//! Normalisation happens once per file, right after parsing ([`crate::normalise`]): a 3.1
//! `type: [T, "null"]` becomes the 3.0 spelling `type: T, nullable: true`, a type list a `oneOf`,
//! so the rest of the crate reads one spelling.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::path::{Component, Path, PathBuf};

use proc_macro2::Span;

use crate::normalise::normalise;
use crate::value::{self, Value};

/// A parsed, normalised description (its root file and every file its schemas reach), plus what
/// error messages need: the root file's name as the user wrote it and the span that named it.
pub struct Spec {
    /// The root file's path as written in the macro call (`openapi.yml`), used in messages.
    pub file: String,
    /// Absolute path of the root file (absent for specs parsed from a string).
    pub path: Option<PathBuf>,
    /// The root document.
    pub doc: Value,
    /// Other files by their path relative to the root file's folder (`models/pet.yml`).
    others: BTreeMap<String, Value>,
    /// Files that a `$ref` names but that could not be read or parsed, with the reason.
    unreadable: BTreeMap<String, String>,
    /// Absolute paths of every file read (root first), for rebuild tracking.
    files: Vec<PathBuf>,
    /// Span every error about this spec points at (the path literal).
    pub span: Span,
}

/// One property of an object after `allOf` merging, with the location it was declared at.
pub struct Prop<'a> {
    /// Property name as written (the wire name).
    pub name: String,
    /// Its schema (not yet `$ref`-resolved).
    pub schema: &'a Value,
    /// Where it was declared; nested types are named after this location.
    pub pointer: String,
    /// Declared only by a `oneOf`/`anyOf` alternative: always optional in the struct.
    pub from_alternative: bool,
    /// Alternatives declare it with different schemas: lowered to `serde_json::Value`.
    pub conflicting: bool,
    /// Other declarations of it that `allOf` joins with this one (each schema and its location,
    /// in order): the property's value must satisfy all of them.
    pub earlier: Vec<(&'a Value, String)>,
}

/// An object schema with every `allOf` member (at any depth, through `$ref`s) folded in.
#[derive(Default)]
pub struct Merged<'a> {
    /// Properties in declaration order; a later declaration of the same name replaces the earlier.
    pub props: Vec<Prop<'a>>,
    /// Union of every `required` list (alternatives' lists are not included).
    pub required: Vec<String>,
    /// The outermost `description`.
    pub description: Option<String>,
    /// The outermost `x-daplug` extension and its location.
    pub daplug: Option<(&'a Value, String)>,
    /// Locations of `oneOf`/`anyOf` lists folded in as optional properties (their choice is not checked).
    pub alternatives: Vec<String>,
}

/// `allOf`/`$ref` chains deeper than this are reported as a cycle.
const MAX_DEPTH: usize = 64;

/// Reads one file of the description (a path relative to the root file's folder, or absolute).
pub type ReadFile<'r> = dyn FnMut(&Path) -> std::io::Result<String> + 'r;

impl Spec {
    /// Reads the file named by `lit`, relative to the calling crate's `CARGO_MANIFEST_DIR`, and every
    /// file its schemas reach.
    pub fn load(lit: &syn::LitStr) -> syn::Result<Spec> {
        let file = lit.value();
        let base = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
        Spec::load_path(&file, &base.join(&file), lit.span())
    }

    /// Reads the root file at `path` (named `file` in messages) and every file its schemas reach.
    pub fn load_path(file: &str, path: &Path, span: Span) -> syn::Result<Spec> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            syn::Error::new(span, format!("couldn't read schema file {file} ({}): {err}", path.display()))
        })?;
        let root = absolute(path);
        let dir = root.parent().map(Path::to_owned).unwrap_or_default();
        let mut spec = Spec::parse(file, &text, span)?;
        spec.files.push(root.clone());
        spec.path = Some(root);
        spec.read_reachable(&mut |relative| std::fs::read_to_string(dir.join(relative)), &dir);
        Ok(spec)
    }

    /// Parses and normalises root-file text; `file` is only used in messages. External `$ref`s are
    /// then reported as unreadable files (use [`Spec::parse_with`] to supply them).
    pub fn parse(file: &str, text: &str, span: Span) -> syn::Result<Spec> {
        let mut doc =
            value::parse(text).map_err(|err| syn::Error::new(span, format!("{file}: invalid YAML: {err}")))?;
        normalise(&mut doc);
        Ok(Spec {
            file: file.to_owned(),
            path: None,
            doc,
            others: BTreeMap::new(),
            unreadable: BTreeMap::new(),
            files: Vec::new(),
            span,
        })
    }

    /// Parses root-file text and reads the files it reaches through `read` (given paths relative to
    /// the root file's folder). For tests and tools that keep a description in memory.
    pub fn parse_with(file: &str, text: &str, span: Span, read: &mut ReadFile<'_>) -> syn::Result<Spec> {
        let mut spec = Spec::parse(file, text, span)?;
        spec.read_reachable(read, Path::new(""));
        Ok(spec)
    }

    /// Absolute paths of every file read, the root first.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Reads every external file reachable from `components/schemas` (see the module docs).
    fn read_reachable(&mut self, read: &mut ReadFile<'_>, dir: &Path) {
        let mut scanned: BTreeSet<String> = BTreeSet::new();
        let mut queue = vec!["/components/schemas".to_owned()];
        while let Some(location) = queue.pop() {
            if covered(&scanned, &location) {
                continue;
            }
            let mut refs = Vec::new();
            if let Some(node) = self.lookup(&location) {
                collect_refs(node, &location, &mut refs);
            }
            scanned.insert(location);
            for (at, reference) in refs {
                let Ok(target) = self.target_of(&reference, &at) else {
                    continue;
                };
                let (file, _) = split(&target);
                if let Some(file) = file {
                    if !self.others.contains_key(file) && !self.unreadable.contains_key(file) {
                        let file = file.to_owned();
                        match read(Path::new(&file)).map_err(|e| e.to_string()).and_then(|t| value::parse(&t)) {
                            Ok(mut doc) => {
                                normalise(&mut doc);
                                self.files.push(absolute(&dir.join(&file)));
                                self.others.insert(file, doc);
                            }
                            Err(err) => {
                                self.unreadable.insert(file, err);
                            }
                        }
                    }
                }
                queue.push(target);
            }
        }
    }

    /// An error at the macro's path literal: `file#pointer: message`.
    pub fn error(&self, location: &str, message: impl Display) -> syn::Error {
        self.error_at(self.span, location, message)
    }

    /// An error at another span (a payload token, a struct field) that still names file and pointer.
    pub fn error_at(&self, span: Span, location: &str, message: impl Display) -> syn::Error {
        syn::Error::new(span, format!("{}: {message}", self.describe(location)))
    }

    /// A location as messages print it: `openapi.yml#/components/schemas/Order`, or for another file
    /// its path as the user would open it (`specs/models/pet.yml#/Pet`).
    pub fn describe(&self, location: &str) -> String {
        match split(location) {
            (None, pointer) => format!("{}#{pointer}", self.file),
            (Some(file), pointer) => {
                let dir = Path::new(&self.file).parent().unwrap_or(Path::new(""));
                format!("{}#{pointer}", normalise_path(&dir.join(file)))
            }
        }
    }

    /// The node at a location (`/components/schemas/Order`, `models/pet.yml#/Pet`), if any. A
    /// pointer that passes through a `$ref` (`…/schema/allOf/0`, where `…/schema` is `{$ref: ...}`)
    /// follows it, as a reader resolving the pointer step by step would; a chain of more than
    /// 64 such `$ref`s (a cycle) reaches nothing.
    pub fn lookup(&self, location: &str) -> Option<&Value> {
        self.lookup_at(location, 0)
    }

    fn lookup_at(&self, location: &str, depth: usize) -> Option<&Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (file, pointer) = split(location);
        let mut here = match file {
            None => String::new(),
            Some(file) => format!("{file}#"),
        };
        let mut node = match file {
            None => &self.doc,
            Some(file) => self.others.get(file)?,
        };
        let mut hops = 0;
        for segment in pointer.split('/').skip(1) {
            let segment = unescape(segment);
            node = loop {
                if let Some(next) = child(node, &segment) {
                    break next;
                }
                // The step is missing here: through the `$ref` this node is, if it is one.
                let reference = node.get("$ref")?.as_str()?;
                hops += 1;
                if hops > MAX_DEPTH {
                    return None;
                }
                let target = self.target_of(reference, &here).ok()?;
                here = match split(&target) {
                    (None, _) => String::new(),
                    (Some(file), _) => format!("{file}#"),
                };
                node = self.lookup_at(&target, depth + 1)?;
            };
        }
        Some(node)
    }

    /// The location of every schema under `components/schemas`, in file order.
    pub fn schemas(&self) -> syn::Result<Vec<String>> {
        let Some(Value::Mapping(schemas)) = self.lookup("/components/schemas") else {
            return Err(self.error(
                "/components/schemas",
                "no schemas found: `schema!` generates one type per entry of the map at `components/schemas` \
                 (and what those reach), and this file has no such map (`paths` and other components are not read)",
            ));
        };
        Ok(schemas.keys().map(|name| join("/components/schemas", name)).collect())
    }

    /// Resolves the `$ref` of `schema` (declared at `at`) to the location it names, checking it exists.
    /// Returns `None` when the schema has no `$ref`.
    pub fn reference(&self, schema: &Value, at: &str) -> syn::Result<Option<String>> {
        let Some(reference) = schema.get("$ref") else {
            // JSON Schema 2019-09's `$recursiveRef: "#"` (2020-12's `$dynamicRef: "#..."`) refers
            // to the schema resource it sits in: here, the component (or external file) around it.
            let recursive = ["$recursiveRef", "$dynamicRef"].iter().find_map(|k| schema.get(k)).and_then(Value::as_str);
            return Ok(recursive.filter(|r| r.starts_with('#')).map(|_| enclosing_schema(at)));
        };
        let here = join(at, "$ref");
        let Some(reference) = reference.as_str() else {
            return Err(self.error(&here, "`$ref` must be a string"));
        };
        self.ref_target(reference, at, &here).map(Some)
    }

    /// Resolves a reference string written in the file of `at` to the location it names, checking
    /// that it exists; errors point at `here`.
    pub fn ref_target(&self, reference: &str, at: &str, here: &str) -> syn::Result<String> {
        let target = self.target_of(reference, at).map_err(|message| self.error(here, message))?;
        if let (Some(file), _) = split(&target) {
            if let Some(reason) = self.unreadable.get(file) {
                let shown = self.describe(&format!("{file}#"));
                let shown = shown.trim_end_matches('#');
                return Err(
                    self.error(here, format!("couldn't read `{shown}`, named by `$ref: {reference}`: {reason}"))
                );
            }
        }
        if self.lookup(&target).is_none() {
            return Err(self.error(here, format!("dangling reference `{reference}`")));
        }
        Ok(target)
    }

    /// The location a `$ref` string names, relative to the file of `at` (no existence check).
    fn target_of(&self, reference: &str, at: &str) -> Result<String, String> {
        let (file, pointer) = match reference.split_once('#') {
            Some((file, pointer)) => (file, pointer),
            None => (reference, ""),
        };
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!("unsupported `$ref: {reference}`: the part after `#` must be a JSON pointer"));
        }
        if file.is_empty() {
            let (here, _) = split(at);
            return Ok(match here {
                None => pointer.to_owned(),
                Some(here) => format!("{here}#{pointer}"),
            });
        }
        if file.contains("://") {
            return Err(format!("unsupported `$ref: {reference}`: only local files are read, not URLs"));
        }
        let base = match split(at) {
            (Some(here), _) => Path::new(here).parent().map(Path::to_owned).unwrap_or_default(),
            (None, _) => PathBuf::new(),
        };
        let relative = normalise_path(&base.join(file));
        let root_name = Path::new(&self.file).file_name().map(|n| n.to_string_lossy().into_owned());
        if root_name.as_deref() == Some(relative.as_str()) {
            return Ok(pointer.to_owned());
        }
        Ok(format!("{relative}#{pointer}"))
    }

    /// Follows `$ref`s until a schema without one; returns it with its location.
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
    /// `oneOf`/`anyOf` members met on the way contribute their properties as optional fields.
    pub fn merge<'a>(&'a self, schema: &'a Value, at: &str) -> syn::Result<Merged<'a>> {
        self.merge_all(&[(schema, at.to_owned())])
    }

    /// Several object schemas that must all hold (declarations of one property joined by
    /// `allOf`), folded into one as [`Spec::merge`] folds one.
    pub fn merge_all<'a>(&'a self, schemas: &[(&'a Value, String)]) -> syn::Result<Merged<'a>> {
        let mut merged = Merged::default();
        for (schema, at) in schemas {
            self.merge_into(&mut merged, schema, at, 0, false)?;
        }
        Ok(merged)
    }

    fn merge_into<'a>(
        &'a self,
        merged: &mut Merged<'a>,
        schema: &'a Value,
        at: &str,
        depth: usize,
        alternative: bool,
    ) -> syn::Result<()> {
        if depth > MAX_DEPTH {
            return Err(self.error(at, "`allOf`/`$ref` cycle"));
        }
        if let Some(target) = self.reference(schema, at)? {
            let target_schema = self.lookup(&target).unwrap_or(&Value::Null);
            return self.merge_into(merged, target_schema, &target, depth + 1, alternative);
        }
        if !alternative {
            if merged.description.is_none() {
                merged.description = description(schema);
            }
            if merged.daplug.is_none() {
                if let Some(ext) = schema.get("x-daplug") {
                    merged.daplug = Some((ext, join(at, "x-daplug")));
                }
            }
        }
        if let Some(members) = schema.get("allOf") {
            let members_at = join(at, "allOf");
            for (i, member) in self.list(members, &members_at)?.iter().enumerate() {
                self.merge_into(merged, member, &join(&members_at, &i.to_string()), depth + 1, alternative)?;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = schema.get(key) {
                let members_at = join(at, key);
                merged.alternatives.push(members_at.clone());
                for (i, member) in self.list(members, &members_at)?.iter().enumerate() {
                    self.merge_into(merged, member, &join(&members_at, &i.to_string()), depth + 1, true)?;
                }
            }
        }
        if let Some(props) = schema.get("properties") {
            let (props, props_at) = self.properties_map(props, &join(at, "properties"))?;
            let Some(props) = props.as_mapping() else {
                return Err(self.error(&props_at, format!("`properties` must be a map, found {}", props.kind())));
            };
            for (name, value) in props.iter() {
                let prop = Prop {
                    name: name.to_owned(),
                    schema: value,
                    pointer: join(&props_at, name),
                    from_alternative: alternative,
                    conflicting: false,
                    earlier: Vec::new(),
                };
                match merged.props.iter_mut().find(|p| p.name == name) {
                    // An alternative refines a declared property (`niCategory: {enum: [F, I]}`) or
                    // repeats it: the declaration outside the alternatives stands.
                    Some(existing) if alternative && !existing.from_alternative => {}
                    Some(existing) if alternative => existing.conflicting |= existing.schema != value,
                    // `allOf` joins two declarations: both hold (an identical one adds nothing).
                    Some(existing) if existing.schema == value => {}
                    // An alternative's declaration gives way to the one that always holds.
                    Some(existing) if existing.from_alternative => *existing = prop,
                    Some(existing) => {
                        let mut earlier = std::mem::take(&mut existing.earlier);
                        earlier.push((existing.schema, existing.pointer.clone()));
                        *existing = Prop { earlier, ..prop };
                    }
                    None => merged.props.push(prop),
                }
            }
        }
        if !alternative {
            if let Some(required) = schema.get("required").and_then(Value::as_sequence) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !merged.required.iter().any(|r| r == name) {
                        merged.required.push(name.to_owned());
                    }
                }
            }
        }
        Ok(())
    }

    /// A `properties` value, following a `$ref` that stands for the whole map
    /// (`properties: {$ref: 'attributes.yml#/droplet_ids'}`, as DigitalOcean's spec writes shared
    /// property sets); returns the map and its location.
    pub fn properties_map<'a>(&'a self, props: &'a Value, at: &str) -> syn::Result<(&'a Value, String)> {
        let only_ref = props.as_mapping().filter(|m| m.len() == 1).and_then(|m| m.get("$ref")).and_then(Value::as_str);
        match only_ref {
            Some(reference) => {
                let target = self.ref_target(reference, at, &join(at, "$ref"))?;
                Ok((self.lookup(&target).unwrap_or(&Value::Null), target))
            }
            None => Ok((props, at.to_owned())),
        }
    }

    /// `value` as a list, or an error naming `at`.
    pub fn list<'a>(&self, value: &'a Value, at: &str) -> syn::Result<&'a Vec<Value>> {
        value.as_sequence().ok_or_else(|| self.error(at, format!("expected a list, found {}", value.kind())))
    }
}

/// Splits a location into its file (`None` for the root file) and its JSON pointer.
pub fn split(location: &str) -> (Option<&str>, &str) {
    if location.is_empty() || location.starts_with('/') {
        return (None, location);
    }
    match location.split_once('#') {
        Some((file, pointer)) => (Some(file), pointer),
        None => (Some(location), ""),
    }
}

/// The entry `segment` of a map, or the element of a list at that position.
fn child<'a>(node: &'a Value, segment: &str) -> Option<&'a Value> {
    match node {
        Value::Mapping(map) => map.get(segment),
        Value::Sequence(seq) => seq.get(segment.parse::<usize>().ok()?),
        _ => None,
    }
}

/// The component (`/components/schemas/Name`) or external file (`file#`) a location is inside.
fn enclosing_schema(location: &str) -> String {
    match split(location) {
        (Some(file), _) => format!("{file}#"),
        (None, pointer) => pointer.split('/').take(4).collect::<Vec<_>>().join("/"),
    }
}

/// True when `location` or one of its ancestors is in `scanned`.
fn covered(scanned: &BTreeSet<String>, location: &str) -> bool {
    let mut prefix = location;
    loop {
        if scanned.contains(prefix) {
            return true;
        }
        match prefix.rfind('/') {
            Some(at) => prefix = &prefix[..at],
            None => return false,
        }
    }
}

/// Every `$ref` string in a subtree, with the location of the node holding it.
fn collect_refs(node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Mapping(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                out.push((at.to_owned(), reference.to_owned()));
            }
            for (key, value) in map.iter() {
                collect_refs(value, &join(at, key), out);
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_refs(item, &join(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// The `description` of a schema, trimmed, if it has a non-empty one.
pub fn description(schema: &Value) -> Option<String> {
    let text = schema.get("description")?.as_str()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Appends one segment to a location, escaping `~` and `/`.
pub fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// Undoes [`join`]'s escaping of one pointer segment.
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// A relative path with `.` and `..` folded lexically, `/`-separated (`a/./b/../c.yml` → `a/c.yml`).
fn normalise_path(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/").replace("//", "/")
}

/// Best-effort absolute path (for `include_str!`); falls back to the joined path.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
