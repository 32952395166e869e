//! Expression building: every attribute name and value goes through a placeholder (`#n0`, `:v0`), so
//! reserved words (`name`, `status`, `data`) work as attribute names and no value is ever spliced
//! into expression text. Values that belong to a prefixed key attribute are prefixed here, by the
//! attribute they are compared with.
//!
//! [`Condition`] (filters, key conditions, transaction guards, lock conditions) and the actions of an
//! update expression (`update`) render through [`Placeholders`]; [`KeyGuard`] is the existence
//! condition on the primary key of a write.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::attr::{AttrPath, AttributeOf};
use crate::codec::path::Step;
use crate::key::KeyConfig;
use crate::prefix::Prefixes;

mod condition;
pub(crate) mod update;

pub use condition::Condition;

/// What a write requires of the item currently stored under the same primary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyGuard {
    /// Nothing (a plain overwrite).
    None,
    /// It exists: an update must not resurrect an item deleted since it was read.
    Exists,
    /// It does not exist: insert.
    Absent,
}

impl KeyGuard {
    /// One clause per key attribute (`attribute_not_exists(#n0)`, ...), none for [`KeyGuard::None`].
    pub(crate) fn clauses(self, keys: &KeyConfig, placeholders: &mut Placeholders) -> Vec<String> {
        let function = match self {
            KeyGuard::None => return Vec::new(),
            KeyGuard::Exists => "attribute_exists",
            KeyGuard::Absent => "attribute_not_exists",
        };
        keys.attributes().map(|k| format!("{function}({})", placeholders.name(k))).collect()
    }
}

/// A value as the attribute `A` stores it (converted into a typed field's type first), or why it
/// cannot be; conditions and update actions convert eagerly and report a failure when sent.
/// A value converted eagerly; a conversion failure is reported when the request is planned or sent.
pub(crate) type Converted = std::result::Result<AttributeValue, String>;

pub(crate) fn attribute_value<V, A: AttributeOf<V>>(value: V) -> Converted {
    crate::codec::to_attribute_value(&A::stored(value)).map_err(|err| err.to_string())
}

/// Placeholder tables shared by the expressions of one request.
#[derive(Debug, Default)]
pub(crate) struct Placeholders {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Placeholders {
    /// The placeholder for one attribute name (one per distinct name); a name is never split at
    /// dots (paths are [`AttrPath`]s).
    pub(crate) fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, name)| *name == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    /// The placeholders of a path, one per segment name (`#n0.#n1[2]`).
    pub(crate) fn path(&mut self, path: &AttrPath) -> String {
        let mut text = self.name(path.top_level());
        for step in path.steps() {
            match step {
                Step::Key(name) => {
                    let placeholder = self.name(name);
                    text.push('.');
                    text.push_str(&placeholder);
                }
                Step::Index(index) => text.push_str(&format!("[{index}]")),
                // An `AttrPath` is built from names and indexes only.
                Step::Unknown => {}
            }
        }
        text
    }

    /// The placeholder for a value compared with the attribute at `path`, prefixed when a rule
    /// names it (rules name top-level attributes, so a nested path is never prefixed).
    pub(crate) fn path_value(&mut self, path: &AttrPath, value: AttributeValue, prefixes: &Prefixes) -> String {
        if path.is_top_level() {
            self.value(path.top_level(), value, prefixes)
        } else {
            self.value(path.top_level(), value, &Prefixes::none())
        }
    }

    /// The placeholder for a value compared with `attribute`, prefixed when a rule names it.
    pub(crate) fn value(&mut self, attribute: &str, mut value: AttributeValue, prefixes: &Prefixes) -> String {
        prefixes.add_value(attribute, &mut value);
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// Name table for the request, `None` when empty (DynamoDB rejects empty maps).
    pub(crate) fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    /// Value table for the request, `None` when empty.
    pub(crate) fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deduplicated_and_values_prefixed_by_attribute() {
        let prefixes = Prefixes::none().with("pk", "t#");
        let mut p = Placeholders::default();
        assert_eq!(p.name("status"), "#n0");
        assert_eq!(p.name("pk"), "#n1");
        assert_eq!(p.name("status"), "#n0");
        let v = p.value("pk", AttributeValue::S("a".into()), &prefixes);
        let w = p.value("status", AttributeValue::S("a".into()), &prefixes);
        let values = p.values().unwrap_or_default();
        assert_eq!(values[&v], AttributeValue::S("t#a".into()));
        assert_eq!(values[&w], AttributeValue::S("a".into()));
        assert_eq!(p.names().map(|n| n.len()), Some(2));
    }

    #[test]
    fn key_guards_name_every_key_attribute() {
        let keys = KeyConfig { hash_key: "pk".into(), range_key: Some("sk".into()) };
        let mut p = Placeholders::default();
        assert_eq!(KeyGuard::Absent.clauses(&keys, &mut p), ["attribute_not_exists(#n0)", "attribute_not_exists(#n1)"]);
        assert_eq!(KeyGuard::Exists.clauses(&keys, &mut p), ["attribute_exists(#n0)", "attribute_exists(#n1)"]);
        assert!(KeyGuard::None.clauses(&keys, &mut p).is_empty());
    }

    #[test]
    fn empty_tables_are_none() {
        let p = Placeholders::default();
        assert!(p.names().is_none() && p.values().is_none());
    }
}
