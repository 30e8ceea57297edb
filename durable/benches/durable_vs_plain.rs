//! Durable runs against plain ones on the same sandbox (not a test: prints figures).
//!
//! ```text
//! cargo bench -p arazzo-durable --bench durable_vs_plain
//! ```
//!
//! `register-and-activate-sim` (four steps) on fresh fleet SIMs of one in-process sandbox, at 1,
//! 16 and 256 runs in flight: plain (the generated function called directly) and durable (the
//! same workflow through a Restate server's ingress and an in-process worker). Per step, the
//! difference of the two at 1 in flight is what journaling costs: the round trips of each
//! journaled exchange to the server.

#[path = "../tests/support/restate_server.rs"]
mod restate_server;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arazzo_durable::soracom_sim::{
    RegisterAndActivateSimInputs, RegisterAndActivateSimWorkflow, register_and_activate_sim,
};
use arazzo_runtime::Client;
use arazzo_runtime::restate::{self, Ingress};
use arazzo_sandbox::Sandbox;
use arazzo_sandbox::fixtures::{self, GROUP_SENSORS, SeededCard};
use restate_server::{RestateServer, free_port};

/// Steps of `register-and-activate-sim`.
const STEPS: f64 = 4.0;
/// (runs in flight, runs measured).
const LEVELS: [(usize, usize); 3] = [(1, 50), (16, 400), (256, 1_000)];

fn inputs(card: &SeededCard) -> RegisterAndActivateSimInputs {
    RegisterAndActivateSimInputs {
        sim_id: card.sim_id.into(),
        registration_secret: card.registration_secret.into(),
        group_id: GROUP_SENSORS.group_id.into(),
    }
}

/// Runs one workflow per card, `in_flight` at a time; how long all took.
async fn measure<F, Fut>(cards: &'static [SeededCard], in_flight: usize, run: F) -> Duration
where
    F: Fn(&'static SeededCard) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let run = Arc::new(run);
    let permits = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for card in cards {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        let run = Arc::clone(&run);
        tasks.spawn(async move {
            let ok = run(card).await;
            drop(permit);
            ok
        });
    }
    let mut failed = 0;
    while let Some(ok) = tasks.join_next().await {
        if !matches!(ok, Ok(true)) {
            failed += 1;
        }
    }
    assert_eq!(failed, 0, "every run succeeds");
    started.elapsed()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let total: usize = LEVELS.iter().map(|(_, runs)| 2 * runs).sum();
    let sandbox = Sandbox::new().fleet(total).start().await.expect("sandbox");
    let (api_key, token) = sandbox.issue_credentials();
    let client = Client::builder()
        .server("simApi", sandbox.base_url())
        .api_key("api_key", api_key)
        .api_key("api_token", token)
        .build()
        .expect("client");
    let restate = RestateServer::start().await;
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("worker port");
    let endpoint = arazzo_durable::endpoint(&client).expect("endpoint");
    tokio::spawn(restate::serve(endpoint, listener));
    restate.register(addr).await;
    let ingress = Ingress::new(&restate.ingress);

    println!(
        "| in flight | runs | plain runs/s | durable runs/s | plain per step | durable per step |"
    );
    println!("|---|---|---|---|---|---|");
    let mut cards = fixtures::fleet(total);
    for (in_flight, runs) in LEVELS {
        let (plain_cards, rest) = cards.split_at(runs);
        let (durable_cards, rest) = rest.split_at(runs);
        cards = rest;
        let plain_client = client.clone();
        let plain = measure(plain_cards, in_flight, move |card| {
            let client = plain_client.clone();
            async move {
                register_and_activate_sim(&client, inputs(card))
                    .await
                    .is_ok()
            }
        })
        .await;
        let durable_ingress = ingress.clone();
        let durable = measure(durable_cards, in_flight, move |card| {
            let ingress = durable_ingress.clone();
            async move {
                ingress
                    .run::<RegisterAndActivateSimWorkflow>(card.sim_id, &inputs(card))
                    .await
                    .is_ok()
            }
        })
        .await;
        let rate = |d: Duration| runs as f64 / d.as_secs_f64();
        // Per step of one run: wall time × in flight ÷ (runs × steps).
        let per_step =
            |d: Duration| d.as_secs_f64() * 1_000.0 * in_flight as f64 / (runs as f64 * STEPS);
        println!(
            "| {in_flight} | {runs} | {:.0} | {:.0} | {:.2} ms | {:.2} ms |",
            rate(plain),
            rate(durable),
            per_step(plain),
            per_step(durable),
        );
    }
}
