//! The guards of an update in one request: the assumptions about the stored item that become the
//! request's condition ([`Guard`]), whether one holds on an item the service returned, and what its
//! failure means as the read-merge-write update would report it ([`Refusal`]): from the merge's own
//! rule for a map of the patch ([`target`]) and the lock's own decision on the returned item. The
//! plan that collects them is `plan.rs`.

use aws_sdk_dynamodb::types::AttributeValue;

use super::changes::MergeError;
use super::merge::{get as value_at, target, Target};
use crate::attr::AttrPath;
use crate::codec::item::Item;
use crate::codec::value::{type_name, value_eq};
use crate::error::Error;
use crate::expr::Condition;
use crate::lock::{LockCondition, LockDecision, LockError, LockPolicy, LockSide};

/// What a map or list the request writes inside must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Map,
    List,
}

impl Container {
    pub(crate) fn type_code(self) -> &'static str {
        match self {
            Container::Map => "M",
            Container::List => "L",
        }
    }

    pub(crate) fn matches(self, value: &AttributeValue) -> bool {
        matches!((self, value), (Container::Map, AttributeValue::M(_)) | (Container::List, AttributeValue::L(_)))
    }
}

/// Who needs a container guard, which decides what its failure reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    /// A map of the patch under `MapOp::Upsert`: the merge would set it whole over nothing.
    Patch,
    /// A map of the patch under `MapOp::Remove`: the merge would skip its keys over nothing.
    Removal,
    /// An explicit action on a nested path.
    Op,
}

/// An assumption about the stored item, sent as part of the request's condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Guard {
    /// The value at `path` is stored as a map (or list): the request writes inside it.
    Container { path: AttrPath, kind: Container, by: By },
    /// The value at `path` is not a set of this type: a list the patch replaces it with would stay a
    /// set under the merge.
    NotSet { path: AttrPath, type_code: &'static str },
    /// An explicit action's operand: absent, or stored with one of these types.
    Operand { path: AttrPath, type_codes: &'static [&'static str], what: &'static str },
    /// The lock attribute still has this value (`if_lock_value`, or the version the patch names).
    LockEquals { attribute: String, value: AttributeValue },
    /// The lock attribute is stored and not `NULL` (`require_lock_value`).
    LockPresent { attribute: String },
    /// The version the request increments is a number (or absent, unless required).
    VersionNumber { attribute: String, require: bool },
    /// Latest-wins: the stored timestamp is absent or `NULL` (unless required), or has the incoming
    /// value's form and is not newer as text.
    Latest { attribute: String, incoming: String, zoned: bool, require: bool },
}

/// What a refused request means, as the read-merge-write update would report it.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// There is no item with the key.
    NotFound,
    /// The lock's value moved on: a conflict with the returned item.
    Conflict,
    /// Latest-wins: the stored item is newer.
    Stale,
    /// A typed error: a value of the wrong type, or a part of the patch that needs the stored item.
    Error(Error),
}

pub(crate) fn needs_stored(path: &AttrPath, reason: impl Into<String>) -> Error {
    Error::NeedsStoredItem { path: path.to_string(), reason: reason.into() }
}

fn is_unset(value: Option<&AttributeValue>) -> bool {
    matches!(value, None | Some(AttributeValue::Null(_)))
}

fn has_type(value: Option<&AttributeValue>, type_code: &str) -> bool {
    let Some(value) = value else {
        return false;
    };
    let code = match value {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => return false,
    };
    code == type_code
}

impl Guard {
    /// The guard as part of the request's condition.
    pub(crate) fn condition(&self) -> Condition {
        match self {
            Guard::Container { path, kind, .. } => Condition::has_type(path.clone(), kind.type_code()),
            Guard::NotSet { path, type_code } => !Condition::has_type(path.clone(), type_code),
            Guard::Operand { path, type_codes, .. } => type_codes
                .iter()
                .map(|code| Condition::has_type(path.clone(), code))
                .fold(Condition::not_exists(path.clone()), |any, one| any | one),
            Guard::LockEquals { attribute, value } => {
                LockCondition::Equals(attribute.clone(), value.clone()).condition()
            }
            Guard::LockPresent { attribute } => {
                Condition::exists(attribute.as_str()) & !Condition::is_null(attribute.as_str())
            }
            Guard::VersionNumber { attribute, require } => {
                let number = Condition::has_type(attribute.as_str(), "N");
                if *require {
                    number
                } else {
                    Condition::not_exists(attribute.as_str()) | number
                }
            }
            Guard::Latest { attribute, incoming, zoned, require } => {
                let a = attribute.as_str();
                let zone = if *zoned {
                    Condition::contains(a, "Z")
                } else {
                    !Condition::contains(a, "Z") & !Condition::contains(a, "z")
                };
                let comparable = Condition::size_eq(a, incoming.len())
                    & Condition::contains(a, "T")
                    & zone
                    & Condition::le(a, incoming.as_str());
                if *require {
                    comparable
                } else {
                    Condition::not_exists(a) | Condition::is_null(a) | comparable
                }
            }
        }
    }

    /// Whether the guard's condition holds on `stored` (as DynamoDB evaluates it).
    pub(crate) fn holds(&self, stored: &Item) -> bool {
        match self {
            Guard::Container { path, kind, .. } => value_at(stored, path).is_some_and(|value| kind.matches(value)),
            Guard::NotSet { path, type_code } => !has_type(value_at(stored, path), type_code),
            Guard::Operand { path, type_codes, .. } => {
                let value = value_at(stored, path);
                value.is_none() || type_codes.iter().any(|code| has_type(value, code))
            }
            Guard::LockEquals { attribute, value } => {
                stored.get(attribute).is_some_and(|stored| value_eq(stored, value))
            }
            Guard::LockPresent { attribute } => !is_unset(stored.get(attribute)),
            Guard::VersionNumber { attribute, require } => {
                let value = stored.get(attribute);
                has_type(value, "N") || (!require && value.is_none())
            }
            Guard::Latest { attribute, incoming, zoned, require } => match stored.get(attribute) {
                None | Some(AttributeValue::Null(_)) => !require,
                Some(AttributeValue::S(text)) => {
                    let zone = if *zoned { text.contains('Z') } else { !text.contains('Z') && !text.contains('z') };
                    text.len() == incoming.len() && text.contains('T') && zone && text.as_str() <= incoming.as_str()
                }
                Some(_) => false,
            },
        }
    }

    /// What the failure of this guard on `stored` reports.
    pub(crate) fn explain(&self, schema: &'static str, stored: &Item) -> Refusal {
        let validation = |path: String, message: String| Refusal::Error(Error::Validation { schema, path, message });
        match self {
            Guard::Container { path, kind, by } => {
                let found = value_at(stored, path);
                // A map of the patch: what the merge's rule does over what is stored.
                match (by, target(found)) {
                    (By::Patch, Target::Nothing) => Refusal::Error(needs_stored(
                        path,
                        "the patch gives a map here but none is stored (the merge would set the patch's map whole; \
                         to set it whole in one request, use `set`)",
                    )),
                    (By::Removal, Target::Nothing) => Refusal::Error(needs_stored(
                        path,
                        "the patch names keys inside a map that is not stored (the merge would skip them)",
                    )),
                    (By::Patch | By::Removal, Target::Other(stored)) => {
                        let message = MergeError::TypeMismatch { path: path.to_string(), stored };
                        validation(path.to_string(), message.to_string())
                    }
                    (By::Patch | By::Removal, Target::Map) => Refusal::Conflict,
                    (By::Op, _) => {
                        let want = match kind {
                            Container::Map => "a map",
                            Container::List => "a list",
                        };
                        let found = found.map_or("not stored", type_name);
                        validation(
                            path.to_string(),
                            format!("an explicit action writes inside {want} here, but it is {found}"),
                        )
                    }
                }
            }
            Guard::NotSet { path, .. } => Refusal::Error(needs_stored(
                path,
                "a list replaces a stored set here, which the merge keeps a set (and removes when emptied)",
            )),
            Guard::Operand { path, what, .. } => {
                let found = value_at(stored, path).map_or("not stored", type_name);
                validation(path.to_string(), format!("cannot {what}: the stored value is {found}"))
            }
            Guard::LockEquals { .. } => Refusal::Conflict,
            Guard::LockPresent { attribute } => Refusal::Error(
                LockError::Missing { attribute: attribute.clone(), side: LockSide::Stored }.into_validation(schema),
            ),
            Guard::VersionNumber { attribute, require } => match stored.get(attribute) {
                None => Refusal::Error(
                    LockError::Missing { attribute: attribute.clone(), side: LockSide::Stored }.into_validation(schema),
                ),
                Some(AttributeValue::Null(_)) if *require => Refusal::Error(
                    LockError::Missing { attribute: attribute.clone(), side: LockSide::Stored }.into_validation(schema),
                ),
                Some(AttributeValue::Null(_)) => Refusal::Error(needs_stored(
                    &AttrPath::new(attribute.clone()),
                    "the stored version is NULL, which the merge treats as never versioned (and sets to 1)",
                )),
                Some(value) => {
                    let value = value.clone();
                    let err = LockError::NotAVersion { attribute: attribute.clone(), side: LockSide::Stored, value };
                    Refusal::Error(err.into_validation(schema))
                }
            },
            Guard::Latest { attribute, incoming, require, .. } => {
                let incoming = AttributeValue::S(incoming.clone());
                match LockPolicy::LatestWins.decide(attribute, stored.get(attribute), Some(&incoming), *require) {
                    Ok(LockDecision::Skip) => Refusal::Stale,
                    Ok(LockDecision::Write { .. }) => Refusal::Error(needs_stored(
                        &AttrPath::new(attribute.clone()),
                        "the stored timestamp is in another form than the update's, so they do not compare as text",
                    )),
                    Err(err) if err.is_conflict() => Refusal::Conflict,
                    Err(err) => Refusal::Error(err.into_validation(schema)),
                }
            }
        }
    }
}
