//! Onboards a fleet of sandbox SIMs through Restate: each SIM is one durable run of
//! `register-and-activate-sim`, keyed by its SIM ID, with a bounded number in flight.
//!
//! ```text
//! scripts/install-restate-server.sh   # once
//! cargo run --example fleet_onboarding --features restate -- --sims 1000 --in-flight 64 --crash-at 500
//! ```
//!
//! It starts the sandbox (holding the fleet's unregistered SIMs) and a Restate server (on free
//! ports, in a temporary directory), and runs its worker as a second process: this program again,
//! with `--worker`. With `--crash-at N` it kills that worker (SIGKILL) once N runs are done and
//! starts a new one; the runs in flight go on from their journals.
//!
//! A step whose exchange was in flight when its worker died is sent again, with the run's
//! correlation id (`X-Correlation-Id`) unchanged; the sandbox answers such a repeat of a request
//! it already acted on with the earlier answer (the correlation id is its idempotency key), so
//! the run goes on. It ends with a tally checked against the sandbox's state: every run done,
//! every SIM active and in its group, none registered, activated or grouped twice (the request
//! log's replays are re-sent requests the sandbox did not act on). Exits 1 when the tally is
//! wrong.

#[path = "../durable/tests/support/restate_server.rs"]
mod restate_server;

use std::error::Error;
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use arazzo_runtime::Client;
use arazzo_runtime::restate::{self, sdk};
use arazzo_sandbox::fixtures::{self, GROUP_SENSORS};
use arazzo_sandbox::{CORRELATION_ID_HEADER, Sandbox, SandboxHandle};
use indicatif::{ProgressBar, ProgressStyle};
use restate_server::{RestateServer, free_port};

arazzo_runtime::arazzo_workflow!(
    "workflows/arazzo/soracom-register-and-activate-sim-workflow.yml",
    restate
);

/// The flag that makes this program the worker.
const WORKER: &str = "--worker";
/// What the worker is told in its environment: where to listen, where the sandbox is, and the
/// operator's credentials (never on its command line, where other users could read them).
const WORKER_ADDR: &str = "FLEET_WORKER_ADDR";
const SANDBOX_URL: &str = "FLEET_SANDBOX_URL";
const API_KEY: &str = "FLEET_API_KEY";
const API_TOKEN: &str = "FLEET_API_TOKEN";

/// The command line.
struct Args {
    sims: usize,
    in_flight: usize,
    crash_at: Option<usize>,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        sims: 1_000,
        in_flight: 64,
        crash_at: None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let value = words.next().ok_or(format!("{flag} needs a value"))?;
        let number: usize = value
            .parse()
            .map_err(|_| format!("{flag}: `{value}` is not a number"))?;
        match flag.as_str() {
            "--sims" => args.sims = number.clamp(1, fixtures::FLEET_MAX),
            "--in-flight" => args.in_flight = number.max(1),
            "--crash-at" => args.crash_at = Some(number),
            _ => {
                return Err(format!(
                    "unknown flag {flag} (--sims, --in-flight, --crash-at)"
                ));
            }
        }
    }
    Ok(args)
}

/// The worker: this program run again with [`WORKER`], serving the durable workflow.
struct Worker {
    process: Child,
}

impl Worker {
    /// Starts a worker on `addr` and waits until it accepts connections.
    fn start(
        addr: SocketAddr,
        sandbox: &SandboxHandle,
        credentials: &(String, String),
    ) -> Result<Self, Box<dyn Error>> {
        let process = Command::new(std::env::current_exe()?)
            .arg(WORKER)
            .env(WORKER_ADDR, addr.to_string())
            .env(SANDBOX_URL, sandbox.base_url())
            .env(API_KEY, &credentials.0)
            .env(API_TOKEN, &credentials.1)
            .stdin(Stdio::null())
            .spawn()?;
        let worker = Self { process };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).is_err() {
            if Instant::now() > deadline {
                return Err(format!("the worker did not listen on {addr} within 30 s").into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(worker)
    }

    /// `kill -9`: every connection and run of the worker is dropped mid-flight.
    fn kill(self) {
        drop(self);
    }
}

impl Drop for Worker {
    /// `kill -9`, and waits for the process to be gone.
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The worker process: serves `register-and-activate-sim` to Restate until killed.
fn serve() -> Result<(), Box<dyn Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{WORKER} needs {name} set"));
    let addr: SocketAddr = var(WORKER_ADDR)?.parse()?;
    let client = Client::builder()
        .server("simApi", var(SANDBOX_URL)?)
        .api_key("api_key", var(API_KEY)?)
        .api_key("api_token", var(API_TOKEN)?)
        .correlation_header(CORRELATION_ID_HEADER)
        .build()?;
    let endpoint = sdk::endpoint::Endpoint::builder()
        .bind(restate::service::<RegisterAndActivateSimWorkflow>(&client)?)
        .build();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            restate::serve(endpoint, listener).await;
            Ok(())
        })
}

#[derive(Default)]
struct Counts {
    done: AtomicUsize,
    failed: AtomicUsize,
    in_flight: AtomicUsize,
    /// Why the first few failed runs failed.
    failures: std::sync::Mutex<Vec<String>>,
}

/// How many failure messages the tally prints.
const FAILURES_SHOWN: usize = 3;

impl Counts {
    fn fail(&self, why: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if failures.len() < FAILURES_SHOWN {
            failures.push(why);
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    if std::env::args().nth(1).as_deref() == Some(WORKER) {
        return serve();
    }
    let args = args()?;
    let main = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let sandbox = main.block_on(Sandbox::new().fleet(args.sims).start())?;
    let credentials = sandbox.issue_credentials();
    let restate = main.block_on(RestateServer::start());
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let mut worker = Some(Worker::start(addr, &sandbox, &credentials)?);
    main.block_on(restate.register(addr));
    println!(
        "{} SIMs, {} in flight, Restate ingress {}, worker {addr}",
        args.sims, args.in_flight, restate.ingress
    );

    let counts = Arc::new(Counts::default());
    let bar = ProgressBar::new(args.sims as u64);
    bar.set_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} done, {msg}, {per_sec} [{elapsed_precise}]",
    )?);
    let runs = main.spawn(onboard(
        restate.ingress(),
        args.sims,
        args.in_flight,
        Arc::clone(&counts),
    ));
    // The worker is killed once, when `--crash-at` runs are done.
    let mut crashed = false;
    while !runs.is_finished() {
        let done = counts.done.load(Ordering::Relaxed);
        bar.set_position(done as u64);
        bar.set_message(format!(
            "{} failed, {} in flight",
            counts.failed.load(Ordering::Relaxed),
            counts.in_flight.load(Ordering::Relaxed)
        ));
        if let Some(at) = args.crash_at
            && done >= at
            && !crashed
            && let Some(running) = worker.take()
        {
            crashed = true;
            running.kill();
            bar.suspend(|| println!("worker killed after {done} runs; a new one starts"));
            worker = Some(Worker::start(addr, &sandbox, &credentials)?);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    main.block_on(runs)?;
    bar.set_position(counts.done.load(Ordering::Relaxed) as u64);
    bar.finish_with_message(format!("{} failed", counts.failed.load(Ordering::Relaxed)));
    let balanced = tally(&sandbox, args.sims, &counts);
    // `exit` runs no destructors: stop the worker and the server first.
    drop(worker);
    drop(restate);
    if balanced {
        Ok(())
    } else {
        std::process::exit(1)
    }
}

/// Starts one durable run per fleet SIM, `in_flight` at a time, and counts the outcomes.
async fn onboard(
    ingress: arazzo_runtime::restate::Ingress,
    sims: usize,
    in_flight: usize,
    counts: Arc<Counts>,
) {
    let permits = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = tokio::task::JoinSet::new();
    for card in fixtures::fleet(sims) {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        let (ingress, counts) = (ingress.clone(), Arc::clone(&counts));
        tasks.spawn(async move {
            counts.in_flight.fetch_add(1, Ordering::Relaxed);
            let inputs = RegisterAndActivateSimInputs {
                sim_id: card.sim_id.into(),
                registration_secret: card.registration_secret.into(),
                group_id: GROUP_SENSORS.group_id.into(),
            };
            let outcome = ingress
                .run::<RegisterAndActivateSimWorkflow>(card.sim_id, &inputs)
                .await;
            counts.in_flight.fetch_sub(1, Ordering::Relaxed);
            match outcome {
                Ok(outputs) if outputs.status == SimStatus::Active => {
                    counts.done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(outputs) => counts.fail(format!("{}: status {:?}", card.sim_id, outputs.status)),
                Err(error) => counts.fail(format!("{}: {error}", card.sim_id)),
            }
            drop(permit);
        });
    }
    while tasks.join_next().await.is_some() {}
}

/// Checks the runs' outcomes against the sandbox's state and log; prints the tally. Right when
/// every run is done, every SIM is active in the group, and the sandbox acted on one
/// registration, activation and group change per SIM.
fn tally(sandbox: &SandboxHandle, sims: usize, counts: &Counts) -> bool {
    let requests = sandbox.requests();
    let acted = |card: &fixtures::SeededCard, step: &str| {
        let path = format!("/v1/sims/{}/{step}", card.sim_id);
        requests
            .iter()
            .filter(|r| r.method == "POST" && r.raw_path == path && !r.replayed)
            .count()
    };
    let fleet = fixtures::fleet(sims);
    let in_group = fleet
        .iter()
        .filter(|card| {
            sandbox.sim(card.sim_id).is_some_and(|sim| {
                sim["status"] == "active" && sim["groupId"] == GROUP_SENSORS.group_id
            })
        })
        .count();
    let twice = |step: &str| fleet.iter().filter(|c| acted(c, step) > 1).count();
    let (registered_twice, activated_twice, grouped_twice) =
        (twice("register"), twice("activate"), twice("set_group"));
    let replayed = requests.iter().filter(|r| r.replayed).count();
    let done = counts.done.load(Ordering::Relaxed);
    let failed = counts.failed.load(Ordering::Relaxed);
    println!(
        "tally: {done} runs done, {failed} failed; sandbox: {in_group} of {sims} SIMs active in `{}`, {registered_twice} registered twice, {activated_twice} activated twice, {grouped_twice} grouped twice; {} requests, {replayed} of them re-sent after the crash and answered from the sandbox's memory",
        GROUP_SENSORS.group_id,
        requests.len()
    );
    for why in counts
        .failures
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
    {
        println!("failed: {why}");
    }
    done == sims
        && failed == 0
        && in_group == sims
        && registered_twice + activated_twice + grouped_twice == 0
}
