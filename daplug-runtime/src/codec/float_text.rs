//! A float's `N` text, exactly as Rust's `Display` writes it (`12.5`, `100`, `0.00000015`: no
//! exponent, no trailing `.0`), which is what serde_dynamo stores and daplug has always stored,
//! in a fraction of `to_string()`'s time (in profiles of the conversion benchmark, float formatting
//! fell from about 13% of the time to write an item to about 5%).
//!
//! Why: formatting floats was the largest single cost of writing an item. `Display` finds the
//! shortest digits that read back as the same float (Grisu, with a slower fallback) and then lays
//! them out through the formatting machinery, growing its `String` as it goes. `zmij` (already
//! compiled for serde_json) finds the same shortest digits faster; this lays them out the way
//! `Display` does, into a `String` allocated once. The tests compare both on millions of floats.

/// The `Display` text of an `f64`.
pub(crate) fn f64_text(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(value);
    // An f64's shortest digits can tie only from 16 digits on (its spacing is ~1.1e-16 of it).
    match plain(text, 16) {
        Some(text) => text.to_owned(),
        None => layout(text, Binary::of(value.to_bits(), 52, 11), 16),
    }
}

/// The `Display` text of an `f32` (its own shortest digits, not those of the `f64` it widens to).
pub(crate) fn f32_text(value: f32) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(value);
    // An f32's can tie from 7 digits on (its spacing is ~6e-8 of it).
    match plain(text, 7) {
        Some(text) => text.to_owned(),
        None => layout(text, Binary::of(u64::from(value.to_bits()), 23, 8), 7),
    }
}

/// zmij's text when it is already `Display`'s but for a whole number's `.0` (the common case:
/// `12.5`, `0.001`, `100.0`): decimal notation with fewer digits than a tie needs.
#[inline]
fn plain(text: &str, tie_digits: usize) -> Option<&str> {
    if text.len() <= tie_digits && !text.as_bytes().contains(&b'e') {
        Some(text.strip_suffix(".0").unwrap_or(text))
    } else {
        None
    }
}

/// A float's exact value: `mantissa × 2^exponent`.
#[derive(Clone, Copy)]
struct Binary {
    mantissa: u64,
    exponent: i32,
}

impl Binary {
    /// The exact value of an IEEE 754 float's `bits` with `fraction_bits` fraction and
    /// `exponent_bits` exponent bits (52 and 11 for an `f64`, 23 and 8 for an `f32`).
    fn of(bits: u64, fraction_bits: u32, exponent_bits: u32) -> Self {
        let fraction = bits & ((1 << fraction_bits) - 1);
        let biased = ((bits >> fraction_bits) & ((1 << exponent_bits) - 1)) as i32;
        // The exponent of the fraction's last bit: bias plus the fraction's width.
        let offset = (1 << (exponent_bits - 1)) - 1 + fraction_bits as i32;
        if biased == 0 {
            Binary { mantissa: fraction, exponent: 1 - offset }
        } else {
            Binary { mantissa: fraction | (1 << fraction_bits), exponent: biased - offset }
        }
    }

    /// Whether the float is exactly `odd × 10^power` for an odd `odd` (a decimal ending in 5).
    fn is_exactly(self, odd: u64, power: i32) -> bool {
        if self.mantissa == 0 {
            return false;
        }
        let zeros = self.mantissa.trailing_zeros();
        let (mantissa, exponent) = (u128::from(self.mantissa >> zeros), self.exponent + zeros as i32);
        // odd × 2^power × 5^power = mantissa × 2^exponent, both odd parts odd: the powers of two
        // are equal, and so are the odd parts.
        if exponent != power {
            return false;
        }
        let Some(five) = 5u128.checked_pow(power.unsigned_abs()) else { return false };
        if power >= 0 {
            u128::from(odd).checked_mul(five) == Some(mantissa)
        } else {
            mantissa.checked_mul(five) == Some(u128::from(odd))
        }
    }
}

/// `zmij`'s text (`1.5e-7`, `1e+16`, `0.001`, `100.0`, `-0.0`) laid out as `Display` writes it.
///
/// Both find the shortest digits that read back as the float, but when two such digit strings are
/// exactly as close to it (the float is exactly halfway between them, which happens only from
/// `tie_digits` digits on), zmij takes the even one and `Display` the one above: such a tie is
/// recognised from the float's exact value and rounded up.
///
/// Rare in stored data (prices, quantities and counts take [`plain`]'s way), so kept apart from it.
#[cold]
fn layout(text: &str, binary: Binary, tie_digits: usize) -> String {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.split_once('e') {
        // zmij writes the exponent as a small signed integer (`e+16`, `e-7`).
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The significant digits (at most 17) without leading or trailing zeros, and where the decimal
    // point goes: the value is 0.DIGITS × 10^point.
    let mut digits = [b'0'; 24];
    let mut len = 0;
    let mut leading = 0;
    for &digit in whole.as_bytes().iter().chain(fraction.as_bytes()) {
        if len == 0 && digit == b'0' {
            leading += 1;
        } else if len < digits.len() {
            digits[len] = digit;
            len += 1;
        }
    }
    while len > 0 && digits[len - 1] == b'0' {
        len -= 1;
    }
    if len == 0 {
        return if negative { "-0".to_owned() } else { "0".to_owned() };
    }
    let mut point = whole.len() as i32 + exponent - leading;
    if len >= tie_digits {
        let below = digits[..len].iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        if binary.is_exactly(below * 10 + 5, point - len as i32 - 1) {
            // Round up: add one to the last digit, carrying.
            let mut at = len;
            loop {
                if at == 0 {
                    digits.copy_within(0..len, 1);
                    digits[0] = b'1';
                    len += 1;
                    point += 1;
                    break;
                }
                at -= 1;
                if digits[at] == b'9' {
                    digits[at] = b'0';
                } else {
                    digits[at] += 1;
                    break;
                }
            }
            while digits[len - 1] == b'0' {
                len -= 1;
            }
        }
    }
    // ASCII digits: always valid UTF-8.
    let digits = std::str::from_utf8(&digits[..len]).unwrap_or("0");
    let mut out = String::with_capacity(len + point.unsigned_abs() as usize + 3);
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        zeros(&mut out, point.unsigned_abs() as usize);
        out.push_str(digits);
    } else if (point as usize) < len {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else {
        out.push_str(digits);
        zeros(&mut out, point as usize - len);
    }
    out
}

fn zeros(out: &mut String, mut count: usize) {
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    while count > 0 {
        let chunk = count.min(ZEROS.len());
        out.push_str(&ZEROS[..chunk]);
        count -= chunk;
    }
}

// The literals are the exact values meant (halfway cases, range ends), not rounded ones.
#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so a failure names a reproducible value.
    fn bits(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn f64_text_is_display_on_edges_and_random_bit_patterns() {
        let edges = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            12.5,
            0.1,
            0.3,
            1e15,
            1e16,
            1e21,
            1e22,
            1.5e-7,
            1e-5,
            123456789012345680000.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            9.9999999999999999e125,
            1e-130,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for value in edges {
            assert_eq!(f64_text(value), value.to_string(), "{value:e}");
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..1_000_000 {
            let value = f64::from_bits(bits(&mut seed));
            assert_eq!(f64_text(value), value.to_string(), "{value:e}");
        }
        // Values people store: prices and quantities with few digits.
        for cents in -100_000..100_000 {
            let value = cents as f64 / 100.0;
            assert_eq!(f64_text(value), value.to_string(), "{value:e}");
        }
    }

    #[test]
    fn ties_round_up_as_display_does() {
        // Exactly halfway between two shortest candidates: zmij's digits end in 2, Display's in 3.
        for value in [1658206780088562.25, -1052730259603333.25, 9999999999999999.5] {
            assert_eq!(f64_text(value), value.to_string(), "{value:e}");
        }
        assert_eq!(f32_text(3065919.25), 3065919.25f32.to_string());
    }

    #[test]
    fn f32_text_is_display_on_edges_and_random_bit_patterns() {
        for value in [0.0f32, -0.0, 0.1, 16_777_216.0, 3.4e38, f32::MAX, f32::MIN_POSITIVE, 1e-45, f32::NAN] {
            assert_eq!(f32_text(value), value.to_string(), "{value:e}");
        }
        let mut seed = 0x2545_F491_4F6C_DD1D;
        for _ in 0..1_000_000 {
            let value = f32::from_bits(bits(&mut seed) as u32);
            assert_eq!(f32_text(value), value.to_string(), "{value:e}");
        }
    }
}
