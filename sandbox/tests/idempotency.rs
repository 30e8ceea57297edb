//! The correlation id as an idempotency key: a state-changing request repeated with the same
//! `X-Correlation-Id`, method, path and body after it succeeded is answered again, not acted on
//! twice; anything else is handled as before.

mod common;

use std::time::Duration;

use arazzo_sandbox::error::codes;
use arazzo_sandbox::fixtures::{GROUP_SENSORS, GROUP_TRACKERS, SIM_1, SIM_2};
use arazzo_sandbox::{CORRELATION_ID_HEADER, Fault, FaultRule, Sandbox, SandboxHandle, sps};
use common::{Api, Reply, assert_error};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// `POST path` with `body` (JSON, or none) and correlation id `id`.
async fn post(api: &Api, path: &str, body: Option<Value>, id: &str) -> Reply {
    api.send_with(Method::POST, path, body, &[(CORRELATION_ID_HEADER, id)])
        .await
}

fn register_body() -> Option<Value> {
    Some(json!({"registrationSecret": SIM_1.registration_secret}))
}

/// `(method, path, status, replayed)` of every logged request.
fn log(sandbox: &SandboxHandle) -> Vec<(String, String, u16, bool)> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.raw_path != "/v1/auth")
        .map(|r| (r.method, r.raw_path, r.status, r.replayed))
        .collect()
}

#[tokio::test]
async fn a_repeated_successful_request_gets_the_same_answer_and_changes_nothing() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let register = format!("/sims/{}/register", SIM_1.sim_id);
    let activate = format!("/sims/{}/activate", SIM_1.sim_id);

    let first = post(&api, &register, register_body(), "run-1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let activated = post(&api, &activate, None, "run-1").await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);

    // The registration sent again, as a client that lost the connection would: the earlier
    // answer, byte for byte (the SIM as it was then, `ready`); the SIM stays active.
    let again = post(&api, &register, register_body(), "run-1").await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.text, first.text);
    assert_eq!(again.json["status"], "ready");
    let sim = sandbox.sim(SIM_1.sim_id).expect("seeded");
    assert_eq!(sim["status"], "active");

    let path = |p: &str| format!("/v1{p}");
    assert_eq!(
        log(&sandbox),
        [
            ("POST".into(), path(&register), 201, false),
            ("POST".into(), path(&activate), 200, false),
            ("POST".into(), path(&register), 201, true),
        ]
    );
}

#[tokio::test]
async fn another_correlation_id_or_none_is_refused_as_before() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let register = format!("/sims/{}/register", SIM_1.sim_id);
    let first = post(&api, &register, register_body(), "run-1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);

    let other = post(&api, &register, register_body(), "run-2").await;
    assert_error(&other, StatusCode::BAD_REQUEST, codes::ALREADY_REGISTERED);
    let none = api
        .post(&register, json!({"registrationSecret": "12345"}))
        .await;
    assert_error(&none, StatusCode::BAD_REQUEST, codes::ALREADY_REGISTERED);
    assert!(sandbox.requests().iter().all(|r| !r.replayed));
}

#[tokio::test]
async fn a_failed_request_is_not_remembered() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let activate = format!("/sims/{}/activate", SIM_2.sim_id);

    // Refused (not registered yet): sent again once that changed, it is handled anew.
    let refused = post(&api, &activate, None, "run-1").await;
    assert_error(&refused, StatusCode::BAD_REQUEST, codes::NOT_REGISTERED);
    let body = json!({"registrationSecret": SIM_2.registration_secret});
    let registered = api
        .post(&format!("/sims/{}/register", SIM_2.sim_id), body)
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text
    );
    let activated = post(&api, &activate, None, "run-1").await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    assert_eq!(activated.json["status"], "active");
    assert!(sandbox.requests().iter().all(|r| !r.replayed));
}

#[tokio::test]
async fn the_same_key_with_another_body_is_a_new_request() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let id = SIM_1.sim_id;
    post(
        &api,
        &format!("/sims/{id}/register"),
        register_body(),
        "run-1",
    )
    .await;
    let set_group = format!("/sims/{id}/set_group");
    let to = |group: &str| Some(json!({"groupId": group}));

    // Sensors, trackers, sensors again: only the latest success per key is replayed, so the
    // third is handled too.
    for group in [GROUP_SENSORS, GROUP_TRACKERS, GROUP_SENSORS] {
        let reply = post(&api, &set_group, to(group.group_id), "run-1").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(sandbox.sim(id).expect("seeded")["groupId"], group.group_id);
    }
    assert!(sandbox.requests().iter().all(|r| !r.replayed));
}

#[tokio::test]
async fn reads_and_callers_without_credentials_get_no_replay() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let id = SIM_1.sim_id;
    let register = format!("/sims/{id}/register");
    post(&api, &register, register_body(), "run-1").await;

    let anonymous = Api::anonymous(&sandbox);
    let refused = post(&anonymous, &register, register_body(), "run-1").await;
    assert_error(&refused, StatusCode::UNAUTHORIZED, codes::MISSING_API_KEY);

    // A poll reads the state as it is now, whatever its correlation id.
    let sim = format!("/sims/{id}");
    let read = [(CORRELATION_ID_HEADER, "run-1")];
    let before = api.send_with(Method::GET, &sim, None, &read).await;
    assert_eq!(before.json["status"], "ready");
    post(&api, &format!("/sims/{id}/activate"), None, "run-1").await;
    let after = api.send_with(Method::GET, &sim, None, &read).await;
    assert_eq!(after.json["status"], "active");
    assert!(sandbox.requests().iter().all(|r| !r.replayed));
}

/// Two copies in flight at once (both held by a delay): they are handled one after the other,
/// and the second is a replay of the first.
#[tokio::test]
async fn copies_sent_at_once_are_handled_once() {
    let sandbox = Sandbox::new()
        .fault(
            FaultRule::new(Fault::Delay(Duration::from_millis(200)))
                .method("POST")
                .path("/v1/sims/*/register"),
        )
        .start()
        .await
        .expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let register = format!("/sims/{}/register", SIM_1.sim_id);
    let (a, b) = tokio::join!(
        post(&api, &register, register_body(), "run-1"),
        post(&api, &register, register_body(), "run-1"),
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(a.text, b.text);
    let replayed: Vec<bool> = sandbox
        .requests()
        .iter()
        .filter(|r| r.raw_path.ends_with("/register"))
        .map(|r| r.replayed)
        .collect();
    assert_eq!(replayed, [false, true]);
}

/// The same rule on the SPS routes: an activation sent again is acknowledged again without a
/// second transaction; the same body under another correlation id is a duplicate transaction.
#[tokio::test]
async fn an_sps_activation_sent_again_starts_one_transaction() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let client = reqwest::Client::new();
    let activation = json!({
        "partnerTransactionId": "Txn1",
        "subscriberId": "Sub001",
        "wholesalePlanId": "Plan001",
        "location": {"postcode": "3000"},
        "iccid": "8961000000000000001",
    });
    let activate = |id: &'static str| {
        client
            .post(format!("{}/subscription/activate", sandbox.sps_base_url()))
            .bearer_auth(sps::ACCESS_TOKEN)
            .header(sps::CUSTOMER_ID_HEADER, sps::CUSTOMER_ID)
            .header(CORRELATION_ID_HEADER, id)
            .header("Content-Type", "application/json")
            .body(activation.to_string())
            .send()
    };
    for _ in 0..2 {
        let reply = activate("corr-1").await.expect("answered");
        assert_eq!(reply.status(), StatusCode::ACCEPTED);
        assert_eq!(reply.headers()["x-correlation-id"], "corr-1");
    }
    let other = activate("corr-2").await.expect("answered");
    assert_eq!(other.status(), StatusCode::CONFLICT);
    let subscription = sandbox.sps_subscription("Sub001").expect("activated");
    assert_eq!(subscription["partnerTransactionIds"], json!(["Txn1"]));
    let replayed: Vec<bool> = sandbox.requests().iter().map(|r| r.replayed).collect();
    assert_eq!(replayed, [false, true, false]);
}
