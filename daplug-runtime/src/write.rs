//! The one conditional `PutItem` behind insert, overwrite and update: key guard + lock condition,
//! rendered through placeholders, with the stored item returned when the condition fails.

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use serde_json::Value;

use crate::config::{AdapterInner, LockConfig};
use crate::error::{Error, Result};
use crate::expr::Placeholders;
use crate::lock::{LockCondition, LockPolicy};
use crate::model::Item;
use crate::prefix::Prefixes;

/// What the write requires of the item currently stored under the same primary key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyGuard {
    /// Nothing (a plain overwrite).
    None,
    /// It exists: an update must not resurrect an item deleted since it was read.
    Exists,
    /// It does not exist: insert.
    Absent,
}

/// Decodes an (unprefixed) item as JSON, for merging and lock decisions.
pub(crate) fn item_to_json(schema: &'static str, item: &Item) -> Result<Value> {
    let item: serde_dynamo::Item = item.clone().into();
    serde_dynamo::from_item(item).map_err(|err| Error::Serialize { schema, message: err.to_string() })
}

/// Encodes a JSON value as an attribute value.
pub(crate) fn json_to_attribute(schema: &'static str, value: &Value) -> Result<AttributeValue> {
    serde_dynamo::to_attribute_value(value).map_err(|err| Error::Serialize { schema, message: err.to_string() })
}

/// Renders a lock condition through placeholders.
pub(crate) fn lock_clause(
    placeholders: &mut Placeholders,
    lock: &LockCondition,
    prefixes: &Prefixes,
) -> Result<String> {
    Ok(match lock {
        LockCondition::NotExists(attribute) => format!("attribute_not_exists({})", placeholders.name(attribute)),
        LockCondition::IsNull(attribute) => {
            // attribute_not_exists is false for a stored NULL; its type is what identifies it.
            let name = placeholders.name(attribute);
            let value = placeholders.value(attribute, AttributeValue::S("NULL".into()), &Prefixes::none());
            format!("attribute_type({name}, {value})")
        }
        LockCondition::Equals(attribute, expected) => {
            let name = placeholders.name(attribute);
            let value = placeholders.value(attribute, json_to_attribute("lock", expected)?, prefixes);
            format!("{name} = {value}")
        }
    })
}

/// Version locking on a put of a whole item: a new item (`fresh`) starts at 1; otherwise the put must
/// match the version the item carries (the one it was read at; absent = never versioned) and stores
/// the next one. Returns the condition to write under, `None` for a fresh item (its insert condition
/// already covers it) or when the adapter does not version.
pub(crate) fn apply_version(
    lock: Option<&LockConfig>,
    schema: &'static str,
    item: &mut Item,
    fresh: bool,
) -> Result<Option<LockCondition>> {
    let Some(config) = lock.filter(|lock| lock.policy == LockPolicy::Version) else {
        return Ok(None);
    };
    let attribute = config.attribute.as_str();
    let invalid = |found: &str| Error::Validation {
        schema,
        path: attribute.to_owned(),
        message: format!("version must be an integer, got {found}"),
    };
    let (next, condition) = match item.get(attribute) {
        _ if fresh => (1, None),
        None | Some(AttributeValue::Null(_)) => (1, Some(LockCondition::NotExists(attribute.to_owned()))),
        Some(AttributeValue::N(text)) => {
            let version: i64 = text.parse().map_err(|_| invalid(text))?;
            let next = version.checked_add(1).ok_or_else(|| invalid(text))?;
            (next, Some(LockCondition::Equals(attribute.to_owned(), version.into())))
        }
        Some(_) => return Err(invalid("a non-number")),
    };
    item.insert(attribute.to_owned(), AttributeValue::N(next.to_string()));
    Ok(condition)
}

/// Writes `item` (unprefixed) on condition that `guard` and the lock condition hold.
/// Returns `Some(current)` (the stored item, stripped; `None` if deleted) when the condition failed.
pub(crate) async fn put_conditionally(
    inner: &AdapterInner,
    prefixes: &Prefixes,
    item: Item,
    guard: KeyGuard,
    lock: Option<&LockCondition>,
) -> Result<Option<Option<Item>>> {
    let mut placeholders = Placeholders::default();
    let function = match guard {
        KeyGuard::None => None,
        KeyGuard::Exists => Some("attribute_exists"),
        KeyGuard::Absent => Some("attribute_not_exists"),
    };
    let mut clauses: Vec<String> = match function {
        Some(function) => inner.keys.attributes().map(|k| format!("{function}({})", placeholders.name(k))).collect(),
        None => Vec::new(),
    };
    if let Some(lock) = lock {
        clauses.push(lock_clause(&mut placeholders, lock, prefixes)?);
    }
    let result = inner
        .client
        .put_item()
        .table_name(&inner.table)
        .set_item(Some(prefixes.added(item)))
        .set_condition_expression((!clauses.is_empty()).then(|| clauses.join(" AND ")))
        .set_expression_attribute_names(placeholders.names())
        .set_expression_attribute_values(placeholders.values())
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match result {
        Ok(_) => Ok(None),
        Err(err) => match err.as_service_error() {
            Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                // The service returns the item as it was when the condition failed.
                Ok(Some(failed.item().cloned().map(|item| prefixes.stripped(item))))
            }
            _ => Err(Error::dynamodb("PutItem", err)),
        },
    }
}
