//! Page cursors: a page's last evaluated key as an opaque, URL-safe text token, and back.
//!
//! A [`Page`](crate::ops::Page) carries its [`next_cursor`](crate::ops::Page::next_cursor); a
//! client hands it back and the service starts the next query or scan from it with
//! [`Query::start_from_cursor`](crate::ops::Query::start_from_cursor) (or the same on
//! [`Scan`](crate::ops::Scan)). The token is URL-safe base64 without padding, of: a version, the
//! table's and index's fingerprints, the key attributes with their types (`S`, `N`, `B`) and
//! prefix-stripped values, and, with a cursor key, an HMAC-SHA256 tag.
//!
//! When read, before any request is sent, a cursor must be a token of this format, minted for the
//! same table and index, hold exactly the key attributes of what is read (the table's keys, plus
//! the index's on an index the model declares) with the declared key types, and, in a query with an
//! equality condition on the partition key, start in that partition. Otherwise the read fails with
//! [`Error::Cursor`](crate::Error::Cursor) and a [`CursorError`]. The key's prefixes are added back
//! as for any key.
//!
//! ```no_run
//! # use daplug_runtime::{Model, Repository};
//! # async fn demo<M: Model>(orders: Repository<M>, tenant: &str, cursor: Option<&str>) -> daplug_runtime::Result<()> {
//! let mut query = orders.query().key_eq("pk", tenant).limit(25).cursor_context(tenant);
//! if let Some(cursor) = cursor {
//!     query = query.start_from_cursor(cursor);
//! }
//! let page = query.await?;
//! let next: Option<String> = page.next_cursor; // hand this to the client
//! # let _ = next; Ok(()) }
//! ```
//!
//! # What it protects against
//!
//! With a cursor key ([`AdapterBuilder::cursor_key`](crate::adapter::AdapterBuilder::cursor_key)),
//! every cursor is signed, and a cursor whose tag does not verify is refused
//! ([`CursorError::BadSignature`], or [`CursorError::Unsigned`] without a tag): a client cannot
//! forge a start key or alter one it was given, so it cannot move a read into another tenant's
//! partition or to a key it chose. The tag covers the table, the index and the request's cursor
//! context ([`Query::cursor_context`](crate::ops::Query::cursor_context), e.g. the tenant or caller
//! id): a cursor minted for one tenant does not verify in another tenant's request. With or without
//! a key, a cursor minted for another table or index is refused ([`CursorError::WrongTable`],
//! [`CursorError::WrongIndex`]), as is a start key outside the partition a query names.
//!
//! # What it does not protect against
//!
//! - Cursors are **not encrypted**: the client can decode the key values they hold (prefixes
//!   stripped, but the values themselves, e.g. the last item's sort key). Do not put in a key
//!   what the client may not see.
//! - A cursor the client legitimately received can be **replayed**, any number of times and as long
//!   as the key that signed it is accepted: it has no expiry and is not single-use. Bind what must
//!   differ into the cursor context.
//! - **Without a cursor key only the shape is checked**: a client can write a well-formed cursor
//!   with any key values (in a query, within the partition the query names). Set a key wherever a
//!   cursor crosses a trust boundary.
//! - The partition check covers queries whose key condition has an equality on the partition key
//!   of the table or of an index the model declares; on an index the model does not declare, the
//!   index's key attributes are unknown to daplug (the cursor must hold the table's keys and at
//!   most two others) and DynamoDB checks the rest.
//! - A parallel scan's cursor is not bound to its segment: DynamoDB requires the segment whose scan
//!   returned the key (API reference, `Scan`, `ExclusiveStartKey`) and judges it.
//!
//! # Key rotation
//!
//! A cursor signed with a key the repository no longer accepts fails with
//! [`CursorError::BadSignature`]: the client starts again from the first page. To rotate without
//! that, sign with the new key and keep accepting the old one for as long as cursors live
//! ([`AdapterBuilder::accept_cursor_key`](crate::adapter::AdapterBuilder::accept_cursor_key)),
//! then drop it.

use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::codec::item::Item;
use crate::error::Result;
use crate::meta::KeyType;

pub(crate) mod error;
mod keys;
mod wire;

pub use error::CursorError;
pub(crate) use keys::CursorKeys;
pub use keys::MIN_CURSOR_KEY_LEN;
use wire::{Body, Parsed, FINGERPRINT_LEN};

/// The longest text read as a cursor: four attributes of the longest names and values fit well
/// within it. Longer text is refused before it is decoded.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// What a cursor is for: the table and index read, the request's context and the keys that sign
/// and verify.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub(crate) table: &'a str,
    pub(crate) index: Option<&'a str>,
    pub(crate) context: Option<&'a [u8]>,
    pub(crate) keys: &'a CursorKeys,
}

/// The key attributes a cursor must hold: every one of `required` (with its type, when known), and
/// at most `others` more (the keys of an index the model does not declare).
#[derive(Debug, Clone, Default)]
pub(crate) struct Expected<'a> {
    pub(crate) required: Vec<(&'a str, Option<KeyType>)>,
    pub(crate) others: usize,
}

impl Scope<'_> {
    fn table_fingerprint(&self) -> [u8; FINGERPRINT_LEN] {
        fingerprint(&[b"table", self.table.as_bytes()])
    }

    fn index_fingerprint(&self) -> [u8; FINGERPRINT_LEN] {
        match self.index {
            Some(index) => fingerprint(&[b"index", index.as_bytes()]),
            None => fingerprint(&[b"no index"]),
        }
    }

    /// What a tag covers: a label, the table, the index and the context (each with its length, so
    /// no two scopes give the same bytes), then the cursor's bytes.
    fn message<'b>(&'b self, lengths: &'b mut [[u8; 8]; 3], body: &'b [u8]) -> [&'b [u8]; 8] {
        let index = self.index.unwrap_or_default().as_bytes();
        let context = self.context.unwrap_or_default();
        // The index's length is one more than its name's: `None` and `Some("")` differ.
        let index_len = if self.index.is_some() { index.len() + 1 } else { 0 };
        lengths[0] = (self.table.len() as u64).to_be_bytes();
        lengths[1] = (index_len as u64).to_be_bytes();
        lengths[2] = (context.len() as u64).to_be_bytes();
        [b"daplug page cursor", &lengths[0], self.table.as_bytes(), &lengths[1], index, &lengths[2], context, body]
    }
}

/// The first bytes of SHA-256 over a label and a name: enough to tell tables and indexes apart
/// without writing their names into the cursor.
fn fingerprint(parts: &[&[u8]]) -> [u8; FINGERPRINT_LEN] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    let mut out = [0; FINGERPRINT_LEN];
    out.copy_from_slice(&hash.finalize()[..FINGERPRINT_LEN]);
    out
}

/// The cursor of a (prefix-stripped) last evaluated key, signed when the scope has a signing key.
/// A key that cannot be a start key is [`Error::InvalidKey`].
pub(crate) fn mint(scope: &Scope<'_>, key: &Item) -> Result<String> {
    let mut attributes: Vec<(String, AttributeValue)> = key.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    attributes.sort_by(|a, b| a.0.cmp(&b.0));
    let signed = scope.keys.is_set();
    let body = Body { signed, table: scope.table_fingerprint(), index: scope.index_fingerprint(), attributes };
    let mut bytes = body.write()?;
    let mut lengths = [[0; 8]; 3];
    if let Some(tag) = scope.keys.sign(&scope.message(&mut lengths, &bytes)) {
        bytes.extend_from_slice(&tag);
    }
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The (prefix-stripped) start key a cursor holds, once it passed every check for `scope` and
/// `expected`.
pub(crate) fn read(scope: &Scope<'_>, expected: &Expected<'_>, token: &str) -> Result<Item, CursorError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(CursorError::Malformed { reason: "too long" });
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| CursorError::Malformed { reason: "not URL-safe base64" })?;
    let Parsed { body, covered, tag } = Body::read(&bytes)?;
    if body.table != scope.table_fingerprint() {
        return Err(CursorError::WrongTable);
    }
    if body.index != scope.index_fingerprint() {
        return Err(CursorError::WrongIndex);
    }
    // Without keys a signed cursor is read for its shape only, like any other.
    if scope.keys.is_set() {
        let tag = tag.ok_or(CursorError::Unsigned)?;
        let mut lengths = [[0; 8]; 3];
        if !scope.keys.verify(&scope.message(&mut lengths, covered), tag) {
            return Err(CursorError::BadSignature);
        }
    }
    check_attributes(&body.attributes, expected)?;
    Ok(body.attributes.into_iter().collect())
}

/// Exactly the expected attributes, each of its declared type.
fn check_attributes(attributes: &[(String, AttributeValue)], expected: &Expected<'_>) -> Result<(), CursorError> {
    for (name, key_type) in &expected.required {
        let Some((_, value)) = attributes.iter().find(|(attribute, _)| attribute == name) else {
            return Err(CursorError::MissingKeyAttribute { attribute: (*name).to_owned() });
        };
        let Some(key_type) = key_type else { continue };
        let (expected, matches) = match key_type {
            KeyType::S => ("S", matches!(value, AttributeValue::S(_))),
            KeyType::N => ("N", matches!(value, AttributeValue::N(_))),
            KeyType::B => ("B", matches!(value, AttributeValue::B(_))),
        };
        if !matches {
            return Err(CursorError::WrongKeyType { attribute: (*name).to_owned(), expected });
        }
    }
    let mut others = attributes.iter().filter(|(name, _)| !expected.required.iter().any(|(k, _)| k == name));
    match others.nth(expected.others) {
        Some((name, _)) => Err(CursorError::UnexpectedAttribute { attribute: name.clone() }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
