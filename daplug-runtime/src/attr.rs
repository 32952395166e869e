//! Attribute paths in expressions: a top-level name, or a path into maps and lists
//! (`customer.email`, `line_items[1].qty`), given as a plain string or as a typed [`Field`] that
//! generated models provide (`Order::STATUS`), so a misspelt name or a value of the wrong type is a
//! compile error instead of an empty result.
//!
//! Every segment is rendered through a name placeholder (`#n0.#n1[1]`), so reserved words and names
//! with dots or spaces need no escaping.
//!
//! Its steps are the codec's one path type ([`Step`], `codec/path.rs`), rendered by its one renderer.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;

use crate::codec::path::{write_below, Step};

/// The path of an attribute in an item: a top-level name, then map fields and list positions.
///
/// A plain string is always **one top-level name**, even when it contains dots (DynamoDB allows
/// `a.b` as a name); nested paths are built with [`field`](AttrPath::field) and
/// [`index`](AttrPath::index), or come from a generated model's [`Field`]s.
///
/// ```
/// use daplug_runtime::{AttrPath, Condition};
/// let email = AttrPath::new("customer").field("email");
/// let first_qty = AttrPath::new("line_items").index(0).field("qty");
/// assert_eq!(email.to_string(), "customer.email");
/// assert_eq!(first_qty.to_string(), "line_items[0].qty");
/// let _ = Condition::eq(first_qty, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath {
    top: Cow<'static, str>,
    rest: Vec<Step>,
}

impl AttrPath {
    /// The path of the top-level attribute `name`.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        AttrPath { top: name.into(), rest: Vec::new() }
    }

    /// A top-level attribute, usable in constants (generated fields are built with it).
    pub const fn constant(name: &'static str) -> Self {
        AttrPath { top: Cow::Borrowed(name), rest: Vec::new() }
    }

    /// The map entry `name` below this path.
    pub fn field(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.rest.push(Step::Key(name.into()));
        self
    }

    /// The list element at `index` below this path.
    pub fn index(mut self, index: usize) -> Self {
        self.rest.push(Step::Index(index));
        self
    }

    /// The top-level attribute this path starts at.
    pub fn top_level(&self) -> &str {
        &self.top
    }

    /// `true` when the path is just a top-level attribute.
    pub fn is_top_level(&self) -> bool {
        self.rest.is_empty()
    }

    /// The steps below the top-level attribute (keys and indexes only).
    pub(crate) fn steps(&self) -> &[Step] {
        &self.rest
    }

    fn join(mut self, next: AttrPath) -> Self {
        self.rest.push(Step::Key(next.top));
        self.rest.extend(next.rest);
        self
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_below(f, &self.top, &self.rest)
    }
}

impl From<&str> for AttrPath {
    fn from(name: &str) -> Self {
        AttrPath::new(name.to_owned())
    }
}

impl From<String> for AttrPath {
    fn from(name: String) -> Self {
        AttrPath::new(name)
    }
}

impl From<&String> for AttrPath {
    fn from(name: &String) -> Self {
        AttrPath::new(name.clone())
    }
}

/// A typed attribute of `P` (a generated model or one of its nested objects) whose values are `T`.
///
/// Generated types carry one constant per property (`Order::STATUS`, `Customer::EMAIL`); nested
/// paths chain them ([`then`](Field::then)), list elements and map entries are reached with
/// [`at`](Field::at) and [`key`](Field::key). For an optional property `T` is the type of the value
/// when present.
///
/// ```
/// use daplug_runtime::{Condition, Field};
/// # struct Order;
/// # struct Customer;
/// // What `schema!` generates for `Order { customer: Customer }` and `Customer { email: String }`:
/// impl Order {
///     const CUSTOMER: Field<Order, Customer> = Field::new("customer");
/// }
/// impl Customer {
///     const EMAIL: Field<Customer, String> = Field::new("email");
/// }
/// let by_email = Condition::eq(Order::CUSTOMER.then(Customer::EMAIL), "a@example.com");
/// assert_eq!(format!("{by_email:?}"), "Condition(#n0.#n1 = :v0)");
/// ```
///
/// A value of the wrong type does not compile:
///
/// ```compile_fail
/// # use daplug_runtime::{Condition, Field};
/// # struct Order;
/// # impl Order { const QTY: Field<Order, i64> = Field::new("qty"); }
/// let _ = Condition::eq(Order::QTY, "three");
/// ```
pub struct Field<P, T> {
    path: AttrPath,
    types: PhantomData<fn() -> (P, T)>,
}

impl<P, T> Field<P, T> {
    /// The top-level attribute `name` of `P` (what generated constants call).
    pub const fn new(name: &'static str) -> Self {
        Field { path: AttrPath::constant(name), types: PhantomData }
    }

    /// The field `next` of this field's value: `Order::CUSTOMER.then(Customer::EMAIL)`.
    pub fn then<U>(self, next: Field<T, U>) -> Field<P, U> {
        Field { path: self.path.join(next.path), types: PhantomData }
    }

    /// The path this field addresses.
    pub fn path(&self) -> &AttrPath {
        &self.path
    }
}

impl<P, T> Field<P, Vec<T>> {
    /// The list element at `index`.
    pub fn at(self, index: usize) -> Field<P, T> {
        Field { path: self.path.index(index), types: PhantomData }
    }
}

impl<P, T> Field<P, BTreeMap<String, T>> {
    /// The map entry `key`.
    pub fn key(self, key: impl Into<Cow<'static, str>>) -> Field<P, T> {
        Field { path: self.path.field(key), types: PhantomData }
    }
}

impl<P, T> Clone for Field<P, T> {
    fn clone(&self) -> Self {
        Field { path: self.path.clone(), types: PhantomData }
    }
}

impl<P, T> fmt::Debug for Field<P, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({})", self.path)
    }
}

impl<P, T> From<Field<P, T>> for AttrPath {
    fn from(field: Field<P, T>) -> Self {
        field.path
    }
}

/// Anything that names an attribute: a string (one top-level name), an [`AttrPath`] or a [`Field`].
pub trait Attribute {
    /// The path named.
    fn into_path(self) -> AttrPath;
}

impl<A: Into<AttrPath>> Attribute for A {
    fn into_path(self) -> AttrPath {
        self.into()
    }
}

/// An attribute that can be compared with (or set to) a `V`: strings and [`AttrPath`]s take any
/// `Serialize` value, a [`Field<P, T>`] only values that convert into its `T`, so
/// `Condition::eq(Order::QTY, "three")` does not compile.
pub trait AttributeOf<V>: Attribute {
    /// What is written into the request: `V` itself for a name, `V` converted into the field's
    /// type for a [`Field`] (so it is stored exactly as the model stores it).
    type Stored: Serialize;

    /// The value as the attribute stores it.
    fn stored(value: V) -> Self::Stored;
}

macro_rules! untyped {
    ($($name:ty),*) => {$(
        impl<V: Serialize> AttributeOf<V> for $name {
            type Stored = V;
            fn stored(value: V) -> V {
                value
            }
        }
    )*};
}

untyped!(&str, String, &String, AttrPath);

impl<P, T: Serialize, V: Into<T>> AttributeOf<V> for Field<P, T> {
    type Stored = T;
    fn stored(value: V) -> T {
        value.into()
    }
}

/// An attribute that a request on model `M` may name: any string or [`AttrPath`], and the
/// [`Field`]s of `M` (not another model's).
pub trait AttributeIn<M>: Attribute {}

impl<M> AttributeIn<M> for &str {}
impl<M> AttributeIn<M> for String {}
impl<M> AttributeIn<M> for &String {}
impl<M> AttributeIn<M> for AttrPath {}
impl<M, T> AttributeIn<M> for Field<M, T> {}

/// A secondary index of model `M`: its name as a string, or the generated index enum
/// (`OrderIndex::StatusIndex`) that lists `M`'s indexes.
pub trait IndexOf<M> {
    /// The index name.
    fn index_name(self) -> String;
}

impl<M> IndexOf<M> for &str {
    fn index_name(self) -> String {
        self.to_owned()
    }
}

impl<M> IndexOf<M> for String {
    fn index_name(self) -> String {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Order;
    struct Customer;

    #[test]
    fn fields_chain_into_paths() {
        const CUSTOMER: Field<Order, Customer> = Field::new("customer");
        const EMAIL: Field<Customer, String> = Field::new("email");
        const LINES: Field<Order, Vec<Customer>> = Field::new("line_items");
        assert_eq!(CUSTOMER.then(EMAIL).path().to_string(), "customer.email");
        assert_eq!(LINES.at(2).then(EMAIL).path().to_string(), "line_items[2].email");
        let path: AttrPath = "a.b".into();
        assert!(path.is_top_level(), "a string is one name, dots included");
    }

    #[test]
    fn typed_values_convert_into_the_field_type() {
        let qty: i64 = <Field<Order, i64> as AttributeOf<i32>>::stored(3);
        assert_eq!(qty, 3);
        let name: String = <Field<Order, String> as AttributeOf<&str>>::stored("x");
        assert_eq!(name, "x");
    }
}
