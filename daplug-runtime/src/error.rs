//! The one error type of daplug, and the per-operation reasons of a cancelled transaction it carries.

use crate::item::Item;

/// Result alias used throughout daplug.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a daplug call.
///
/// Variants carry enough context to act on: the key that already exists, the item currently stored
/// after a lost race, the JSON path of a bad value, the items a batch could not write.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The adapter or a request was configured wrongly (missing table name, hash key, a batch size out
    /// of range, ...). Nothing was sent.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// The AWS SDK refused to build a request (a required field was missing). Nothing was sent.
    #[error("cannot build the {operation} request: {message}")]
    RequestBuild {
        /// The API operation or request part (`TransactWriteItems`, `CreateTable`, ...).
        operation: &'static str,
        /// The SDK's message.
        message: String,
    },

    /// Waiting for the service ran out of time (a created table did not become active).
    #[error("timed out waiting for `{table}`: {what}")]
    Timeout {
        /// Table name.
        table: String,
        /// What was awaited.
        what: &'static str,
    },

    /// A value did not match the model; `path` is the JSON path of the offending value (`.` for the
    /// root). Nothing was written.
    #[error("{schema}: invalid value at `{path}`: {message}")]
    Validation {
        /// Schema (model) name.
        schema: &'static str,
        /// JSON path of the offending value (`line_items[1].qty`).
        path: String,
        /// What was wrong.
        message: String,
    },

    /// A model or key could not be turned into a DynamoDB item. Nothing was written.
    #[error("{schema}: cannot convert to a DynamoDB item: {message}")]
    Serialize {
        /// Schema (model) name.
        schema: &'static str,
        /// What was wrong.
        message: String,
    },

    /// An item or key lacks a key attribute, or has one of the wrong type. Nothing was sent.
    #[error("key attribute `{attribute}`: {message}")]
    InvalidKey {
        /// The key attribute at fault.
        attribute: String,
        /// What was wrong.
        message: String,
    },

    /// `insert` found an item with the same primary key; nothing was changed or published.
    #[error("an item with this key already exists in `{table}`")]
    AlreadyExists {
        /// Table name.
        table: String,
        /// Key of the existing item (unprefixed).
        key: Item,
    },

    /// The item to update does not exist.
    #[error("no item found to update in `{table}`")]
    NotFound {
        /// Table name.
        table: String,
    },

    /// An update by query matched more than one item and `first_match` was not set. Nothing written.
    #[error("update matched {matches} items; narrow the query or call `first_match(true)`")]
    AmbiguousUpdate {
        /// Items on the first page of the query.
        matches: usize,
    },

    /// A conditional write lost a race (locking). `current` is the item stored at the time of the
    /// failed write (unprefixed), taken from the failed write itself when the service returns it.
    #[error("conditional write on `{table}` failed: the item changed since it was read")]
    Conflict {
        /// Table name.
        table: String,
        /// The item as stored when the write was refused (`None` if it no longer exists).
        current: Option<Box<Item>>,
    },

    /// The write happened but its event (or, for batches and transactions, some of their events)
    /// could not be published; the write is not rolled back.
    #[error("written, but {} event(s) not published: {source}", written.len())]
    Publish {
        /// The items whose events were not published, as stored (unprefixed): one for a single
        /// write, one per failed event for batches and transactions.
        written: Vec<serde_json::Value>,
        /// Why publishing failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The event for this write would break the adapter's publish contract (required payload keys or
    /// message attributes missing). Checked before the write: nothing was written.
    #[error("event contract not met: missing payload keys {missing_payload_keys:?}, missing attributes {missing_attributes:?}")]
    PublishContract {
        /// Required top-level keys absent from the event body.
        missing_payload_keys: Vec<String>,
        /// Required message attributes absent from the event.
        missing_attributes: Vec<String>,
    },

    /// A batch call ran out of retries; `leftovers` are exactly the requests that were not applied
    /// (items for puts, keys for deletes), unprefixed.
    #[error("batch incomplete: {} request(s) not processed after retries", leftovers.len())]
    BatchIncomplete {
        /// The unapplied items or keys.
        leftovers: Vec<Item>,
    },

    /// A batch call stopped on an error that retrying cannot fix (a rejected request, or events that
    /// could not be published). `leftovers` are exactly the requests that were not applied (items for
    /// puts, keys for deletes), unprefixed; everything else was written.
    #[error("batch stopped with {} request(s) not processed: {source}", leftovers.len())]
    BatchAborted {
        /// The unapplied items or keys.
        leftovers: Vec<Item>,
        /// What stopped the batch.
        #[source]
        source: Box<Error>,
    },

    /// Two requests of one batch or transaction name the same primary key (DynamoDB rejects such a
    /// request). Nothing was sent.
    #[error("duplicate key in one request to `{table}`")]
    DuplicateKey {
        /// Table name.
        table: String,
        /// The repeated key (unprefixed).
        key: Item,
    },

    /// `TransactWriteItems` was cancelled: nothing was written and nothing published. `reasons` has one
    /// entry per operation, in the order they were added; those with
    /// [`is_failure`](CancellationReason::is_failure) caused the cancellation.
    #[error("transaction cancelled: {}", summary(reasons))]
    TransactionCanceled {
        /// Per-operation outcome.
        reasons: Vec<CancellationReason>,
    },

    /// DynamoDB returned an error.
    #[error("DynamoDB {operation} failed: {source}")]
    DynamoDb {
        /// The API operation (`PutItem`, `Query`, ...).
        operation: &'static str,
        /// The SDK error, with its service error code.
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },
}

impl Error {
    /// The DynamoDB service error code (`ValidationException`, ...), when the error came from DynamoDB.
    pub fn aws_code(&self) -> Option<&str> {
        use aws_sdk_dynamodb::error::ProvideErrorMetadata;
        match self {
            Error::DynamoDb { source, .. } => source.code(),
            _ => None,
        }
    }

    pub(crate) fn dynamodb<E>(operation: &'static str, err: E) -> Self
    where
        aws_sdk_dynamodb::Error: From<E>,
    {
        Error::DynamoDb { operation, source: Box::new(aws_sdk_dynamodb::Error::from(err)) }
    }

    /// [`Error::Serialize`] for `schema`, from any conversion error.
    pub(crate) fn serialize(schema: &'static str, err: impl std::fmt::Display) -> Self {
        Error::Serialize { schema, message: err.to_string() }
    }

    /// [`Error::RequestBuild`] for `operation`, from an SDK builder error.
    pub(crate) fn build(operation: &'static str) -> impl FnOnce(aws_sdk_dynamodb::error::BuildError) -> Self {
        move |err| Error::RequestBuild { operation, message: err.to_string() }
    }
}

/// Why one operation of a cancelled transaction failed, or that it did not (`code` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// Position of the operation in the transaction.
    pub index: usize,
    /// Table of the operation.
    pub table: String,
    /// Primary key of the operation (unprefixed).
    pub key: Item,
    /// The service's code when this operation caused the cancellation (`ConditionalCheckFailed`,
    /// `TransactionConflict`, `ValidationError`, ...); `None` when it was fine.
    pub code: Option<String>,
    /// The service's message, if any.
    pub message: Option<String>,
    /// The item as stored when its condition failed (prefixes stripped), when the service returns it.
    pub item: Option<Item>,
}

impl CancellationReason {
    /// Whether this operation caused the cancellation.
    pub fn is_failure(&self) -> bool {
        self.code.is_some()
    }
}

/// `#1 ConditionalCheckFailed on orders, #3 TransactionConflict on stock`.
fn summary(reasons: &[CancellationReason]) -> String {
    let failed: Vec<String> = reasons
        .iter()
        .filter_map(|reason| reason.code.as_ref().map(|code| format!("#{} {code} on {}", reason.index, reason.table)))
        .collect();
    if failed.is_empty() {
        "no reasons given".to_owned()
    } else {
        failed.join(", ")
    }
}
