//! The Subscriber API, and that it shares state with the SIM API.

mod common;

use arazzo_sandbox::error::codes;
use arazzo_sandbox::fixtures::{GROUP_SENSORS, GROUP_TRACKERS, SIM_ACTIVE, SUBSCRIBER_1};
use common::{Api, assert_error};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn register_activate_set_group_and_get() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let imsi = SUBSCRIBER_1.imsi;

    let reply = api
        .post(
            &format!("/subscribers/{imsi}/register"),
            json!({"registrationSecret": SUBSCRIBER_1.registration_secret, "groupId": GROUP_SENSORS.group_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["imsi"], imsi);
    assert_eq!(reply.json["status"], "ready");
    assert_eq!(reply.json["iccid"], SUBSCRIBER_1.iccid);
    assert_eq!(reply.json["msisdn"], SUBSCRIBER_1.msisdn);
    assert_eq!(reply.json["groupId"], GROUP_SENSORS.group_id);
    assert!(reply.json["registeredTime"].is_i64());

    let reply = api
        .post_empty(&format!("/subscribers/{imsi}/activate"))
        .await;
    assert_eq!(reply.json["status"], "active");

    let reply = api
        .post(
            &format!("/subscribers/{imsi}/set_group"),
            json!({"groupId": GROUP_TRACKERS.group_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["groupId"], GROUP_TRACKERS.group_id);

    let reply = api.get(&format!("/subscribers/{imsi}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["status"], "active");
    assert_eq!(reply.json["groupId"], GROUP_TRACKERS.group_id);
    assert_eq!(sandbox.subscriber(imsi), Some(reply.json.clone()));

    // The same card seen through the SIM API.
    let sim = api.get(&format!("/sims/{}", SUBSCRIBER_1.sim_id)).await;
    assert_eq!(sim.json["status"], "active");
    assert_eq!(sim.json["groupId"], GROUP_TRACKERS.group_id);

    let listed = api.get("/subscribers").await;
    let imsis: Vec<&str> = listed
        .json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|s| s["imsi"].as_str())
        .collect();
    assert_eq!(imsis, [imsi, SIM_ACTIVE.imsi]);
}

#[tokio::test]
async fn errors() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let imsi = SUBSCRIBER_1.imsi;
    let reply = api
        .post(
            &format!("/subscribers/{imsi}/register"),
            json!({"registrationSecret": "nope"}),
        )
        .await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        codes::INVALID_REGISTRATION_SECRET,
    );
    assert_error(
        &api.get(&format!("/subscribers/{imsi}")).await,
        StatusCode::NOT_FOUND,
        codes::NO_SUCH_SUBSCRIBER,
    );
    let reply = api.get("/subscribers/999").await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_SUBSCRIBER);
    assert_eq!(reply.json["message"], "No such subscriber: 999");
    let reply = api
        .post_empty(&format!("/subscribers/{imsi}/activate"))
        .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::NOT_REGISTERED);
    assert_eq!(
        sandbox.subscriber(imsi).expect("in inventory")["status"],
        "unregistered"
    );
}
