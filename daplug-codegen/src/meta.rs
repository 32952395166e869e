//! Persistence metadata from the `x-daplug` schema extension.
//!
//! ```yaml
//! x-daplug:
//!   hash_key: pk              # property names (wire names), checked against the schema
//!   range_key: sk
//!   hash_prefix: "tenant#"
//!   range_prefix: "order#"
//!   idempotence_key: modified # `version` is accepted as a synonym
//!   indexes:
//!     status-index: {hash_key: status, range_key: modified}
//! ```
//! Every name must be a property of the schema and key attributes must be strings or numbers, so a
//! typo is a compile error instead of a runtime `ValidationException`.
//!
//! The root of the spec file may carry settings for the whole spec:
//!
//! ```yaml
//! x-daplug:
//!   numbers: decimal          # every `type: number` without a format is a `Decimal` (default `f64`)
//!   unknown_fields: skip      # `additionalProperties: false` is not enforced (default `refuse`)
//!   formats: skip             # `format`s are not checked (default `check`)
//!   constraints: skip         # no constraint is checked: ranges, lengths, patterns, formats (default `check`)
//!   defaults: skip            # `default`s are neither applied nor checked (default `apply`)
//! ```

use crate::value::Value;

use crate::ir::{Errors, Field, Index, KeyAttr, KeyField, KeyMeta, KeyType, Ty};
use crate::spec::{join, Spec};

/// Keys accepted inside `x-daplug`.
const KEYS: &[&str] =
    &["hash_key", "range_key", "hash_prefix", "range_prefix", "idempotence_key", "version", "indexes"];

/// How a `type: number` without a `format` is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Numbers {
    /// `f64` (the default).
    #[default]
    F64,
    /// `daplug_runtime::Decimal`.
    Decimal,
}

/// The spec-wide settings of the root file's `x-daplug` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// How a `type: number` without a format is generated.
    pub numbers: Numbers,
    /// Whether `additionalProperties: false` makes a struct refuse fields it does not declare when
    /// reading JSON (`unknown_fields: refuse`, the default), or is not enforced (`skip`), for specs
    /// that mark every object closed although their servers add fields.
    pub closed_objects: bool,
    /// Whether the constraints (`minimum`, `maxLength`, `pattern`, …) are checked (`constraints:
    /// check`, the default), or none is (`skip`).
    pub constraints: bool,
    /// Whether `format`s are checked (`formats: check`, the default), or not (`skip`), for specs
    /// whose data does not keep them (`format: date-time` on times without an offset).
    pub formats: bool,
    /// Whether a property's `default` fills an absent field (`defaults: apply`, the default; a
    /// default that does not fit its field is then an error), or is only documented (`skip`), for
    /// specs whose defaults contradict their types.
    pub defaults: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { numbers: Numbers::default(), closed_objects: true, constraints: true, formats: true, defaults: true }
    }
}

/// The spec-wide settings in the root file's `x-daplug` map (see the module docs).
pub fn spec_settings(spec: &Spec) -> syn::Result<Settings> {
    let at = "/x-daplug";
    let Some(ext) = spec.lookup(at) else {
        return Ok(Settings::default());
    };
    let Some(map) = ext.as_mapping() else {
        return Err(
            spec.error(at, "the root's `x-daplug` must be a map (spec-wide settings: `numbers`, `unknown_fields`, `constraints`, `formats`, `defaults`)")
        );
    };
    let mut errors = Errors::default();
    let mut settings = Settings::default();
    for (key, value) in map.iter() {
        match (key, value.as_str()) {
            ("numbers", Some("decimal")) => settings.numbers = Numbers::Decimal,
            ("numbers", Some("f64")) => settings.numbers = Numbers::F64,
            ("numbers", _) => {
                errors.push(spec.error(&join(at, key), "expected `decimal` or `f64` (how `type: number` is generated)"))
            }
            ("unknown_fields", Some("refuse")) => settings.closed_objects = true,
            ("unknown_fields", Some("skip")) => settings.closed_objects = false,
            ("unknown_fields", _) => errors.push(spec.error(
                &join(at, key),
                "expected `refuse` or `skip` (whether `additionalProperties: false` refuses undeclared fields)",
            )),
            ("constraints" | "formats", Some(mode @ ("check" | "skip"))) => {
                let check = mode == "check";
                if key == "constraints" {
                    settings.constraints = check;
                } else {
                    settings.formats = check;
                }
            }
            ("defaults", Some(mode @ ("apply" | "skip"))) => settings.defaults = mode == "apply",
            ("defaults", _) => errors.push(
                spec.error(&join(at, key), "expected `apply` or `skip` (whether `default`s fill absent fields)"),
            ),
            ("constraints" | "formats", _) => {
                errors.push(spec.error(&join(at, key), format!("expected `check` or `skip` (whether {key} are checked)")))
            }
            _ => errors.push(spec.error(
                &join(at, key),
                format!(
                    "unknown spec-wide `x-daplug` key `{key}` (expected `numbers`, `unknown_fields`, `constraints`, `formats` or `defaults`; per-schema \
                     settings go on a schema)"
                ),
            )),
        }
    }
    errors.finish(settings)
}

/// The metadata of a component schema; `ext` is its `x-daplug` value and pointer, if present.
pub fn from_extension(
    spec: &Spec,
    schema_name: &str,
    ext: Option<(&Value, String)>,
    fields: &[Field],
) -> syn::Result<KeyMeta> {
    let mut meta = KeyMeta { schema_name: schema_name.to_owned(), ..KeyMeta::default() };
    let Some((ext, at)) = ext else {
        return Ok(meta);
    };
    let Some(map) = ext.as_mapping() else {
        return Err(spec.error(&at, "`x-daplug` must be a map"));
    };
    let mut errors = Errors::default();
    for key in map.keys() {
        if !KEYS.contains(&key) {
            errors.push(spec.error(
                &join(&at, key),
                format!("unknown `x-daplug` key `{key}` (expected one of {})", KEYS.join(", ")),
            ));
        }
    }
    let text = |errors: &mut Errors, key: &str| -> Option<String> {
        match map.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(spec.error(&join(&at, key), "expected a string"));
                None
            }
        }
    };
    let property = |errors: &mut Errors, key: &str, at: &str| -> Option<&Field> {
        let wire = text(errors, key)?;
        let found = fields.iter().find(|f| f.wire_name == wire);
        if found.is_none() {
            errors.push(spec.error(&join(at, key), format!("unknown property `{wire}`")));
        }
        found
    };
    let key_field = |errors: &mut Errors, key: &str| -> Option<KeyField> {
        let field = property(errors, key, &at)?;
        let attr = errors.ok(key_attr(spec, &join(&at, key), field))?;
        Some(KeyField { attr, ident: field.ident.clone(), ty: field.ty.strip_option().clone() })
    };
    meta.hash_key = key_field(&mut errors, "hash_key");
    meta.range_key = key_field(&mut errors, "range_key");
    if let (Some(hash), Some(range)) = (&meta.hash_key, &meta.range_key) {
        if hash.attr.wire == range.attr.wire {
            errors.push(spec.error(
                &join(&at, "range_key"),
                format!("`hash_key` and `range_key` both name `{}`; a table's two keys must differ", hash.attr.wire),
            ));
        }
    }
    meta.hash_prefix = text(&mut errors, "hash_prefix");
    meta.range_prefix = text(&mut errors, "range_prefix");
    if map.contains_key("idempotence_key") && map.contains_key("version") {
        errors.push(spec.error(&at, "`idempotence_key` and `version` are synonyms; give one"));
    }
    for key in ["idempotence_key", "version"] {
        if let Some(field) = property(&mut errors, key, &at) {
            meta.idempotence_key = Some(field.wire_name.clone());
        }
    }
    if let Some(indexes) = map.get("indexes") {
        let indexes_at = join(&at, "indexes");
        match indexes.as_mapping() {
            Some(indexes) => {
                for (name, index) in indexes.iter() {
                    let name = name.to_owned();
                    let index_at = join(&indexes_at, &name);
                    let attr = |errors: &mut Errors, key: &str| -> Option<KeyAttr> {
                        let wire = index.get(key)?.as_str()?;
                        let Some(field) = fields.iter().find(|f| f.wire_name == wire) else {
                            errors.push(spec.error(&join(&index_at, key), format!("unknown property `{wire}`")));
                            return None;
                        };
                        errors.ok(key_attr(spec, &join(&index_at, key), field))
                    };
                    let hash_key = attr(&mut errors, "hash_key");
                    let range_key = attr(&mut errors, "range_key");
                    match hash_key {
                        Some(hash_key) => meta.indexes.push(Index { name, hash_key, range_key }),
                        None if index.get("hash_key").is_none() => {
                            errors.push(spec.error(&index_at, "index needs a `hash_key`"));
                        }
                        None => {}
                    }
                }
            }
            None => errors.push(spec.error(&indexes_at, "`indexes` must be a map")),
        }
    }
    errors.finish(meta)
}

/// The key attribute for a field, or an error when its type cannot be a DynamoDB key. A `$ref` to a
/// string enum or a string alias is a string key.
fn key_attr(spec: &Spec, at: &str, field: &Field) -> syn::Result<KeyAttr> {
    let from_schema = || {
        let schema = spec.lookup(&field.pointer)?;
        let (schema, _) = spec.resolve(schema, &field.pointer).ok()?;
        match schema.get("type")?.as_str()? {
            "string" => Some(KeyType::S),
            "integer" | "number" => Some(KeyType::N),
            _ => None,
        }
    };
    match key_type(field.ty.strip_option()).or_else(from_schema) {
        Some(key_type) => Ok(KeyAttr { wire: field.wire_name.clone(), key_type }),
        None => {
            Err(spec
                .error(at, format!("key attribute `{}` must be a string, integer or number property", field.wire_name)))
        }
    }
}

/// `S` for strings, `N` for numbers; other types cannot be keys.
pub fn key_type(ty: &Ty) -> Option<KeyType> {
    match ty {
        Ty::String => Some(KeyType::S),
        Ty::I64 | Ty::I32 | Ty::U64 | Ty::U32 | Ty::F64 | Ty::F32 | Ty::Decimal => Some(KeyType::N),
        _ => None,
    }
}
