//! Response bodies that are not JSON, and OpenAPI 3.1 nullability, over real HTTP against a
//! small server that answers with the body, media type and members each test chooses.

mod support;

use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, Error};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

mod files {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/bodies/files.arazzo.yaml");
}

mod orders {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/bodies/orders.arazzo.yaml");
}

mod hooks {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/bodies/hooks.arazzo.yaml");
}

/// The `Accept` header of every request, in order.
type Accepts = Arc<Mutex<Vec<String>>>;

fn record(accepts: &Accepts, headers: &HeaderMap) {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    accepts.lock().expect("lock").push(accept);
}

/// `/files/NAME`: `NAME` as bytes; `latin1` is not UTF-8.
async fn file(
    State(accepts): State<Accepts>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    record(&accepts, &headers);
    let body: Vec<u8> = match name.as_str() {
        "latin1" => b"caf\xe9".to_vec(),
        other => format!("contents of {other}").into_bytes(),
    };
    ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

/// `/notes/ID`: the text `ID` as `text/plain`.
async fn note(
    State(accepts): State<Accepts>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    record(&accepts, &headers);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], id).into_response()
}

async fn health(State(accepts): State<Accepts>, headers: HeaderMap) -> StatusCode {
    record(&accepts, &headers);
    StatusCode::NO_CONTENT
}

/// `/orders/ID` as XML: `o-1` shipped to `acme` with items `A-1` and `B-2`, `o-2` pending,
/// `broken` not well-formed.
async fn order(Path(id): Path<String>) -> Response {
    let xml = match id.as_str() {
        "o-1" => {
            r#"<order customer="acme"><status>shipped</status><items><item sku="A-1"/><item sku="B-2"/></items></order>"#
        }
        "o-2" => {
            r#"<order customer="acme"><status>pending</status><items><item sku="C-3"/></items></order>"#
        }
        _ => "<order><status>shipped</status>",
    };
    ([(header::CONTENT_TYPE, "application/xml")], xml).into_response()
}

/// `/hooks/empty`: every nullable member `null`; any other id: every member set.
async fn hook(Path(id): Path<String>) -> Response {
    let body = if id == "empty" {
        json!({"id": id, "token": null, "channel": null, "retries": null, "owner": null})
    } else {
        json!({"id": id, "token": "t-1", "channel": "email", "retries": 3, "owner": {"name": "ops"}})
    };
    axum::Json(body).into_response()
}

async fn serve() -> (String, Accepts) {
    let accepts = Accepts::default();
    let app = Router::new()
        .route("/files/{name}", get(file))
        .route("/notes/{id}", get(note))
        .route("/health", get(health))
        .route("/hooks/{id}", get(hook))
        .route("/orders/{id}", get(order))
        .with_state(accepts.clone());
    let base = format!("http://{}", support::serve(app).await);
    (base, accepts)
}

fn client(base: &str) -> Client {
    Client::builder()
        .server("files", base)
        .server("hooks", base)
        .server("orders", base)
        .build()
        .expect("client")
}

/// Arazzo 1.0.1, Runtime Expressions: `$response.body` is the response's body; a binary
/// (`application/octet-stream`) body that is UTF-8 is its text, typed `String`.
#[tokio::test]
async fn an_octet_stream_body_is_read_as_text() {
    let (base, _) = serve().await;
    let out = files::download(
        &client(&base),
        files::DownloadInputs {
            name: "a.txt".into(),
        },
    )
    .await
    .expect("an octet-stream body is an output, not a decode error");
    let content: String = out.content;
    assert_eq!(content, "contents of a.txt");
}

/// A body that is not UTF-8 cannot be a `String`: a decode error naming the step, not lossy
/// text.
#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_decode_error() {
    let (base, _) = serve().await;
    let error = files::download(
        &client(&base),
        files::DownloadInputs {
            name: "latin1".into(),
        },
    )
    .await
    .expect_err("`caf\\xe9` is not UTF-8");
    let Error::Decode { message, .. } = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert!(message.contains("not UTF-8"), "{message}");
    assert!(error.to_string().contains("step `get`"), "{error}");
}

/// Arazzo 1.0.1, Criterion Object: a simple condition compares `$response.body`; a `text/plain`
/// body compares as its text.
#[tokio::test]
async fn a_simple_condition_compares_a_text_body() {
    let (base, _) = serve().await;
    let client = client(&base);
    let out = files::note_is_ready(&client, files::NoteIsReadyInputs { id: "ready".into() })
        .await
        .expect("the note says `ready`");
    assert_eq!(out.text, "ready");
    let error = files::note_is_ready(
        &client,
        files::NoteIsReadyInputs {
            id: "pending".into(),
        },
    )
    .await
    .expect_err("the note says `pending`");
    assert!(
        matches!(&error, Error::CriterionFailed { criterion, .. } if *criterion == "$response.body == 'ready'"),
        "{error:?}"
    );
}

/// OpenAPI content negotiation: the request accepts the media types the operation's responses
/// declare, errors' included; with none declared, anything (`*/*`).
#[tokio::test]
async fn accept_lists_the_media_types_the_responses_declare() {
    let (base, accepts) = serve().await;
    let client = client(&base);
    files::download(&client, files::DownloadInputs { name: "a".into() })
        .await
        .expect("download");
    files::note_is_ready(&client, files::NoteIsReadyInputs { id: "ready".into() })
        .await
        .expect("note");
    files::check_health(&client, files::CheckHealthInputs {})
        .await
        .expect("health");
    assert_eq!(
        *accepts.lock().expect("lock"),
        [
            "application/octet-stream, application/problem+json",
            "text/plain",
            "*/*"
        ]
    );
}

/// OpenAPI 3.1 (JSON Schema 2020-12): `type: [string, 'null']`, and `oneOf` / `anyOf` with
/// `{type: 'null'}`, admit `null`: the outputs are `Option`s and `null` is `None`, as 3.0's
/// `nullable: true`. A member under a nullable object is `None` when the object is `null`.
#[tokio::test]
async fn openapi_3_1_null_members_are_none() {
    let (base, _) = serve().await;
    let client = client(&base);
    let out = hooks::read_hook(&client, hooks::ReadHookInputs { id: "empty".into() })
        .await
        .expect("`null` members are valid values, not missing outputs");
    let (token, channel, retries, owner): (
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
    ) = (out.token, out.channel, out.retries, out.owner_name);
    assert_eq!((token, channel, retries, owner), (None, None, None, None));

    let out = hooks::read_hook(&client, hooks::ReadHookInputs { id: "h1".into() })
        .await
        .expect("every member set");
    assert_eq!(out.token.as_deref(), Some("t-1"));
    assert_eq!(out.channel.as_deref(), Some("email"));
    assert_eq!(out.retries, Some(3));
    assert_eq!(out.owner_name.as_deref(), Some("ops"));
}

fn shipped(id: &str, customer: &str) -> orders::ShippedOrderInputs {
    orders::ShippedOrderInputs {
        id: id.into(),
        customer: customer.into(),
    }
}

/// Arazzo 1.1, XPath Conditions: a criterion passes when the expression is true by XPath's
/// effective boolean value (a `true` comparison, a non-empty node sequence); Selector Objects of
/// `type: xpath` give the selected node's string value, whatever the XPath version named.
#[tokio::test]
async fn xpath_criteria_hold_and_selectors_read_the_xml_body() {
    let (base, _) = serve().await;
    let out = orders::shipped_order(&client(&base), shipped("o-1", "acme"))
        .await
        .expect("o-1 is acme's and shipped");
    assert_eq!(out.status, json!("shipped"));
    assert_eq!(out.first_sku, json!("A-1"));
    assert!(
        out.xml.starts_with("<order customer=\"acme\">"),
        "{}",
        out.xml
    );
}

#[tokio::test]
async fn an_xpath_criterion_that_is_false_fails_the_step() {
    let (base, _) = serve().await;
    let error = orders::shipped_order(&client(&base), shipped("o-2", "acme"))
        .await
        .expect_err("o-2 is pending");
    assert!(
        matches!(&error, Error::CriterionFailed { criterion, .. } if *criterion == "/order/status = 'shipped'"),
        "{error:?}"
    );
}

/// Arazzo 1.1: embedded expressions are substituted into the condition before it is evaluated;
/// the value stays inside the string literal it was written in, so a quote in it cannot turn the
/// condition into another one.
#[tokio::test]
async fn an_embedded_value_in_an_xpath_condition_is_a_literal() {
    let (base, _) = serve().await;
    let client = client(&base);
    let error = orders::shipped_order(&client, shipped("o-1", "nobody' or '1'='1"))
        .await
        .expect_err("the order is not nobody's, whatever the input's quotes say");
    assert!(
        matches!(&error, Error::CriterionFailed { criterion, .. } if criterion.contains("@customer")),
        "{error:?}"
    );
    orders::shipped_order(&client, shipped("o-1", "ACME"))
        .await
        .expect_err("XPath compares strings by code point: `ACME` is not `acme`");
}

/// Arazzo 1.1, XPath Conditions: a context that cannot be evaluated makes the condition fail.
#[tokio::test]
async fn an_xpath_criterion_on_a_body_that_is_not_xml_fails() {
    let (base, _) = serve().await;
    let error = orders::shipped_order(&client(&base), shipped("broken", "acme"))
        .await
        .expect_err("the body is not well-formed XML");
    assert!(
        matches!(&error, Error::CriterionFailed { criterion, .. } if *criterion == "/order/status = 'shipped'"),
        "{error:?}"
    );
}
