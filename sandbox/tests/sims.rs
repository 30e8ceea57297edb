//! The SIM API over HTTP: the onboarding happy path and its failure modes.

mod common;

use arazzo_sandbox::error::codes;
use arazzo_sandbox::fixtures::{GROUP_SENSORS, GROUP_TRACKERS, SIM_1, SIM_2, SIM_ACTIVE};
use common::{Api, assert_error};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn register_activate_set_group_and_get() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let id = SIM_1.sim_id;

    let reply = api
        .post(
            &format!("/sims/{id}/register"),
            json!({"registrationSecret": SIM_1.registration_secret, "tags": {"site": "lab"}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["simId"], id);
    assert_eq!(reply.json["status"], "ready");
    assert_eq!(reply.json["operatorId"], "OP0012345678");
    assert_eq!(reply.json["speedClass"], "s1.standard");
    assert_eq!(reply.json["tags"], json!({"name": "sim-1", "site": "lab"}));
    assert_eq!(
        reply.json["profiles"][SIM_1.iccid]["primaryImsi"],
        SIM_1.imsi
    );
    assert!(reply.json["groupId"].is_null());

    let reply = api.post_empty(&format!("/sims/{id}/activate")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["status"], "active");

    let reply = api
        .post(
            &format!("/sims/{id}/set_group"),
            json!({"groupId": GROUP_SENSORS.group_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["groupId"], GROUP_SENSORS.group_id);

    let reply = api.get(&format!("/sims/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["status"], "active");
    assert_eq!(reply.json["groupId"], GROUP_SENSORS.group_id);
    assert_eq!(sandbox.sim(id), Some(reply.json.clone()));

    let reply = api.post_empty(&format!("/sims/{id}/deactivate")).await;
    assert_eq!(reply.json["status"], "inactive");
    let reply = api.post_empty(&format!("/sims/{id}/unset_group")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.json["groupId"].is_null());

    let listed = api.get("/sims").await;
    let ids: Vec<&str> = listed
        .json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|sim| sim["simId"].as_str())
        .collect();
    assert_eq!(ids, [id, SIM_ACTIVE.sim_id]);
}

#[tokio::test]
async fn register_with_group_sets_it() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let reply = api
        .post(
            &format!("/sims/{}/register", SIM_2.sim_id),
            json!({"registrationSecret": SIM_2.registration_secret, "groupId": GROUP_TRACKERS.group_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["groupId"], GROUP_TRACKERS.group_id);
}

#[tokio::test]
async fn wrong_secret_is_400_and_changes_nothing() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let reply = api
        .post(
            &format!("/sims/{}/register", SIM_1.sim_id),
            json!({"registrationSecret": "wrong"}),
        )
        .await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        codes::INVALID_REGISTRATION_SECRET,
    );
    assert_eq!(reply.json["message"], "Invalid registration secret");
    let sim = sandbox.sim(SIM_1.sim_id).expect("in inventory");
    assert_eq!(sim["status"], "unregistered");
    assert_error(
        &api.get(&format!("/sims/{}", SIM_1.sim_id)).await,
        StatusCode::NOT_FOUND,
        codes::NO_SUCH_SIM,
    );
}

#[tokio::test]
async fn register_errors() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let reply = api
        .post(
            &format!("/sims/{}/register", SIM_ACTIVE.sim_id),
            json!({"registrationSecret": SIM_ACTIVE.registration_secret}),
        )
        .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::ALREADY_REGISTERED);

    let reply = api
        .post(
            &format!("/sims/{}/register", SIM_1.sim_id),
            json!({"registrationSecret": SIM_1.registration_secret, "groupId": "nope"}),
        )
        .await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_GROUP);
    assert_eq!(
        sandbox.sim(SIM_1.sim_id).expect("seeded")["status"],
        "unregistered"
    );

    let reply = api
        .post(&format!("/sims/{}/register", SIM_1.sim_id), json!({}))
        .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, codes::BAD_REQUEST);

    let reply = api
        .post_empty(&format!("/sims/{}/register", SIM_1.sim_id))
        .await;
    assert_error(
        &reply,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        codes::UNSUPPORTED_MEDIA_TYPE,
    );
}

#[tokio::test]
async fn lifecycle_on_unregistered_sim_is_400() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    for op in ["activate", "deactivate", "unset_group"] {
        let reply = api
            .post_empty(&format!("/sims/{}/{op}", SIM_1.sim_id))
            .await;
        assert_error(&reply, StatusCode::BAD_REQUEST, codes::NOT_REGISTERED);
    }
}

#[tokio::test]
async fn set_group_to_unknown_group_is_404() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let reply = api
        .post(
            &format!("/sims/{}/set_group", SIM_ACTIVE.sim_id),
            json!({"groupId": "group-nope"}),
        )
        .await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_GROUP);
    assert_eq!(reply.json["message"], "No such group: group-nope");
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let reply = api.get("/sims/000").await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_SIM);
    assert_eq!(reply.json["message"], "No such SIM: 000");
    let reply = api.post_empty("/sims/000/activate").await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_SIM);
    let reply = api
        .post("/sims/000/register", json!({"registrationSecret": "x"}))
        .await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_SIM);
    let reply = api.get("/no/such/route").await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_ROUTE);
    let reply = api.send(reqwest::Method::DELETE, "/sims", None).await;
    assert_error(
        &reply,
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
    );
}

#[tokio::test]
async fn encoded_segment_arrives_decoded_and_is_recorded_raw() {
    let sandbox = arazzo_sandbox::start().await.expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let raw = "a%2Fb%3Fc%20d..";
    let reply = api
        .post(
            &format!("/sims/{raw}/register"),
            json!({"registrationSecret": "12345"}),
        )
        .await;
    assert_error(&reply, StatusCode::NOT_FOUND, codes::NO_SUCH_SIM);
    assert_eq!(reply.json["message"], "No such SIM: a/b?c d..");

    let reply = api.get(&format!("/sims/{raw}")).await;
    assert_eq!(reply.json["message"], "No such SIM: a/b?c d..");

    let requests = sandbox.requests();
    let recorded = requests
        .iter()
        .find(|r| r.method == "POST" && r.raw_path.starts_with("/v1/sims/"))
        .expect("recorded");
    assert_eq!(recorded.raw_path, "/v1/sims/a%2Fb%3Fc%20d../register");
    assert_eq!(recorded.query, None);
    assert_eq!(recorded.status, 404);
    assert_eq!(
        recorded.json(),
        Some(json!({"registrationSecret": "12345"}))
    );
    assert_eq!(recorded.header("content-type"), Some("application/json"));
}

/// A sandbox started with `fleet(n)` holds `n` more unregistered SIMs, registered with their
/// own secrets like the seeded ones; the next fleet card is not in it.
#[tokio::test]
async fn fleet_cards_are_unregistered_sims_that_register_with_their_secret() {
    let sandbox = arazzo_sandbox::Sandbox::new()
        .fleet(3)
        .start()
        .await
        .expect("starts");
    let api = Api::logged_in(&sandbox).await;
    let fleet = arazzo_sandbox::fixtures::fleet(4);
    assert_eq!(fleet.len(), 4);
    assert!(sandbox.sim(fleet[3].sim_id).is_none());
    let card = fleet[2];
    assert_eq!(
        sandbox.sim(card.sim_id).expect("fleet card")["status"],
        "unregistered"
    );

    let reply = api
        .post(
            &format!("/sims/{}/register", card.sim_id),
            json!({"registrationSecret": card.registration_secret}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["simId"], card.sim_id);
    assert_eq!(reply.json["tags"], json!({"name": "fleet-2"}));
}
