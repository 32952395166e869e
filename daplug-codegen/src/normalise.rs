//! Rewrites a parsed file into the one spelling the rest of the crate reads, once, right after
//! parsing: JSON Schema (OpenAPI 3.1) constructs that say what 3.0 says another way.
//!
//! - `type: [T, "null"]` → `type: T, nullable: true`.
//! - `type: ["null"]`, `enum: [null]`, `const: null` → `type: "null"` (only `null`: Rust's `()`).
//! - `null` among an `enum`'s values → the other values, `nullable: true`.
//! - `type: [A, B, …]` → `oneOf` of one schema per type, each taking the keywords that apply to its
//!   type (`minLength` to the string, `minimum` to the numbers, `items` to the array, an `enum`'s
//!   values by their kind), so a type list becomes an enum of exactly those types.

use crate::value::{Mapping, Value};

/// Rewrites every schema in the tree (see the module docs).
pub fn normalise(value: &mut Value) {
    match value {
        Value::Sequence(seq) => seq.iter_mut().for_each(normalise),
        Value::Mapping(map) => {
            map.values_mut().for_each(normalise);
            rewrite_null_values(map);
            rewrite_type_array(map);
        }
        _ => {}
    }
}

/// `null` in `enum` / `const` is what `nullable: true` says; a list of only `null` is the null type.
fn rewrite_null_values(map: &mut Mapping) {
    if map.get("const").is_some_and(Value::is_null) {
        map.remove("const");
        map.insert("type", Value::String("null".to_owned()));
        return;
    }
    let Some(Value::Sequence(values)) = map.get("enum") else {
        return;
    };
    if values.is_empty() || !values.iter().any(Value::is_null) {
        return;
    }
    let rest: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
    if rest.is_empty() {
        map.remove("enum");
        map.insert("type", Value::String("null".to_owned()));
    } else {
        map.insert("enum", Value::Sequence(rest));
        map.insert("nullable", Value::Bool(true));
    }
}

/// The JSON Schema types a `type` list may name.
const TYPES: [&str; 7] = ["string", "integer", "number", "boolean", "array", "object", "null"];

/// Keywords that constrain one type only, by the type they apply to (JSON Schema Validation §6).
const TYPE_KEYWORDS: [(&str, &[&str]); 5] = [
    ("string", &["minLength", "maxLength", "pattern", "contentEncoding", "contentMediaType"]),
    ("integer", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
    ("number", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
    ("array", &["items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"]),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
        ],
    ),
];

/// Formats that describe numbers; any other `format` describes a string.
const NUMBER_FORMATS: [&str; 7] = ["int32", "int64", "uint32", "uint64", "float", "double", "decimal"];

fn rewrite_type_array(map: &mut Mapping) {
    let Some(Value::Sequence(types)) = map.get("type") else {
        return;
    };
    let names: Option<Vec<String>> = types.iter().map(|t| t.as_str().map(str::to_owned)).collect();
    // Anything else (a typo, a non-string) is left for the lowering to report at its pointer.
    let Some(names) = names.filter(|n| !n.is_empty() && n.iter().all(|t| TYPES.contains(&t.as_str()))) else {
        return;
    };
    let nullable = names.iter().any(|t| t == "null");
    let mut rest: Vec<String> = Vec::new();
    for name in names.into_iter().filter(|t| t != "null") {
        if !rest.contains(&name) {
            rest.push(name);
        }
    }
    match rest.as_slice() {
        [] => {
            map.insert("type", Value::String("null".to_owned()));
            return;
        }
        [single] => {
            map.insert("type", Value::String(single.clone()));
        }
        // Already a union (or an intersection): splitting would need the two combined; left as
        // `type` list, which the lowering reads as any value.
        _ if ["oneOf", "anyOf", "allOf"].iter().any(|k| map.contains_key(k)) => return,
        _ => split_types(map, &rest),
    }
    if nullable {
        map.insert("nullable", Value::Bool(true));
    }
}

/// Replaces `type: [A, B, …]` with `oneOf: [{type: A, …}, {type: B, …}]`.
fn split_types(map: &mut Mapping, types: &[String]) {
    map.remove("type");
    let values = match map.remove("enum") {
        Some(Value::Sequence(values)) => Some(values),
        Some(other) => {
            // Not a list: put it back for the lowering to report.
            map.insert("enum", other);
            None
        }
        None => None,
    };
    let format = map.remove("format");
    let mut taken: Vec<(String, Value)> = Vec::new();
    for (_, keywords) in TYPE_KEYWORDS {
        for keyword in keywords {
            if let Some(value) = map.remove(keyword) {
                taken.push(((*keyword).to_owned(), value));
            }
        }
    }
    let mut alternatives = Vec::new();
    for ty in types {
        let mut alternative = Mapping::default();
        alternative.insert("type", Value::String(ty.clone()));
        let applies = TYPE_KEYWORDS.iter().find(|(t, _)| t == ty).map_or(&[][..], |(_, k)| *k);
        for (keyword, value) in &taken {
            if applies.contains(&keyword.as_str()) {
                alternative.insert(keyword, value.clone());
            }
        }
        if let Some(format) = &format {
            let numeric = format.as_str().is_some_and(|f| NUMBER_FORMATS.contains(&f));
            if numeric == matches!(ty.as_str(), "integer" | "number") {
                alternative.insert("format", format.clone());
            }
        }
        if let Some(values) = &values {
            let own: Vec<Value> = values.iter().filter(|v| kind_of(v, types) == Some(ty.as_str())).cloned().collect();
            // The enum leaves this type no value: the type is not an alternative at all.
            if own.is_empty() {
                continue;
            }
            alternative.insert("enum", Value::Sequence(own));
        }
        alternatives.push(Value::Mapping(alternative));
    }
    map.insert("oneOf", Value::Sequence(alternatives));
}

/// The listed type an enum value belongs to (an integral number to `integer` when listed).
fn kind_of<'a>(value: &Value, types: &'a [String]) -> Option<&'a str> {
    let listed = |name: &str| types.iter().find(|t| *t == name).map(String::as_str);
    match value {
        Value::String(_) => listed("string"),
        Value::Bool(_) => listed("boolean"),
        Value::Number(n) if n.as_i64().is_some() || n.as_u64().is_some() => {
            listed("integer").or_else(|| listed("number"))
        }
        Value::Number(_) => listed("number"),
        Value::Sequence(_) => listed("array"),
        Value::Mapping(_) => listed("object"),
        Value::Null => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value;

    fn normalised(text: &str) -> Value {
        let mut v = value::parse(text).expect("parses");
        normalise(&mut v);
        v
    }

    fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
        path.iter().try_fold(v, |v, k| match v {
            Value::Sequence(s) => s.get(k.parse::<usize>().ok()?),
            other => other.get(k),
        })
    }

    #[test]
    fn keywords_go_to_the_type_they_constrain() {
        let v = normalised(
            "{type: [string, integer, 'null'], minLength: 2, pattern: '^a', minimum: 3, format: int32, description: d}",
        );
        assert_eq!(at(&v, &["nullable"]), Some(&Value::Bool(true)));
        assert_eq!(at(&v, &["description"]).and_then(Value::as_str), Some("d"));
        assert!(at(&v, &["minLength"]).is_none() && at(&v, &["minimum"]).is_none());
        let string = at(&v, &["oneOf", "0"]).expect("string alternative");
        assert_eq!(string.get("type").and_then(Value::as_str), Some("string"));
        assert!(string.get("minLength").is_some() && string.get("pattern").is_some());
        assert!(string.get("minimum").is_none() && string.get("format").is_none());
        let integer = at(&v, &["oneOf", "1"]).expect("integer alternative");
        assert!(integer.get("minimum").is_some() && integer.get("format").is_some());
        assert!(integer.get("minLength").is_none());
        assert!(at(&v, &["oneOf", "2"]).is_none(), "null is nullable, not an alternative");
    }

    #[test]
    fn enum_values_are_shared_out_by_kind() {
        let v = normalised("{type: [string, integer, boolean], enum: [a, 1, b]}");
        let alternatives = at(&v, &["oneOf"]).and_then(Value::as_sequence).expect("oneOf");
        // `boolean` has no value in the enum: no alternative for it.
        assert_eq!(alternatives.len(), 2);
        assert_eq!(at(&v, &["oneOf", "0", "enum"]).and_then(Value::as_sequence).map(Vec::len), Some(2));
        assert_eq!(at(&v, &["oneOf", "1", "enum", "0"]).and_then(Value::as_u64), Some(1));
    }

    #[test]
    fn null_in_values() {
        let v = normalised("{a: {enum: [x, null]}, b: {enum: [null]}, c: {const: null}, d: {enum: [x]}}");
        assert_eq!(at(&v, &["a", "nullable"]), Some(&Value::Bool(true)));
        assert_eq!(at(&v, &["a", "enum"]).and_then(Value::as_sequence).map(Vec::len), Some(1));
        assert_eq!(at(&v, &["b", "type"]).and_then(Value::as_str), Some("null"));
        assert!(at(&v, &["b", "enum"]).is_none());
        assert_eq!(at(&v, &["c", "type"]).and_then(Value::as_str), Some("null"));
        assert!(at(&v, &["d", "nullable"]).is_none());
    }

    #[test]
    fn unions_and_unknown_types_are_left_alone() {
        let v = normalised("{a: {type: [string, integer], oneOf: [{minimum: 1}]}, b: {type: [string, widget]}}");
        assert!(at(&v, &["a", "type"]).is_some_and(Value::is_sequence));
        assert!(at(&v, &["b", "type"]).is_some_and(Value::is_sequence));
    }
}
