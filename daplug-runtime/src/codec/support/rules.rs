//! The constraints of a schema on the values of a generated type ([`Rules`]), and where they are
//! checked:
//! - **reading JSON** (`Deserialize`, so `from_json` and `serde_json::from_str` alike): each field
//!   as it is read (`checked.rs`), so the error is at the field's path, and inside it where a list's
//!   or a map's element breaks a rule (`seats[2]`);
//! - **writing** (`Model::to_item`, behind every write): [`Validate`], generated for each type that
//!   has constraints or holds one that has, checks the model before anything is sent;
//! - **an update in one request**: the patch's top-level attributes (`checked.rs`).
//!
//! Items read from the table are not checked: data written before a constraint existed stays
//! readable (the README says so). A type without constraints generates no check code and pays
//! nothing here. The checks themselves are `daplug-rules`', shared with `payload!`.

use std::cell::Cell;
use std::fmt;

use crate::codec::path::{render, Step};
use daplug_rules::{Bound, Format};

/// What a schema asks of a value beyond its type: JSON Schema's validation keywords. A generated
/// type lists them as constants (`StructDef::RULES`); every field is `None` / empty when the schema
/// says nothing of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// `minimum` (or 3.1's numeric `exclusiveMinimum`, or 3.0's `minimum` with `exclusiveMinimum: true`).
    pub minimum: Option<Bound<'static>>,
    /// `maximum`, likewise.
    pub maximum: Option<Bound<'static>>,
    /// `multipleOf` (several when an `allOf` has several).
    pub multiple_of: &'static [&'static str],
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `pattern`s (ECMA-262; all must match).
    pub patterns: &'static [&'static str],
    /// A checked `format`.
    pub format: Option<Format>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties` (of a map).
    pub min_properties: Option<usize>,
    /// `maxProperties` (of a map).
    pub max_properties: Option<usize>,
    /// The rules of a list's items.
    pub items: Option<&'static Rules>,
    /// The rules of a map's values.
    pub values: Option<&'static Rules>,
    /// The rules of a map's keys (`propertyNames`, `patternProperties`' patterns).
    pub keys: Option<&'static Rules>,
}

impl Rules {
    /// No rule: the start of a constant that sets the few that apply (`..Rules::NONE`).
    pub const NONE: Rules = Rules {
        minimum: None,
        maximum: None,
        multiple_of: &[],
        min_length: None,
        max_length: None,
        patterns: &[],
        format: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        min_properties: None,
        max_properties: None,
        items: None,
        values: None,
        keys: None,
    };
}

/// A rule a value breaks: the message, and where inside the value checked (innermost first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub(super) steps: Vec<Step>,
    pub(super) message: String,
}

impl Violation {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Violation { steps: Vec::new(), message: message.into() }
    }

    /// The same violation one step further out.
    pub(crate) fn at(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The same violation inside the field `name`.
    pub fn in_field(self, name: &'static str) -> Self {
        self.at(Step::key(name))
    }

    /// The path to the value at fault (`seats[2]`; `.` for the value checked itself).
    pub fn path(&self) -> String {
        render(&self.steps)
    }

    /// What rule it breaks (`0 is less than the minimum 1`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Violation {}

thread_local! {
    /// Set while an item is read through serde: items are not checked (see the module docs).
    pub(super) static READING_ITEMS: Cell<bool> = const { Cell::new(false) };
}

/// `read`, an item read through serde, with the constraints not checked, whatever reads the item's
/// values (serde's own impls, a generated struct's).
pub(crate) fn reading_items<T>(read: impl FnOnce() -> T) -> T {
    /// Puts the flag back however `read` ends.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            READING_ITEMS.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(READING_ITEMS.with(|flag| flag.replace(true)));
    read()
}

/// A value whose constraints (and those of what it holds) can be checked before it is written.
/// `schema!` implements it for each type that has constraints or holds one that has.
pub trait Validate {
    /// The first rule the value breaks, with its path.
    fn validate(&self) -> Result<(), Violation>;
}

impl<T: Validate> Validate for Option<T> {
    #[inline]
    fn validate(&self) -> Result<(), Violation> {
        self.as_ref().map_or(Ok(()), Validate::validate)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    #[inline]
    fn validate(&self) -> Result<(), Violation> {
        (**self).validate()
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self) -> Result<(), Violation> {
        self.iter().enumerate().try_for_each(|(i, v)| v.validate().map_err(|err| err.at(Step::Index(i))))
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate(&self) -> Result<(), Violation> {
        self.iter().try_for_each(|(k, v)| v.validate().map_err(|err| err.at(Step::key(k.clone()))))
    }
}
