//! The one error type of daplug, and the per-operation reasons of a cancelled transaction it carries.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

use crate::codec::item::Item;
use crate::cursor::error::CursorError;
use crate::failure::{AwsErrorKind, Repeat};

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

    /// A stored item of a family (a model read as a discriminated union) whose tag names no entity
    /// type the union knows (written by a newer service, say), or, read by one variant's own
    /// repository, names another variant. Nothing is guessed: the item is handed back as stored
    /// (prefixes left on).
    #[error("{schema}: the stored item's `{tag}` ({}) names no entity type {schema} reads", value.as_deref().map_or_else(|| "missing".to_owned(), |v| format!("`{v}`")))]
    UnknownTag {
        /// The family's (union's) schema name.
        schema: &'static str,
        /// The tag attribute.
        tag: &'static str,
        /// The tag's value (`None`: the item has no string tag).
        value: Option<String>,
        /// The item as stored.
        item: Box<Item>,
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

    /// An update in one request ([`Update::in_one_request`](crate::ops::Update::in_one_request))
    /// cannot express this part of the patch without the stored item: a list or set under
    /// [`ListOp::Add`](crate::ops::ListOp::Add) or [`ListOp::Remove`](crate::ops::ListOp::Remove)
    /// (the merge compares elements with the stored ones), a latest-wins timestamp in a form that does
    /// not compare as text, or, found when the service refused the request, a map the patch descends
    /// into that is not stored (the merge would have set it whole). Nothing was written. The
    /// read-merge-write [`update`](crate::Repository::update) (without `in_one_request`) handles it.
    #[error("`{path}`: {reason}; this update needs the stored item (send it without `in_one_request`)")]
    NeedsStoredItem {
        /// Path of the part of the patch at fault (`profile.address`).
        path: String,
        /// Why the stored item is needed.
        reason: String,
    },

    /// An update in one request was **written**, but the item DynamoDB returned does not decode as
    /// the model (the patch gave an attribute a value of the wrong type: the one-request update has
    /// no stored item to validate the patch with). The item stays written; no event was published.
    /// `item` is the item as stored (unprefixed), `path` and `message` say what did not decode.
    #[error("{schema}: written to `{table}`, but the written item does not decode at `{path}`: {message}")]
    WrittenButUnreadable {
        /// Table name.
        table: String,
        /// Schema (model) name.
        schema: &'static str,
        /// Path of the attribute that did not decode.
        path: String,
        /// What was wrong.
        message: String,
        /// The item as written (unprefixed).
        item: Box<Item>,
    },

    /// A `Query` filter names a key attribute of the table or index queried, which DynamoDB refuses
    /// ("Filter Expression can only contain non-primary key attributes"): a condition on a key
    /// attribute belongs in the key condition (`key_eq`, `key_begins_with`, `key_between`, `key`).
    /// Found while planning: nothing was sent. Scans may filter on key attributes.
    #[error("a query filter cannot name `{attribute}`, a key attribute of {}; put it in the key condition", index.as_deref().map_or_else(|| "the table".to_owned(), |i| format!("index `{i}`")))]
    KeyInFilter {
        /// The key attribute the filter names.
        attribute: String,
        /// The index queried (`None` for the table).
        index: Option<String>,
    },

    /// A page cursor handed to [`start_from_cursor`](crate::ops::Query::start_from_cursor) was
    /// refused: malformed, minted for another table, index or context, not authentic, or not a start
    /// key of what is read (see [`cursor`](crate::cursor)). Nothing was sent.
    #[error("invalid page cursor: {0}")]
    Cursor(#[from] CursorError),

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

    /// A batch call ran out of retries; `leftovers` are exactly the requests that were not confirmed
    /// (items for puts, keys for deletes), unprefixed. Re-sending them is safe: batch puts and deletes
    /// are idempotent.
    #[error("batch incomplete: {} request(s) not processed after retries ({} of them maybe applied)", leftovers.len(), outcome_unknown.len())]
    BatchIncomplete {
        /// The requests not confirmed: those the service left unprocessed, and those of chunks whose
        /// last attempt failed.
        leftovers: Vec<Item>,
        /// The part of `leftovers` whose last attempt ended in a failure that may have been applied (a
        /// timeout, a dropped connection, a 5xx): each may or may not be in the table (no event was
        /// published for them). The others were certainly not applied.
        outcome_unknown: Vec<Item>,
    },

    /// A batch call stopped on an error that retrying cannot fix (a rejected request, or events that
    /// could not be published). `leftovers` are exactly the requests that were not applied (items for
    /// puts, keys for deletes), unprefixed; everything else was written.
    #[error("batch stopped with {} request(s) not processed: {source}", leftovers.len())]
    BatchAborted {
        /// The unapplied items or keys.
        leftovers: Vec<Item>,
        /// The part of `leftovers` an earlier, unanswered attempt may have applied (see
        /// [`Error::BatchIncomplete`]).
        outcome_unknown: Vec<Item>,
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

    /// A retry of this call found the item gone: an earlier attempt of the same call (whose answer
    /// was lost, e.g. to a dropped connection) may have deleted it, or it was already absent. The
    /// item is not in the table; what it was, and whether this call deleted it, is unknown, and no
    /// event was published.
    #[error(
        "{operation} on `{table}`: the item is gone, but whether this call's earlier attempt deleted it is unknown"
    )]
    OutcomeUnknown {
        /// Table name.
        table: String,
        /// The API operation (`DeleteItem`).
        operation: &'static str,
        /// Key of the item (unprefixed).
        key: Item,
    },

    /// DynamoDB returned an error, or the call failed on its way there. `kind` says how, and so
    /// whether the request may have been applied ([`Error::maybe_written`]); `repeat` what sending
    /// it again would do ([`Error::is_retryable`]). Shown as one line: the operation, what happened
    /// (`ValidationException: ...`, `timed out`, `connection closed`, `unreadable answer (HTTP
    /// 200)`) and, for a write that may have been applied, that it may have happened.
    #[error("DynamoDB {operation} failed: {detail}{}", may_have_happened(kind, *repeat))]
    DynamoDb {
        /// The API operation (`PutItem`, `Query`, ...).
        operation: &'static str,
        /// How the call failed.
        kind: AwsErrorKind,
        /// What re-sending the request would do (a read, an idempotent write, or one that must not
        /// be applied twice).
        repeat: Repeat,
        /// The service's code and message (`ValidationException: Item size has exceeded the maximum
        /// allowed size`), or what happened to a call without a readable answer (`timed out`,
        /// `connection closed: ...`, `unreadable answer (HTTP 200)`).
        detail: String,
        /// The SDK error (`SdkError<PutItemError, HttpResponse>`, ...), with the raw response when
        /// one arrived (`SdkError::raw_response`): downcast it to read the service's answer.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    /// The DynamoDB service error code (`ValidationException`, ...), when the error came from DynamoDB.
    pub fn aws_code(&self) -> Option<&str> {
        match self {
            Error::DynamoDb { kind, .. } => kind.code(),
            _ => None,
        }
    }

    /// Whether the same call is worth making again as it is: a DynamoDB call that was throttled
    /// (certainly not applied), or that timed out, lost its connection, got an unreadable answer or
    /// a 5xx ([`AwsErrorKind::is_retryable`]) when re-sending it cannot apply it twice
    /// ([`Repeat::Idempotent`], or a read). A write that may have been applied and is not
    /// idempotent ([`Repeat::NotIdempotent`]: an increment, an insert, a version-conditioned put) is
    /// not retryable: check the item first. Everything else fails the same way again (validation, a
    /// missing table, an existing key), or needs a new decision first ([`Error::Conflict`]: read the
    /// item again).
    ///
    /// A retry of a write that [`maybe_written`](Self::maybe_written) is not recognised as the same
    /// write: an insert whose first call was applied fails with [`Error::AlreadyExists`] (its
    /// `key` then holds the caller's item). Within one call, retries are recognised (see the README's
    /// Reliability section).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::DynamoDb { kind, repeat, .. } => {
                kind.is_retryable() && (!kind.maybe_applied() || *repeat != Repeat::NotIdempotent)
            }
            _ => false,
        }
    }

    /// Whether the write this error reports on may have been applied. `false` means certainly not
    /// (refused by daplug before sending, or by the service). `true` for a DynamoDB call that failed
    /// without a definite answer (timeout, dropped connection, unreadable response, 5xx:
    /// [`AwsErrorKind::maybe_applied`]), for [`Error::Publish`] (written, the event was lost), for
    /// [`Error::OutcomeUnknown`], for [`Error::WrittenButUnreadable`] (certainly written), and for a
    /// batch whose leftovers include requests whose outcome is unknown
    /// (`BatchIncomplete::outcome_unknown`; the batch's other requests are written or listed as not
    /// applied).
    pub fn maybe_written(&self) -> bool {
        match self {
            Error::DynamoDb { kind, .. } => kind.maybe_applied(),
            Error::Publish { .. } | Error::OutcomeUnknown { .. } | Error::WrittenButUnreadable { .. } => true,
            Error::BatchIncomplete { outcome_unknown, .. } => !outcome_unknown.is_empty(),
            Error::BatchAborted { source, .. } => source.maybe_written(),
            _ => false,
        }
    }

    /// [`Error::DynamoDb`] from an SDK error of `operation`, keeping its kind, the service's message
    /// and the SDK error itself (with its raw response); `repeat` is what re-sending would do.
    pub(crate) fn dynamodb<E>(operation: &'static str, repeat: Repeat, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let kind = AwsErrorKind::of(&err);
        let detail = crate::failure::describe(&kind, &err);
        Error::DynamoDb { operation, kind, repeat, detail, source: Box::new(err) }
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

/// The end of a [`Error::DynamoDb`] line: whether the write may have happened.
fn may_have_happened(kind: &AwsErrorKind, repeat: Repeat) -> &'static str {
    match (repeat, kind.maybe_applied()) {
        (Repeat::Read, _) | (_, false) => "",
        _ => "; the write may have happened",
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
