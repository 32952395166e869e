//! The clients an adapter calls through: the caller's (or the environment's) DynamoDB and SNS clients
//! with a bounded time for every call, and the DynamoDB client counting its attempts
//! ([`CountAttempts`]) so a conditional write can recognise its own retried write.

use std::time::Duration;

use aws_sdk_dynamodb::config::timeout::{TimeoutConfig, TimeoutConfigBuilder};
use aws_sdk_dynamodb::config::Intercept;

use crate::attempts::CountAttempts;

/// How long one AWS call of an adapter may take in all, retries included, unless the client's own
/// configuration or [`AdapterBuilder::operation_timeout`](super::AdapterBuilder::operation_timeout)
/// says otherwise.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one HTTP attempt of an AWS call may take, unless the client's own configuration or
/// [`AdapterBuilder::attempt_timeout`](super::AdapterBuilder::attempt_timeout) says otherwise.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The timeouts given on the builder (they override the client's own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub(crate) operation: Option<Duration>,
    pub(crate) attempt: Option<Duration>,
}

impl Timeouts {
    /// The timeouts of a client: each one set on the builder, else the client's own (set or
    /// explicitly disabled), else daplug's default. Connect and read timeouts stay the client's.
    fn applied_to(self, own: Option<&TimeoutConfig>) -> TimeoutConfig {
        // (`set_*(None)` would mean "disabled", so only given values are set.)
        let mut given = TimeoutConfigBuilder::new();
        if let Some(timeout) = self.operation {
            given = given.operation_timeout(timeout);
        }
        if let Some(timeout) = self.attempt {
            given = given.operation_attempt_timeout(timeout);
        }
        let own = own.map(TimeoutConfig::to_builder).unwrap_or_default();
        let defaults = TimeoutConfigBuilder::new()
            .operation_timeout(DEFAULT_OPERATION_TIMEOUT)
            .operation_attempt_timeout(DEFAULT_ATTEMPT_TIMEOUT);
        given.take_unset_from(own).take_unset_from(defaults).build()
    }

    /// `client` with these timeouts and attempt counting.
    pub(crate) fn dynamodb(self, client: &aws_sdk_dynamodb::Client) -> aws_sdk_dynamodb::Client {
        let config = client.config();
        let timeouts = self.applied_to(config.timeout_config());
        // A client taken from another adapter counts already: counting twice would make every
        // first attempt look like a retry.
        let counting = config.interceptors().any(|interceptor| interceptor.name() == CountAttempts.name());
        let mut config = config.to_builder().timeout_config(timeouts);
        if !counting {
            config = config.interceptor(CountAttempts);
        }
        aws_sdk_dynamodb::Client::from_conf(config.build())
    }

    /// `client` with these timeouts.
    #[cfg(feature = "sns")]
    pub(crate) fn sns(self, client: &aws_sdk_sns::Client) -> aws_sdk_sns::Client {
        let config = client.config();
        let timeouts = self.applied_to(config.timeout_config());
        aws_sdk_sns::Client::from_conf(config.to_builder().timeout_config(timeouts).build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_values_win_then_the_clients_own_then_the_defaults() {
        let none = Timeouts::default().applied_to(None);
        assert_eq!(none.operation_timeout(), Some(DEFAULT_OPERATION_TIMEOUT));
        assert_eq!(none.operation_attempt_timeout(), Some(DEFAULT_ATTEMPT_TIMEOUT));

        let own = TimeoutConfig::builder()
            .operation_timeout(Duration::from_secs(3))
            .connect_timeout(Duration::from_secs(1))
            .build();
        let kept = Timeouts::default().applied_to(Some(&own));
        assert_eq!(kept.operation_timeout(), Some(Duration::from_secs(3)), "the client's own");
        assert_eq!(kept.operation_attempt_timeout(), Some(DEFAULT_ATTEMPT_TIMEOUT));
        assert_eq!(kept.connect_timeout(), Some(Duration::from_secs(1)));

        let given = Timeouts { operation: Some(Duration::from_millis(500)), attempt: Some(Duration::from_millis(100)) };
        let overridden = given.applied_to(Some(&own));
        assert_eq!(overridden.operation_timeout(), Some(Duration::from_millis(500)));
        assert_eq!(overridden.operation_attempt_timeout(), Some(Duration::from_millis(100)));

        let disabled = TimeoutConfig::builder().disable_operation_timeout().build();
        assert_eq!(Timeouts::default().applied_to(Some(&disabled)).operation_timeout(), None, "disabled stays");
    }
}
