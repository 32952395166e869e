//! What daplug records in its `tracing` spans: a process-wide subscriber that counts, per table,
//! the spans that recorded `own_retry = true` (tests run in parallel, each on its own table).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Default)]
struct Spans {
    /// Per span id − 1: its metadata and its `table` field.
    spans: Mutex<Vec<(&'static Metadata<'static>, Option<String>)>>,
    own_retries: Mutex<HashMap<String, usize>>,
}

thread_local! {
    /// The spans entered on this thread, innermost last.
    static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

static SPANS: OnceLock<Arc<Spans>> = OnceLock::new();

/// Installs the subscriber (once per test binary).
pub fn install() {
    SPANS.get_or_init(|| {
        let spans = Arc::new(Spans::default());
        tracing::dispatcher::set_global_default(tracing::Dispatch::from(spans.clone()))
            .expect("no other global subscriber in the tests");
        spans
    });
}

/// How many spans on `table` recorded `own_retry = true`.
pub fn own_retries(table: &str) -> usize {
    SPANS.get().and_then(|spans| spans.own_retries.lock().unwrap().get(table).copied()).unwrap_or(0)
}

/// Reads the `table` and `own_retry` fields.
#[derive(Default)]
struct Fields {
    table: Option<String>,
    own_retry: bool,
}

impl Visit for Fields {
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == "own_retry" {
            self.own_retry = value;
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "table" {
            self.table = Some(value.to_owned());
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "table" {
            self.table = Some(format!("{value:?}"));
        }
    }
}

impl Subscriber for Spans {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        span.record(&mut fields);
        let mut spans = self.spans.lock().unwrap();
        spans.push((span.metadata(), fields.table));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        if fields.own_retry {
            let table = self.spans.lock().unwrap()[span.into_u64() as usize - 1].1.clone().unwrap_or_default();
            *self.own_retries.lock().unwrap().entry(table).or_default() += 1;
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, span: &Id) {
        ENTERED.with(|entered| entered.borrow_mut().push(span.into_u64()));
    }
    fn exit(&self, span: &Id) {
        ENTERED.with(|entered| {
            let mut entered = entered.borrow_mut();
            if let Some(at) = entered.iter().rposition(|id| *id == span.into_u64()) {
                entered.remove(at);
            }
        });
    }
    fn current_span(&self) -> tracing_core::span::Current {
        match ENTERED.with(|entered| entered.borrow().last().copied()) {
            Some(id) => {
                let metadata = self.spans.lock().unwrap()[id as usize - 1].0;
                tracing_core::span::Current::new(Id::from_u64(id), metadata)
            }
            None => tracing_core::span::Current::none(),
        }
    }
}
