//! DynamoDB's number text (`N`): what it accepts, and numeric comparison of two texts. Pure; used by
//! the runtime's `Decimal`, its storage checks and its update merge, and by the schema's numeric
//! constraints (`check.rs`, at run time and in `payload!`), so that all agree on what a number is
//! and when two are equal (`12.50` = `12.5`, `-0` = `0`).

use std::cmp::Ordering;

/// Most significant digits of a DynamoDB number.
pub const MAX_DIGITS: usize = 38;
/// Decimal exponents (of the first significant digit) DynamoDB numbers may have.
pub const EXPONENTS: std::ops::RangeInclusive<i64> = -130..=125;

/// A number text split into its parts: `-12.50e3` is negative, `12` and `50`, exponent 3.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
    exponent: i64,
}

/// Splits `text` in DynamoDB's grammar (a sign, digits with an optional point, an optional
/// exponent; `+1`, `.5` and `5.` are accepted as DynamoDB accepts them); `None` if it is not a number.
pub fn parts(text: &str) -> Option<Parts<'_>> {
    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
        return None;
    }
    let exponent = match exponent {
        None => 0,
        Some(exponent) => {
            let magnitude = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
            if magnitude.is_empty() || !digits(magnitude) {
                return None;
            }
            // An exponent too long for an i64 is out of range either way (unless the number is 0).
            exponent.parse().unwrap_or(if exponent.starts_with('-') { i64::MIN } else { i64::MAX })
        }
    };
    Some(Parts { negative, int, frac, exponent })
}

impl Parts<'_> {
    fn digits(&self) -> impl DoubleEndedIterator<Item = u8> + '_ {
        self.int.bytes().chain(self.frac.bytes())
    }

    /// The significant digits (no leading or trailing zeros) as (first, last) indexes into
    /// `int ++ frac`; `None` for zero.
    fn significant(&self) -> Option<(usize, usize)> {
        let first = self.digits().position(|b| b != b'0')?;
        let last = self.int.len() + self.frac.len() - 1 - self.digits().rev().position(|b| b != b'0').unwrap_or(0);
        Some((first, last))
    }

    /// The decimal exponent of the first significant digit (`12.5` → 1, `0.05` → -2).
    fn scale(&self, first: usize) -> i64 {
        (self.int.len() as i64 - first as i64 - 1).saturating_add(self.exponent)
    }
}

/// Whether `text` is a number DynamoDB stores: decimal (`-12.5`, `1e-3`), at most 38 significant
/// digits, zero or of a magnitude within DynamoDB's range. `inf`, `NaN` and overflowing values
/// (`1e999`) are refused; the message says why.
pub fn check(text: &str) -> Result<(), String> {
    let parts = parts(text).ok_or_else(|| format!("`{text}` is not a number DynamoDB can store"))?;
    let Some((first, last)) = parts.significant() else {
        return Ok(()); // zero
    };
    let significant = last - first + 1;
    if significant > MAX_DIGITS {
        return Err(format!("`{text}` has {significant} significant digits; DynamoDB stores at most {MAX_DIGITS}"));
    }
    if !EXPONENTS.contains(&parts.scale(first)) {
        return Err(format!("`{text}` is outside DynamoDB's number range (1E-130 to 9.99E+125)"));
    }
    Ok(())
}

/// Whether `text` is also a JSON number (RFC 8259): no `+` sign, no leading zeros, digits on both
/// sides of a point. What a `Decimal` prints must be valid JSON.
pub fn is_json(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    let run = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    let int_start = at;
    let int = run(&mut at);
    if int == 0 || (int > 1 && bytes[int_start] == b'0') {
        return false;
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if run(&mut at) == 0 {
            return false;
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if run(&mut at) == 0 {
            return false;
        }
    }
    at == bytes.len()
}

/// A number reduced to what its value depends on: sign, significant digits, scale. Zero has no
/// digits and is never negative.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Value<'a> {
    negative: bool,
    digits: &'a [u8],
    scale: i64,
}

/// `text`'s value, or `None` if it is not a number. The digits are borrowed from `scratch` when
/// they span the point (`12.5` → `125`).
pub fn value<'a>(text: &'a str, scratch: &'a mut Vec<u8>) -> Option<Value<'a>> {
    let parts = parts(text)?;
    let Some((first, last)) = parts.significant() else {
        return Some(Value { negative: false, digits: &[], scale: 0 });
    };
    let scale = parts.scale(first);
    let int = parts.int.len();
    let digits = if last < int {
        &parts.int.as_bytes()[first..=last]
    } else if first >= int {
        &parts.frac.as_bytes()[first - int..=last - int]
    } else {
        scratch.clear();
        scratch.extend(parts.digits().skip(first).take(last - first + 1));
        &scratch[..]
    };
    Some(Value { negative: parts.negative, digits, scale })
}

impl Ord for Value<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let magnitude = |v: &Value<'_>, w: &Value<'_>| match (v.digits.is_empty(), w.digits.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // Digits have no trailing zeros, so comparing them as strings compares the values.
            (false, false) => v.scale.cmp(&w.scale).then_with(|| v.digits.cmp(w.digits)),
        };
        match (self.negative, other.negative) {
            (false, false) => magnitude(self, other),
            (true, true) => magnitude(other, self),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Value<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The order of two number texts by value; `None` when one is not a number.
pub fn cmp(a: &str, b: &str) -> Option<Ordering> {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    Some(value(a, &mut x)?.cmp(&value(b, &mut y)?))
}

/// Whether `text` is an integer multiple of `divisor`, exactly, as decimals (`0.3` is a multiple
/// of `0.1`); `None` when either is not a number, the divisor is zero or has more significant
/// digits than the check holds (37).
pub fn is_multiple(text: &str, divisor: &str) -> Option<bool> {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    let (value, divisor) = (value(text, &mut x)?, value(divisor, &mut y)?);
    if divisor.digits.is_empty() || divisor.digits.len() > 37 {
        return None;
    }
    if value.digits.is_empty() {
        return Some(true);
    }
    // value = V × 10^a and divisor = D × 10^b, V and D the significant digits as integers.
    let exponent = |v: &Value<'_>| v.scale - v.digits.len() as i64 + 1;
    let (a, b) = (exponent(&value), exponent(&divisor));
    if a < b {
        // V has no trailing zeros, so V × 10^a over 10^b is never whole.
        return Some(false);
    }
    let modulus: u128 = divisor.digits.iter().fold(0, |n, d| n * 10 + u128::from(d - b'0'));
    let mut remainder: u128 = 0;
    for digit in value.digits {
        remainder = (remainder * 10 + u128::from(digit - b'0')) % modulus;
    }
    // Then the `a - b` zeros: `remainder × 10^(a - b) mod D`, by squaring (the gap can be large).
    let (mut power, mut base, mut zeros) = (1u128 % modulus, 10u128 % modulus, (a - b) as u128);
    while zeros > 0 {
        if zeros & 1 == 1 {
            power = mul_mod(power, base, modulus);
        }
        base = mul_mod(base, base, modulus);
        zeros >>= 1;
    }
    Some(mul_mod(remainder, power, modulus) == 0)
}

/// `a × b mod m` without overflow, for `a, b < m < 10^37`.
fn mul_mod(a: u128, b: u128, m: u128) -> u128 {
    let (mut result, mut a, mut b) = (0u128, a % m, b);
    while b > 0 {
        if b & 1 == 1 {
            result = (result + a) % m;
        }
        a = (a * 2) % m;
        b >>= 1;
    }
    result
}

/// Whether two number texts have the same value (`2` = `2.0` = `0.2e1`); text that is not a number
/// equals only itself.
pub fn eq(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (mut x, mut y) = (Vec::new(), Vec::new());
    match (value(a, &mut x), value(b, &mut y)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// One text per value, for hashing (key identity): `-12.50` and `-0012.5e0` both give `-125e1`
/// (the digits, then the exponent of the first one); text that is not a number is returned as is.
pub fn canonical(text: &str) -> String {
    let mut scratch = Vec::new();
    match value(text, &mut scratch) {
        None => text.to_owned(),
        Some(Value { digits: [], .. }) => "0".to_owned(),
        Some(Value { negative, digits, scale }) => {
            let digits = String::from_utf8_lossy(digits);
            format!("{}{digits}e{scale}", if negative { "-" } else { "" })
        }
    }
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
            "+5",
            ".5",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
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
            assert!(check(bad).is_err(), "{bad}");
        }
        assert!(check(&f64::MIN_POSITIVE.to_string()).is_err(), "1e-308 is below DynamoDB's range");
    }

    #[test]
    fn json_grammar() {
        for ok in ["0", "-0", "12.50", "1e5", "1E+5", "-1.5e-7", "0.0"] {
            assert!(is_json(ok), "{ok}");
        }
        for bad in ["+1", ".5", "5.", "01", "-", "1e", "1e+", "1.e5", " 1", "1 ", "0x10", ""] {
            assert!(!is_json(bad), "{bad}");
        }
    }

    #[test]
    fn equal_values_compare_equal_whatever_the_text() {
        for (a, b) in [("2", "2.0"), ("12.50", "12.5"), ("0.2e1", "2"), ("-0", "0"), ("0.000", "0e9"), ("1E3", "1000")]
        {
            assert!(eq(a, b), "{a} = {b}");
        }
        for (a, b) in [("2", "3"), ("-2", "2"), ("1e3", "100"), ("0.1", "0.01"), ("x", "y")] {
            assert!(!eq(a, b), "{a} != {b}");
        }
    }

    #[test]
    fn one_canonical_text_per_value() {
        let same = [("1", "1.0"), ("1", "+1"), ("100", "1e2"), ("-0012.50", "-12.5"), ("0.0", "0"), ("-0", "0")];
        for (a, b) in same {
            assert_eq!(canonical(a), canonical(b), "{a} vs {b}");
        }
        assert_ne!(canonical("1"), canonical("10"));
        assert_ne!(canonical("-1"), canonical("1"));
        assert_eq!(canonical("-12.50"), "-125e1");
        assert_eq!(canonical("abc"), "abc");
        assert_eq!(canonical("."), ".");
    }

    #[test]
    fn order_is_numeric() {
        let sorted = ["-1e3", "-12.5", "-0.001", "0", "0.001", "0.0011", "1", "1.5", "12.5", "1e3"];
        for pair in sorted.windows(2) {
            let (mut x, mut y) = (Vec::new(), Vec::new());
            let (a, b) = (value(pair[0], &mut x).unwrap(), value(pair[1], &mut y).unwrap());
            assert_eq!(a.cmp(&b), Ordering::Less, "{} < {}", pair[0], pair[1]);
            assert_eq!(b.cmp(&a), Ordering::Greater, "{} > {}", pair[1], pair[0]);
        }
    }
}
