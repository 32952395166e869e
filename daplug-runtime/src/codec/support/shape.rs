//! What a generated type declares about itself, once, for the generic code that reads and writes
//! it: a struct its name, its fields' wire names and types ([`StructDef`]), a string enum its
//! variants ([`UnitEnum`]).

use std::fmt;
use std::marker::PhantomData;

/// A required field of type `T`: absent when read, it is serde's `missing field` error (or `None`,
/// when `T` is an `Option`, as serde has it).
#[derive(Debug)]
pub struct Required<T>(PhantomData<T>);

/// An optional field (`Option<T>`, serde's `default` and `skip_serializing_if = "Option::is_none"`):
/// absent, it is `None`.
#[derive(Debug)]
pub struct Optional<T>(PhantomData<T>);

/// A required field of a companion type (`<Name>Key`), read through serde alone (its type need not
/// have an item decoder: a hand-written model's key may be of any type): absent, it is serde's
/// `missing field` error.
#[derive(Debug)]
pub struct KeyPart<T>(PhantomData<T>);

/// A field of a companion patch (`<Name>Patch`), read through serde alone: absent, it is `None`;
/// given, it is `Some` of the value as `T` reads it. With `T = Option<U>` (a field the model may
/// leave out) a `null` is `Some(None)`: the patch clears the field, where absence leaves it.
#[derive(Debug)]
pub struct Given<T>(PhantomData<T>);

/// A struct's fields: a [`Required`], [`Optional`], [`KeyPart`] or [`Given`] field, or a tuple of up to eight
/// `FieldList`s (a struct with more than eight fields has tuples of tuples).
pub trait FieldList {
    /// How many fields.
    const COUNT: usize;
    /// The fields' values, in the shape of `Self`.
    type Values;
}

impl<T> FieldList for Required<T> {
    const COUNT: usize = 1;
    type Values = T;
}

impl<T> FieldList for Optional<T> {
    const COUNT: usize = 1;
    type Values = Option<T>;
}

impl<T> FieldList for KeyPart<T> {
    const COUNT: usize = 1;
    type Values = T;
}

impl<T> FieldList for Given<T> {
    const COUNT: usize = 1;
    type Values = Option<T>;
}

impl FieldList for () {
    const COUNT: usize = 0;
    type Values = ();
}

/// Calls `$each!` for the tuples of one to eight elements, each element a type parameter and its
/// position: the field-list impls (here, in `de.rs` and in the codec's `decode.rs`) are written once
/// per arity through this.
macro_rules! each_tuple {
    ($each:ident) => {
        $each!(A 0);
        $each!(A 0, B 1);
        $each!(A 0, B 1, C 2);
        $each!(A 0, B 1, C 2, D 3);
        $each!(A 0, B 1, C 2, D 3, E 4);
        $each!(A 0, B 1, C 2, D 3, E 4, F 5);
        $each!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
        $each!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    };
}

pub(crate) use each_tuple;

macro_rules! tuple_list {
    ($($field:ident $at:tt),+) => {
        impl<$($field: FieldList),+> FieldList for ($($field,)+) {
            const COUNT: usize = 0 $(+ $field::COUNT)+;
            type Values = ($($field::Values,)+);
        }
    };
}

each_tuple!(tuple_list);

/// A struct `schema!` generates, as it describes itself: serde's `Deserialize` and daplug's item
/// decoder read it through this.
pub trait StructDef: Sized {
    /// The struct's name (serde's `deserialize_struct` name, and `struct <NAME>` in errors).
    const NAME: &'static str;
    /// The fields' wire names in declaration order.
    const FIELDS: &'static [&'static str];
    /// The fields' types, as [`Required`] / [`Optional`], in declaration order.
    type Fields: FieldList;
    /// The struct from its fields' values.
    fn build(values: <Self::Fields as FieldList>::Values) -> Self;
    /// The position of the field whose wire name is `key`. Generated as a `match` on the names,
    /// which the compiler turns into a switch on the length and a few word compares (as for the
    /// derive's field identifiers): a table scanned at run time took a fifth longer to read JSON.
    fn field_index(key: &[u8]) -> Option<usize>;
    /// Whether JSON naming a field the struct does not have is refused (the schema's
    /// `additionalProperties: false`), as serde's `deny_unknown_fields` refuses it. Items read from
    /// the table skip such attributes either way: other writers may add attributes.
    const DENY_UNKNOWN: bool = false;
    /// The constraints of each field, by position (`None`: none); empty when no field has any,
    /// so a struct without constraints checks nothing.
    const RULES: &'static [Option<&'static super::rules::Rules>] = &[];
    /// The positions of the fields JSON may not give (a patch's key attributes: the key is given
    /// apart, and a patch cannot change it); giving one is an error at its path.
    const REFUSED: &'static [usize] = &[];
}

/// The wire name at `index` of `names` (empty past the end, which the generated tables never reach).
#[inline]
pub(crate) fn name(names: &'static [&'static str], index: usize) -> &'static str {
    names.get(index).copied().unwrap_or_default()
}

/// A string enum `schema!` generates (unit variants only), as it describes itself.
pub trait UnitEnum: Copy + 'static {
    /// The enum's name.
    const NAME: &'static str;
    /// The variants' wire names, in declaration order.
    const VARIANTS: &'static [&'static str];
    /// The variants' Rust names, in declaration order (their `Debug`).
    const IDENTS: &'static [&'static str];
    /// The variants, in declaration order.
    const ALL: &'static [Self];
    /// The position of this variant (its discriminant).
    fn index(self) -> usize;
    /// The position of the variant whose wire name is `key` (a `match`, as [`StructDef::field_index`]).
    fn variant_index(key: &[u8]) -> Option<usize>;
}

/// `Debug` for a string enum: its variant's Rust name, as the derive prints it.
#[inline]
pub fn debug_unit_enum<E: UnitEnum>(value: E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(name(E::IDENTS, value.index()))
}

/// The wire text of a string enum's variant (what it is written as).
#[inline]
pub fn unit_text<E: UnitEnum>(value: E) -> &'static str {
    name(E::VARIANTS, value.index())
}

/// A text that names no variant of a string enum `schema!` generated: the error of its `FromStr`
/// (`"shipped".parse::<OrderStatus>()`), with serde's message for the same mistake.
///
/// ```
/// # use daplug_runtime::UnknownVariant;
/// let err = UnknownVariant { value: "lost".into(), expected: &["open", "closed"] };
/// assert_eq!(err.to_string(), "unknown variant `lost`, expected one of `open`, `closed`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant {
    /// The text given.
    pub value: String,
    /// The variants' wire texts.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown variant `{}`, ", self.value)?;
        match self.expected {
            [] => f.write_str("there are no variants"),
            [one] => write!(f, "expected `{one}`"),
            [first, rest @ ..] => {
                write!(f, "expected one of `{first}`")?;
                rest.iter().try_for_each(|name| write!(f, ", `{name}`"))
            }
        }
    }
}

impl std::error::Error for UnknownVariant {}

/// A string enum's variant from its wire text (its `FromStr`).
#[inline]
pub fn parse_unit_enum<E: UnitEnum>(text: &str) -> Result<E, UnknownVariant> {
    E::variant_index(text.as_bytes())
        .and_then(|index| E::ALL.get(index).copied())
        .ok_or_else(|| UnknownVariant { value: text.to_owned(), expected: E::VARIANTS })
}

/// A string enum's `Display`: its wire text (padded as `str` pads).
#[inline]
pub fn display_unit_enum<E: UnitEnum>(value: E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.pad(unit_text(value))
}
