//! The update merge: a patch applied to the stored item, both as `serde_json::Value`. Pure, no I/O.
//! The rules are documented on [`merge`] (internal; [`ListOp`] and [`MapOp`] are public through
//! `daplug_runtime::ops`, as the options of `update`).

use serde_json::{Map, Value};

/// How a list in the patch combines with the list stored under the same key.
///
/// Applies to every list the patch meets at any depth, under [`MapOp::Upsert`]. A list patched over a
/// missing value or a non-list is simply set, whatever the operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ListOp {
    /// Append the patch's elements that are not already in the list (checked against the growing list,
    /// so duplicates inside the patch collapse; duplicates already stored are kept). Order: stored
    /// elements first, then the new ones in patch order. daplug-ddb's `'add'`.
    #[default]
    Add,
    /// Remove every stored element equal to any element of the patch list. An empty patch list removes
    /// nothing. daplug-ddb's `'remove'`, without its bugs (it only looked at the patch's first
    /// element, skipped the neighbour of each removed element and crashed on an empty patch list).
    Remove,
    /// The patch list replaces the stored one. daplug-ddb's `'replace'`.
    Replace,
}

/// What the patch's keys mean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum MapOp {
    /// Set or merge each key of the patch into the stored item: maps merge deeply, lists per
    /// [`ListOp`], anything else is set as given.
    /// daplug-ddb's `'upsert'`.
    #[default]
    Upsert,
    /// Delete the patch's keys from the stored item; the patch's values are ignored, except that a map
    /// patched over a stored map names the nested keys to delete (`{"address": {"city": null}}` deletes
    /// `address.city` only). To delete a whole map attribute, give it a non-map value (`null`, `true`).
    /// Keys that are not stored are ignored, so removing twice is harmless. Lists are not
    /// element-filtered here: a list value deletes the attribute (use [`ListOp::Remove`] under
    /// [`MapOp::Upsert`] to remove elements). Protected attributes are never deleted (an error).
    /// daplug-ddb's `'remove'`, minus its mixing in of list operations.
    Remove,
}

/// Options of one [`merge`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// How lists combine.
    pub list: ListOp,
    /// Whether the patch sets or deletes attributes.
    pub map: MapOp,
    /// Top-level attributes the merge must never delete: `update` passes the table's key attributes.
    /// Naming one under [`MapOp::Remove`], or setting one to `null` under [`MapOp::Upsert`], is a
    /// [`MergeError::Protected`]. Changing a protected attribute's value under `Upsert` is not the
    /// merge's concern: the merge applies it, and `update` then refuses the result with
    /// [`Error::InvalidKey`](crate::Error::InvalidKey) (daplug-ddb silently wrote a second item).
    pub protected: Vec<String>,
}

impl MergeOptions {
    /// Default options (list add, map upsert) protecting the given attributes.
    pub fn protecting<I, S>(attributes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self { protected: attributes.into_iter().map(Into::into).collect(), ..Self::default() }
    }

    /// These options with list operation `list`.
    pub fn with_list(mut self, list: ListOp) -> Self {
        self.list = list;
        self
    }

    /// These options with map operation `map`.
    pub fn with_map(mut self, map: MapOp) -> Self {
        self.map = map;
        self
    }
}

/// Why a patch could not be merged. Nothing should be written when this is returned.
///
/// Every variant names the JSON path at fault ([`MergeError::path`]; empty for the root, which
/// `update` reports as `.` in [`Error::Validation`](crate::Error::Validation), like every other
/// validation path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The stored item or the patch is not a JSON object.
    #[error("the {which} is {found}, not a map")]
    NotAnItem {
        /// `"stored item"` or `"patch"`.
        which: &'static str,
        /// The JSON type found (`"a string"`, `"a list"`, ...).
        found: &'static str,
    },
    /// The patch gives a map where the stored value is a scalar or a list.
    #[error("the patch gives a map at `{path}` but the stored value is {stored}; remove it first to replace it")]
    TypeMismatch {
        /// JSON path of the value (`address.geo`).
        path: String,
        /// The JSON type stored there (`"a string"`, `"a list"`, ...).
        stored: &'static str,
    },
    /// The patch would delete a protected (key) attribute.
    #[error("`{path}` is a key attribute and cannot be removed")]
    Protected {
        /// The attribute name.
        path: String,
    },
}

impl MergeError {
    /// JSON path of the offending value; empty for the root.
    pub fn path(&self) -> &str {
        match self {
            MergeError::NotAnItem { .. } => "",
            MergeError::TypeMismatch { path, .. } | MergeError::Protected { path } => path,
        }
    }
}

/// Merges `patch` into a copy of `original` (the stored item, unprefixed) and returns the result.
///
/// Both must be JSON objects. `update` reads the stored item, merges the caller's patch into it with
/// this function and writes the whole result back. The rules follow daplug-ddb's `dict_merger.merge`
/// where it was right and fix it where it was not:
///
/// * **Maps merge deeply**, at any depth: keys of the patch are applied one by one, untouched keys of
///   the stored map survive.
/// * **Lists** combine per [`ListOp`]: [`Add`](ListOp::Add) appends the elements not already present,
///   [`Remove`](ListOp::Remove) removes every element equal to one of the patch's,
///   [`Replace`](ListOp::Replace) replaces the list. Elements compare as JSON values, with numbers
///   compared by numeric value (`2 == 2.0`) and maps key-order-insensitively.
/// * **Anything else** (a scalar, `null`, a list over a non-list, a map over a missing or `null`
///   value) is set as given. `null` is kept, not treated as "remove": daplug-ddb stored it as a
///   DynamoDB `NULL` and so do we; removal is what [`MapOp::Remove`] is for.
/// * **A map over a value that is neither a map nor `null`** is a [`MergeError::TypeMismatch`]
///   naming the JSON path. daplug-ddb crashed with `AttributeError` there (and silently replaced
///   falsy values such as `""`, `0` or `[]`); guessing whether the caller meant "replace" is worse
///   than asking, so a caller who wants to replace a scalar with a map must remove it first.
///
/// [`MapOp::Remove`] turns the patch into a list of attributes to delete; it never deletes the
/// attributes named in [`MergeOptions::protected`] (the key attributes), and asking it to is an error.
pub fn merge(original: &Value, patch: &Value, options: &MergeOptions) -> Result<Value, MergeError> {
    let Value::Object(stored) = original else {
        return Err(MergeError::NotAnItem { which: "stored item", found: type_name(original) });
    };
    let Value::Object(patch) = patch else {
        return Err(MergeError::NotAnItem { which: "patch", found: type_name(patch) });
    };
    // Key attributes live at the top level only, so this is the one place to check them.
    for (key, value) in patch {
        let removes = match options.map {
            MapOp::Remove => true,
            MapOp::Upsert => value.is_null(),
        };
        if removes && options.protected.iter().any(|p| p == key) {
            return Err(MergeError::Protected { path: key.clone() });
        }
    }
    let mut merged = stored.clone();
    let mut path = String::new();
    match options.map {
        MapOp::Upsert => upsert_map(&mut merged, patch, options.list, &mut path)?,
        MapOp::Remove => remove_keys(&mut merged, patch, &mut path)?,
    }
    Ok(Value::Object(merged))
}

fn upsert_map(
    target: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    list: ListOp,
    path: &mut String,
) -> Result<(), MergeError> {
    for (key, new) in patch {
        let len = push_key(path, key);
        match (target.get_mut(key), new) {
            (Some(Value::Object(old)), Value::Object(new)) => upsert_map(old, new, list, path)?,
            (Some(Value::Array(old)), Value::Array(new)) => merge_list(old, new, list),
            (Some(old), Value::Object(_)) if !old.is_null() => {
                return Err(MergeError::TypeMismatch { path: path.clone(), stored: type_name(old) });
            }
            _ => {
                target.insert(key.clone(), new.clone());
            }
        }
        path.truncate(len);
    }
    Ok(())
}

fn remove_keys(
    target: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    path: &mut String,
) -> Result<(), MergeError> {
    for (key, new) in patch {
        let len = push_key(path, key);
        match (target.get_mut(key), new) {
            (Some(Value::Object(old)), Value::Object(new)) => remove_keys(old, new, path)?,
            // Nested keys of nothing: already absent.
            (None | Some(Value::Null), Value::Object(_)) => {}
            (Some(old), Value::Object(_)) => {
                return Err(MergeError::TypeMismatch { path: path.clone(), stored: type_name(old) });
            }
            _ => {
                target.remove(key);
            }
        }
        path.truncate(len);
    }
    Ok(())
}

fn merge_list(old: &mut Vec<Value>, new: &[Value], op: ListOp) {
    match op {
        ListOp::Add => {
            for element in new {
                if !old.iter().any(|present| json_eq(present, element)) {
                    old.push(element.clone());
                }
            }
        }
        ListOp::Remove => old.retain(|present| !new.iter().any(|gone| json_eq(present, gone))),
        ListOp::Replace => *old = new.to_vec(),
    }
}

/// Appends `key` to a JSON path (`a.b`, or `a["odd.key"]` when the key would be ambiguous) and returns
/// the length to truncate back to.
fn push_key(path: &mut String, key: &str) -> usize {
    let len = path.len();
    let plain = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '@'));
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&Value::String(key.to_owned()).to_string());
        path.push(']');
    }
    len
}

/// JSON equality with numbers compared by value: DynamoDB numbers have no int/float distinction, so a
/// stored `2` (decoded as an integer) must equal a patch's `2.0`. Maps compare key-order-insensitively.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_eq(x, y),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

enum Num {
    Int(i128),
    Float(f64),
}

fn num(n: &serde_json::Number) -> Option<Num> {
    if let Some(i) = n.as_i64() {
        Some(Num::Int(i128::from(i)))
    } else if let Some(u) = n.as_u64() {
        Some(Num::Int(i128::from(u)))
    } else {
        n.as_f64().map(Num::Float)
    }
}

fn number_eq(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    // Exact comparison: an integer equals a float only if the float is that integer exactly, so
    // large integers are not conflated through a lossy f64 conversion.
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0; // 2^127
    let int_eq_float = |i: i128, f: f64| f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f) && f as i128 == i;
    match (num(x), num(y)) {
        (Some(Num::Int(a)), Some(Num::Int(b))) => a == b,
        (Some(Num::Float(a)), Some(Num::Float(b))) => a == b,
        (Some(Num::Int(i)), Some(Num::Float(f))) | (Some(Num::Float(f)), Some(Num::Int(i))) => int_eq_float(i, f),
        _ => x == y,
    }
}

/// "a string", "a list", ... for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
