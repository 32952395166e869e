//! Typed conditions for key conditions and filters, rendered through placeholders.

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use super::{attribute_value, Placeholders};
use crate::attr::{AttrPath, Attribute, AttributeOf};
use crate::error::{Error, Result};
use crate::prefix::Prefixes;

/// A condition on attributes (top-level names, [`AttrPath`]s or typed [`Field`](crate::Field)s): comparisons, `begins_with`, `between`, existence and
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
    Compare {
        attribute: AttrPath,
        op: &'static str,
        value: Value,
    },
    Between {
        attribute: AttrPath,
        low: Value,
        high: Value,
    },
    Function {
        function: &'static str,
        attribute: AttrPath,
        value: Option<Value>,
    },
    /// `attribute_type(path, :v)`: the type code is never prefixed.
    Type {
        attribute: AttrPath,
        type_code: &'static str,
    },
    /// `size(path) op :v`
    Size {
        attribute: AttrPath,
        op: &'static str,
        size: usize,
    },
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
    fn compare<V, A: AttributeOf<V>>(attribute: A, op: &'static str, value: V) -> Self {
        Condition(Node::Compare { op, value: attribute_value::<V, A>(value), attribute: attribute.into_path() })
    }

    /// `attribute = value`
    pub fn eq<V, A: AttributeOf<V>>(attribute: A, value: V) -> Self {
        Self::compare(attribute, "=", value)
    }
    /// `attribute = value` for a value that already is an attribute value (a lock's).
    pub(crate) fn eq_value(attribute: impl Attribute, value: AttributeValue) -> Self {
        Condition(Node::Compare { op: "=", value: Ok(value), attribute: attribute.into_path() })
    }
    /// `attribute <> value`
    pub fn ne<V, A: AttributeOf<V>>(attribute: A, value: V) -> Self {
        Self::compare(attribute, "<>", value)
    }
    /// `attribute < value`
    pub fn lt<V, A: AttributeOf<V>>(attribute: A, value: V) -> Self {
        Self::compare(attribute, "<", value)
    }
    /// `attribute <= value`
    pub fn le<V, A: AttributeOf<V>>(attribute: A, value: V) -> Self {
        Self::compare(attribute, "<=", value)
    }
    /// `attribute > value`
    pub fn gt<V, A: AttributeOf<V>>(attribute: A, value: V) -> Self {
        Self::compare(attribute, ">", value)
    }
    /// `attribute >= value`
    pub fn ge<V, A: AttributeOf<V>>(attribute: A, value: V) -> Self {
        Self::compare(attribute, ">=", value)
    }
    /// `attribute BETWEEN low AND high`
    pub fn between<V, A: AttributeOf<V>>(attribute: A, low: V, high: V) -> Self {
        let (low, high) = (attribute_value::<V, A>(low), attribute_value::<V, A>(high));
        Condition(Node::Between { attribute: attribute.into_path(), low, high })
    }
    /// `begins_with(attribute, prefix)`
    pub fn begins_with<V, A: AttributeOf<V>>(attribute: A, prefix: V) -> Self {
        let prefix = attribute_value::<V, A>(prefix);
        Self::function("begins_with", attribute, Some(prefix))
    }
    /// `contains(attribute, value)`: a substring of a string, an element of a list or set. The
    /// value is not checked against a typed field's type (it is usually an element of it).
    pub fn contains(attribute: impl Attribute, value: impl Serialize) -> Self {
        Self::function("contains", attribute, Some(convert(value)))
    }
    /// `attribute_exists(attribute)`
    pub fn exists(attribute: impl Attribute) -> Self {
        Self::function("attribute_exists", attribute, None)
    }
    /// `attribute_not_exists(attribute)`
    pub fn not_exists(attribute: impl Attribute) -> Self {
        Self::function("attribute_not_exists", attribute, None)
    }

    /// `attribute_type(attribute, NULL)`: the attribute is stored as `NULL` (for which
    /// `attribute_not_exists` is false).
    pub(crate) fn is_null(attribute: impl Attribute) -> Self {
        Self::has_type(attribute, "NULL")
    }

    /// `attribute_type(attribute, type_code)`: the attribute is stored with this DynamoDB type
    /// (`"M"`, `"L"`, `"N"`, `"SS"`, `"NULL"`, ...).
    pub(crate) fn has_type(attribute: impl Attribute, type_code: &'static str) -> Self {
        Condition(Node::Type { attribute: attribute.into_path(), type_code })
    }

    /// `size(attribute) = size`: the length of a string (in bytes), binary, list, map or set.
    pub(crate) fn size_eq(attribute: impl Attribute, size: usize) -> Self {
        Condition(Node::Size { attribute: attribute.into_path(), op: "=", size })
    }

    fn function(function: &'static str, attribute: impl Attribute, value: Option<Value>) -> Self {
        Condition(Node::Function { function, attribute: attribute.into_path(), value })
    }

    /// Renders the expression text, registering names and (prefixed) values in `placeholders`.
    pub(crate) fn render(&self, placeholders: &mut Placeholders, prefixes: &Prefixes) -> Result<String> {
        render(&self.0, placeholders, prefixes)
    }

    /// Every attribute path the condition names, in the order it names them.
    pub(crate) fn attributes(&self) -> Vec<&AttrPath> {
        fn walk<'a>(node: &'a Node, out: &mut Vec<&'a AttrPath>) {
            match node {
                Node::Compare { attribute, .. }
                | Node::Between { attribute, .. }
                | Node::Function { attribute, .. }
                | Node::Type { attribute, .. }
                | Node::Size { attribute, .. } => out.push(attribute),
                Node::And(a, b) | Node::Or(a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Node::Not(a) => walk(a, out),
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out
    }

    /// The value the top-level attribute `attribute` must equal for this condition to hold, when the
    /// condition says so outright: `attribute = value`, alone or ANDed with other conditions (the
    /// partition a query's key condition names). `None` otherwise, and for a value that did not
    /// convert (rendering reports it).
    pub(crate) fn required_value(&self, attribute: &str) -> Option<&AttributeValue> {
        fn walk<'a>(node: &'a Node, attribute: &str) -> Option<&'a AttributeValue> {
            match node {
                Node::Compare { attribute: path, op: "=", value: Ok(value) }
                    if path.is_top_level() && path.top_level() == attribute =>
                {
                    Some(value)
                }
                Node::And(a, b) => walk(a, attribute).or_else(|| walk(b, attribute)),
                _ => None,
            }
        }
        walk(&self.0, attribute)
    }

    /// Joins conditions with AND; `None` for an empty list.
    pub(crate) fn all(conditions: Vec<Condition>) -> Option<Condition> {
        conditions.into_iter().reduce(|a, b| a & b)
    }
}

fn value(attribute: &AttrPath, value: &Value, placeholders: &mut Placeholders, prefixes: &Prefixes) -> Result<String> {
    match value {
        Ok(value) => Ok(placeholders.path_value(attribute, value.clone(), prefixes)),
        Err(message) => {
            Err(Error::Serialize { schema: "condition", message: format!("value for `{attribute}`: {message}") })
        }
    }
}

fn render(node: &Node, p: &mut Placeholders, prefixes: &Prefixes) -> Result<String> {
    Ok(match node {
        Node::Compare { attribute, op, value: v } => {
            format!("{} {op} {}", p.path(attribute), value(attribute, v, p, prefixes)?)
        }
        Node::Between { attribute, low, high } => {
            let name = p.path(attribute);
            let low = value(attribute, low, p, prefixes)?;
            let high = value(attribute, high, p, prefixes)?;
            format!("{name} BETWEEN {low} AND {high}")
        }
        Node::Function { function, attribute, value: None } => format!("{function}({})", p.path(attribute)),
        Node::Function { function, attribute, value: Some(v) } => {
            let name = p.path(attribute);
            format!("{function}({name}, {})", value(attribute, v, p, prefixes)?)
        }
        Node::Type { attribute, type_code } => {
            let name = p.path(attribute);
            let code = p.value(attribute.top_level(), AttributeValue::S((*type_code).to_owned()), &Prefixes::none());
            format!("attribute_type({name}, {code})")
        }
        Node::Size { attribute, op, size } => {
            let name = p.path(attribute);
            let size = p.value(attribute.top_level(), AttributeValue::N(size.to_string()), &Prefixes::none());
            format!("size({name}) {op} {size}")
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
    fn attributes_are_listed_in_order_through_and_or_not() {
        let condition =
            (Condition::eq("a", 1) | !Condition::exists(AttrPath::new("b").field("c"))) & Condition::between("d", 1, 2);
        let tops: Vec<&str> = condition.attributes().iter().map(|path| path.top_level()).collect();
        assert_eq!(tops, ["a", "b", "d"]);
    }

    #[test]
    fn required_values_are_equalities_at_the_top_or_under_and() {
        let s = |v: &str| AttributeValue::S(v.to_owned());
        let key = Condition::eq("pk", "a") & Condition::begins_with("sk", "x");
        assert_eq!(key.required_value("pk"), Some(&s("a")));
        assert_eq!(key.required_value("sk"), None, "begins_with names no single value");
        assert_eq!((Condition::gt("sk", "b") & Condition::eq("pk", "c")).required_value("pk"), Some(&s("c")));
        assert_eq!((Condition::eq("pk", "a") | Condition::eq("pk", "b")).required_value("pk"), None);
        assert_eq!((!Condition::eq("pk", "a")).required_value("pk"), None);
        assert_eq!(Condition::eq(AttrPath::new("pk").field("x"), "a").required_value("pk"), None);
    }

    #[test]
    fn between_and_numbers() {
        let mut p = Placeholders::default();
        let text = Condition::between("n", 1, 5).render(&mut p, &Prefixes::none()).unwrap();
        assert_eq!(text, "#n0 BETWEEN :v0 AND :v1");
        assert_eq!(p.values().unwrap()[":v1"], AttributeValue::N("5".into()));
    }

    #[test]
    fn types_and_sizes_are_never_prefixed() {
        let prefixes = Prefixes::none().with("pk", "t#");
        let mut p = Placeholders::default();
        let cond = Condition::has_type("pk", "M") & Condition::size_eq("pk", 3);
        let text = cond.render(&mut p, &prefixes).unwrap();
        assert_eq!(text, "(attribute_type(#n0, :v0)) AND (size(#n0) = :v1)");
        let values = p.values().unwrap();
        assert_eq!(values[":v0"], AttributeValue::S("M".into()));
        assert_eq!(values[":v1"], AttributeValue::N("3".into()));
    }
}
