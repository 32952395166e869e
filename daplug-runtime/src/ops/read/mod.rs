//! Queries and scans: one page at a time (with the prefix-stripped last evaluated key) or as a
//! stream that follows `LastEvaluatedKey`, holding one page in memory.
//!
//! This file holds the settings both share (`ReadSpec`): planning, sending, paging and streaming;
//! `requests` holds the public [`Query`] and [`Scan`] types over it, `key_filter` the check that
//! a query's filter names no key attribute of what it reads, and `cursors` where a read starts (a
//! key or a page cursor) and the cursor of each page.

use std::fmt;

use aws_sdk_dynamodb::operation::query::builders::QueryInputBuilder;
use aws_sdk_dynamodb::operation::query::{QueryInput, QueryOutput};
use aws_sdk_dynamodb::operation::scan::builders::ScanInputBuilder;
use aws_sdk_dynamodb::operation::scan::{ScanInput, ScanOutput};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use tracing::Instrument;

use super::options::KeyOptions;
use crate::adapter::Repository;
use crate::codec::item::Item;
use crate::error::{Error, Result};
use crate::expr::{Condition, Placeholders};
use crate::failure::Repeat;
use crate::model::Model;
use crate::prefix::Prefixes;

mod cursors;
mod key_filter;
mod requests;

use cursors::Start;

pub use requests::{Query, Scan};

/// One page of a query or scan.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<M> {
    /// The items of this page, prefixes stripped.
    pub items: Vec<M>,
    /// Where the next page starts (prefixes stripped; pass it to `exclusive_start_key`), or `None` on
    /// the last page.
    pub last_evaluated_key: Option<Item>,
    /// The same place as an opaque, URL-safe text token for a client to hand back
    /// ([`Query::start_from_cursor`], [`Scan::start_from_cursor`]), signed when the adapter has a
    /// [`cursor_key`](crate::adapter::AdapterBuilder::cursor_key); `None` on the last page. See
    /// [`cursor`](crate::cursor).
    pub next_cursor: Option<String>,
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
    start: Option<Start>,
    /// Bound into the tag of the cursors this read mints and reads.
    cursor_context: Option<Vec<u8>>,
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
            cursor_context: self.cursor_context.clone(),
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
            .field("cursor_context", &self.cursor_context.is_some())
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
            cursor_context: None,
            segment: None,
            keys: KeyOptions::default(),
        }
    }

    /// The scope of the cursors this read mints and reads.
    fn cursor_scope(&self) -> Result<crate::cursor::Scope<'_>> {
        cursors::scope(&self.repo.adapter.inner, self.index.as_deref(), self.cursor_context.as_deref())
    }

    /// The expressions of one request (through one placeholder table) and its start key, prefixed
    /// (a cursor read and checked first).
    fn expressions(&self, prefixes: &Prefixes, kind: Kind) -> Result<Expressions> {
        let inner = &self.repo.adapter.inner;
        let mut placeholders = Placeholders::default();
        let key_condition = match Condition::all(self.key.clone()) {
            Some(cond) => Some(cond.render(&mut placeholders, prefixes)?),
            None if kind == Kind::Query => {
                return Err(Error::Config("a query needs a key condition (key_eq on the partition key)".into()))
            }
            None => None,
        };
        if kind == Kind::Query {
            let index = self.index.as_deref();
            if let Some(keys) = key_filter::queried_keys(&inner.keys, M::META.indexes, index) {
                key_filter::refuse_keys(&self.filter, &keys, index)?;
            }
        }
        let filter =
            Condition::all(self.filter.clone()).map(|cond| cond.render(&mut placeholders, prefixes)).transpose()?;
        let scope = self.cursor_scope()?;
        let key_conditions = (kind == Kind::Query).then_some(self.key.as_slice());
        let start = self
            .start
            .as_ref()
            .map(|start| cursors::start_key::<M>(start, &scope, inner, key_conditions, prefixes))
            .transpose()?;
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
            .map_err(|err| Error::dynamodb("Query", Repeat::Read, err))?;
        strip(&self.keys.prefixes(inner), &mut out.items, &mut out.last_evaluated_key);
        Ok(out)
    }

    /// Sends one `Scan`; items and last evaluated key come back prefix-stripped.
    async fn scan_output(&self) -> Result<ScanOutput> {
        let inner = &self.repo.adapter.inner;
        let input = self.plan_scan()?;
        let mut out = input
            .send_with(&inner.client)
            .instrument(self.span())
            .await
            .map_err(|err| Error::dynamodb("Scan", Repeat::Read, err))?;
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
        let next_cursor = cursors::next_cursor(&self.cursor_scope()?, raw.last_evaluated_key.as_ref())?;
        Ok(Page {
            items: raw.items.into_iter().map(M::from_item).collect::<Result<_>>()?,
            last_evaluated_key: raw.last_evaluated_key,
            next_cursor,
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
                spec.start = Some(Start::Key(key));
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

#[cfg(test)]
mod tests;
