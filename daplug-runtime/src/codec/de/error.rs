//! [`DeError`]: why a value could not be read, and where.

use std::fmt;

use serde::de;

use crate::codec::limits::{self, MAX_DEPTH};
use crate::codec::path::{render, Step};

/// Why a value could not be read, and where: serde_dynamo's messages, with the path of the value at
/// fault (collected innermost first while the error travels back up). Boxed, so that a `Result` of
/// a small value stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError(Box<DeErrorInner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct DeErrorInner {
    message: String,
    /// Innermost first.
    path: Vec<Step>,
}

impl DeError {
    pub(crate) fn at(mut self, step: Step) -> Self {
        self.0.path.push(step);
        self
    }

    /// `a.b[0].c`; `.` for the value itself (the path tracker's format).
    pub(crate) fn path(&self) -> String {
        render(&self.0.path)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DeError(Box::new(DeErrorInner { message: message.to_string(), path: Vec::new() }))
    }
}

pub(super) type Result<T> = std::result::Result<T, DeError>;

pub(super) fn error(message: impl fmt::Display) -> DeError {
    <DeError as de::Error>::custom(message)
}

/// A nested value below the limit, or the tracker's error.
#[inline]
pub(crate) fn nested(depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

#[cold]
fn too_deep() -> DeError {
    error(limits::too_deep())
}
