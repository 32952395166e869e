//! `update`: one update core, two ways to send it. The settings both modes share are one
//! [`UpdateSpec`]; the patch becomes one list of changes (`changes.rs`) that two interpreters
//! apply: the merge (`merge.rs`, behind the read → merge → conditional put of [`Update`],
//! `read_merge_write.rs`) and the update expression (`plan.rs`, `explicit.rs`, `plan_lock.rs`,
//! behind the one `UpdateItem` of [`OneRequestUpdate`], `one_request.rs`), under the guards
//! (`guard.rs`) that make its result the merge's. When a one-request update is refused, its
//! explanation comes from the same rules: the merge's rule for the change at fault, the lock's
//! decision on the returned item.

pub(crate) mod changes;
mod explicit;
mod expression;
mod guard;
pub(crate) mod merge;
mod one_request;
mod plan;
mod plan_lock;
mod read_merge_write;
mod spec;

pub use changes::{ListOp, MapOp};
pub use one_request::OneRequestUpdate;
pub use read_merge_write::Update;
pub use spec::UpdateOutcome;
