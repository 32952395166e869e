//! [`EventError`]: why an inbound event could not be decoded.

use super::super::sink::Operation;
use crate::error::Error;

/// Why a delivered event could not be decoded into an [`Event`](crate::events::Event). Nothing
/// panics on bad input: every refusal is one of these, with the place at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The delivery itself is not what its source promises: an SQS body that is not an SNS
    /// notification envelope, a missing `Message`, an attribute without a value. `path` is the JSON
    /// path inside the envelope (`MessageAttributes.operation.Value`; `.` for the whole envelope).
    #[error("malformed delivery at `{path}`: {message}")]
    Malformed {
        /// JSON path of the value at fault inside the envelope or record.
        path: String,
        /// What was wrong.
        message: String,
    },

    /// The `schema` message attribute names another schema than the model's: the event is about
    /// another model (a topic shared by several models delivers it to every subscriber).
    #[error("the event is about schema `{found}`, not `{expected}`")]
    OtherSchema {
        /// The model's schema name.
        expected: &'static str,
        /// The schema the event names.
        found: String,
    },

    /// The `operation` message attribute names no daplug operation.
    #[error(
        "unknown operation `{found}` (expected one of insert, overwrite, update, delete, batch_insert, batch_delete)"
    )]
    UnknownOperation {
        /// The attribute's value.
        found: String,
    },

    /// A message attribute of a data type other than `String` or `Number` (`Binary`): daplug's
    /// events carry only those two.
    #[error("message attribute `{name}` has data type `{data_type}` (expected String or Number)")]
    UnsupportedAttribute {
        /// The attribute's name.
        name: String,
        /// Its data type.
        data_type: String,
    },

    /// The body does not decode as the model (or, for a deleted item's key, as the model's key):
    /// `source` is an [`Error::Validation`] naming the JSON path inside the body (`.` for malformed
    /// JSON).
    #[error("the body of {}: {source}", described(*operation))]
    Body {
        /// The event's operation, when it carried one.
        operation: Option<Operation>,
        /// The validation error, with the path inside the body (boxed: an `EventError` stays
        /// small enough to return by value).
        source: Box<Error>,
    },
}

/// `an \`insert\` event`, or `the event` when it carried no operation.
fn described(operation: Option<Operation>) -> String {
    match operation {
        Some(operation) => format!("an `{operation}` event"),
        None => "the event".to_owned(),
    }
}
