//! The big load run: many `group-round-trip` runs at once against one in-process sandbox that
//! injects faults (503 / 429 with `Retry-After`, slow answers, dropped connections, truncated
//! bodies), then the books: every run ended with outputs or a typed error, none hung or
//! panicked, and the client's exchanges match the sandbox's log and state. Prints the figures
//! and exits non-zero when the books do not balance.
//!
//! ```text
//! cargo bench --bench load
//! ARAZZO_LOAD_RUNS=20000 ARAZZO_LOAD_CONCURRENCY=512 cargo bench --bench load
//! ```
//!
//! `Retry-After: 1` is honoured in full here (the cap is 2 s), so runs that meet a 503 or 429
//! take a second longer.

#[path = "../tests/load_harness/mod.rs"]
mod load_harness;

use std::process::ExitCode;
use std::time::Duration;

use load_harness::{Plan, describe_mix, run};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> ExitCode {
    let plan = Plan {
        runs: setting("ARAZZO_LOAD_RUNS", 5_000),
        concurrency: setting("ARAZZO_LOAD_CONCURRENCY", 256).max(1),
        slow: Duration::from_millis(200),
        max_retry_wait: Duration::from_secs(2),
        workflow_timeout: Duration::from_secs(60),
        deadline: Duration::from_secs(600),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("fault mix:");
    for line in describe_mix(plan.slow) {
        println!("  {line}");
    }
    let report = runtime.block_on(run(&plan));
    println!("{}", report.render());
    let expected = ["ok", "Transport", "Decode", "RetriesExhausted"];
    let unexpected: Vec<&String> = report
        .outcomes
        .keys()
        .filter(|k| !expected.contains(&k.as_str()))
        .collect();
    if report.panicked > 0
        || report.hung > 0
        || !report.untyped.is_empty()
        || !report.mismatches.is_empty()
        || !unexpected.is_empty()
        || report.outcomes.values().sum::<usize>() != plan.runs
    {
        eprintln!(
            "the books do not balance: {:?} {unexpected:?}",
            report.untyped
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
