//! `delete`: one `DeleteItem` by key returning the old item (`ALL_OLD`), optionally conditioned on
//! the lock value, and its event.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemInputBuilder;
use aws_sdk_dynamodb::operation::delete_item::{DeleteItemError, DeleteItemInput, DeleteItemOutput};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use futures::future::BoxFuture;
use tracing::Instrument;

use super::options::{option_setters, publish, EventOptions, KeyOptions};
use crate::adapter::Repository;
use crate::attempts::counted;
use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::events::{Body, Operation};
use crate::failure::Repeat;
use crate::key::check_key;
use crate::model::Model;

/// A `DeleteItem` returning the old item; see [`Repository::delete`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Delete<M: Model> {
    repo: Repository<M>,
    key: Result<Item>,
    /// The key's entity: its prefixes on the key and the old item, its schema on the event.
    entity: Entity,
    expected_lock: Option<std::result::Result<AttributeValue, String>>,
    keys: KeyOptions,
    events: EventOptions,
}

impl<M: Model> Delete<M> {
    pub(crate) fn new(repo: &Repository<M>, key: &M::Key) -> Self {
        Delete {
            repo: repo.clone(),
            key: M::key_item(key),
            entity: M::entity_of_key(key),
            expected_lock: None,
            keys: KeyOptions::default(),
            events: EventOptions::default(),
        }
    }

    /// Deletes only if the adapter's idempotence key still has this value (e.g. the version the
    /// caller read); otherwise [`Error::Conflict`] with the stored item.
    pub fn if_lock_value(mut self, value: impl serde::Serialize) -> Self {
        self.expected_lock = Some(crate::codec::to_attribute_value(&value).map_err(|err| err.to_string()));
        self
    }

    /// The `DeleteItem` request this call sends (key checked and prefixed, lock condition rendered),
    /// built but not sent; for inspection and tests.
    pub fn plan(self) -> Result<DeleteItemInputBuilder> {
        let inner = &self.repo.adapter.inner;
        let key = self.key?;
        check_key(&inner.keys, &key, true)?;
        let mut request = DeleteItemInput::builder()
            .table_name(&inner.table)
            .set_key(Some(self.keys.prefixes(inner, &self.entity).added(key)))
            .return_values(ReturnValue::AllOld);
        if let Some(expected) = self.expected_lock {
            let attribute = match &inner.lock {
                Some(lock) => lock.attribute.as_str(),
                None => return Err(Error::Config("if_lock_value needs the adapter's idempotence_key".into())),
            };
            let value = expected.map_err(|message| Error::Serialize { schema: M::META.schema, message })?;
            request = request
                .condition_expression("#lock = :lock")
                .expression_attribute_names("#lock", attribute)
                .expression_attribute_values(":lock", value)
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        }
        Ok(request)
    }

    /// The SDK output (`ReturnValues = ALL_OLD`), with prefixes stripped from the old item. No event
    /// is published.
    ///
    /// When the SDK had to retry (an attempt's answer was lost) and the retry finds no item, the
    /// earlier attempt may have deleted it: [`Error::OutcomeUnknown`] (the item is gone; what it was
    /// is lost with the answer), rather than "nothing to delete" or a conflict.
    pub async fn raw(self) -> Result<DeleteItemOutput> {
        let repo = self.repo.clone();
        let inner = &repo.adapter.inner;
        let prefixes = self.keys.prefixes(inner, &self.entity);
        let key = self.key.as_ref().ok().cloned().unwrap_or_default();
        let span = tracing::debug_span!("daplug.delete", table = %inner.table, schema = M::META.schema, attempts = tracing::field::Empty);
        let input = self.plan()?;
        // Sent again, an unconditional delete deletes nothing more; a conditional one finds the item
        // gone and is refused.
        let repeat =
            if input.get_condition_expression().is_some() { Repeat::NotIdempotent } else { Repeat::Idempotent };
        let (result, attempts) = counted(input.send_with(&inner.client)).instrument(span.clone()).await;
        let unknown = || {
            span.record("attempts", attempts);
            tracing::debug!(parent: &span, attempts, "a retried delete found no item: outcome unknown");
            Error::OutcomeUnknown { table: inner.table.clone(), operation: "DeleteItem", key: key.clone() }
        };
        let mut output = match result {
            Ok(output) => output,
            Err(err) => {
                if let Some(DeleteItemError::ConditionalCheckFailedException(failed)) = err.as_service_error() {
                    if attempts > 1 && failed.item.is_none() {
                        return Err(unknown());
                    }
                    let current = failed.item().cloned().map(|item| Box::new(prefixes.stripped(item)));
                    return Err(Error::Conflict { table: inner.table.clone(), current });
                }
                return Err(Error::dynamodb("DeleteItem", repeat, err));
            }
        };
        match output.attributes.as_mut() {
            Some(old) => prefixes.strip_item(old),
            None if attempts > 1 => return Err(unknown()),
            None => {}
        }
        Ok(output)
    }

    /// Runs the delete (same as `.await`) and publishes the old item.
    pub async fn send(self) -> Result<Option<M>> {
        let inner = self.repo.adapter.inner.clone();
        let events = self.events.clone();
        let schema = self.entity.schema;
        let Some(old) = self.raw().await?.attributes else {
            return Ok(None);
        };
        let model = M::from_item(old)?;
        let event = events.event(&inner, Operation::Delete, schema, || Body::model(&model), None)?;
        publish(&inner, event).await?;
        Ok(Some(model))
    }
}

impl<M: Model> IntoFuture for Delete<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<M: Model> fmt::Debug for Delete<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delete")
            .field("repo", &self.repo)
            .field("key", &self.key)
            .field("expected_lock", &self.expected_lock)
            .field("keys", &self.keys)
            .field("events", &self.events)
            .finish()
    }
}

option_setters!(payload, impl[M: Model] Delete<M>);

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

    use crate::ops::test_support::{adapter, Thing, ThingKey};
    use crate::Error;

    #[test]
    fn plans_a_delete_returning_the_old_item() {
        let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
        let input = repo.delete(&ThingKey::new("a")).plan().unwrap().build().unwrap();
        assert_eq!(input.key().unwrap()["pk"], AttributeValue::S("t#a".into()));
        assert_eq!(input.return_values(), Some(&ReturnValue::AllOld));
        assert_eq!(input.condition_expression(), None);
    }

    #[test]
    fn if_lock_value_conditions_on_the_idempotence_key() {
        let repo = adapter(|b| b.idempotence_key("version")).repository::<Thing>();
        let input = repo.delete(&ThingKey::new("a")).if_lock_value(3).plan().unwrap().build().unwrap();
        assert_eq!(input.condition_expression(), Some("#lock = :lock"));
        assert_eq!(input.expression_attribute_names().unwrap()["#lock"], "version");
        assert_eq!(input.expression_attribute_values().unwrap()[":lock"], AttributeValue::N("3".into()));
        let unlocked = adapter(|b| b).repository::<Thing>();
        let err = unlocked.delete(&ThingKey::new("a")).if_lock_value(3).plan().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }
}
