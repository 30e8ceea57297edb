//! Many `group-round-trip` runs at once against one sandbox that injects faults, and the books
//! kept on both sides: shared by the small load test (`tests/load.rs`) and the load bench
//! (`benches/load.rs`).
//!
//! Every run must end with its outputs or a typed error naming its step; none may hang or panic;
//! the exchanges the client reports (step events) must be exactly the requests the sandbox
//! logged, status for status (a dropped connection is "no status" on one side and 0 on the
//! other); and the groups the sandbox holds at the end must be those the clients saw created
//! and not deleted.

// Shared by a test and a bench, each of which uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arazzo_runtime::{Client, Error, reqwest};
use arazzo_sandbox::{Fault, FaultRule, Sandbox, SandboxHandle, fixtures};

mod fixture {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/reliability/reliability.arazzo.yaml");
}

use fixture::{GroupRoundTripInputs, group_round_trip};

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Workflow runs in total.
    pub runs: usize,
    /// Runs in flight at once.
    pub concurrency: usize,
    /// The delay of a slow read.
    pub slow: Duration,
    /// The client's cap on a `Retry-After` wait.
    pub max_retry_wait: Duration,
    /// Each run's limit (a run that reaches it counts as hung).
    pub workflow_timeout: Duration,
    /// The limit on the whole load; runs still going then count as hung.
    pub deadline: Duration,
}

/// One fault of the mix: which requests it hits and what they get.
struct Injected {
    method: &'static str,
    path: &'static str,
    every: u64,
    fault: Fault,
}

/// The fault mix, rarest first so that a request two rules select gets the rarer fault. Creations
/// are retried only on 503 / 429 (the server did not process them), reads and deletions on any
/// failure; a dropped creation and a truncated read therefore end their run with an error.
fn mix(slow: Duration) -> Vec<Injected> {
    let groups = "/v1/groups";
    let group = "/v1/groups/*";
    vec![
        Injected {
            method: "POST",
            path: groups,
            every: 50,
            fault: Fault::Drop,
        },
        Injected {
            method: "POST",
            path: groups,
            every: 25,
            fault: Fault::too_many_requests(1),
        },
        Injected {
            method: "POST",
            path: groups,
            every: 10,
            fault: Fault::unavailable(1),
        },
        Injected {
            method: "GET",
            path: group,
            every: 60,
            fault: Fault::Truncate,
        },
        Injected {
            method: "GET",
            path: group,
            every: 15,
            fault: Fault::Drop,
        },
        Injected {
            method: "GET",
            path: group,
            every: 7,
            fault: Fault::Delay(slow),
        },
        Injected {
            method: "DELETE",
            path: group,
            every: 40,
            fault: Fault::Drop,
        },
        Injected {
            method: "DELETE",
            path: group,
            every: 20,
            fault: Fault::unavailable(1),
        },
    ]
}

/// How the fault mix reads in a report.
pub fn describe_mix(slow: Duration) -> Vec<String> {
    mix(slow)
        .iter()
        .map(|i| {
            let what = match &i.fault {
                Fault::Drop => "dropped connection".to_owned(),
                Fault::Truncate => "truncated body".to_owned(),
                Fault::Delay(d) => format!("{} ms late", d.as_millis()),
                Fault::Status {
                    status,
                    retry_after: Some(after),
                } => format!("{status} + Retry-After: {after}"),
                other => format!("{other:?}"),
            };
            format!("every {}th {} {}: {what}", i.every, i.method, i.path)
        })
        .collect()
}

/// What happened.
#[derive(Debug, Default)]
pub struct Report {
    pub runs: usize,
    pub concurrency: usize,
    pub elapsed: Duration,
    /// `ok`, or the error variant, with how many runs ended so.
    pub outcomes: BTreeMap<String, usize>,
    /// Runs that panicked.
    pub panicked: usize,
    /// Runs that hit their workflow timeout or were still going at the deadline.
    pub hung: usize,
    /// Runs whose error did not name the workflow and a step, or whose outputs were wrong.
    pub untyped: Vec<String>,
    /// Requests the client reported (step events).
    pub client_requests: usize,
    /// Requests the sandbox logged.
    pub server_requests: usize,
    /// The sandbox's log, by fault label.
    pub faults: BTreeMap<String, usize>,
    /// Disagreements between the client's books and the sandbox's.
    pub mismatches: Vec<String>,
    /// Linux `VmHWM` of the process (client and sandbox), KiB.
    pub peak_rss_kib: Option<u64>,
}

impl Report {
    /// A Markdown-ish summary for the terminal.
    pub fn render(&self) -> String {
        let outcomes: Vec<String> = self
            .outcomes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let faults: Vec<String> = self
            .faults
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        format!(
            "runs {} at concurrency {} in {:.2} s ({:.0} runs/s)\n\
             outcomes: {}\n\
             panicked {}, hung {}, untyped {}\n\
             requests: client {} / sandbox {}; faults injected: {}\n\
             books: {}\n\
             peak RSS: {}",
            self.runs,
            self.concurrency,
            self.elapsed.as_secs_f64(),
            self.runs as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON),
            outcomes.join(", "),
            self.panicked,
            self.hung,
            self.untyped.len(),
            self.client_requests,
            self.server_requests,
            faults.join(", "),
            if self.mismatches.is_empty() {
                "balanced".to_owned()
            } else {
                self.mismatches.join("; ")
            },
            self.peak_rss_kib.map_or("unknown".to_owned(), |k| format!(
                "{:.1} MiB",
                k as f64 / 1024.0
            )),
        )
    }
}

/// One exchange as `(method, path, status)`, status 0 for "no response".
type Exchange = (String, String, u16);

/// Runs `plan` in the current tokio runtime and balances the books.
pub async fn run(plan: &Plan) -> Report {
    let sandbox = mix(plan.slow)
        .into_iter()
        .fold(Sandbox::new(), |sandbox, i| {
            sandbox.fault(
                FaultRule::new(i.fault)
                    .method(i.method)
                    .path(i.path)
                    .every(i.every),
            )
        })
        .start()
        .await
        .expect("sandbox");
    let (key, token) = sandbox.issue_credentials();
    let exchanges: Arc<Mutex<Vec<Exchange>>> = Arc::default();
    let sink = exchanges.clone();
    let client = Client::builder()
        .server("sandbox", sandbox.base_url())
        .api_key("api_key", key.clone())
        .api_key("api_token", token.clone())
        .max_retry_wait(plan.max_retry_wait)
        .workflow_timeout(plan.workflow_timeout)
        .on_step(move |e| {
            sink.lock().unwrap_or_else(|e| e.into_inner()).push((
                e.method.to_owned(),
                e.path.clone(),
                e.status.unwrap_or(0),
            ))
        })
        .build()
        .expect("client");

    let started = Instant::now();
    // At most `concurrency` runs exist at once, each spawned as another ends: memory then
    // measures the runs in flight, not the length of the queue.
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0..plan.runs;
    let spawn = |tasks: &mut tokio::task::JoinSet<_>, i: usize| {
        let client = client.clone();
        tasks.spawn(async move {
            let name = format!("load-{i}");
            let inputs = GroupRoundTripInputs { name: name.clone() };
            (name, group_round_trip(&client, inputs).await)
        });
    };
    for i in next.by_ref().take(plan.concurrency) {
        spawn(&mut tasks, i);
    }

    let mut report = Report {
        runs: plan.runs,
        concurrency: plan.concurrency,
        ..Report::default()
    };
    let mut finished = Vec::new();
    let deadline = tokio::time::sleep(plan.deadline);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            joined = tasks.join_next() => {
                match joined {
                    None => break,
                    Some(Ok(run)) => finished.push(run),
                    Some(Err(error)) if error.is_panic() => report.panicked += 1,
                    Some(Err(_)) => report.hung += 1,
                }
                if let Some(i) = next.next() {
                    spawn(&mut tasks, i);
                }
            }
            () = &mut deadline => {
                report.hung += tasks.len() + next.len();
                tasks.abort_all();
                break;
            }
        }
    }
    report.elapsed = started.elapsed();
    // Runs aborted at the deadline may still be reporting: let them go first.
    while tasks.join_next().await.is_some() {}

    for (name, outcome) in finished {
        let kind = match &outcome {
            Ok(out) => {
                if out.name != name {
                    report
                        .untyped
                        .push(format!("{name}: read back {:?}", out.name));
                }
                if sandbox.group(&out.group_id).is_some() {
                    report
                        .mismatches
                        .push(format!("{name}: group {} was not deleted", out.group_id));
                }
                "ok".to_owned()
            }
            Err(Error::WorkflowTimedOut { .. }) => {
                report.hung += 1;
                "WorkflowTimedOut".to_owned()
            }
            Err(error) => {
                if error.context().map(|c| c.workflow) != Some("group-round-trip") {
                    report.untyped.push(format!("{name}: {error}"));
                }
                variant(error)
            }
        };
        *report.outcomes.entry(kind).or_default() += 1;
    }

    balance(&mut report, &sandbox, &exchanges, (&key, &token)).await;
    report.peak_rss_kib = peak_rss_kib();
    sandbox.shutdown().await;
    report
}

/// The error's variant name, e.g. `Transport`.
fn variant(error: &Error) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn balance(
    report: &mut Report,
    sandbox: &SandboxHandle,
    exchanges: &Mutex<Vec<Exchange>>,
    (key, token): (&str, &str),
) {
    let mut client: Vec<Exchange> = exchanges.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let log = sandbox.take_requests();
    for entry in &log {
        if let Some(fault) = &entry.fault {
            // "delay 40ms" and "status 503" group by kind and status.
            *report.faults.entry(fault.clone()).or_default() += 1;
        }
    }
    let mut server: Vec<Exchange> = log
        .into_iter()
        .map(|r| (r.method, r.raw_path, r.status))
        .collect();
    report.client_requests = client.len();
    report.server_requests = server.len();
    client.sort();
    server.sort();
    if client != server {
        let only_client: Vec<&Exchange> = client.iter().filter(|e| !server.contains(e)).collect();
        let only_server: Vec<&Exchange> = server.iter().filter(|e| !client.contains(e)).collect();
        report.mismatches.push(format!(
            "the client reported {} exchanges, the sandbox logged {}; only the client: {:?}; only the sandbox: {:?}",
            client.len(),
            server.len(),
            only_client.iter().take(5).collect::<Vec<_>>(),
            only_server.iter().take(5).collect::<Vec<_>>()
        ));
    }

    // The sandbox's state: the groups it holds now are the seeded ones plus those the clients
    // saw created (201) and not deleted (204).
    let created = client
        .iter()
        .filter(|(m, _, s)| m == "POST" && *s == 201)
        .count();
    let deleted = client
        .iter()
        .filter(|(m, _, s)| m == "DELETE" && *s == 204)
        .count();
    let seeded = [fixtures::GROUP_SENSORS, fixtures::GROUP_TRACKERS].len();
    match list_groups(sandbox, key, token).await {
        Some(held) if held == seeded + created - deleted => {}
        Some(held) => report.mismatches.push(format!(
            "the sandbox holds {held} groups; {seeded} seeded + {created} created - {deleted} deleted"
        )),
        None => report
            .mismatches
            .push("the sandbox's group list could not be read".to_owned()),
    }
}

/// How many groups the sandbox holds, by its own API.
async fn list_groups(sandbox: &SandboxHandle, key: &str, token: &str) -> Option<usize> {
    let response = reqwest::Client::new()
        .get(format!("{}/groups", sandbox.base_url()))
        .header("X-Soracom-API-Key", key)
        .header("X-Soracom-Token", token)
        .send()
        .await
        .ok()?;
    let body = response.bytes().await.ok()?;
    let groups: serde_json::Value = serde_json::from_slice(&body).ok()?;
    groups.as_array().map(Vec::len)
}

/// Linux's peak resident set size of this process (`VmHWM`), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
