//! 10,000 runs of the seed workflow at concurrency 1, 16 and 256 against the in-process sandbox,
//! through the generated function and through the hand-written reqwest sequence: runs per
//! second, p50 and p99 latency of a run, peak RSS, and allocations per run (counted by this
//! binary's global allocator on the client's threads only, so the sandbox's are left out).
//!
//! ```text
//! cargo bench --bench throughput
//! ARAZZO_BENCH_RUNS=2000 cargo bench --bench throughput
//! ARAZZO_BENCH_CONCURRENCY=256 cargo bench --bench throughput
//! ARAZZO_BENCH_VERSION=generated valgrind --tool=callgrind target/release/deps/throughput-… --bench
//! ```
//!
//! The client runs on a two-worker tokio runtime, the sandboxes on a one-worker runtime of their
//! own. A run registers its SIM, which a sandbox allows once per card, so each chunk of a line
//! (a line's runs are made in four chunks, alternating between the two versions) starts
//! `chunk / 6` sandboxes before its clock starts, with one shared `reqwest::Client` (one pool)
//! holding a connection to each already; concurrent runs are spread over different sandboxes,
//! as concurrent users of one API would be over different SIMs. Runs per second are the
//! chunks' runs over the chunks' time; a chunk's last runs have fewer in flight than the
//! concurrency, which lowers the figure at 256 a little.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use arazzo_runtime::reqwest;
use arazzo_sandbox::fixtures::SeededCard;
use common::{CARDS, Sandboxes, Target, quantile};

#[global_allocator]
static ALLOCATOR: common::CountingAllocator = common::CountingAllocator;

const DEFAULT_RUNS: usize = 10_000;
const CONCURRENCY: [usize; 3] = [1, 16, 256];
/// How many alternating chunks a line's runs are made in.
const CHUNKS: usize = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    Generated,
    HandWritten,
}

impl Version {
    fn name(self) -> &'static str {
        match self {
            Self::Generated => "generated",
            Self::HandWritten => "hand-written",
        }
    }
}

/// One run's sandbox, workflow client and card.
struct Job {
    target: Arc<Target>,
    client: arazzo_runtime::Client,
    card: SeededCard,
}

/// Jobs ordered card-major (every sandbox's first card, then every sandbox's second, ...), so
/// that the runs in flight at any moment are on different sandboxes.
fn jobs(sandboxes: &Sandboxes, http: &reqwest::Client, runs: usize) -> Vec<Job> {
    let targets: Vec<(Arc<Target>, arazzo_runtime::Client)> = (0..runs.div_ceil(CARDS.len()))
        .map(|_| {
            let target = sandboxes.start();
            let client = common::workflow_client(&target, http);
            (Arc::new(target), client)
        })
        .collect();
    let mut jobs = Vec::with_capacity(runs);
    'fill: for card in CARDS {
        for (target, client) in &targets {
            if jobs.len() == runs {
                break 'fill;
            }
            jobs.push(Job {
                target: target.clone(),
                client: client.clone(),
                card,
            });
        }
    }
    jobs
}

/// A line of Linux's `/proc/self/status` in KiB: `VmHWM` (peak resident set), `VmRSS` (now).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// CPU time used so far by all of this process's threads (client, sandboxes, blocking pool), from
/// Linux's `/proc/self/task/*/schedstat`; `None` where that cannot be read. Under a loaded machine
/// a chunk's wall time swings, while the CPU time its runs cost, both sides of the exchange
/// included, stays comparable between the versions.
fn process_cpu() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// Starts a new peak-RSS measurement (Linux 4.0+); false where that is not possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// One version's runs of one line, over its chunks.
#[derive(Default)]
struct Total {
    elapsed: Duration,
    latencies: Vec<Duration>,
    allocations: u64,
    /// CPU time of the whole process over the chunks, when it could be read.
    cpu: Option<Duration>,
    peak_kib: u64,
    growth_kib: u64,
    rss_reset_failed: bool,
}

struct Outcome {
    elapsed: Duration,
    latencies: Vec<Duration>,
    allocations: u64,
}

async fn level(
    version: Version,
    jobs: Arc<Vec<Job>>,
    http: reqwest::Client,
    concurrency: usize,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let before = common::allocations();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (jobs, next, http) = (jobs.clone(), next.clone(), http.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else {
                        return latencies;
                    };
                    let run_started = Instant::now();
                    match version {
                        Version::Generated => common::generated(&job.client, &job.card).await,
                        Version::HandWritten => common::hand(&http, &job.target, &job.card).await,
                    }
                    latencies.push(run_started.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(jobs.len());
    for worker in workers {
        latencies.extend(worker.await.expect("worker finishes"));
    }
    let elapsed = started.elapsed();
    let allocations = common::allocations() - before;
    Outcome {
        elapsed,
        latencies,
        allocations,
    }
}

/// The concurrency levels to measure: `ARAZZO_BENCH_CONCURRENCY` (comma-separated), else all of
/// [`CONCURRENCY`].
fn concurrency_levels() -> Vec<usize> {
    std::env::var("ARAZZO_BENCH_CONCURRENCY")
        .ok()
        .map(|levels| {
            levels
                .split(',')
                .filter_map(|level| level.trim().parse().ok())
                .filter(|&level| level > 0)
                .collect::<Vec<usize>>()
        })
        .filter(|levels| !levels.is_empty())
        .unwrap_or_else(|| CONCURRENCY.to_vec())
}

/// The versions to run: the one `ARAZZO_BENCH_VERSION` names (`generated` or `hand-written`, to
/// profile one alone, e.g. counting its instructions), else both.
fn versions() -> Vec<Version> {
    let both = [Version::Generated, Version::HandWritten];
    match std::env::var("ARAZZO_BENCH_VERSION") {
        Ok(name) => both.into_iter().filter(|v| v.name() == name).collect(),
        Err(_) => both.to_vec(),
    }
}

/// The size of one run's future, generated and hand-written: what each of the runs in flight
/// keeps (and what is copied when it is moved into its task).
fn future_sizes(sandboxes: &Sandboxes) -> (usize, usize) {
    let target = sandboxes.start();
    let http = common::http_client();
    let client = common::workflow_client(&target, &http);
    let card = CARDS[0];
    let generated = common::generated(&client, &card);
    let hand = common::hand(&http, &target, &card);
    (size_of_val(&generated), size_of_val(&hand))
}

fn main() {
    if std::env::args().skip(1).any(|a| !a.starts_with('-')) {
        return;
    }
    let runs: usize = std::env::var("ARAZZO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RUNS);
    let sandboxes = Sandboxes::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("client")
        .on_thread_start(common::count_this_thread)
        .enable_all()
        .build()
        .expect("client runtime");
    common::count_this_thread();
    println!(
        "seed workflow (4 calls), {runs} runs per line, in-process sandbox, {} cores",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!(
        "{:<13} {:>11} {:>10} {:>10} {:>10} {:>14} {:>20} {:>16}",
        "version",
        "concurrency",
        "runs/s",
        "p50 µs",
        "p99 µs",
        "CPU µs/run",
        "peak RSS MiB (+run)",
        "allocations/run"
    );
    let versions = versions();
    let chunk = runs.div_ceil(CHUNKS);
    for concurrency in concurrency_levels() {
        let mut totals = [Total::default(), Total::default()];
        // An untimed level of each version at this concurrency first: the first timed chunk
        // would otherwise also pay for the process's growth to this many runs in flight (page
        // faults, allocator growth, thread starts), and that chunk is always the generated one's.
        for version in [Version::Generated, Version::HandWritten] {
            if !versions.contains(&version) {
                continue;
            }
            let http = common::http_client();
            let warm_up = (runs / 10).max(CARDS.len());
            let jobs = Arc::new(jobs(&sandboxes, &http, warm_up));
            runtime.block_on(level(version, jobs, http, concurrency));
        }
        // The runs of a line are made in chunks, the two versions' chunks alternating (and which
        // goes first alternating too), so that both see the same moments of a noisy machine.
        for c in 0..CHUNKS {
            let size = chunk.min(runs - c * chunk);
            let order = if c % 2 == 0 { [0, 1] } else { [1, 0] };
            for v in order {
                let version = [Version::Generated, Version::HandWritten][v];
                if !versions.contains(&version) {
                    continue;
                }
                let http = common::http_client();
                let jobs = Arc::new(jobs(&sandboxes, &http, size));
                runtime.block_on(async {
                    // Card-major order: the first jobs are one per sandbox.
                    for job in jobs.iter().take(size.div_ceil(CARDS.len())) {
                        common::warm(&http, &job.target).await;
                    }
                });
                let rss_reset = reset_peak_rss();
                let before = status_kib("VmRSS");
                let cpu_before = process_cpu();
                let outcome = runtime.block_on(level(version, jobs.clone(), http, concurrency));
                let total = &mut totals[v];
                if let (Some(peak), Some(before)) = (status_kib("VmHWM"), before) {
                    total.peak_kib = total.peak_kib.max(peak);
                    total.growth_kib = total.growth_kib.max(peak.saturating_sub(before));
                }
                total.rss_reset_failed |= !rss_reset;
                let cpu = process_cpu()
                    .zip(cpu_before)
                    .map(|(after, before)| after.saturating_sub(before));
                total.cpu = if c == 0 {
                    cpu
                } else {
                    total.cpu.zip(cpu).map(|(sum, chunk)| sum + chunk)
                };
                total.elapsed += outcome.elapsed;
                total.allocations += outcome.allocations;
                total.latencies.extend(outcome.latencies);
                // This chunk's sandboxes stop here, before the next chunk starts its own.
                drop(jobs);
            }
        }
        for (v, total) in totals.iter_mut().enumerate() {
            if total.latencies.is_empty() {
                continue;
            }
            total.latencies.sort();
            let runs_done = total.latencies.len() as f64;
            println!(
                "{:<13} {:>11} {:>10.0} {:>10.0} {:>10.0} {:>14} {:>20} {:>16.1}",
                [Version::Generated, Version::HandWritten][v].name(),
                concurrency,
                runs_done / total.elapsed.as_secs_f64(),
                common::us(quantile(&total.latencies, 0.5)),
                common::us(quantile(&total.latencies, 0.99)),
                total.cpu.map_or_else(
                    || "-".to_owned(),
                    |cpu| format!("{:.1}", common::us(cpu) / runs_done)
                ),
                format!(
                    "{:.1} (+{:.1}){}",
                    mib(total.peak_kib),
                    mib(total.growth_kib),
                    if total.rss_reset_failed { "*" } else { "" }
                ),
                total.allocations as f64 / runs_done,
            );
        }
    }
    println!(
        "peak RSS: the whole process, its {} sandboxes and their state included (+: the largest growth over the RSS before a chunk's runs; * = peak since start)",
        chunk.div_ceil(CARDS.len())
    );
    println!(
        "CPU µs/run: CPU time of all the process's threads, client and sandboxes, over the runs"
    );
    let (generated, hand) = future_sizes(&sandboxes);
    println!("the future of one run: generated {generated} bytes, hand-written {hand} bytes");
}
