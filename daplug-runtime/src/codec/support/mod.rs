//! What generated code calls instead of expanding the same logic per type (reached through
//! `__private`; not public API): what a generated type declares about itself (`shape.rs`), serde's
//! `Serialize` (`ser.rs`) and `Deserialize` (`de.rs`) for the structs and string enums `schema!`
//! generates, as serde's derives write them, and their item decoder (`decode.rs`, `fields.rs`).
//!
//! Why: the crate holding `schema!` parses, type-checks and borrow-checks every function body it
//! contains, used or not. serde's derived `Deserialize` for a struct is a field enum, two visitors
//! and a branch per field, about 120 lines for three fields; a generated struct that only names its
//! fields ([`StructDef`]) and calls one generic function here has a few lines to check, and the
//! generic code is compiled where a type is read or written, for the types that are. The values,
//! the errors and the calls made on the serializer or deserializer are the derive's (the tests
//! compare both on every shape of input).
//!
//! In floor order: `shape.rs`, `decode.rs` (the field types read from attribute values),
//! `fields.rs` (the one reader of a struct's fields, from a serde map or an item, and
//! `decode_struct`), `de.rs`, `ser.rs`; then the unions' (`union.rs` for serde, with the entries
//! held before the tag, `content.rs`; `union_item.rs` for items).

mod checked;
mod checker;
mod content;
mod de;
pub(crate) mod decode;
mod fields;
mod rules;
mod ser;
mod shape;
mod union;
mod union_item;

pub use checked::{check_field, check_patch, deserialize_checked, field_rules};
pub(crate) use content::HeldError;
pub use de::{deserialize_struct, deserialize_unit_enum};
pub use decode::{serde_decode, Decode};
pub use fields::{decode_struct, Elements, FieldReader, FieldSource, FieldValue, MissingField};
pub(crate) use rules::reading_items;
pub use rules::{Rules, Validate, Violation};
pub use ser::{fields, serialize_unit_enum, Fields};
pub use shape::{
    debug_unit_enum, display_unit_enum, parse_unit_enum, unit_text, FieldList, Given, KeyPart, Optional, Required,
    StructDef, UnitEnum, UnknownVariant,
};
pub use union::{deserialize_tagged, serialize_tagged, tag_text, TaggedUnion};
pub use union_item::{decode_untagged, tagged_alternative, AlternativeDecoder};

#[cfg(test)]
mod tests;
