//! The request types, one file per operation: each is a builder holding its per-call options
//! ([`options`](self)), most with a pure `plan()` producing the SDK request, and `send()` / `.await`.

pub(crate) mod batch;
pub(crate) mod delete;
#[cfg(test)]
mod entity_tests;
pub(crate) mod get;
pub(crate) mod options;
pub(crate) mod put;
pub(crate) mod read;
#[cfg(test)]
pub(crate) mod test_support;
pub(crate) mod transact;
pub(crate) mod update;

pub use crate::error::CancellationReason;
pub use batch::{
    BatchGet, BatchProgress, BatchSummary, BatchWrite, BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, DEFAULT_CONCURRENCY,
};
pub use delete::Delete;
pub use get::Get;
pub use put::{Insert, Overwrite};
pub use read::{Page, Query, Scan};
pub use transact::{TransactWrite, TRANSACTION_LIMIT};
pub use update::{ListOp, MapOp, OneRequestUpdate, Update, UpdateOutcome};
