//! Outputs typed from the descriptions' schemas, decoded from real HTTP responses: structs,
//! arrays of them, maps, `allOf`, `oneOf` with and without a discriminator, nullable and
//! recursive schemas, OpenAPI 3.1 schemas; unknown members ignored, missing required ones an
//! error naming the step and the member.

mod support;

use arazzo_runtime::{Client, Error};
use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::{Value, json};

mod shapes {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/types/shapes.arazzo.yaml");
}

use shapes::*;

/// A device by id: `full` has every member and some the description does not list, `bare` only
/// the required ones and one port, `no-lat` lacks the required `location.lat`, `other-extra` has
/// an `extra` without `anything`, `closed` sends a member the closed `Firmware` schema does not
/// list.
async fn device(Path(id): Path<String>) -> Json<Value> {
    Json(match id.as_str() {
        "full" => json!({
            "id": "full",
            "location": {"lat": 35.5, "lon": 139.25, "label": null, "altitude": 12},
            "ports": [{"number": 22, "open": true}, {"number": 80}],
            "labels": {"site": "roof"},
            "owner": {"name": "Ada", "email": "ada@example.com"},
            "firmware": {"version": "2.1", "channel": "nightly"},
            "lastSeen": "2026-01-02T03:04:05Z",
            "extra": {"anything": [1, 2]},
            "addedInV2": true
        }),
        "bare" => {
            json!({"id": "bare", "location": {"lat": 1.0, "lon": 2}, "ports": [{"number": 7}]})
        }
        "no-lat" => json!({"id": "no-lat", "location": {"lon": 2.0}}),
        "other-extra" => json!({"id": "other-extra", "location": {"lat": 1, "lon": 2},
                                "extra": {"something": 1}}),
        _ => json!({"id": "closed", "location": {"lat": 1, "lon": 2},
                    "firmware": {"version": "1", "signedBy": "x"}}),
    })
}

async fn start() -> Client {
    let app = Router::new()
        .route("/devices/{id}", get(device))
        .route(
            "/trees/{id}",
            get(|| async {
                Json(json!({
                    "name": "root",
                    "children": [{"name": "leaf", "children": []}],
                    "parent": {"name": "above"}
                }))
            }),
        )
        .route(
            "/pets/{id}",
            get(|Path(id): Path<String>| async move {
                Json(match id.as_str() {
                    "cat" => json!({"kind": "cat", "lives": 9}),
                    "dog" => json!({"kind": "dog", "goodBoy": true}),
                    _ => json!({"kind": "axolotl", "gills": 6}),
                })
            }),
        )
        .route(
            "/readings",
            get(|| async { Json(json!([1.5, "high", {"name": "probe"}])) }),
        )
        .route(
            "/sensors/{id}",
            get(|| async {
                Json(json!({
                    "id": "s1",
                    "kind": "thermometer",
                    "unit": null,
                    "reading": {"value": 21.5, "at": null},
                    "position": [1.0, 2.0],
                    "calibration": null
                }))
            }),
        );
    let base = format!("http://{}", support::serve(app).await);
    Client::builder()
        .server("shapes", &base)
        .server("sensors", &base)
        .build()
        .expect("client")
}

fn id(id: &str) -> InspectDeviceInputs {
    InspectDeviceInputs { id: id.into() }
}

#[tokio::test]
async fn a_body_decodes_into_the_struct_of_its_schema_ignoring_members_it_does_not_list() {
    let client = start().await;
    let out = inspect_device(&client, id("full")).await.expect("decodes");
    let device: Device = out.device;
    assert_eq!(device.id, "full");
    assert_eq!(device.location.lat, 35.5);
    assert_eq!(device.location.lon, 139.25);
    // `nullable: true`: `null` is `None`.
    assert_eq!(device.location.label, None);
    let ports = device.ports.expect("ports");
    assert_eq!(ports[1].number, 80);
    assert_eq!(ports[1].open, None);
    assert_eq!(device.labels.expect("labels")["site"], "roof");
    // `allOf` of `Named` and an inline object: one struct with the members of both.
    let owner: Owner = device.owner.expect("owner");
    assert_eq!(
        (owner.name.as_str(), owner.email.as_str()),
        ("Ada", "ada@example.com")
    );
    let firmware = device.firmware.expect("firmware");
    assert_eq!(
        firmware.channel,
        Some(FirmwareChannel::Other("nightly".into()))
    );
    assert_eq!(device.last_seen.as_deref(), Some("2026-01-02T03:04:05Z"));
    assert_eq!(device.extra, Some(json!({"anything": [1, 2]})));
    // Outputs read with a pointer have the type of the member it reaches.
    let location: DeviceLocation = out.location;
    assert_eq!(location.lon, 139.25);
    let first_port: DevicePortsItem = out.first_port;
    assert_eq!(first_port.number, 22);
    assert_eq!(first_port.open, Some(true));
    // Through a step output with a pointer (`$steps.get.outputs.device#/location/lat`).
    let lat: f64 = out.lat;
    assert_eq!(lat, 35.5);
    assert_eq!(out.label, None);
    assert_eq!(out.owner_email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        out.firmware_channel,
        Some(FirmwareChannel::Other("nightly".into()))
    );
    // Below a member the schema leaves untyped (`extra: {type: object}`), JSON; `Option`
    // because `extra` is optional.
    assert_eq!(out.extra_first, Some(json!(1)));
}

/// README, Semantics: a declared output whose pointer finds nothing is an error, also where the
/// pointer goes below what the schema types (a `serde_json::Value` could hold `null`, but
/// nothing was found).
#[tokio::test]
async fn a_pointer_into_an_untyped_member_that_finds_nothing_is_an_error_not_null() {
    let client = start().await;
    let out = read_extra(&client, ReadExtraInputs { id: "full".into() })
        .await
        .expect("found");
    assert_eq!(out.first, json!(1));
    let err = read_extra(
        &client,
        ReadExtraInputs {
            id: "other-extra".into(),
        },
    )
    .await
    .expect_err("nothing at #/anything/0");
    assert!(
        matches!(
            err,
            Error::OutputUnavailable {
                source_step: "get",
                output: "extra",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn optional_members_left_out_are_none() {
    let client = start().await;
    let out = inspect_device(&client, id("bare")).await.expect("decodes");
    assert_eq!(out.device.location.lon, 2.0);
    assert_eq!(out.device.labels, None);
    assert_eq!(out.first_port.open, None);
    assert_eq!(out.owner_email, None);
    assert_eq!(out.firmware_channel, None);
    assert_eq!(out.extra_first, None);
}

/// OpenAPI 3.0.3 Schema Object `required`: a response without a required member does not fit
/// the schema; the error names the step, the output's expression and the member.
#[tokio::test]
async fn a_missing_required_member_is_a_decode_error_naming_step_and_member() {
    let client = start().await;
    let error = inspect_device(&client, id("no-lat"))
        .await
        .expect_err("lat is required");
    let Error::Decode {
        context,
        expression,
        message,
        ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(context.step, "get");
    assert_eq!(context.workflow, "inspectDevice");
    assert_eq!(*expression, "$response.body");
    assert_eq!(message, "member `location`: missing field `lat`");
    let shown = error.to_string();
    assert!(
        shown.contains("member `location`: missing field `lat`"),
        "{shown}"
    );
}

/// JSON Schema `additionalProperties: false`: a member the closed schema does not list is
/// refused.
#[tokio::test]
async fn a_closed_schema_refuses_members_it_does_not_list() {
    let client = start().await;
    let error = inspect_device(&client, id("closed"))
        .await
        .expect_err("signedBy is not allowed");
    let Error::Decode { message, .. } = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert!(
        message.starts_with("member `firmware.signedBy`: unknown field `signedBy`"),
        "{message}"
    );
}

#[tokio::test]
async fn a_recursive_schema_decodes_through_vec_and_box() {
    let client = start().await;
    let out = walk_tree(&client, WalkTreeInputs { id: "t".into() })
        .await
        .expect("decodes");
    let root: Node = out.root;
    assert_eq!(root.name, "root");
    let parent: Box<Node> = root.parent.expect("parent");
    assert_eq!(parent.name, "above");
    assert_eq!(root.children.expect("children")[0].name, "leaf");
    assert_eq!(out.first_child.name, "leaf");
}

/// OpenAPI 3.0.3 Discriminator Object: the `kind` member's value chooses the schema, through
/// `mapping`.
#[tokio::test]
async fn a_discriminator_chooses_the_alternative_and_keeps_unknown_ones() {
    let client = start().await;
    let pet = |id: &str| fetch_pet(&client, FetchPetInputs { id: id.into() });
    match pet("cat").await.expect("cat").pet {
        Pet::Cat(cat) => assert_eq!(cat.lives, 9),
        other => panic!("expected a cat, got {other:?}"),
    }
    match pet("dog").await.expect("dog").pet {
        Pet::Dog(dog) => assert_eq!(dog.good_boy, Some(true)),
        other => panic!("expected a dog, got {other:?}"),
    }
    match pet("axolotl").await.expect("kept").pet {
        Pet::Other(value) => assert_eq!(value["gills"], 6),
        other => panic!("expected the value kept, got {other:?}"),
    }
}

/// JSON Schema `oneOf` without a discriminator: the alternatives are tried in order.
#[tokio::test]
async fn alternatives_without_a_discriminator_are_tried_in_order() {
    let client = start().await;
    let out = read_all(&client, ReadAllInputs {}).await.expect("decodes");
    assert_eq!(
        out.readings,
        vec![
            Reading::Number(1.5),
            Reading::String("high".into()),
            Reading::Named(Named {
                name: "probe".into()
            }),
        ]
    );
}

/// OpenAPI 3.1: `type: [T, 'null']`, `const`, `$defs`, `prefixItems`, `oneOf` with `null`.
#[tokio::test]
async fn openapi_3_1_schemas_decode() {
    let client = start().await;
    let out = read_sensor(&client, ReadSensorInputs { id: "s1".into() })
        .await
        .expect("decodes");
    let sensor: Sensor = out.sensor;
    assert_eq!(sensor.kind, "thermometer");
    assert_eq!(sensor.unit, None);
    let reading: Reading2 = sensor.reading;
    assert_eq!((reading.value, reading.at), (21.5, None));
    assert_eq!(sensor.position, Some(vec![json!(1.0), json!(2.0)]));
    assert_eq!(sensor.calibration, None);
    assert_eq!(out.value, 21.5);
}
