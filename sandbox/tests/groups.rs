//! The Group API.

mod common;

use arazzo_sandbox::error::codes;
use arazzo_sandbox::fixtures::{GROUP_SENSORS, GROUP_TRACKERS, SIM_ACTIVE};
use common::{Api, assert_error};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn seeded_groups_are_listed() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let reply = api.get("/groups").await;
    assert_eq!(reply.status, StatusCode::OK);
    let ids: Vec<&str> = reply
        .json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|g| g["groupId"].as_str())
        .collect();
    assert_eq!(ids, [GROUP_SENSORS.group_id, GROUP_TRACKERS.group_id]);
    let reply = api
        .get(&format!("/groups/{}", GROUP_SENSORS.group_id))
        .await;
    assert_eq!(reply.json["tags"]["name"], GROUP_SENSORS.name);
    assert_eq!(reply.json["operatorId"], "OP0012345678");
}

#[tokio::test]
async fn create_get_delete() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let configuration = json!({"SoracomHarvest": {"enabled": true}});
    let reply = api
        .post(
            "/groups",
            json!({"tags": {"name": "Meters"}, "configuration": configuration}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let id = reply.json["groupId"].as_str().expect("groupId").to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(reply.json["configuration"], configuration);
    assert_eq!(sandbox.group(&id), Some(reply.json.clone()));

    let got = api.get(&format!("/groups/{id}")).await;
    assert_eq!(got.json, reply.json);

    let deleted = api
        .send(Method::DELETE, &format!("/groups/{id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(deleted.text.is_empty());
    assert_error(
        &api.get(&format!("/groups/{id}")).await,
        StatusCode::NOT_FOUND,
        codes::NO_SUCH_GROUP,
    );
    assert_error(
        &api.send(Method::DELETE, &format!("/groups/{id}"), None)
            .await,
        StatusCode::NOT_FOUND,
        codes::NO_SUCH_GROUP,
    );
    assert!(sandbox.group(&id).is_none());
}

#[tokio::test]
async fn empty_create_request_gets_name_tag() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let reply = api.post("/groups", json!({})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["tags"], json!({"name": ""}));
    assert_eq!(reply.json["configuration"], json!({}));
}

#[tokio::test]
async fn deleting_a_group_ungroups_its_sims() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let deleted = api
        .send(
            Method::DELETE,
            &format!("/groups/{}", GROUP_SENSORS.group_id),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let sim = sandbox.sim(SIM_ACTIVE.sim_id).expect("seeded");
    assert!(sim["groupId"].is_null());
}
