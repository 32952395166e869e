//! The path to a value inside an item, one type for every path the crate names: the steps an
//! error collects innermost first on its way back up (each map and list adds its key or index on
//! the way out, so nothing is tracked until something fails), and the steps of an [`AttrPath`]
//! (`crate::AttrPath`) below its top-level attribute. One renderer writes both:
//! `line_items[1].qty`, `.` for the value itself.

use std::borrow::Cow;
use std::fmt;

/// One step of the path to a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Step {
    /// A map key or a struct field.
    Key(Cow<'static, str>),
    /// A list or set element.
    Index(usize),
    /// A map key that did not read as a string (rendered `?`).
    Unknown,
}

impl Step {
    /// The step of an owned key.
    pub(crate) fn key(key: impl Into<Cow<'static, str>>) -> Self {
        Step::Key(key.into())
    }
}

/// Writes one step; `first` when nothing precedes it (no `.` before a key).
fn write_step(out: &mut impl fmt::Write, step: &Step, first: bool) -> fmt::Result {
    let sep = if first { "" } else { "." };
    match step {
        Step::Index(index) => write!(out, "[{index}]"),
        Step::Key(key) => write!(out, "{sep}{key}"),
        Step::Unknown => write!(out, "{sep}?"),
    }
}

/// `a.b[0].c` from steps innermost first (as an error collects them); `.` when there are none.
pub(crate) fn render(steps: &[Step]) -> String {
    if steps.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for (i, step) in steps.iter().rev().enumerate() {
        // Writing to a String cannot fail.
        let _ = write_step(&mut out, step, i == 0);
    }
    out
}

/// Writes `top` and the steps below it, outermost first (`customer.email`, `line_items[0]`).
pub(crate) fn write_below(out: &mut impl fmt::Write, top: &str, steps: &[Step]) -> fmt::Result {
    out.write_str(top)?;
    steps.iter().try_for_each(|step| write_step(out, step, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_innermost_last() {
        let steps = [Step::key("qty"), Step::Index(1), Step::key("line_items")];
        assert_eq!(render(&steps), "line_items[1].qty");
        assert_eq!(render(&[Step::Index(0), Step::Unknown, Step::key("m")]), "m.?[0]");
        assert_eq!(render(&[]), ".");
        let mut below = String::new();
        write_below(&mut below, "line_items", &[Step::Index(1), Step::key("qty")]).unwrap();
        assert_eq!(below, "line_items[1].qty");
    }
}
