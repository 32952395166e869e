//! Why a locked write cannot proceed ([`LockError`]), and how daplug reports it.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::value::Shown;
use crate::error::Error;

/// Which of the two items a lock error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum LockSide {
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
pub(crate) enum LockError {
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
    #[error("lock attribute `{attribute}`: the {side} value {} is not an RFC 3339 date or date-time", Shown(value))]
    NotATimestamp {
        /// The lock attribute.
        attribute: String,
        /// Which item holds the value.
        side: LockSide,
        /// The value.
        value: AttributeValue,
    },
    /// One timestamp has a UTC offset and the other does not, so they cannot be ordered.
    #[error(
        "lock attribute `{attribute}`: cannot order {} (stored) against {} (incoming): only one has a UTC offset",
        Shown(&AttributeValue::S(stored.clone())),
        Shown(&AttributeValue::S(incoming.clone()))
    )]
    MixedOffsets {
        /// The lock attribute.
        attribute: String,
        /// The stored value.
        stored: String,
        /// The incoming value.
        incoming: String,
    },
    /// A [`LockPolicy::Version`] value is not an integer.
    #[error("lock attribute `{attribute}`: the {side} value {} is not an integer version", Shown(value))]
    NotAVersion {
        /// The lock attribute.
        attribute: String,
        /// Which item holds the value.
        side: LockSide,
        /// The value.
        value: AttributeValue,
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
    pub(crate) fn attribute(&self) -> &str {
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
    pub(crate) fn is_conflict(&self) -> bool {
        matches!(self, LockError::VersionMismatch { .. })
    }

    /// The error as daplug reports a bad lock value: [`Error::Validation`] at the lock attribute.
    pub(crate) fn into_validation(self, schema: &'static str) -> Error {
        Error::Validation { schema, path: self.attribute().to_owned(), message: self.to_string() }
    }
}
