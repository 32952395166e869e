//! The merge: the read-merge-write update's interpreter of the patch's changes (`changes.rs`),
//! applied to the stored item, both as DynamoDB attribute values. Pure, no I/O. The rules are
//! documented on [`merge`]; [`target`] is the rule for a map of the patch, which the update in one
//! request also explains its refusals with. ([`ListOp`] and [`MapOp`] are public through
//! `daplug_runtime::ops`, as the options of `update`.)

use aws_sdk_dynamodb::types::AttributeValue;

#[cfg(test)]
use super::changes::MapOp;
#[cfg(test)]
use super::changes::{changes, Refused};
use super::changes::{Change, ListOp, MergeError};
use crate::attr::AttrPath;
use crate::codec::item::Item;
use crate::codec::number;
use crate::codec::path::Step;
use crate::codec::value::{type_name, value_eq};
#[cfg(test)]
use crate::meta::PathStep;

/// Options of one [`merge`] (the tests' way in; an update builds its changes itself).
#[cfg(test)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MergeOptions {
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
    /// Where a map in the patch is a union's value, set whole
    /// ([`ModelMeta::replaced`](crate::ModelMeta::replaced)).
    pub replaced: &'static [&'static [PathStep]],
}

#[cfg(test)]
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

    /// These options setting the values at `paths` whole.
    pub fn with_replaced(mut self, paths: &'static [&'static [PathStep]]) -> Self {
        self.replaced = paths;
        self
    }
}

/// Merges `patch` (an attribute value that must be a map) into a copy of `original` (the stored
/// item, unprefixed) and returns the result: its changes (`changes.rs`) [applied](apply).
///
/// The merge works on DynamoDB's attribute values, not on JSON, so that numbers keep their text
/// (a stored decimal `12.50` the patch does not touch is written back as `12.50`, not through an
/// `f64`). The rules follow daplug-ddb's `dict_merger.merge` where it was right and fix it where it
/// was not:
///
/// * **Maps merge deeply**, at any depth: keys of the patch are applied one by one (in name
///   order), untouched keys of the stored map survive.
/// * **Lists** combine per [`ListOp`]: [`Add`](ListOp::Add) appends the elements not already present,
///   [`Remove`](ListOp::Remove) removes every element equal to one of the patch's,
///   [`Replace`](ListOp::Replace) replaces the list. Elements compare by value, with numbers
///   compared numerically (`2 == 2.0`) and maps key-order-insensitively. A stored set (`SS`, `NS`)
///   combines the same way with a patch list of its element type, and stays a set; a set emptied
///   by `Remove` is removed (DynamoDB stores no empty sets).
/// * **Anything else** (a scalar, `null`, a list over a non-list, a map over a missing or `null`
///   value) is set as given. `null` is kept, not treated as "remove": daplug-ddb stored it as a
///   DynamoDB `NULL` and so do we; removal is what [`MapOp::Remove`] is for.
/// * **A union's value** (a path of [`ModelMeta::replaced`](crate::ModelMeta::replaced)) is set
///   whole: its map is one alternative, and merging it into another alternative's map would mix
///   the two.
/// * **A map over a value that is neither a map nor `null`** is a [`MergeError::TypeMismatch`]
///   naming the path. daplug-ddb crashed with `AttributeError` there (and silently replaced
///   falsy values such as `""`, `0` or `[]`); guessing whether the caller meant "replace" is worse
///   than asking, so a caller who wants to replace a scalar with a map must remove it first.
///
/// [`MapOp::Remove`] turns the patch into a list of attributes to delete; it never deletes the
/// attributes named in [`MergeOptions::protected`] (the key attributes), and asking it to is an error.
#[cfg(test)]
pub(crate) fn merge(original: &Item, patch: &AttributeValue, options: &MergeOptions) -> Result<Item, MergeError> {
    let protected = options.protected.iter().map(String::as_str);
    let changes =
        changes(patch, options.list, options.map, protected, None, options.replaced).map_err(
            |refused| match refused {
                Refused::Merge(err) => err,
                Refused::KeyChange(path) => MergeError::Protected { path },
            },
        )?;
    let mut merged = original.clone();
    apply(&mut merged, &changes)?;
    Ok(merged)
}

/// What a map of the patch meets in the stored item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A map: the patch's entries merge into it.
    Map,
    /// Nothing (absent or `null`): the patch's map is set whole (under [`MapOp::Remove`]: its keys
    /// are already absent).
    Nothing,
    /// Anything else: refused, [`MergeError::TypeMismatch`].
    Other(&'static str),
}

/// The rule for a map of the patch over `stored`, the value at its path.
pub(crate) fn target(stored: Option<&AttributeValue>) -> Target {
    match stored {
        Some(AttributeValue::M(_)) => Target::Map,
        None | Some(AttributeValue::Null(_)) => Target::Nothing,
        Some(other) => Target::Other(type_name(other)),
    }
}

/// Applies `changes` to `item`, in order.
pub(crate) fn apply(item: &mut Item, changes: &[Change]) -> Result<(), MergeError> {
    let mut index = 0;
    while let Some(change) = changes.get(index) {
        index += 1;
        match change {
            Change::Value { path, value } => set(item, path, value.clone()),
            Change::Map { path, map, nested } => match target(get(item, path)) {
                Target::Map => {}
                Target::Nothing => {
                    set(item, path, map.clone());
                    index += nested;
                }
                Target::Other(stored) => return Err(MergeError::TypeMismatch { path: path.to_string(), stored }),
            },
            Change::List { path, value, list } => combine(item, path, value, *list),
            Change::Remove { path } => {
                if let Some((parent, name)) = parent(item, path) {
                    parent.remove(name);
                }
            }
            Change::RemoveWithin { path, nested } => match target(get(item, path)) {
                Target::Map => {}
                Target::Nothing => index += nested,
                Target::Other(stored) => return Err(MergeError::TypeMismatch { path: path.to_string(), stored }),
            },
        }
    }
    Ok(())
}

/// The value at `path` (a path of names: the patch's).
pub(crate) fn get<'a>(item: &'a Item, path: &AttrPath) -> Option<&'a AttributeValue> {
    let mut value = item.get(path.top_level())?;
    for step in path.steps() {
        value = match (step, value) {
            (Step::Key(name), AttributeValue::M(map)) => map.get(name.as_ref())?,
            (Step::Index(index), AttributeValue::L(list)) => list.get(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The map holding `path`'s last name, and that name. The changes of a map's entries follow the
/// map's own, which made it a map, so the parents exist.
fn parent<'a, 'p>(item: &'a mut Item, path: &'p AttrPath) -> Option<(&'a mut Item, &'p str)> {
    let mut map = item;
    let mut name = path.top_level();
    for step in path.steps() {
        let AttributeValue::M(inner) = map.get_mut(name)? else {
            return None;
        };
        map = inner;
        name = match step {
            Step::Key(key) => key.as_ref(),
            Step::Index(_) | Step::Unknown => return None,
        };
    }
    Some((map, name))
}

fn set(item: &mut Item, path: &AttrPath, value: AttributeValue) {
    if let Some((parent, name)) = parent(item, path) {
        parent.insert(name.to_owned(), value);
    }
}

/// A list or set of the patch combined with what is stored at `path`.
fn combine(item: &mut Item, path: &AttrPath, new: &AttributeValue, list: ListOp) {
    let Some((parent, name)) = parent(item, path) else {
        return;
    };
    match (parent.get_mut(name), new) {
        (Some(AttributeValue::L(old)), AttributeValue::L(new)) => merge_list(old, new, list),
        (Some(AttributeValue::Ss(old)), AttributeValue::L(new)) if all(new, AttributeValue::as_s) => {
            merge_set(old, new.iter().filter_map(|v| v.as_s().ok()), list, |a, b| a == b)
        }
        (Some(AttributeValue::Ns(old)), AttributeValue::L(new)) if all(new, AttributeValue::as_n) => {
            merge_set(old, new.iter().filter_map(|v| v.as_n().ok()), list, number::eq)
        }
        (Some(AttributeValue::Ss(old)), AttributeValue::Ss(new)) => merge_set(old, new.iter(), list, |a, b| a == b),
        (Some(AttributeValue::Ns(old)), AttributeValue::Ns(new)) => merge_set(old, new.iter(), list, number::eq),
        _ => {
            parent.insert(name.to_owned(), new.clone());
        }
    }
    // DynamoDB has no empty sets: a set whose last element was removed is gone, as when
    // UpdateItem's DELETE empties one.
    if let Some(AttributeValue::Ss(set) | AttributeValue::Ns(set)) = parent.get(name) {
        if set.is_empty() {
            parent.remove(name);
        }
    }
}

fn all<T>(values: &[AttributeValue], get: impl Fn(&AttributeValue) -> Result<&T, &AttributeValue>) -> bool {
    values.iter().all(|value| get(value).is_ok())
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

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
