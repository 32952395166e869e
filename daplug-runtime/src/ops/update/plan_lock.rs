//! The lock of an update in one request, in the same request: its guards and the version it
//! writes, under each policy (documented on [`OneRequestUpdate`](super::OneRequestUpdate)).

use aws_sdk_dynamodb::types::AttributeValue;

use super::guard::{needs_stored, Guard};
use super::plan::{Plan, Request};
use crate::attr::AttrPath;
use crate::error::{Error, Result};
use crate::expr::update::Action;
use crate::lock::{as_version, LockError, LockPolicy, LockSide};
use crate::timestamp::parse_timestamp;

impl Plan {
    /// The lock in force, in the same request.
    pub(super) fn lock(&mut self, request: &Request<'_>) -> Result<()> {
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
                    (None, Some(expected)) => Some((version_of(expected, attribute, schema)?, false)),
                    (None, None) => None,
                };
                match named {
                    Some((read, in_patch)) => {
                        if in_patch {
                            let value = number(read);
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
                        let err = LockError::NotATimestamp {
                            attribute: attribute.to_owned(),
                            side: LockSide::Incoming,
                            value: other.clone(),
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
                        value: AttributeValue::S(incoming),
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
}

fn number(n: i64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

/// The version a value names (an integer), or the lock error the merge reports for it.
fn version_of(value: &AttributeValue, attribute: &str, schema: &'static str) -> Result<i64> {
    as_version(value).ok_or_else(|| {
        LockError::NotAVersion { attribute: attribute.to_owned(), side: LockSide::Incoming, value: value.clone() }
            .into_validation(schema)
    })
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
