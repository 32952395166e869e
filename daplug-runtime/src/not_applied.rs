//! A retry rule for requests that must not be applied twice (an update in one request with an
//! increment, an append or a version bump): the SDK retries such a request only when its failure
//! certainly was not applied, with the client's own backoff and attempt limit.
//!
//! [`RetryNotApplied`] is added to the request's retry classifiers; the SDK's own ones still decide
//! what is worth another attempt (throttling, a transient 4xx code), this one forbids the retry of
//! every failure that may have been applied: no answer (a timeout, a dropped or refused
//! connection), an answer that could not be read, a 2xx (applied, only unreadable) or a 5xx.

use aws_sdk_dynamodb::config::interceptors::InterceptorContext;
use aws_sdk_dynamodb::config::retry::{ClassifyRetry, RetryAction};

/// Forbids the SDK's retry of a failure that may have been applied; leaves the others (a 4xx
/// answer the service refused the request with) to the SDK's classifiers.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RetryNotApplied;

impl ClassifyRetry for RetryNotApplied {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let status = ctx.response().map(|response| response.status().as_u16());
        // Only a parsed answer with a 4xx status says the service refused the request.
        let refused = error.as_operation_error().is_some() && status.is_some_and(|status| (400..500).contains(&status));
        if refused {
            RetryAction::NoActionIndicated
        } else {
            RetryAction::RetryForbidden
        }
    }

    fn name(&self) -> &'static str {
        "daplug.retry_not_applied"
    }
}
