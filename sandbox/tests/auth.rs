//! `POST /v1/auth` and the credential check on every other route.

mod common;

use arazzo_sandbox::error::codes;
use arazzo_sandbox::fixtures;
use common::{Api, assert_error};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn auth_key_and_email_logins_issue_fresh_pairs() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::anonymous(&sandbox);
    let first = api
        .post(
            "/auth",
            json!({"authKeyId": fixtures::AUTH_KEY_ID, "authKey": fixtures::AUTH_KEY}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json["operatorId"], fixtures::OPERATOR_ID);
    assert!(
        first.json["apiKey"]
            .as_str()
            .expect("key")
            .starts_with("api-")
    );

    let second = api
        .post(
            "/auth",
            json!({"email": fixtures::OPERATOR_EMAIL, "password": fixtures::OPERATOR_PASSWORD}),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_ne!(first.json["apiKey"], second.json["apiKey"]);
    assert_ne!(first.json["token"], second.json["token"]);
}

#[tokio::test]
async fn wrong_credentials_are_401() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::anonymous(&sandbox);
    let reply = api
        .post(
            "/auth",
            json!({"authKeyId": fixtures::AUTH_KEY_ID, "authKey": "guess"}),
        )
        .await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::INVALID_CREDENTIALS);
    assert!(!reply.text.contains("guess"));
    let reply = api
        .post(
            "/auth",
            json!({"email": fixtures::OPERATOR_EMAIL, "password": "x"}),
        )
        .await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::INVALID_CREDENTIALS);
    let reply = api.post("/auth", json!({"authKeyId": "only-id"})).await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::BAD_REQUEST);
}

#[tokio::test]
async fn missing_or_unknown_headers_are_401_without_echo() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let path = format!("/sims/{}", fixtures::SIM_ACTIVE.sim_id);

    let reply = Api::anonymous(&sandbox).get(&path).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::MISSING_API_KEY);

    let (key, token) = sandbox.issue_credentials();
    let client = reqwest::Client::new();
    let url = format!("{}{path}", sandbox.base_url());
    let only_key = client
        .get(&url)
        .header("X-Soracom-API-Key", &key)
        .send()
        .await
        .expect("sent");
    assert_eq!(only_key.status(), StatusCode::UNAUTHORIZED);
    let body = only_key.text().await.expect("body");
    assert!(!body.contains(&key), "{body}");

    let forged = format!("{token}x");
    let mismatched = client
        .get(&url)
        .header("X-Soracom-API-Key", &key)
        .header("X-Soracom-Token", &forged)
        .send()
        .await
        .expect("sent");
    assert_eq!(mismatched.status(), StatusCode::UNAUTHORIZED);
    let body = mismatched.text().await.expect("body");
    assert!(!body.contains(&key) && !body.contains(&forged), "{body}");
    assert!(body.contains(codes::INVALID_API_KEY), "{body}");

    let ok = client
        .get(&url)
        .header("x-soracom-api-key", &key)
        .header("x-soracom-token", &token)
        .send()
        .await
        .expect("sent");
    assert_eq!(ok.status(), StatusCode::OK);

    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 401, 401, 200]);
}

#[tokio::test]
async fn credentials_are_per_sandbox() {
    let one = arazzo_sandbox::start().await.expect("starts");
    let two = arazzo_sandbox::start().await.expect("starts");
    let mut api = Api::logged_in(&one).await;
    api.base = two.base_url();
    let reply = api.get("/sims").await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::INVALID_API_KEY);
}
