//! The plan of an update in one request, pure: the patch's changes (`changes.rs`) rendered as
//! update-expression [`Action`]s, with the [`Guard`]s under which the result is the merge's (the
//! explicit actions are `explicit.rs`, the lock `plan_lock.rs`, the whole put together by
//! `expression.rs`); or [`Error::NeedsStoredItem`] before sending, for what an expression cannot do
//! without the stored item. When the service
//! refuses the request it returns the stored item, and [`Plan::diagnose`] tells from it which guard
//! failed and what the read-merge-write update would have reported ([`Refusal`], from the merge's
//! and the lock's own rules); [`Plan::reflected_in`] recognises a retried request's own write. The
//! rules are documented on [`OneRequestUpdate`](super::OneRequestUpdate).

use aws_sdk_dynamodb::types::AttributeValue;

use super::changes::Change;
use super::changes::{ListOp, MapOp};
use super::guard::{needs_stored, By, Container, Guard, Refusal};
use super::merge::get as value_at;
use crate::attr::AttrPath;
use crate::codec::item::Item;
use crate::codec::number;
use crate::codec::path::Step;
use crate::codec::value::value_eq;
use crate::error::Result;
use crate::expr::update::Action;
use crate::expr::Condition;
use crate::expr::Converted;
use crate::key::KeyConfig;
use crate::lock::LockConfig;
use crate::meta::PathStep;

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
    pub(crate) expected_lock: Option<&'a AttributeValue>,
    /// Where the patch's maps are a union's value, set whole (the model's `ModelMeta::replaced`).
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

impl Plan {
    /// One change of the patch: an action, and the guard under which it does what the merge does.
    pub(super) fn render(&mut self, change: Change) -> Result<()> {
        match change {
            Change::Value { path, value } => self.actions.push(Action::Set(path, value)),
            // The merge merges into a stored map: the request writes inside it, so it must be one.
            Change::Map { path, .. } => self.guard(Guard::Container { path, kind: Container::Map, by: By::Patch }),
            Change::List { path, list, .. } if list != ListOp::Replace => {
                return Err(needs_stored(&path, list_reason(list)));
            }
            Change::List { path, value, .. } => {
                // A list replacing a stored set of its element type stays a set under the merge.
                if let AttributeValue::L(elements) = &value {
                    if elements.iter().all(|e| matches!(e, AttributeValue::S(_))) {
                        self.guard(Guard::NotSet { path: path.clone(), type_code: "SS" });
                    }
                    if elements.iter().all(|e| matches!(e, AttributeValue::N(_))) {
                        self.guard(Guard::NotSet { path: path.clone(), type_code: "NS" });
                    }
                }
                self.actions.push(Action::Set(path, value));
            }
            Change::Remove { path } => self.actions.push(Action::Remove(path)),
            Change::RemoveWithin { path, .. } => {
                self.guard(Guard::Container { path, kind: Container::Map, by: By::Removal })
            }
        }
        Ok(())
    }

    /// Adds a guard, once.
    pub(super) fn guard(&mut self, guard: Guard) {
        if !self.guards.contains(&guard) {
            self.guards.push(guard);
        }
    }

    /// The container an explicit action's nested path is in.
    pub(super) fn parent(&mut self, path: &AttrPath) {
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

    pub(super) fn operand(&mut self, path: &AttrPath, type_codes: &'static [&'static str], what: &'static str) {
        self.guard(Guard::Operand { path: path.clone(), type_codes, what });
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

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
