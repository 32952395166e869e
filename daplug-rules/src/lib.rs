//! The constraints an OpenAPI schema puts on a value beyond its type (JSON Schema's validation
//! keywords: `minimum`, `maxLength`, `pattern`, `format`, `minItems`, …) and their checks, in one
//! place for the two that check them: `daplug-runtime` on the values it reads and writes, and
//! `daplug-macros`' `payload!` on a literal while compiling. Both give the same verdict and the
//! same message for the same value.
//!
//! Also DynamoDB's number text (`number`), which the constraints compare numbers by (exactly, as
//! decimal text: `0.1` is not rounded through a float) and which the runtime's `Decimal`, storage
//! checks and update merge share.
//!
//! Pure: no I/O, no allocation on the path of a value that passes, except where a pattern is
//! compiled (once per pattern and process).
#![warn(missing_docs)]

pub mod check;
pub mod format;
pub mod number;
pub mod pattern;

pub use check::Bound;
pub use format::Format;
