//! [`Decimal`]: an exact decimal number that keeps the text it was written in, for OpenAPI numbers
//! mapped with `format: decimal` (README, "Numbers").

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::codec::number;

/// The struct name under which serde_json writes and reads a raw JSON fragment (its `RawValue`,
/// enabled by the `raw_value` feature). A [`Decimal`] serialises as that struct, so serde_json
/// prints its text as a number, unchanged, and hands it back the same way; daplug's item codec
/// recognises the name too and writes an `N`. The unit tests pin it against serde_json's `RawValue`.
pub(crate) const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// An exact decimal number, as DynamoDB stores numbers: up to 38 significant digits, magnitudes
/// from 1E-130 to 9.99E+125, and kept as the text it was written in.
///
/// `12.50` stays `12.50`: in the item's `N` text, in JSON (`serde_json::to_string` writes the
/// number as written, and `serde_json::from_str` reads it without going through `f64`), in event
/// bodies, and in [`Display`](fmt::Display). Equality, ordering and hashing are by value
/// (`12.50 == 12.5`), as DynamoDB compares numbers. There is no arithmetic: convert with
/// [`as_str`](Decimal::as_str) into a decimal arithmetic crate when you need it, or
/// [`to_f64`](Decimal::to_f64) when an approximation will do.
///
/// ```
/// use daplug_runtime::Decimal;
///
/// let price: Decimal = "12.50".parse()?;
/// assert_eq!(price.to_string(), "12.50");
/// assert_eq!(price, "12.5".parse()?);
/// assert_eq!(serde_json::to_string(&price)?, "12.50");
/// let back: Decimal = serde_json::from_str("12345678901234567890.123456789012345678")?;
/// assert_eq!(back.as_str(), "12345678901234567890.123456789012345678");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Decimal(Box<str>);

/// Why a text is not a [`Decimal`]: not a JSON number, or not one DynamoDB can store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalError(String);

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecimalError {}

impl Decimal {
    /// The number `text` is, kept as written. It must be a JSON number (`-12.50`, `1.5e-7`; not
    /// `+1`, `.5` or `NaN`) that DynamoDB can store.
    pub fn new(text: impl Into<String>) -> Result<Self, DecimalError> {
        let text = text.into();
        if !number::is_json(&text) {
            return Err(DecimalError(format!("`{text}` is not a decimal number (written as JSON writes numbers)")));
        }
        number::check(&text).map_err(DecimalError)?;
        Ok(Decimal(text.into_boxed_str()))
    }

    /// A decimal `schema!` checked while compiling (a field's `default`): no check again.
    #[doc(hidden)]
    pub fn from_checked(text: &'static str) -> Self {
        Decimal(text.into())
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64` (an approximation beyond 15–17 significant digits).
    pub fn to_f64(&self) -> f64 {
        // A JSON number always parses as an f64 (overflow gives infinity, which DynamoDB's range
        // excludes).
        self.0.parse().unwrap_or(f64::NAN)
    }

    fn compare(&self, other: &Self) -> Ordering {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        match (number::value(&self.0, &mut x), number::value(&other.0, &mut y)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Unreachable: both texts were checked on construction.
            _ => self.0.cmp(&other.0),
        }
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;
    fn from_str(text: &str) -> Result<Self, DecimalError> {
        Decimal::new(text)
    }
}

impl TryFrom<String> for Decimal {
    type Error = DecimalError;
    fn try_from(text: String) -> Result<Self, DecimalError> {
        Decimal::new(text)
    }
}

impl TryFrom<f64> for Decimal {
    type Error = DecimalError;
    /// The shortest text that reads back as `value` (`0.1` → `0.1`, not the binary expansion).
    fn try_from(value: f64) -> Result<Self, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError(format!("{value} is not a number DynamoDB can store")));
        }
        Decimal::new(value.to_string())
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(value: $t) -> Self {
                // At most 20 digits: always a number DynamoDB stores.
                Decimal(value.to_string().into_boxed_str())
            }
        }
    )*};
}
from_integer!(i8, i16, i32, i64, u8, u16, u32, u64);

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare(other)
    }
}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // By value, as equality is: sign, significant digits, scale.
        let mut scratch = Vec::new();
        number::value(&self.0, &mut scratch).hash(state);
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut raw = serializer.serialize_struct(RAW_VALUE, 1)?;
        raw.serialize_field(RAW_VALUE, &*self.0)?;
        raw.end()
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE, DecimalVisitor)
    }
}

/// Reads a decimal from serde_json's raw fragment (a one-entry map, the way serde_json hands out
/// raw values, and the way daplug's item codec hands out `N` text), or, from other formats, from a
/// number they have already parsed.
struct DecimalVisitor;

impl DecimalVisitor {
    fn text<E: de::Error>(text: String) -> Result<Decimal, E> {
        if text.starts_with('"') {
            return Err(E::custom(format!("expected a decimal number, found the string {text}")));
        }
        Decimal::new(text).map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == RAW_VALUE => Self::text(map.next_value::<String>()?),
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        Decimal::try_from(value).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn keeps_the_text_and_compares_by_value() {
        let cases = [
            "12.50",
            "-0.000000000000000000000000000000000000000000001",
            "12345678901234567890123456789012345678",
            "1.2345678901234567890123456789012345678E+100",
            "1e-130",
            "0.0",
        ];
        for text in cases {
            assert_eq!(d(text).to_string(), text);
            assert_eq!(d(text).as_str(), text);
        }
        assert_eq!(d("12.50"), d("12.5"));
        assert_eq!(d("1e3"), d("1000"));
        assert!(d("-1") < d("0.001"));
        assert!(d("12.5") < d("12.51"));
        let set: HashSet<Decimal> = [d("1.0"), d("1"), d("1.00e0")].into_iter().collect();
        assert_eq!(set.len(), 1, "hash agrees with equality");
    }

    #[test]
    fn refuses_what_is_not_a_storable_json_number() {
        for bad in ["", "+1", ".5", "5.", "NaN", "inf", "1e126", "1234567890123456789012345678901234567891", "\"1\""] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
        assert!(Decimal::try_from(f64::NAN).is_err());
        assert_eq!(Decimal::try_from(0.1).unwrap().as_str(), "0.1");
        assert_eq!(Decimal::from(-7i64).as_str(), "-7");
    }

    #[test]
    fn json_is_a_number_written_as_is() {
        // serde_json prints the raw fragment only if RAW_VALUE is its name; otherwise this is a map.
        let text = r#"{"a":12.50,"b":-1.5e-7,"c":123456789012345678901234567890.12345678}"#;
        let parsed: std::collections::BTreeMap<String, Decimal> = serde_json::from_str(text).unwrap();
        assert_eq!(parsed["a"].as_str(), "12.50");
        assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
        let err = serde_json::from_str::<Decimal>(r#""12.50""#).unwrap_err().to_string();
        assert!(err.contains("found the string"), "{err}");
        // Through a `serde_json::Value` the number has already been parsed: kept as serde_json has it.
        let value: Decimal = serde_json::from_value(serde_json::json!(2.5)).unwrap();
        assert_eq!(value.as_str(), "2.5");
        assert_eq!(serde_json::to_value(d("2.50")).unwrap(), serde_json::json!(2.5));
    }
}
