//! Retry, goto, end, nested workflows, `dependsOn`, components and request bodies, run over real
//! HTTP against a small jobs server whose answers each test chooses through the job's kind.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arazzo_runtime::{Client, Error};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

mod jobs {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/flow/jobs.arazzo.yaml");
}

use jobs::*;

mod orchestrate {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/flow/orchestrate.arazzo.yaml");
}

/// What the server received: `(method and path, X-Request-Id, body)`.
type Log = Vec<(String, Option<String>, String)>;

#[derive(Default)]
struct Jobs {
    log: Log,
    kinds: HashMap<String, String>,
    polls: HashMap<String, u32>,
}

type Shared = Arc<Mutex<Jobs>>;

/// Polls a `quick` job answers `Pending` to before it is `Done`.
const QUICK_PENDING_POLLS: u32 = 2;

fn record(jobs: &Shared, what: String, headers: &HeaderMap, body: String) {
    let id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    jobs.lock().expect("lock").log.push((what, id, body));
}

async fn create(State(jobs): State<Shared>, headers: HeaderMap, body: String) -> Response {
    record(&jobs, "POST /jobs".into(), &headers, body.clone());
    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let kind = request["kind"].as_str().unwrap_or("quick").to_owned();
    let mut state = jobs.lock().expect("lock");
    let id = format!("job-{}", state.kinds.len() + 1);
    state.kinds.insert(id.clone(), kind.clone());
    let job = json!({"id": id, "status": "Pending", "kind": kind, "result": null});
    (StatusCode::CREATED, axum::Json(job)).into_response()
}

/// Jobs the tests did not create are named for how they behave: `urgent-…` is pending and
/// urgent, `done-…` is done, anything else is pending.
async fn read(State(jobs): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    record(&jobs, format!("GET /jobs/{id}"), &headers, String::new());
    let mut state = jobs.lock().expect("lock");
    let polls = {
        let polls = state.polls.entry(id.clone()).or_default();
        *polls += 1;
        *polls
    };
    let kind = state.kinds.get(&id).cloned();
    let (status, kind, result) = match kind.as_deref() {
        Some("quick") if polls > QUICK_PENDING_POLLS => ("Done", "quick", json!(42)),
        Some("quick") => ("Pending", "quick", Value::Null),
        Some("failing") => ("Failed", "failing", Value::Null),
        Some(busy @ ("busy" | "very-busy")) if polls == 1 => {
            let mut response = (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(json!({"message": "busy"})),
            )
                .into_response();
            let retry_after = if busy == "very-busy" { "30" } else { "1" };
            response
                .headers_mut()
                .insert("retry-after", retry_after.parse().expect("header"));
            return response;
        }
        Some(busy @ ("busy" | "very-busy")) => ("Done", busy, json!(7)),
        Some(_) => ("Pending", "never", Value::Null),
        None if id.starts_with("urgent") => ("Pending", "urgent", Value::Null),
        None if id.starts_with("done") => ("Done", "routine", Value::Null),
        None => ("Pending", "routine", Value::Null),
    };
    axum::Json(json!({"id": id, "status": status, "kind": kind, "result": result})).into_response()
}

async fn cancel(
    State(jobs): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    record(
        &jobs,
        format!("POST /jobs/{id}/cancel"),
        &headers,
        String::new(),
    );
    axum::Json(json!({"id": id, "status": "Failed", "kind": "cancelled"})).into_response()
}

async fn form(State(jobs): State<Shared>, headers: HeaderMap, body: String) -> Response {
    record(&jobs, "POST /forms".into(), &headers, body.clone());
    let fields: HashMap<String, String> = form_pairs(&body);
    axum::Json(json!(fields)).into_response()
}

fn form_pairs(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

struct Server {
    base_url: String,
    jobs: Shared,
}

impl Server {
    async fn start() -> Self {
        let jobs = Shared::default();
        let app = Router::new()
            .route("/api/jobs", post(create))
            .route("/api/jobs/{id}", get(read))
            .route("/api/jobs/{id}/cancel", post(cancel))
            .route("/api/forms", post(form))
            .with_state(jobs.clone());
        let addr = support::serve(app).await;
        Self {
            base_url: format!("http://{addr}/api"),
            jobs,
        }
    }

    fn client(&self) -> Client {
        self.builder().build().expect("client")
    }

    fn builder(&self) -> arazzo_runtime::ClientBuilder {
        Client::builder()
            .server("jobs", &self.base_url)
            .bearer("token", "test-token")
    }

    fn log(&self) -> Log {
        self.jobs.lock().expect("lock").log.clone()
    }

    fn count(&self, prefix: &str) -> usize {
        self.log()
            .iter()
            .filter(|(w, _, _)| w.starts_with(prefix))
            .count()
    }
}

fn job(kind: &str) -> RunJobInputs {
    RunJobInputs {
        kind: kind.into(),
        request_id: Some(format!("req-{kind}")),
    }
}

#[tokio::test]
async fn retry_polls_until_the_job_is_done() {
    let server = Server::start().await;
    let out = run_job(&server.client(), job("quick"))
        .await
        .expect("the job completes");
    assert_eq!(out.job_id, "job-1");
    assert_eq!(out.status, JobStatus::Done);
    assert_eq!(out.result, Some(42));
    // One creation, two pending polls retried, the poll that saw it done.
    assert_eq!(server.count("POST /jobs"), 1);
    assert_eq!(server.count("GET /jobs/job-1"), 3);
    // The reusable parameter carried the input's value; the replacement rewrote the payload.
    let log = server.log();
    assert!(
        log.iter()
            .all(|(_, id, _)| id.as_deref() == Some("req-quick"))
    );
    let body: Value = serde_json::from_str(&log[0].2).expect("json body");
    assert_eq!(body, json!({"kind": "quick", "owner": "team-quick"}));
}

#[tokio::test]
async fn a_retry_stops_at_its_limit_with_an_error_that_says_so() {
    let server = Server::start().await;
    let error = run_job(&server.client(), job("never"))
        .await
        .expect_err("the job never completes");
    match &error {
        Error::RetriesExhausted {
            action, retries, ..
        } => {
            assert_eq!(*action, "waitWhilePending");
            assert_eq!(*retries, 5);
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    assert_eq!(error.context().map(|c| c.step), Some("poll"));
    // The first attempt and exactly `retryLimit` retries.
    assert_eq!(server.count("GET /jobs/job-1"), 6);
    let message = error.to_string();
    assert!(message.contains("after 5 retries"), "{message}");
}

#[tokio::test]
async fn a_workflow_failure_action_from_components_ends_the_run() {
    let server = Server::start().await;
    let error = run_job(&server.client(), job("failing"))
        .await
        .expect_err("the job fails");
    match &error {
        Error::EndedByAction {
            action, criterion, ..
        } => {
            assert_eq!(*action, "stopOnFailedJob");
            assert!(criterion.contains("'Done'"));
        }
        other => panic!("expected EndedByAction, got {other:?}"),
    }
    assert_eq!(
        server.count("GET /jobs/job-1"),
        1,
        "no retry for a failed job"
    );
}

#[tokio::test]
async fn retry_after_from_the_server_is_honoured_and_capped() {
    let server = Server::start().await;
    let started = Instant::now();
    let out = run_job(&server.client(), job("busy"))
        .await
        .expect("done after one 503");
    assert_eq!(out.result, Some(7));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}, Retry-After said 1 s",
        started.elapsed()
    );
    assert_eq!(server.count("GET /jobs/job-1"), 2);

    // A client's maximum wait caps a server that asks for too much.
    let capped = server
        .builder()
        .max_retry_wait(Duration::from_millis(20))
        .build()
        .expect("client");
    // The server asks for 30 s; a bound this far below it holds on any loaded machine.
    let started = Instant::now();
    run_job(&capped, job("very-busy")).await.expect("done");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the cap did not apply: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn goto_and_end_choose_the_path_and_outputs_say_what_ran() {
    let server = Server::start().await;
    let client = server.client();

    let urgent = triage(
        &client,
        TriageInputs {
            job_id: "urgent-1".into(),
        },
    )
    .await
    .expect("urgent path; a criterion reading the skipped recheck fails instead of erring");
    assert_eq!(urgent.kind, "urgent");
    assert_eq!(urgent.rechecked_status, None, "goto skipped recheck");
    assert_eq!(urgent.cancelled_status, Some(JobStatus::Failed));

    let done = triage(
        &client,
        TriageInputs {
            job_id: "done-1".into(),
        },
    )
    .await
    .expect("done path");
    assert_eq!(
        done.rechecked_status, None,
        "the jsonpath end stopped at once"
    );
    assert_eq!(done.cancelled_status, None);

    let routine = triage(
        &client,
        TriageInputs {
            job_id: "slow-1".into(),
        },
    )
    .await
    .expect("routine path");
    assert_eq!(routine.rechecked_status, Some(JobStatus::Pending));
    assert_eq!(routine.cancelled_status, None, "recheck ended the workflow");
    assert_eq!(server.count("POST /jobs/slow-1/cancel"), 0);
    assert_eq!(server.count("POST /jobs/urgent-1/cancel"), 1);
}

#[tokio::test]
async fn the_step_budget_stops_a_goto_cycle() {
    let server = Server::start().await;
    let client = server
        .builder()
        .max_step_executions(5)
        .build()
        .expect("client");
    let error = spin(&client, SpinInputs { job_id: "x".into() })
        .await
        .expect_err("the budget stops it");
    assert!(
        matches!(
            error,
            Error::StepBudgetExhausted {
                step: "again",
                budget: 5,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.count("GET /jobs/x"), 5);
}

#[tokio::test]
async fn a_step_calls_a_workflow_and_gets_its_outputs_typed() {
    let server = Server::start().await;
    let out = run_and_cancel(
        &server.client(),
        RunAndCancelInputs {
            kind: "quick".into(),
        },
    )
    .await
    .expect("nested run");
    let job_id: String = out.job_id;
    let result: Option<i64> = out.result;
    assert_eq!(job_id, "job-1");
    assert_eq!(result, Some(42));
    assert_eq!(out.cancelled, JobStatus::Failed);
    // `$outputs.jobId#` (an Arazzo 1.1 pointer after a called workflow's output).
    assert_eq!(out.job_id_as_json, json!("job-1"));
    let log = server.log();
    assert_eq!(log[0].1.as_deref(), Some("nested-quick"));
    assert_eq!(
        log.last().map(|l| l.0.as_str()),
        Some("POST /jobs/job-1/cancel")
    );
}

#[tokio::test]
async fn a_step_calls_a_workflow_of_another_arazzo_document() {
    let server = Server::start().await;
    let out = orchestrate::run_then_read(
        &server.client(),
        orchestrate::RunThenReadInputs {
            kind: "quick".into(),
        },
    )
    .await
    .expect("run across documents");
    assert_eq!(out.job_id, "job-1");
    // One type per schema, imported documents included: the imported workflow's `status` and
    // this document's own read of the same description's `Job.status` are one `JobStatus`.
    fn shared(status: orchestrate::JobStatus) -> orchestrate::JobStatus {
        status
    }
    assert_eq!(shared(out.status), orchestrate::JobStatus::Done);
    assert_eq!(shared(out.read_status), orchestrate::JobStatus::Done);
    assert_eq!(out.kind, "quick");
    let log = server.log();
    assert_eq!(log[0].0, "POST /jobs");
    assert_eq!(log[0].1.as_deref(), Some("imported"));
    assert_eq!(log.last().map(|l| l.0.as_str()), Some("GET /jobs/job-1"));
}

#[tokio::test]
async fn depends_on_runs_first_and_its_outputs_are_readable() {
    let server = Server::start().await;
    let out = report(
        &server.client(),
        ReportInputs {
            kind: "quick".into(),
            request_id: None,
        },
    )
    .await
    .expect("report");
    assert_eq!(out.job_id, "job-1");
    assert_eq!(out.status, JobStatus::Done);
    assert_eq!(out.job_id_as_json, json!("job-1"));
    // run-job's poll loop, then report's own read.
    assert_eq!(server.count("GET /jobs/job-1"), 4);
    // No request id input: the header is left out rather than sent empty.
    assert!(server.log().iter().all(|(_, id, _)| id.is_none()));
}

#[tokio::test]
async fn a_form_body_is_encoded_from_the_payload() {
    let server = Server::start().await;
    let out = submit_form(
        &server.client(),
        SubmitFormInputs {
            name: "Ada & co".into(),
        },
    )
    .await
    .expect("form");
    assert_eq!(out.echoed, "hello Ada & co");
    let body = &server.log()[0].2;
    assert_eq!(body, "name=Ada+%26+co&greeting=hello+Ada+%26+co");
}
