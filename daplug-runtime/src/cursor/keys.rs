//! [`CursorKeys`]: the service's secrets that sign and verify cursors (HMAC-SHA256), with the keys
//! of a rotation still accepted.

use std::fmt;

use hmac::{KeyInit, Mac};
use sha2::Sha256;

use super::wire::TAG_LEN;
use crate::error::{Error, Result};

type HmacSha256 = hmac::Hmac<Sha256>;

/// The shortest key accepted: the hash's output length, as RFC 2104 (section 3) recommends ("less
/// than L bytes is strongly discouraged").
pub const MIN_CURSOR_KEY_LEN: usize = 32;

/// The keys a repository signs and verifies cursors with: one that signs (and verifies), and any
/// number that only verify (retired keys during a rotation). Without any, cursors are not
/// authenticated.
#[derive(Clone, Default)]
pub(crate) struct CursorKeys {
    signing: Option<HmacSha256>,
    /// Keys accepted for reading only, tried after the signing key.
    accepted: Vec<HmacSha256>,
}

impl fmt::Debug for CursorKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the keys themselves.
        f.debug_struct("CursorKeys")
            .field("signing", &self.signing.is_some())
            .field("accepted", &self.accepted.len())
            .finish()
    }
}

impl CursorKeys {
    /// Keys from the adapter's settings: a signing key, and retired keys still accepted. A key
    /// shorter than [`MIN_CURSOR_KEY_LEN`], or accepted keys without a signing key, is
    /// [`Error::Config`].
    pub(crate) fn new(signing: Option<&[u8]>, accepted: &[Vec<u8>]) -> Result<Self> {
        if signing.is_none() && !accepted.is_empty() {
            return Err(Error::Config("accept_cursor_key needs a cursor_key to sign new cursors with".into()));
        }
        let mac = |key: &[u8]| {
            if key.len() < MIN_CURSOR_KEY_LEN {
                return Err(Error::Config(format!(
                    "a cursor key needs at least {MIN_CURSOR_KEY_LEN} bytes, got {}",
                    key.len()
                )));
            }
            HmacSha256::new_from_slice(key).map_err(|err| Error::Config(format!("cursor key: {err}")))
        };
        Ok(CursorKeys {
            signing: signing.map(mac).transpose()?,
            accepted: accepted.iter().map(|key| mac(key)).collect::<Result<_>>()?,
        })
    }

    /// Whether cursors are signed and must verify.
    pub(crate) fn is_set(&self) -> bool {
        self.signing.is_some()
    }

    /// The tag of `message` under the signing key; `None` without one.
    pub(crate) fn sign(&self, message: &[&[u8]]) -> Option<[u8; TAG_LEN]> {
        let mut mac = self.signing.clone()?;
        for part in message {
            mac.update(part);
        }
        Some(mac.finalize().into_bytes().into())
    }

    /// Whether `tag` is the tag of `message` under the signing key or an accepted one, each
    /// compared in constant time.
    pub(crate) fn verify(&self, message: &[&[u8]], tag: &[u8]) -> bool {
        self.signing.iter().chain(&self.accepted).any(|key| {
            let mut mac = key.clone();
            for part in message {
                mac.update(part);
            }
            mac.verify_slice(tag).is_ok()
        })
    }
}
