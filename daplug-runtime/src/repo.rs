//! Every operation of daplug, on one page: the constructors on [`Repository`] (and the transaction
//! constructor on [`Adapter`]). Each returns a request value from [`ops`](crate::ops) with optional
//! per-call settings; `.await` it (or call `send`) to run it. Nothing else lives here.

use std::borrow::Borrow;

use serde::Serialize;

use crate::adapter::{Adapter, Repository};
use crate::compat::{Create, Read, WriteMode};
use crate::error::Result;
use crate::model::Model;
use crate::ops::{BatchGet, BatchWrite, Delete, Get, Insert, Overwrite, Query, Scan, TransactWrite, Update};

impl<M: Model> Repository<M> {
    /// Writes `model` unless an item with the same primary key exists
    /// ([`Error::AlreadyExists`](crate::Error::AlreadyExists); nothing is changed or published then).
    pub fn insert(&self, model: &M) -> Insert<M> {
        Insert::new(self, model, WriteMode::Insert)
    }

    /// Writes `model`, replacing any item with the same primary key.
    pub fn overwrite(&self, model: &M) -> Overwrite<M> {
        Overwrite::new(self, model, WriteMode::Overwrite)
    }

    /// Dispatches to [`insert`](Self::insert) or [`overwrite`](Self::overwrite).
    pub fn create(&self, model: &M, mode: WriteMode) -> Create<M> {
        Create::new(self, model, mode)
    }

    /// Reads one item by key; `None` when absent.
    pub fn get(&self, key: &M::Key) -> Get<M> {
        Get::new(self, key)
    }

    /// Deletes one item by key and returns it as it was (`None` when there was none; then no event is
    /// published).
    pub fn delete(&self, key: &M::Key) -> Delete<M> {
        Delete::new(self, key)
    }

    /// A query on the table or one of its indexes.
    pub fn query(&self) -> Query<M> {
        Query::new(self.clone())
    }

    /// A scan of the table or one of its indexes.
    pub fn scan(&self) -> Scan<M> {
        Scan::new(self.clone())
    }

    /// Reads with the given operation: one item by key, or one page of a query or scan.
    pub async fn read(&self, read: Read<M>) -> Result<Vec<M>> {
        match read {
            Read::Get(key) => Ok(self.get(&key).await?.into_iter().collect()),
            Read::Query(query) => Ok(query.await?.items),
            Read::Scan(scan) => Ok(scan.await?.items),
        }
    }

    /// Updates the item with this key: `patch` (the model's typed `Patch`, or any JSON object) is
    /// merged into the stored item (maps deeply, lists per [`ListOp`](crate::ops::ListOp)), the result is validated by the
    /// model and written back under the adapter's locking policy. Two requests (a consistent
    /// `GetItem`, then a conditional `PutItem`); [`Update::in_one_request`] sends it as one
    /// `UpdateItem` instead, with counters, appends and set changes.
    ///
    /// ```no_run
    /// # use daplug_runtime::{ops::ListOp, Model, Repository};
    /// # async fn demo<M: Model>(orders: Repository<M>, key: M::Key) -> daplug_runtime::Result<()> {
    /// let updated: M = orders
    ///     .update(&key, &serde_json::json!({"tags": ["urgent"], "modified": "2024-01-02T00:00:00Z"}))
    ///     .list_op(ListOp::Add)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn update<P: Serialize + ?Sized>(&self, key: &M::Key, patch: &P) -> Update<M> {
        Update::by_key(self, key, patch)
    }

    /// Updates the item found by `query` (its first page). More than one match is
    /// [`Error::AmbiguousUpdate`](crate::Error::AmbiguousUpdate) unless [`Update::first_match`] is set.
    pub fn update_where<P: Serialize + ?Sized>(&self, query: Query<M>, patch: &P) -> Update<M> {
        Update::by_query(self, query, patch)
    }

    /// Writes `models` with `BatchWriteItem`: unconditional puts (an item with the same key is
    /// replaced; the service offers no conditions here), in chunks of [`batch_size`](BatchWrite::batch_size)
    /// sent [`concurrency`](BatchWrite::concurrency) at a time.
    ///
    /// Two models with the same primary key are an [`Error::DuplicateKey`](crate::Error::DuplicateKey) before anything is sent,
    /// unless [`deduplicate`](BatchWrite::deduplicate) keeps the last one. Events are off by default
    /// ([`publish`](BatchWrite::publish)).
    ///
    /// ```no_run
    /// # use daplug_runtime::{Model, Repository};
    /// # async fn demo<M: Model>(orders: Repository<M>, items: Vec<M>) -> daplug_runtime::Result<()> {
    /// let summary = orders.batch_insert(&items).concurrency(8).await?;
    /// assert_eq!(summary.written, items.len());
    /// # Ok(()) }
    /// ```
    pub fn batch_insert<I>(&self, models: I) -> BatchWrite<M>
    where
        I: IntoIterator,
        I::Item: Borrow<M>,
    {
        let entries = models
            .into_iter()
            .map(|model| model.borrow().to_item().and_then(|item| Ok((M::entity_of_item(&item)?, item))))
            .map(|entry| entry.map(|(entity, item)| (item, entity)))
            .collect();
        BatchWrite::insert(self, entries)
    }

    /// Deletes the items with these keys with `BatchWriteItem` (absent keys are not an error). Same
    /// chunking, retries, duplicate handling and events as [`batch_insert`](Self::batch_insert); an
    /// event's body is the deleted key, since `BatchWriteItem` does not return old items.
    pub fn batch_delete<I>(&self, keys: I) -> BatchWrite<M>
    where
        I: IntoIterator,
        I::Item: Borrow<M::Key>,
    {
        let entries =
            keys.into_iter().map(|key| Ok((M::key_item(key.borrow())?, M::entity_of_key(key.borrow())))).collect();
        BatchWrite::delete(self, entries)
    }

    /// Reads the items with these keys with `BatchGetItem` (100 keys a call, unprocessed keys
    /// retried). Returns the items found, in the order of their keys; absent keys are skipped and a
    /// repeated key is read once.
    pub fn batch_get<I>(&self, keys: I) -> BatchGet<M>
    where
        I: IntoIterator,
        I::Item: Borrow<M::Key>,
    {
        BatchGet::new(
            self,
            keys.into_iter().map(|key| Ok((M::key_item(key.borrow())?, M::entity_of_key(key.borrow())))).collect(),
        )
    }

    /// Starts a transaction sent with this repository's client; see [`Adapter::transact_write`].
    pub fn transact_write(&self) -> TransactWrite {
        self.adapter.transact_write()
    }
}

impl Adapter {
    /// Starts a transaction. Operations may use repositories of any model and any adapter sharing
    /// this adapter's DynamoDB client (same account and region); the call is sent with this
    /// adapter's client.
    ///
    /// ```no_run
    /// # use daplug_runtime::{Adapter, Condition, Model, Repository};
    /// # async fn demo<A: Model, B: Model>(adapter: Adapter, orders: Repository<A>, order: A,
    /// #     stock: Repository<B>, item: B) -> daplug_runtime::Result<()> {
    /// adapter
    ///     .transact_write()
    ///     .insert(&orders, &order)
    ///     .update(&stock, &item, Condition::ge("count", 1))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn transact_write(&self) -> TransactWrite {
        TransactWrite::new(self)
    }
}
