//! daplug-ddb parity shims: the dispatching forms of its API ([`Repository::create`] with a
//! [`WriteMode`], [`Repository::read`] with a [`Read`]). New code can call the operations directly.
//!
//! [`Repository::create`]: crate::Repository::create
//! [`Repository::read`]: crate::Repository::read

use std::fmt;

use crate::model::Model;
use crate::ops::{Query, Scan};

pub use crate::ops::put::{Create, WriteMode};

/// A read for [`Repository::read`](crate::Repository::read).
pub enum Read<M: Model> {
    /// `GetItem` by key.
    Get(M::Key),
    /// One page of a query.
    Query(Query<M>),
    /// One page of a scan.
    Scan(Scan<M>),
}

impl<M: Model> fmt::Debug for Read<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Read::Get(_) => f.debug_tuple("Get").finish_non_exhaustive(),
            Read::Query(query) => f.debug_tuple("Query").field(query).finish(),
            Read::Scan(scan) => f.debug_tuple("Scan").field(scan).finish(),
        }
    }
}
