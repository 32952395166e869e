//! [`Entity`]: which entity type of a table a write or read is of, with its own key prefixes; and
//! the helpers generated families use (the tag of an item, the unknown-tag error, the compile-time
//! checks of a derived family).

use crate::codec::item::Item;
use crate::error::Error;
use crate::meta::{IndexMeta, KeyAttribute, KeyType};

/// One entity type of a table, as every write and read chooses it: the schema name its events carry
/// (attribute `schema`) and the key prefixes of its own, laid over the adapter's on every path
/// (items, keys, conditions, events, query results).
///
/// A plain model is one entity, [`Model::ENTITY`](crate::Model::ENTITY), with no prefixes of its own: the adapter's apply,
/// as they always did. A **family** (a discriminated union stored in one table, single-table
/// design) is several: each variant names its own (`ORDER#…`, `LINE#…`, `SHIP#…` sort keys), and
/// the union chooses the entity of a value, a stored item and a key by the variant
/// ([`Model::entity_of_item`](crate::Model::entity_of_item), [`Model::entity_of_key`](crate::Model::entity_of_key)).
///
/// ```
/// use daplug_runtime::Entity;
/// const LINE: Entity = Entity { range_prefix: Some("LINE#"), tag: Some(("kind", "line")), ..Entity::named("LineItem") };
/// assert_eq!(LINE.schema, "LineItem");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entity {
    /// The schema name events of this entity carry (a variant's own name in a family).
    pub schema: &'static str,
    /// Prefix of the partition key values of this entity, over the adapter's (`None`: the adapter's).
    pub hash_prefix: Option<&'static str>,
    /// Prefix of the sort key values of this entity, over the adapter's (`None`: the adapter's).
    pub range_prefix: Option<&'static str>,
    /// In a family: the tag attribute and the value that names this entity (`("kind", "line")`).
    /// A variant's own queries are narrowed by it when it has no sort-key prefix of its own.
    pub tag: Option<(&'static str, &'static str)>,
}

impl Entity {
    /// An entity with only a schema name: the adapter's prefixes apply.
    pub const fn named(schema: &'static str) -> Self {
        Entity { schema, hash_prefix: None, range_prefix: None, tag: None }
    }

    /// Whether this entity sets a prefix of its own on either key.
    pub const fn has_prefixes(&self) -> bool {
        self.hash_prefix.is_some() || self.range_prefix.is_some()
    }
}

/// The tag value of a stored or written item (`None` when the attribute is absent or not a string),
/// for [`Model::entity_of_item`](crate::Model::entity_of_item) of a family.
#[doc(hidden)]
pub fn tag_value<'a>(item: &'a Item, tag: &str) -> Option<&'a str> {
    match item.get(tag) {
        Some(aws_sdk_dynamodb::types::AttributeValue::S(text)) => Some(text),
        _ => None,
    }
}

/// [`Error::UnknownTag`] for `item` of the family `schema` tagged by `tag`.
#[doc(hidden)]
#[cold]
pub fn unknown_tag(schema: &'static str, tag: &'static str, item: &Item) -> Error {
    Error::UnknownTag { schema, tag, value: tag_value(item, tag).map(str::to_owned), item: Box::new(item.clone()) }
}

/// Whether `entity` is tagged `tag = value` (a derived family checks each variant's, at compile time).
#[doc(hidden)]
pub const fn entity_tagged(entity: Entity, tag: &str, value: &str) -> bool {
    match entity.tag {
        Some((own_tag, own_value)) => same_text(own_tag, tag) && same_text(own_value, value),
        None => false,
    }
}

/// Whether a family's sort-key prefixes keep its variants' queries apart: every variant has one and
/// none starts with another's, or none has one (a derived family checks it at compile time).
#[doc(hidden)]
pub const fn family_prefixes_ok(prefixes: &[Option<&str>]) -> bool {
    let mut i = 0;
    let mut some = 0;
    while i < prefixes.len() {
        if let Some(prefix) = prefixes[i] {
            some += 1;
            let mut j = 0;
            while j < prefixes.len() {
                if let (true, Some(other)) = (i != j, prefixes[j]) {
                    if starts_with(prefix, other) {
                        return false;
                    }
                }
                j += 1;
            }
        }
        i += 1;
    }
    some == 0 || some == prefixes.len()
}

/// How many distinct indexes (by name) `lists` hold: the length of a derived family's indexes, its
/// variants' merged ([`merge_indexes`]).
#[doc(hidden)]
pub const fn distinct_indexes(lists: &[&[IndexMeta]]) -> usize {
    let mut count = 0;
    let mut list = 0;
    while list < lists.len() {
        let mut at = 0;
        while at < lists[list].len() {
            if !seen_before(lists, list, at) {
                count += 1;
            }
            at += 1;
        }
        list += 1;
    }
    count
}

/// The indexes of `lists`, each name once, in order (`N` from [`distinct_indexes`]): a derived
/// family's indexes are every variant's, so its table is created with all of them.
#[doc(hidden)]
pub const fn merge_indexes<const N: usize>(lists: &[&[IndexMeta]]) -> [IndexMeta; N] {
    let empty = IndexMeta { name: "", hash_key: KeyAttribute { name: "", key_type: KeyType::S }, range_key: None };
    let mut out = [empty; N];
    let mut count = 0;
    let mut list = 0;
    while list < lists.len() {
        let mut at = 0;
        while at < lists[list].len() {
            if !seen_before(lists, list, at) && count < N {
                out[count] = lists[list][at];
                count += 1;
            }
            at += 1;
        }
        list += 1;
    }
    out
}

/// Whether the index at `lists[list][at]` has a name an earlier one has.
const fn seen_before(lists: &[&[IndexMeta]], list: usize, at: usize) -> bool {
    let name = lists[list][at].name;
    let mut l = 0;
    while l <= list {
        let end = if l == list { at } else { lists[l].len() };
        let mut i = 0;
        while i < end {
            if same_text(lists[l][i].name, name) {
                return true;
            }
            i += 1;
        }
        l += 1;
    }
    false
}

const fn starts_with(text: &str, prefix: &str) -> bool {
    let (text, prefix) = (text.as_bytes(), prefix.as_bytes());
    if prefix.len() > text.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if text[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && starts_with(a, b)
}

#[cfg(test)]
mod family_checks {
    use super::{distinct_indexes, entity_tagged, family_prefixes_ok, merge_indexes, Entity};
    use crate::meta::{IndexMeta, KeyAttribute, KeyType};

    const fn index(name: &'static str) -> IndexMeta {
        IndexMeta { name, hash_key: KeyAttribute { name: "status", key_type: KeyType::S }, range_key: None }
    }

    #[test]
    fn a_derived_familys_indexes_are_its_variants_each_once() {
        const LISTS: &[&[IndexMeta]] = &[&[index("by_status")], &[index("by_status"), index("by_carrier")], &[]];
        const N: usize = distinct_indexes(LISTS);
        const MERGED: [IndexMeta; N] = merge_indexes::<N>(LISTS);
        assert_eq!(MERGED.map(|i| i.name), ["by_status", "by_carrier"]);
    }

    #[test]
    fn prefixes_keep_variants_apart_when_all_or_none_have_one_and_none_starts_with_another() {
        assert!(family_prefixes_ok(&[Some("ORDER#"), Some("LINE#"), Some("SHIP#")]));
        assert!(family_prefixes_ok(&[None, None]));
        assert!(!family_prefixes_ok(&[Some("LINE#"), Some("LINE#X")]), "LINE#X starts with LINE#");
        assert!(!family_prefixes_ok(&[Some("LINE#X"), Some("LINE#")]), "in either order");
        assert!(!family_prefixes_ok(&[Some("LINE#"), Some("LINE#")]), "equal prefixes");
        assert!(!family_prefixes_ok(&[Some("LINE#"), None]), "some variants only");
    }

    #[test]
    fn an_entity_is_tagged_by_its_tag_and_value() {
        let line = Entity { tag: Some(("kind", "line")), ..Entity::named("LineItem") };
        assert!(entity_tagged(line, "kind", "line"));
        assert!(!entity_tagged(line, "kind", "lines"));
        assert!(!entity_tagged(line, "type", "line"));
        assert!(!entity_tagged(Entity::named("Order"), "kind", "order"));
    }
}
