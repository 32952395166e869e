//! [`Emulator`]: DynamoDB in this process. The dynoxide emulator (an in-memory SQLite database)
//! served over HTTP on a free `127.0.0.1` port by a thread of its own, so it works under any Tokio
//! runtime (`#[tokio::test]`'s current-thread one included) and outlives none: dropping the
//! `Emulator` stops the server.

use std::net::{Ipv4Addr, TcpListener};
use std::sync::{mpsc, Mutex, PoisonError};
use std::time::Duration;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use tokio::sync::oneshot;

/// An in-process DynamoDB: a fresh, empty in-memory database served on `127.0.0.1`, until dropped
/// (dropping it waits for the requests in flight, briefly, then clients get a refused connection).
///
/// Starting one takes about a millisecond. Every `Emulator` is independent (its own database and
/// port), so tests that each start one share nothing. It runs on its own thread, so the Tokio runtime
/// of the caller does not matter.
///
/// The emulator is [dynoxide](https://crates.io/crates/dynoxide-rs) 3.2.0: DynamoDB's API over
/// SQLite, checked against real DynamoDB by a public conformance suite. What it does not emulate is
/// listed in the README ("Testing without AWS"): all reads are strongly consistent, expired items are
/// deleted only by [`sweep_expired_items`](Self::sweep_expired_items), no throttling, no conflicts
/// between concurrent transactions.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let emulator = daplug_runtime::testing::Emulator::start()?;
/// assert!(emulator.endpoint().starts_with("http://127.0.0.1:"));
/// let client = emulator.client(); // an aws_sdk_dynamodb::Client for raw calls
/// # let _ = client; Ok(()) }
/// ```
pub struct Emulator {
    endpoint: String,
    /// The served database (a handle: clones share it), for what the API cannot ask for.
    database: dynoxide::Database,
    /// Sent (or dropped) to stop the server.
    stop: Option<oneshot::Sender<()>>,
    /// Disconnected when the server thread has finished (in a `Mutex` only to be `Sync`: it is
    /// read once, by `drop`, through `&mut`).
    stopped: Mutex<mpsc::Receiver<()>>,
}

/// How long dropping an [`Emulator`] waits for its server to finish: the requests in flight, then
/// closing every connection. Bounded, so a client that never reads its answer cannot hang the drop.
const STOP_WAIT: Duration = Duration::from_secs(2);

impl Emulator {
    /// Starts a fresh emulator on a free `127.0.0.1` port and returns once it accepts connections.
    ///
    /// Fails only when the machine refuses the resources: no loopback port, no thread, or SQLite
    /// failing to open an in-memory database.
    pub fn start() -> std::io::Result<Emulator> {
        let database = dynoxide::Database::memory()
            .map_err(|err| std::io::Error::other(format!("in-memory DynamoDB database: {err}")))?;
        // Bound here, so the port is known (and listening) before the server thread runs.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build()?;
        let (stop, stop_signal) = oneshot::channel::<()>();
        let (finished, stopped) = mpsc::channel::<()>();
        let served = endpoint.clone();
        let handle = database.clone();
        std::thread::Builder::new().name("daplug-dynamodb-emulator".into()).spawn(move || {
            // Dropped when the thread ends, which disconnects `stopped`.
            let _finished = finished;
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => listener,
                    Err(err) => return tracing::error!(endpoint = %served, %err, "DynamoDB emulator: no listener"),
                };
                // Resolves when the `Emulator` is dropped.
                let shutdown = async move {
                    let _ = stop_signal.await;
                };
                if let Err(err) = dynoxide::server::serve_with_shutdown(listener, database, shutdown).await {
                    tracing::error!(endpoint = %served, %err, "DynamoDB emulator stopped");
                }
            });
        })?;
        tracing::debug!(%endpoint, "in-process DynamoDB emulator started");
        Ok(Emulator { endpoint, database: handle, stop: Some(stop), stopped: Mutex::new(stopped) })
    }

    /// The emulator's URL (`http://127.0.0.1:PORT`), for an SDK client's `endpoint_url` (or
    /// `AWS_ENDPOINT_URL_DYNAMODB` in another process).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Deletes the items whose time-to-live has passed, in every table with TTL enabled
    /// (`UpdateTimeToLive`), and returns how many. DynamoDB deletes expired items in the background,
    /// typically within a few days; the emulator deletes them only when asked, here. Blocks while it
    /// runs (brief for test-sized tables); the server keeps answering meanwhile.
    pub fn sweep_expired_items(&self) -> std::io::Result<usize> {
        self.database.sweep_ttl().map_err(|err| std::io::Error::other(format!("TTL sweep: {err}")))
    }

    /// A DynamoDB client for this emulator: region `us-east-1`, static test credentials (the
    /// emulator does not check signatures). Pass it to
    /// [`AdapterBuilder::client`](crate::adapter::AdapterBuilder::client), or use it for calls daplug
    /// does not wrap.
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new("test", "test", None, None, "daplug-testing"))
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }
}

/// Stops the server and waits (at most [`STOP_WAIT`]) until it has answered the requests in flight
/// and closed every connection, so a client of the dropped emulator fails at once instead of being
/// answered on a connection it kept open.
impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let stopped = self.stopped.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(STOP_WAIT) {
            tracing::warn!(endpoint = %self.endpoint, "DynamoDB emulator: a connection outlived the drop");
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("endpoint", &self.endpoint).finish_non_exhaustive()
    }
}
