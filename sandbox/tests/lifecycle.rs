//! Starting, isolating, recording and stopping sandboxes.

mod common;

use std::time::Duration;

use arazzo_sandbox::fixtures::SIM_1;
use common::Api;
use serde_json::json;

#[tokio::test]
async fn sandboxes_have_independent_state() {
    let one = arazzo_sandbox::start().await.expect("starts");
    let two = arazzo_sandbox::start().await.expect("starts");
    assert_ne!(one.addr(), two.addr());
    let api = Api::logged_in(&one).await;
    let reply = api
        .post(
            &format!("/sims/{}/register", SIM_1.sim_id),
            json!({"registrationSecret": SIM_1.registration_secret}),
        )
        .await;
    assert_eq!(reply.status, reqwest::StatusCode::CREATED);
    assert_eq!(one.sim(SIM_1.sim_id).expect("seeded")["status"], "ready");
    assert_eq!(
        two.sim(SIM_1.sim_id).expect("seeded")["status"],
        "unregistered"
    );
    assert!(two.requests().is_empty());
}

#[tokio::test]
async fn requests_are_recorded_with_query_and_status() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    api.get("/sims?limit=10&last_evaluated_key=x%20y").await;
    let requests = sandbox.take_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].raw_path, "/v1/auth");
    assert_eq!(requests[0].status, 200);
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].raw_path, "/v1/sims");
    assert_eq!(
        requests[1].query.as_deref(),
        Some("limit=10&last_evaluated_key=x%20y")
    );
    assert!(requests[1].header("X-Soracom-Token").is_some());
    assert!(requests[1].body.is_empty());
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let url = format!("{}/sims", sandbox.base_url());
    let client = reqwest::Client::new();
    client.get(&url).send().await.expect("serving");
    tokio::time::timeout(Duration::from_secs(10), sandbox.shutdown())
        .await
        .expect("shuts down promptly");
    assert!(client.get(&url).send().await.is_err());
}

#[tokio::test]
async fn drop_stops_the_server() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let url = format!("{}/sims", sandbox.base_url());
    let client = reqwest::Client::new();
    client.get(&url).send().await.expect("serving");
    drop(sandbox);
    // Let the aborted task and the closing connections be polled.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(client.get(&url).send().await.is_err());
}

#[tokio::test]
async fn start_on_a_chosen_address() {
    let addr = "127.0.0.1:0".parse().expect("address");
    let sandbox = arazzo_sandbox::start_on(addr).await.expect("starts");
    assert_eq!(sandbox.addr().ip(), addr.ip());
    assert_ne!(sandbox.addr().port(), 0);
    assert_eq!(
        sandbox.base_url(),
        format!("http://127.0.0.1:{}/v1", sandbox.addr().port())
    );
}
