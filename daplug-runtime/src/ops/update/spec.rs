//! What both kinds of update share, held once: [`UpdateSpec`] (the settings), [`LockChoice`] and
//! [`UpdateOutcome`].

use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;

use super::changes::{ListOp, MapOp};
use crate::adapter::Repository;
use crate::error::{Error, Result};
use crate::expr::Converted;
use crate::lock::{LockConfig, LockPolicy};
use crate::model::Model;
use crate::ops::options::{EventOptions, KeyOptions};

/// What an update did, for callers that want to inspect rather than get errors
/// ([`Update::outcome`](crate::ops::Update::outcome), [`OneRequestUpdate::outcome`](crate::ops::OneRequestUpdate::outcome)).
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOutcome<M> {
    /// The merged item was written (and its event published).
    Written(M),
    /// Latest-wins: the stored item is newer than the update; nothing was written or published.
    Stale(M),
    /// The item changed (or was deleted) between the read and the write; nothing was written.
    /// `current` is the stored item at the time of the failed write.
    Conflict {
        /// The item as stored when the write was refused (`None` if it was deleted).
        current: Option<M>,
    },
}

/// Which lock applies to this call.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LockChoice {
    Adapter,
    Off,
    Policy(LockPolicy),
}

/// The settings both kinds of update share, held once: the repository, the patch (as an attribute
/// value, or why it could not be converted), how lists and maps of the patch apply, the lock, and
/// the per-call key and event options.
pub(crate) struct UpdateSpec<M: Model> {
    pub(crate) repo: Repository<M>,
    pub(crate) patch: Converted,
    pub(crate) list: ListOp,
    pub(crate) map: MapOp,
    pub(crate) lock: LockChoice,
    pub(crate) require_lock_value: Option<bool>,
    /// The lock value the caller read (`if_lock_value`).
    pub(crate) expected_lock: Option<Converted>,
    pub(crate) keys: KeyOptions,
    pub(crate) events: EventOptions,
}

impl<M: Model> UpdateSpec<M> {
    pub(super) fn new(repo: &Repository<M>, patch: Converted) -> Self {
        UpdateSpec {
            repo: repo.clone(),
            patch: patch.map_err(|err| format!("patch: {err}")),
            list: ListOp::default(),
            map: MapOp::default(),
            lock: LockChoice::Adapter,
            require_lock_value: None,
            expected_lock: None,
            keys: KeyOptions::default(),
            events: EventOptions::default(),
        }
    }

    /// The patch, or the error converting it gave.
    pub(super) fn patch(&self) -> Result<&AttributeValue> {
        let schema = M::META.schema;
        self.patch.as_ref().map_err(|message| Error::Serialize { schema, message: message.clone() })
    }

    /// The lock value the caller read, if any, or the error converting it gave.
    pub(super) fn expected_lock(&self) -> Result<Option<&AttributeValue>> {
        let schema = M::META.schema;
        let expected = self.expected_lock.as_ref().map(|value| value.as_ref());
        expected.transpose().map_err(|message| Error::Serialize { schema, message: format!("lock value: {message}") })
    }

    /// The lock in force for this call.
    pub(super) fn lock(&self) -> Result<Option<LockConfig>> {
        let inner = &self.repo.adapter.inner;
        let mut lock = match (&inner.lock, self.lock) {
            (_, LockChoice::Off) | (None, LockChoice::Adapter) => return Ok(None),
            (Some(lock), LockChoice::Adapter) => lock.clone(),
            (Some(lock), LockChoice::Policy(policy)) => LockConfig { policy, ..lock.clone() },
            (None, LockChoice::Policy(_)) => {
                return Err(Error::Config("a per-call lock policy needs the adapter's idempotence_key".into()))
            }
        };
        if let Some(require) = self.require_lock_value {
            lock.require_existing = require;
        }
        Ok(Some(lock))
    }
}

impl<M: Model> fmt::Debug for UpdateSpec<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateSpec")
            .field("repo", &self.repo)
            .field("patch", &self.patch)
            .field("list", &self.list)
            .field("map", &self.map)
            .field("lock", &self.lock)
            .field("require_lock_value", &self.require_lock_value)
            .field("expected_lock", &self.expected_lock)
            .field("keys", &self.keys)
            .field("events", &self.events)
            .finish()
    }
}
