//! # daplug — schema-driven DynamoDB access
//!
//! Typed models generated at compile time from an OpenAPI file (`schema!`) or derived from
//! hand-written structs (`#[derive(DaplugModel)]`), and a generic [`Repository`] per model with
//! conditional inserts, reads that follow pages as streams, key prefixing, optimistic locking and an
//! event after every successful write.
//!
//! See the README for a tour; every operation lives on [`Repository`].
#![warn(missing_docs)]

mod batch;
mod call;
mod cond;
mod config;
mod error;
mod events;
mod expr;
mod lock;
mod merge;
mod model;
mod path;
mod prefix;
mod read;
mod repo;
mod retry;
mod table;
mod timestamp;
mod transact;
mod update;
mod write;

pub use batch::{
    BatchGet, BatchProgress, BatchSummary, BatchWrite, BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, DEFAULT_CONCURRENCY,
};
pub use cond::Condition;
pub use config::{Adapter, AdapterBuilder, KeyConfig};
pub use error::{Error, Result};
pub use events::{
    to_python_json, Event, EventSink, FailedEvent, MessageAttribute, Operation, PublishBatchError, SinkError, SnsSink,
    SNS_BATCH_LIMIT,
};
pub use lock::{LockCondition, LockDecision, LockError, LockPolicy, LockSide};
pub use merge::{merge, ListOp, MapOp, MergeError, MergeOptions};
pub use model::{IndexMeta, Item, KeyAttribute, KeyType, Model, ModelMeta};
pub use prefix::Prefixes;
pub use read::{Page, Query, Scan};
pub use repo::{Create, Delete, Get, Insert, Overwrite, Read, Repository, WriteMode};
pub use retry::{backoff_ceiling, full_jitter, JitterFn, RetryPolicy, SleepFn};
pub use table::Drift;
pub use transact::{CancellationReason, TransactWrite, TRANSACTION_LIMIT};
pub use update::{Update, UpdateOutcome};

pub use daplug_macros::{payload, schema, DaplugModel};

/// The AWS SDK crates daplug is built on, for callers who need raw types (clients, `AttributeValue`).
pub mod aws {
    pub use aws_config;
    pub use aws_sdk_dynamodb as dynamodb;
    pub use aws_sdk_sns as sns;
}

/// Paths used by generated code. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_dynamo;
    pub use serde_json;
    pub use std;
}
