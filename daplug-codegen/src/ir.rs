//! The model between reading (a spec or a struct) and writing tokens.
//!
//! `schema!` lowers a spec into a [`Module`], `#[derive(DaplugModel)]` builds a [`Struct`] from a
//! syn struct, and `emit/` writes both the same way, so the generated Model/Key/Patch surface cannot
//! drift between the two front ends. Every node keeps its origin (a JSON pointer) so later checks
//! (`payload!`, the derive's schema check) can name it in messages.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::Span;

/// A Rust type as generated code spells it (always through absolute paths, see `emit/`).
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `String` (also `format: date-time`).
    String,
    /// `i64` (`integer`).
    I64,
    /// `i32` (`integer`, `format: int32`).
    I32,
    /// `u64` (`integer`, `format: uint64`, or a range from 0 past `i64::MAX`).
    U64,
    /// `u32` (`integer`, `format: uint32`).
    U32,
    /// `f64` (`number`).
    F64,
    /// `f32` (`number`, `format: float`).
    F32,
    /// `daplug_runtime::Decimal`, an exact number that keeps its text (`number`, `format: decimal`,
    /// or every `number` under the root's `x-daplug: {numbers: decimal}`).
    Decimal,
    /// `bool`.
    Bool,
    /// `()`: a schema whose only value is `null` (`type: "null"`, `enum: [null]`, `const: null`).
    Null,
    /// `daplug_runtime::Nothing`, which has no values: a schema no value satisfies (`false`,
    /// `not: {}`, `enum: []`).
    Nothing,
    /// `serde_json::Value`: schema-less values.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`: `type: object` without properties (any
    /// object, and only objects).
    Object,
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `(A, B, ...)`: a closed tuple (`prefixItems` with `items: false`, or `items: [...]` with
    /// `additionalItems: false`): exactly these positions.
    Tuple(Vec<Ty>),
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<Ty>),
    /// `Option<T>` in a position that is not a field (nullable array items, aliases).
    Option(Box<Ty>),
    /// `Box<T>`: breaks a recursive cycle.
    Boxed(Box<Ty>),
    /// A generated type, by Rust name.
    Named(String),
    /// A type written by the user (derive input), emitted verbatim.
    Rust(Box<syn::Type>),
}

impl Ty {
    /// Pushes the generated types this type names (inside lists, maps, options and boxes).
    fn named<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Ty::Named(name) => out.push(name),
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => inner.named(out),
            Ty::Tuple(items) => items.iter().for_each(|t| t.named(out)),
            _ => {}
        }
    }

    /// The type with one `Option`/`Box` layer removed, for key fields.
    pub fn strip_option(&self) -> &Ty {
        match self {
            Ty::Option(inner) => inner,
            other => other,
        }
    }
}

/// One struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Attribute name on the wire (after serde renames).
    pub wire_name: String,
    /// Rust identifier (without `r#`).
    pub ident: String,
    /// Type without the `Option` that `optional` adds.
    pub ty: Ty,
    /// Emitted as `Option<ty>` with `#[serde(default, skip_serializing_if = "Option::is_none")]`.
    pub optional: bool,
    /// Doc text (the property's `description`).
    pub doc: Option<String>,
    /// The constraints on the field's value (`None`: none).
    pub rules: Option<Rules>,
    /// The field's type has constraints of its own somewhere inside (a struct that validates, in a
    /// list, a map, an option): checked through its `Validate`.
    pub validates: bool,
    /// JSON pointer of the property (empty for derive input).
    pub pointer: String,
    /// Where the field was written (derive input); the macro call site otherwise.
    pub span: Span,
    /// The schema's `default`, checked against the field's type and constraints: an absent field
    /// reads as it (the field is then not `optional`, and always written).
    pub default: Option<Literal>,
}

/// A value as generated code builds it (a field's `default`), already checked against its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string.
    Str(String),
    /// An integer, as written (the field's integer type).
    Int(String),
    /// A float, as written.
    Float(String),
    /// An exact decimal, as written.
    Decimal(String),
    /// A boolean.
    Bool(bool),
    /// `()`.
    Unit,
    /// `Some(...)`, for a nullable list item.
    Some(Box<Literal>),
    /// `None`, for a nullable list item.
    None,
    /// A unit variant of a generated enum.
    Variant {
        /// The enum's Rust name.
        ty: String,
        /// The variant's Rust name.
        variant: String,
    },
    /// A generated newtype around a value.
    Newtype {
        /// The newtype's Rust name.
        ty: String,
        /// The value it holds.
        inner: Box<Literal>,
    },
    /// A `Vec`.
    List(Vec<Literal>),
    /// A tuple.
    Tuple(Vec<Literal>),
    /// An empty `BTreeMap`.
    EmptyMap,
    /// An empty `serde_json::Map`.
    EmptyObject,
    /// A `serde_json::Value`.
    Json(crate::value::Value),
}

/// A struct, possibly a model.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Rust name.
    pub name: String,
    /// Doc text.
    pub doc: String,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
    /// JSON pointer of the schema (empty for derive input).
    pub pointer: String,
    /// Set for top-level schemas and derive input: emit `Model`, `Key`, `Patch`, conversions.
    pub model: Option<KeyMeta>,
    /// JSON naming a field the struct does not have is refused (`additionalProperties: false`).
    pub deny_unknown: bool,
    /// The struct has constraints, or holds a type that has: it is checked before it is written.
    pub validates: bool,
    /// Visibility of the derive input, reused for `Key`/`Patch` so a private struct does not get
    /// public companions exposing private field types; `None` (generated structs) means `pub`.
    pub vis: Option<syn::Visibility>,
    /// Rust names of the companion types (`<Name>Key`, `<Name>Patch`, or what they gave way to).
    pub companions: Companions,
}

/// The Rust names of a model's key and patch types.
#[derive(Debug, Clone, Default)]
pub struct Companions {
    /// `<Name>Key` unless that name belongs to a schema.
    pub key: String,
    /// `<Name>Patch` unless that name belongs to a schema.
    pub patch: String,
    /// `<Name>Index` (the enum of a model's secondary indexes) unless that name belongs to a
    /// schema; emitted only for a model with indexes.
    pub index: String,
}

impl Companions {
    /// The default names for a model named `name`.
    pub fn of(name: &str) -> Companions {
        Companions { key: format!("{name}Key"), patch: format!("{name}Patch"), index: format!("{name}Index") }
    }
}

/// What a schema asks of a value beyond its type: JSON Schema's validation keywords, merged
/// across the `$ref`s and `allOf` members the value's type comes through (the strictest bound
/// wins; several patterns must all match). Checked by the runtime (`daplug_runtime`'s `Rules`) and
/// by `payload!`, through `daplug-rules`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    /// `minimum` (its text) and whether it is exclusive.
    pub minimum: Option<(String, bool)>,
    /// `maximum` (its text) and whether it is exclusive.
    pub maximum: Option<(String, bool)>,
    /// `multipleOf`s.
    pub multiple_of: Vec<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern`s.
    pub patterns: Vec<String>,
    /// A checked `format`.
    pub format: Option<daplug_rules::Format>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<usize>,
    /// `maxProperties`.
    pub max_properties: Option<usize>,
    /// The rules of a list's items.
    pub items: Option<Box<Rules>>,
    /// The rules of a map's values.
    pub values: Option<Box<Rules>>,
    /// The rules of a map's keys (`propertyNames`, `patternProperties`' patterns).
    pub keys: Option<Box<Rules>>,
}

impl Rules {
    /// No rule at all.
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }
}

/// A string enum value.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust variant name.
    pub ident: String,
    /// Value on the wire.
    pub wire: String,
}

/// An integer enum value (`enum: [1, 2]` or `oneOf: [{const: 1, title: A}, ...]`).
#[derive(Debug, Clone)]
pub struct IntVariant {
    /// Rust variant name (from the `title`, else from the value).
    pub ident: String,
    /// Value on the wire.
    pub value: i64,
    /// Doc text (the member's `description`).
    pub doc: Option<String>,
}

/// One alternative of a `oneOf`/`anyOf` (or a child of an `allOf` inheritance base).
#[derive(Debug, Clone)]
pub struct Alternative {
    /// Rust variant name.
    pub ident: String,
    /// The tag values that choose this alternative in a tagged union (the first is written when
    /// the alternative's own tag field holds none of them); empty when untagged.
    pub tags: Vec<String>,
    /// Payload type.
    pub ty: Ty,
    /// How the alternative holds the tag property itself, when it declares it (tagged unions).
    pub tag_field: Option<TagField>,
    /// Doc text of the variant (what it stands for, what was merged into it).
    pub doc: Option<String>,
    /// The payload holds a type that is checked before it is written.
    pub validates: bool,
}

/// The tag property as an alternative of a tagged union declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct TagField {
    /// The struct field's Rust identifier; `None` when the alternative is a map (the tag is one of
    /// its entries).
    pub ident: Option<String>,
    /// `Option<..>`: the field may hold no tag.
    pub optional: bool,
    /// How to read the field's text.
    pub kind: TagKind,
}

/// The type of an alternative's own tag field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `String`.
    String,
    /// A generated string enum (its wire text).
    UnitEnum,
    /// Anything else: the field's text is not read (the first tag value is written).
    Other,
    /// The alternative is itself a union tagged by the same property: it writes the tag itself.
    Union,
}

/// The flavours of generated enum.
#[derive(Debug, Clone)]
pub enum EnumKind {
    /// `enum: [a, b]` on a string.
    Strings(Vec<Variant>),
    /// Integer values (serialised as the number; any other number is rejected when read).
    Integers(Vec<IntVariant>),
    /// `oneOf`/`anyOf` (or an `allOf` inheritance base): read by its tag when `tag` is set
    /// (through the runtime's `TaggedUnion`), else `#[serde(untagged)]`.
    OneOf {
        /// The tag property (a `discriminator`, or the property every alternative pins to a value
        /// of its own).
        tag: Option<String>,
        /// Alternatives: in schema order when tagged; from the most specific to the least when
        /// untagged (the order they are tried in).
        alternatives: Vec<Alternative>,
    },
}

/// A generated enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Rust name.
    pub name: String,
    /// Doc text.
    pub doc: String,
    /// Variants.
    pub kind: EnumKind,
    /// JSON pointer of the schema.
    pub pointer: String,
    /// An alternative has constraints (a union): it is checked before it is written.
    pub validates: bool,
}

/// `pub type Name = Ty;` for component schemas that are not objects or enums.
#[derive(Debug, Clone)]
pub struct Alias {
    /// Rust name.
    pub name: String,
    /// Doc text.
    pub doc: String,
    /// Aliased type.
    pub ty: Ty,
    /// JSON pointer of the schema.
    pub pointer: String,
    /// Emitted as a `#[serde(transparent)]` newtype instead of `pub type`: the type refers to itself
    /// (`A: {type: array, items: {$ref: A}}`), which a type alias cannot.
    pub newtype: bool,
    /// The constraints on the aliased type's values (applied where the alias is used).
    pub rules: Option<Rules>,
    /// A newtype whose value has constraints: checked before it is written.
    pub validates: bool,
}

/// A generated type.
// A spec has a few dozen of these at most; boxing the struct variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum TypeDef {
    /// A struct (a model when `model` is set).
    Struct(Struct),
    /// An enum.
    Enum(Enum),
    /// A type alias.
    Alias(Alias),
}

impl TypeDef {
    /// The Rust name of the type.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Alias(a) => &a.name,
        }
    }
}

/// DynamoDB scalar type of a key attribute (mirrors `daplug_runtime::KeyType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// String.
    S,
    /// Number.
    N,
    /// Binary.
    B,
}

/// A key attribute of the table or an index.
#[derive(Debug, Clone)]
pub struct KeyAttr {
    /// Wire name.
    pub wire: String,
    /// Scalar type.
    pub key_type: KeyType,
}

/// A key field of the model: what `<Name>Key` holds.
#[derive(Debug, Clone)]
pub struct KeyField {
    /// Attribute (wire name and type).
    pub attr: KeyAttr,
    /// Rust field identifier in the model.
    pub ident: String,
    /// Rust type (no `Option`).
    pub ty: Ty,
}

/// A global secondary index.
#[derive(Debug, Clone)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// Partition key.
    pub hash_key: KeyAttr,
    /// Sort key.
    pub range_key: Option<KeyAttr>,
}

/// Persistence metadata of a model (becomes `ModelMeta`).
#[derive(Debug, Clone, Default)]
pub struct KeyMeta {
    /// Schema name as written (`test-dynamo-model`) or the struct name.
    pub schema_name: String,
    /// Partition key.
    pub hash_key: Option<KeyField>,
    /// Sort key.
    pub range_key: Option<KeyField>,
    /// Prefix of the partition key value.
    pub hash_prefix: Option<String>,
    /// Prefix of the sort key value.
    pub range_prefix: Option<String>,
    /// Wire name of the optimistic-locking attribute.
    pub idempotence_key: Option<String>,
    /// Global secondary indexes.
    pub indexes: Vec<Index>,
    /// Where an update replaces a map whole (the model's union values): each path as field wire
    /// names, `None` standing for any key of a map.
    pub replaced: Vec<Vec<Option<String>>>,
    /// Set on a variant of a family (a discriminated union with `x-daplug`): the tag property's
    /// wire name and the values that name this variant (the first is its own). Its keys are the
    /// family's, its sort-key prefix its own, and its reads keep to its own items.
    pub entity_tag: Option<(String, Vec<String>)>,
}

/// A family: a discriminated union with `x-daplug`, stored in one table (single-table design). The
/// union is a model whose values are its variants' items; each variant is a model of its own (its
/// struct's [`KeyMeta`] carries the family's keys, its own prefixes and its tag).
#[derive(Debug, Clone)]
pub struct Family {
    /// The union's Rust name.
    pub name: String,
    /// The union's keys, lock attribute, and indexes (its own and every variant's, for table
    /// creation); no prefixes of its own beyond the partition key's.
    pub meta: KeyMeta,
    /// The tag property's wire name.
    pub tag: String,
    /// `<Name>Key`: the enum of the variants' keys.
    pub key: String,
    /// `<Name>Patch`: the enum of the variants' patches.
    pub patch: String,
    /// `<Name>Parts`: a partition grouped by variant (a `Vec` of each).
    pub parts: String,
    /// The variants, in the union's order.
    pub members: Vec<Member>,
}

/// One variant of a [`Family`].
#[derive(Debug, Clone)]
pub struct Member {
    /// The union's variant identifier.
    pub alternative: String,
    /// The variant's struct (a model of its own).
    pub model: String,
    /// Its schema name (events' `schema` attribute).
    pub schema_name: String,
    /// Its key and patch companions.
    pub companions: Companions,
    /// Its field in `<Family>Parts`.
    pub parts_field: String,
    /// The tag values that name it (the first is its own).
    pub tags: Vec<String>,
    /// Its partition key prefix (the family's).
    pub hash_prefix: Option<String>,
    /// Its sort key prefix (its own).
    pub range_prefix: Option<String>,
}

/// Everything `schema!` generates: types in a stable order plus the files to track for rebuilds.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// Types sorted by name.
    pub defs: Vec<TypeDef>,
    /// Absolute paths of every spec file read, for `include_str!` (rebuild when one changes).
    pub includes: Vec<String>,
    /// The families among the unions (discriminated unions with `x-daplug`), by name.
    pub families: Vec<Family>,
}

impl Module {
    /// Looks a generated type up by Rust name.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.defs.iter().find(|d| d.name() == name)
    }

    /// The Rust names of the types a model's item can hold: the models and every type their
    /// fields reach (through lists, maps, options, boxes, aliases and `oneOf` alternatives). Only
    /// these get field constants: a type no model stores is never named in a request.
    pub fn stored_types(&self) -> BTreeSet<String> {
        let by_name: HashMap<&str, &TypeDef> = self.defs.iter().map(|d| (d.name(), d)).collect();
        let mut pending: Vec<&str> = self
            .defs
            .iter()
            .filter(|d| {
                matches!(d, TypeDef::Struct(s) if s.model.is_some()) || self.families.iter().any(|f| f.name == d.name())
            })
            .map(TypeDef::name)
            .collect();
        let mut stored = BTreeSet::new();
        while let Some(name) = pending.pop() {
            if !stored.insert(name.to_owned()) {
                continue;
            }
            match by_name.get(name) {
                Some(TypeDef::Struct(s)) => s.fields.iter().for_each(|f| f.ty.named(&mut pending)),
                Some(TypeDef::Enum(Enum { kind: EnumKind::OneOf { alternatives, .. }, .. })) => {
                    alternatives.iter().for_each(|a| a.ty.named(&mut pending))
                }
                Some(TypeDef::Alias(a)) => a.ty.named(&mut pending),
                Some(TypeDef::Enum(_)) | None => {}
            }
        }
        stored
    }
}

/// Collects errors instead of stopping at the first (serde's `Ctxt`), folded with
/// `syn::Error::combine`.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Records one error.
    pub fn push(&mut self, err: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }

    /// How many errors are recorded.
    pub fn count(&self) -> usize {
        self.0.as_ref().map_or(0, |err| err.clone().into_iter().count())
    }

    /// Records the error of a result and returns its value, if any.
    pub fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|err| self.push(err)).ok()
    }

    /// `Err` with every recorded error, `Ok(value)` when there are none.
    pub fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(err) => Err(err),
            None => Ok(value),
        }
    }
}
