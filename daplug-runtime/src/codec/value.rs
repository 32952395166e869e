//! Attribute values compared and shown as DynamoDB has them: [`value_eq`] (numbers by value, as a
//! condition compares them), [`type_name`] (`a string`, `a map`, ... for messages) and [`Shown`]
//! (a value in a message, written as JSON would write it). One place for each, so every message
//! about the same value reads the same.

use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;

use super::number;

/// Equality of attribute values with numbers compared by value: DynamoDB numbers have no int/float
/// distinction and keep no trailing zeros, so a stored `2` must equal a patch's `2.0`. Maps compare
/// key-order-insensitively.
pub(crate) fn value_eq(a: &AttributeValue, b: &AttributeValue) -> bool {
    match (a, b) {
        (AttributeValue::N(x), AttributeValue::N(y)) => number::eq(x, y),
        (AttributeValue::Ns(x), AttributeValue::Ns(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| number::eq(x, y))
        }
        (AttributeValue::L(x), AttributeValue::L(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| value_eq(x, y))
        }
        (AttributeValue::M(x), AttributeValue::M(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| value_eq(v, w)))
        }
        _ => a == b,
    }
}

/// "a string", "a list", ... for messages.
pub(crate) fn type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::Null(_) => "null",
        AttributeValue::Bool(_) => "a boolean",
        AttributeValue::N(_) => "a number",
        AttributeValue::S(_) => "a string",
        AttributeValue::B(_) => "binary",
        AttributeValue::L(_) => "a list",
        AttributeValue::M(_) => "a map",
        AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => "a set",
        _ => "an unknown value",
    }
}

/// An attribute value in a message, as compact JSON writes it: a string quoted, a number as its
/// text, lists and sets as arrays, a map's keys in order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shown<'a>(pub(crate) &'a AttributeValue);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, items: &mut dyn Iterator<Item = String>| {
            f.write_str("[")?;
            for (i, item) in items.enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                f.write_str(&item)?;
            }
            f.write_str("]")
        };
        let quoted = |text: &str| serde_json::Value::String(text.to_owned()).to_string();
        match self.0 {
            AttributeValue::S(text) => f.write_str(&quoted(text)),
            AttributeValue::N(text) => f.write_str(text),
            AttributeValue::Bool(value) => write!(f, "{value}"),
            AttributeValue::Null(_) => f.write_str("null"),
            AttributeValue::L(values) => list(f, &mut values.iter().map(|v| Shown(v).to_string())),
            AttributeValue::Ss(values) => list(f, &mut values.iter().map(|v| quoted(v))),
            AttributeValue::Ns(values) => list(f, &mut values.iter().cloned()),
            AttributeValue::B(blob) => list(f, &mut blob.as_ref().iter().map(u8::to_string)),
            AttributeValue::Bs(blobs) => {
                list(f, &mut blobs.iter().map(|b| Shown(&AttributeValue::B(b.clone())).to_string()))
            }
            AttributeValue::M(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                f.write_str("{")?;
                for (i, (key, value)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{}", quoted(key), Shown(value))?;
                }
                f.write_str("}")
            }
            _ => f.write_str("an unknown value"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_as_json_writes_them() {
        let value =
            crate::codec::to_attribute_value(&serde_json::json!({"b": [1, "x\"", null, true], "a": 2.5})).unwrap();
        assert_eq!(Shown(&value).to_string(), r#"{"a":2.5,"b":[1,"x\"",null,true]}"#);
        assert!(value_eq(&AttributeValue::N("2".into()), &AttributeValue::N("2.0".into())));
        assert_eq!(type_name(&value), "a map");
    }
}
