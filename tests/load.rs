//! A small load run: 200 `group-round-trip` runs, 32 at a time, against one sandbox injecting
//! 503 / 429 with `Retry-After`, slow answers, dropped connections and truncated bodies. Every
//! run ends with its outputs or a typed error, none hangs or panics, and the client's books
//! match the sandbox's request log and state. The big run is `cargo bench --bench load`.

mod load_harness;

use std::time::Duration;

use load_harness::{Plan, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_runs_with_faults_all_end_typed_and_the_books_balance() {
    let plan = Plan {
        runs: 200,
        concurrency: 32,
        slow: Duration::from_millis(100),
        // Retry-After asks for 1 s; the cap keeps the test quick and is itself under test.
        max_retry_wait: Duration::from_millis(200),
        workflow_timeout: Duration::from_secs(30),
        deadline: Duration::from_secs(60),
    };
    let report = run(&plan).await;
    println!("{}", report.render());

    assert_eq!(report.panicked, 0, "{}", report.render());
    assert_eq!(report.hung, 0, "{}", report.render());
    assert!(report.untyped.is_empty(), "{:?}", report.untyped);
    assert!(report.mismatches.is_empty(), "{}", report.render());
    assert_eq!(
        report.outcomes.values().sum::<usize>(),
        plan.runs,
        "every run ended with outputs or an error"
    );
    // The faults really happened, and some runs still succeeded thanks to the retries.
    for fault in [
        "drop",
        "status 503",
        "status 429",
        "truncate",
        "delay 100ms",
    ] {
        assert!(
            report.faults.get(fault).copied().unwrap_or(0) > 0,
            "no `{fault}` injected: {}",
            report.render()
        );
    }
    assert!(report.outcomes.get("ok").copied().unwrap_or(0) > plan.runs / 2);
    for kind in report.outcomes.keys() {
        assert!(
            ["ok", "Transport", "Decode", "RetriesExhausted"].contains(&kind.as_str()),
            "unexpected outcome `{kind}`: {}",
            report.render()
        );
    }
}
