//! The plan of an update in one request, pure: a patch, explicit actions and the lock in force turned
//! into update-expression [`Action`]s and the [`Guard`]s the stored item must pass, which become the
//! request's condition. When the service refuses the request it returns the stored item, and
//! [`Plan::diagnose`] tells from it which guard failed and what the read-merge-write update would
//! have reported ([`Refusal`]); [`Plan::reflected_in`] recognises a retried request's own write.
//!
//! The patch follows the merge's rules (`merge.rs`) wherever an expression can apply them without
//! the stored item; everything the merge decides by looking at the stored item is either a guard
//! (the request is refused, nothing written, when it does not hold) or
//! [`Error::NeedsStoredItem`] before anything is sent. The rules are documented on
//! [`OneRequestUpdate`](super::OneRequestUpdate). The guards themselves (their conditions, whether
//! one holds, what its failure reports) are `update_guard.rs`.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

use crate::attr::AttrPath;
use crate::codec;
use crate::codec::item::Item;
use crate::codec::limits::check_item;
use crate::codec::number;
use crate::codec::path::Step;
use crate::error::{Error, Result};
use crate::expr::update::{first_overlap, Action};
use crate::expr::Condition;
use crate::key::KeyConfig;
use crate::lock::{LockConfig, LockError, LockPolicy, LockSide};
use crate::merge::{type_name, value_eq, ListOp, MapOp, MergeError, PathStep, Replaced};
use crate::timestamp::parse_timestamp;

use super::update_guard::{needs_stored, value_at};
use super::update_guard::{By, Container, Guard, Refusal};

/// A value converted eagerly; a conversion failure is reported when the request is planned.
pub(crate) type Converted = std::result::Result<AttributeValue, String>;

/// An explicit action of an update in one request, besides the patch.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// Add a number to a counter (an absent one counts as zero).
    Increment(AttrPath, Converted),
    /// Append list elements (an absent list counts as empty).
    Append(AttrPath, Converted),
    /// Add elements to a set.
    AddToSet(AttrPath, Converted),
    /// Remove elements from a set.
    RemoveFromSet(AttrPath, Converted),
    /// Set a value as given, whole.
    Set(AttrPath, Converted),
    /// Remove an attribute.
    Remove(AttrPath),
}

/// What one update in one request is made of.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub(crate) schema: &'static str,
    pub(crate) keys: &'a KeyConfig,
    /// The key of the item (unprefixed).
    pub(crate) key: &'a Item,
    pub(crate) patch: &'a AttributeValue,
    pub(crate) list: ListOp,
    pub(crate) map: MapOp,
    pub(crate) ops: &'a [Op],
    /// The lock in force for this call.
    pub(crate) lock: Option<&'a LockConfig>,
    /// The lock value the caller read (`if_lock_value`).
    pub(crate) expected_lock: Option<&'a Value>,
    /// Where the patch's maps replace the stored value whole (the model's unions).
    pub(crate) replaced: &'static [&'static [PathStep]],
}

/// The plan: the actions and the guards of one `UpdateItem`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub(crate) actions: Vec<Action>,
    /// In the order they are checked when the request is refused: the patch's and the explicit
    /// actions' (shallowest first), then the lock's.
    pub(crate) guards: Vec<Guard>,
}

const KEY_CHANGE: &str = "cannot be changed by an update; insert the new item and delete the old one";

/// Plans `request`: every error that can be known without the stored item is returned here,
/// before anything is sent.
pub(crate) fn plan(request: &Request<'_>) -> Result<Plan> {
    let schema = request.schema;
    let AttributeValue::M(patch) = request.patch else {
        let message = MergeError::NotAnItem { which: "patch", found: type_name(request.patch) }.to_string();
        return Err(Error::Validation { schema, path: ".".into(), message });
    };
    check_item(patch).map_err(|(path, message)| Error::Validation { schema, path, message })?;
    let mut plan = Plan { actions: Vec::new(), guards: Vec::new() };
    let mut top = Vec::new();
    for (name, value) in sorted(patch) {
        if !request.keys.attributes().any(|key| key == name) {
            top.push((name, value));
            continue;
        }
        let removes = request.map == MapOp::Remove || matches!(value, AttributeValue::Null(_));
        if removes {
            let message = MergeError::Protected { path: name.clone() }.to_string();
            return Err(Error::Validation { schema, path: name.clone(), message });
        }
        // The key's own value (unprefixed) is not a change; anything else is.
        if !request.key.get(name).is_some_and(|key| value_eq(key, value)) {
            return Err(Error::InvalidKey { attribute: name.clone(), message: KEY_CHANGE.into() });
        }
    }
    let replaced = Replaced::all(request.replaced);
    for (name, value) in top {
        let path = AttrPath::new(name.clone());
        match request.map {
            MapOp::Upsert => {
                let (whole, below) = replaced.enter(name);
                plan.upsert(path, value, request.list, whole, &below)?
            }
            MapOp::Remove => plan.remove(path, value),
        }
    }
    for op in request.ops {
        plan.explicit(op, request)?;
    }
    plan.lock(request)?;
    if let Some((a, b)) = first_overlap(&plan.actions) {
        return Err(Error::Config(format!(
            "`{a}` and `{b}` overlap: one request changes an attribute (or a path inside it) once; \
             split the update or change the patch"
        )));
    }
    if plan.actions.is_empty() {
        return Err(Error::Config("nothing to update: the patch and the explicit actions change no attribute".into()));
    }
    Ok(plan)
}

/// A map's entries in name order, so the same request always renders the same expression.
fn sorted(map: &Item) -> Vec<(&String, &AttributeValue)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

impl Plan {
    /// One entry of the patch under `MapOp::Upsert`, with the merge's rules.
    /// `whole`: the value at `path` is a union's, set whole; `below`: the union paths inside it.
    fn upsert(
        &mut self,
        path: AttrPath,
        value: &AttributeValue,
        list: ListOp,
        whole: bool,
        below: &Replaced,
    ) -> Result<()> {
        match value {
            // A union's value is one alternative: set whole, as the merge replaces it.
            AttributeValue::M(_) if whole => self.actions.push(Action::Set(path, value.clone())),
            AttributeValue::M(map) => {
                // The merge merges into a stored map: the request writes inside it, so it must be one.
                self.guard(Guard::Container { path: path.clone(), kind: Container::Map, by: By::Patch });
                for (name, value) in sorted(map) {
                    let (whole, inner) = below.enter(name);
                    self.upsert(path.clone().field(name.clone()), value, list, whole, &inner)?;
                }
            }
            AttributeValue::L(elements) => {
                if list != ListOp::Replace {
                    return Err(needs_stored(&path, list_reason(list)));
                }
                // A list replacing a stored set of its element type stays a set under the merge.
                if elements.iter().all(|e| matches!(e, AttributeValue::S(_))) {
                    self.guard(Guard::NotSet { path: path.clone(), type_code: "SS" });
                }
                if elements.iter().all(|e| matches!(e, AttributeValue::N(_))) {
                    self.guard(Guard::NotSet { path: path.clone(), type_code: "NS" });
                }
                self.actions.push(Action::Set(path, value.clone()));
            }
            AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) if list != ListOp::Replace => {
                return Err(needs_stored(&path, list_reason(list)));
            }
            _ => self.actions.push(Action::Set(path, value.clone())),
        }
        Ok(())
    }

    /// One entry of the patch under `MapOp::Remove`: a map names keys inside the stored map.
    fn remove(&mut self, path: AttrPath, value: &AttributeValue) {
        match value {
            AttributeValue::M(map) => {
                self.guard(Guard::Container { path: path.clone(), kind: Container::Map, by: By::Removal });
                for (name, value) in sorted(map) {
                    self.remove(path.clone().field(name.clone()), value);
                }
            }
            _ => self.actions.push(Action::Remove(path)),
        }
    }

    fn explicit(&mut self, op: &Op, request: &Request<'_>) -> Result<()> {
        let schema = request.schema;
        let (path, value) = match op {
            Op::Increment(path, value)
            | Op::Append(path, value)
            | Op::AddToSet(path, value)
            | Op::RemoveFromSet(path, value)
            | Op::Set(path, value) => (path, Some(value)),
            Op::Remove(path) => (path, None),
        };
        if request.keys.attributes().any(|key| key == path.top_level()) {
            return Err(Error::InvalidKey { attribute: path.top_level().to_owned(), message: KEY_CHANGE.into() });
        }
        let value = match value {
            Some(Ok(value)) => {
                let item: Item = [(path.to_string(), value.clone())].into();
                check_item(&item).map_err(|(path, message)| Error::Validation { schema, path, message })?;
                Some(value.clone())
            }
            Some(Err(message)) => {
                return Err(Error::Serialize { schema, message: format!("value for `{path}`: {message}") });
            }
            None => None,
        };
        let invalid = |message: String| Error::Validation { schema, path: path.to_string(), message };
        self.parent(path);
        let action = match (op, value) {
            (Op::Increment(..), Some(by @ AttributeValue::N(_))) => {
                self.operand(path, &["N"], "increment");
                Action::Increment(path.clone(), by)
            }
            (Op::Increment(..), Some(other)) => {
                return Err(invalid(format!("an increment must be a number, not {}", type_name(&other))));
            }
            (Op::Append(..), Some(list @ AttributeValue::L(_))) => {
                self.operand(path, &["L"], "append to");
                Action::Append(path.clone(), list)
            }
            (Op::Append(..), Some(other)) => {
                return Err(invalid(format!("append takes a list of elements, not {}", type_name(&other))));
            }
            (Op::AddToSet(..) | Op::RemoveFromSet(..), Some(values)) => {
                if !path.is_top_level() {
                    return Err(Error::Config(format!(
                        "`{path}`: DynamoDB adds to and removes from sets at the top level of an item only"
                    )));
                }
                let Some((set, type_code)) = as_set(&values) else {
                    return Err(invalid(format!(
                        "set elements must be all strings, all numbers or all binaries, not {}",
                        type_name(&values)
                    )));
                };
                let Some(set) = set else {
                    return Ok(()); // no elements: nothing to add or remove
                };
                if matches!(op, Op::AddToSet(..)) {
                    self.operand(path, type_code, "add to a set");
                    Action::AddToSet(path.clone(), set)
                } else {
                    self.operand(path, type_code, "remove from a set");
                    Action::DeleteFromSet(path.clone(), set)
                }
            }
            (Op::Set(..), Some(value)) => Action::Set(path.clone(), value),
            (Op::Remove(_), _) => Action::Remove(path.clone()),
            (_, None) => return Ok(()), // every op but Remove carries a value
        };
        self.actions.push(action);
        Ok(())
    }

    /// The container an explicit action's nested path is in.
    /// Adds a guard, once.
    fn guard(&mut self, guard: Guard) {
        if !self.guards.contains(&guard) {
            self.guards.push(guard);
        }
    }

    fn parent(&mut self, path: &AttrPath) {
        let Some((last, parent)) = path.steps().split_last() else {
            return;
        };
        let mut container = AttrPath::new(path.top_level().to_owned());
        for step in parent {
            container = match step {
                Step::Key(name) => container.field(name.clone()),
                Step::Index(index) => container.index(*index),
                Step::Unknown => container,
            };
        }
        let kind = match last {
            Step::Key(_) | Step::Unknown => Container::Map,
            Step::Index(_) => Container::List,
        };
        self.guard(Guard::Container { path: container, kind, by: By::Op });
    }

    fn operand(&mut self, path: &AttrPath, type_codes: &'static [&'static str], what: &'static str) {
        self.guard(Guard::Operand { path: path.clone(), type_codes, what });
    }

    /// The lock in force, in the same request.
    fn lock(&mut self, request: &Request<'_>) -> Result<()> {
        let schema = request.schema;
        let Some(lock) = request.lock else {
            if request.expected_lock.is_some() {
                return Err(Error::Config("if_lock_value needs the adapter's idempotence_key".into()));
            }
            return Ok(());
        };
        let attribute = lock.attribute.as_str();
        if let Some(expected) = request.expected_lock {
            self.guard(Guard::LockEquals { attribute: attribute.to_owned(), value: expected.clone() });
        }
        let written = self
            .actions
            .iter()
            .position(|action| action.path().is_top_level() && action.path().top_level() == attribute);
        match lock.policy {
            LockPolicy::Equality => {
                if lock.require_existing {
                    self.guard(Guard::LockPresent { attribute: attribute.to_owned() });
                }
            }
            LockPolicy::Version => {
                // The version the caller read: in the patch (or `set`), else `if_lock_value`. A
                // version set to `null` or removed names none (the merge then bumps the stored one).
                let named = match written.map(|index| self.actions.remove(index)) {
                    Some(Action::Set(_, AttributeValue::Null(_)) | Action::Remove(_)) | None => None,
                    Some(Action::Set(_, value)) => Some((version_of(&value, attribute, schema)?, true)),
                    Some(other) => {
                        return Err(Error::Config(format!(
                            "`{}` is the version daplug maintains under LockPolicy::Version; only a patch \
                             value (the version read) may name it",
                            other.path()
                        )));
                    }
                };
                let named = match (named, request.expected_lock) {
                    (Some(named), _) => Some(named),
                    (None, Some(expected)) => {
                        let value = codec::to_attribute_value(expected).map_err(|err| Error::serialize(schema, err))?;
                        Some((version_of(&value, attribute, schema)?, false))
                    }
                    (None, None) => None,
                };
                match named {
                    Some((read, in_patch)) => {
                        if in_patch {
                            let value = Value::from(read);
                            self.guard(Guard::LockEquals { attribute: attribute.to_owned(), value });
                        }
                        let next = read.checked_add(1).ok_or_else(|| {
                            LockError::VersionOverflow { attribute: attribute.to_owned(), value: read }
                                .into_validation(schema)
                        })?;
                        self.actions.push(Action::Set(AttrPath::new(attribute.to_owned()), number(next)));
                    }
                    None => {
                        let require = lock.require_existing;
                        self.guard(Guard::VersionNumber { attribute: attribute.to_owned(), require });
                        self.actions.push(Action::Increment(AttrPath::new(attribute.to_owned()), number(1)));
                    }
                }
            }
            LockPolicy::LatestWins => {
                let missing = || LockError::Missing { attribute: attribute.to_owned(), side: LockSide::Incoming };
                let incoming = match written.map(|index| &self.actions[index]) {
                    Some(Action::Set(_, AttributeValue::S(text))) => text.clone(),
                    Some(Action::Set(_, AttributeValue::Null(_)) | Action::Remove(_)) | None => {
                        return Err(missing().into_validation(schema));
                    }
                    Some(Action::Set(_, other)) => {
                        let value = codec::attribute_to_json(other).unwrap_or(Value::Null);
                        let err = LockError::NotATimestamp {
                            attribute: attribute.to_owned(),
                            side: LockSide::Incoming,
                            value,
                        };
                        return Err(err.into_validation(schema));
                    }
                    Some(other) => {
                        return Err(Error::Config(format!(
                            "`{}` is the latest-wins timestamp: give its new value in the patch",
                            other.path()
                        )));
                    }
                };
                if parse_timestamp(&incoming).is_none() {
                    let err = LockError::NotATimestamp {
                        attribute: attribute.to_owned(),
                        side: LockSide::Incoming,
                        value: Value::String(incoming),
                    };
                    return Err(err.into_validation(schema));
                }
                let Some(zoned) = comparable_as_text(&incoming) else {
                    return Err(needs_stored(
                        &AttrPath::new(attribute.to_owned()),
                        format!(
                            "latest-wins in one request compares timestamps as text, which orders them in time \
                             only in the form YYYY-MM-DDThh:mm:ss[.fraction]Z (or without the Z, with 0-4 or 6 \
                             fraction digits); {incoming:?} is not in it"
                        ),
                    ));
                };
                let guard =
                    Guard::Latest { attribute: attribute.to_owned(), incoming, zoned, require: lock.require_existing };
                self.guard(guard);
            }
        }
        Ok(())
    }

    /// Whether the plan has no increments or appends, so that sending it twice leaves the item as
    /// sending it once (the SDK may then retry it).
    pub(crate) fn is_idempotent(&self) -> bool {
        self.actions.iter().all(Action::is_idempotent)
    }

    /// The guards as one condition (`None` without guards), leaving out container guards that a
    /// deeper one implies (`attribute_type(a.b, M)` needs `a` to be a map).
    pub(crate) fn condition(&self) -> Option<Condition> {
        let conditions = self.guards.iter().filter(|guard| !self.implied(guard)).map(Guard::condition).collect();
        Condition::all(conditions)
    }

    fn implied(&self, guard: &Guard) -> bool {
        let Guard::Container { path, kind, .. } = guard else {
            return false;
        };
        self.guards.iter().any(|other| match other {
            Guard::Container { path: deeper, .. } => {
                let (outer, inner) = (path.steps(), deeper.steps());
                deeper.top_level() == path.top_level()
                    && inner.len() > outer.len()
                    && inner[..outer.len()] == *outer
                    && match inner[outer.len()] {
                        Step::Key(_) | Step::Unknown => *kind == Container::Map,
                        Step::Index(_) => *kind == Container::List,
                    }
            }
            _ => false,
        })
    }

    /// What a refusal means, from the item the service returned with it (unprefixed; `None` when
    /// there is no item). The first guard that does not hold on it decides; when every guard holds
    /// (the item changed again since), it is a conflict.
    pub(crate) fn diagnose(&self, schema: &'static str, stored: Option<&Item>) -> Refusal {
        let Some(stored) = stored else {
            return Refusal::NotFound;
        };
        for guard in &self.guards {
            if !guard.holds(stored) {
                return guard.explain(schema, stored);
            }
        }
        tracing::debug!("update refused although every guard holds on the returned item");
        Refusal::Conflict
    }

    /// Whether `stored` already shows every change of this (idempotent) plan: a retried request whose
    /// first attempt was applied finds its own write. Increments and appends are never retried.
    pub(crate) fn reflected_in(&self, stored: &Item) -> bool {
        self.actions.iter().all(|action| match action {
            Action::Set(path, value) => value_at(stored, path).is_some_and(|stored| value_eq(stored, value)),
            Action::Remove(path) => value_at(stored, path).is_none(),
            Action::AddToSet(path, set) => value_at(stored, path).is_some_and(|stored| set_contains(stored, set, true)),
            Action::DeleteFromSet(path, set) => {
                value_at(stored, path).is_none_or(|stored| set_contains(stored, set, false))
            }
            Action::Increment(..) | Action::Append(..) => false,
        })
    }
}

/// Whether the set `stored` holds every element of `set` (`all`), or none of them.
fn set_contains(stored: &AttributeValue, set: &AttributeValue, all: bool) -> bool {
    let found = |wanted: &String, present: &[String], numeric: bool| {
        present.iter().any(|p| if numeric { number::eq(p, wanted) } else { p == wanted })
    };
    let check = |wanted: &[String], present: &[String], numeric: bool| {
        if all {
            wanted.iter().all(|w| found(w, present, numeric))
        } else {
            !wanted.iter().any(|w| found(w, present, numeric))
        }
    };
    match (stored, set) {
        (AttributeValue::Ss(present), AttributeValue::Ss(wanted)) => check(wanted, present, false),
        (AttributeValue::Ns(present), AttributeValue::Ns(wanted)) => check(wanted, present, true),
        (AttributeValue::Bs(present), AttributeValue::Bs(wanted)) => {
            if all {
                wanted.iter().all(|w| present.contains(w))
            } else {
                !wanted.iter().any(|w| present.contains(w))
            }
        }
        _ => false,
    }
}

fn list_reason(list: ListOp) -> &'static str {
    match list {
        ListOp::Add => {
            "ListOp::Add appends only the elements not already stored, which needs the stored list \
             (use ListOp::Replace, or `append` / `add_to_set`)"
        }
        _ => "ListOp::Remove removes the stored elements equal to the patch's (use `remove_from_set` on a set)",
    }
}

fn number(n: i64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

/// The version a value names (an integer), or the lock error the merge reports for it.
fn version_of(value: &AttributeValue, attribute: &str, schema: &'static str) -> Result<i64> {
    let version = match value {
        AttributeValue::N(text) => text.parse::<i64>().ok(),
        _ => None,
    };
    version.ok_or_else(|| {
        let value = codec::attribute_to_json(value).unwrap_or(Value::Null);
        LockError::NotAVersion { attribute: attribute.to_owned(), side: LockSide::Incoming, value }
            .into_validation(schema)
    })
}

/// A list or set of one scalar type as a set value without repeated elements (`None` inside for no
/// elements), with its type code; `None` for anything else.
fn as_set(value: &AttributeValue) -> Option<(Option<AttributeValue>, &'static [&'static str])> {
    fn dedup(mut elements: Vec<String>, eq: impl Fn(&str, &str) -> bool) -> Vec<String> {
        let mut kept: Vec<String> = Vec::with_capacity(elements.len());
        for element in elements.drain(..) {
            if !kept.iter().any(|k| eq(k, &element)) {
                kept.push(element);
            }
        }
        kept
    }
    let strings = |values: &[AttributeValue]| values.iter().map(|v| v.as_s().ok().cloned()).collect::<Option<Vec<_>>>();
    let numbers = |values: &[AttributeValue]| values.iter().map(|v| v.as_n().ok().cloned()).collect::<Option<Vec<_>>>();
    let binaries =
        |values: &[AttributeValue]| values.iter().map(|v| v.as_b().ok().cloned()).collect::<Option<Vec<_>>>();
    let (set, codes): (AttributeValue, &'static [&'static str]) = match value {
        AttributeValue::L(values) if values.is_empty() => return Some((None, &[])),
        AttributeValue::Ss(values) => (AttributeValue::Ss(dedup(values.clone(), |a, b| a == b)), &["SS"]),
        AttributeValue::Ns(values) => (AttributeValue::Ns(dedup(values.clone(), number::eq)), &["NS"]),
        AttributeValue::Bs(values) => {
            let mut kept = Vec::new();
            for value in values {
                if !kept.contains(value) {
                    kept.push(value.clone());
                }
            }
            (AttributeValue::Bs(kept), &["BS"])
        }
        AttributeValue::L(values) => {
            if let Some(values) = strings(values) {
                (AttributeValue::Ss(dedup(values, |a, b| a == b)), &["SS"])
            } else if let Some(values) = numbers(values) {
                (AttributeValue::Ns(dedup(values, number::eq)), &["NS"])
            } else {
                let mut kept = Vec::new();
                for value in binaries(values)? {
                    if !kept.contains(&value) {
                        kept.push(value);
                    }
                }
                (AttributeValue::Bs(kept), &["BS"])
            }
        }
        _ => return None,
    };
    let empty = match &set {
        AttributeValue::Ss(v) | AttributeValue::Ns(v) => v.is_empty(),
        AttributeValue::Bs(v) => v.is_empty(),
        _ => false,
    };
    Some(((!empty).then_some(set), codes))
}

/// Whether a timestamp has a form in which text order is time order against every stored value of
/// the same length that contains `T` and (`Some(true)`) a `Z`, or (`Some(false)`) neither `Z` nor
/// `z`: `YYYY-MM-DDThh:mm:ss[.f]Z` with 0 to 9 fraction digits, or the same without the `Z` with 0-4
/// or 6 fraction digits (a value with a `±hh:mm` offset is never of those lengths: 25, or 27 and
/// more). `None` for any other form.
pub(crate) fn comparable_as_text(text: &str) -> Option<bool> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|b| b.iter().all(u8::is_ascii_digit));
    let at = |index: usize, byte: u8| bytes.get(index) == Some(&byte);
    let shape = digits(0..4)
        && at(4, b'-')
        && digits(5..7)
        && at(7, b'-')
        && digits(8..10)
        && at(10, b'T')
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19);
    if !shape || parse_timestamp(text).is_none() {
        return None;
    }
    let rest = &bytes[19..];
    let (fraction, zone) = match rest.split_first() {
        Some((b'.', after)) => {
            let count = after.iter().take_while(|b| b.is_ascii_digit()).count();
            (count, &after[count..])
        }
        _ => (0, rest),
    };
    match zone {
        b"Z" if fraction <= 9 => Some(true),
        b"" if matches!(fraction, 0..=4 | 6) => Some(false),
        _ => None,
    }
}

#[cfg(test)]
#[path = "update_expr_tests.rs"]
mod tests;
