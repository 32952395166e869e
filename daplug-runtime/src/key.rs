//! Primary keys: the table's key attributes ([`KeyConfig`]), the checks a key or item must pass before
//! it is sent, and key identity as DynamoDB compares keys ([`KeyId`], for duplicate detection in
//! batches and transactions). Pure; no I/O.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::item::Item;
use crate::codec::number;
use crate::codec::value::type_name;
use crate::error::{Error, Result};

/// The table's primary key attribute names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConfig {
    /// Partition key attribute.
    pub hash_key: String,
    /// Sort key attribute, if the table has one.
    pub range_key: Option<String>,
}

impl KeyConfig {
    /// The key attribute names, hash first.
    pub fn attributes(&self) -> impl Iterator<Item = &str> + Clone {
        std::iter::once(self.hash_key.as_str()).chain(self.range_key.as_deref())
    }
}

/// Checks that `key` holds exactly the table's key attributes with scalar, non-empty values.
pub(crate) fn check_key(keys: &KeyConfig, key: &Item, exact: bool) -> Result<()> {
    for attribute in keys.attributes() {
        match key.get(attribute) {
            None | Some(AttributeValue::Null(_)) => {
                return Err(Error::InvalidKey { attribute: attribute.to_owned(), message: "missing".into() })
            }
            Some(AttributeValue::S(s)) if s.is_empty() => {
                return Err(Error::InvalidKey { attribute: attribute.to_owned(), message: "empty string".into() })
            }
            Some(AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)) => {}
            Some(other) => {
                return Err(Error::InvalidKey {
                    attribute: attribute.to_owned(),
                    message: format!("must be a string, number or binary, got {}", type_name(other)),
                })
            }
        }
    }
    if exact {
        if let Some(extra) = key.keys().find(|name| !keys.attributes().any(|k| k == name.as_str())) {
            return Err(Error::InvalidKey {
                attribute: extra.clone(),
                message: "is not a key attribute of the table".into(),
            });
        }
    }
    Ok(())
}

/// The key attributes of an item.
pub(crate) fn key_of(keys: &KeyConfig, item: &Item) -> Item {
    keys.attributes().filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone()))).collect()
}

/// A hashable identity of a primary key as DynamoDB compares keys: the key attribute values in key
/// order, numbers in canonical form (`1.0` and `1` are the same key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct KeyId(Vec<KeyPart>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyPart {
    Missing,
    S(String),
    N(String),
    B(Vec<u8>),
    Other,
}

impl KeyId {
    pub(crate) fn of(keys: &KeyConfig, item: &Item) -> Self {
        KeyId(
            keys.attributes()
                .map(|attribute| match item.get(attribute) {
                    None => KeyPart::Missing,
                    Some(AttributeValue::S(s)) => KeyPart::S(s.clone()),
                    Some(AttributeValue::N(n)) => KeyPart::N(number::canonical(n)),
                    Some(AttributeValue::B(b)) => KeyPart::B(b.as_ref().to_vec()),
                    Some(_) => KeyPart::Other,
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(range: bool) -> KeyConfig {
        KeyConfig { hash_key: "pk".into(), range_key: range.then(|| "sk".to_owned()) }
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    #[test]
    fn key_ids_ignore_non_key_attributes() {
        let keys = inner(true);
        let a = item(&[
            ("pk", AttributeValue::S("a".into())),
            ("sk", AttributeValue::N("1".into())),
            ("x", AttributeValue::Bool(true)),
        ]);
        let b = item(&[("pk", AttributeValue::S("a".into())), ("sk", AttributeValue::N("1.00".into()))]);
        let c = item(&[("pk", AttributeValue::S("a".into())), ("sk", AttributeValue::S("1".into()))]);
        assert_eq!(KeyId::of(&keys, &a), KeyId::of(&keys, &b));
        assert_ne!(KeyId::of(&keys, &a), KeyId::of(&keys, &c), "string 1 is not number 1");
        assert_ne!(KeyId::of(&inner(false), &a), KeyId::of(&keys, &a));
    }

    #[test]
    fn keys_need_every_key_attribute_as_a_non_empty_scalar() {
        let keys = inner(true);
        let full = item(&[("pk", AttributeValue::S("a".into())), ("sk", AttributeValue::N("1".into()))]);
        assert!(check_key(&keys, &full, true).is_ok());
        let invalid = |key: &Item, exact| match check_key(&keys, key, exact) {
            Err(Error::InvalidKey { attribute, message }) => (attribute, message),
            other => panic!("expected InvalidKey, got {other:?}"),
        };
        assert_eq!(invalid(&item(&[("pk", AttributeValue::S("a".into()))]), false).0, "sk");
        let empty = item(&[("pk", AttributeValue::S(String::new())), ("sk", AttributeValue::N("1".into()))]);
        assert_eq!(invalid(&empty, false), ("pk".to_owned(), "empty string".to_owned()));
        let listed = item(&[("pk", AttributeValue::L(vec![])), ("sk", AttributeValue::N("1".into()))]);
        assert!(invalid(&listed, false).1.contains("a list"));
        let mut extra = full.clone();
        extra.insert("n".into(), AttributeValue::N("2".into()));
        assert!(check_key(&keys, &extra, false).is_ok(), "items may carry more than the key");
        assert_eq!(invalid(&extra, true).0, "n", "keys may not");
        assert_eq!(key_of(&keys, &extra), full);
    }
}
