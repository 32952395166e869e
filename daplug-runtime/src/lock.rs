//! Optimistic locking: pure decisions about how (and whether) to write an updated item. No I/O.
//! The rules are documented on [`LockPolicy`] (this module is private; the types are re-exported).

use serde_json::Value;

/// How updates are protected against concurrent writers. Chosen on the adapter, overridable per call.
///
/// `update` reads the stored item, merges the patch, then asks [`LockPolicy::decide`] what to do with
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
    /// one without is an error ([`LockError::MixedOffsets`]) because the instant of a value without
    /// an offset is unknown, and guessing UTC could silently drop a genuinely newer write.
    LatestWins,
}

/// What the stored item must look like for the write to succeed. Render it with placeholders
/// (`#n0`, `:v0`); the attribute name may be a reserved word.
#[derive(Debug, Clone, PartialEq)]
pub enum LockCondition {
    /// The attribute must not exist: `attribute_not_exists(#n0)`.
    NotExists(String),
    /// The attribute must still be `NULL`: `attribute_type(#n0, :v0)` with `:v0 = S("NULL")`.
    /// (`attribute_not_exists` is false for a `NULL` attribute, so it cannot be used here.)
    IsNull(String),
    /// The attribute must still equal the value (as read, unprefixed): `#n0 = :v0`.
    Equals(String, Value),
}

impl LockCondition {
    /// The lock attribute the condition is about.
    pub fn attribute(&self) -> &str {
        match self {
            LockCondition::NotExists(name) | LockCondition::IsNull(name) | LockCondition::Equals(name, _) => name,
        }
    }
}

/// The outcome of [`LockPolicy::decide`].
#[derive(Debug, Clone, PartialEq)]
pub enum LockDecision {
    /// Write the updated item under `condition`, after setting attribute `set.0` to `set.1` when `set`
    /// is given (the new version under [`LockPolicy::Version`]). A failed condition is a conflict.
    Write {
        /// The condition on the stored item.
        condition: LockCondition,
        /// An attribute to set on the item before writing it.
        set: Option<(String, Value)>,
    },
    /// Do not write: the stored item is newer ([`LockPolicy::LatestWins`]). Return the stored item, as
    /// daplug-ddb did (no write, no event).
    Skip,
}

/// Which of the two items a lock error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockSide {
    /// The item as read from the table.
    Stored,
    /// The updated item about to be written.
    Incoming,
}

impl std::fmt::Display for LockSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LockSide::Stored => "stored",
            LockSide::Incoming => "incoming",
        })
    }
}

/// Why a locked write cannot proceed. Nothing should be written when this is returned.
///
/// [`LockError::VersionMismatch`] is a lost race ([`LockError::is_conflict`]); every other variant is
/// a bad or missing value of the lock attribute ([`LockError::attribute`] is its path).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// The lock attribute is absent or `NULL`: in the stored item while existence is required, or in
    /// the incoming item under [`LockPolicy::LatestWins`] (the update removed it).
    #[error("lock attribute `{attribute}` not found in the {side} item")]
    Missing {
        /// The lock attribute.
        attribute: String,
        /// Which item lacks it.
        side: LockSide,
    },
    /// A [`LockPolicy::LatestWins`] value is not an accepted timestamp.
    #[error("lock attribute `{attribute}`: the {side} value {value} is not an RFC 3339 date or date-time")]
    NotATimestamp {
        /// The lock attribute.
        attribute: String,
        /// Which item holds the value.
        side: LockSide,
        /// The value.
        value: Value,
    },
    /// One timestamp has a UTC offset and the other does not, so they cannot be ordered.
    #[error("lock attribute `{attribute}`: cannot order {stored} (stored) against {incoming} (incoming): only one has a UTC offset")]
    MixedOffsets {
        /// The lock attribute.
        attribute: String,
        /// The stored value.
        stored: Value,
        /// The incoming value.
        incoming: Value,
    },
    /// A [`LockPolicy::Version`] value is not an integer.
    #[error("lock attribute `{attribute}`: the {side} value {value} is not an integer version")]
    NotAVersion {
        /// The lock attribute.
        attribute: String,
        /// Which item holds the value.
        side: LockSide,
        /// The value.
        value: Value,
    },
    /// The stored version is `i64::MAX`.
    #[error("lock attribute `{attribute}`: version {value} cannot be incremented")]
    VersionOverflow {
        /// The lock attribute.
        attribute: String,
        /// The stored version.
        value: i64,
    },
    /// The patch carries a version other than the stored one: it was based on an older (or newer) read.
    #[error("lock attribute `{attribute}`: the update is based on version {expected} but the stored item has {}", describe_version(*.found))]
    VersionMismatch {
        /// The lock attribute.
        attribute: String,
        /// The version the patch carries.
        expected: i64,
        /// The stored version (`None`: absent or `NULL`).
        found: Option<i64>,
    },
}

fn describe_version(found: Option<i64>) -> String {
    found.map_or_else(|| "none".to_owned(), |v| format!("version {v}"))
}

impl LockError {
    /// The lock attribute at fault (its JSON path in the item).
    pub fn attribute(&self) -> &str {
        match self {
            LockError::Missing { attribute, .. }
            | LockError::NotATimestamp { attribute, .. }
            | LockError::MixedOffsets { attribute, .. }
            | LockError::NotAVersion { attribute, .. }
            | LockError::VersionOverflow { attribute, .. }
            | LockError::VersionMismatch { attribute, .. } => attribute,
        }
    }

    /// True when the error is a lost race (the stored item moved on), not a bad value.
    pub fn is_conflict(&self) -> bool {
        matches!(self, LockError::VersionMismatch { .. })
    }
}

/// The lock attribute as found in an item.
enum Found<'a> {
    Absent,
    Null,
    Present(&'a Value),
}

fn find<'a>(item: &'a Value, attribute: &str) -> Found<'a> {
    match item.get(attribute) {
        None => Found::Absent,
        Some(Value::Null) => Found::Null,
        Some(value) => Found::Present(value),
    }
}

impl LockPolicy {
    /// Decides how to write `updated` (the merged item, unprefixed) over `original` (the item as read,
    /// unprefixed), using lock attribute `attribute`.
    ///
    /// `require_existing` (daplug-ddb's `raise_idempotence_error`): when the stored item has no value
    /// for the attribute (absent or `NULL`), return [`LockError::Missing`] instead of writing under an
    /// "attribute still absent" condition.
    pub fn decide(
        self,
        attribute: &str,
        original: &Value,
        updated: &Value,
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
            LockPolicy::Version => Some(Value::from(1)),
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

fn equality(attribute: &str, original: &Value, require_existing: bool) -> Result<LockDecision, LockError> {
    let condition = match find(original, attribute) {
        Found::Present(value) => LockCondition::Equals(attribute.to_owned(), value.clone()),
        found => unset(attribute, matches!(found, Found::Null), require_existing)?,
    };
    Ok(LockDecision::Write { condition, set: None })
}

fn version(
    attribute: &str,
    original: &Value,
    updated: &Value,
    require_existing: bool,
) -> Result<LockDecision, LockError> {
    let as_version = |value: &Value, side| {
        value.as_i64().ok_or_else(|| LockError::NotAVersion {
            attribute: attribute.to_owned(),
            side,
            value: value.clone(),
        })
    };
    let found = find(original, attribute);
    let stored = match found {
        Found::Present(value) => Some((value, as_version(value, LockSide::Stored)?)),
        Found::Absent | Found::Null => None,
    };
    let stored_version = stored.map(|(_, version)| version);
    // The merged item still carries the stored version unless the patch named another one; a patch
    // naming another version was computed from another read, and writing it would lose an update.
    if let Found::Present(value) = find(updated, attribute) {
        let expected = as_version(value, LockSide::Incoming)?;
        if stored_version != Some(expected) {
            return Err(LockError::VersionMismatch {
                attribute: attribute.to_owned(),
                expected,
                found: stored_version,
            });
        }
    }
    let (condition, next) = match stored {
        Some((value, current)) => {
            let next = current
                .checked_add(1)
                .ok_or_else(|| LockError::VersionOverflow { attribute: attribute.to_owned(), value: current })?;
            (LockCondition::Equals(attribute.to_owned(), value.clone()), next)
        }
        None => (unset(attribute, matches!(found, Found::Null), require_existing)?, 1),
    };
    Ok(LockDecision::Write { condition, set: Some((attribute.to_owned(), Value::from(next))) })
}

fn latest_wins(
    attribute: &str,
    original: &Value,
    updated: &Value,
    require_existing: bool,
) -> Result<LockDecision, LockError> {
    let as_timestamp = |value: &Value, side| {
        value.as_str().and_then(parse_timestamp).ok_or_else(|| LockError::NotATimestamp {
            attribute: attribute.to_owned(),
            side,
            value: value.clone(),
        })
    };
    let incoming_value = match find(updated, attribute) {
        Found::Present(value) => value,
        Found::Absent | Found::Null => {
            return Err(LockError::Missing { attribute: attribute.to_owned(), side: LockSide::Incoming });
        }
    };
    let incoming = as_timestamp(incoming_value, LockSide::Incoming)?;
    let stored_value = match find(original, attribute) {
        Found::Present(value) => value,
        found => {
            let condition = unset(attribute, matches!(found, Found::Null), require_existing)?;
            return Ok(LockDecision::Write { condition, set: None });
        }
    };
    let stored = as_timestamp(stored_value, LockSide::Stored)?;
    if stored.zoned != incoming.zoned {
        return Err(LockError::MixedOffsets {
            attribute: attribute.to_owned(),
            stored: stored_value.clone(),
            incoming: incoming_value.clone(),
        });
    }
    if (stored.seconds, stored.nanos) > (incoming.seconds, incoming.nanos) {
        return Ok(LockDecision::Skip);
    }
    // Equal or newer: write, but only over the value compared against. Equality of the JSON values
    // (not of the instants) is what DynamoDB checks, so pass the stored text through unchanged.
    Ok(LockDecision::Write { condition: LockCondition::Equals(attribute.to_owned(), stored_value.clone()), set: None })
}

/// A parsed timestamp: the instant it names (for values without an offset: as if they were UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub(crate) seconds: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub(crate) nanos: u32,
    /// Whether the text carried an offset (`Z` or `±hh:mm`).
    pub(crate) zoned: bool,
}

/// A byte cursor over ASCII text; every accessor is bounds-checked (no panics on short input).
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, count: usize) -> Option<u32> {
        let slice = self.bytes.get(self.pos..self.pos.checked_add(count)?)?;
        let mut value = 0u32;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.pos += count;
        Some(value)
    }

    fn next(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn expect(&mut self, wanted: u8) -> Option<()> {
        (self.next()? == wanted).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// Parses an RFC 3339 date-time, or a date, or a date-time without offset (see [`LockPolicy::LatestWins`]).
///
/// Seconds may be `60` (a leap second), which counts as the first second of the next minute.
pub(crate) fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let mut c = Cursor { bytes: text.as_bytes(), pos: 0 };
    let year = c.digits(4)?;
    c.expect(b'-')?;
    let month = c.digits(2)?;
    c.expect(b'-')?;
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let midnight = days_from_civil(i64::from(year), month, day) * 86_400;
    if c.done() {
        return Some(Timestamp { seconds: midnight, nanos: 0, zoned: false });
    }
    if !matches!(c.next()?, b'T' | b't' | b' ') {
        return None;
    }
    let hour = c.digits(2)?;
    c.expect(b':')?;
    let minute = c.digits(2)?;
    c.expect(b':')?;
    let second = c.digits(2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let nanos = if c.peek() == Some(b'.') {
        c.pos += 1;
        fraction(&mut c)?
    } else {
        0
    };
    let (offset_seconds, zoned) = match c.next() {
        None => (0, false),
        Some(b'Z' | b'z') => (0, true),
        Some(sign @ (b'+' | b'-')) => {
            let oh = c.digits(2)?;
            c.expect(b':')?;
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let magnitude = i64::from(oh * 3600 + om * 60);
            (if sign == b'-' { -magnitude } else { magnitude }, true)
        }
        Some(_) => return None,
    };
    if !c.done() {
        return None;
    }
    let seconds = midnight + i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
    Some(Timestamp { seconds, nanos, zoned })
}

/// 1 to 9 fractional-second digits, as nanoseconds. More digits would need rounding; RFC 3339 allows
/// them, but no DynamoDB producer we know of writes them, so they are refused rather than truncated.
fn fraction(c: &mut Cursor<'_>) -> Option<u32> {
    let mut nanos = 0u32;
    let mut count = 0u32;
    while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
        count += 1;
        if count > 9 {
            return None;
        }
        nanos = nanos * 10 + u32::from(d - b'0');
        c.pos += 1;
    }
    if count == 0 {
        return None;
    }
    Some(nanos * 10u32.pow(9 - count))
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const K: &str = "modified";

    fn write(condition: LockCondition, set: Option<(&str, Value)>) -> LockDecision {
        LockDecision::Write { condition, set: set.map(|(k, v)| (k.to_owned(), v)) }
    }

    fn equals(value: Value) -> LockCondition {
        LockCondition::Equals(K.to_owned(), value)
    }

    fn decide(policy: LockPolicy, original: Value, updated: Value, require: bool) -> Result<LockDecision, LockError> {
        policy.decide(K, &original, &updated, require)
    }

    fn ts(text: &str) -> Timestamp {
        parse_timestamp(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    fn instant(text: &str) -> (i64, u32) {
        let t = ts(text);
        (t.seconds, t.nanos)
    }

    // ---- Equality ---------------------------------------------------------------------------------

    #[test]
    fn equality_conditions_on_the_value_read_and_allows_a_bump() {
        for require in [false, true] {
            let decision =
                decide(LockPolicy::Equality, json!({K: "2024-01-01"}), json!({K: "2024-02-01"}), require).unwrap();
            assert_eq!(decision, write(equals(json!("2024-01-01")), None));
        }
        // Non-string values are passed through as read.
        let decision = decide(LockPolicy::Equality, json!({K: {"n": [1]}}), json!({}), false).unwrap();
        assert_eq!(decision, write(equals(json!({"n": [1]})), None));
    }

    #[test]
    fn equality_without_stored_value_conditions_on_absence() {
        let decision = decide(LockPolicy::Equality, json!({}), json!({K: "x"}), false).unwrap();
        assert_eq!(decision, write(LockCondition::NotExists(K.into()), None));
        let decision = decide(LockPolicy::Equality, json!({K: null}), json!({K: "x"}), false).unwrap();
        assert_eq!(decision, write(LockCondition::IsNull(K.into()), None));
    }

    #[test]
    fn equality_requiring_a_stored_value_errors_without_one() {
        for original in [json!({}), json!({K: null})] {
            let err = decide(LockPolicy::Equality, original, json!({K: "x"}), true).unwrap_err();
            assert_eq!(err, LockError::Missing { attribute: K.into(), side: LockSide::Stored });
            assert_eq!(err.to_string(), "lock attribute `modified` not found in the stored item");
            assert_eq!(err.attribute(), K);
            assert!(!err.is_conflict());
        }
    }

    // ---- Version ----------------------------------------------------------------------------------

    #[test]
    fn version_increments_and_conditions_on_the_stored_version() {
        // The merged item still carries the stored version when the patch did not name it.
        let decision = decide(LockPolicy::Version, json!({K: 3}), json!({K: 3}), true).unwrap();
        assert_eq!(decision, write(equals(json!(3)), Some((K, json!(4)))));
        // The patch removed it (map remove / null): the library sets it anyway.
        let decision = decide(LockPolicy::Version, json!({K: 3}), json!({K: null}), false).unwrap();
        assert_eq!(decision, write(equals(json!(3)), Some((K, json!(4)))));
        let decision = decide(LockPolicy::Version, json!({K: -1}), json!({}), false).unwrap();
        assert_eq!(decision, write(equals(json!(-1)), Some((K, json!(0)))));
    }

    #[test]
    fn version_first_write_is_one_under_an_absence_condition() {
        let decision = decide(LockPolicy::Version, json!({}), json!({}), false).unwrap();
        assert_eq!(decision, write(LockCondition::NotExists(K.into()), Some((K, json!(1)))));
        let decision = decide(LockPolicy::Version, json!({K: null}), json!({K: null}), false).unwrap();
        assert_eq!(decision, write(LockCondition::IsNull(K.into()), Some((K, json!(1)))));
        let err = decide(LockPolicy::Version, json!({}), json!({}), true).unwrap_err();
        assert_eq!(err, LockError::Missing { attribute: K.into(), side: LockSide::Stored });
    }

    #[test]
    fn version_named_by_the_patch_must_match_the_stored_one() {
        let err = decide(LockPolicy::Version, json!({K: 4}), json!({K: 3}), false).unwrap_err();
        assert_eq!(err, LockError::VersionMismatch { attribute: K.into(), expected: 3, found: Some(4) });
        assert!(err.is_conflict());
        assert_eq!(
            err.to_string(),
            "lock attribute `modified`: the update is based on version 3 but the stored item has version 4"
        );
        let err = decide(LockPolicy::Version, json!({}), json!({K: 1}), false).unwrap_err();
        assert_eq!(err, LockError::VersionMismatch { attribute: K.into(), expected: 1, found: None });
        assert!(err.to_string().ends_with("but the stored item has none"));
    }

    #[test]
    fn version_values_must_be_integers() {
        for bad in [json!("3"), json!(3.5), json!(true), json!(u64::MAX), json!([1])] {
            let err = decide(LockPolicy::Version, json!({ K: bad.clone() }), json!({}), false).unwrap_err();
            assert_eq!(err, LockError::NotAVersion { attribute: K.into(), side: LockSide::Stored, value: bad.clone() });
            let err = decide(LockPolicy::Version, json!({K: 1}), json!({ K: bad.clone() }), false).unwrap_err();
            assert_eq!(err, LockError::NotAVersion { attribute: K.into(), side: LockSide::Incoming, value: bad });
        }
    }

    #[test]
    fn version_overflow_is_an_error() {
        let err = decide(LockPolicy::Version, json!({K: i64::MAX}), json!({K: i64::MAX}), false).unwrap_err();
        assert_eq!(err, LockError::VersionOverflow { attribute: K.into(), value: i64::MAX });
    }

    #[test]
    fn initial_values() {
        assert_eq!(LockPolicy::Version.initial_value(), Some(json!(1)));
        assert_eq!(LockPolicy::Equality.initial_value(), None);
        assert_eq!(LockPolicy::LatestWins.initial_value(), None);
    }

    // ---- LatestWins -------------------------------------------------------------------------------

    #[test]
    fn latest_wins_skips_when_stored_is_strictly_newer() {
        let decision = decide(
            LockPolicy::LatestWins,
            json!({K: "2024-01-01T00:00:01Z"}),
            json!({K: "2024-01-01T00:00:00Z"}),
            true,
        );
        assert_eq!(decision.unwrap(), LockDecision::Skip);
        // Nanosecond precision.
        let decision = decide(
            LockPolicy::LatestWins,
            json!({K: "2024-01-01T00:00:00.000000002Z"}),
            json!({K: "2024-01-01T00:00:00.000000001Z"}),
            false,
        );
        assert_eq!(decision.unwrap(), LockDecision::Skip);
    }

    #[test]
    fn latest_wins_writes_equal_or_newer_over_the_stored_text() {
        for incoming in ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00.5Z"] {
            let decision =
                decide(LockPolicy::LatestWins, json!({K: "2024-01-01T00:00:00Z"}), json!({ K: incoming }), true)
                    .unwrap();
            assert_eq!(decision, write(equals(json!("2024-01-01T00:00:00Z")), None), "{incoming}");
        }
    }

    #[test]
    fn latest_wins_compares_instants_not_strings() {
        // Vector `use_latest_string_vs_datetime_semantics`: 09:00+09:00 is 00:00Z, older than 00:30Z.
        let decision = decide(
            LockPolicy::LatestWins,
            json!({K: "2024-01-01T00:30:00+00:00"}),
            json!({K: "2024-01-01T09:00:00+09:00"}),
            false,
        );
        assert_eq!(decision.unwrap(), LockDecision::Skip);
        // And the other way round: "2023-12-31T20:00:00-05:00" is 01:00Z, newer as an instant though
        // smaller as a string.
        let decision = decide(
            LockPolicy::LatestWins,
            json!({K: "2024-01-01T00:30:00Z"}),
            json!({K: "2023-12-31T20:00:00-05:00"}),
            false,
        );
        assert_eq!(decision.unwrap(), write(equals(json!("2024-01-01T00:30:00Z")), None));
    }

    #[test]
    fn latest_wins_without_stored_value() {
        let decision = decide(LockPolicy::LatestWins, json!({}), json!({K: "2024-01-01"}), false).unwrap();
        assert_eq!(decision, write(LockCondition::NotExists(K.into()), None));
        let decision = decide(LockPolicy::LatestWins, json!({K: null}), json!({K: "2024-01-01"}), false).unwrap();
        assert_eq!(decision, write(LockCondition::IsNull(K.into()), None));
        let err = decide(LockPolicy::LatestWins, json!({}), json!({K: "2024-01-01"}), true).unwrap_err();
        assert_eq!(err, LockError::Missing { attribute: K.into(), side: LockSide::Stored });
        // The incoming value is validated even on a first write.
        let err = decide(LockPolicy::LatestWins, json!({}), json!({K: "soon"}), false).unwrap_err();
        assert!(matches!(err, LockError::NotATimestamp { side: LockSide::Incoming, .. }));
    }

    #[test]
    fn latest_wins_requires_an_incoming_value() {
        for updated in [json!({}), json!({K: null})] {
            let err = decide(LockPolicy::LatestWins, json!({K: "2024-01-01"}), updated, false).unwrap_err();
            assert_eq!(err, LockError::Missing { attribute: K.into(), side: LockSide::Incoming });
        }
    }

    #[test]
    fn latest_wins_rejects_non_timestamps_on_either_side() {
        for bad in [json!("not-a-date"), json!(1_704_067_200), json!(null), json!({"t": "2024-01-01"})] {
            if !bad.is_null() {
                let err = decide(LockPolicy::LatestWins, json!({K: "2024-01-01"}), json!({ K: bad.clone() }), false)
                    .unwrap_err();
                assert_eq!(
                    err,
                    LockError::NotATimestamp { attribute: K.into(), side: LockSide::Incoming, value: bad.clone() }
                );
                let err = decide(LockPolicy::LatestWins, json!({ K: bad.clone() }), json!({K: "2024-01-01"}), false)
                    .unwrap_err();
                assert_eq!(err, LockError::NotATimestamp { attribute: K.into(), side: LockSide::Stored, value: bad });
            }
        }
        let err = decide(LockPolicy::LatestWins, json!({K: "2024-01-01"}), json!({K: "x"}), false).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"lock attribute `modified`: the incoming value "x" is not an RFC 3339 date or date-time"#
        );
    }

    #[test]
    fn latest_wins_refuses_to_order_naive_against_zoned() {
        let err = decide(
            LockPolicy::LatestWins,
            json!({K: "2024-01-01T00:00:00"}),
            json!({K: "2024-01-02T00:00:00Z"}),
            false,
        )
        .unwrap_err();
        assert!(matches!(err, LockError::MixedOffsets { .. }), "{err}");
        let err =
            decide(LockPolicy::LatestWins, json!({K: "2024-01-01T00:00:00+00:00"}), json!({K: "2024-01-02"}), false)
                .unwrap_err();
        assert_eq!(
            err,
            LockError::MixedOffsets {
                attribute: K.into(),
                stored: json!("2024-01-01T00:00:00+00:00"),
                incoming: json!("2024-01-02")
            }
        );
    }

    #[test]
    fn latest_wins_orders_naive_values_among_themselves() {
        // A date-only value is midnight.
        let decision =
            decide(LockPolicy::LatestWins, json!({K: "2024-01-02"}), json!({K: "2024-01-01T23:59:59"}), false);
        assert_eq!(decision.unwrap(), LockDecision::Skip);
        let decision =
            decide(LockPolicy::LatestWins, json!({K: "2024-01-02"}), json!({K: "2024-01-02T00:00:00"}), false);
        assert_eq!(decision.unwrap(), write(equals(json!("2024-01-02")), None));
    }

    // ---- daplug-ddb vectors (seed/vectors.json), replayed on the decision ------------------------

    fn seed_modified(value: Value) -> Value {
        json!({"pk": "order-1", "sk": "v1", "status": "open", "modified": value})
    }

    #[test]
    fn vector_idempotence_success_and_conflict() {
        // `idempotence_success` and `idempotence_conflict` make the same decision; the conflict is
        // DynamoDB refusing the condition after a concurrent write.
        let decision = decide(
            LockPolicy::Equality,
            seed_modified(json!("2024-01-01T00:00:00")),
            seed_modified(json!("2024-02-01T00:00:00")),
            false,
        );
        assert_eq!(decision.unwrap(), write(equals(json!("2024-01-01T00:00:00")), None));
    }

    #[test]
    fn vector_idempotence_raise_changed_value_corrected() {
        // `idempotence_raise_changed_value`: daplug-ddb raised "update: idempotence key value has
        // changed" for any bump with the raise flag on (BEHAVIOR §8 bug). Now: a conditioned write.
        let decision = decide(
            LockPolicy::Equality,
            seed_modified(json!("2024-01-01T00:00:00")),
            seed_modified(json!("2024-02-01T00:00:00")),
            true,
        );
        assert_eq!(decision.unwrap(), write(equals(json!("2024-01-01T00:00:00")), None));
    }

    #[test]
    fn vector_idempotence_raise_unchanged_value() {
        let original = seed_modified(json!("2024-01-01T00:00:00"));
        let decision = decide(LockPolicy::Equality, original.clone(), original, true);
        assert_eq!(decision.unwrap(), write(equals(json!("2024-01-01T00:00:00")), None));
    }

    #[test]
    fn vector_idempotence_missing_in_original_no_raise() {
        // daplug-ddb wrote unconditionally; we write too, but only while the attribute is still absent.
        let original = json!({"pk": "order-1", "sk": "v1"});
        let decision = decide(LockPolicy::Equality, original, seed_modified(json!("2024-05-05")), false);
        assert_eq!(decision.unwrap(), write(LockCondition::NotExists(K.into()), None));
    }

    #[test]
    fn vector_idempotence_missing_in_original_raise() {
        let original = json!({"pk": "order-1", "sk": "v1"});
        let err = decide(LockPolicy::Equality, original.clone(), original, true).unwrap_err();
        assert_eq!(err, LockError::Missing { attribute: K.into(), side: LockSide::Stored });
    }

    #[test]
    fn vector_use_latest_stale() {
        let decision = decide(
            LockPolicy::LatestWins,
            seed_modified(json!("2024-01-01T00:00:00")),
            seed_modified(json!("2023-12-31T23:59:59")),
            false,
        );
        assert_eq!(decision.unwrap(), LockDecision::Skip);
    }

    #[test]
    fn vector_use_latest_newer_and_equal() {
        for incoming in ["2024-01-02", "2024-01-01T00:00:00"] {
            let decision = decide(
                LockPolicy::LatestWins,
                seed_modified(json!("2024-01-01T00:00:00")),
                seed_modified(json!(incoming)),
                false,
            );
            assert_eq!(decision.unwrap(), write(equals(json!("2024-01-01T00:00:00")), None), "{incoming}");
        }
    }

    #[test]
    fn vector_use_latest_invalid() {
        let err = decide(
            LockPolicy::LatestWins,
            seed_modified(json!("2024-01-01T00:00:00")),
            seed_modified(json!("not-a-date")),
            false,
        )
        .unwrap_err();
        assert!(matches!(err, LockError::NotATimestamp { side: LockSide::Incoming, .. }));
    }

    #[test]
    fn vector_use_latest_mixed_timezone() {
        // daplug-ddb: Python TypeError comparing naive and aware datetimes. Now a typed error.
        let err = decide(
            LockPolicy::LatestWins,
            seed_modified(json!("2024-01-01T00:00:00")),
            seed_modified(json!("2024-01-02T00:00:00Z")),
            false,
        )
        .unwrap_err();
        assert!(matches!(err, LockError::MixedOffsets { .. }));
    }

    #[test]
    fn vector_use_latest_with_raise_corrected() {
        // `use_latest_with_raise`: daplug-ddb refused the newer value ("idempotence key value has
        // changed"). Now the newer value is written, conditioned on the stored one.
        let decision = decide(
            LockPolicy::LatestWins,
            seed_modified(json!("2024-01-01T00:00:00")),
            seed_modified(json!("2024-06-01")),
            true,
        );
        assert_eq!(decision.unwrap(), write(equals(json!("2024-01-01T00:00:00")), None));
    }

    // ---- timestamp parser -------------------------------------------------------------------------

    #[test]
    fn parses_utc_with_upper_and_lower_z() {
        assert_eq!(ts("1970-01-01T00:00:00Z"), Timestamp { seconds: 0, nanos: 0, zoned: true });
        assert_eq!(ts("2000-01-01T00:00:00z"), Timestamp { seconds: 946_684_800, nanos: 0, zoned: true });
        assert_eq!(instant("2024-01-01t00:00:00Z"), (1_704_067_200, 0));
        assert_eq!(instant("2024-01-01 00:00:00Z"), (1_704_067_200, 0));
    }

    #[test]
    fn parses_offsets() {
        assert_eq!(instant("2024-01-01T09:00:00+09:00"), instant("2024-01-01T00:00:00Z"));
        assert_eq!(instant("2023-12-31T19:30:00-04:30"), instant("2024-01-01T00:00:00Z"));
        assert_eq!(instant("2024-01-01T00:00:00-00:00"), instant("2024-01-01T00:00:00+00:00"));
        assert_eq!(instant("2024-01-01T00:00:00+23:59"), (1_704_067_200 - 86_340, 0));
        assert!(ts("2024-01-01T00:00:00+05:30").zoned);
    }

    #[test]
    fn parses_fractions_of_one_to_nine_digits() {
        let expected = [
            100_000_000,
            120_000_000,
            123_000_000,
            123_400_000,
            123_450_000,
            123_456_000,
            123_456_700,
            123_456_780,
            123_456_789,
        ];
        let digits = "123456789";
        for (n, nanos) in (1..=9).zip(expected) {
            let text = format!("2024-01-01T00:00:00.{}Z", &digits[..n]);
            assert_eq!(ts(&text), Timestamp { seconds: 1_704_067_200, nanos, zoned: true }, "{text}");
            let naive = format!("2024-01-01T00:00:00.{}", &digits[..n]);
            assert_eq!(ts(&naive), Timestamp { seconds: 1_704_067_200, nanos, zoned: false }, "{naive}");
        }
        assert_eq!(instant("2024-01-01T00:00:00.000+01:00"), (1_704_063_600, 0));
        assert_eq!(parse_timestamp("2024-01-01T00:00:00.1234567890Z"), None);
        assert_eq!(parse_timestamp("2024-01-01T00:00:00.Z"), None);
        assert_eq!(parse_timestamp("2024-01-01T00:00:00."), None);
        assert_eq!(parse_timestamp("2024-01-01T00:00:00.1.2"), None);
    }

    #[test]
    fn parses_naive_and_date_only_values_as_unzoned() {
        assert_eq!(ts("2024-01-01T00:00:00"), Timestamp { seconds: 1_704_067_200, nanos: 0, zoned: false });
        assert_eq!(ts("2024-01-01"), Timestamp { seconds: 1_704_067_200, nanos: 0, zoned: false });
        assert_eq!(instant("2024-01-02"), (1_704_153_600, 0));
    }

    #[test]
    fn handles_leap_years_and_month_lengths() {
        assert_eq!(instant("2024-02-29T00:00:00Z").0 + 86_400, instant("2024-03-01T00:00:00Z").0);
        assert_eq!(instant("2023-02-28T00:00:00Z").0 + 86_400, instant("2023-03-01T00:00:00Z").0);
        assert!(parse_timestamp("2000-02-29").is_some());
        assert!(parse_timestamp("2023-02-29").is_none());
        assert!(parse_timestamp("1900-02-29").is_none());
        assert!(parse_timestamp("2100-02-29").is_none());
        for (month, days) in
            [(1, 31), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31)]
        {
            assert!(parse_timestamp(&format!("2023-{month:02}-{days:02}")).is_some(), "{month}");
            assert!(parse_timestamp(&format!("2023-{month:02}-{:02}", days + 1)).is_none(), "{month}");
        }
    }

    #[test]
    fn covers_the_full_year_range() {
        assert_eq!(instant("1969-12-31T23:59:59Z"), (-1, 0));
        assert_eq!(instant("9999-12-31T23:59:59Z"), (253_402_300_799, 0));
        assert_eq!(instant("0000-01-01T00:00:00Z"), (-62_167_219_200, 0));
        assert_eq!(instant("0000-03-01T00:00:00Z").0 - instant("0000-02-28T00:00:00Z").0, 2 * 86_400); // year 0 is leap
        assert_eq!(instant("1600-03-01").0 - instant("1600-02-28").0, 2 * 86_400);
    }

    #[test]
    fn leap_second_counts_as_the_next_second() {
        assert_eq!(instant("2016-12-31T23:59:60Z"), instant("2017-01-01T00:00:00Z"));
    }

    #[test]
    fn rejects_invalid_fields() {
        for bad in [
            "2024-00-01",
            "2024-13-01",
            "2024-01-00",
            "2024-01-32",
            "2024-04-31",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:61Z",
            "2024-01-01T00:00:00+24:00",
            "2024-01-01T00:00:00+00:60",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "not-a-date",
            "2024",
            "2024-1-01",
            "2024-01-1",
            "24-01-01",
            "+2024-01-01",
            "2024/01/01",
            "20240101",
            "2024-01-01T",
            "2024-01-01X00:00:00",
            "2024-01-01T00:00",
            "2024-01-01T0:00:00",
            "2024-01-01T00:00:00ZZ",
            "2024-01-01T00:00:00Z ",
            " 2024-01-01",
            "2024-01-01 ",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00+01",
            "2024-01-01T00:00:00+01:00:00",
            "2024-01-01T00:00:00 UTC",
            "2024-01-01T00:00:00Z+01:00",
            "２０２４-01-01",
            "2024-01-01T00:00:00\u{00e9}",
            "1704067200",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }
}
