//! The SPS Subscriptions (v5) fake over HTTP: acknowledgement, polling,
//! outcomes, state rules, validation, authentication, callbacks and the
//! request log.

use std::time::Duration;

use arazzo_sandbox::sps::{self, codes};
use arazzo_sandbox::{Sandbox, SandboxHandle, SpsOutcome};
use axum::http::HeaderMap;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const ICCID: &str = "8961000000000000001";
const OTHER_ICCID: &str = "8961000000000000002";

/// A client of one sandbox's SPS API with the sandbox credentials.
struct Sps {
    client: Client,
    base: String,
}

/// A response's status, headers and JSON body.
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
    json: Value,
}

impl Sps {
    fn new(sandbox: &SandboxHandle) -> Self {
        Self {
            client: Client::new(),
            base: sandbox.sps_base_url(),
        }
    }

    /// A request with the bearer token and customer ID set.
    fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(sps::ACCESS_TOKEN)
            .header(sps::CUSTOMER_ID_HEADER, sps::CUSTOMER_ID)
    }

    fn post(&self, path: &str, body: &Value) -> RequestBuilder {
        self.request(reqwest::Method::POST, path)
            .header("Content-Type", "application/json")
            .body(serde_json::to_vec(body).expect("serialisable"))
    }

    async fn activate(&self, body: &Value) -> Reply {
        send(self.post("/subscription/activate", body)).await
    }

    async fn update(&self, txn: &str, iccid: &str, action: &str) -> Reply {
        let body = json!({"partnerTransactionId": txn, "iccid": iccid, "action": action});
        send(self.post("/subscription/status", &body)).await
    }

    async fn poll(&self, txn: &str) -> Reply {
        let path = format!("/transaction/status/{txn}");
        send(self.request(reqwest::Method::GET, &path)).await
    }

    /// Polls until the transaction is no longer `Pending` (at most `limit`
    /// polls); returns the final reply and how many polls said `Pending`.
    async fn poll_until_done(&self, txn: &str, limit: u32) -> (Reply, u32) {
        let mut pending = 0;
        loop {
            let reply = self.poll(txn).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            if reply.json["status"] != "Pending" || pending == limit {
                return (reply, pending);
            }
            pending += 1;
        }
    }

    /// Activates `subscriber` with `iccid` and polls it to its outcome.
    async fn activated(&self, txn: &str, subscriber: &str, iccid: &str) -> Reply {
        let reply = self.activate(&activation(txn, subscriber, iccid)).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
        self.poll_until_done(txn, 100).await.0
    }
}

async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.expect("request reaches the sandbox");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    };
    Reply {
        status,
        headers,
        text,
        json,
    }
}

fn activation(txn: &str, subscriber: &str, iccid: &str) -> Value {
    json!({
        "partnerTransactionId": txn,
        "subscriberId": subscriber,
        "wholesalePlanId": "Plan001",
        "bucketRefId": ["Bucket001"],
        "location": {"addressLine": "1 Sample Street", "postcode": "3000"},
        "billCycleFrequency": "MONTHLY",
        "billCycleStartDay": 1,
        "gpsiReservationId": "GRID368599719",
        "iccid": iccid,
        "pei": "2288151828896431",
        "eSIMDeliveryMethod": "QR",
        "products": [{"productId": "Data10GB", "action": "add"}]
    })
}

/// Asserts an SPS error body with `status` and `code`.
fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.json["code"], code, "{}", reply.text);
    assert!(reply.json["message"].is_string(), "{}", reply.text);
}

async fn start(builder: Sandbox) -> SandboxHandle {
    builder.start().await.expect("starts")
}

#[tokio::test]
async fn activation_is_acknowledged_then_polled_to_success() {
    let sandbox = start(Sandbox::new()).await;
    let api = Sps::new(&sandbox);
    let reply = api.activate(&activation("Txn1", "Sub001", ICCID)).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    assert_eq!(reply.json, json!({"status": "Success"}));
    let subscription = sandbox.sps_subscription("Sub001").expect("created");
    assert_eq!(subscription["status"], "Pending");
    assert_eq!(subscription["iccid"], ICCID);
    assert_eq!(subscription["wholesaleCustomerId"], sps::CUSTOMER_ID);

    let (reply, pending) = api.poll_until_done("Txn1", 100).await;
    assert_eq!(pending, sps::DEFAULT_PENDING_POLLS);
    assert_eq!(reply.json["status"], "Success");
    assert_eq!(reply.json["partnerTransactionId"], "Txn1");
    assert_eq!(reply.json["transactionType"], "ActivateSubscription");
    assert_eq!(reply.json["action"], "Activate");
    assert_eq!(reply.json["subscriberId"], "Sub001");
    assert_eq!(reply.json["iccid"], ICCID);
    assert_eq!(reply.json["subscriptionStatus"], "Active");
    assert!(reply.json.get("error").is_none());
    assert_eq!(sandbox.sps_polls("Txn1"), Some(3));
    assert_eq!(
        sandbox.sps_subscription("Sub001").expect("exists")["status"],
        "Active"
    );
    // Reading through the handle does not count as a poll.
    assert_eq!(
        sandbox.sps_transaction("Txn1").expect("exists")["status"],
        "Success"
    );
    assert_eq!(sandbox.sps_polls("Txn1"), Some(3));
}

#[tokio::test]
async fn the_configured_number_of_polls_say_pending() {
    for polls in [0, 1, 5] {
        let sandbox = start(Sandbox::new().sps_pending_polls(polls)).await;
        let api = Sps::new(&sandbox);
        let reply = api.activate(&activation("Txn1", "Sub001", ICCID)).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
        let expected = if polls == 0 { "Active" } else { "Pending" };
        assert_eq!(
            sandbox.sps_subscription("Sub001").expect("exists")["status"],
            expected
        );
        let (reply, pending) = api.poll_until_done("Txn1", 100).await;
        assert_eq!(pending, polls);
        assert_eq!(reply.json["status"], "Success");
        assert_eq!(sandbox.sps_polls("Txn1"), Some(polls + 1));
    }
}

#[tokio::test]
async fn an_activation_can_be_made_to_fail_while_others_succeed() {
    let sandbox = start(
        Sandbox::new()
            .sps_pending_polls(1)
            .sps_outcome_for("Sub-broken", SpsOutcome::Failure),
    )
    .await;
    let api = Sps::new(&sandbox);
    let broken = api.activated("Txn1", "Sub-broken", ICCID).await;
    assert_eq!(broken.json["status"], "Failure");
    assert_eq!(broken.json["error"]["code"], codes::PROVISIONING_FAILED);
    assert!(broken.json["error"]["message"].is_string());
    assert_eq!(broken.json["subscriptionStatus"], "Failed");
    assert_eq!(
        sandbox.sps_subscription("Sub-broken").expect("kept")["status"],
        "Failed"
    );

    // The failed activation freed the ICCID; another subscriber takes it.
    let ok = api.activated("Txn2", "Sub-fine", ICCID).await;
    assert_eq!(ok.json["status"], "Success");

    // The reserved prefix works without configuration.
    let prefixed = api
        .activated("Txn3", &format!("{}x", sps::FAIL_PREFIX), OTHER_ICCID)
        .await;
    assert_eq!(prefixed.json["status"], "Failure");
}

#[tokio::test]
async fn a_failed_update_leaves_the_subscription_as_it_was() {
    let sandbox = start(
        Sandbox::new()
            .sps_pending_polls(0)
            .sps_outcome_for("Txn-suspend", SpsOutcome::Failure),
    )
    .await;
    let api = Sps::new(&sandbox);
    api.activated("Txn1", "Sub001", ICCID).await;
    let reply = api.update("Txn-suspend", ICCID, "Suspend").await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let reply = api.poll("Txn-suspend").await;
    assert_eq!(reply.json["status"], "Failure");
    assert_eq!(reply.json["transactionType"], "UpdateSubscriptionStatus");
    assert_eq!(reply.json["subscriptionStatus"], "Active");
    // A retry under a new partnerTransactionId succeeds.
    api.update("Txn-suspend-2", ICCID, "Suspend").await;
    let reply = api.poll("Txn-suspend-2").await;
    assert_eq!(reply.json["status"], "Success");
    assert_eq!(reply.json["subscriptionStatus"], "Suspended");
}

#[tokio::test]
async fn a_transaction_can_stay_pending_forever() {
    let sandbox = start(Sandbox::new().sps_pending_polls(u32::MAX)).await;
    let api = Sps::new(&sandbox);
    api.activate(&activation("Txn1", "Sub001", ICCID)).await;
    let (reply, pending) = api.poll_until_done("Txn1", 30).await;
    assert_eq!(pending, 30);
    assert_eq!(reply.json["status"], "Pending");
    assert_eq!(sandbox.sps_polls("Txn1"), Some(31));
    assert_eq!(
        sandbox.sps_subscription("Sub001").expect("exists")["status"],
        "Pending"
    );

    // Per transaction, with the default settings: the reserved prefix.
    let sandbox = start(Sandbox::new().sps_pending_polls(0)).await;
    let api = Sps::new(&sandbox);
    let txn = format!("{}Txn", sps::NEVER_PREFIX);
    api.activate(&activation(&txn, "Sub001", ICCID)).await;
    let (reply, pending) = api.poll_until_done(&txn, 10).await;
    assert_eq!(
        (pending, reply.json["status"].as_str()),
        (10, Some("Pending"))
    );
    let other = api.activated("Txn2", "Sub002", OTHER_ICCID).await;
    assert_eq!(other.json["status"], "Success");
}

#[tokio::test]
async fn state_rules_follow_the_documented_conditions() {
    let sandbox = start(Sandbox::new().sps_pending_polls(0)).await;
    let api = Sps::new(&sandbox);
    api.activated("Txn0", "Sub001", ICCID).await;
    let steps = [
        ("Resume", false, "Active"),
        ("Reactivate", false, "Active"),
        ("Suspend", true, "Suspended"),
        ("Suspend", false, "Suspended"),
        ("Cease", false, "Suspended"),
        ("Reactivate", false, "Suspended"),
        ("Resume", true, "Active"),
        ("Cease", true, "Ceased"),
        ("Suspend", false, "Ceased"),
        ("Resume", false, "Ceased"),
        ("Cease", false, "Ceased"),
        ("Reactivate", true, "Active"),
    ];
    for (i, (action, allowed, after)) in steps.into_iter().enumerate() {
        let txn = format!("Txn{}", i + 1);
        let reply = api.update(&txn, ICCID, action).await;
        if allowed {
            assert_eq!(
                reply.status,
                StatusCode::ACCEPTED,
                "{action}: {}",
                reply.text
            );
            assert_eq!(api.poll(&txn).await.json["status"], "Success");
        } else {
            assert_error(&reply, StatusCode::CONFLICT, codes::INVALID_TRANSITION);
            assert!(sandbox.sps_transaction(&txn).is_none(), "{action}");
        }
        let subscription = sandbox.sps_subscription("Sub001").expect("exists");
        assert_eq!(subscription["status"], after, "after {action}");
    }
}

#[tokio::test]
async fn conflicts_and_unknown_ids() {
    let sandbox = start(Sandbox::new().sps_pending_polls(1)).await;
    let api = Sps::new(&sandbox);
    api.activate(&activation("Txn1", "Sub001", ICCID)).await;

    // Nothing may happen to a subscription while a transaction is pending.
    let reply = api.update("Txn2", ICCID, "Suspend").await;
    assert_error(&reply, StatusCode::CONFLICT, codes::TRANSACTION_IN_PROGRESS);

    let reply = api
        .activate(&activation("Txn1", "Sub002", OTHER_ICCID))
        .await;
    assert_error(&reply, StatusCode::CONFLICT, codes::DUPLICATE_TRANSACTION);
    let reply = api
        .activate(&activation("Txn3", "Sub001", OTHER_ICCID))
        .await;
    assert_error(&reply, StatusCode::CONFLICT, codes::SUBSCRIPTION_EXISTS);
    let reply = api.activate(&activation("Txn4", "Sub002", ICCID)).await;
    assert_error(&reply, StatusCode::CONFLICT, codes::IDENTIFIER_IN_USE);

    api.poll_until_done("Txn1", 10).await;
    let reply = api.update("Txn1", ICCID, "Suspend").await;
    assert_error(&reply, StatusCode::CONFLICT, codes::DUPLICATE_TRANSACTION);
    let reply = api.update("Txn5", OTHER_ICCID, "Suspend").await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_SUBSCRIPTION);
    let reply = api.poll("Txn-unknown").await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_TRANSACTION);
}

#[tokio::test]
async fn updates_can_name_the_gpsi_instead_of_the_iccid() {
    let sandbox = start(Sandbox::new().sps_pending_polls(0)).await;
    let api = Sps::new(&sandbox);
    let mut body = activation("Txn1", "Sub001", ICCID);
    body["gpsi"] = json!("19459986891");
    api.activate(&body).await;
    // The documentation's own sample sends the GPSI as a number.
    let body =
        json!({"partnerTransactionId": "Txn2", "gpsi": 19_459_986_891_u64, "action": "Suspend"});
    let reply = send(api.post("/subscription/status", &body)).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    assert_eq!(
        api.poll("Txn2").await.json["subscriptionStatus"],
        "Suspended"
    );
}

#[tokio::test]
async fn invalid_fields_are_400_naming_the_field() {
    let sandbox = start(Sandbox::new()).await;
    let api = Sps::new(&sandbox);
    let reply = api
        .activate(&activation("Txn1", "Sub001", "89610000ABC"))
        .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::INVALID_REQUEST);
    assert_eq!(reply.json["details"][0]["field"], "iccid");
    assert!(
        reply.json["message"]
            .as_str()
            .expect("text")
            .contains("iccid")
    );
    assert!(sandbox.sps_subscription("Sub001").is_none());
    assert!(sandbox.sps_transaction("Txn1").is_none());

    let reply = api.update("Txn2", "123", "Suspend").await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::INVALID_REQUEST);
    assert_eq!(reply.json["details"][0]["field"], "iccid");

    let reply = api.update("Txn2", ICCID, "Pause").await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::INVALID_REQUEST);
    assert_eq!(reply.json["details"][0]["field"], "action");

    let mut body = activation("Txn3", "Sub001", ICCID);
    body["billCycleStartDay"] = json!(31);
    body["gpsi"] = json!("12345");
    body.as_object_mut().expect("object").remove("location");
    let reply = api.activate(&body).await;
    let fields: Vec<&str> = reply.json["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(fields, ["location", "billCycleStartDay", "gpsi"]);

    let reply = send(
        api.request(reqwest::Method::POST, "/subscription/activate")
            .header("Content-Type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::MALFORMED_BODY);
    let reply = send(
        api.request(reqwest::Method::POST, "/subscription/activate")
            .body(serde_json::to_vec(&activation("Txn4", "Sub001", ICCID)).expect("json")),
    )
    .await;
    assert_error(
        &reply,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        codes::UNSUPPORTED_MEDIA_TYPE,
    );
    let long = "x".repeat(37);
    let reply = api.poll(&long).await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::INVALID_REQUEST);
}

#[tokio::test]
async fn credentials_and_customer_id_are_checked_first() {
    let sandbox = start(Sandbox::new()).await;
    let url = format!("{}/subscription/activate", sandbox.sps_base_url());
    let client = Client::new();

    // No token: 401 before the (invalid) body is looked at.
    let reply = send(client.post(&url).body("{")).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::MISSING_TOKEN);
    assert_eq!(reply.headers["www-authenticate"], "Bearer");
    let reply = send(client.post(&url).basic_auth("user", Some("pw"))).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::MISSING_TOKEN);
    let reply = send(client.post(&url).bearer_auth("guess-token")).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::INVALID_TOKEN);
    assert!(!reply.text.contains("guess-token"));
    let poll = format!("{}/transaction/status/Txn1", sandbox.sps_base_url());
    let reply = send(client.get(&poll)).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, codes::MISSING_TOKEN);

    // A token but no wholesaleCustomerId: 400 naming the header.
    let body = serde_json::to_vec(&activation("Txn1", "Sub001", ICCID)).expect("json");
    let without_customer = || {
        client
            .post(&url)
            .bearer_auth(sps::ACCESS_TOKEN)
            .header("Content-Type", "application/json")
            .body(body.clone())
    };
    let reply = send(without_customer()).await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::INVALID_REQUEST);
    assert_eq!(reply.json["details"][0]["field"], sps::CUSTOMER_ID_HEADER);
    let reply = send(without_customer().header(sps::CUSTOMER_ID_HEADER, "1234567890123")).await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::INVALID_REQUEST);
    assert!(sandbox.sps_transaction("Txn1").is_none());

    // Optional, as the documentation has it, when configured so.
    let lenient = start(Sandbox::new().sps_require_customer_id(false)).await;
    let url = format!("{}/subscription/activate", lenient.sps_base_url());
    let reply = send(
        client
            .post(&url)
            .bearer_auth(sps::ACCESS_TOKEN)
            .header("Content-Type", "application/json")
            .body(body.clone()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    assert!(lenient.sps_subscription("Sub001").expect("created")["wholesaleCustomerId"].is_null());
}

#[tokio::test]
async fn unknown_sps_paths_and_methods_get_sps_errors() {
    let sandbox = start(Sandbox::new()).await;
    let client = Client::new();
    let base = sandbox.sps_base_url();
    let reply = send(client.get(format!("{base}/subscriptions"))).await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_ROUTE);
    let reply = send(client.get(format!("{base}/subscription/activate"))).await;
    assert_error(
        &reply,
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
    );
    // The Soracom fake is untouched.
    let reply = send(client.get(format!("{}/sims", sandbox.base_url()))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json["code"], "SBX0002");
}

/// A one-route HTTP server that forwards every POST it receives.
async fn callback_receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Value)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/sps-events",
        axum::routing::post(
            move |headers: HeaderMap, axum::Json(body): axum::Json<Value>| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send((headers, body));
                    StatusCode::NO_CONTENT
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let url = format!("http://{}/sps-events", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx)
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<(HeaderMap, Value)>) -> (HeaderMap, Value) {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("notification within 10 s")
        .expect("receiver open")
}

#[tokio::test]
async fn completions_are_posted_to_the_callback_url() {
    let (url, mut events) = callback_receiver().await;
    let sandbox = start(
        Sandbox::new()
            .sps_pending_polls(1)
            .sps_callback_url(url)
            .sps_outcome_for("Txn-bad", SpsOutcome::Failure),
    )
    .await;
    let api = Sps::new(&sandbox);
    let reply = send(
        api.post(
            "/subscription/activate",
            &activation("Txn1", "Sub001", ICCID),
        )
        .header(sps::CORRELATION_ID_HEADER, "corr-activate-1"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    // Nothing is sent while the transaction is pending.
    assert!(
        tokio::time::timeout(Duration::from_millis(100), events.recv())
            .await
            .is_err()
    );
    let last_pending = api.poll("Txn1").await;
    assert_eq!(last_pending.json["status"], "Pending");

    let (headers, body) = next_event(&mut events).await;
    assert_eq!(body["status"], "Success");
    assert_eq!(body["partnerTransactionId"], "Txn1");
    assert_eq!(body["subscriptionStatus"], "Active");
    assert_eq!(headers["x-correlation-id"], "corr-activate-1");
    assert_eq!(headers["wholesalecustomerid"], sps::CUSTOMER_ID);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(body, sandbox.sps_transaction("Txn1").expect("exists"));

    api.update("Txn-bad", ICCID, "Suspend").await;
    api.poll("Txn-bad").await;
    let (headers, body) = next_event(&mut events).await;
    assert_eq!(body["status"], "Failure");
    assert_eq!(body["error"]["code"], codes::PROVISIONING_FAILED);
    assert!(headers.get("x-correlation-id").is_none());
}

#[tokio::test]
async fn every_request_is_logged_with_its_correlation_id() {
    let sandbox = start(Sandbox::new().sps_pending_polls(0)).await;
    let api = Sps::new(&sandbox);
    let sent = [
        send(
            api.post(
                "/subscription/activate",
                &activation("Txn1", "Sub001", ICCID),
            )
            .header(sps::CORRELATION_ID_HEADER, "corr-1"),
        )
        .await,
        send(
            api.request(reqwest::Method::GET, "/transaction/status/Txn1")
                .header(sps::CORRELATION_ID_HEADER, "corr-2"),
        )
        .await,
        send(
            api.post(
                "/subscription/status",
                &json!({"partnerTransactionId": "Txn2", "iccid": ICCID, "action": "Resume"}),
            )
            .header(sps::CORRELATION_ID_HEADER, "corr-3"),
        )
        .await,
    ];
    // Echoed on every answer, errors included.
    for (reply, id) in sent.iter().zip(["corr-1", "corr-2", "corr-3"]) {
        assert_eq!(reply.headers["x-correlation-id"], id);
    }
    let log = sandbox.take_requests();
    let seen: Vec<_> = log
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.raw_path.as_str(),
                r.header(sps::CORRELATION_ID_HEADER),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("POST", "/sps/v5/subscription/activate", Some("corr-1"), 202),
            (
                "GET",
                "/sps/v5/transaction/status/Txn1",
                Some("corr-2"),
                200
            ),
            ("POST", "/sps/v5/subscription/status", Some("corr-3"), 409),
        ]
    );
    assert_eq!(log[0].json().expect("JSON")["subscriberId"], "Sub001");
    assert_eq!(
        log[0].header("authorization"),
        Some("Bearer sps-sandbox-token-0001")
    );
}

#[tokio::test]
async fn sps_base_url_sits_beside_the_soracom_one() {
    let sandbox = start(Sandbox::new()).await;
    assert_eq!(
        sandbox.sps_base_url(),
        format!("http://127.0.0.1:{}/sps/v5", sandbox.addr().port())
    );
}
