//! Workflow inputs typed from a source description's schema: an input whose schema is
//! `$ref: './devices-openapi.yml#/components/schemas/DeviceState'` (JSON Schema's `$ref`, which
//! Arazzo 1.0.1 makes the language of `inputs`; Arazzo 1.1.0 "Resolving URI Fragments": `$ref`s in
//! `inputs` resolve JSON Pointer fragments) has the description's one `DeviceState` type, so
//! one workflow's typed output is handed to another's input as it is, over real HTTP.

mod support;

use std::sync::{Arc, Mutex};

use arazzo_runtime::Client;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::{Value, json};

mod devices {
    arazzo_runtime::arazzo_workflow!(
        "tests/fixtures/types/handoff/read-device.arazzo.yaml",
        "tests/fixtures/types/handoff/apply-state.arazzo.yaml"
    );
}

use devices::*;

/// The bodies `PUT /v1/devices/{id}/state` received.
type Received = Arc<Mutex<Vec<Value>>>;

async fn start() -> (Client, Received) {
    let received = Received::default();
    let app = Router::new()
        .route(
            "/v1/devices/{id}",
            get(|Path(id): Path<String>| async move {
                Json(json!({"id": id, "state": "suspended", "addedLater": true}))
            }),
        )
        .route(
            "/v1/devices/{id}/state",
            put(
                |State(received): State<Received>,
                 Path(id): Path<String>,
                 Json(body): Json<Value>| async move {
                    let state = body["state"].clone();
                    received.lock().expect("lock").push(body);
                    Json(json!({"id": id, "state": state}))
                },
            ),
        )
        .with_state(received.clone());
    let base = format!("http://{}/v1", support::serve(app).await);
    let client = Client::builder()
        .server("devices", &base)
        .build()
        .expect("client");
    (client, received)
}

#[tokio::test]
async fn an_output_is_handed_to_an_input_that_refers_to_the_same_description_schema() {
    let (client, received) = start().await;
    let read = read_device(&client, ReadDeviceInputs { id: "d1".into() })
        .await
        .expect("reads the device");
    let state: DeviceState = read.state;
    assert_eq!(state, DeviceState::Suspended);
    // The output's type is the input's: no conversion, no JSON in between.
    let applied = apply_state(
        &client,
        ApplyStateInputs {
            id: "d1".into(),
            state,
            previous: None,
        },
    )
    .await
    .expect("applies the state");
    assert_eq!(applied.state, DeviceState::Suspended);
    // Sent as the description's value; the optional input left out is not sent.
    assert_eq!(
        received.lock().expect("lock").as_slice(),
        [json!({"state": "suspended"})]
    );
}

#[tokio::test]
async fn an_optional_input_of_a_description_schema_is_sent_when_given() {
    let (client, received) = start().await;
    let applied = apply_state(
        &client,
        ApplyStateInputs {
            id: "d2".into(),
            state: DeviceState::Active,
            previous: Some(DeviceState::Other("retired".into())),
        },
    )
    .await
    .expect("applies the state");
    assert_eq!(applied.state, DeviceState::Active);
    assert_eq!(
        received.lock().expect("lock").as_slice(),
        [json!({"state": "active", "previous": "retired"})]
    );
}
