//! The path to a value inside an item, collected innermost first while an error travels back up
//! (each map and list adds its key or index on the way out, so nothing is tracked until something
//! fails), and rendered as the path tracker renders its paths: `line_items[1].qty`, `.` for the
//! value itself.

/// One step of the path to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A map key or a struct field.
    Key(String),
    /// A list or set element.
    Index(usize),
    /// A map key that did not read as a string (rendered `?`).
    Unknown,
}

/// `a.b[0].c` from steps innermost first; `.` when there are none.
pub(crate) fn render(steps: &[Step]) -> String {
    if steps.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for (i, step) in steps.iter().rev().enumerate() {
        let sep = if i == 0 { "" } else { "." };
        match step {
            Step::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
            Step::Key(key) => {
                out.push_str(sep);
                out.push_str(key);
            }
            Step::Unknown => {
                out.push_str(sep);
                out.push('?');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_innermost_last() {
        let steps = [Step::Key("qty".into()), Step::Index(1), Step::Key("line_items".into())];
        assert_eq!(render(&steps), "line_items[1].qty");
        assert_eq!(render(&[Step::Index(0), Step::Unknown, Step::Key("m".into())]), "m.?[0]");
        assert_eq!(render(&[]), ".");
    }
}
