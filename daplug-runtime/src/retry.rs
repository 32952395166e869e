//! Retries for batch calls: exponential backoff with full jitter (which failures are worth another
//! attempt is [`AwsErrorKind::is_retryable`](crate::AwsErrorKind::is_retryable)). See [`RetryPolicy`]
//! for how this layer combines with the SDK's own retry.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures::future::BoxFuture;

/// Sleeps for a duration (the default is `tokio::time::sleep`).
pub type SleepFn = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;
/// Returns a number in `[0, 1)` used to jitter a delay.
pub type JitterFn = Arc<dyn Fn() -> f64 + Send + Sync>;

/// How a batch call retries unprocessed requests and retryable errors: at most
/// [`max_attempts`](Self::max_attempts) requests per chunk, waiting between attempts for a random
/// delay in `[0, min(max_delay, base_delay × 2^retry))` ("full jitter").
///
/// The sleep and the random source can be replaced, so tests can record delays without waiting.
///
/// # daplug's retry and the SDK's retry
///
/// Two layers can retry a batch request, and they are deliberately kept separate:
///
/// * **The SDK client** (its `retry_config`, standard mode with 3 attempts by default) retries
///   *failed HTTP calls*: throttling errors, 5xx responses, timeouts. It cannot see
///   `UnprocessedItems` / `UnprocessedKeys`, which arrive in a successful response.
/// * **daplug** ([`RetryPolicy`]) retries per chunk: it re-sends exactly the requests the service
///   left unprocessed, and it also retries a chunk whose call still failed with a throttling error,
///   a 5xx, a timeout, an unreadable response or any transport failure (a refused, reset or dropped
///   connection) *after* the SDK gave up. Each daplug attempt is one SDK call, so with a
///   default client one daplug attempt may be up to 3 HTTP requests; the worst case is
///   `max_attempts × sdk attempts`.
///
/// daplug does not turn the SDK's retry off: the client belongs to the caller and is shared with every
/// other call. To make daplug the only layer (every throttle then counts against
/// [`RetryPolicy::max_attempts`] and is visible in the progress counters), build the DynamoDB client
/// with `RetryConfig::disabled()`; daplug's fault-injection tests do exactly that.
///
/// Re-sending is safe: puts and deletes of `BatchWriteItem` are idempotent and only requests that
/// were not confirmed are sent again. After an ambiguous failure (a timeout, a 5xx after the service
/// may have applied the request) a put may reach the table twice with the same content; it is never
/// reported as both written and left over. When a chunk's last attempt ends in such an ambiguous
/// failure, its requests are leftovers whose outcome is unknown
/// ([`Error::BatchIncomplete`](crate::Error::BatchIncomplete)'s `outcome_unknown`): re-sending them is
/// safe for the same reason.
///
/// ```
/// use std::time::Duration;
/// use daplug_runtime::retry::RetryPolicy;
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(20))
///     .max_delay(Duration::from_secs(1));
/// assert_eq!(policy.ceiling(0), Duration::from_millis(20));
/// assert_eq!(policy.ceiling(3), Duration::from_millis(160));
/// assert_eq!(policy.ceiling(10), Duration::from_secs(1));
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    sleep: SleepFn,
    jitter: JitterFn,
}

impl Default for RetryPolicy {
    /// 8 attempts, 50 ms base delay, 5 s cap, tokio's sleep, a process-wide random source.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(5),
            sleep: Arc::new(|delay| Box::pin(tokio::time::sleep(delay))),
            jitter: Arc::new(random_unit),
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// Requests per chunk, the first one included (at least 1; `1` means no retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
    /// Delay ceiling of the first retry; it doubles with every further retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }
    /// Cap on the delay ceiling.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }
    /// Replaces the sleep (for tests, or another runtime's timer).
    pub fn sleep_with(mut self, sleep: impl Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync + 'static) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }
    /// Replaces the random source; it must return values in `[0, 1)` (others are clamped).
    pub fn jitter_with(mut self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay ceiling before retry number `retry` (0 for the first retry):
    /// [`backoff_ceiling`] of this policy.
    pub fn ceiling(&self, retry: u32) -> Duration {
        backoff_ceiling(self.base_delay, self.max_delay, retry)
    }

    /// The delay before retry number `retry`, drawn from this policy's random source.
    pub fn delay(&self, retry: u32) -> Duration {
        full_jitter(self.ceiling(retry), (self.jitter)())
    }

    /// Waits before retry number `retry`.
    pub(crate) async fn wait(&self, retry: u32) -> Duration {
        let delay = self.delay(retry);
        (self.sleep)(delay).await;
        delay
    }
}

/// Exponential backoff ceiling: `min(cap, base × 2^retry)`, without overflow.
pub fn backoff_ceiling(base: Duration, cap: Duration, retry: u32) -> Duration {
    let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(cap).min(cap)
}

/// Full jitter: `ceiling × unit`, with `unit` clamped to `[0, 1]` (NaN counts as 0).
pub(crate) fn full_jitter(ceiling: Duration, unit: f64) -> Duration {
    let unit = if unit.is_nan() { 0.0 } else { unit.clamp(0.0, 1.0) };
    ceiling.mul_f64(unit)
}

/// A process-wide splitmix64 sequence seeded from std's random hasher keys: good enough for jitter,
/// no dependency.
fn random_unit() -> f64 {
    static STATE: OnceLock<AtomicU64> = OnceLock::new();
    let state = STATE.get_or_init(|| AtomicU64::new(std::collections::hash_map::RandomState::new().hash_one(0x5eed)));
    let mut z = state.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn ceiling_doubles_then_stays_at_the_cap() {
        let ceilings: Vec<Duration> = (0..8).map(|retry| backoff_ceiling(10 * MS, 300 * MS, retry)).collect();
        assert_eq!(ceilings, [10, 20, 40, 80, 160, 300, 300, 300].map(|ms| ms * MS));
    }

    #[test]
    fn ceiling_never_overflows() {
        for retry in [31, 32, 33, 64, u32::MAX] {
            assert_eq!(
                backoff_ceiling(Duration::from_secs(1), Duration::from_secs(20), retry),
                Duration::from_secs(20)
            );
        }
        assert_eq!(backoff_ceiling(Duration::MAX, Duration::from_secs(3), 5), Duration::from_secs(3));
        assert_eq!(backoff_ceiling(Duration::ZERO, Duration::from_secs(3), 40), Duration::ZERO);
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_ceiling() {
        let ceiling = 200 * MS;
        assert_eq!(full_jitter(ceiling, 0.0), Duration::ZERO);
        assert_eq!(full_jitter(ceiling, 0.5), 100 * MS);
        assert_eq!(full_jitter(ceiling, 1.0), ceiling);
        assert_eq!(full_jitter(ceiling, 7.0), ceiling, "clamped above");
        assert_eq!(full_jitter(ceiling, -1.0), Duration::ZERO, "clamped below");
        assert_eq!(full_jitter(ceiling, f64::NAN), Duration::ZERO);
    }

    #[test]
    fn policy_delays_use_the_injected_random_source() {
        let policy = RetryPolicy::default().base_delay(10 * MS).max_delay(50 * MS).jitter_with(|| 0.5);
        let delays: Vec<Duration> = (0..5).map(|retry| policy.delay(retry)).collect();
        assert_eq!(delays, [5 * MS, 10 * MS, 20 * MS, 25 * MS, 25 * MS]);
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn default_random_source_is_a_unit_interval_and_varies() {
        let draws: Vec<f64> = (0..1000).map(|_| random_unit()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
        let policy = RetryPolicy::default().max_delay(Duration::from_secs(1));
        assert!((0..100).all(|_| policy.delay(3) <= policy.ceiling(3)));
    }
}
