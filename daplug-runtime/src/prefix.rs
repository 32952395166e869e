//! Key prefixing: pure functions that add and strip value prefixes on key attributes.
//!
//! Prefixes are bound to an **attribute name** (the table's hash or range key), so they are applied
//! wherever that attribute appears: written items, keys, exclusive start keys and the values of key
//! conditions and filters that name it. (daplug-ddb matched expression placeholders by their spelling
//! instead, so `pk = :v` silently went unprefixed.)
//!
//! Adding is idempotent: a value that already starts with the prefix is stored as is (the same rule
//! as daplug-ddb, so both libraries store identical items). Stripping removes one leading occurrence.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::item::Item;

/// The prefix rules in force for one call: at most one prefix for the hash key attribute and one for
/// the range key attribute. Only string values are touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefixes {
    rules: Vec<(String, String)>,
}

impl Prefixes {
    /// No prefixing.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the prefix stored in front of `attribute`'s string values.
    /// An empty prefix removes the rule.
    pub fn with(mut self, attribute: impl Into<String>, prefix: impl Into<String>) -> Self {
        let (attribute, prefix) = (attribute.into(), prefix.into());
        self.rules.retain(|(name, _)| *name != attribute);
        if !prefix.is_empty() {
            self.rules.push((attribute, prefix));
        }
        self
    }

    /// True when no rule is in force.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The prefix for `attribute`, if any.
    pub fn prefix_of(&self, attribute: &str) -> Option<&str> {
        self.rules.iter().find(|(name, _)| name == attribute).map(|(_, prefix)| prefix.as_str())
    }

    /// Prefixes the value of `attribute` (if a rule names it and it is a string).
    pub(crate) fn add_value(&self, attribute: &str, value: &mut AttributeValue) {
        if let (Some(prefix), AttributeValue::S(text)) = (self.prefix_of(attribute), value) {
            if !text.starts_with(prefix) {
                text.insert_str(0, prefix);
            }
        }
    }

    /// Removes the prefix from the value of `attribute` (if a rule names it and the value has it).
    pub fn strip_value(&self, attribute: &str, value: &mut AttributeValue) {
        if let (Some(prefix), AttributeValue::S(text)) = (self.prefix_of(attribute), value) {
            if text.starts_with(prefix) {
                text.replace_range(..prefix.len(), "");
            }
        }
    }

    /// Prefixes every ruled attribute of an item or key in place.
    pub fn add_item(&self, item: &mut Item) {
        for (attribute, _) in &self.rules {
            if let Some(value) = item.get_mut(attribute) {
                self.add_value(attribute, value);
            }
        }
    }

    /// Strips every ruled attribute of an item or key in place.
    pub fn strip_item(&self, item: &mut Item) {
        for (attribute, _) in &self.rules {
            if let Some(value) = item.get_mut(attribute) {
                self.strip_value(attribute, value);
            }
        }
    }

    /// Returns a prefixed copy of an item.
    pub fn added(&self, mut item: Item) -> Item {
        self.add_item(&mut item);
        item
    }

    /// Returns a stripped copy of an item.
    pub fn stripped(&self, mut item: Item) -> Item {
        self.strip_item(&mut item);
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.to_owned())
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    #[test]
    fn adds_and_strips_hash_and_range_independently() {
        let p = Prefixes::none().with("pk", "tenant#").with("sk", "v#");
        let stored = p.added(item(&[("pk", s("abc")), ("sk", s("1")), ("other", s("abc"))]));
        assert_eq!(stored["pk"], s("tenant#abc"));
        assert_eq!(stored["sk"], s("v#1"));
        assert_eq!(stored["other"], s("abc"), "only ruled attributes change");
        let back = p.stripped(stored);
        assert_eq!(back["pk"], s("abc"));
        assert_eq!(back["sk"], s("1"));
    }

    #[test]
    fn only_hash_or_only_range() {
        let hash_only = Prefixes::none().with("pk", "h#");
        let got = hash_only.added(item(&[("pk", s("a")), ("sk", s("b"))]));
        assert_eq!((got["pk"].clone(), got["sk"].clone()), (s("h#a"), s("b")));
        let range_only = Prefixes::none().with("sk", "r#");
        let got = range_only.added(item(&[("pk", s("a")), ("sk", s("b"))]));
        assert_eq!((got["pk"].clone(), got["sk"].clone()), (s("a"), s("r#b")));
    }

    #[test]
    fn never_double_prefixes() {
        let p = Prefixes::none().with("pk", "t#");
        let once = p.added(item(&[("pk", s("x"))]));
        let twice = p.added(once.clone());
        assert_eq!(once, twice);
        assert_eq!(p.added(item(&[("pk", s("t#x"))]))["pk"], s("t#x"));
    }

    #[test]
    fn strips_only_one_leading_occurrence() {
        let p = Prefixes::none().with("pk", "t#");
        assert_eq!(p.stripped(item(&[("pk", s("t#t#x"))]))["pk"], s("t#x"));
        assert_eq!(p.stripped(item(&[("pk", s("xt#"))]))["pk"], s("xt#"));
    }

    #[test]
    fn leaves_non_strings_and_missing_attributes_alone() {
        let p = Prefixes::none().with("pk", "t#").with("sk", "r#");
        let got = p.added(item(&[("pk", AttributeValue::N("5".into()))]));
        assert_eq!(got["pk"], AttributeValue::N("5".into()));
        assert!(!got.contains_key("sk"));
    }

    #[test]
    fn empty_prefix_removes_rule_and_later_rule_replaces() {
        let p = Prefixes::none().with("pk", "a#").with("pk", "b#");
        assert_eq!(p.prefix_of("pk"), Some("b#"));
        assert!(p.with("pk", "").is_empty());
    }
}
