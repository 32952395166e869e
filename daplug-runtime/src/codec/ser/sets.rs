//! Sets: a value written through one of serde_dynamo's set wrappers (`StringSet`, `NumberSet`,
//! `BinarySet`, or their `#[serde(with = ...)]` modules) is a newtype with a name of its own, and
//! its list becomes a set (`SS`, `NS`, `BS`), with serde_dynamo's messages for what cannot. The
//! names are compared as text (serde_dynamo compares addresses, which only its own serializer can):
//! the wrappers work without daplug depending on serde_dynamo.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Result, SerError};

/// The kind of set a newtype's name asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SetKind {
    Strings,
    Numbers,
    Binaries,
}

impl SetKind {
    /// The set a newtype named `name` is written as, if any.
    #[inline]
    pub(super) fn named(name: &str) -> Option<SetKind> {
        // Every name starts with this character, which no ordinary newtype name does.
        if !name.starts_with('\u{037E}') {
            return None;
        }
        match name {
            "\u{037E}STRINGSET\u{037E}" => Some(SetKind::Strings),
            "\u{037E}NUMBERSET\u{037E}" => Some(SetKind::Numbers),
            "\u{037E}BYTESSET\u{037E}" => Some(SetKind::Binaries),
            _ => None,
        }
    }

    /// `written` (the wrapped value, already written) as this kind of set.
    pub(super) fn set(self, written: AttributeValue) -> Result<AttributeValue> {
        let AttributeValue::L(elements) = written else {
            return Err(SerError::new("Not a set-like sequence"));
        };
        let wrong = || {
            SerError::new(match self {
                SetKind::Strings => "String set element does not serialize to string",
                SetKind::Numbers => "Number set element does not serialize to number",
                SetKind::Binaries => "Binary set element does not serialize to binary",
            })
        };
        let mut strings = Vec::new();
        let mut binaries = Vec::new();
        for element in elements {
            match (self, element) {
                (SetKind::Strings, AttributeValue::S(text)) | (SetKind::Numbers, AttributeValue::N(text)) => {
                    strings.push(text)
                }
                (SetKind::Binaries, AttributeValue::B(blob)) => binaries.push(blob),
                _ => return Err(wrong()),
            }
        }
        Ok(match self {
            SetKind::Strings => AttributeValue::Ss(strings),
            SetKind::Numbers => AttributeValue::Ns(strings),
            SetKind::Binaries => AttributeValue::Bs(binaries),
        })
    }
}
