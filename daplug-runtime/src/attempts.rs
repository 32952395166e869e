//! Counting the HTTP attempts of one call: the SDK retries a request on a timeout or a dropped
//! connection by itself, and a conditional write needs to know whether it did: only then can a failed
//! condition be the call's own earlier attempt.
//!
//! [`CountAttempts`] is an SDK interceptor installed on the adapter's DynamoDB client; it adds one
//! to the counter of the task-local scope [`counted`] opens around a call (and does nothing outside
//! such a scope, so the client stays usable for everything else).

use std::cell::Cell;
use std::future::Future;

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};

tokio::task_local! {
    static ATTEMPTS: Cell<u32>;
}

/// The interceptor that counts attempts inside [`counted`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CountAttempts;

impl Intercept for CountAttempts {
    fn name(&self) -> &'static str {
        "daplug.count_attempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        // Outside a `counted` scope there is nothing to count.
        let _ = ATTEMPTS.try_with(|count| count.set(count.get().saturating_add(1)));
        Ok(())
    }
}

/// Runs `call` and returns its output with the number of HTTP attempts the SDK made for it (0 if
/// the client has no [`CountAttempts`], or the call never reached sending).
pub(crate) async fn counted<F: Future>(call: F) -> (F::Output, u32) {
    ATTEMPTS
        .scope(Cell::new(0), async move {
            let output = call.await;
            (output, ATTEMPTS.with(Cell::get))
        })
        .await
}
