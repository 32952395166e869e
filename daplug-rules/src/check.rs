//! One check per kind of value: a number against `minimum` / `maximum` (3.0's boolean
//! `exclusiveMinimum` and 3.1's numeric one both come here as an exclusive [`Bound`]) and
//! `multipleOf`, a string against `minLength` / `maxLength` (in characters, as JSON Schema counts
//! them), `pattern` and `format`, a list's and a map's size. Each returns the message of the first
//! rule the value breaks (`0 is less than the minimum 1`).

use std::cmp::Ordering;

use crate::format::{self, Format};
use crate::number;
use crate::pattern;

/// A bound on a number: its text (exact, as the schema writes it) and whether the bound itself is
/// excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound<'a> {
    /// The bound, as a JSON number (`1`, `0.5`, `1e3`).
    pub value: &'a str,
    /// `exclusiveMinimum` / `exclusiveMaximum`: the bound itself is refused.
    pub exclusive: bool,
}

/// `text` (a number, as written or as stored) against its bounds and `multiple_of`.
pub fn number(
    text: &str,
    minimum: Option<Bound<'_>>,
    maximum: Option<Bound<'_>>,
    multiple_of: Option<&str>,
) -> Result<(), String> {
    if let Some(min) = minimum {
        match (number::cmp(text, min.value), min.exclusive) {
            (Some(Ordering::Less), false) => return Err(format!("{text} is less than the minimum {}", min.value)),
            (Some(Ordering::Less | Ordering::Equal), true) => {
                return Err(format!("{text} is not greater than the exclusive minimum {}", min.value))
            }
            _ => {}
        }
    }
    if let Some(max) = maximum {
        match (number::cmp(text, max.value), max.exclusive) {
            (Some(Ordering::Greater), false) => {
                return Err(format!("{text} is greater than the maximum {}", max.value))
            }
            (Some(Ordering::Greater | Ordering::Equal), true) => {
                return Err(format!("{text} is not less than the exclusive maximum {}", max.value))
            }
            _ => {}
        }
    }
    if let Some(divisor) = multiple_of {
        if number::is_multiple(text, divisor) == Some(false) {
            return Err(format!("{text} is not a multiple of {divisor}"));
        }
    }
    Ok(())
}

/// `text` against its length bounds (in characters: Unicode scalar values, as JSON Schema counts
/// them), `pattern` (ECMA-262, matched anywhere in the text, as JSON Schema has it) and `format`.
pub fn string(
    text: &str,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<&str>,
    format: Option<Format>,
) -> Result<(), String> {
    if min_length.is_some() || max_length.is_some() {
        let length = text.chars().count();
        if let Some(min) = min_length.filter(|min| length < *min) {
            return Err(format!("{} has {length} characters, fewer than the minimum length {min}", quoted(text)));
        }
        if let Some(max) = max_length.filter(|max| length > *max) {
            return Err(format!("{} has {length} characters, more than the maximum length {max}", quoted(text)));
        }
    }
    if let Some(source) = pattern {
        match pattern::is_match(source, text) {
            Ok(true) => {}
            Ok(false) => return Err(format!("{} does not match the pattern `{source}`", quoted(text))),
            Err(err) => return Err(err),
        }
    }
    if let Some(format) = format {
        if !format::matches(format, text) {
            return Err(format!("{} is not a valid {}", quoted(text), format.name()));
        }
    }
    Ok(())
}

/// A list's length against `minItems` / `maxItems`.
pub fn items(count: usize, min_items: Option<usize>, max_items: Option<usize>) -> Result<(), String> {
    if let Some(min) = min_items.filter(|min| count < *min) {
        return Err(format!("{} {}, fewer than the minimum {min}", count, plural(count, "item")));
    }
    if let Some(max) = max_items.filter(|max| count > *max) {
        return Err(format!("{} {}, more than the maximum {max}", count, plural(count, "item")));
    }
    Ok(())
}

/// A map's size against `minProperties` / `maxProperties`.
pub fn properties(count: usize, min: Option<usize>, max: Option<usize>) -> Result<(), String> {
    if let Some(min) = min.filter(|min| count < *min) {
        return Err(format!("{} {}, fewer than the minimum {min}", count, plural(count, "property")));
    }
    if let Some(max) = max.filter(|max| count > *max) {
        return Err(format!("{} {}, more than the maximum {max}", count, plural(count, "property")));
    }
    Ok(())
}

/// The message of `uniqueItems` broken by the items at `first` and `second`.
pub fn duplicate(first: usize, second: usize) -> String {
    format!("items {first} and {second} are equal, and the items must be unique")
}

fn plural(count: usize, word: &str) -> String {
    match (count, word) {
        (1, _) => word.to_owned(),
        (_, "property") => "properties".to_owned(),
        _ => format!("{word}s"),
    }
}

/// A string as JSON writes it, cut short when long (a message names the value, not a page of it).
fn quoted(text: &str) -> String {
    const SHOWN: usize = 40;
    let mut shown: String = text.chars().take(SHOWN).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_least(value: &str) -> Option<Bound<'_>> {
        Some(Bound { value, exclusive: false })
    }

    fn above(value: &str) -> Option<Bound<'_>> {
        Some(Bound { value, exclusive: true })
    }

    #[test]
    fn numbers_just_inside_and_just_outside_their_bounds() {
        assert_eq!(number("1", at_least("1"), None, None), Ok(()));
        assert_eq!(number("0", at_least("1"), None, None), Err("0 is less than the minimum 1".into()));
        assert_eq!(number("0.9999", at_least("1"), None, None), Err("0.9999 is less than the minimum 1".into()));
        assert_eq!(number("1", above("1"), None, None), Err("1 is not greater than the exclusive minimum 1".into()));
        assert_eq!(number("1.0001", above("1"), None, None), Ok(()));
        assert_eq!(number("10", None, at_least("10"), None), Ok(()));
        assert_eq!(number("10.5", None, at_least("10"), None), Err("10.5 is greater than the maximum 10".into()));
        assert_eq!(number("10", None, above("10"), None), Err("10 is not less than the exclusive maximum 10".into()));
        // Exact: no float rounding between the value and the bound.
        assert!(number("0.30000000000000001", None, at_least("0.3"), None).is_err());
        assert_eq!(number("12.50", at_least("12.5"), at_least("12.5"), None), Ok(()));
    }

    #[test]
    fn multiples_are_exact_decimals() {
        for (value, of) in [("0.3", "0.1"), ("10", "2.5"), ("-4", "2"), ("0", "7"), ("1e3", "0.01"), ("12.50", "0.25")]
        {
            assert_eq!(number(value, None, None, Some(of)), Ok(()), "{value} / {of}");
        }
        for (value, of) in [("0.35", "0.1"), ("7", "2"), ("1e-3", "0.01"), ("12.51", "0.25")] {
            assert_eq!(number(value, None, None, Some(of)), Err(format!("{value} is not a multiple of {of}")));
        }
    }

    #[test]
    fn lengths_count_characters() {
        assert_eq!(string("héllo", Some(5), Some(5), None, None), Ok(()));
        assert_eq!(
            string("héllo", Some(6), None, None, None),
            Err("\"héllo\" has 5 characters, fewer than the minimum length 6".into())
        );
        assert_eq!(
            string("🦀🦀", None, Some(1), None, None),
            Err("\"🦀🦀\" has 2 characters, more than the maximum length 1".into())
        );
    }

    #[test]
    fn patterns_search_and_formats_check() {
        assert_eq!(string("abc-1", None, None, Some("^[a-z]+-\\d$"), None), Ok(()));
        assert_eq!(string("xabc", None, None, Some("abc"), None), Ok(()), "not anchored");
        assert_eq!(
            string("ABC", None, None, Some("^[a-z]+$"), None),
            Err("\"ABC\" does not match the pattern `^[a-z]+$`".into())
        );
        assert_eq!(
            string("not-a-uuid", None, None, None, Some(Format::Uuid)),
            Err("\"not-a-uuid\" is not a valid uuid".into())
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(items(2, Some(2), Some(2)), Ok(()));
        assert_eq!(items(1, Some(2), None), Err("1 item, fewer than the minimum 2".into()));
        assert_eq!(items(3, None, Some(2)), Err("3 items, more than the maximum 2".into()));
        assert_eq!(properties(0, Some(1), None), Err("0 properties, fewer than the minimum 1".into()));
        assert_eq!(properties(2, None, Some(1)), Err("2 properties, more than the maximum 1".into()));
    }
}
