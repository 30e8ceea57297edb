//! How generated workflows behave when the network and the server misbehave, over real sockets:
//! the sandbox's fault rules (status, delay, hang, drop, malformed bodies) and raw TCP servers.
//! Every failure is a typed error naming the workflow and step; nothing hangs, nothing is re-sent
//! unless the document's own `retry` says so, and hostile input cannot change what is requested.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use arazzo_runtime::{Client, ClientBuilder, Error};
use arazzo_sandbox::fixtures::{GROUP_SENSORS, SIM_1};
use arazzo_sandbox::{Fault, FaultRule, Sandbox, SandboxHandle};
use arazzo_workflows::soracom_sim::{
    RegisterAndActivateSimInputs, SimStatus, register_and_activate_sim,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod fixture {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/reliability/reliability.arazzo.yaml");
}

use fixture::{GroupRoundTripInputs, ListGroupsInputs, group_round_trip, list_groups};

mod jobs {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/flow/jobs.arazzo.yaml");
}

/// Far above anything these tests wait for on purpose, far below "hung".
const DID_NOT_HANG: Duration = Duration::from_secs(5);

/// A client for both the shipped Soracom workflows and the fixture, with fresh credentials.
fn builder(sandbox: &SandboxHandle) -> ClientBuilder {
    let (key, token) = sandbox.issue_credentials();
    Client::builder()
        .server("simApi", sandbox.base_url())
        .server("sandbox", sandbox.base_url())
        .api_key("api_key", key)
        .api_key("api_token", token)
}

fn client(sandbox: &SandboxHandle) -> Client {
    builder(sandbox).build().expect("client")
}

fn sim_1() -> RegisterAndActivateSimInputs {
    RegisterAndActivateSimInputs {
        sim_id: SIM_1.sim_id.into(),
        registration_secret: SIM_1.registration_secret.into(),
        group_id: GROUP_SENSORS.group_id.into(),
    }
}

fn group(name: &str) -> GroupRoundTripInputs {
    GroupRoundTripInputs { name: name.into() }
}

async fn sandbox_with(rules: impl IntoIterator<Item = FaultRule>) -> SandboxHandle {
    rules
        .into_iter()
        .fold(Sandbox::new(), Sandbox::fault)
        .start()
        .await
        .expect("sandbox")
}

/// `(method, path, status)` of every request the sandbox answered (status 0: dropped).
fn calls(sandbox: &SandboxHandle) -> Vec<(String, String, u16)> {
    sandbox
        .requests()
        .into_iter()
        .map(|r| (r.method, r.raw_path, r.status))
        .collect()
}

fn count(sandbox: &SandboxHandle, method: &str, prefix: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == method && r.raw_path.starts_with(prefix))
        .count()
}

// ---------------------------------------------------------------------------------------------
// Timeouts

#[tokio::test]
async fn a_server_that_never_answers_ends_the_run_at_the_workflow_timeout() {
    let sandbox = sandbox_with([FaultRule::new(Fault::Hang).method("POST")]).await;
    let client = builder(&sandbox)
        .workflow_timeout(Duration::from_millis(250))
        .build()
        .expect("client");

    let started = Instant::now();
    let error = register_and_activate_sim(&client, sim_1())
        .await
        .expect_err("no answer");
    assert!(started.elapsed() < DID_NOT_HANG, "{:?}", started.elapsed());
    match &error {
        Error::WorkflowTimedOut {
            workflow,
            running,
            timeout,
        } => {
            assert_eq!(*workflow, "register-and-activate-sim");
            assert_eq!(*running, Some(("register-and-activate-sim", "registerSim")));
            assert_eq!(*timeout, Duration::from_millis(250));
        }
        other => panic!("expected WorkflowTimedOut, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "workflow `register-and-activate-sim` did not finish within 250ms; step `registerSim` was running"
    );
}

#[tokio::test]
async fn the_request_timeout_fails_the_step_with_a_transport_error_that_says_so() {
    let sandbox = sandbox_with([FaultRule::new(Fault::Hang).method("POST")]).await;
    let client = builder(&sandbox)
        .timeout(Duration::from_millis(250))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = register_and_activate_sim(&client, sim_1())
        .await
        .expect_err("no answer");
    assert!(started.elapsed() < DID_NOT_HANG, "{:?}", started.elapsed());
    let Error::Transport { context, source } = &error else {
        panic!("expected Transport, got {error:?}");
    };
    assert!(source.is_timeout(), "{source:?}");
    assert_eq!(context.step, "registerSim");
    let message = error.to_string();
    assert!(message.contains("timed out"), "{message}");
    assert!(
        message.contains("POST /sims/{sim_id}/register"),
        "{message}"
    );
    assert!(!message.contains("127.0.0.1"), "no URL: {message}");
}

/// A server that accepts every connection and never answers.
async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    addr
}

#[tokio::test]
async fn the_workflow_timeout_covers_the_workflows_a_run_calls() {
    let addr = silent_server().await;
    let client = Client::builder()
        .server("jobs", format!("http://{addr}/api"))
        .bearer("token", "jobs-token")
        .workflow_timeout(Duration::from_millis(250))
        .build()
        .expect("client");

    // A step that calls a workflow: the deadline is the caller's, and the error says which
    // step of which workflow was running.
    let started = Instant::now();
    let error = jobs::run_and_cancel(
        &client,
        jobs::RunAndCancelInputs {
            kind: "quick".into(),
        },
    )
    .await
    .expect_err("no answer");
    assert!(started.elapsed() < DID_NOT_HANG, "{:?}", started.elapsed());
    assert!(
        matches!(
            error,
            Error::WorkflowTimedOut {
                workflow: "run-and-cancel",
                running: Some(("run-job", "create")),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .ends_with("step `create` of workflow `run-job` was running"),
        "{error}"
    );

    // `dependsOn`: the dependency runs under the same deadline.
    let started = Instant::now();
    let error = jobs::report(
        &client,
        jobs::ReportInputs {
            kind: "quick".into(),
            request_id: None,
        },
    )
    .await
    .expect_err("no answer");
    assert!(started.elapsed() < DID_NOT_HANG, "{:?}", started.elapsed());
    assert!(
        matches!(
            error,
            Error::WorkflowTimedOut {
                running: Some(("run-job", "create")),
                ..
            }
        ),
        "{error:?}"
    );
}

/// Fills a listener's accept queue, which nothing accepts, until a new connection attempt gets no
/// answer at all: the kernel then drops further SYNs, as a firewalled host does.
async fn unanswered_listener() -> (std::net::TcpListener, Vec<std::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("bind");
    let listener = socket.listen(0).expect("listen");
    let listener = listener.into_std().expect("std listener");
    let addr = listener.local_addr().expect("addr");
    let mut queued = Vec::new();
    for _ in 0..64 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(_) => return (listener, queued),
        }
    }
    panic!("the accept queue never filled");
}

#[tokio::test]
async fn the_connect_timeout_applies_to_a_server_that_never_accepts() {
    let (listener, _queued) = unanswered_listener().await;
    let addr = listener.local_addr().expect("addr");
    let client = Client::builder()
        .server("simApi", format!("http://{addr}/v1"))
        .api_key("api_key", "k")
        .api_key("api_token", "t")
        .connect_timeout(Duration::from_millis(250))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = register_and_activate_sim(&client, sim_1())
        .await
        .expect_err("cannot connect");
    assert!(started.elapsed() < DID_NOT_HANG, "{:?}", started.elapsed());
    let Error::Transport { source, .. } = &error else {
        panic!("expected Transport, got {error:?}");
    };
    assert!(source.is_connect() && source.is_timeout(), "{source:?}");
}

// ---------------------------------------------------------------------------------------------
// Cancellation

/// A server that reads one request head, reports it, then waits for the client to close the
/// connection and reports that too.
async fn holding_server() -> (
    SocketAddr,
    tokio::sync::oneshot::Receiver<()>,
    tokio::sync::oneshot::Receiver<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (got_request, request_seen) = tokio::sync::oneshot::channel();
    let (got_close, close_seen) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let _ = got_request.send(());
        // Whatever else arrives (the body) is read and ignored until the client closes.
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = got_close.send(());
        // Stay alive, so that this task ending cannot hide one the client left behind.
        std::future::pending::<()>().await;
    });
    (addr, request_seen, close_seen)
}

#[tokio::test]
async fn dropping_a_run_mid_request_closes_its_connection_and_leaves_no_task() {
    let (addr, request_seen, close_seen) = holding_server().await;
    let client = Client::builder()
        .server("simApi", format!("http://{addr}/v1"))
        .api_key("api_key", "k")
        .api_key("api_token", "t")
        .build()
        .expect("client");
    let metrics = tokio::runtime::Handle::current().metrics();
    let tasks_before = metrics.num_alive_tasks();

    let run = register_and_activate_sim(&client, sim_1());
    tokio::select! {
        _ = run => panic!("the server never answers"),
        seen = request_seen => seen.expect("the server saw the request"),
    }
    // `run` is dropped here, mid-request.

    tokio::time::timeout(DID_NOT_HANG, close_seen)
        .await
        .expect("the connection was closed after the drop")
        .expect("reported");
    let deadline = Instant::now() + DID_NOT_HANG;
    while metrics.num_alive_tasks() > tasks_before {
        assert!(
            Instant::now() < deadline,
            "{} tasks outlived the dropped run",
            metrics.num_alive_tasks() - tasks_before
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The client is still usable: nothing of the dropped run is stuck in its pool.
    drop(client);
}

// ---------------------------------------------------------------------------------------------
// Nothing is re-sent on its own

#[tokio::test]
async fn a_dropped_connection_fails_the_step_and_the_request_is_not_sent_again() {
    let sandbox = sandbox_with([FaultRule::new(Fault::Drop)
        .method("POST")
        .path("/v1/sims/*/register")])
    .await;
    let error = register_and_activate_sim(&client(&sandbox), sim_1())
        .await
        .expect_err("dropped");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_transport());
    assert_eq!(error.context().map(|c| c.step), Some("registerSim"));
    let register = format!("/v1/sims/{}/register", SIM_1.sim_id);
    assert_eq!(calls(&sandbox), vec![("POST".into(), register, 0)]);
    assert_eq!(
        sandbox.requests()[0].fault.as_deref(),
        Some("drop"),
        "the sandbox closed the connection"
    );
}

#[tokio::test]
async fn a_503_without_a_retry_action_is_the_workflows_error_and_is_sent_once() {
    let sandbox = sandbox_with([FaultRule::new(Fault::unavailable(1))
        .method("POST")
        .path("/v1/sims/*/activate")])
    .await;
    let error = register_and_activate_sim(&client(&sandbox), sim_1())
        .await
        .expect_err("503");
    assert!(
        matches!(
            &error,
            Error::CriterionFailed {
                status: 503,
                criterion: "$statusCode == 200",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.context().map(|c| c.step), Some("activateSim"));
    assert_eq!(
        count(&sandbox, "POST", "/v1/sims/"),
        2,
        "register, one activate"
    );
}

#[tokio::test]
async fn the_documents_retry_actions_decide_what_is_sent_again() {
    // The creation is retried on 503 (the server did not process it), honouring its
    // Retry-After within the client's cap; a read is retried after a dropped connection.
    let sandbox = sandbox_with([
        FaultRule::new(Fault::unavailable(30))
            .method("POST")
            .path("/v1/groups")
            .nth(1),
        FaultRule::new(Fault::Drop)
            .method("GET")
            .path("/v1/groups/*")
            .nth(1),
    ])
    .await;
    let client = builder(&sandbox)
        .max_retry_wait(Duration::from_millis(50))
        .build()
        .expect("client");
    let started = Instant::now();
    let out = group_round_trip(&client, group("retried"))
        .await
        .expect("recovered");
    assert!(started.elapsed() < DID_NOT_HANG, "{:?}", started.elapsed());
    assert_eq!(out.name, "retried");
    assert_eq!(count(&sandbox, "POST", "/v1/groups"), 2);
    assert_eq!(count(&sandbox, "GET", "/v1/groups/"), 2);
    assert_eq!(count(&sandbox, "DELETE", "/v1/groups/"), 1);
    assert!(sandbox.group(&out.group_id).is_none(), "deleted");

    // A dropped creation is not retried: the server may have created the group.
    sandbox.inject(
        FaultRule::new(Fault::Drop)
            .method("POST")
            .path("/v1/groups"),
    );
    let error = group_round_trip(&client, group("dropped"))
        .await
        .expect_err("not retried");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.context().map(|c| c.step), Some("create"));
    assert_eq!(count(&sandbox, "POST", "/v1/groups"), 3);
}

// ---------------------------------------------------------------------------------------------
// Response bodies

/// Runs `group-round-trip` with the read step's response replaced by `fault`.
async fn read_step_gets(fault: Fault) -> Error {
    let sandbox = sandbox_with([FaultRule::new(fault).method("GET").path("/v1/groups/*")]).await;
    let error = group_round_trip(&client(&sandbox), group("body"))
        .await
        .expect_err("the read step's body is unusable");
    assert_eq!(
        count(&sandbox, "GET", "/v1/groups/"),
        1,
        "no retry: {error}"
    );
    let context = error.context().expect("names the step");
    assert_eq!(
        (context.workflow, context.step),
        ("group-round-trip", "read")
    );
    let message = error.to_string();
    assert!(
        message.contains("$response.body#/tags/name"),
        "the pointer is named: {message}"
    );
    error
}

fn decode_message(error: &Error) -> &str {
    match error {
        Error::Decode { message, .. } => message,
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let error = read_step_gets(Fault::Truncate).await;
    assert!(
        decode_message(&error).starts_with("the response body is not JSON (EOF while parsing"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_of_another_content_type_is_a_decode_error_even_when_it_parses() {
    let html = read_step_gets(Fault::body(200, Some("text/html"), "<h1>Gateway</h1>")).await;
    assert_eq!(
        decode_message(&html),
        "the response's Content-Type is `text/html`, not JSON"
    );
    let text = read_step_gets(Fault::body(
        200,
        Some("text/plain"),
        r#"{"tags":{"name":"x"}}"#,
    ))
    .await;
    assert!(decode_message(&text).contains("text/plain"), "{text}");
}

#[tokio::test]
async fn an_empty_body_is_a_decode_error() {
    let error = read_step_gets(Fault::body(200, Some("application/json"), "")).await;
    assert_eq!(decode_message(&error), "the response body is empty");
}

#[tokio::test]
async fn null_or_the_wrong_shape_where_an_object_was_expected_is_a_typed_error() {
    for body in ["null", "[1, 2]", r#"{"tags": null}"#, r#"{"tags": "name"}"#] {
        let error = read_step_gets(Fault::body(200, Some("application/json"), body)).await;
        assert!(
            matches!(
                &error,
                Error::MissingOutput {
                    output: "name",
                    expression: "$response.body#/tags/name",
                    ..
                }
            ),
            "{body}: {error:?}"
        );
    }
    let error = read_step_gets(Fault::body(
        200,
        Some("application/json; charset=utf-8"),
        r#"{"tags": {"name": 42}}"#,
    ))
    .await;
    assert!(
        decode_message(&error).contains("invalid type: integer `42`, expected a string"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_while_reading() {
    let big = format!(r#"{{"tags": {{"name": "{}"}}}}"#, "x".repeat(64 * 1024));
    let sandbox = sandbox_with([
        FaultRule::new(Fault::body(200, Some("application/json"), big))
            .method("GET")
            .path("/v1/groups/*"),
    ])
    .await;
    let client = builder(&sandbox)
        .max_response_bytes(16 * 1024)
        .build()
        .expect("client");
    let error = group_round_trip(&client, group("big"))
        .await
        .expect_err("too large");
    assert!(
        matches!(
            &error,
            Error::BodyTooLarge {
                status: 200,
                limit: 16_384,
                ..
            }
        ),
        "{error:?}"
    );
    // A body too large is a failure without a response to judge, so the read's retry (which
    // has no criteria) applies: three retries, then the last error.
    assert_eq!(error.context().map(|c| c.step), Some("read"));
    assert_eq!(count(&sandbox, "GET", "/v1/groups/"), 4);
}

#[tokio::test]
async fn a_newer_api_versions_unknown_fields_and_enum_values_do_not_fail_the_run() {
    let newer = serde_json::json!({
        "simId": SIM_1.sim_id,
        "status": "hibernating",
        "groupId": GROUP_SENSORS.group_id,
        "speedClass": "s1.5g-standard",
        "lifecycle": {"since": 1700000000000_i64, "reasons": ["a", "b"]},
        "tags": {"name": "sensor"}
    });
    let sandbox = sandbox_with([FaultRule::new(Fault::body(
        200,
        Some("application/json"),
        newer.to_string(),
    ))
    .method("GET")
    .path("/v1/sims/*")])
    .await;
    let out = register_and_activate_sim(&client(&sandbox), sim_1())
        .await
        .expect("a newer response still fits");
    assert_eq!(out.status, SimStatus::Other("hibernating".into()));
    assert_eq!(out.status.to_string(), "hibernating");
    assert_eq!(out.group_id, GROUP_SENSORS.group_id);
}

// ---------------------------------------------------------------------------------------------
// Hostile input

#[tokio::test]
async fn path_inputs_are_always_exactly_one_segment() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client(&sandbox);
    let cases = [
        ("../admin", "..%2Fadmin"),
        ("%2e%2e", "%252e%252e"),
        ("..%2F..%2Fadmin", "..%252F..%252Fadmin"),
        ("?x=1", "%3Fx=1"),
        ("#fragment", "%23fragment"),
        ("ü/ß 漢字", "%C3%BC%2F%C3%9F%20%E6%BC%A2%E5%AD%97"),
        ("a\\b", "a%5Cb"),
    ];
    for (value, encoded) in cases {
        let mut inputs = sim_1();
        inputs.sim_id = value.into();
        let error = register_and_activate_sim(&client, inputs)
            .await
            .expect_err("no such SIM");
        assert_eq!(error.status(), Some(404), "{value}: {error}");
        let sent = sandbox.take_requests().remove(0);
        assert_eq!(
            sent.raw_path,
            format!("/v1/sims/{encoded}/register"),
            "{value}"
        );
        assert_eq!(sent.query, None, "{value}");
        assert_eq!(
            sent.status, 404,
            "{value}: the register route matched one segment"
        );
        let Error::CriterionFailed { body_excerpt, .. } = &error else {
            panic!("{value}: expected CriterionFailed, got {error:?}");
        };
        let body: serde_json::Value = serde_json::from_str(body_excerpt).expect("a JSON error");
        assert_eq!(
            body["message"],
            format!("No such SIM: {value}"),
            "{value}: the server decoded the segment back to exactly the input"
        );
    }
    for refused in [".", ".."] {
        let mut inputs = sim_1();
        inputs.sim_id = refused.into();
        let error = register_and_activate_sim(&client, inputs)
            .await
            .expect_err("refused");
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    }
    assert!(sandbox.requests().is_empty(), "nothing sent for . and ..");
}

#[tokio::test]
async fn header_inputs_with_line_breaks_or_nul_are_refused_before_sending() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client(&sandbox);
    for hostile in [
        "abc\r\nX-Injected: 1",
        "abc\nX-Injected: 1",
        "abc\rX-Injected: 1",
        "abc\0def",
    ] {
        let error = list_groups(
            &client,
            ListGroupsInputs {
                tag_value: None,
                session: None,
                trace_id: Some(hostile.into()),
            },
        )
        .await
        .expect_err("refused");
        let Error::InvalidRequest { context, message } = &error else {
            panic!("expected InvalidRequest, got {error:?}");
        };
        assert_eq!(context.step, "list");
        assert!(message.contains("X-Trace-Id"), "{message}");
        assert!(!error.to_string().contains("X-Injected"), "{error}");
    }
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn query_and_cookie_inputs_are_encoded_and_cannot_add_parameters() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let out = list_groups(
        &client(&sandbox),
        ListGroupsInputs {
            tag_value: Some("a&admin=1 #x?y/ü".into()),
            session: Some("s1; admin=1, other=\"x\"".into()),
            trace_id: Some("trace-1".into()),
        },
    )
    .await
    .expect("listed");
    assert!(!out.first.is_empty());
    let sent = sandbox.requests().remove(0);
    assert_eq!(
        sent.query.as_deref(),
        Some("tag_value=a%26admin%3D1+%23x%3Fy%2F%C3%BC")
    );
    let cookie = sent.header("cookie").expect("cookie");
    assert_eq!(cookie, "session=s1%3B%20admin=1%2C%20other=%22x%22");
    assert_eq!(cookie.split(';').count(), 1, "one cookie: {cookie}");
    assert_eq!(sent.header("x-trace-id"), Some("trace-1"));
}

// ---------------------------------------------------------------------------------------------
// Redirects

/// Answers every request with a `307` to `location`, counting them.
async fn redirector(location: String) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let location = location.clone();
            let seen = seen.clone();
            tokio::spawn(answer_with_redirect(socket, location, seen));
        }
    });
    (addr, hits)
}

async fn answer_with_redirect(mut socket: TcpStream, location: String, seen: Arc<AtomicUsize>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    seen.fetch_add(1, Ordering::SeqCst);
    let answer = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let _ = socket.write_all(answer.as_bytes()).await;
    let _ = socket.shutdown().await;
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_so_api_keys_stay_home() {
    // The other host is a real sandbox on another loopback address: its own log shows whether
    // anything (and any key) reached it.
    let elsewhere = Sandbox::new()
        .bind(SocketAddr::from(([127, 0, 0, 2], 0)))
        .start()
        .await
        .expect("sandbox on 127.0.0.2");
    let (origin, hits) = redirector(format!(
        "{}/sims/{}/register",
        elsewhere.base_url(),
        SIM_1.sim_id
    ))
    .await;
    let client = Client::builder()
        .server("simApi", format!("http://{origin}/v1"))
        .api_key("api_key", "key-for-the-origin-only")
        .api_key("api_token", "token-for-the-origin-only")
        .build()
        .expect("client");
    let error = register_and_activate_sim(&client, sim_1())
        .await
        .expect_err("the redirect is the answer");
    assert_eq!(error.status(), Some(307), "{error}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert!(
        elsewhere.requests().is_empty(),
        "the request (and X-Soracom-API-Key) went to another host: {:?}",
        elsewhere.requests()
    );
}
