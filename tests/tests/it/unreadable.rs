//! Writes whose answer cannot be read: the fault layer forwards the write, lets it land, then
//! answers the emulator's 2xx with a garbled body (the SDK does not retry it) or a body that ends
//! half-way (here with the SDK's retry off, as when its attempts run out: an increment's request is
//! never re-sent after one). DynamoDB applied the write; only its answer is lost.
//!
//! Every write path then reports "maybe written" (`maybe_written()`), says whether sending it again
//! is safe (`is_retryable()`), or settles the question with one consistent read of the key where that
//! is exact: a put or an update whose stored item is exactly its own is a success with one event; one
//! that finds another writer's item (written in between by a hook) is a conflict, never a success.

use std::sync::Arc;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use daplug_runtime::lock::LockPolicy;
use daplug_runtime::retry::RetryPolicy;
use daplug_runtime::{AwsErrorKind, Error};
use serde_json::json;

use crate::fault_layer::{Faults, Schedule};
use crate::retries::{counter, key, quick_retry, world_with_retry, Counter, World};

/// How an answer is made unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unreadable {
    /// A 2xx whose body is not JSON.
    Garbled,
    /// A 2xx whose body ends half-way.
    Cut,
}

const BOTH: [Unreadable; 2] = [Unreadable::Garbled, Unreadable::Cut];

/// A world whose first `times` calls of `operation` get an unreadable answer of `kind`.
async fn setup(
    kind: Unreadable,
    operation: &'static str,
    times: usize,
    lock: Option<LockPolicy>,
) -> (Arc<Faults>, World) {
    let schedule = match kind {
        Unreadable::Garbled => Schedule { garble_response: [(operation, times)].into(), ..Schedule::default() },
        Unreadable::Cut => Schedule { cut_response: [(operation, times)].into(), ..Schedule::default() },
    };
    let faults = Faults::new(schedule);
    let retry = match kind {
        Unreadable::Garbled => quick_retry(),
        Unreadable::Cut => RetryConfig::disabled(),
    };
    let world = world_with_retry(&faults, lock, retry).await;
    (faults, world)
}

/// How many answers of `operation` the layer made unreadable.
fn faulted(faults: &Faults, kind: Unreadable, operation: &str) -> usize {
    let record = faults.record();
    let counts = if kind == Unreadable::Garbled { record.garbled } else { record.cut };
    counts.get(operation).copied().unwrap_or(0)
}

/// The error of a write whose answer was unreadable: maybe written, one line saying so.
fn assert_maybe_written(err: &Error, operation: &str) {
    assert!(matches!(err, Error::DynamoDb { kind: AwsErrorKind::Response { status: 200 }, .. }), "{err:?}");
    assert!(err.maybe_written(), "{err:?}");
    let text = err.to_string();
    assert_eq!(
        text,
        format!("DynamoDB {operation} failed: unreadable answer (HTTP 200); the write may have happened"),
        "one line: the operation, what happened, whether the write may have happened"
    );
}

#[tokio::test]
async fn an_insert_whose_answer_was_unreadable_is_settled_as_written_with_one_event() {
    for kind in BOTH {
        for lock in [None, Some(LockPolicy::Version)] {
            let (faults, w) = setup(kind, "PutItem", 1, lock).await;
            w.repo.insert(&counter("a", 1)).await.unwrap();
            assert_eq!(faulted(&faults, kind, "PutItem"), 1, "{kind:?}");
            assert_eq!(faults.record().attempts["PutItem"], 1, "{kind:?}: not sent again");
            assert_eq!(w.topic.drain().await.len(), 1, "{kind:?} {lock:?}: one event");
            assert_eq!(w.stored("a").await.unwrap().n, 1);
        }
    }
}

#[tokio::test]
async fn an_insert_that_finds_another_writers_item_after_an_unreadable_answer_is_already_exists() {
    for kind in BOTH {
        let (faults, w) = setup(kind, "PutItem", 1, None).await;
        faults.before_drop(w.competitor(counter("a", 99)));
        let err = w.repo.insert(&counter("a", 1)).await.unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{kind:?}: {err:?}");
        assert!(w.topic.drain().await.is_empty(), "{kind:?}: no event");
        assert_eq!(w.stored("a").await.unwrap().n, 99);
    }
}

#[tokio::test]
async fn an_overwrite_after_an_unreadable_answer_is_settled_or_reported_by_its_lock() {
    for kind in BOTH {
        // Unlocked: its own item is stored → written.
        let (_, w) = setup(kind, "PutItem", 1, None).await;
        w.repo.overwrite(&counter("a", 1)).await.unwrap();
        assert_eq!(w.topic.drain().await.len(), 1, "{kind:?}");

        // Unlocked, another writer in between: nothing to settle it with; re-sending is safe.
        let (faults, w) = setup(kind, "PutItem", 1, None).await;
        faults.before_drop(w.competitor(counter("a", 99)));
        let err = w.repo.overwrite(&counter("a", 1)).await.unwrap_err();
        assert_maybe_written(&err, "PutItem");
        assert!(err.is_retryable(), "an unconditional put is idempotent: {err:?}");
        assert!(w.topic.drain().await.is_empty());

        // Versioned: written, then a competing version is a conflict.
        let (faults, w) = setup(kind, "PutItem", 2, Some(LockPolicy::Version)).await;
        w.raw_put(&Counter { version: Some(3), ..counter("a", 1) }).await;
        w.repo.overwrite(&Counter { version: Some(3), ..counter("a", 2) }).await.unwrap();
        assert_eq!(w.stored("a").await.unwrap(), Counter { version: Some(4), ..counter("a", 2) });
        assert_eq!(w.topic.drain().await.len(), 1);
        faults.before_drop(w.competitor(Counter { version: Some(5), ..counter("a", 50) }));
        let err = w.repo.overwrite(&Counter { version: Some(4), ..counter("a", 3) }).await.unwrap_err();
        assert_eq!(err.current::<Counter>().expect("a conflict").unwrap().n, 50, "{kind:?}: {err:?}");
        assert!(w.topic.drain().await.is_empty());
    }
}

#[tokio::test]
async fn a_read_merge_write_update_after_an_unreadable_answer_is_written_once_or_a_conflict() {
    for kind in BOTH {
        let (faults, w) = setup(kind, "PutItem", 2, Some(LockPolicy::Version)).await;
        w.raw_put(&Counter { version: Some(1), ..counter("a", 0) }).await;
        let updated = w.repo.update(&key("a"), &json!({"n": 1})).await.unwrap();
        assert_eq!((updated.n, updated.version), (1, Some(2)), "{kind:?}");
        assert_eq!(w.topic.drain().await.len(), 1, "{kind:?}: one event");

        let other = Counter { n: 40, version: Some(3), ..counter("a", 0) };
        faults.before_drop(w.competitor(other.clone()));
        let err = w.repo.update(&key("a"), &json!({"n": 2})).await.unwrap_err();
        assert_eq!(err.current::<Counter>().expect("a conflict").unwrap(), other, "{kind:?}");
        assert!(w.topic.drain().await.is_empty());
        assert_eq!(faulted(&faults, kind, "PutItem"), 2);
    }
}

#[tokio::test]
async fn an_update_in_one_request_that_sets_values_is_settled_by_its_changes() {
    for kind in BOTH {
        let (faults, w) = setup(kind, "UpdateItem", 2, Some(LockPolicy::Version)).await;
        w.raw_put(&Counter { version: Some(3), ..counter("a", 1) }).await;
        let written = w.repo.update(&key("a"), &json!({"n": 2, "version": 3})).in_one_request().await.unwrap();
        assert_eq!((written.n, written.version), (2, Some(4)), "{kind:?}");
        assert_eq!(w.topic.drain().await.len(), 1, "{kind:?}: one event");

        let other = Counter { version: Some(5), ..counter("a", 40) };
        faults.before_drop(w.competitor(other.clone()));
        let err = w.repo.update(&key("a"), &json!({"n": 3, "version": 4})).in_one_request().await.unwrap_err();
        assert_eq!(err.current::<Counter>().expect("a conflict").unwrap(), other, "{kind:?}");
        assert!(w.topic.drain().await.is_empty());
        assert_eq!(faults.record().attempts["UpdateItem"], 2, "neither was sent again");
    }
}

#[tokio::test]
async fn an_increment_whose_answer_was_unreadable_is_maybe_written_and_not_sent_again() {
    for kind in BOTH {
        // The SDK retries as a default client does: the increment is still not re-sent.
        let (faults, w) = setup(kind, "UpdateItem", 1, None).await;
        w.raw_put(&counter("a", 1)).await;
        let err = w.repo.update(&key("a"), &json!({})).in_one_request().increment("n", 1).await.unwrap_err();
        assert_maybe_written(&err, "UpdateItem");
        assert!(!err.is_retryable(), "sending it again would increment twice: {err:?}");
        assert_eq!(faults.record().attempts["UpdateItem"], 1, "{kind:?}: not re-sent");
        assert_eq!(w.stored("a").await.unwrap().n, 2, "{kind:?}: applied once");
        assert!(w.topic.drain().await.is_empty());
        // The SDK error, with the raw answer, stays reachable.
        let source = std::error::Error::source(&err).expect("the SDK error");
        let sdk = source.downcast_ref::<SdkError<UpdateItemError, HttpResponse>>().expect("the SDK's error type");
        assert_eq!(sdk.raw_response().expect("the raw answer").status().as_u16(), 200, "{kind:?}");
    }
}

#[tokio::test]
async fn a_delete_whose_answer_was_unreadable_is_maybe_written() {
    for kind in BOTH {
        for conditional in [false, true] {
            let (_, w) = setup(kind, "DeleteItem", 1, Some(LockPolicy::Version)).await;
            w.raw_put(&Counter { version: Some(2), ..counter("a", 1) }).await;
            let delete = w.repo.delete(&key("a"));
            let delete = if conditional { delete.if_lock_value(2) } else { delete };
            let err = delete.await.unwrap_err();
            assert_maybe_written(&err, "DeleteItem");
            // Sent again, an unconditional delete deletes nothing more; a conditional one is refused.
            assert_eq!(err.is_retryable(), !conditional, "{kind:?}: {err:?}");
            assert!(w.stored("a").await.is_none(), "{kind:?}: applied");
            assert!(w.topic.drain().await.is_empty(), "the old item is lost with the answer: no event");
        }
    }
}

#[tokio::test]
async fn a_transaction_whose_answer_was_unreadable_is_maybe_written() {
    for kind in BOTH {
        let (_, w) = setup(kind, "TransactWriteItems", 2, None).await;
        let adapter = w.repo.adapter().clone();
        let err = adapter.transact_write().insert(&w.repo, &counter("a", 1)).await.unwrap_err();
        assert_maybe_written(&err, "TransactWriteItems");
        assert!(!err.is_retryable(), "{kind:?}: a new call gets a new token: {err:?}");
        // With the caller's token, sending it again is answered without applying it twice.
        let err = adapter
            .transact_write()
            .insert(&w.repo, &counter("b", 1))
            .client_request_token(crate::harness::unique("token"))
            .await
            .unwrap_err();
        assert!(err.maybe_written() && err.is_retryable(), "{kind:?}: {err:?}");
        assert_eq!(w.stored("a").await.unwrap().n, 1);
        assert_eq!(w.stored("b").await.unwrap().n, 1);
        assert!(w.topic.drain().await.is_empty());
    }
}

fn no_sleep(attempts: u32) -> RetryPolicy {
    RetryPolicy::default().max_attempts(attempts).sleep_with(|_| Box::pin(async {}))
}

#[tokio::test]
async fn a_batch_whose_answers_were_unreadable_lists_its_items_as_outcome_unknown() {
    for kind in BOTH {
        let items: Vec<Counter> = (0..3).map(|i| counter(&format!("b-{i}"), i)).collect();
        // One unreadable answer: the chunk is sent again (a put is idempotent) and confirmed.
        let (faults, w) = setup(kind, "BatchWriteItem", 1, None).await;
        let summary = w.repo.batch_insert(&items).retry(no_sleep(3)).await.unwrap();
        assert_eq!(summary.written, 3, "{kind:?}");
        assert_eq!(faults.record().attempts["BatchWriteItem"], 2);

        // Every answer unreadable: each item may be stored.
        let (faults, w) = setup(kind, "BatchWriteItem", 100, None).await;
        let err = w.repo.batch_insert(&items).retry(no_sleep(3)).await.unwrap_err();
        assert!(err.maybe_written(), "{kind:?}: {err:?}");
        let Error::BatchIncomplete { leftovers, outcome_unknown } = err else {
            panic!("{kind:?}: expected BatchIncomplete, got {err:?}")
        };
        assert_eq!(leftovers.len(), 3);
        assert_eq!(outcome_unknown, leftovers, "{kind:?}");
        assert_eq!(faulted(&faults, kind, "BatchWriteItem"), 3, "{kind:?}: every attempt");
        for item in &items {
            assert_eq!(w.stored(&item.pk).await.as_ref(), Some(item), "{kind:?}: in fact stored");
        }
    }
}
