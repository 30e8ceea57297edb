//! Workflows that call, depend on and go to other workflows, over real HTTP against a small
//! server: `$workflows.W.outputs.X` / `.inputs.X`, `dependsOn` across documents, a workflow that
//! goes to itself, Arazzo 1.1 action parameters and cross-workflow step `dependsOn`, and `retry`
//! actions whose step or workflow fails.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, Error};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

mod calls {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/calls/calls.arazzo.yaml");
}

use calls::*;

/// What the server received, `(method and path, body)`, and how often each job was polled and
/// each branch created.
#[derive(Default)]
struct Seen {
    log: Vec<(String, String)>,
    polls: HashMap<String, u32>,
    creates: HashMap<String, u32>,
}

type Shared = Arc<Mutex<Seen>>;

fn note(seen: &Shared, what: String, body: String) {
    seen.lock().expect("lock").log.push((what, body));
}

/// `gone-…` items do not exist; every other item is named `item-ID`.
async fn item(State(seen): State<Shared>, Path(id): Path<String>) -> Response {
    note(&seen, format!("GET /items/{id}"), String::new());
    if id.starts_with("gone") {
        return StatusCode::NOT_FOUND.into_response();
    }
    axum::Json(json!({"id": id, "name": format!("item-{id}")})).into_response()
}

async fn echo(State(seen): State<Shared>, body: String) -> Response {
    note(&seen, "POST /echo".into(), body.clone());
    let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    axum::Json(value).into_response()
}

/// A `done-after-N` job is pending for its first N polls; any other job never finishes.
async fn job(State(seen): State<Shared>, Path(id): Path<String>) -> Response {
    note(&seen, format!("GET /jobs/{id}"), String::new());
    let mut state = seen.lock().expect("lock");
    let polls = state.polls.entry(id.clone()).or_default();
    *polls += 1;
    let pending_polls = id
        .strip_prefix("done-after-")
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(u32::MAX);
    let status = if *polls > pending_polls {
        "done"
    } else {
        "pending"
    };
    axum::Json(json!({"status": status})).into_response()
}

/// A branch exists (409) the first time it is created and is created (201) the next; a
/// `taken-…` branch always exists. Deleting answers 404: there is nothing to delete.
async fn post_branch(State(seen): State<Shared>, body: String) -> Response {
    note(&seen, "POST /branches".into(), body.clone());
    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let name = request["name"].as_str().unwrap_or_default().to_owned();
    let mut state = seen.lock().expect("lock");
    let tries = state.creates.entry(name.clone()).or_default();
    *tries += 1;
    if *tries == 1 || name.starts_with("taken") {
        return (StatusCode::CONFLICT, axum::Json(json!({"exists": name}))).into_response();
    }
    (StatusCode::CREATED, axum::Json(json!({"name": name}))).into_response()
}

async fn remove_branch(State(seen): State<Shared>, Path(name): Path<String>) -> Response {
    note(&seen, format!("DELETE /branches/{name}"), String::new());
    (StatusCode::NOT_FOUND, axum::Json(json!({"missing": name}))).into_response()
}

struct Server {
    base_url: String,
    seen: Shared,
}

impl Server {
    async fn start() -> Self {
        let seen = Shared::default();
        let app = Router::new()
            .route("/items/{id}", get(item))
            .route("/echo", post(echo))
            .route("/jobs/{id}", get(job))
            .route("/branches", post(post_branch))
            .route("/branches/{name}", delete(remove_branch))
            .with_state(seen.clone());
        let addr = support::serve(app).await;
        Self {
            base_url: format!("http://{addr}"),
            seen,
        }
    }

    fn builder(&self) -> arazzo_runtime::ClientBuilder {
        Client::builder().server("calls", &self.base_url)
    }

    fn client(&self) -> Client {
        self.builder().build().expect("client")
    }

    fn requests(&self) -> Vec<String> {
        let seen = self.seen.lock().expect("lock");
        seen.log.iter().map(|(what, _)| what.clone()).collect()
    }

    /// The bodies of the `POST /echo` requests, as JSON.
    fn echoed(&self) -> Vec<Value> {
        let seen = self.seen.lock().expect("lock");
        seen.log
            .iter()
            .filter(|(what, _)| what == "POST /echo")
            .map(|(_, body)| serde_json::from_str(body).unwrap_or(Value::Null))
            .collect()
    }
}

/// Arazzo 1.0.1 / 1.1.0 Runtime Expressions: `$workflows.foo.outputs.bar` is a workflow output
/// value; the workflow has run once the step that calls it has.
#[tokio::test]
async fn workflows_outputs_and_inputs_are_read_in_and_after_the_step_that_calls_it() {
    let server = Server::start().await;
    let out = use_called(
        &server.client(),
        UseCalledInputs {
            item_id: "a".into(),
        },
    )
    .await
    .expect("run");
    // Typed as the called workflow's output.
    let name: String = out.name;
    assert_eq!(name, "item-a");
    let sent = json!({"name": "item-a", "ranWith": "a", "fromStep": "item-a"});
    assert_eq!(server.echoed(), vec![sent.clone()]);
    assert_eq!(out.echoed, sent);
    assert_eq!(server.requests(), ["GET /items/a", "POST /echo"]);
}

/// `$workflows.W.inputs.X` after `dependsOn`: the inputs W ran with (this workflow's, by name);
/// a step output may be any expression, here `$inputs.itemId`.
#[tokio::test]
async fn workflows_inputs_after_depends_on_are_what_it_ran_with() {
    let server = Server::start().await;
    let out = after_dependency(
        &server.client(),
        AfterDependencyInputs {
            item_id: "b".into(),
        },
    )
    .await
    .expect("run");
    let ran_with: String = out.ran_with;
    assert_eq!(ran_with, "b");
    let label: String = out.label;
    assert_eq!(label, "b");
    assert_eq!(
        server.echoed(),
        vec![json!({"name": "item-b", "ranWith": "b"})]
    );
    assert_eq!(server.requests(), ["GET /items/b", "POST /echo"]);
}

/// Arazzo 1.0.1 Workflow Object `dependsOn`: a workflow of another document is named
/// `$sourceDescriptions.<name>.<workflowId>`; it runs first and its outputs are readable.
#[tokio::test]
async fn a_workflow_of_another_document_in_depends_on_runs_first() {
    let server = Server::start().await;
    let out = cross_document(&server.client(), CrossDocumentInputs {})
        .await
        .expect("run");
    assert_eq!(out.echoed, json!({"region": "item-warm"}));
    assert_eq!(server.requests(), ["GET /items/warm", "POST /echo"]);
}

/// A workflow that goes to itself while its job is pending: a loop, as a `goto` between steps is.
#[tokio::test]
async fn a_workflow_that_goes_to_itself_polls_until_the_job_is_done() {
    let server = Server::start().await;
    let out = poll(
        &server.client(),
        PollInputs {
            job_id: "done-after-2".into(),
        },
    )
    .await
    .expect("the job finishes");
    // This run's own step saw `pending`; the runs it went to polled on until `done`.
    assert_eq!(out.status, "pending");
    assert_eq!(server.requests().len(), 3);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r == "GET /jobs/done-after-2")
    );
}

/// Two workflows that go to each other loop the same way.
#[tokio::test]
async fn two_workflows_that_go_to_each_other_poll_until_the_job_is_done() {
    let server = Server::start().await;
    ping(
        &server.client(),
        PingInputs {
            job_id: "done-after-3".into(),
        },
    )
    .await
    .expect("the job finishes");
    assert_eq!(server.requests().len(), 4);
}

/// The loop shares the step budget (`max_step_executions`) across the workflows it goes to.
#[tokio::test]
async fn the_step_budget_stops_a_workflow_that_goes_to_itself_forever() {
    let server = Server::start().await;
    let client = server
        .builder()
        .max_step_executions(4)
        .build()
        .expect("client");
    let error = poll(
        &client,
        PollInputs {
            job_id: "never".into(),
        },
    )
    .await
    .expect_err("the budget stops it");
    assert!(
        matches!(
            error,
            Error::StepBudgetExhausted {
                workflow: "poll",
                step: "check",
                budget: 4,
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 4);
}

/// The boxed recursion of a workflow loop keeps its future `Send` (it can be spawned).
#[tokio::test]
async fn a_workflow_that_goes_to_itself_can_be_spawned() {
    let server = Server::start().await;
    let client = server.client();
    let run = tokio::spawn(async move {
        poll(
            &client,
            PollInputs {
                job_id: "done-after-0".into(),
            },
        )
        .await
    });
    let out = run.await.expect("joined").expect("done at once");
    assert_eq!(out.status, "done");
}

/// Arazzo 1.1.0 Success and Failure Action Objects: `parameters` are passed to the workflow the
/// action goes to.
#[tokio::test]
async fn action_parameters_are_the_inputs_of_the_workflow_it_goes_to() {
    let server = Server::start().await;
    look_up(
        &server.client(),
        LookUpInputs {
            item_id: "c".into(),
        },
    )
    .await
    .expect("found");
    look_up(
        &server.client(),
        LookUpInputs {
            item_id: "gone-1".into(),
        },
    )
    .await
    .expect("the failure action goes to notify");
    assert_eq!(
        server.echoed(),
        vec![
            json!({"message": "found item-c"}),
            json!({"message": "missing gone-1"})
        ]
    );
}

/// Arazzo 1.1.0 Step Object `dependsOn`: "does not trigger execution of the referenced steps";
/// the step runs when the step of the other workflow completed earlier in the run.
#[tokio::test]
async fn a_step_depending_on_a_step_of_another_workflow_needs_it_completed() {
    let server = Server::start().await;
    consumer(&server.client(), ConsumerInputs {})
        .await
        .expect("provider ran first");
    assert_eq!(server.requests(), ["GET /items/provided", "POST /echo"]);

    let server = Server::start().await;
    let error = lonely_consumer(&server.client(), LonelyConsumerInputs {})
        .await
        .expect_err("provider never ran");
    assert!(
        matches!(
            error,
            Error::StepDependencyUnmet {
                workflow: "lonely-consumer",
                step: "use",
                depends_on_workflow: "provider",
                depends_on_step: "list",
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("has not completed"), "{error}");
    // Nothing was sent, and `provider` was not run.
    assert!(server.requests().is_empty());
}

/// Arazzo 1.0.1 Failure Action Object, `retry` with `workflowId`: the workflow runs, then the
/// step is retried, even when that workflow fails (here its DELETE answers 404).
#[tokio::test]
async fn a_retry_whose_workflow_fails_still_retries_the_step() {
    let server = Server::start().await;
    create_branch(
        &server.client(),
        CreateBranchInputs {
            name: "main".into(),
        },
    )
    .await
    .expect("created on the retry");
    assert_eq!(
        server.requests(),
        ["POST /branches", "DELETE /branches/main", "POST /branches"]
    );
}

/// The same with `stepId`: the step runs, control returns, and the step is retried.
#[tokio::test]
async fn a_retry_whose_step_fails_still_retries_the_step() {
    let server = Server::start().await;
    create_branch_by_step(
        &server.client(),
        CreateBranchByStepInputs { name: "dev".into() },
    )
    .await
    .expect("created on the retry");
    assert_eq!(
        server.requests(),
        ["POST /branches", "DELETE /branches/dev", "POST /branches"]
    );
}

/// After `retryLimit`, the error names the step, the retry action and how what it ran first
/// failed.
#[tokio::test]
async fn retries_exhausted_through_a_failing_reference_say_what_it_did() {
    let server = Server::start().await;
    let by_workflow = create_branch(
        &server.client(),
        CreateBranchInputs {
            name: "taken-1".into(),
        },
    )
    .await
    .expect_err("the branch stays taken");
    let by_step = create_branch_by_step(
        &server.client(),
        CreateBranchByStepInputs {
            name: "taken-2".into(),
        },
    )
    .await
    .expect_err("the branch stays taken");
    for (error, workflow) in [
        (by_workflow, "create-branch"),
        (by_step, "create-branch-by-step"),
    ] {
        match &error {
            Error::RetriesExhausted {
                action,
                retries,
                reference,
                status,
                ..
            } => {
                assert_eq!(*action, "delete-then-retry");
                assert_eq!(*retries, 1);
                assert_eq!(*status, 409);
                let reference = reference.as_deref().unwrap_or_default();
                assert!(reference.contains("HTTP 404"), "{reference}");
                assert!(reference.contains("step `delete`"), "{reference}");
            }
            other => panic!("expected RetriesExhausted, got {other:?}"),
        }
        let context = error.context().expect("a step context");
        assert_eq!((context.workflow, context.step), (workflow, "create"));
        let message = error.to_string();
        assert!(
            message.contains("delete-then-retry") && message.contains("DELETE /branches/{name}"),
            "{message}"
        );
    }
}
