//! [`ChangeError`]: why a stream record could not be decoded.

use super::{ChangeKind, Image, ViewType};
use crate::error::Error;

/// Why a DynamoDB Streams record could not be decoded into a [`Change`](super::Change), or an
/// image asked of a change is not there.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeError {
    /// The record lacks a part every record has (`dynamodb`, `Keys`), or has one DynamoDB does not
    /// define (an event name other than `INSERT` / `MODIFY` / `REMOVE`, an unknown view type or
    /// attribute type). `path` names the part (`eventName`, `dynamodb.Keys`).
    #[error("malformed stream record at `{path}`: {message}")]
    Malformed {
        /// The part of the record at fault.
        path: String,
        /// What was wrong.
        message: String,
    },

    /// The record's view type includes an image its change has, but the record does not carry it.
    #[error("the {change} record has no {image}, though its stream's view type is {view_type}")]
    MissingImage {
        /// The change.
        change: ChangeKind,
        /// The image the view type promises.
        image: Image,
        /// The stream's view type.
        view_type: ViewType,
    },

    /// An image was asked of a change whose record does not carry it: the stream's view type lacks
    /// it (`KEYS_ONLY`, or `NEW_IMAGE` for an old image), or the change has none (an insert has no
    /// old image, a remove no new one).
    #[error("the {change} record carries no {image} (its stream's view type or its change lacks it)")]
    NoImage {
        /// The change.
        change: ChangeKind,
        /// The image asked for.
        image: Image,
    },

    /// The keys or an image do not decode as the model's key or the model: `source` is an
    /// [`Error::Validation`] naming the attribute path inside it.
    #[error("the {} of the {change} record: {source}", image.map_or("keys".to_owned(), |image| image.to_string()))]
    Decode {
        /// The change.
        change: ChangeKind,
        /// The image at fault; `None` for the keys.
        image: Option<Image>,
        /// The validation error, with the attribute path (boxed: a `ChangeError` stays small
        /// enough to return by value).
        source: Box<Error>,
    },
}
