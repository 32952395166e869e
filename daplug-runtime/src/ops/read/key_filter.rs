//! A `Query` filter may not name a key attribute of the table or index queried: DynamoDB refuses the
//! request ("Filter Expression can only contain non-primary key attributes"), so daplug refuses it
//! while planning, naming the attribute, instead of sending it.
//!
//! Developer Guide, "Filter expressions for Query operations"
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html>):
//! "A filter expression cannot contain partition key or sort key attributes. You need to specify
//! those attributes in the key condition expression, not the filter expression." Scans have no such
//! rule, and neither do the table's keys when a secondary index is queried (only the index's own keys
//! count).

use crate::error::{Error, Result};
use crate::expr::Condition;
use crate::key::KeyConfig;
use crate::meta::IndexMeta;

/// The key attributes of what a query reads: the table's, or the index's when the model declares it.
/// `None` for an index the model does not declare: its keys are unknown here, and DynamoDB checks.
pub(super) fn queried_keys<'a>(
    table: &'a KeyConfig,
    indexes: &'a [IndexMeta],
    index: Option<&str>,
) -> Option<Vec<&'a str>> {
    match index {
        None => Some(table.attributes().collect()),
        Some(name) => indexes.iter().find(|declared| declared.name == name).map(|declared| {
            std::iter::once(declared.hash_key.name).chain(declared.range_key.map(|k| k.name)).collect()
        }),
    }
}

/// [`Error::KeyInFilter`] for the first attribute of `filters` whose top-level name is in `keys`.
pub(super) fn refuse_keys(filters: &[Condition], keys: &[&str], index: Option<&str>) -> Result<()> {
    let named = filters.iter().flat_map(Condition::attributes).map(|path| path.top_level());
    match named.into_iter().find(|name| keys.contains(name)) {
        Some(attribute) => Err(Error::KeyInFilter { attribute: attribute.to_owned(), index: index.map(str::to_owned) }),
        None => Ok(()),
    }
}
