//! [`Query`] and [`Scan`]: the public request types over the shared read settings, with their
//! setters, `plan()`, `send()` / `.await`, `.pages()` and `.stream()`.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::query::builders::QueryInputBuilder;
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::operation::scan::builders::ScanInputBuilder;
use aws_sdk_dynamodb::operation::scan::ScanOutput;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

use super::cursors::Start;
use super::{Kind, Page, ReadSpec};
use crate::adapter::Repository;
use crate::attr::{AttributeIn, AttributeOf, IndexOf};
use crate::codec::item::Item;
use crate::error::Result;
use crate::expr::Condition;
use crate::model::Model;
use crate::ops::options::option_setters;

macro_rules! read_request {
    ($(#[$doc:meta])* $ty:ident, $kind:expr) => {
        $(#[$doc])*
        #[must_use = "a request does nothing until it is awaited, sent or streamed"]
        pub struct $ty<M: Model>(ReadSpec<M>);

        impl<M: Model> Clone for $ty<M> {
            fn clone(&self) -> Self {
                $ty(self.0.clone())
            }
        }

        impl<M: Model> fmt::Debug for $ty<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($ty)).field(&self.0).finish()
            }
        }

        impl<M: Model> $ty<M> {
            pub(crate) fn new(repo: Repository<M>) -> Self {
                $ty(ReadSpec::new(repo))
            }
            /// Reads a global secondary index instead of the table.
            /// `name` is a string or the model's generated index enum (`OrderIndex::StatusIndex`).
            pub fn index(mut self, name: impl IndexOf<M>) -> Self {
                self.0.index = Some(name.index_name());
                self
            }
            /// Adds a filter (ANDed with earlier ones), applied after the read; values compared with a
            /// prefixed key attribute are prefixed.
            pub fn filter(mut self, condition: Condition) -> Self {
                self.0.filter.push(condition);
                self
            }
            /// Page size (`Limit`: items evaluated per request).
            pub fn limit(mut self, limit: u32) -> Self {
                self.0.limit = Some(i32::try_from(limit).unwrap_or(i32::MAX));
                self
            }
            /// Strongly consistent read (tables only).
            pub fn consistent_read(mut self, consistent: bool) -> Self {
                self.0.consistent = consistent;
                self
            }
            /// Starts after this key (a [`Page::last_evaluated_key`]; unprefixed, prefixes are added).
            /// Replaces a [`start_from_cursor`](Self::start_from_cursor).
            pub fn exclusive_start_key(mut self, key: Item) -> Self {
                self.0.start = Some(Start::Key(key));
                self
            }
            /// Starts after the key a page cursor holds (a [`Page::next_cursor`] handed back by a
            /// client); replaces an [`exclusive_start_key`](Self::exclusive_start_key). The cursor is
            /// read when the request is planned or sent: one that is malformed, minted for another
            /// table, index or [`cursor_context`](Self::cursor_context), not authentic (with a
            /// [`cursor_key`](crate::adapter::AdapterBuilder::cursor_key)), not a start key of what
            /// is read, or (in a query) outside the partition the key condition names fails with
            /// [`Error::Cursor`](crate::Error::Cursor), and nothing is sent. See
            /// [`cursor`](crate::cursor) for the threats this covers and those it does not.
            pub fn start_from_cursor(mut self, cursor: impl Into<String>) -> Self {
                self.0.start = Some(Start::Cursor(cursor.into()));
                self
            }
            /// Binds this read's cursors (the one it starts from and those its pages carry) to
            /// `context`, e.g. the tenant or caller id: a cursor minted under one context does not
            /// verify under another ([`CursorError::BadSignature`](crate::cursor::CursorError::BadSignature)).
            /// The context is covered by the cursor's tag, not written into it. Needs a
            /// [`cursor_key`](crate::adapter::AdapterBuilder::cursor_key) (otherwise the request
            /// fails with [`Error::Config`](crate::Error::Config)).
            pub fn cursor_context(mut self, context: impl AsRef<[u8]>) -> Self {
                self.0.cursor_context = Some(context.as_ref().to_vec());
                self
            }
            /// `true`: items of a family whose tag names no entity type this model reads (written by
            /// a newer service, say) are left out (logged at debug level) instead of failing the read
            /// with [`Error::UnknownTag`](crate::Error::UnknownTag), which carries the item.
            pub fn skip_unknown(mut self, skip: bool) -> Self {
                self.0.skip_unknown = skip;
                self
            }
            /// Reads one page (same as `.await`).
            pub async fn send(self) -> Result<Page<M>> {
                self.0.page($kind).await
            }
            /// All pages, fetched one at a time as the stream is polled.
            pub fn pages(self) -> BoxStream<'static, Result<Page<M>>> {
                self.0.pages($kind)
            }
            /// All items of all pages, fetched one page at a time as the stream is polled.
            pub fn stream(self) -> BoxStream<'static, Result<M>> {
                self.0.items($kind)
            }
        }

        impl<M: Model> IntoFuture for $ty<M> {
            type Output = Result<Page<M>>;
            type IntoFuture = BoxFuture<'static, Result<Page<M>>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        option_setters!(keys, impl[M: Model] $ty<M>, via 0);
    };
}

read_request!(
    /// A `Query`; see [`Repository::query`]. Needs at least `key_eq` on the partition key.
    ///
    /// ```no_run
    /// # use daplug_runtime::{Model, Repository, Condition};
    /// # use futures::TryStreamExt;
    /// # async fn demo<M: Model>(orders: Repository<M>) -> daplug_runtime::Result<()> {
    /// let open: Vec<M> = orders
    ///     .query()
    ///     .index("status-index")
    ///     .key_eq("status", "open")
    ///     .filter(Condition::gt("count", 3))
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    Query,
    Kind::Query
);
read_request!(
    /// A `Scan`; see [`Repository::scan`].
    Scan,
    Kind::Scan
);

impl<M: Model> Query<M> {
    /// Reads every page (one query, followed page by page) and gathers its items into `G`: a
    /// family's partition into its parts, as the generated `<Family>Parts` holds them (a `Vec` per
    /// variant), or into any `Default + Extend<M>` of the caller's own.
    ///
    /// ```no_run
    /// # use daplug_runtime::{Model, Repository};
    /// # async fn demo<M: Model>(parts: Repository<M>) -> daplug_runtime::Result<()> {
    /// /// The caller's own grouping: how many items, and the last one.
    /// struct Tally<M> { count: usize, last: Option<M> }
    /// impl<M> Default for Tally<M> {
    ///     fn default() -> Self { Tally { count: 0, last: None } }
    /// }
    /// impl<M> Extend<M> for Tally<M> {
    ///     fn extend<I: IntoIterator<Item = M>>(&mut self, items: I) {
    ///         for item in items {
    ///             self.count += 1;
    ///             self.last = Some(item);
    ///         }
    ///     }
    /// }
    /// let order: Tally<M> = parts.query().key_eq("order_id", "o-1").group().await?;
    /// # let _ = order; Ok(()) }
    /// ```
    pub async fn group<G: Default + Extend<M>>(self) -> Result<G> {
        futures::TryStreamExt::try_collect(self.stream()).await
    }
    /// One request's SDK output, with prefixes stripped from its items and last evaluated key.
    pub async fn raw(self) -> Result<QueryOutput> {
        self.0.query_output().await
    }
    /// The `Query` request of this call's first page (conditions rendered through placeholders,
    /// prefixes added), built but not sent; for inspection and tests.
    pub fn plan(&self) -> Result<QueryInputBuilder> {
        self.0.plan_query()
    }
    /// Key condition `attribute = value` (the partition key, and optionally the sort key).
    /// `attribute` is a name or one of `M`'s typed fields (`Order::CUSTOMER_ID`), whose type `value`
    /// must convert into.
    pub fn key_eq<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, value: V) -> Self {
        self.key(Condition::eq(attribute, value))
    }
    /// Key condition `begins_with(attribute, prefix)` on the sort key.
    pub fn key_begins_with<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, prefix: V) -> Self {
        self.key(Condition::begins_with(attribute, prefix))
    }
    /// Key condition `attribute BETWEEN low AND high` on the sort key.
    pub fn key_between<V, A: AttributeOf<V> + AttributeIn<M>>(self, attribute: A, low: V, high: V) -> Self {
        self.key(Condition::between(attribute, low, high))
    }
    /// Any key condition (ANDed with earlier ones): `Condition::lt("sk", "m")`, ...
    pub fn key(mut self, condition: Condition) -> Self {
        self.0.key.push(condition);
        self
    }
    /// `true`: newest first (`ScanIndexForward = false`).
    pub fn descending(mut self, descending: bool) -> Self {
        self.0.descending = descending;
        self
    }
}

impl<M: Model> Scan<M> {
    /// One request's SDK output, with prefixes stripped from its items and last evaluated key.
    pub async fn raw(self) -> Result<ScanOutput> {
        self.0.scan_output().await
    }
    /// The `Scan` request of this call's first page (filters rendered through placeholders,
    /// prefixes added), built but not sent; for inspection and tests.
    pub fn plan(&self) -> Result<ScanInputBuilder> {
        self.0.plan_scan()
    }

    /// Parallel scan: this request reads `segment` of `total` segments.
    pub fn segment(mut self, segment: u32, total: u32) -> Self {
        let to_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        self.0.segment = Some((to_i32(segment), to_i32(total)));
        self
    }
}

impl<M: Model> Query<M> {
    /// The first page's items, prefix-stripped and not yet decoded (for `update`).
    pub(crate) async fn raw_items(&self) -> Result<Vec<Item>> {
        Ok(self.0.fetch(Kind::Query).await?.items)
    }
}
