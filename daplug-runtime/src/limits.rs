//! What DynamoDB can store, checked on an item before it is sent: nesting at most
//! [`MAX_DEPTH`] levels, and numbers DynamoDB accepts (finite, at most 38 significant digits,
//! magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125, or zero). A violation
//! names the attribute's path, as decoding errors do.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::item::Item;
use crate::path::MAX_DEPTH;

/// Most significant digits of a DynamoDB number.
const MAX_DIGITS: usize = 38;
/// Decimal exponents (of the first significant digit) DynamoDB numbers may have.
const EXPONENTS: std::ops::RangeInclusive<i64> = -130..=125;

/// One step of the path to a value.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Checks every attribute of `item`; the error is (path, message).
pub(crate) fn check_item(item: &Item) -> Result<(), (String, String)> {
    for (name, value) in item {
        check_value(value, 1).map_err(|(mut steps, message)| {
            steps.push(Step::Key(name));
            (render(&steps), message)
        })?;
    }
    Ok(())
}

/// Checks `value` at `depth` levels below the item; on error the steps are innermost first.
fn check_value(value: &AttributeValue, depth: usize) -> Result<(), (Vec<Step<'_>>, String)> {
    if depth > MAX_DEPTH {
        return Err((Vec::new(), format!("nested deeper than {MAX_DEPTH} levels (DynamoDB's limit)")));
    }
    match value {
        AttributeValue::N(text) => check_number(text).map_err(|message| (Vec::new(), message)),
        AttributeValue::Ns(numbers) => numbers
            .iter()
            .enumerate()
            .try_for_each(|(index, text)| check_number(text).map_err(|message| (vec![Step::Index(index)], message))),
        AttributeValue::L(values) => values.iter().enumerate().try_for_each(|(index, value)| {
            check_value(value, depth + 1).map_err(|(mut steps, message)| {
                steps.push(Step::Index(index));
                (steps, message)
            })
        }),
        AttributeValue::M(map) => map.iter().try_for_each(|(name, value)| {
            check_value(value, depth + 1).map_err(|(mut steps, message)| {
                steps.push(Step::Key(name));
                (steps, message)
            })
        }),
        _ => Ok(()),
    }
}

/// `a.b[0].c` from steps innermost first.
fn render(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in steps.iter().rev() {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Whether `text` is a number DynamoDB stores: decimal (`-12.5`, `1e-3`), at most 38 significant
/// digits, zero or of a magnitude within DynamoDB's range. `inf`, `NaN` and overflowing values
/// (`1e999`) are refused.
pub(crate) fn check_number(text: &str) -> Result<(), String> {
    let invalid = || format!("`{text}` is not a number DynamoDB can store");
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
        return Err(invalid());
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(exponent) => {
            let magnitude = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
            if magnitude.is_empty() || !digits(magnitude) {
                return Err(invalid());
            }
            // An exponent too long for an i64 is out of range either way (unless the number is 0).
            exponent.parse().unwrap_or(if exponent.starts_with('-') { i64::MIN } else { i64::MAX })
        }
    };
    let all = || int.bytes().chain(frac.bytes());
    let Some(first) = all().position(|b| b != b'0') else {
        return Ok(()); // zero
    };
    let last = int.len() + frac.len() - 1 - all().rev().position(|b| b != b'0').unwrap_or(0);
    let significant = last - first + 1;
    if significant > MAX_DIGITS {
        return Err(format!("`{text}` has {significant} significant digits; DynamoDB stores at most {MAX_DIGITS}"));
    }
    let scale = (int.len() as i64 - first as i64 - 1).saturating_add(exponent);
    if !EXPONENTS.contains(&scale) {
        return Err(format!("`{text}` is outside DynamoDB's number range (1E-130 to 9.99E+125)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dynamodb_stores_pass() {
        for ok in [
            "0",
            "-0",
            "0.000",
            "12",
            "-12.5",
            "1e-130",
            "1E125",
            "9.9999999999999999999999999999999999999E+125",
            "12345678901234567890123456789012345678",
            "1000000000000000000000000000000000000000000",
            "0.30000000000000004",
            "0e999999999999999999999",
        ] {
            assert_eq!(check_number(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn non_finite_overflowing_and_too_precise_numbers_fail() {
        for bad in [
            "inf",
            "-inf",
            "NaN",
            "",
            "1e999",
            "1e126",
            "1e-131",
            "9.99e125x",
            "1.2.3",
            "e5",
            "1e",
            "123456789012345678901234567890123456789",
            "1e99999999999999999999999",
            &f64::MAX.to_string(),
        ] {
            assert!(check_number(bad).is_err(), "{bad}");
        }
        assert!(check_number(&f64::MIN_POSITIVE.to_string()).is_err(), "1e-308 is below DynamoDB's range");
    }

    #[test]
    fn item_errors_name_the_path_and_nesting_is_bounded() {
        let n = |text: &str| AttributeValue::N(text.into());
        let item: Item =
            [("a".to_owned(), AttributeValue::M([("b".to_owned(), AttributeValue::L(vec![n("1"), n("inf")]))].into()))]
                .into();
        let (path, message) = check_item(&item).unwrap_err();
        assert_eq!(path, "a.b[1]");
        assert!(message.contains("inf"), "{message}");

        let nest = |levels: usize| {
            let mut value = n("1");
            for _ in 0..levels {
                value = AttributeValue::M([("x".to_owned(), value)].into());
            }
            Item::from([("top".to_owned(), value)])
        };
        assert_eq!(check_item(&nest(MAX_DEPTH - 1)), Ok(()));
        let (path, message) = check_item(&nest(MAX_DEPTH)).unwrap_err();
        assert_eq!(path, format!("top{}", ".x".repeat(MAX_DEPTH)));
        assert!(message.contains("nested deeper"), "{message}");
        assert!(check_item(&nest(1000)).is_err());
        let sets = Item::from([("ns".to_owned(), AttributeValue::Ns(vec!["1".into(), "NaN".into()]))]);
        assert_eq!(check_item(&sets).unwrap_err().0, "ns[1]");
    }
}
