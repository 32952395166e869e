//! Preparing the requests of a batch call: prefixing, key identity, and what to do with requests
//! that repeat a key. Pure; no I/O.

use std::collections::{HashMap, HashSet};

use crate::adapter::AdapterInner;
use crate::codec::item::Item;
use crate::error::{Error, Result};
use crate::key::{key_of, KeyId};

/// One request of a batch: its position in the caller's list, its key, and the prefixed item or key.
pub(super) struct Pending {
    pub(super) index: usize,
    pub(super) key: KeyId,
    pub(super) item: Item,
}

/// What to do with requests that repeat a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Duplicates {
    /// [`Error::DuplicateKey`].
    Reject,
    /// Drop the earlier requests (writes with `deduplicate(true)`).
    KeepLast,
    /// Drop the later requests (reads: the result follows the first occurrence).
    KeepFirst,
}

/// The requests to send, after prefixing and duplicate handling, in the caller's order.
pub(super) struct Prepared {
    pub(super) pending: Vec<Pending>,
    pub(super) deduplicated: usize,
}

impl Prepared {
    /// Prefixes every entry (`prefix` is given its position) and checks keys are unique, handling repeats as `duplicates` says. Keys
    /// are compared as stored (after prefixing).
    pub(super) fn new(
        inner: &AdapterInner,
        originals: &[Item],
        prefix: impl Fn(usize, &Item) -> Item,
        duplicates: Duplicates,
    ) -> Result<Self> {
        let mut latest: HashMap<KeyId, usize> = HashMap::with_capacity(originals.len());
        let mut pending = Vec::with_capacity(originals.len());
        let mut dropped = HashSet::new();
        for (index, original) in originals.iter().enumerate() {
            let item = prefix(index, original);
            let key = KeyId::of(&inner.keys, &item);
            if let Some(&earlier) = latest.get(&key) {
                match duplicates {
                    Duplicates::Reject => {
                        return Err(Error::DuplicateKey {
                            table: inner.table.clone(),
                            key: key_of(&inner.keys, original),
                        })
                    }
                    Duplicates::KeepLast => {
                        dropped.insert(earlier);
                    }
                    Duplicates::KeepFirst => {
                        dropped.insert(index);
                        continue;
                    }
                }
            }
            latest.insert(key.clone(), index);
            pending.push(Pending { index, key, item });
        }
        pending.retain(|p| !dropped.contains(&p.index));
        Ok(Prepared { pending, deduplicated: dropped.len() })
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;
    use crate::ops::test_support::adapter;
    use crate::prefix::Prefixes;

    fn entry(pk: &str, n: &str) -> Item {
        [("pk".to_owned(), AttributeValue::S(pk.into())), ("n".to_owned(), AttributeValue::N(n.into()))]
            .into_iter()
            .collect()
    }

    fn prepare(originals: &[Item], duplicates: Duplicates) -> Result<Prepared> {
        let adapter = adapter(|b| b);
        let prefixes = Prefixes::none().with("pk", "t#");
        Prepared::new(&adapter.inner, originals, |_, item| prefixes.added(item.clone()), duplicates)
    }

    fn indexes(prepared: &Prepared) -> Vec<usize> {
        prepared.pending.iter().map(|p| p.index).collect()
    }

    #[test]
    fn keys_are_compared_as_stored_and_repeats_handled_as_asked() {
        // "t#a" is stored as is, so it is the same item as "a" once prefixed.
        let originals = [entry("a", "1"), entry("b", "2"), entry("t#a", "3")];
        let err = prepare(&originals, Duplicates::Reject).err().unwrap();
        assert!(matches!(&err, Error::DuplicateKey { key, .. } if key["pk"] == AttributeValue::S("t#a".into())));
        let last = prepare(&originals, Duplicates::KeepLast).unwrap();
        assert_eq!((indexes(&last), last.deduplicated), (vec![1, 2], 1));
        let first = prepare(&originals, Duplicates::KeepFirst).unwrap();
        assert_eq!((indexes(&first), first.deduplicated), (vec![0, 1], 1));
        assert_eq!(first.pending[0].item["pk"], AttributeValue::S("t#a".into()), "requests are prefixed");
    }
}
