//! What kind of failure an AWS call ended with ([`AwsErrorKind`]), and what that says: whether the
//! request may have been applied, whether another attempt is worth making. Batches retry on it, and
//! [`Error::DynamoDb`](crate::Error::DynamoDb) keeps it so callers can decide the same.

use std::fmt;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

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
    /// A response arrived but could not be read (a truncated body, an unexpected format). The
    /// request may have been applied.
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
            AwsErrorKind::Dispatch(cause) => write!(f, "dispatch failure ({cause:?})"),
            AwsErrorKind::Response { status } => write!(f, "unreadable response (HTTP {status})"),
            AwsErrorKind::Service { code, message, status } => match (code, message) {
                (Some(code), Some(message)) => write!(f, "{code}: {message}"),
                (Some(code), None) => f.write_str(code),
                (None, Some(message)) => write!(f, "HTTP {status}: {message}"),
                (None, None) => write!(f, "HTTP {status}"),
            },
        }
    }
}

/// The text an error shows: the service's code and message for service errors, the kind and the
/// SDK's error chain (`io error: connection closed before message completed`) otherwise.
pub(crate) fn describe<E>(kind: &AwsErrorKind, err: &SdkError<E, HttpResponse>) -> String
where
    E: std::error::Error + 'static,
{
    match kind {
        AwsErrorKind::Service { .. } => kind.to_string(),
        _ => format!("{kind}: {}", DisplayErrorContext(err)),
    }
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
        assert!(!service("ValidationException", 400).maybe_applied());
        assert!(!service("ValidationException", 400).is_retryable());
        assert!(!service("ThrottlingException", 400).maybe_applied());
        assert!(service("ThrottlingException", 400).is_retryable());
        assert!(service("InternalServerError", 500).maybe_applied());
        assert_eq!(service("ValidationException", 400).to_string(), "ValidationException: m");
        assert_eq!(service("ValidationException", 400).code(), Some("ValidationException"));
    }
}
