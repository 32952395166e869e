//! The update merge: a patch applied to the stored item, both as DynamoDB attribute values. Pure, no I/O.
//! The rules are documented on [`merge`] (internal; [`ListOp`] and [`MapOp`] are public through
//! `daplug_runtime::ops`, as the options of `update`).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::item::Item;
use crate::codec::number;

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

/// One step of a path in [`ModelMeta::replaced`](crate::ModelMeta::replaced): a field, or any key of
/// a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// The field (or map key) with this name.
    Field(&'static str),
    /// Any key of a map (`additionalProperties`).
    AnyKey,
}

impl PathStep {
    /// Whether this step names the map key `key`.
    pub fn matches(self, key: &str) -> bool {
        match self {
            PathStep::Field(name) => name == key,
            PathStep::AnyKey => true,
        }
    }
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
    /// Where a map in the patch replaces the stored value whole instead of merging into it (a
    /// union's value: [`ModelMeta::replaced`](crate::ModelMeta::replaced)).
    pub replaced: &'static [&'static [PathStep]],
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

    /// These options replacing the values at `paths` whole.
    pub fn with_replaced(mut self, paths: &'static [&'static [PathStep]]) -> Self {
        self.replaced = paths;
        self
    }
}

/// The paths of [`MergeOptions::replaced`] still ahead of a position in the patch, each as the
/// steps left to walk.
#[derive(Debug, Clone, Default)]
pub(crate) struct Replaced(Vec<&'static [PathStep]>);

impl Replaced {
    /// Every path, from the item's top.
    pub(crate) fn all(paths: &'static [&'static [PathStep]]) -> Self {
        Replaced(paths.to_vec())
    }

    /// One step down, into the entry `key`: whether the entry is replaced whole, and the paths
    /// below it.
    pub(crate) fn enter(&self, key: &str) -> (bool, Replaced) {
        let mut whole = false;
        let mut below = Vec::new();
        for path in &self.0 {
            if let Some((first, rest)) = path.split_first() {
                if first.matches(key) {
                    if rest.is_empty() {
                        whole = true;
                    } else {
                        below.push(rest);
                    }
                }
            }
        }
        (whole, Replaced(below))
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
    /// The patch is not a map.
    #[error("the {which} is {found}, not a map")]
    NotAnItem {
        /// What is not a map (`"patch"`).
        which: &'static str,
        /// The type found (`"a string"`, `"a list"`, ...).
        found: &'static str,
    },
    /// The patch gives a map where the stored value is a scalar or a list.
    #[error("the patch gives a map at `{path}` but the stored value is {stored}; remove it first to replace it")]
    TypeMismatch {
        /// Path of the value (`address.geo`).
        path: String,
        /// The type stored there (`"a string"`, `"a list"`, ...).
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
    /// Path of the offending value; empty for the root.
    pub fn path(&self) -> &str {
        match self {
            MergeError::NotAnItem { .. } => "",
            MergeError::TypeMismatch { path, .. } | MergeError::Protected { path } => path,
        }
    }
}

/// Merges `patch` (an attribute value that must be a map) into a copy of `original` (the stored
/// item, unprefixed) and returns the result.
///
/// The merge works on DynamoDB's attribute values, not on JSON, so that numbers keep their text
/// (a stored decimal `12.50` the patch does not touch is written back as `12.50`, not through an
/// `f64`). `update` reads the stored item, merges the caller's patch into it with this function and
/// writes the whole result back. The rules follow daplug-ddb's `dict_merger.merge` where it was
/// right and fix it where it was not:
///
/// * **Maps merge deeply**, at any depth: keys of the patch are applied one by one, untouched keys of
///   the stored map survive.
/// * **Lists** combine per [`ListOp`]: [`Add`](ListOp::Add) appends the elements not already present,
///   [`Remove`](ListOp::Remove) removes every element equal to one of the patch's,
///   [`Replace`](ListOp::Replace) replaces the list. Elements compare by value, with numbers
///   compared numerically (`2 == 2.0`) and maps key-order-insensitively. A stored set (`SS`, `NS`)
///   combines the same way with a patch list of its element type, and stays a set; a set emptied
///   by `Remove` is removed (DynamoDB stores no empty sets).
/// * **Anything else** (a scalar, `null`, a list over a non-list, a map over a missing or `null`
///   value) is set as given. `null` is kept, not treated as "remove": daplug-ddb stored it as a
///   DynamoDB `NULL` and so do we; removal is what [`MapOp::Remove`] is for.
/// * **A union's value** (a path of [`MergeOptions::replaced`]) is replaced whole: its map is one
///   alternative, and merging it into another alternative's map would mix the two.
/// * **A map over a value that is neither a map nor `null`** is a [`MergeError::TypeMismatch`]
///   naming the path. daplug-ddb crashed with `AttributeError` there (and silently replaced
///   falsy values such as `""`, `0` or `[]`); guessing whether the caller meant "replace" is worse
///   than asking, so a caller who wants to replace a scalar with a map must remove it first.
///
/// [`MapOp::Remove`] turns the patch into a list of attributes to delete; it never deletes the
/// attributes named in [`MergeOptions::protected`] (the key attributes), and asking it to is an error.
pub fn merge(original: &Item, patch: &AttributeValue, options: &MergeOptions) -> Result<Item, MergeError> {
    let AttributeValue::M(patch) = patch else {
        return Err(MergeError::NotAnItem { which: "patch", found: type_name(patch) });
    };
    // Key attributes live at the top level only, so this is the one place to check them.
    for (key, value) in patch {
        let removes = match options.map {
            MapOp::Remove => true,
            MapOp::Upsert => is_null(value),
        };
        if removes && options.protected.iter().any(|p| p == key) {
            return Err(MergeError::Protected { path: key.clone() });
        }
    }
    let mut merged = original.clone();
    let mut path = String::new();
    match options.map {
        MapOp::Upsert => upsert_map(&mut merged, patch, options.list, &Replaced::all(options.replaced), &mut path)?,
        MapOp::Remove => remove_keys(&mut merged, patch, &mut path)?,
    }
    Ok(merged)
}

fn is_null(value: &AttributeValue) -> bool {
    matches!(value, AttributeValue::Null(_))
}

fn upsert_map(
    target: &mut Item,
    patch: &Item,
    list: ListOp,
    replaced: &Replaced,
    path: &mut String,
) -> Result<(), MergeError> {
    for (key, new) in patch {
        let len = push_key(path, key);
        let (whole, below) = replaced.enter(key);
        match (target.get_mut(key), new) {
            (_, AttributeValue::M(_)) if whole => {
                target.insert(key.clone(), new.clone());
            }
            (Some(AttributeValue::M(old)), AttributeValue::M(new)) => upsert_map(old, new, list, &below, path)?,
            (Some(AttributeValue::L(old)), AttributeValue::L(new)) => merge_list(old, new, list),
            (Some(AttributeValue::Ss(old)), AttributeValue::L(new)) if all(new, AttributeValue::as_s) => {
                merge_set(old, new.iter().filter_map(|v| v.as_s().ok()), list, |a, b| a == b)
            }
            (Some(AttributeValue::Ns(old)), AttributeValue::L(new)) if all(new, AttributeValue::as_n) => {
                merge_set(old, new.iter().filter_map(|v| v.as_n().ok()), list, number::eq)
            }
            (Some(AttributeValue::Ss(old)), AttributeValue::Ss(new)) => merge_set(old, new.iter(), list, |a, b| a == b),
            (Some(AttributeValue::Ns(old)), AttributeValue::Ns(new)) => merge_set(old, new.iter(), list, number::eq),
            (Some(old), AttributeValue::M(_)) if !is_null(old) => {
                return Err(MergeError::TypeMismatch { path: path.clone(), stored: type_name(old) });
            }
            _ => {
                target.insert(key.clone(), new.clone());
            }
        }
        // DynamoDB has no empty sets: a set whose last element was removed is gone, as when
        // UpdateItem's DELETE empties one.
        if let Some(AttributeValue::Ss(set) | AttributeValue::Ns(set)) = target.get(key) {
            if set.is_empty() {
                target.remove(key);
            }
        }
        path.truncate(len);
    }
    Ok(())
}

fn all<T>(values: &[AttributeValue], get: impl Fn(&AttributeValue) -> Result<&T, &AttributeValue>) -> bool {
    values.iter().all(|value| get(value).is_ok())
}

fn remove_keys(target: &mut Item, patch: &Item, path: &mut String) -> Result<(), MergeError> {
    for (key, new) in patch {
        let len = push_key(path, key);
        match (target.get_mut(key), new) {
            (Some(AttributeValue::M(old)), AttributeValue::M(new)) => remove_keys(old, new, path)?,
            // Nested keys of nothing: already absent.
            (None | Some(AttributeValue::Null(_)), AttributeValue::M(_)) => {}
            (Some(old), AttributeValue::M(_)) => {
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

fn merge_list(old: &mut Vec<AttributeValue>, new: &[AttributeValue], op: ListOp) {
    match op {
        ListOp::Add => {
            for element in new {
                if !old.iter().any(|present| value_eq(present, element)) {
                    old.push(element.clone());
                }
            }
        }
        ListOp::Remove => old.retain(|present| !new.iter().any(|gone| value_eq(present, gone))),
        ListOp::Replace => *old = new.to_vec(),
    }
}

/// A set's elements combined per `op`, with the list rules (the service keeps sets unordered).
fn merge_set<'a>(
    old: &mut Vec<String>,
    new: impl Iterator<Item = &'a String>,
    op: ListOp,
    eq: impl Fn(&str, &str) -> bool,
) {
    match op {
        ListOp::Add => {
            for element in new {
                if !old.iter().any(|present| eq(present, element)) {
                    old.push(element.clone());
                }
            }
        }
        ListOp::Remove => {
            let gone: Vec<&String> = new.collect();
            old.retain(|present| !gone.iter().any(|gone| eq(present, gone)));
        }
        ListOp::Replace => *old = new.cloned().collect(),
    }
}

/// Appends `key` to a path (`a.b`, or `a["odd.key"]` when the key would be ambiguous) and returns
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
        path.push_str(&serde_json::Value::String(key.to_owned()).to_string());
        path.push(']');
    }
    len
}

/// Equality of attribute values with numbers compared by value: DynamoDB numbers have no int/float
/// distinction and keep no trailing zeros, so a stored `2` must equal a patch's `2.0`. Maps compare
/// key-order-insensitively.
pub(crate) fn value_eq(a: &AttributeValue, b: &AttributeValue) -> bool {
    match (a, b) {
        (AttributeValue::N(x), AttributeValue::N(y)) => number::eq(x, y),
        (AttributeValue::Ns(x), AttributeValue::Ns(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| number::eq(x, y))
        }
        (AttributeValue::L(x), AttributeValue::L(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| value_eq(x, y))
        }
        (AttributeValue::M(x), AttributeValue::M(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| value_eq(v, w)))
        }
        _ => a == b,
    }
}

/// "a string", "a list", ... for messages.
pub(crate) fn type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::Null(_) => "null",
        AttributeValue::Bool(_) => "a boolean",
        AttributeValue::N(_) => "a number",
        AttributeValue::S(_) => "a string",
        AttributeValue::B(_) => "binary",
        AttributeValue::L(_) => "a list",
        AttributeValue::M(_) => "a map",
        AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => "a set",
        _ => "an unknown value",
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
