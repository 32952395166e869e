//! The patch of an update as one list of changes, built once and applied by both modes: the merge
//! (`merge.rs`) applies them to the stored item, the update in one request (`plan.rs`) renders
//! them as update actions and guards. Key attributes are handled here, for both: removing one is
//! refused, changing one is refused, repeating its value is no change.
//!
//! The list is flat, in name order at every level (so one patch always gives one list, one
//! expression and one first error), a map's entries right after the map; a map's change counts
//! them (`nested`), so an interpreter that sets or skips the map whole skips them too.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::attr::AttrPath;
use crate::codec::item::Item;
use crate::codec::value::{type_name, value_eq};
use crate::error::Error;
use crate::meta::PathStep;

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

/// Why a patch could not be merged. Nothing should be written when this is returned.
///
/// Every variant names the path at fault ([`MergeError::path`], rendered as every path is:
/// `address.geo`; empty for the root, which `update` reports as `.` in
/// [`Error::Validation`](crate::Error::Validation), like every other validation path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum MergeError {
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

/// The message of a key attribute an update would change.
pub(crate) const KEY_CHANGE: &str = "cannot be changed by an update; insert the new item and delete the old one";

/// The paths of [`ModelMeta::replaced`](crate::ModelMeta::replaced) still ahead of a position in
/// the patch, each as the steps left to walk: where a map of the patch is a union's value, set
/// whole instead of merged (merging one alternative's map into another's would mix the two).
#[derive(Debug, Clone, Default)]
pub(crate) struct Replaced(Vec<&'static [PathStep]>);

impl Replaced {
    /// Every path, from the item's top.
    pub(crate) fn all(paths: &'static [&'static [PathStep]]) -> Self {
        Replaced(paths.to_vec())
    }

    /// One step down, into the entry `key`: whether the entry is replaced whole, and the paths
    /// below it.
    fn enter(&self, key: &str) -> (bool, Replaced) {
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

/// One change of an update's patch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    /// A scalar, `null`, or a union's map (see [`Replaced`]): set as given, whatever is stored.
    Value { path: AttrPath, value: AttributeValue },
    /// A map under [`MapOp::Upsert`]: merged into the stored map, its `nested` entries following as
    /// their own changes; over nothing (absent or `null`) set whole; over anything else refused.
    Map { path: AttrPath, map: AttributeValue, nested: usize },
    /// A list or set under [`MapOp::Upsert`]: combined with the stored list (or set of its element
    /// type) per `list`; over anything else set as given.
    List { path: AttrPath, value: AttributeValue, list: ListOp },
    /// A key under [`MapOp::Remove`] whose value is not a map: removed.
    Remove { path: AttrPath },
    /// A map under [`MapOp::Remove`]: its `nested` entries name keys inside the stored map; over
    /// nothing, nothing; over anything else refused.
    RemoveWithin { path: AttrPath, nested: usize },
}

/// Why a patch cannot become changes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Refused {
    /// Not a map, or a key attribute removed: the merge's error.
    Merge(MergeError),
    /// A key attribute given another value than the key's.
    KeyChange(String),
}

impl Refused {
    /// As daplug reports it.
    pub(crate) fn into_error(self, schema: &'static str) -> Error {
        match self {
            Refused::Merge(err) => Error::Validation {
                schema,
                path: Some(err.path()).filter(|path| !path.is_empty()).unwrap_or(".").to_owned(),
                message: err.to_string(),
            },
            Refused::KeyChange(attribute) => Error::InvalidKey { attribute, message: KEY_CHANGE.into() },
        }
    }
}

/// The changes of `patch` (an attribute value that must be a map). `protected` are the key
/// attributes: removing one (under [`MapOp::Remove`], or setting it to `null`) is refused; with
/// `key` (the item's key, unprefixed), one given another value than the key's is refused and one
/// repeating it is left out. Without `key`, a key attribute's new value is a change like any other.
/// A map at one of the `replaced` paths (a union's value) is set whole.
pub(crate) fn changes<'a>(
    patch: &AttributeValue,
    list: ListOp,
    map: MapOp,
    protected: impl Iterator<Item = &'a str> + Clone,
    key: Option<&Item>,
    replaced: &'static [&'static [PathStep]],
) -> Result<Vec<Change>, Refused> {
    let replaced = Replaced::all(replaced);
    let AttributeValue::M(patch) = patch else {
        return Err(Refused::Merge(MergeError::NotAnItem { which: "patch", found: type_name(patch) }));
    };
    let mut out = Vec::new();
    for (name, value) in sorted(patch) {
        if protected.clone().any(|attribute| attribute == name) {
            let removes = map == MapOp::Remove || matches!(value, AttributeValue::Null(_));
            if removes {
                return Err(Refused::Merge(MergeError::Protected { path: name.clone() }));
            }
            match key.map(|key| key.get(name).is_some_and(|stored| value_eq(stored, value))) {
                Some(true) => continue,
                Some(false) => return Err(Refused::KeyChange(name.clone())),
                None => {}
            }
        }
        let (whole, below) = replaced.enter(name);
        push(&mut out, AttrPath::new(name.clone()), value, list, map, (whole, &below));
    }
    Ok(out)
}

/// The changes of one entry of the patch, at `path`; `replaced` says whether it is a union's value
/// and the union paths below it.
fn push(
    out: &mut Vec<Change>,
    path: AttrPath,
    value: &AttributeValue,
    list: ListOp,
    map: MapOp,
    replaced: (bool, &Replaced),
) {
    let (whole, below) = replaced;
    match (map, value) {
        (MapOp::Upsert, AttributeValue::M(_)) if whole => out.push(Change::Value { path, value: value.clone() }),
        (_, AttributeValue::M(entries)) => {
            let at = out.len();
            out.push(match map {
                MapOp::Upsert => Change::Map { path: path.clone(), map: value.clone(), nested: 0 },
                MapOp::Remove => Change::RemoveWithin { path: path.clone(), nested: 0 },
            });
            for (name, value) in sorted(entries) {
                let (whole, inner) = below.enter(name);
                push(out, path.clone().field(name.clone()), value, list, map, (whole, &inner));
            }
            let count = out.len() - at - 1;
            if let Some(Change::Map { nested, .. } | Change::RemoveWithin { nested, .. }) = out.get_mut(at) {
                *nested = count;
            }
        }
        (MapOp::Remove, _) => out.push(Change::Remove { path }),
        (
            MapOp::Upsert,
            AttributeValue::L(_) | AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_),
        ) => out.push(Change::List { path, value: value.clone(), list }),
        (MapOp::Upsert, _) => out.push(Change::Value { path, value: value.clone() }),
    }
}

/// A map's entries in name order.
pub(crate) fn sorted(map: &Item) -> Vec<(&String, &AttributeValue)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}
