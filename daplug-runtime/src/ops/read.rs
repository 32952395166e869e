//! Queries and scans: one page at a time (with the prefix-stripped last evaluated key) or as a
//! stream that follows `LastEvaluatedKey`, holding one page in memory.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::operation::scan::ScanOutput;
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use tracing::Instrument;

use super::options::{option_setters, KeyOptions};
use crate::adapter::Repository;
use crate::error::{Error, Result};
use crate::expr::{Condition, Placeholders};
use crate::item::Item;
use crate::model::Model;

/// One page of a query or scan.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<M> {
    /// The items of this page, prefixes stripped.
    pub items: Vec<M>,
    /// Where the next page starts (prefixes stripped; pass it to `exclusive_start_key`), or `None` on
    /// the last page.
    pub last_evaluated_key: Option<Item>,
    /// Items returned after filtering.
    pub count: i32,
    /// Items evaluated before filtering.
    pub scanned_count: i32,
}

/// Settings shared by queries and scans.
struct ReadSpec<M: Model> {
    repo: Repository<M>,
    index: Option<String>,
    key: Vec<Condition>,
    filter: Vec<Condition>,
    limit: Option<i32>,
    descending: bool,
    consistent: bool,
    start: Option<Item>,
    segment: Option<(i32, i32)>,
    keys: KeyOptions,
}

impl<M: Model> Clone for ReadSpec<M> {
    fn clone(&self) -> Self {
        ReadSpec {
            repo: self.repo.clone(),
            index: self.index.clone(),
            key: self.key.clone(),
            filter: self.filter.clone(),
            limit: self.limit,
            descending: self.descending,
            consistent: self.consistent,
            start: self.start.clone(),
            segment: self.segment,
            keys: self.keys.clone(),
        }
    }
}

impl<M: Model> fmt::Debug for ReadSpec<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadSpec")
            .field("repo", &self.repo)
            .field("index", &self.index)
            .field("key", &self.key)
            .field("filter", &self.filter)
            .field("limit", &self.limit)
            .field("descending", &self.descending)
            .field("consistent", &self.consistent)
            .field("start", &self.start)
            .field("segment", &self.segment)
            .field("keys", &self.keys)
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Query,
    Scan,
}

/// The SDK output of one request.
enum Output {
    Query(QueryOutput),
    Scan(ScanOutput),
}

/// A raw page: items and last evaluated key already prefix-stripped.
struct RawPage {
    items: Vec<Item>,
    last_evaluated_key: Option<Item>,
    count: i32,
    scanned_count: i32,
}

impl<M: Model> ReadSpec<M> {
    fn new(repo: Repository<M>) -> Self {
        ReadSpec {
            repo,
            index: None,
            key: Vec::new(),
            filter: Vec::new(),
            limit: None,
            descending: false,
            consistent: false,
            start: None,
            segment: None,
            keys: KeyOptions::default(),
        }
    }

    /// Sends one request and returns the SDK output with prefixes stripped from its items and last
    /// evaluated key.
    async fn output(&self, kind: Kind) -> Result<Output> {
        let inner = &self.repo.adapter.inner;
        let prefixes = self.keys.prefixes(inner);
        let mut placeholders = Placeholders::default();
        let key_condition = match Condition::all(self.key.clone()) {
            Some(cond) => Some(cond.render(&mut placeholders, &prefixes)?),
            None if kind == Kind::Query => {
                return Err(Error::Config("a query needs a key condition (key_eq on the partition key)".into()))
            }
            None => None,
        };
        let filter =
            Condition::all(self.filter.clone()).map(|cond| cond.render(&mut placeholders, &prefixes)).transpose()?;
        let start = self.start.clone().map(|key| prefixes.added(key));
        let span =
            tracing::debug_span!("daplug.read", table = %inner.table, schema = M::META.schema, index = ?self.index);
        let strip = |items: &mut Option<Vec<Item>>, last: &mut Option<Item>| {
            for item in items.iter_mut().flatten() {
                prefixes.strip_item(item);
            }
            if let Some(key) = last.as_mut() {
                prefixes.strip_item(key);
            }
        };
        Ok(match kind {
            Kind::Query => {
                let mut out = inner
                    .client
                    .query()
                    .table_name(&inner.table)
                    .set_index_name(self.index.clone())
                    .set_key_condition_expression(key_condition)
                    .set_filter_expression(filter)
                    .set_expression_attribute_names(placeholders.names())
                    .set_expression_attribute_values(placeholders.values())
                    .set_limit(self.limit)
                    .set_exclusive_start_key(start)
                    .scan_index_forward(!self.descending)
                    .consistent_read(self.consistent)
                    .send()
                    .instrument(span)
                    .await
                    .map_err(|err| Error::dynamodb("Query", err))?;
                strip(&mut out.items, &mut out.last_evaluated_key);
                Output::Query(out)
            }
            Kind::Scan => {
                let mut out = inner
                    .client
                    .scan()
                    .table_name(&inner.table)
                    .set_index_name(self.index.clone())
                    .set_filter_expression(filter)
                    .set_expression_attribute_names(placeholders.names())
                    .set_expression_attribute_values(placeholders.values())
                    .set_limit(self.limit)
                    .set_exclusive_start_key(start)
                    .set_segment(self.segment.map(|(segment, _)| segment))
                    .set_total_segments(self.segment.map(|(_, total)| total))
                    .consistent_read(self.consistent)
                    .send()
                    .instrument(span)
                    .await
                    .map_err(|err| Error::dynamodb("Scan", err))?;
                strip(&mut out.items, &mut out.last_evaluated_key);
                Output::Scan(out)
            }
        })
    }

    async fn fetch(&self, kind: Kind) -> Result<RawPage> {
        let (items, last, count, scanned_count) = match self.output(kind).await? {
            Output::Query(out) => (out.items, out.last_evaluated_key, out.count, out.scanned_count),
            Output::Scan(out) => (out.items, out.last_evaluated_key, out.count, out.scanned_count),
        };
        Ok(RawPage {
            items: items.unwrap_or_default(),
            last_evaluated_key: last.filter(|key| !key.is_empty()),
            count,
            scanned_count,
        })
    }

    async fn page(&self, kind: Kind) -> Result<Page<M>> {
        let raw = self.fetch(kind).await?;
        Ok(Page {
            items: raw.items.into_iter().map(M::from_item).collect::<Result<_>>()?,
            last_evaluated_key: raw.last_evaluated_key,
            count: raw.count,
            scanned_count: raw.scanned_count,
        })
    }

    fn pages(self, kind: Kind) -> BoxStream<'static, Result<Page<M>>> {
        // State: the spec with its next start key, or None once the last page was returned.
        stream::try_unfold(Some(self), move |state| async move {
            let Some(mut spec) = state else { return Ok(None) };
            let page = spec.page(kind).await?;
            let next = page.last_evaluated_key.clone().map(|key| {
                spec.start = Some(key);
                spec
            });
            Ok(Some((page, next)))
        })
        .boxed()
    }

    fn items(self, kind: Kind) -> BoxStream<'static, Result<M>> {
        self.pages(kind).map_ok(|page| stream::iter(page.items.into_iter().map(Ok))).try_flatten().boxed()
    }
}

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
            fn key_options_mut(&mut self) -> &mut KeyOptions {
                &mut self.0.keys
            }
            /// Reads a global secondary index instead of the table.
            pub fn index(mut self, name: impl Into<String>) -> Self {
                self.0.index = Some(name.into());
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
            pub fn exclusive_start_key(mut self, key: Item) -> Self {
                self.0.start = Some(key);
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

        option_setters!(keys, impl[M: Model] $ty<M>);
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
    /// One request's SDK output, with prefixes stripped from its items and last evaluated key.
    pub async fn raw(self) -> Result<QueryOutput> {
        match self.0.output(Kind::Query).await? {
            Output::Query(out) => Ok(out),
            Output::Scan(_) => Err(Error::Internal("a query returned scan output")),
        }
    }
    /// Key condition `attribute = value` (the partition key, and optionally the sort key).
    pub fn key_eq(self, attribute: impl Into<String>, value: impl serde::Serialize) -> Self {
        self.key(Condition::eq(attribute, value))
    }
    /// Key condition `begins_with(attribute, prefix)` on the sort key.
    pub fn key_begins_with(self, attribute: impl Into<String>, prefix: impl serde::Serialize) -> Self {
        self.key(Condition::begins_with(attribute, prefix))
    }
    /// Key condition `attribute BETWEEN low AND high` on the sort key.
    pub fn key_between(
        self,
        attribute: impl Into<String>,
        low: impl serde::Serialize,
        high: impl serde::Serialize,
    ) -> Self {
        self.key(Condition::between(attribute, low, high))
    }
    /// Any key condition (ANDed with earlier ones): `Condition::lt("sk", "m")`, ...
    pub fn key(mut self, condition: Condition) -> Self {
        self.0.key.push(condition);
        self
    }
    /// Newest first: `ScanIndexForward = false`.
    pub fn descending(mut self) -> Self {
        self.0.descending = true;
        self
    }
}

impl<M: Model> Scan<M> {
    /// One request's SDK output, with prefixes stripped from its items and last evaluated key.
    pub async fn raw(self) -> Result<ScanOutput> {
        match self.0.output(Kind::Scan).await? {
            Output::Scan(out) => Ok(out),
            Output::Query(_) => Err(Error::Internal("a scan returned query output")),
        }
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
