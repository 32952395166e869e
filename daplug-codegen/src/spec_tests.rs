use std::collections::BTreeMap;
use std::path::Path;

use super::*;

fn spec(text: &str) -> Spec {
    Spec::parse("t.yml", text, Span::call_site()).expect("parses")
}

/// A root file plus other files held in memory.
fn spec_with(text: &str, files: &[(&str, &str)]) -> Spec {
    let files: BTreeMap<String, String> = files.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut read = |path: &Path| {
        let key = path.to_string_lossy().into_owned();
        files.get(&key).cloned().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
    };
    Spec::parse_with("specs/root.yml", text, Span::call_site(), &mut read).expect("parses")
}

#[test]
fn normalises_type_arrays() {
    let s = spec("a: {type: [string, 'null']}\nb: {type: ['null']}\nc: {type: [string, integer]}");
    assert_eq!(s.lookup("/a/type").and_then(Value::as_str), Some("string"));
    assert_eq!(s.lookup("/a/nullable"), Some(&Value::Bool(true)));
    assert_eq!(s.lookup("/b/type").and_then(Value::as_str), Some("null"));
    assert!(s.lookup("/b/nullable").is_none());
    assert!(s.lookup("/c/type").is_none());
    assert_eq!(s.lookup("/c/oneOf/0/type").and_then(Value::as_str), Some("string"));
    assert_eq!(s.lookup("/c/oneOf/1/type").and_then(Value::as_str), Some("integer"));
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
fn alternatives_add_optional_properties_and_keep_declared_ones() {
    let s = spec(
        "X:\n  properties: {a: {type: string}}\n  required: [a]\n  oneOf:\n    - {required: [b], properties: {a: {enum: [F]}, b: {type: string}}}\n    - {properties: {b: {type: integer}, c: {type: string}}}\n",
    );
    let x = s.lookup("/X").expect("X");
    let merged = s.merge(x, "/X").expect("merges");
    let names: Vec<(&str, bool, bool)> =
        merged.props.iter().map(|p| (p.name.as_str(), p.from_alternative, p.conflicting)).collect();
    assert_eq!(names, [("a", false, false), ("b", true, true), ("c", true, false)]);
    assert_eq!(merged.props[0].pointer, "/X/properties/a");
    assert_eq!(merged.required, ["a"]);
    assert_eq!(merged.alternatives, ["/X/oneOf"]);
}

#[test]
fn properties_must_be_a_map() {
    let s = spec("X: {properties: [a, b]}");
    let err = s.merge(s.lookup("/X").expect("X"), "/X").err().map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("t.yml#/X/properties: `properties` must be a map, found a list"));
}

#[test]
fn dangling_and_remote_refs() {
    let s = spec("x: {$ref: '#/nope'}\ny: {$ref: 'https://example.com/a.yml#/a'}");
    let x = s.lookup("/x").expect("x");
    let err = s.reference(x, "/x").err().map(|e| e.to_string());
    assert_eq!(err.as_deref(), Some("t.yml#/x/$ref: dangling reference `#/nope`"));
    let y = s.lookup("/y").expect("y");
    let err = s.reference(y, "/y").err().map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("only local files are read")));
}

#[test]
fn ref_cycle_is_an_error() {
    let s = spec("a: {$ref: '#/b'}\nb: {$ref: '#/a'}");
    let a = s.lookup("/a").expect("a");
    assert!(s.resolve(a, "/a").is_err());
    assert!(s.merge(a, "/a").is_err());
}

#[test]
fn external_refs_resolve_relative_to_the_referring_file() {
    let s = spec_with(
        "components:\n  schemas:\n    Pet: {$ref: './models/pet.yml#/Pet'}\n    Kernel: {$ref: models/kernel.yml}\n",
        &[
            ("models/pet.yml", "Pet: {properties: {size: {$ref: '../shared/size.yml'}, me: {$ref: '#/Pet'}}}"),
            ("models/kernel.yml", "type: object\nproperties: {id: {type: integer}}\n"),
            ("shared/size.yml", "type: string\n"),
        ],
    );
    let pet = s.lookup("/components/schemas/Pet").expect("pet");
    assert_eq!(s.reference(pet, "/components/schemas/Pet").ok().flatten().as_deref(), Some("models/pet.yml#/Pet"));
    let size = s.lookup("models/pet.yml#/Pet/properties/size").expect("size");
    let target = s.reference(size, "models/pet.yml#/Pet/properties/size").ok().flatten();
    assert_eq!(target.as_deref(), Some("shared/size.yml#"));
    assert_eq!(s.lookup("shared/size.yml#/type").and_then(Value::as_str), Some("string"));
    let me = s.lookup("models/pet.yml#/Pet/properties/me").expect("me");
    let target = s.reference(me, "models/pet.yml#/Pet/properties/me").ok().flatten();
    assert_eq!(target.as_deref(), Some("models/pet.yml#/Pet"));
    assert_eq!(s.describe("models/pet.yml#/Pet"), "specs/models/pet.yml#/Pet");
}

#[test]
fn a_missing_file_is_reported_at_the_ref() {
    let s = spec_with("components:\n  schemas:\n    Pet: {$ref: 'models/gone.yml'}\n", &[]);
    let pet = s.lookup("/components/schemas/Pet").expect("pet");
    let err = s.reference(pet, "/components/schemas/Pet").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        err.starts_with("specs/root.yml#/components/schemas/Pet/$ref: couldn't read `specs/models/gone.yml`"),
        "{err}"
    );
}

#[test]
fn only_files_reachable_from_schemas_are_read() {
    let s = spec_with("paths: {/a: {$ref: 'paths/a.yml'}}\ncomponents:\n  schemas:\n    A: {type: string}\n", &[]);
    assert!(s.unreadable.is_empty());
}

#[test]
fn no_schemas_says_what_was_looked_for() {
    let err = spec("openapi: 3.0.0\npaths: {}\n").schemas().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("components/schemas"), "{err}");
    assert!(err.contains("no schemas found"), "{err}");
}
