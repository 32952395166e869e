//! What kind of failure an AWS call ended with ([`AwsErrorKind`]), and what that says: whether the
//! request may have been applied, whether another attempt is worth making. Batches retry on it, and
//! [`Error::DynamoDb`](crate::Error::DynamoDb) keeps it so callers can decide the same.

use std::fmt;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

/// How an AWS call failed, as the SDK saw it.
///
/// The kinds differ in what they say about the request: a [`Construction`](Self::Construction)
/// failure and a 4xx [`Service`](Self::Service) error mean it was not applied; a
/// [`Timeout`](Self::Timeout), a [`Dispatch`](Self::Dispatch) failure, an unreadable
/// [`Response`](Self::Response) or a 5xx mean it may have been
/// ([`maybe_applied`](Self::maybe_applied)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AwsErrorKind {
    /// The request could not be built, signed or given credentials: it was never sent.
    Construction,
    /// The call ran out of time (the operation timeout, or the attempt timeout of its last attempt).
    /// The request may have reached the service and been applied.
    Timeout,
    /// Sending failed before a response arrived (connection refused, reset or dropped; connect or
    /// read timeout). The request may have been applied, unless the cause is
    /// [`DispatchCause::User`].
    Dispatch(DispatchCause),
    /// A response arrived but could not be read (a body that ends early, an unparseable body). The
    /// request may have been applied; with a 2xx status ([`answered_ok`](Self::answered_ok)) the
    /// service says it was, but what it answered is lost.
    Response {
        /// HTTP status of the unreadable response.
        status: u16,
    },
    /// The service answered with an error.
    Service {
        /// The service's error code (`ValidationException`, `ThrottlingException`, ...).
        code: Option<String>,
        /// The service's message.
        message: Option<String>,
        /// HTTP status (4xx: refused, not applied; 5xx: may have been applied).
        status: u16,
    },
}

/// Why sending a request failed ([`AwsErrorKind::Dispatch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchCause {
    /// An I/O error (connection refused, reset, closed).
    Io,
    /// A connect or read timeout of the HTTP client.
    Timeout,
    /// The request itself was unusable (a bad endpoint URL, ...): it was not sent.
    User,
    /// Anything else (`connection closed before message completed`, ...).
    Other,
}

/// Error codes DynamoDB uses for throttling and transient trouble.
const RETRYABLE_CODES: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionConflictException",
];

/// Whether a service error with this code and HTTP status is worth another attempt: throttling and
/// transaction-conflict codes, and any 5xx.
pub(crate) fn retryable(code: Option<&str>, status: Option<u16>) -> bool {
    code.is_some_and(|code| RETRYABLE_CODES.contains(&code)) || status.is_some_and(|status| status >= 500)
}

impl AwsErrorKind {
    /// Classifies an SDK error (of any operation of any AWS client).
    pub(crate) fn of<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Self {
        match err {
            SdkError::ConstructionFailure(_) => AwsErrorKind::Construction,
            SdkError::TimeoutError(_) => AwsErrorKind::Timeout,
            SdkError::DispatchFailure(failure) => AwsErrorKind::Dispatch(if failure.is_io() {
                DispatchCause::Io
            } else if failure.is_timeout() {
                DispatchCause::Timeout
            } else if failure.is_user() {
                DispatchCause::User
            } else {
                DispatchCause::Other
            }),
            SdkError::ResponseError(response) => AwsErrorKind::Response { status: response.raw().status().as_u16() },
            // The SDK reports a 2xx answer it cannot parse as a service error without a code: the
            // service applied the request, only its answer is unreadable.
            SdkError::ServiceError(service) if service.raw().status().is_success() => {
                AwsErrorKind::Response { status: service.raw().status().as_u16() }
            }
            SdkError::ServiceError(service) => AwsErrorKind::Service {
                code: service.err().code().map(str::to_owned),
                message: service.err().message().map(str::to_owned),
                status: service.raw().status().as_u16(),
            },
            // `SdkError` is non-exhaustive: an unknown kind is treated as the most careful one.
            _ => AwsErrorKind::Dispatch(DispatchCause::Other),
        }
    }

    /// Whether the request may have been applied: `false` only when it certainly was not (never
    /// sent, or refused by the service with a 4xx).
    pub fn maybe_applied(&self) -> bool {
        match self {
            AwsErrorKind::Construction | AwsErrorKind::Dispatch(DispatchCause::User) => false,
            AwsErrorKind::Timeout | AwsErrorKind::Dispatch(_) | AwsErrorKind::Response { .. } => true,
            AwsErrorKind::Service { status, .. } => *status >= 500,
        }
    }

    /// Whether the same request is worth another attempt: timeouts, transport failures, unreadable
    /// responses, throttling and 5xx. (Whether re-sending is *safe* is the operation's business: a
    /// conditional write that may have been applied can fail its own condition on a retry.)
    pub fn is_retryable(&self) -> bool {
        match self {
            AwsErrorKind::Construction | AwsErrorKind::Dispatch(DispatchCause::User) => false,
            AwsErrorKind::Timeout | AwsErrorKind::Dispatch(_) | AwsErrorKind::Response { .. } => true,
            AwsErrorKind::Service { code, status, .. } => retryable(code.as_deref(), Some(*status)),
        }
    }

    /// Whether the service answered with a 2xx status that could not be read: it applied the
    /// request, and only what it answered (the returned item, the unprocessed entries) is lost.
    pub fn answered_ok(&self) -> bool {
        matches!(self, AwsErrorKind::Response { status } if (200..300).contains(status))
    }

    /// The service's error code, for [`Service`](Self::Service) errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsErrorKind::Service { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for AwsErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AwsErrorKind::Construction => f.write_str("request not sent"),
            AwsErrorKind::Timeout => f.write_str("timed out"),
            AwsErrorKind::Dispatch(DispatchCause::Io) => f.write_str("connection failed"),
            AwsErrorKind::Dispatch(DispatchCause::Timeout) => f.write_str("timed out (HTTP client)"),
            AwsErrorKind::Dispatch(DispatchCause::User) => f.write_str("request not sent (unusable request)"),
            AwsErrorKind::Dispatch(DispatchCause::Other) => f.write_str("connection closed"),
            AwsErrorKind::Response { status } => write!(f, "unreadable answer (HTTP {status})"),
            AwsErrorKind::Service { code, message, status } => match (code, message) {
                (Some(code), Some(message)) => write!(f, "{code}: {message}"),
                (Some(code), None) => f.write_str(code),
                (None, Some(message)) => write!(f, "HTTP {status}: {message}"),
                (None, None) => write!(f, "HTTP {status}"),
            },
        }
    }
}

/// What re-sending a request would do, for an answer that may have been applied
/// ([`Error::is_retryable`](crate::Error::is_retryable) says it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Repeat {
    /// A read (or a table's description): nothing is applied.
    Read,
    /// A write that, applied twice, leaves the table as applying it once does (an unconditional
    /// put, an unconditional delete, a batch's puts and deletes, an update in one request that only
    /// sets and removes values): re-sending it is safe.
    Idempotent,
    /// A write that, applied twice, changes the item twice (an increment, an append, a version
    /// bump) or is refused the second time because the first one was applied (an insert, a
    /// version-conditioned put, a transaction under a new token): re-sending it is not a retry.
    NotIdempotent,
}

/// The one line an error shows: the service's code and message for service errors; otherwise what
/// happened (`timed out`, `connection closed`, `unreadable answer (HTTP 200)`), with the transport's
/// own one-line reason for a failed connection. Never the SDK's raw-response dump: the SDK error
/// stays reachable through [`std::error::Error::source`].
pub(crate) fn describe<E>(kind: &AwsErrorKind, err: &SdkError<E, HttpResponse>) -> String
where
    E: std::error::Error + 'static,
{
    match kind {
        AwsErrorKind::Dispatch(_) => match innermost_reason(err) {
            Some(reason) => format!("{kind}: {reason}"),
            None => kind.to_string(),
        },
        _ => kind.to_string(),
    }
}

/// The deepest cause's message, when it is one short line (`connection closed before message
/// completed`).
fn innermost_reason(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = err.source()?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    let short = !text.is_empty() && !text.contains('\n') && text.len() <= 160;
    short.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_server_errors_are_retryable_others_not() {
        assert!(retryable(Some("ProvisionedThroughputExceededException"), Some(400)));
        assert!(retryable(Some("ThrottlingException"), Some(400)));
        assert!(retryable(Some("RequestLimitExceeded"), None));
        assert!(retryable(None, Some(500)));
        assert!(retryable(Some("InternalServerError"), Some(500)));
        assert!(retryable(None, Some(503)));
        assert!(!retryable(Some("ValidationException"), Some(400)));
        assert!(!retryable(Some("ResourceNotFoundException"), Some(400)));
        assert!(!retryable(None, None));
    }

    #[test]
    fn kinds_say_whether_a_request_may_have_been_applied() {
        let service =
            |code: &str, status| AwsErrorKind::Service { code: Some(code.into()), message: Some("m".into()), status };
        assert!(!AwsErrorKind::Construction.maybe_applied() && !AwsErrorKind::Construction.is_retryable());
        assert!(AwsErrorKind::Timeout.maybe_applied() && AwsErrorKind::Timeout.is_retryable());
        let dropped = AwsErrorKind::Dispatch(DispatchCause::Other);
        assert!(dropped.maybe_applied() && dropped.is_retryable());
        let user = AwsErrorKind::Dispatch(DispatchCause::User);
        assert!(!user.maybe_applied() && !user.is_retryable());
        assert!(AwsErrorKind::Response { status: 200 }.maybe_applied());
        assert!(AwsErrorKind::Response { status: 200 }.answered_ok());
        assert!(!AwsErrorKind::Response { status: 500 }.answered_ok());
        assert_eq!(AwsErrorKind::Response { status: 200 }.to_string(), "unreadable answer (HTTP 200)");
        assert_eq!(dropped.to_string(), "connection closed");
        assert!(!service("ValidationException", 400).maybe_applied());
        assert!(!service("ValidationException", 400).is_retryable());
        assert!(!service("ThrottlingException", 400).maybe_applied());
        assert!(service("ThrottlingException", 400).is_retryable());
        assert!(service("InternalServerError", 500).maybe_applied());
        assert_eq!(service("ValidationException", 400).to_string(), "ValidationException: m");
        assert_eq!(service("ValidationException", 400).code(), Some("ValidationException"));
    }
}
