//! Page cursors: queries and scans paged by cursor text alone (key prefixes, an index, signed
//! cursors bound to a tenant) read exactly what the unpaged read does, and a forged or foreign
//! cursor is refused with `Error::Cursor` before any request reaches DynamoDB.

use daplug_runtime::cursor::CursorError;
use daplug_runtime::{Adapter, Error, IndexMeta, KeyAttribute, KeyType, Model, ModelMeta, Repository};
use futures::TryStreamExt;

use crate::fault_layer::{Faults, Schedule};
use crate::harness::{create_table, order, sdk_config, Order, OrderKey, TableSpec};

/// [`Order`] with its `status-index` declared, so cursors on it are checked key by key.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct Indexed(Order);

impl Model for Indexed {
    type Key = OrderKey;
    type Patch = serde_json::Value;
    const META: ModelMeta = ModelMeta {
        indexes: &[IndexMeta {
            name: "status-index",
            hash_key: KeyAttribute { name: "status", key_type: KeyType::S },
            range_key: None,
        }],
        ..Order::META
    };
}

const CURSOR_KEY: &[u8] = b"a service secret of 32 bytes, ok";

/// A repository on a fresh standard table with a `tenant#` hash prefix, signing cursors, whose
/// DynamoDB calls are counted; seeded with `per_tenant` orders of tenants `a` and `b`.
async fn seeded(per_tenant: usize) -> (Repository<Indexed>, std::sync::Arc<Faults>) {
    let config = sdk_config().await;
    let table = create_table(&config, &TableSpec::STANDARD).await;
    let faults = Faults::new(Schedule::default());
    let repo = Adapter::builder()
        .client(faults.client(&config))
        .table(table)
        .keys_from::<Indexed>()
        .hash_prefix("tenant#")
        .cursor_key(CURSOR_KEY)
        .build()
        .unwrap()
        .repository::<Indexed>();
    for tenant in ["a", "b"] {
        for i in 0..per_tenant {
            let status = if i % 3 == 0 { "open" } else { "closed" };
            repo.insert(&Indexed(order(tenant, &format!("v{i:02}"), status, i as i64))).await.unwrap();
        }
    }
    (repo, faults)
}

/// Reads page after page, each request built afresh from the previous page's cursor text only (as a
/// service does when a client hands the cursor back); returns the items and the number of pages.
async fn by_cursor<F, R>(request: F) -> (Vec<Indexed>, usize)
where
    F: Fn(Option<&str>) -> R,
    R: std::future::IntoFuture<Output = daplug_runtime::Result<daplug_runtime::ops::Page<Indexed>>>,
{
    let (mut items, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let page = request(cursor.as_deref()).await.unwrap();
        pages += 1;
        assert_eq!(page.next_cursor.is_some(), page.last_evaluated_key.is_some());
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => {
                assert!(!next.contains("tenant#"), "prefixes stay hidden: {next}");
                cursor = Some(next);
            }
            None => return (items, pages),
        }
        assert!(pages < 100, "paging does not end");
    }
}

fn queries(faults: &Faults) -> usize {
    faults.record().attempts.get("Query").copied().unwrap_or(0)
}

#[tokio::test]
async fn a_query_paged_by_cursor_reads_what_the_unpaged_query_reads() {
    let (repo, _) = seeded(10).await;
    let unpaged = repo.query().key_eq("pk", "a").await.unwrap();
    assert_eq!(unpaged.items.len(), 10);
    assert!(unpaged.next_cursor.is_none());
    let (paged, pages) = by_cursor(|cursor| {
        let query = repo.query().key_eq("pk", "a").limit(3).cursor_context("a");
        match cursor {
            Some(cursor) => query.start_from_cursor(cursor),
            None => query,
        }
    })
    .await;
    assert_eq!(paged, unpaged.items);
    assert!(pages >= 4, "10 items in pages of 3: {pages} pages");
    // Descending, from the other end.
    let (backwards, _) = by_cursor(|cursor| {
        let query = repo.query().key_eq("pk", "a").limit(4).descending(true);
        cursor.map_or(query.clone(), |cursor| query.start_from_cursor(cursor))
    })
    .await;
    assert_eq!(backwards, unpaged.items.iter().rev().cloned().collect::<Vec<_>>());
}

#[tokio::test]
async fn a_scan_and_an_index_query_paged_by_cursor_read_what_the_unpaged_ones_read() {
    let (repo, _) = seeded(7).await;
    let mut unpaged: Vec<Indexed> = repo.scan().stream().try_collect().await.unwrap();
    assert_eq!(unpaged.len(), 14);
    let (mut paged, pages) = by_cursor(|cursor| {
        let scan = repo.scan().limit(4);
        cursor.map_or(scan.clone(), |cursor| scan.start_from_cursor(cursor))
    })
    .await;
    assert!(pages >= 4, "{pages} pages");
    let by_key = |o: &Indexed| (o.0.pk.clone(), o.0.sk.clone());
    unpaged.sort_by_key(by_key);
    paged.sort_by_key(by_key);
    assert_eq!(paged, unpaged);

    let open: Vec<Indexed> =
        repo.query().index("status-index").key_eq("status", "open").stream().try_collect().await.unwrap();
    assert_eq!(open.len(), 6, "v00, v03, v06 of both tenants");
    let (paged, pages) = by_cursor(|cursor| {
        let query = repo.query().index("status-index").key_eq("status", "open").limit(2);
        cursor.map_or(query.clone(), |cursor| query.start_from_cursor(cursor))
    })
    .await;
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(paged, open);
}

#[tokio::test]
async fn forged_and_foreign_cursors_are_refused_before_any_request() {
    let (repo, faults) = seeded(6).await;
    let query = |tenant: &str| repo.query().key_eq("pk", tenant).limit(2).cursor_context(tenant);
    let tenant_b = query("b").await.unwrap().next_cursor.expect("a second page");
    let tenant_a = query("a").await.unwrap().next_cursor.expect("a second page");
    let before = queries(&faults);
    let refused = |result: daplug_runtime::Result<_>| match result {
        Err(Error::Cursor(err)) => err,
        Err(other) => panic!("expected Error::Cursor, got {other}"),
        Ok(_) => panic!("expected Error::Cursor, the query was sent"),
    };

    // Tenant b's cursor in tenant a's request (tenant a's own query, context and partition): its
    // tag covers tenant b's context, and its key lies in tenant b's partition.
    assert_eq!(refused(query("a").start_from_cursor(&tenant_b).await), CursorError::BadSignature);
    // Tenant b's cursor with tenant b's context, in a query of tenant a's partition: the
    // service bound the wrong context, the partition check still holds.
    let crossed = repo.query().key_eq("pk", "a").cursor_context("b").start_from_cursor(&tenant_b).await;
    assert_eq!(refused(crossed), CursorError::OutsidePartition { attribute: "pk".into() });
    // Tenant a's cursor altered by one character, anywhere.
    for at in [0, tenant_a.len() / 2, tenant_a.len() - 2] {
        let mut altered = tenant_a.clone().into_bytes();
        altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        let err = refused(query("a").start_from_cursor(&altered).await);
        assert!(matches!(err, CursorError::BadSignature | CursorError::Malformed { .. }), "at {at}: {err}");
    }
    // Not a cursor at all, a cursor of the index, and one from a repository without the key.
    let garbage = refused(query("a").start_from_cursor("eyJwayI6InRlbmFudCNiIn0").await);
    assert!(matches!(garbage, CursorError::Malformed { .. }), "{garbage}");
    let index_cursor =
        repo.query().index("status-index").key_eq("status", "closed").limit(1).await.unwrap().next_cursor.unwrap();
    assert_eq!(refused(query("a").start_from_cursor(&index_cursor).await), CursorError::WrongIndex);
    let unsigned = Adapter::builder()
        .client(repo.adapter().client().clone())
        .table(repo.adapter().table())
        .keys_from::<Indexed>()
        .hash_prefix("tenant#")
        .build()
        .unwrap()
        .repository::<Indexed>();
    let unsigned_cursor = unsigned.query().key_eq("pk", "a").limit(2).await.unwrap().next_cursor.unwrap();
    let before_unsigned = queries(&faults);
    assert_eq!(refused(query("a").start_from_cursor(&unsigned_cursor).await), CursorError::Unsigned);
    // Streams refuse the same way.
    let streamed: daplug_runtime::Result<Vec<Indexed>> =
        query("a").start_from_cursor(&tenant_b).stream().try_collect().await;
    assert!(matches!(streamed, Err(Error::Cursor(CursorError::BadSignature))));

    assert_eq!(queries(&faults), before_unsigned, "no refused cursor reached DynamoDB");
    assert_eq!(before_unsigned, before + 2, "only the index query and the unsigned repository's query were sent");
    // And tenant a's own cursor reads tenant a's next page.
    let next = query("a").start_from_cursor(&tenant_a).await.unwrap();
    assert!(next.items.iter().all(|o| o.0.pk == "a") && !next.items.is_empty());
}
