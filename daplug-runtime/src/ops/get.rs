//! `get`: one `GetItem` by key, prefixes added to the key and stripped from the item.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::get_item::builders::GetItemInputBuilder;
use aws_sdk_dynamodb::operation::get_item::{GetItemInput, GetItemOutput};
use futures::future::BoxFuture;
use tracing::Instrument;

use super::options::{option_setters, KeyOptions};
use crate::adapter::Repository;
use crate::codec::item::Item;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::failure::Repeat;
use crate::key::check_key;
use crate::model::Model;

/// A `GetItem`; see [`Repository::get`].
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Get<M: Model> {
    repo: Repository<M>,
    key: Result<Item>,
    /// The key's entity: its prefixes are added to the key and stripped from the item.
    entity: Entity,
    consistent: bool,
    keys: KeyOptions,
}

impl<M: Model> Get<M> {
    pub(crate) fn new(repo: &Repository<M>, key: &M::Key) -> Self {
        Get {
            repo: repo.clone(),
            key: M::key_item(key),
            entity: M::entity_of_key(key),
            consistent: false,
            keys: KeyOptions::default(),
        }
    }

    /// Strongly consistent read.
    pub fn consistent_read(mut self, consistent: bool) -> Self {
        self.consistent = consistent;
        self
    }

    /// The `GetItem` request this call sends (key checked and prefixed), built but not sent; for
    /// inspection and tests.
    pub fn plan(self) -> Result<GetItemInputBuilder> {
        let inner = &self.repo.adapter.inner;
        let key = self.key?;
        check_key(&inner.keys, &key, true)?;
        Ok(GetItemInput::builder()
            .table_name(&inner.table)
            .set_key(Some(self.keys.prefixes(inner, &self.entity).added(key)))
            .consistent_read(self.consistent))
    }

    /// The SDK output, with prefixes stripped from the item.
    pub async fn raw(self) -> Result<GetItemOutput> {
        let repo = self.repo.clone();
        let inner = &repo.adapter.inner;
        let prefixes = self.keys.prefixes(inner, &self.entity);
        let output = self
            .plan()?
            .send_with(&inner.client)
            .instrument(tracing::debug_span!("daplug.get", table = %inner.table, schema = M::META.schema))
            .await
            .map_err(|err| Error::dynamodb("GetItem", Repeat::Read, err))?;
        let item = output.item.map(|item| prefixes.stripped(item));
        Ok(GetItemOutput::builder().set_item(item).set_consumed_capacity(output.consumed_capacity).build())
    }

    /// Runs the read (same as `.await`).
    pub async fn send(self) -> Result<Option<M>> {
        self.raw().await?.item.map(M::from_item).transpose()
    }
}

impl<M: Model> IntoFuture for Get<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<M: Model> fmt::Debug for Get<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("repo", &self.repo)
            .field("key", &self.key)
            .field("entity", &self.entity)
            .field("consistent", &self.consistent)
            .field("keys", &self.keys)
            .finish()
    }
}

option_setters!(keys, impl[M: Model] Get<M>);

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use crate::ops::test_support::{adapter, Thing, ThingKey};
    use crate::Error;

    #[test]
    fn plans_a_get_of_the_prefixed_key() {
        let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
        let input = repo.get(&ThingKey::new("a")).consistent_read(true).plan().unwrap().build().unwrap();
        assert_eq!(input.table_name(), Some("things"));
        assert_eq!(input.key().unwrap()["pk"], AttributeValue::S("t#a".into()));
        assert_eq!(input.consistent_read(), Some(true));
        let input = repo.get(&ThingKey::new("a")).range_prefix("x").hash_prefix("u#").plan();
        assert!(input.is_ok(), "a range prefix without a range key is ignored per call");
    }

    #[test]
    fn an_empty_key_fails_at_plan() {
        let repo = adapter(|b| b).repository::<Thing>();
        let err = repo.get(&ThingKey::new("")).plan().unwrap_err();
        assert!(matches!(err, Error::InvalidKey { ref attribute, .. } if attribute == "pk"), "{err:?}");
    }
}
