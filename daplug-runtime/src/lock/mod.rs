//! Optimistic locking: pure decisions about how (and whether) to write an item. No I/O.
//! The rules are documented on [`LockPolicy`]; the version rule exists once (`next_version`), for
//! updates (`LockPolicy::decide`) and whole-item puts (`LockConfig::version_put`) alike.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

use crate::codec::item::Item;
use crate::expr::Condition;
use crate::timestamp::parse_timestamp;

mod error;

pub(crate) use error::{LockError, LockSide};

/// The version an item gets on its first versioned write.
const FIRST_VERSION: i64 = 1;

/// Optimistic locking of one adapter (or one call): which attribute, which policy, and whether the
/// stored item must carry the attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LockConfig {
    pub(crate) attribute: String,
    pub(crate) policy: LockPolicy,
    pub(crate) require_existing: bool,
}

/// How updates are protected against concurrent writers. Chosen on the adapter, overridable per call.
///
/// `update` reads the stored item, merges the patch, then asks the policy what to do with
/// the result: write it under a condition (rendered by the caller into a DynamoDB
/// `ConditionExpression` with placeholders), possibly setting the lock attribute first, or skip the
/// write because the stored item is newer. Every write decided here is conditioned, so a concurrent
/// change between the read and the write always surfaces as a conflict instead of being overwritten.
///
/// Three policies, all keyed on one attribute of the item (the "lock attribute"):
///
/// * [`Equality`](LockPolicy::Equality) — daplug-ddb's `idempotence_key`: the write requires the stored
///   value to still be the one that was read. The caller may change the value in its patch (bump a
///   `modified` timestamp); daplug-ddb refused every such bump when `raise_idempotence_error` was on,
///   which made the flag unusable with a bumped key. Here the flag only means
///   "the stored item must carry the attribute".
/// * [`Version`](LockPolicy::Version) — an integer the library maintains: `1` on the first write,
///   `stored + 1` after, conditioned on the stored value.
/// * [`LatestWins`](LockPolicy::LatestWins) — daplug-ddb's `idempotence_use_latest`: RFC 3339
///   timestamps compared as instants; a write older than what is stored is skipped, otherwise it is
///   conditioned like `Equality`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockPolicy {
    /// Write only if the stored lock attribute still has the value read (or is still absent / `NULL`).
    /// The patch may set a new value. daplug-ddb's `idempotence_key`.
    Equality,
    /// The lock attribute is an integer version maintained by the library: the write sets it to
    /// `stored + 1` (`1` when absent) and requires the stored value to be unchanged. A patch that
    /// carries a different version than the stored one was based on an older read: a conflict.
    Version,
    /// The lock attribute is an RFC 3339 timestamp: a write whose value is older than the stored one
    /// is skipped (the stored item is returned); otherwise it is conditioned like [`Equality`](Self::Equality).
    /// daplug-ddb's `idempotence_use_latest`.
    ///
    /// Accepted values: `YYYY-MM-DD` and `YYYY-MM-DD(T|t| )hh:mm:ss[.f{1,9}][Z|z|±hh:mm]`. Values with
    /// an offset compare as instants. Values without one (including date-only values, which mean
    /// midnight) are accepted because daplug-ddb tables are full of them (`datetime.isoformat()`
    /// output), and compare among themselves as wall-clock times; comparing one with an offset against
    /// one without is an error ([`Error::Validation`](crate::Error::Validation)) because the instant of a value without
    /// an offset is unknown, and guessing UTC could silently drop a genuinely newer write.
    LatestWins,
}

/// What the stored item must look like for the write to succeed; rendered as a [`Condition`]
/// (through placeholders: the attribute name may be a reserved word).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LockCondition {
    /// The attribute must not exist: `attribute_not_exists(#n0)`.
    NotExists(String),
    /// The attribute must still be `NULL`: `attribute_type(#n0, :v0)` with `:v0 = S("NULL")`.
    /// (`attribute_not_exists` is false for a `NULL` attribute, so it cannot be used here.)
    IsNull(String),
    /// The attribute must still equal the value (as read, unprefixed): `#n0 = :v0`.
    Equals(String, AttributeValue),
}

impl LockCondition {
    /// The condition as an expression.
    pub(crate) fn condition(&self) -> Condition {
        match self {
            LockCondition::NotExists(name) => Condition::not_exists(name),
            LockCondition::IsNull(name) => Condition::is_null(name),
            LockCondition::Equals(name, value) => Condition::eq_value(name, value.clone()),
        }
    }
}

/// The outcome of [`LockPolicy::decide`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LockDecision {
    /// Write the updated item under `condition`, after setting attribute `set.0` to `set.1` when `set`
    /// is given (the new version under [`LockPolicy::Version`]). A failed condition is a conflict.
    Write {
        /// The condition on the stored item.
        condition: LockCondition,
        /// An attribute to set on the item before writing it.
        set: Option<(String, AttributeValue)>,
    },
    /// Do not write: the stored item is newer ([`LockPolicy::LatestWins`]). Return the stored item, as
    /// daplug-ddb did (no write, no event).
    Skip,
}

/// The lock attribute as found in an item.
enum Found<'a> {
    Absent,
    Null,
    Present(&'a AttributeValue),
}

fn find(value: Option<&AttributeValue>) -> Found<'_> {
    match value {
        None => Found::Absent,
        Some(AttributeValue::Null(_)) => Found::Null,
        Some(value) => Found::Present(value),
    }
}

impl LockPolicy {
    /// Decides how to write an item whose lock attribute `attribute` is `updated` (in the merged
    /// item) over one where it is `original` (as read); `None` where the item has no such attribute.
    ///
    /// `require_existing` (daplug-ddb's `raise_idempotence_error`): when the stored item has no value
    /// for the attribute (absent or `NULL`), return [`LockError::Missing`] instead of writing under an
    /// "attribute still absent" condition.
    pub(crate) fn decide(
        self,
        attribute: &str,
        original: Option<&AttributeValue>,
        updated: Option<&AttributeValue>,
        require_existing: bool,
    ) -> Result<LockDecision, LockError> {
        match self {
            LockPolicy::Equality => equality(attribute, original, require_existing),
            LockPolicy::Version => version(attribute, original, updated, require_existing),
            LockPolicy::LatestWins => latest_wins(attribute, original, updated, require_existing),
        }
    }

    /// The value to give the lock attribute in a newly created item: `1` under
    /// [`LockPolicy::Version`], nothing under the other policies (the caller supplies those values).
    pub fn initial_value(self) -> Option<Value> {
        match self {
            LockPolicy::Version => Some(Value::from(FIRST_VERSION)),
            LockPolicy::Equality | LockPolicy::LatestWins => None,
        }
    }
}

/// The write when the stored item has no lock value: conditioned on that still being so, unless the
/// caller requires a value (then an error, daplug-ddb's "idempotence key not found in original item").
fn unset(attribute: &str, stored_null: bool, require_existing: bool) -> Result<LockCondition, LockError> {
    if require_existing {
        return Err(LockError::Missing { attribute: attribute.to_owned(), side: LockSide::Stored });
    }
    Ok(if stored_null {
        LockCondition::IsNull(attribute.to_owned())
    } else {
        LockCondition::NotExists(attribute.to_owned())
    })
}

fn equality(
    attribute: &str,
    original: Option<&AttributeValue>,
    require_existing: bool,
) -> Result<LockDecision, LockError> {
    let condition = match find(original) {
        Found::Present(value) => LockCondition::Equals(attribute.to_owned(), value.clone()),
        found => unset(attribute, matches!(found, Found::Null), require_existing)?,
    };
    Ok(LockDecision::Write { condition, set: None })
}

/// The version a value names: an integer `N` (the one reading of a version, for every write).
pub(crate) fn as_version(value: &AttributeValue) -> Option<i64> {
    match value {
        AttributeValue::N(text) => text.parse().ok(),
        _ => None,
    }
}

fn version(
    attribute: &str,
    original: Option<&AttributeValue>,
    updated: Option<&AttributeValue>,
    require_existing: bool,
) -> Result<LockDecision, LockError> {
    let as_version = |value: &AttributeValue, side| {
        as_version(value).ok_or_else(|| LockError::NotAVersion {
            attribute: attribute.to_owned(),
            side,
            value: value.clone(),
        })
    };
    let found = find(original);
    let stored_version = match found {
        Found::Present(value) => Some(as_version(value, LockSide::Stored)?),
        Found::Absent | Found::Null => None,
    };
    // The merged item still carries the stored version unless the patch named another one; a patch
    // naming another version was computed from another read, and writing it would lose an update.
    if let Found::Present(value) = find(updated) {
        let expected = as_version(value, LockSide::Incoming)?;
        if stored_version != Some(expected) {
            return Err(LockError::VersionMismatch {
                attribute: attribute.to_owned(),
                expected,
                found: stored_version,
            });
        }
    }
    let (condition, next) = next_version(attribute, stored_version, matches!(found, Found::Null), require_existing)?;
    Ok(LockDecision::Write { condition, set: Some((attribute.to_owned(), number(next))) })
}

/// The one version rule: a write over an item at version `stored` requires that version to still be
/// there and stores the next one; over a never-versioned item (`None`; `stored_null` when its
/// attribute is `NULL`) it requires the attribute to still be unset and stores the first version.
fn next_version(
    attribute: &str,
    stored: Option<i64>,
    stored_null: bool,
    require_existing: bool,
) -> Result<(LockCondition, i64), LockError> {
    match stored {
        Some(current) => {
            let next = current
                .checked_add(1)
                .ok_or_else(|| LockError::VersionOverflow { attribute: attribute.to_owned(), value: current })?;
            Ok((LockCondition::Equals(attribute.to_owned(), number(current)), next))
        }
        None => Ok((unset(attribute, stored_null, require_existing)?, FIRST_VERSION)),
    }
}

impl LockConfig {
    /// Version locking on a put of a whole item (insert, overwrite, transactional puts): sets the
    /// version to store on `item` and returns the condition to write under. A new item (`fresh`: its
    /// insert condition already covers it) gets the first version and no condition; otherwise the put
    /// must match the version the item carries (the one it was read at). An absent or `NULL` version
    /// means "never versioned": the stored item must not have one. `None` when the policy does not
    /// version.
    pub(crate) fn version_put(&self, item: &mut Item, fresh: bool) -> Result<Option<LockCondition>, LockError> {
        if self.policy != LockPolicy::Version {
            return Ok(None);
        }
        let attribute = self.attribute.as_str();
        let (condition, next) = match item.get(attribute) {
            _ if fresh => (None, FIRST_VERSION),
            None | Some(AttributeValue::Null(_)) => {
                let (condition, next) = next_version(attribute, None, false, false)?;
                (Some(condition), next)
            }
            Some(value) => {
                let current = as_version(value).ok_or_else(|| LockError::NotAVersion {
                    attribute: attribute.to_owned(),
                    side: LockSide::Incoming,
                    value: value.clone(),
                })?;
                let (condition, next) = next_version(attribute, Some(current), false, false)?;
                (Some(condition), next)
            }
        };
        item.insert(attribute.to_owned(), number(next));
        Ok(condition)
    }
}

/// A version's `N`.
fn number(version: i64) -> AttributeValue {
    AttributeValue::N(version.to_string())
}

fn latest_wins(
    attribute: &str,
    original: Option<&AttributeValue>,
    updated: Option<&AttributeValue>,
    require_existing: bool,
) -> Result<LockDecision, LockError> {
    let as_timestamp = |value: &AttributeValue, side| {
        value.as_s().ok().and_then(|text| parse_timestamp(text)).ok_or_else(|| LockError::NotATimestamp {
            attribute: attribute.to_owned(),
            side,
            value: value.clone(),
        })
    };
    let incoming_value = match find(updated) {
        Found::Present(value) => value,
        Found::Absent | Found::Null => {
            return Err(LockError::Missing { attribute: attribute.to_owned(), side: LockSide::Incoming });
        }
    };
    let incoming = as_timestamp(incoming_value, LockSide::Incoming)?;
    let stored_value = match find(original) {
        Found::Present(value) => value,
        found => {
            let condition = unset(attribute, matches!(found, Found::Null), require_existing)?;
            return Ok(LockDecision::Write { condition, set: None });
        }
    };
    let stored = as_timestamp(stored_value, LockSide::Stored)?;
    if stored.zoned != incoming.zoned {
        // Both are timestamps, so strings.
        let text = |value: &AttributeValue| value.as_s().cloned().unwrap_or_default();
        return Err(LockError::MixedOffsets {
            attribute: attribute.to_owned(),
            stored: text(stored_value),
            incoming: text(incoming_value),
        });
    }
    if (stored.seconds, stored.nanos) > (incoming.seconds, incoming.nanos) {
        return Ok(LockDecision::Skip);
    }
    // Equal or newer: write, but only over the value compared against. Equality of the stored values
    // (not of the instants) is what DynamoDB checks, so pass the stored text through unchanged.
    Ok(LockDecision::Write { condition: LockCondition::Equals(attribute.to_owned(), stored_value.clone()), set: None })
}

#[cfg(test)]
mod tests;
