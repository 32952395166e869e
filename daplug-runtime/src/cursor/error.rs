//! [`CursorError`]: why a page cursor was refused. Reported as
//! [`Error::Cursor`](crate::Error::Cursor), always before any request is sent.

/// Why a page cursor handed back by a client was refused. Nothing was sent.
///
/// A cursor is refused when it is not a token daplug minted ([`Malformed`](Self::Malformed)), when
/// it was minted for another table or index, when its authentication fails, or when the key it holds
/// is not a start key of what is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CursorError {
    /// The text is not a cursor: not URL-safe base64, an unknown version, cut short, trailing bytes,
    /// an attribute repeated or out of order, an empty or invalid value.
    #[error("malformed cursor: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The cursor was minted for another table.
    #[error("the cursor was minted for another table")]
    WrongTable,

    /// The cursor was minted for another index (or for the table, when an index is read, or the
    /// other way round).
    #[error("the cursor was minted for another index or for the table itself")]
    WrongIndex,

    /// The repository authenticates cursors (it has a cursor key) and this one carries no tag.
    #[error("the cursor is not signed, and this repository accepts signed cursors only")]
    Unsigned,

    /// The cursor's tag does not verify under any of the repository's cursor keys: it was altered,
    /// forged, signed with a key no longer accepted, or minted for another cursor context (another
    /// tenant's request).
    #[error("the cursor's signature does not verify (altered, forged, another context or a retired key)")]
    BadSignature,

    /// The cursor lacks a key attribute of the table or index read.
    #[error("the cursor lacks the key attribute `{attribute}`")]
    MissingKeyAttribute {
        /// The missing attribute.
        attribute: String,
    },

    /// The cursor holds an attribute that is not a key attribute of the table or index read.
    #[error("the cursor holds `{attribute}`, which is not a key attribute of what is read")]
    UnexpectedAttribute {
        /// The attribute that does not belong.
        attribute: String,
    },

    /// A key attribute of the cursor has another type than the model declares for it.
    #[error("the cursor's `{attribute}` is not of the key type `{expected}`")]
    WrongKeyType {
        /// The attribute.
        attribute: String,
        /// The declared type (`S`, `N` or `B`).
        expected: &'static str,
    },

    /// A query's cursor starts in another partition than the one the query's key condition names. A
    /// start key must be a `LastEvaluatedKey` of the same query (API reference, `Query`,
    /// `ExclusiveStartKey`), so it lies in the partition queried.
    #[error("the cursor starts outside the partition the query names (`{attribute}`)")]
    OutsidePartition {
        /// The partition key attribute.
        attribute: String,
    },
}
