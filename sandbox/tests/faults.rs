//! Fault injection over real HTTP: each fault kind does what it says to exactly the requests its
//! rule selects, changes no state when it answers instead of the API, and is in the request log.

mod common;

use std::time::{Duration, Instant};

use arazzo_sandbox::{Fault, FaultRule, Sandbox, fixtures};
use common::Api;
use reqwest::StatusCode;
use serde_json::json;

fn register_path() -> String {
    format!("/sims/{}/register", fixtures::SIM_1.sim_id)
}

fn register_body() -> serde_json::Value {
    json!({"registrationSecret": fixtures::SIM_1.registration_secret})
}

#[tokio::test]
async fn a_status_fault_answers_instead_of_the_api_on_the_selected_request_only() {
    let sandbox = Sandbox::new()
        .fault(
            FaultRule::new(Fault::unavailable(7))
                .method("POST")
                .path("/v1/sims/*/register")
                .nth(1),
        )
        .start()
        .await
        .expect("sandbox");
    let api = Api::logged_in(&sandbox).await;

    let response = api
        .client
        .post(format!("{}{}", api.base, register_path()))
        .header(
            "X-Soracom-API-Key",
            &api.credentials.as_ref().expect("key").0,
        )
        .header(
            "X-Soracom-Token",
            &api.credentials.as_ref().expect("token").1,
        )
        .header("Content-Type", "application/json")
        .body(register_body().to_string())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "7");
    let body: serde_json::Value =
        serde_json::from_str(&response.text().await.expect("body")).expect("json");
    assert_eq!(body["code"], "SBX0900");
    assert_eq!(
        sandbox.sim(fixtures::SIM_1.sim_id).expect("sim")["status"],
        "unregistered",
        "a status fault must not reach the API"
    );

    // The second matching request is not selected: the real answer.
    let reply = api.post(&register_path(), register_body()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);

    let log = sandbox.requests();
    let faults: Vec<(u16, Option<&str>)> =
        log.iter().map(|r| (r.status, r.fault.as_deref())).collect();
    assert_eq!(
        faults,
        vec![(200, None), (503, Some("status 503")), (201, None)],
        "auth, the faulted register, the real one"
    );
}

#[tokio::test]
async fn a_drop_closes_the_connection_without_a_response() {
    let sandbox = Sandbox::new()
        .fault(FaultRule::new(Fault::Drop).path("/v1/groups").first(1))
        .start()
        .await
        .expect("sandbox");
    let api = Api::logged_in(&sandbox).await;
    let error = api
        .client
        .get(format!("{}/groups", api.base))
        .send()
        .await
        .expect_err("no response");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(error.status().is_none());

    let reply = api.get("/groups").await;
    assert_eq!(reply.status, StatusCode::OK, "the next one is real");

    let log = sandbox.requests();
    assert_eq!(log[1].status, 0);
    assert_eq!(log[1].fault.as_deref(), Some("drop"));
    assert_eq!(log[2].fault, None);
}

#[tokio::test]
async fn body_faults_send_exactly_the_given_bytes_and_truncation_halves_the_real_body() {
    let sandbox = arazzo_sandbox::start().await.expect("sandbox");
    let api = Api::logged_in(&sandbox).await;
    sandbox.inject(
        FaultRule::new(Fault::body(
            200,
            Some("text/html"),
            "<html>maintenance</html>",
        ))
        .method("GET")
        .path("/v1/groups/*")
        .nth(1),
    );
    sandbox.inject(
        FaultRule::new(Fault::Truncate)
            .method("GET")
            .path("/v1/groups/*")
            .nth(2),
    );
    let path = format!("/groups/{}", fixtures::GROUP_SENSORS.group_id);
    let request = || async {
        let (key, token) = api.credentials.clone().expect("credentials");
        let response = api
            .client
            .get(format!("{}{path}", api.base))
            .header("X-Soracom-API-Key", key)
            .header("X-Soracom-Token", token)
            .send()
            .await
            .expect("answered");
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("text")
            .to_owned();
        (content_type, response.text().await.expect("body"))
    };
    let (content_type, text) = request().await;
    assert_eq!(
        (content_type.as_str(), text.as_str()),
        ("text/html", "<html>maintenance</html>")
    );
    let (_, truncated) = request().await;
    let (content_type, whole) = request().await;
    assert_eq!(content_type, "application/json");
    assert!(serde_json::from_str::<serde_json::Value>(&whole).is_ok());
    assert_eq!(truncated, whole[..whole.len() / 2]);
    assert!(serde_json::from_str::<serde_json::Value>(&truncated).is_err());

    sandbox.clear_faults();
    assert_eq!(request().await.1, whole);
}

#[tokio::test]
async fn a_delay_answers_late_and_a_hang_never_answers_until_shutdown() {
    let sandbox = Sandbox::new()
        .fault(
            FaultRule::new(Fault::Delay(Duration::from_millis(300)))
                .path("/v1/sims")
                .nth(1),
        )
        .fault(FaultRule::new(Fault::Hang).path("/v1/subscribers"))
        .start()
        .await
        .expect("sandbox");
    let api = Api::logged_in(&sandbox).await;

    let started = Instant::now();
    let reply = api.get("/sims").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let hung = api
        .client
        .get(format!("{}/subscribers", api.base))
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("no answer");
    assert!(hung.is_timeout(), "{hung:?}");
    assert!(sandbox.open_connections() >= 1);

    // Shutting down lets the hung request go, so the server stops well within its grace period
    // instead of waiting for an answer that never comes.
    let started = Instant::now();
    sandbox.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "shutdown waited for the hung request: {:?}",
        started.elapsed()
    );
}
