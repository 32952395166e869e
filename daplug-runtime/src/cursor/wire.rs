//! The bytes of a cursor, before its text encoding:
//!
//! ```text
//! version (1) | flags (1: bit 0 = signed) | table fingerprint (4) | index fingerprint (4)
//! | attribute count (1) | per attribute, in ascending name order:
//!     name length (1) | name (UTF-8) | type (`S`, `N` or `B`) | value length (2, big-endian) | value
//! | tag (32, signed cursors only)
//! ```
//!
//! One canonical form per key: attributes sorted by name, none repeated, nothing after the last
//! one but the tag. Key attribute names are at most 255 bytes and key values at most 2048 bytes
//! (Developer Guide, "Quotas in Amazon DynamoDB": "Partition key length ... maximum length of 2048
//! bytes", "The maximum length of any attribute name for partition and sort key is 255 bytes"),
//! so the lengths fit one and two bytes.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use super::error::CursorError;
use crate::codec::number;
use crate::error::{Error, Result};

/// The format this version of daplug writes and reads.
pub(super) const VERSION: u8 = 1;
/// Length of an authentication tag (HMAC-SHA256).
pub(super) const TAG_LEN: usize = 32;
/// Length of a table's or index's fingerprint.
pub(super) const FINGERPRINT_LEN: usize = 4;
/// A start key holds the table's keys and, on an index, the index's: four attributes at most.
const MAX_ATTRIBUTES: usize = 4;
const SIGNED: u8 = 1;

/// A cursor's content, before the tag.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Body {
    pub(super) signed: bool,
    pub(super) table: [u8; FINGERPRINT_LEN],
    pub(super) index: [u8; FINGERPRINT_LEN],
    /// The key attributes, sorted by name.
    pub(super) attributes: Vec<(String, AttributeValue)>,
}

/// A cursor's bytes, read.
pub(super) struct Parsed<'a> {
    pub(super) body: Body,
    /// The bytes the tag covers: all before it.
    pub(super) covered: &'a [u8],
    /// The tag of a signed cursor.
    pub(super) tag: Option<&'a [u8]>,
}

impl Body {
    /// The bytes of this body (what a tag covers). A key that no start key can be (more than four
    /// attributes, a value that is not a string, number or binary, a name or value too long) is
    /// [`Error::InvalidKey`].
    pub(super) fn write(&self) -> Result<Vec<u8>> {
        if self.attributes.len() > MAX_ATTRIBUTES {
            let attribute = self.attributes.last().map(|(name, _)| name.clone()).unwrap_or_default();
            return Err(invalid_key(attribute, "a start key holds at most four key attributes"));
        }
        let mut out = vec![VERSION, if self.signed { SIGNED } else { 0 }];
        out.extend_from_slice(&self.table);
        out.extend_from_slice(&self.index);
        // At most MAX_ATTRIBUTES, checked above.
        out.push(self.attributes.len() as u8);
        for (name, value) in &self.attributes {
            let name_len = u8::try_from(name.len())
                .ok()
                .filter(|len| *len > 0)
                .ok_or_else(|| invalid_key(name.clone(), "a key attribute name has 1 to 255 bytes"))?;
            let (kind, bytes) = match value {
                AttributeValue::S(text) => (b'S', text.as_bytes()),
                AttributeValue::N(text) => (b'N', text.as_bytes()),
                AttributeValue::B(blob) => (b'B', blob.as_ref()),
                _ => return Err(invalid_key(name.clone(), "a start key value is a string, number or binary")),
            };
            let value_len = u16::try_from(bytes.len())
                .map_err(|_| invalid_key(name.clone(), "a key value has at most 2048 bytes"))?;
            out.push(name_len);
            out.extend_from_slice(name.as_bytes());
            out.push(kind);
            out.extend_from_slice(&value_len.to_be_bytes());
            out.extend_from_slice(bytes);
        }
        Ok(out)
    }

    /// Reads a cursor's bytes: the body, the bytes the tag covers, and the tag of a signed cursor.
    pub(super) fn read(bytes: &[u8]) -> std::result::Result<Parsed<'_>, CursorError> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.byte()? != VERSION {
            return Err(malformed("unknown version"));
        }
        let signed = match reader.byte()? {
            0 => false,
            SIGNED => true,
            _ => return Err(malformed("unknown flags")),
        };
        let table = reader.fingerprint()?;
        let index = reader.fingerprint()?;
        let count = usize::from(reader.byte()?);
        if count == 0 || count > MAX_ATTRIBUTES {
            return Err(malformed("a start key holds one to four attributes"));
        }
        let mut attributes: Vec<(String, AttributeValue)> = Vec::with_capacity(count);
        for _ in 0..count {
            let name_len = usize::from(reader.byte()?);
            let name = std::str::from_utf8(reader.take(name_len)?)
                .ok()
                .filter(|name| !name.is_empty())
                .ok_or(malformed("an attribute name is empty or not UTF-8"))?
                .to_owned();
            if attributes.last().is_some_and(|(previous, _)| *previous >= name) {
                return Err(malformed("attributes repeated or out of order"));
            }
            let kind = reader.byte()?;
            let value_len = usize::from(u16::from_be_bytes([reader.byte()?, reader.byte()?]));
            let value = reader.take(value_len)?;
            if value.is_empty() {
                return Err(malformed("an empty key value"));
            }
            let value = match kind {
                b'S' => AttributeValue::S(text(value)?.to_owned()),
                b'N' => {
                    let text = text(value)?;
                    number::check(text).map_err(|_| malformed("a number key value is not a DynamoDB number"))?;
                    AttributeValue::N(text.to_owned())
                }
                b'B' => AttributeValue::B(Blob::new(value)),
                _ => return Err(malformed("an unknown value type")),
            };
            attributes.push((name, value));
        }
        let covered = &bytes[..reader.at];
        let tag = if signed { Some(reader.take(TAG_LEN)?) } else { None };
        if reader.at != bytes.len() {
            return Err(malformed("trailing bytes"));
        }
        Ok(Parsed { body: Body { signed, table, index, attributes }, covered, tag })
    }
}

fn text(bytes: &[u8]) -> std::result::Result<&str, CursorError> {
    std::str::from_utf8(bytes).map_err(|_| malformed("a string value is not UTF-8"))
}

fn malformed(reason: &'static str) -> CursorError {
    CursorError::Malformed { reason }
}

fn invalid_key(attribute: String, message: &str) -> Error {
    Error::InvalidKey { attribute, message: message.to_owned() }
}

/// Reads a byte string front to back; running out is [`CursorError::Malformed`].
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> std::result::Result<&'a [u8], CursorError> {
        let end = self.at.checked_add(len).filter(|end| *end <= self.bytes.len()).ok_or(malformed("cut short"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn byte(&mut self) -> std::result::Result<u8, CursorError> {
        Ok(self.take(1)?[0])
    }

    fn fingerprint(&mut self) -> std::result::Result<[u8; FINGERPRINT_LEN], CursorError> {
        let mut out = [0; FINGERPRINT_LEN];
        out.copy_from_slice(self.take(FINGERPRINT_LEN)?);
        Ok(out)
    }
}
