//! Starting a sandbox on a socket and the handle that inspects and stops it.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::faults::{Connection, FaultListener, FaultRule};
use crate::record::RecordedRequest;
use crate::routes;
use crate::shared::{AppState, Shared};
use crate::sps::{self, SpsOutcome, SpsSettings};
use crate::state::CardKey;
use crate::views::{GroupView, SimView, SubscriberView, to_value};

/// How long [`SandboxHandle::shutdown`] waits for open connections to finish
/// before cutting them off.
const GRACEFUL_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// Builder for a sandbox server. Every started sandbox has its own state,
/// seeded from [`fixtures`](crate::fixtures); the `sps_*` settings shape the
/// SPS fake (see [`sps`](crate::sps)); [`fault`](Self::fault) rules make chosen
/// requests fail.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use arazzo_sandbox::SpsOutcome;
///
/// let sandbox = arazzo_sandbox::Sandbox::new()
///     .bind("127.0.0.1:8080".parse().expect("valid address"))
///     .sps_pending_polls(0)
///     .sps_outcome_for("Sub-broken", SpsOutcome::Failure)
///     .start()
///     .await?;
/// println!("{} {}", sandbox.base_url(), sandbox.sps_base_url());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    addr: SocketAddr,
    sps: SpsSettings,
    faults: Vec<FaultRule>,
    fleet: usize,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A sandbox that will listen on `127.0.0.1:0` (a random free port).
    pub fn new() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            sps: SpsSettings::default(),
            faults: Vec::new(),
            fleet: 0,
        }
    }

    /// Listens on `addr` instead (port 0 still means a random free port).
    pub fn bind(self, addr: SocketAddr) -> Self {
        Self { addr, ..self }
    }

    /// Holds `cards` more unregistered SIMs, the first of [`fixtures::fleet`](crate::fixtures::fleet)
    /// (for fleet onboarding runs; at most [`FLEET_MAX`](crate::fixtures::FLEET_MAX)).
    pub fn fleet(mut self, cards: usize) -> Self {
        self.fleet = cards;
        self
    }

    /// How many status polls an SPS transaction answers `Pending` before it
    /// completes (default [`sps::DEFAULT_PENDING_POLLS`]). `0` completes it
    /// before the request is acknowledged; `u32::MAX` never completes any.
    pub fn sps_pending_polls(mut self, polls: u32) -> Self {
        self.sps.pending_polls = polls;
        self
    }

    /// How SPS transactions end when no [`sps_outcome_for`](Self::sps_outcome_for)
    /// rule and no reserved prefix ([`sps::FAIL_PREFIX`],
    /// [`sps::NEVER_PREFIX`]) applies (default [`SpsOutcome::Success`]).
    pub fn sps_outcome(mut self, outcome: SpsOutcome) -> Self {
        self.sps.outcome = outcome;
        self
    }

    /// How SPS transactions end whose `partnerTransactionId`, `subscriberId`
    /// or ICCID is `id` (checked in that order; a later call for the same
    /// `id` replaces the earlier one). Use a `partnerTransactionId` to make
    /// one transaction fail, a `subscriberId` or ICCID for every transaction
    /// on that subscription.
    pub fn sps_outcome_for(mut self, id: impl Into<String>, outcome: SpsOutcome) -> Self {
        self.sps.rules.insert(id.into(), outcome);
        self
    }

    /// POSTs every completed SPS transaction's status body (JSON) to `url`,
    /// with the `X-Correlation-Id` and `wholesaleCustomerId` of the request
    /// that started it. Delivered once, in the background; failures are only
    /// logged.
    pub fn sps_callback_url(mut self, url: impl Into<String>) -> Self {
        self.sps.callback_url = Some(url.into());
        self
    }

    /// Whether SPS requests without a `wholesaleCustomerId` header get 400
    /// (default `true`). The API's documentation calls the header optional;
    /// `false` follows it.
    pub fn sps_require_customer_id(mut self, required: bool) -> Self {
        self.sps.require_customer_id = required;
        self
    }

    /// Adds a fault rule: the requests it selects get its [`Fault`](crate::Fault)
    /// instead of (or on top of) the API's answer. Rules apply in the order
    /// added; see [`FaultRule`] for how requests are counted.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Binds the socket and starts serving in a task of the current tokio
    /// runtime. Fails only if the address cannot be bound.
    pub async fn start(self) -> io::Result<SandboxHandle> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let shared = Shared::seeded(self.sps, self.faults);
        shared.store().add_cards(crate::fixtures::fleet(self.fleet));
        let listener = FaultListener::new(listener, shared.open_counter());
        let app = routes::app(shared.clone()).into_make_service_with_connect_info::<Connection>();
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A dropped sender means the handle is gone: stop too.
                    let _ = signal.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "arazzo-sandbox server failed");
            }
        });
        Ok(SandboxHandle {
            addr,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }
}

/// A running sandbox. Dropping it (or calling [`shutdown`](Self::shutdown))
/// stops the server; the inspection methods are synchronous and can be called
/// at any time, including while requests are in flight.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/v1`: the base URL clients use in place of
    /// Soracom's `https://api.soracom.io/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `http://127.0.0.1:PORT/sps/v5`: the base URL clients of the SPS
    /// Subscriptions API use in place of the real `https://HOST/sps/v5`.
    pub fn sps_base_url(&self) -> String {
        format!("http://{}{}", self.addr, sps::PREFIX)
    }

    /// Issues a fresh API key and token pair exactly as `POST /v1/auth` would
    /// (for tests that skip `/auth`). Returns `(api_key, token)`.
    pub fn issue_credentials(&self) -> (String, String) {
        self.shared.credentials().issue()
    }

    /// Every request answered so far, in the order the answers were sent
    /// (arrival order for a sequential client), including rejected ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log().clone()
    }

    /// Like [`requests`](Self::requests), but also empties the log (useful
    /// for long benchmarks and for tests that check one step at a time).
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut *self.shared.log())
    }

    /// Adds a fault rule while the sandbox runs (after those given to
    /// [`Sandbox::fault`]); it counts requests from now on.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults().add(rule);
    }

    /// Removes every fault rule: from now on every request gets the API's answer.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// How many client connections are open right now (idle keep-alive ones
    /// included). A client that went away shows here once the sandbox noticed.
    pub fn open_connections(&self) -> usize {
        self.shared.open_connections()
    }

    /// The SIM with this SIM ID as `GET /v1/sims/{sim_id}` would return it,
    /// if the sandbox has it. Unlike the API, this also shows unregistered
    /// SIMs: their `status` is `"unregistered"` and `operatorId` is `null`.
    pub fn sim(&self, sim_id: &str) -> Option<Value> {
        let store = self.shared.store();
        store
            .card(CardKey::Sim(sim_id))
            .map(|card| to_value(SimView::of(card)))
    }

    /// The subscriber with this IMSI as `GET /v1/subscribers/{imsi}` would
    /// return it, if the sandbox has it (unregistered ones included, as for
    /// [`sim`](Self::sim)).
    pub fn subscriber(&self, imsi: &str) -> Option<Value> {
        let store = self.shared.store();
        store
            .card(CardKey::Subscriber(imsi))
            .map(|card| to_value(SubscriberView::of(card)))
    }

    /// The group as `GET /v1/groups/{group_id}` would return it, if it exists.
    pub fn group(&self, group_id: &str) -> Option<Value> {
        let store = self.shared.store();
        store
            .group(group_id)
            .ok()
            .map(|group| to_value(GroupView::of(group)))
    }

    /// The SPS subscription of `subscriber_id`, if one was ever activated:
    /// the activation request with defaults and assigned IDs filled in,
    /// `status` (`Pending`, `Active`, `Suspended`, `Ceased`, or `Failed` after
    /// a failed activation) and `partnerTransactionIds`, oldest first.
    pub fn sps_subscription(&self, subscriber_id: &str) -> Option<Value> {
        self.shared.sps().store().subscription(subscriber_id)
    }

    /// The SPS transaction as `GET /sps/v5/transaction/status/{id}` would
    /// show it, without counting as a poll.
    pub fn sps_transaction(&self, partner_transaction_id: &str) -> Option<Value> {
        self.shared
            .sps()
            .store()
            .transaction(partner_transaction_id)
    }

    /// How many status polls the SPS transaction has answered.
    pub fn sps_polls(&self, partner_transaction_id: &str) -> Option<u32> {
        self.shared.sps().store().polls(partner_transaction_id)
    }

    /// Stops accepting connections, lets open ones finish (at most 5 s), and
    /// waits for the server task to end.
    pub async fn shutdown(mut self) {
        self.shared.stop();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(GRACEFUL_SHUTDOWN_TIMEOUT, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for SandboxHandle {
    /// Signals the server to close its connections and aborts its accept loop,
    /// so it does not outlive the handle.
    fn drop(&mut self) {
        self.shared.stop();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
