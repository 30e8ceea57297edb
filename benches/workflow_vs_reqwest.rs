//! The seed workflow (`register-and-activate-sim`) through the generated function and through a
//! hand-written reqwest sequence making the same four calls, against the same in-process sandbox,
//! interleaved in one run so that both see the same machine. Prints the median, p10 and p90 of a
//! run, the ratio of the medians, and the allocations per run of each.
//!
//! ```text
//! cargo bench --bench workflow_vs_reqwest
//! ARAZZO_BENCH_RUNS=20000 cargo bench --bench workflow_vs_reqwest
//! ```
//!
//! Both share one `reqwest::Client` (one connection pool, the same transport settings) and
//! run on one current-thread runtime; the sandbox runs on its own thread. Every sandbox serves
//! six runs (see `common`), three of each version, in alternating order.

mod common;

use std::time::{Duration, Instant};

use common::{CARDS, Sandboxes, quantile, us};

#[global_allocator]
static ALLOCATOR: common::CountingAllocator = common::CountingAllocator;

/// Runs of each version timed (after as many untimed warm-up runs as one tenth of it).
const DEFAULT_RUNS: usize = 6_000;

#[derive(Default)]
struct Samples {
    times: Vec<Duration>,
    allocations: u64,
}

impl Samples {
    fn report(&mut self, name: &str) -> Duration {
        self.times.sort();
        let median = quantile(&self.times, 0.5);
        println!(
            "{name:<13} median {:>7.1} µs  p10 {:>7.1} µs  p90 {:>7.1} µs  {:>6.1} allocations/run  ({} runs)",
            us(median),
            us(quantile(&self.times, 0.1)),
            us(quantile(&self.times, 0.9)),
            self.allocations as f64 / self.times.len() as f64,
            self.times.len(),
        );
        median
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument means "not this bench".
    if std::env::args().skip(1).any(|a| !a.starts_with('-')) {
        return;
    }
    let runs: usize = std::env::var("ARAZZO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RUNS);
    let sandboxes = Sandboxes::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    common::count_this_thread();

    let mut generated = Samples::default();
    let mut hand = Samples::default();
    // Each round runs three of each version; the first tenth of the rounds only warms up.
    let rounds = runs.div_ceil(CARDS.len() / 2);
    let warm_up = rounds / 10;
    let http = common::http_client();
    for round in 0..warm_up + rounds {
        let target = sandboxes.start();
        let client = common::workflow_client(&target, &http);
        runtime.block_on(common::warm(&http, &target));
        for (i, card) in CARDS.iter().enumerate() {
            // Alternate which version goes first, card by card and round by round.
            let generated_turn = (i + round) % 2 == 0;
            let before = common::allocations();
            let started = Instant::now();
            if generated_turn {
                runtime.block_on(common::generated(&client, card));
            } else {
                runtime.block_on(common::hand(&http, &target, card));
            }
            let elapsed = started.elapsed();
            let allocated = common::allocations() - before;
            if round >= warm_up {
                let samples = if generated_turn {
                    &mut generated
                } else {
                    &mut hand
                };
                samples.times.push(elapsed);
                samples.allocations += allocated;
            }
        }
    }

    println!(
        "seed workflow (4 calls) against the in-process sandbox, {} cores",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let generated_median = generated.report("generated");
    let hand_median = hand.report("hand-written");
    println!(
        "ratio of medians (generated / hand-written): {:.3}",
        generated_median.as_secs_f64() / hand_median.as_secs_f64()
    );
}
