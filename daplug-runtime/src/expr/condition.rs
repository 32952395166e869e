//! Typed conditions for key conditions and filters, rendered through placeholders.

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use super::Placeholders;
use crate::error::{Error, Result};
use crate::prefix::Prefixes;

/// A condition on top-level attributes: comparisons, `begins_with`, `between`, existence and
/// `contains`, combined with `&`, `|` and `!`.
///
/// Values are any `Serialize` type; a value compared with a prefixed key attribute is prefixed
/// automatically.
///
/// ```
/// use daplug_runtime::Condition;
/// let open_or_late = Condition::eq("status", "open") | Condition::gt("count", 10);
/// let filter = open_or_late & !Condition::exists("deleted");
/// # let _ = filter;
/// ```
#[derive(Clone)]
pub struct Condition(Node);

#[derive(Clone)]
enum Node {
    Compare { attribute: String, op: &'static str, value: Value },
    Between { attribute: String, low: Value, high: Value },
    Function { function: &'static str, attribute: String, value: Option<Value> },
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
}

/// A value converted eagerly; a conversion failure is reported when the request is sent.
type Value = std::result::Result<AttributeValue, String>;

fn convert(value: impl Serialize) -> Value {
    crate::codec::to_attribute_value(&value).map_err(|err| err.to_string())
}

impl Condition {
    fn compare(attribute: impl Into<String>, op: &'static str, value: impl Serialize) -> Self {
        Condition(Node::Compare { attribute: attribute.into(), op, value: convert(value) })
    }

    /// `attribute = value`
    pub fn eq(attribute: impl Into<String>, value: impl Serialize) -> Self {
        Self::compare(attribute, "=", value)
    }
    /// `attribute <> value`
    pub fn ne(attribute: impl Into<String>, value: impl Serialize) -> Self {
        Self::compare(attribute, "<>", value)
    }
    /// `attribute < value`
    pub fn lt(attribute: impl Into<String>, value: impl Serialize) -> Self {
        Self::compare(attribute, "<", value)
    }
    /// `attribute <= value`
    pub fn le(attribute: impl Into<String>, value: impl Serialize) -> Self {
        Self::compare(attribute, "<=", value)
    }
    /// `attribute > value`
    pub fn gt(attribute: impl Into<String>, value: impl Serialize) -> Self {
        Self::compare(attribute, ">", value)
    }
    /// `attribute >= value`
    pub fn ge(attribute: impl Into<String>, value: impl Serialize) -> Self {
        Self::compare(attribute, ">=", value)
    }
    /// `attribute BETWEEN low AND high`
    pub fn between(attribute: impl Into<String>, low: impl Serialize, high: impl Serialize) -> Self {
        Condition(Node::Between { attribute: attribute.into(), low: convert(low), high: convert(high) })
    }
    /// `begins_with(attribute, prefix)`
    pub fn begins_with(attribute: impl Into<String>, prefix: impl Serialize) -> Self {
        Self::function("begins_with", attribute, Some(convert(prefix)))
    }
    /// `contains(attribute, value)`
    pub fn contains(attribute: impl Into<String>, value: impl Serialize) -> Self {
        Self::function("contains", attribute, Some(convert(value)))
    }
    /// `attribute_exists(attribute)`
    pub fn exists(attribute: impl Into<String>) -> Self {
        Self::function("attribute_exists", attribute, None)
    }
    /// `attribute_not_exists(attribute)`
    pub fn not_exists(attribute: impl Into<String>) -> Self {
        Self::function("attribute_not_exists", attribute, None)
    }

    /// `attribute_type(attribute, NULL)`: the attribute is stored as `NULL` (for which
    /// `attribute_not_exists` is false).
    pub(crate) fn is_null(attribute: impl Into<String>) -> Self {
        Self::function("attribute_type", attribute, Some(Ok(AttributeValue::S("NULL".into()))))
    }

    fn function(function: &'static str, attribute: impl Into<String>, value: Option<Value>) -> Self {
        Condition(Node::Function { function, attribute: attribute.into(), value })
    }

    /// Renders the expression text, registering names and (prefixed) values in `placeholders`.
    pub(crate) fn render(&self, placeholders: &mut Placeholders, prefixes: &Prefixes) -> Result<String> {
        render(&self.0, placeholders, prefixes)
    }

    /// Joins conditions with AND; `None` for an empty list.
    pub(crate) fn all(conditions: Vec<Condition>) -> Option<Condition> {
        conditions.into_iter().reduce(|a, b| a & b)
    }
}

fn value(attribute: &str, value: &Value, placeholders: &mut Placeholders, prefixes: &Prefixes) -> Result<String> {
    match value {
        Ok(value) => Ok(placeholders.value(attribute, value.clone(), prefixes)),
        Err(message) => {
            Err(Error::Serialize { schema: "condition", message: format!("value for `{attribute}`: {message}") })
        }
    }
}

fn render(node: &Node, p: &mut Placeholders, prefixes: &Prefixes) -> Result<String> {
    Ok(match node {
        Node::Compare { attribute, op, value: v } => {
            format!("{} {op} {}", p.name(attribute), value(attribute, v, p, prefixes)?)
        }
        Node::Between { attribute, low, high } => {
            let name = p.name(attribute);
            let low = value(attribute, low, p, prefixes)?;
            let high = value(attribute, high, p, prefixes)?;
            format!("{name} BETWEEN {low} AND {high}")
        }
        Node::Function { function, attribute, value: None } => format!("{function}({})", p.name(attribute)),
        Node::Function { function, attribute, value: Some(v) } => {
            let name = p.name(attribute);
            format!("{function}({name}, {})", value(attribute, v, p, prefixes)?)
        }
        Node::And(a, b) => format!("({}) AND ({})", render(a, p, prefixes)?, render(b, p, prefixes)?),
        Node::Or(a, b) => format!("({}) OR ({})", render(a, p, prefixes)?, render(b, p, prefixes)?),
        Node::Not(a) => format!("NOT ({})", render(a, p, prefixes)?),
    })
}

impl BitAnd for Condition {
    type Output = Condition;
    fn bitand(self, rhs: Condition) -> Condition {
        Condition(Node::And(Box::new(self.0), Box::new(rhs.0)))
    }
}

impl BitOr for Condition {
    type Output = Condition;
    fn bitor(self, rhs: Condition) -> Condition {
        Condition(Node::Or(Box::new(self.0), Box::new(rhs.0)))
    }
}

impl Not for Condition {
    type Output = Condition;
    fn not(self) -> Condition {
        Condition(Node::Not(Box::new(self.0)))
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut p = Placeholders::default();
        match self.render(&mut p, &Prefixes::none()) {
            Ok(text) => write!(f, "Condition({text})"),
            Err(err) => write!(f, "Condition(<{err}>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_placeholders_and_prefixes_by_attribute() {
        let prefixes = Prefixes::none().with("pk", "t#");
        let cond = (Condition::eq("pk", "a") & Condition::begins_with("name", "x")) | !Condition::exists("data");
        let mut p = Placeholders::default();
        let text = cond.render(&mut p, &prefixes).unwrap();
        assert_eq!(text, "((#n0 = :v0) AND (begins_with(#n1, :v1))) OR (NOT (attribute_exists(#n2)))");
        let values = p.values().unwrap();
        assert_eq!(values[":v0"], AttributeValue::S("t#a".into()));
        assert_eq!(values[":v1"], AttributeValue::S("x".into()));
        let names = p.names().unwrap();
        assert_eq!(names["#n2"], "data");
    }

    #[test]
    fn between_and_numbers() {
        let mut p = Placeholders::default();
        let text = Condition::between("n", 1, 5).render(&mut p, &Prefixes::none()).unwrap();
        assert_eq!(text, "#n0 BETWEEN :v0 AND :v1");
        assert_eq!(p.values().unwrap()[":v1"], AttributeValue::N("5".into()));
    }
}
