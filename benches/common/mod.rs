//! What the run-time benches share: the sandbox on its own threads, the cards a run registers,
//! the hand-written reqwest version of the seed workflow, and an allocation counter.
//!
//! A seed run registers its SIM, and a sandbox registers each card once: every sandbox has six
//! cards the workflow can run on (`SIM_1..3`, `SUBSCRIBER_1..3`, one inventory), so the benches
//! start one sandbox per six runs, outside the timed region, and warm a connection to it there
//! too: what is timed is the four calls of a run over a pooled connection.

#![allow(dead_code)] // Each bench uses a different part.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arazzo_runtime::reqwest;
use arazzo_sandbox::SandboxHandle;
use arazzo_sandbox::fixtures::{
    GROUP_SENSORS, SIM_1, SIM_2, SIM_3, SUBSCRIBER_1, SUBSCRIBER_2, SUBSCRIBER_3, SeededCard,
};
use arazzo_workflows::soracom_sim::{RegisterAndActivateSimInputs, register_and_activate_sim};

/// The cards of one sandbox the seed workflow can register.
pub const CARDS: [SeededCard; 6] = [
    SIM_1,
    SIM_2,
    SIM_3,
    SUBSCRIBER_1,
    SUBSCRIBER_2,
    SUBSCRIBER_3,
];

/// The group every run binds its SIM to.
pub const GROUP: &str = GROUP_SENSORS.group_id;

/// Sandboxes served by their own tokio runtime (one worker thread), so that the server's work
/// and allocations stay off the threads that run the client.
pub struct Sandboxes {
    runtime: tokio::runtime::Runtime,
}

/// One running sandbox and a credential pair it issued.
pub struct Target {
    /// `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    /// `X-Soracom-API-Key`.
    pub api_key: String,
    /// `X-Soracom-Token`.
    pub token: String,
    /// Stops the server when the target is dropped.
    _handle: SandboxHandle,
}

impl Sandboxes {
    /// A server runtime with one worker thread.
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("sandbox")
            .enable_all()
            .build()
            .expect("sandbox runtime");
        Self { runtime }
    }

    /// Starts one sandbox with all its cards unregistered.
    pub fn start(&self) -> Target {
        let handle = self
            .runtime
            .block_on(arazzo_sandbox::start())
            .expect("sandbox starts");
        let (api_key, token) = handle.issue_credentials();
        Target {
            base_url: handle.base_url(),
            api_key,
            token,
            _handle: handle,
        }
    }
}

/// The HTTP client both versions use: configured as the runtime's default one (timeouts), one
/// connection pool.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(arazzo_runtime::DEFAULT_TIMEOUT)
        .connect_timeout(arazzo_runtime::DEFAULT_CONNECT_TIMEOUT)
        .build()
        .expect("HTTP client")
}

/// A workflow client for `target` sharing `http`'s connection pool.
pub fn workflow_client(target: &Target, http: &reqwest::Client) -> arazzo_runtime::Client {
    arazzo_runtime::Client::builder()
        .server("simApi", &target.base_url)
        .api_key("api_key", target.api_key.as_str())
        .api_key("api_token", target.token.as_str())
        .http_client(http.clone())
        .build()
        .expect("workflow client")
}

/// Opens (and pools) a connection to `target`: a read of a SIM that is not registered, 404.
pub async fn warm(http: &reqwest::Client, target: &Target) {
    let response = http
        .get(format!("{}/sims/{}", target.base_url, SIM_1.sim_id))
        .header("X-Soracom-API-Key", &target.api_key)
        .header("X-Soracom-Token", &target.token)
        .send()
        .await
        .expect("sandbox answers");
    let _ = response.bytes().await;
}

/// The seed workflow through the generated function.
pub async fn generated(client: &arazzo_runtime::Client, card: &SeededCard) {
    let out = register_and_activate_sim(
        client,
        RegisterAndActivateSimInputs {
            sim_id: card.sim_id.to_owned(),
            registration_secret: card.registration_secret.to_owned(),
            group_id: GROUP.to_owned(),
        },
    )
    .await
    .expect("the generated workflow succeeds");
    assert!(out.status == "active");
}

/// What the hand-written version returns: the workflow's outputs.
#[derive(Debug)]
pub struct HandOutputs {
    /// `simId`.
    pub sim_id: String,
    /// `status`.
    pub status: String,
    /// `groupId`.
    pub group_id: String,
}

/// The fields of a `Sim` the workflow reads.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sim {
    sim_id: String,
    status: String,
    group_id: Option<String>,
    speed_class: Option<String>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The seed workflow written by hand with reqwest: the same four calls, the same status checks,
/// the same outputs, decoded into a typed struct.
pub async fn hand_written(
    http: &reqwest::Client,
    target: &Target,
    card: &SeededCard,
) -> Result<HandOutputs, BoxError> {
    async fn call(
        request: reqwest::RequestBuilder,
        target: &Target,
        body: Option<String>,
        expected: u16,
    ) -> Result<Sim, BoxError> {
        let mut request = request
            .header("X-Soracom-API-Key", &target.api_key)
            .header("X-Soracom-Token", &target.token);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        if status != expected {
            return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&bytes)).into());
        }
        Ok(serde_json::from_slice(&bytes)?)
    }
    let base = &target.base_url;
    let sim = card.sim_id;
    let registered = call(
        http.post(format!("{base}/sims/{sim}/register")),
        target,
        Some(
            serde_json::json!({"registrationSecret": card.registration_secret, "groupId": GROUP})
                .to_string(),
        ),
        201,
    )
    .await?;
    let activated = call(
        http.post(format!("{base}/sims/{sim}/activate")),
        target,
        None,
        200,
    )
    .await?;
    let grouped = call(
        http.post(format!("{base}/sims/{sim}/set_group")),
        target,
        Some(serde_json::json!({"groupId": GROUP}).to_string()),
        200,
    )
    .await?;
    let confirmed = call(http.get(format!("{base}/sims/{sim}")), target, None, 200).await?;
    // The workflow's outputs, and the step outputs it declares but does not return.
    let _ = (activated.status, grouped.group_id, confirmed.speed_class);
    Ok(HandOutputs {
        sim_id: registered.sim_id,
        status: confirmed.status,
        group_id: confirmed.group_id.ok_or("no groupId")?,
    })
}

/// The seed workflow by hand, checked.
pub async fn hand(http: &reqwest::Client, target: &Target, card: &SeededCard) {
    let out = hand_written(http, target, card)
        .await
        .expect("the hand-written workflow succeeds");
    assert_eq!(out.status, "active");
    assert_eq!(out.sim_id, card.sim_id);
    assert_eq!(out.group_id, GROUP);
}

/// A global allocator that counts the allocations of the threads that asked to be counted (the
/// client's), leaving out the sandbox's threads.
pub struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed on unchanged to the system allocator; counting allocates nothing.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Counts this thread's allocations from now on.
pub fn count_this_thread() {
    COUNTED.with(|c| c.set(true));
}

/// Allocations counted so far (allocations and reallocations).
pub fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// The `q` quantile (0..=1) of sorted durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}

/// Microseconds, for printing.
pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
