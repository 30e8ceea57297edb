//! Both Soracom seed workflows, run end to end over real HTTP against the in-process sandbox.

use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, ClientBuilder, Error, StepEvent};
use arazzo_sandbox::SandboxHandle;
use arazzo_sandbox::fixtures::{GROUP_SENSORS, GROUP_TRACKERS, SIM_1, SIM_2, SUBSCRIBER_1};
use arazzo_workflows::soracom_sim::{
    RegisterAndActivateSimInputs, RegisterAndActivateSimOutputs, SimStatus,
    register_and_activate_sim,
};
use arazzo_workflows::soracom_subscriber::{
    RegisterSubscriberToGroupInputs, SubscriberStatus, register_subscriber_to_group,
};

/// A client for the sandbox with the given API key and token.
fn builder_with(sandbox: &SandboxHandle, key: &str, token: &str) -> ClientBuilder {
    Client::builder()
        .server("simApi", sandbox.base_url())
        .api_key("api_key", key)
        .api_key("api_token", token)
}

/// A client for the sandbox with fresh valid credentials.
fn client_for(sandbox: &SandboxHandle) -> Client {
    let (key, token) = sandbox.issue_credentials();
    builder_with(sandbox, &key, &token).build().expect("client")
}

fn sim_inputs(sim_id: &str, secret: &str, group: &str) -> RegisterAndActivateSimInputs {
    RegisterAndActivateSimInputs {
        sim_id: sim_id.into(),
        registration_secret: secret.into(),
        group_id: group.into(),
    }
}

#[tokio::test]
async fn register_and_activate_sim_runs_every_step_and_returns_typed_outputs() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);
    let inputs = sim_inputs(
        SIM_1.sim_id,
        SIM_1.registration_secret,
        GROUP_TRACKERS.group_id,
    );

    // Spawned, because callers run workflows on a multi-threaded runtime: the generated future
    // must be `Send` and own what it needs besides the client.
    let run = tokio::spawn(async move { register_and_activate_sim(&client, inputs).await });
    let out: RegisterAndActivateSimOutputs = run.await.expect("joined").expect("workflow succeeds");

    let (sim_id, group_id): (&String, &String) = (&out.sim_id, &out.group_id);
    assert_eq!(sim_id, SIM_1.sim_id);
    assert!(out.status == "active");
    assert_eq!(out.status, SimStatus::Active);
    assert_eq!(group_id, GROUP_TRACKERS.group_id);

    let sim = sandbox.sim(SIM_1.sim_id).expect("sim exists");
    assert_eq!(sim["status"], "active");
    assert_eq!(sim["groupId"], GROUP_TRACKERS.group_id);

    let calls: Vec<(String, String, u16)> = sandbox
        .requests()
        .into_iter()
        .map(|r| (r.method, r.raw_path, r.status))
        .collect();
    let sim_path = format!("/v1/sims/{}", SIM_1.sim_id);
    assert_eq!(
        calls,
        vec![
            ("POST".into(), format!("{sim_path}/register"), 201),
            ("POST".into(), format!("{sim_path}/activate"), 200),
            ("POST".into(), format!("{sim_path}/set_group"), 200),
            ("GET".into(), sim_path.clone(), 200),
        ]
    );
    let register = &sandbox.requests()[0];
    let body: serde_json::Value = serde_json::from_slice(&register.body).expect("json body");
    assert_eq!(
        body,
        serde_json::json!({
            "registrationSecret": SIM_1.registration_secret,
            "groupId": GROUP_TRACKERS.group_id,
        })
    );
}

#[tokio::test]
async fn register_subscriber_to_group_runs_end_to_end() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);

    let out = register_subscriber_to_group(
        &client,
        RegisterSubscriberToGroupInputs {
            imsi: SUBSCRIBER_1.imsi.into(),
            registration_secret: SUBSCRIBER_1.registration_secret.into(),
            group_id: GROUP_SENSORS.group_id.into(),
        },
    )
    .await
    .expect("workflow succeeds");

    assert_eq!(out.imsi, SUBSCRIBER_1.imsi);
    assert!(out.status == "active");
    assert_eq!(out.status, SubscriberStatus::Active);
    assert_eq!(out.group_id, GROUP_SENSORS.group_id);
    assert_eq!(
        sandbox.subscriber(SUBSCRIBER_1.imsi).expect("subscriber")["status"],
        "active"
    );
}

#[tokio::test]
async fn a_wrong_registration_secret_fails_at_register_sim_with_400() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);

    let err =
        register_and_activate_sim(&client, sim_inputs(SIM_2.sim_id, "wrong", "group-sensors"))
            .await
            .expect_err("wrong secret must fail");

    let Error::CriterionFailed {
        context,
        status,
        criterion,
        body_excerpt,
    } = &err
    else {
        panic!("expected a failed criterion, got {err:?}");
    };
    assert_eq!(context.workflow, "register-and-activate-sim");
    assert_eq!(context.step, "registerSim");
    assert_eq!(context.operation, "registerSim");
    assert_eq!(*status, 400);
    assert_eq!(*criterion, "$statusCode == 201");
    assert!(
        body_excerpt.contains("registration secret"),
        "{body_excerpt}"
    );

    let message = err.to_string();
    for needle in [
        "register-and-activate-sim",
        "registerSim",
        "400",
        "POST /sims/{sim_id}/register",
    ] {
        assert!(
            message.contains(needle),
            "`{needle}` missing from: {message}"
        );
    }
    // Nothing after the failed step ran.
    assert_eq!(sandbox.requests().len(), 1);
    assert_eq!(
        sandbox.sim(SIM_2.sim_id).expect("sim")["status"],
        "unregistered"
    );
}

#[tokio::test]
async fn missing_credentials_give_401_and_the_error_holds_no_credential() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let (key, token) = sandbox.issue_credentials();

    // Only one of the two schemes the operation needs together: none is sent.
    let half = Client::builder()
        .server("simApi", sandbox.base_url())
        .api_key("api_key", key.clone())
        .build()
        .expect("client");
    let err = register_and_activate_sim(
        &half,
        sim_inputs(SIM_1.sim_id, SIM_1.registration_secret, "group-sensors"),
    )
    .await
    .expect_err("must fail");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.context().map(|c| c.step), Some("registerSim"));
    let sent = &sandbox.requests()[0];
    assert!(
        sent.header("x-soracom-api-key").is_none(),
        "a partial credential set was sent"
    );

    // Credentials the server does not accept: the error and the client print none of them.
    let wrong_key = format!("{key}-revoked");
    let wrong_token = format!("{token}-revoked");
    let wrong = builder_with(&sandbox, &wrong_key, &wrong_token)
        .build()
        .expect("client");
    let err = register_and_activate_sim(
        &wrong,
        sim_inputs(SIM_1.sim_id, SIM_1.registration_secret, "group-sensors"),
    )
    .await
    .expect_err("must fail");
    assert_eq!(err.status(), Some(401));
    let printed = format!("{err} {err:?} {wrong:?}");
    for secret in [&key, &token, &wrong_key, &wrong_token] {
        assert!(
            !printed.contains(secret.as_str()),
            "credential leaked: {printed}"
        );
    }
    assert!(printed.contains("api_key") && printed.contains("api_token"));
}

#[tokio::test]
async fn path_parameters_are_sent_as_one_encoded_segment() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);

    let hostile = "../a/b?c=1#frag d..e%2F";
    let err = register_and_activate_sim(&client, sim_inputs(hostile, "x", "group-sensors"))
        .await
        .expect_err("no such SIM");
    assert_eq!(err.status(), Some(404));

    let sent = &sandbox.requests()[0];
    assert_eq!(
        sent.raw_path,
        "/v1/sims/..%2Fa%2Fb%3Fc=1%23frag%20d..e%252F/register"
    );
    assert_eq!(sent.query, None);
    let body: serde_json::Value =
        serde_json::from_slice(&sandbox.requests()[0].body).unwrap_or_default();
    assert_eq!(body["registrationSecret"], "x");
}

#[tokio::test]
async fn a_bare_dot_dot_path_parameter_is_refused_before_sending() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);
    let err = register_and_activate_sim(&client, sim_inputs("..", "x", "group-sensors"))
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn every_step_is_reported_to_the_observer() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let (key, token) = sandbox.issue_credentials();
    let events: Arc<Mutex<Vec<StepEvent>>> = Arc::default();
    let sink = events.clone();
    let client = builder_with(&sandbox, &key, &token)
        .on_step(move |e| sink.lock().expect("lock").push(e.clone()))
        .build()
        .expect("client");

    register_and_activate_sim(
        &client,
        sim_inputs(SIM_1.sim_id, SIM_1.registration_secret, "group-sensors"),
    )
    .await
    .expect("workflow succeeds");

    let events = events.lock().expect("lock");
    let seen: Vec<(&str, &str, Option<u16>)> = events
        .iter()
        .map(|e| (e.step, e.method, e.status))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("registerSim", "POST", Some(201)),
            ("activateSim", "POST", Some(200)),
            ("setSimGroup", "POST", Some(200)),
            ("confirmSim", "GET", Some(200)),
        ]
    );
    assert_eq!(events[3].path, format!("/v1/sims/{}", SIM_1.sim_id));
}

/// Every span named `arazzo.…` with its fields, and every value recorded into one later.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        if !span.metadata().name().starts_with("arazzo.") {
            return tracing::span::Id::from_u64(u64::MAX);
        }
        let mut line = span.metadata().name().to_owned();
        span.record(&mut Fields(&mut line));
        let mut spans = self.0.lock().expect("lock");
        spans.push(line);
        tracing::span::Id::from_u64(spans.len() as u64)
    }

    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.0.lock().expect("lock");
        if let Some(line) = spans.get_mut((id.into_u64() as usize).wrapping_sub(1)) {
            values.record(&mut Fields(line));
        }
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// The README's promise: a run is a span `arazzo.workflow`, each step an `arazzo.step` that
/// records the response status. The spans are made only when something can see them, so this
/// also checks that a subscriber set after the client was built, and after runs without one,
/// gets them.
#[tokio::test]
async fn every_run_and_step_is_a_tracing_span_for_a_subscriber_that_wants_them() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let client = client_for(&sandbox);
    let run = |card: arazzo_sandbox::fixtures::SeededCard| {
        register_and_activate_sim(
            &client,
            sim_inputs(
                card.sim_id,
                card.registration_secret,
                GROUP_SENSORS.group_id,
            ),
        )
    };
    run(SIM_1)
        .await
        .expect("the run without a subscriber succeeds");

    let spans = Spans::default();
    let guard = tracing::subscriber::set_default(spans.clone());
    run(SIM_2)
        .await
        .expect("the run with a subscriber succeeds");
    drop(guard);

    let step = |name: &str, operation: &str, status: u16| {
        format!(
            "arazzo.step workflow=\"register-and-activate-sim\" step=\"{name}\" operation=\"{operation}\" status={status}"
        )
    };
    assert_eq!(
        *spans.0.lock().expect("lock"),
        vec![
            "arazzo.workflow workflow=\"register-and-activate-sim\"".to_owned(),
            step("registerSim", "registerSim", 201),
            step("activateSim", "activateSim", 200),
            step("setSimGroup", "setSimGroup", 200),
            step("confirmSim", "getSim", 200),
        ]
    );
}

#[test]
fn generated_enums_keep_values_the_description_did_not_list() {
    let status: SimStatus = serde_json::from_str("\"standby\"").expect("known");
    assert_eq!(status, SimStatus::Standby);
    let status: SimStatus = serde_json::from_str("\"hibernating\"").expect("unknown is kept");
    assert_eq!(status, SimStatus::Other("hibernating".into()));
    assert_eq!(status.to_string(), "hibernating");
    assert_eq!(
        serde_json::to_string(&status).expect("json"),
        "\"hibernating\""
    );
    assert_eq!("active".parse::<SimStatus>(), Ok(SimStatus::Active));
}
