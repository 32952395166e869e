//! Queries and scans: one page at a time (with the prefix-stripped last evaluated key) or as a
//! stream that follows `LastEvaluatedKey`, holding one page in memory.

use std::fmt;
use std::future::IntoFuture;

use aws_sdk_dynamodb::operation::query::builders::QueryInputBuilder;
use aws_sdk_dynamodb::operation::query::{QueryInput, QueryOutput};
use aws_sdk_dynamodb::operation::scan::builders::ScanInputBuilder;
use aws_sdk_dynamodb::operation::scan::{ScanInput, ScanOutput};
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use tracing::Instrument;

use super::options::{option_setters, KeyOptions};
use crate::adapter::Repository;
use crate::error::{Error, Result};
use crate::expr::{Condition, Placeholders};
use crate::item::Item;
use crate::model::Model;
use crate::prefix::Prefixes;

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

/// The rendered expressions of one request.
struct Expressions {
    key_condition: Option<String>,
    filter: Option<String>,
    placeholders: Placeholders,
    start: Option<Item>,
}

/// Strips prefixes from a response's items and last evaluated key.
fn strip(prefixes: &Prefixes, items: &mut Option<Vec<Item>>, last: &mut Option<Item>) {
    for item in items.iter_mut().flatten() {
        prefixes.strip_item(item);
    }
    if let Some(key) = last.as_mut() {
        prefixes.strip_item(key);
    }
}

/// A raw page: items and last evaluated key already prefix-stripped.
struct RawPage {
    items: Vec<Item>,
    last_evaluated_key: Option<Item>,
    count: i32,
    scanned_count: i32,
}

/// The settings a `Query` and a `Scan` input share (the two SDK builders have no common trait):
/// the input builder with them set, and the key condition (for queries).
macro_rules! shared_settings {
    ($spec:expr, $builder:expr, $kind:expr) => {{
        let inner = &$spec.repo.adapter.inner;
        let e = $spec.expressions(&$spec.keys.prefixes(inner), $kind)?;
        let input = $builder
            .table_name(&inner.table)
            .set_index_name($spec.index.clone())
            .set_filter_expression(e.filter)
            .set_expression_attribute_names(e.placeholders.names())
            .set_expression_attribute_values(e.placeholders.values())
            .set_limit($spec.limit)
            .set_exclusive_start_key(e.start)
            .consistent_read($spec.consistent);
        (input, e.key_condition)
    }};
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

    /// The expressions of one request (through one placeholder table) and its start key, prefixed.
    fn expressions(&self, prefixes: &Prefixes, kind: Kind) -> Result<Expressions> {
        let mut placeholders = Placeholders::default();
        let key_condition = match Condition::all(self.key.clone()) {
            Some(cond) => Some(cond.render(&mut placeholders, prefixes)?),
            None if kind == Kind::Query => {
                return Err(Error::Config("a query needs a key condition (key_eq on the partition key)".into()))
            }
            None => None,
        };
        let filter =
            Condition::all(self.filter.clone()).map(|cond| cond.render(&mut placeholders, prefixes)).transpose()?;
        let start = self.start.clone().map(|key| prefixes.added(key));
        Ok(Expressions { key_condition, filter, placeholders, start })
    }

    fn plan_query(&self) -> Result<QueryInputBuilder> {
        let (input, key_condition) = shared_settings!(self, QueryInput::builder(), Kind::Query);
        Ok(input.set_key_condition_expression(key_condition).scan_index_forward(!self.descending))
    }

    fn plan_scan(&self) -> Result<ScanInputBuilder> {
        let (input, _) = shared_settings!(self, ScanInput::builder(), Kind::Scan);
        Ok(input
            .set_segment(self.segment.map(|(segment, _)| segment))
            .set_total_segments(self.segment.map(|(_, total)| total)))
    }

    fn span(&self) -> tracing::Span {
        let table = &self.repo.adapter.inner.table;
        tracing::debug_span!("daplug.read", %table, schema = M::META.schema, index = ?self.index)
    }

    /// Sends one `Query`; items and last evaluated key come back prefix-stripped.
    async fn query_output(&self) -> Result<QueryOutput> {
        let inner = &self.repo.adapter.inner;
        let input = self.plan_query()?;
        let mut out = input
            .send_with(&inner.client)
            .instrument(self.span())
            .await
            .map_err(|err| Error::dynamodb("Query", err))?;
        strip(&self.keys.prefixes(inner), &mut out.items, &mut out.last_evaluated_key);
        Ok(out)
    }

    /// Sends one `Scan`; items and last evaluated key come back prefix-stripped.
    async fn scan_output(&self) -> Result<ScanOutput> {
        let inner = &self.repo.adapter.inner;
        let input = self.plan_scan()?;
        let mut out =
            input.send_with(&inner.client).instrument(self.span()).await.map_err(|err| Error::dynamodb("Scan", err))?;
        strip(&self.keys.prefixes(inner), &mut out.items, &mut out.last_evaluated_key);
        Ok(out)
    }

    async fn fetch(&self, kind: Kind) -> Result<RawPage> {
        let (items, last, count, scanned_count) = match kind {
            Kind::Query => {
                let out = self.query_output().await?;
                (out.items, out.last_evaluated_key, out.count, out.scanned_count)
            }
            Kind::Scan => {
                let out = self.scan_output().await?;
                (out.items, out.last_evaluated_key, out.count, out.scanned_count)
            }
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

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use crate::ops::test_support::{adapter, Thing};
    use crate::{Condition, Error, Item};

    #[test]
    fn a_query_plans_key_condition_and_filter_through_one_placeholder_table() {
        let repo = adapter(|b| b.hash_prefix("t#")).repository::<Thing>();
        let start: Item = [("pk".to_owned(), AttributeValue::S("a".into()))].into_iter().collect();
        let input = repo
            .query()
            .key_eq("pk", "a")
            .filter(Condition::gt("n", 3))
            .index("by-n")
            .limit(10)
            .descending()
            .exclusive_start_key(start)
            .plan()
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(input.key_condition_expression(), Some("#n0 = :v0"));
        assert_eq!(input.filter_expression(), Some("#n1 > :v1"));
        let values = input.expression_attribute_values().unwrap();
        assert_eq!(values[":v0"], AttributeValue::S("t#a".into()), "key values are prefixed");
        assert_eq!(values[":v1"], AttributeValue::N("3".into()));
        assert_eq!(input.index_name(), Some("by-n"));
        assert_eq!((input.limit(), input.scan_index_forward()), (Some(10), Some(false)));
        assert_eq!(input.exclusive_start_key().unwrap()["pk"], AttributeValue::S("t#a".into()));
    }

    #[test]
    fn a_query_without_key_condition_fails_at_plan() {
        let repo = adapter(|b| b).repository::<Thing>();
        assert!(matches!(repo.query().plan(), Err(Error::Config(_))));
    }

    #[test]
    fn a_scan_plans_filter_and_segment() {
        let repo = adapter(|b| b).repository::<Thing>();
        let input = repo.scan().filter(Condition::exists("n")).segment(1, 4).plan().unwrap().build().unwrap();
        assert_eq!(input.filter_expression(), Some("attribute_exists(#n0)"));
        assert!(input.expression_attribute_values().is_none());
        assert_eq!((input.segment(), input.total_segments()), (Some(1), Some(4)));
    }
}
