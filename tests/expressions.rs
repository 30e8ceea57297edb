//! Runtime expressions read at run time: `$url`, `$method`, `$request.…` after sending,
//! JSON pointers into inputs and step outputs, and `$sourceDescriptions.NAME.url`, over real HTTP
//! against a server that echoes what it received.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use arazzo_runtime::{Client, Error};
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::{get, post};
use serde_json::{Value, json};

mod echo {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/expressions/echo.arazzo.yaml");
}

mod v11 {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/expressions/v11.arazzo.yaml");
}

/// Answers with the method, path, query, headers and JSON body it received.
async fn reflect(
    method: Method,
    uri: Uri,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: String,
) -> axum::Json<Value> {
    let headers: BTreeMap<String, String> = headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    axum::Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "headers": headers,
        "body": body,
    }))
}

async fn start() -> String {
    let app = Router::new()
        .route(
            "/api/items/{item}",
            post(|_: Path<String>, m, u, q, h, b| reflect(m, u, q, h, b)),
        )
        .route("/api/notes", get(reflect))
        .route("/api/secured", get(reflect))
        .route("/api/search", get(reflect))
        .route(
            "/api/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(2)).await;
                "late"
            }),
        );
    let base = format!("http://{}/api", support::serve(app).await);
    base
}

#[tokio::test]
async fn what_was_sent_pointers_and_source_urls_are_read_at_run_time() {
    let base = start().await;
    let client = Client::builder()
        .server("echo", &base)
        .build()
        .expect("client");
    let out = echo::read_everything(
        &client,
        echo::ReadEverythingInputs {
            // Encoded as one path segment; `$request.path.item` is the value before encoding.
            item: "box 7/b".into(),
            profile: echo::ReadEverythingInputsProfile {
                name: Some("Ada".into()),
                tags: Some(vec!["first".into(), "second".into()]),
            },
        },
    )
    .await
    .expect("workflow runs");

    assert_eq!(out.method, "POST");
    // The workflow-level `tenant` goes to both steps, though neither operation declares it.
    assert_eq!(
        out.url,
        format!("{base}/items/box%207%2Fb?tag=first&tenant=acme")
    );
    assert_eq!(out.sent_item, "box 7/b");
    assert_eq!(out.sent_tag, "first");
    assert_eq!(out.sent_trace, "trace-Ada");
    assert_eq!(
        out.sent_body,
        json!({"name": "Ada", "nested": {"tags": ["first", "second"]}})
    );
    assert_eq!(out.sent_name, "Ada");
    // `$steps.send.outputs.echo#/body/nested/tags/1` went out as the second step's query, and
    // `$sourceDescriptions.echo.url` is the Source Description's `url` as written (Arazzo 1.1
    // "Source Description Expression Resolution"), not the server the client was given, as a
    // header.
    assert_eq!(out.base, "./echo-openapi.yml");
    assert_eq!(out.source_url, "./echo-openapi.yml");
}

#[tokio::test]
async fn credentials_are_not_readable_through_request_expressions() {
    let base = start().await;
    let client = Client::builder()
        .server("echo", &base)
        .api_key("queryKey", "q-s3cr3t")
        .api_key("headerKey", "h-s3cr3t")
        .build()
        .expect("client");
    let out = echo::read_secured(&client, echo::ReadSecuredInputs {})
        .await
        .expect("workflow runs; its criteria say the credentials were not readable");
    // The server did receive both credentials...
    assert_eq!(out.server_saw_query, "q-s3cr3t");
    assert_eq!(out.server_saw_header, "h-s3cr3t");
    // ...but `$url` is the URL as the workflow wrote it.
    assert_eq!(out.url, format!("{base}/secured"));
}

#[tokio::test]
async fn arazzo_1_1_selectors_querystring_and_self() {
    let base = start().await;
    let client = Client::builder()
        .server("echo", &base)
        .build()
        .expect("client");
    let out = v11::select_and_query(
        &client,
        v11::SelectAndQueryInputs {
            item: "i-1".into(),
            // Embedded in a `querystring` template: encoded, so it cannot add parameters.
            term: "red&blue=1".into(),
        },
    )
    .await
    .expect("workflow runs");

    // A JSONPath selector with a filter, and a JSON pointer selector, over the response.
    assert_eq!(out.expensive, json!("b2"));
    assert_eq!(out.first_id, json!("a1"));
    // A JSONPath selector that matches several nodes gives the first.
    assert_eq!(out.sent_prices, json!(5));
    // The whole query came from one `querystring` parameter.
    // A map of strings, as the description's `additionalProperties: {type: string}` says.
    assert_eq!(
        serde_json::to_value(&out.query).expect("serialises"),
        json!({"term": "red&blue=1", "id": "b2"})
    );
    assert_eq!(out.url, format!("{base}/search?term=red%26blue%3D1&id=b2"));
    // A selector in the workflow's outputs, and `$self`.
    assert_eq!(out.trace, json!("a1"));
    assert_eq!(out.self_, "https://example.com/workflows/v11.arazzo.yaml");
}

#[tokio::test]
async fn a_step_timeout_fails_the_step_instead_of_waiting() {
    let base = start().await;
    let client = Client::builder()
        .server("echo", &base)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = v11::too_slow(&client, v11::TooSlowInputs {})
        .await
        .expect_err("the server answers after 2 s; the step allows 200 ms");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_transport());
    // Generous: proves the exchange was cut short, not how fast the machine is.
    assert!(started.elapsed() < Duration::from_millis(1500));
}
