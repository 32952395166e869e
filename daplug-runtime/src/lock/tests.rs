//! Unit tests of the locking decisions and the timestamp parser (kept apart: the rules are short,
//! their cases are many).

use super::*;
use crate::timestamp::Timestamp;
use serde_json::json;

const K: &str = "modified";

/// A JSON value as the attribute value an item holds (the cases are written in JSON to read well).
fn av(value: Value) -> AttributeValue {
    crate::codec::to_attribute_value(&value).unwrap()
}

fn write(condition: LockCondition, set: Option<(&str, Value)>) -> LockDecision {
    LockDecision::Write { condition, set: set.map(|(k, v)| (k.to_owned(), av(v))) }
}

fn equals(value: Value) -> LockCondition {
    LockCondition::Equals(K.to_owned(), av(value))
}

/// The decision on two items given as JSON objects.
fn decide(policy: LockPolicy, original: Value, updated: Value, require: bool) -> Result<LockDecision, LockError> {
    let (original, updated) = (crate::codec::to_item(&original).unwrap(), crate::codec::to_item(&updated).unwrap());
    policy.decide(K, original.get(K), updated.get(K), require)
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
        assert_eq!(err, LockError::NotAVersion { attribute: K.into(), side: LockSide::Stored, value: av(bad.clone()) });
        let err = decide(LockPolicy::Version, json!({K: 1}), json!({ K: bad.clone() }), false).unwrap_err();
        assert_eq!(err, LockError::NotAVersion { attribute: K.into(), side: LockSide::Incoming, value: av(bad) });
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
    let decision =
        decide(LockPolicy::LatestWins, json!({K: "2024-01-01T00:00:01Z"}), json!({K: "2024-01-01T00:00:00Z"}), true);
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
            decide(LockPolicy::LatestWins, json!({K: "2024-01-01T00:00:00Z"}), json!({ K: incoming }), true).unwrap();
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
            let err =
                decide(LockPolicy::LatestWins, json!({K: "2024-01-01"}), json!({ K: bad.clone() }), false).unwrap_err();
            assert_eq!(
                err,
                LockError::NotATimestamp { attribute: K.into(), side: LockSide::Incoming, value: av(bad.clone()) }
            );
            let err =
                decide(LockPolicy::LatestWins, json!({ K: bad.clone() }), json!({K: "2024-01-01"}), false).unwrap_err();
            assert_eq!(err, LockError::NotATimestamp { attribute: K.into(), side: LockSide::Stored, value: av(bad) });
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
    let err =
        decide(LockPolicy::LatestWins, json!({K: "2024-01-01T00:00:00"}), json!({K: "2024-01-02T00:00:00Z"}), false)
            .unwrap_err();
    assert!(matches!(err, LockError::MixedOffsets { .. }), "{err}");
    let err = decide(LockPolicy::LatestWins, json!({K: "2024-01-01T00:00:00+00:00"}), json!({K: "2024-01-02"}), false)
        .unwrap_err();
    assert_eq!(
        err,
        LockError::MixedOffsets {
            attribute: K.into(),
            stored: "2024-01-01T00:00:00+00:00".into(),
            incoming: "2024-01-02".into()
        }
    );
}

#[test]
fn latest_wins_orders_naive_values_among_themselves() {
    // A date-only value is midnight.
    let decision = decide(LockPolicy::LatestWins, json!({K: "2024-01-02"}), json!({K: "2024-01-01T23:59:59"}), false);
    assert_eq!(decision.unwrap(), LockDecision::Skip);
    let decision = decide(LockPolicy::LatestWins, json!({K: "2024-01-02"}), json!({K: "2024-01-02T00:00:00"}), false);
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
