//! The explicit actions of an update in one request, besides the patch ([`Op`]: increments,
//! appends, set changes, whole values and removals), rendered into the plan with the guards their
//! operands need.

use aws_sdk_dynamodb::types::AttributeValue;

use super::changes::KEY_CHANGE;
use super::plan::{Op, Plan, Request};
use crate::codec::item::Item;
use crate::codec::limits::check_item;
use crate::codec::number;
use crate::codec::value::type_name;
use crate::error::{Error, Result};
use crate::expr::update::Action;

impl Plan {
    pub(super) fn explicit(&mut self, op: &Op, request: &Request<'_>) -> Result<()> {
        let schema = request.schema;
        let (path, value) = match op {
            Op::Increment(path, value)
            | Op::Append(path, value)
            | Op::AddToSet(path, value)
            | Op::RemoveFromSet(path, value)
            | Op::Set(path, value) => (path, Some(value)),
            Op::Remove(path) => (path, None),
        };
        if request.keys.attributes().any(|key| key == path.top_level()) {
            return Err(Error::InvalidKey { attribute: path.top_level().to_owned(), message: KEY_CHANGE.into() });
        }
        let value = match value {
            Some(Ok(value)) => {
                let item: Item = [(path.to_string(), value.clone())].into();
                check_item(&item).map_err(|(path, message)| Error::Validation { schema, path, message })?;
                Some(value.clone())
            }
            Some(Err(message)) => {
                return Err(Error::Serialize { schema, message: format!("value for `{path}`: {message}") });
            }
            None => None,
        };
        let invalid = |message: String| Error::Validation { schema, path: path.to_string(), message };
        self.parent(path);
        let action = match (op, value) {
            (Op::Increment(..), Some(by @ AttributeValue::N(_))) => {
                self.operand(path, &["N"], "increment");
                Action::Increment(path.clone(), by)
            }
            (Op::Increment(..), Some(other)) => {
                return Err(invalid(format!("an increment must be a number, not {}", type_name(&other))));
            }
            (Op::Append(..), Some(list @ AttributeValue::L(_))) => {
                self.operand(path, &["L"], "append to");
                Action::Append(path.clone(), list)
            }
            (Op::Append(..), Some(other)) => {
                return Err(invalid(format!("append takes a list of elements, not {}", type_name(&other))));
            }
            (Op::AddToSet(..) | Op::RemoveFromSet(..), Some(values)) => {
                if !path.is_top_level() {
                    return Err(Error::Config(format!(
                        "`{path}`: DynamoDB adds to and removes from sets at the top level of an item only"
                    )));
                }
                let Some((set, type_code)) = as_set(&values) else {
                    return Err(invalid(format!(
                        "set elements must be all strings, all numbers or all binaries, not {}",
                        type_name(&values)
                    )));
                };
                let Some(set) = set else {
                    return Ok(()); // no elements: nothing to add or remove
                };
                if matches!(op, Op::AddToSet(..)) {
                    self.operand(path, type_code, "add to a set");
                    Action::AddToSet(path.clone(), set)
                } else {
                    self.operand(path, type_code, "remove from a set");
                    Action::DeleteFromSet(path.clone(), set)
                }
            }
            (Op::Set(..), Some(value)) => Action::Set(path.clone(), value),
            (Op::Remove(_), _) => Action::Remove(path.clone()),
            (_, None) => return Ok(()), // every op but Remove carries a value
        };
        self.actions.push(action);
        Ok(())
    }
}

/// A list or set of one scalar type as a set value without repeated elements (`None` inside for no
/// elements), with its type code; `None` for anything else.
fn as_set(value: &AttributeValue) -> Option<(Option<AttributeValue>, &'static [&'static str])> {
    fn dedup(mut elements: Vec<String>, eq: impl Fn(&str, &str) -> bool) -> Vec<String> {
        let mut kept: Vec<String> = Vec::with_capacity(elements.len());
        for element in elements.drain(..) {
            if !kept.iter().any(|k| eq(k, &element)) {
                kept.push(element);
            }
        }
        kept
    }
    let strings = |values: &[AttributeValue]| values.iter().map(|v| v.as_s().ok().cloned()).collect::<Option<Vec<_>>>();
    let numbers = |values: &[AttributeValue]| values.iter().map(|v| v.as_n().ok().cloned()).collect::<Option<Vec<_>>>();
    let binaries =
        |values: &[AttributeValue]| values.iter().map(|v| v.as_b().ok().cloned()).collect::<Option<Vec<_>>>();
    let (set, codes): (AttributeValue, &'static [&'static str]) = match value {
        AttributeValue::L(values) if values.is_empty() => return Some((None, &[])),
        AttributeValue::Ss(values) => (AttributeValue::Ss(dedup(values.clone(), |a, b| a == b)), &["SS"]),
        AttributeValue::Ns(values) => (AttributeValue::Ns(dedup(values.clone(), number::eq)), &["NS"]),
        AttributeValue::Bs(values) => {
            let mut kept = Vec::new();
            for value in values {
                if !kept.contains(value) {
                    kept.push(value.clone());
                }
            }
            (AttributeValue::Bs(kept), &["BS"])
        }
        AttributeValue::L(values) => {
            if let Some(values) = strings(values) {
                (AttributeValue::Ss(dedup(values, |a, b| a == b)), &["SS"])
            } else if let Some(values) = numbers(values) {
                (AttributeValue::Ns(dedup(values, number::eq)), &["NS"])
            } else {
                let mut kept = Vec::new();
                for value in binaries(values)? {
                    if !kept.contains(&value) {
                        kept.push(value);
                    }
                }
                (AttributeValue::Bs(kept), &["BS"])
            }
        }
        _ => return None,
    };
    let empty = match &set {
        AttributeValue::Ss(v) | AttributeValue::Ns(v) => v.is_empty(),
        AttributeValue::Bs(v) => v.is_empty(),
        _ => false,
    };
    Some(((!empty).then_some(set), codes))
}
