//! Page cursors in queries and scans: where a read starts ([`Start`]: a key, or a cursor read back
//! into one, checked against what is read), the cursors' scope, and the key attributes a cursor of
//! the table or an index holds.
//!
//! A query's cursor must start in the partition its key condition names: a start key is "the value
//! that was returned for `LastEvaluatedKey` in the previous operation" (API reference, `Query`,
//! `ExclusiveStartKey`: <https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-ExclusiveStartKey>),
//! and the next page is read "with the same `KeyConditionExpression`" (Developer Guide, "Paginating
//! table query results"), so a start key in another partition is never one of this query's. daplug
//! refuses it ([`CursorError::OutsidePartition`]) rather than send it.

use crate::adapter::AdapterInner;
use crate::codec::item::Item;
use crate::codec::value::value_eq;
use crate::cursor::{self, CursorError, Expected, Scope};
use crate::error::{Error, Result};
use crate::expr::Condition;
use crate::meta::KeyAttribute;
use crate::model::Model;
use crate::prefix::Prefixes;

/// Where a query or scan starts.
#[derive(Debug, Clone)]
pub(super) enum Start {
    /// A last evaluated key, prefix-stripped.
    Key(Item),
    /// A page cursor, read when the request is planned.
    Cursor(String),
}

/// The scope of this read's cursors. A context without a cursor key is [`Error::Config`]: without a
/// key nothing binds it, and a service that sets one expects it to hold.
pub(super) fn scope<'a>(
    adapter: &'a AdapterInner,
    index: Option<&'a str>,
    context: Option<&'a [u8]>,
) -> Result<Scope<'a>> {
    if context.is_some() && !adapter.cursor_keys.is_set() {
        return Err(Error::Config(
            "cursor_context binds cursors to a context only when they are signed: set AdapterBuilder::cursor_key"
                .into(),
        ));
    }
    Ok(Scope { table: &adapter.table, index, context, keys: &adapter.cursor_keys })
}

/// The start key of a read, prefixed: a key as given, or the key a cursor holds once it passed every
/// check. `key_conditions` are a query's (`None` for a scan).
pub(super) fn start_key<M: Model>(
    start: &Start,
    scope: &Scope<'_>,
    adapter: &AdapterInner,
    key_conditions: Option<&[Condition]>,
    prefixes: &Prefixes,
) -> Result<Item> {
    let token = match start {
        Start::Key(key) => return Ok(prefixes.added(key.clone())),
        Start::Cursor(token) => token,
    };
    let (expected, partition_key) = expected::<M>(adapter, scope.index);
    let key = prefixes.added(cursor::read(scope, &expected, token)?);
    if let (Some(conditions), Some(attribute)) = (key_conditions, partition_key) {
        if let Some(wanted) = conditions.iter().find_map(|condition| condition.required_value(attribute)) {
            let mut wanted = wanted.clone();
            prefixes.add_value(attribute, &mut wanted);
            if !key.get(attribute).is_some_and(|value| value_eq(value, &wanted)) {
                return Err(CursorError::OutsidePartition { attribute: attribute.to_owned() }.into());
            }
        }
    }
    Ok(key)
}

/// The key attributes a start key of the table or `index` holds (the table's keys, and an index's
/// own), with their types where the model declares them, and the partition key of what is read.
/// On an index the model does not declare, its keys are unknown: two more attributes are allowed,
/// and there is no partition to check.
fn expected<'a, M: Model>(adapter: &'a AdapterInner, index: Option<&str>) -> (Expected<'a>, Option<&'a str>) {
    let meta = &M::META;
    let declared_type = |name: &str, declared: Option<KeyAttribute>| {
        declared.filter(|attribute| attribute.name == name).map(|attribute| attribute.key_type)
    };
    let table = &adapter.keys;
    let mut required = vec![(table.hash_key.as_str(), declared_type(&table.hash_key, meta.hash_key))];
    if let Some(range_key) = &table.range_key {
        required.push((range_key.as_str(), declared_type(range_key, meta.range_key)));
    }
    let Some(index) = index else {
        return (Expected { required, others: 0 }, Some(table.hash_key.as_str()));
    };
    let Some(declared) = meta.indexes.iter().find(|declared| declared.name == index) else {
        return (Expected { required, others: 2 }, None);
    };
    for attribute in std::iter::once(declared.hash_key).chain(declared.range_key) {
        match required.iter_mut().find(|(name, _)| *name == attribute.name) {
            // A local index shares the table's partition key; its type is declared either way.
            Some((_, key_type)) => *key_type = key_type.or(Some(attribute.key_type)),
            None => required.push((attribute.name, Some(attribute.key_type))),
        }
    }
    (Expected { required, others: 0 }, Some(declared.hash_key.name))
}

/// The cursor of a page's (prefix-stripped) last evaluated key.
pub(super) fn next_cursor(scope: &Scope<'_>, last_evaluated_key: Option<&Item>) -> Result<Option<String>> {
    last_evaluated_key.map(|key| cursor::mint(scope, key)).transpose()
}
