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
use aws_sdk_dynamodb::types::AttributeValue;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use tracing::Instrument;

use super::options::{EntityPrefixes, KeyOptions};
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
    /// Items of a family whose tag the model does not know are left out instead of failing the read.
    skip_unknown: bool,
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
            skip_unknown: self.skip_unknown,
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
            .field("skip_unknown", &self.skip_unknown)
            .field("keys", &self.keys)
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Query,
    Scan,
}

/// What keeps a read on one variant of a family to its own items ([`ReadSpec::narrowing`]).
enum Narrowing {
    None,
    /// Added to the key condition.
    SortKey(Condition),
    /// Added to the filter.
    Tag(Condition),
}

/// The rendered expressions of one request.
struct Expressions {
    key_condition: Option<String>,
    filter: Option<String>,
    placeholders: Placeholders,
    start: Option<Item>,
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
        let e = $spec.expressions(&$spec.keys.prefixes(inner, &M::ENTITY), $kind)?;
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
            skip_unknown: false,
            keys: KeyOptions::default(),
        }
    }

    /// How a read on one variant of a family is kept to that variant's items: by its sort-key
    /// prefix in the key condition (a query of the table whose key condition leaves the sort key
    /// open: `begins_with(sk, "LINE#")`), else by a filter on its tag (`kind = "line"`: scans,
    /// index queries, variants without a sort-key prefix of their own). A key condition that names
    /// the sort key narrows by itself: its values carry the prefix, and every string between two
    /// strings that start with `LINE#` starts with it too (no other variant's prefix starts with
    /// `LINE#`: `schema!` refuses such families). Nothing for a model that is not a variant.
    fn narrowing(&self, prefixes: &Prefixes, kind: Kind) -> Narrowing {
        let entity = M::ENTITY;
        let Some((tag, value)) = entity.tag else { return Narrowing::None };
        let keys = &self.repo.adapter.inner.keys;
        let sort_prefix = keys.range_key.as_deref().filter(|range| prefixes.prefix_of(range).is_some());
        if let (Some(range), Some(_), Kind::Query, None) = (sort_prefix, entity.range_prefix, kind, &self.index) {
            let named = self.key.iter().flat_map(Condition::attributes).any(|path| path.top_level() == range);
            // The empty value is prefixed like every value of the sort key: `begins_with(sk, "LINE#")`.
            return if named { Narrowing::None } else { Narrowing::SortKey(Condition::begins_with(range, "")) };
        }
        Narrowing::Tag(Condition::eq_value(tag, AttributeValue::S(value.to_owned())))
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
        let (mut key, mut filter) = (self.key.clone(), self.filter.clone());
        match self.narrowing(prefixes, kind) {
            Narrowing::None => {}
            Narrowing::SortKey(condition) if !key.is_empty() => key.push(condition),
            Narrowing::SortKey(_) => {}
            Narrowing::Tag(condition) => filter.push(condition),
        }
        let key_condition = match Condition::all(key) {
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
        let filter = Condition::all(filter).map(|cond| cond.render(&mut placeholders, prefixes)).transpose()?;
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
        self.strip(&mut out.items, &mut out.last_evaluated_key)?;
        Ok(out)
    }

    /// Strips prefixes from a response's items, each by its entity (a family's items by their
    /// tags), and from its last evaluated key by the model's own (the key it was queried with). An
    /// item whose entity the model does not know fails the read, or is left out under
    /// `skip_unknown`.
    fn strip(&self, items: &mut Option<Vec<Item>>, last: &mut Option<Item>) -> Result<()> {
        let inner = &self.repo.adapter.inner;
        let mut known = EntityPrefixes::default();
        if let Some(items) = items.as_mut() {
            let mut failed = None;
            items.retain_mut(|item| {
                if failed.is_some() {
                    return false;
                }
                match M::entity_of_item(item) {
                    Ok(entity) => {
                        known.of(&self.keys, inner, entity).strip_item(item);
                        true
                    }
                    Err(Error::UnknownTag { tag, value, .. }) if self.skip_unknown => {
                        tracing::debug!(schema = M::META.schema, tag, ?value, "item of an unknown entity type skipped");
                        false
                    }
                    Err(err) => {
                        failed = Some(err);
                        false
                    }
                }
            });
            if let Some(err) = failed {
                return Err(err);
            }
        }
        if let Some(key) = last.as_mut() {
            self.keys.prefixes(inner, &M::ENTITY).strip_item(key);
        }
        Ok(())
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
        self.strip(&mut out.items, &mut out.last_evaluated_key)?;
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
