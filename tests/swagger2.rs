//! A Swagger 2.0 source description, end to end: a workflow over `tests/fixtures/swagger2/`
//! runs against a server on 127.0.0.1 that records every request, and what was sent (path,
//! query, body, media type, API key) and the typed outputs are what the Swagger file says.

mod support;

use std::sync::{Arc, Mutex};

use arazzo_runtime::Client;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::json;

mod shop {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/swagger2/shop.arazzo.yaml");
}

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    /// Path and query.
    target: String,
    content_type: Option<String>,
    api_key: Option<String>,
    accept: Option<String>,
    body: String,
}

type Log = Arc<Mutex<Vec<Recorded>>>;

/// The shop: item `i-1` (no discount), order `o-7`, note 42.
async fn shop(
    State(log): State<Log>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    log.lock().expect("log").push(Recorded {
        method: method.to_string(),
        target: uri
            .path_and_query()
            .map_or_else(String::new, |p| p.to_string()),
        content_type: header("content-type"),
        api_key: header("x-api-key"),
        accept: header("accept"),
        body,
    });
    match uri.path() {
        "/v1/items/i-1" => {
            axum::Json(json!({"name": "Teapot", "price": 12.5, "discount": null})).into_response()
        }
        "/v1/orders" => (
            StatusCode::CREATED,
            axum::Json(json!({"id": "o-7", "status": "placed"})),
        )
            .into_response(),
        "/v1/orders/o-7/notes" => axum::Json(json!({"noteId": 42})).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the shop; returns a client for it (the Swagger file's `basePath` kept) and its log.
async fn start() -> (Client, Log) {
    let log = Log::default();
    let app = Router::new()
        .route("/v1/{*rest}", any(shop))
        .with_state(log.clone());
    let base = format!("http://{}/v1", support::serve(app).await);
    let client = Client::builder()
        .server("shop", &base)
        .api_key("api_key", "k-123")
        .build()
        .expect("client");
    (client, log)
}

/// Swagger 2.0: path, query, `body` and `formData` parameters, `consumes`, `produces`, a
/// `definitions` schema reached through `$ref`, and the global `security` of an `apiKey`
/// definition, each sent as the description says.
#[tokio::test]
async fn a_workflow_over_a_swagger_2_description_sends_what_it_describes() {
    let (client, log) = start().await;
    let out = shop::order_item(
        &client,
        shop::OrderItemInputs {
            item_id: "i-1".into(),
            quantity: 2,
            note: "gift wrap".into(),
        },
    )
    .await
    .expect("the workflow runs");

    let sent = log.lock().expect("log").clone();
    let [item, order, note] = sent.try_into().expect("three requests");

    // A path parameter from the top-level `parameters`, a query parameter.
    assert_eq!(item.method, "GET");
    assert_eq!(item.target, "/v1/items/i-1?verbose=true");
    // `produces: [application/json]` is what the request accepts.
    assert_eq!(item.accept.as_deref(), Some("application/json"));

    // The `body` parameter, as the `consumes` media type.
    assert_eq!(order.method, "POST");
    assert_eq!(order.target, "/v1/orders");
    assert_eq!(order.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&order.body).expect("JSON body"),
        json!({"itemId": "i-1", "quantity": 2})
    );

    // `formData` parameters as a form; `tags`, an array without `collectionFormat`, is `csv`.
    assert_eq!(note.target, "/v1/orders/o-7/notes");
    assert_eq!(
        note.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(note.body, "text=gift+wrap&tags=gift%2Cfragile");

    // The `apiKey` security definition, applied to every operation by the global `security`.
    for request in [&item, &order, &note] {
        assert_eq!(request.api_key.as_deref(), Some("k-123"), "{request:?}");
    }

    // Outputs typed from the response schemas: `definitions` through `$ref`, an enum, the
    // `x-nullable` extension, an inline schema.
    let name: String = out.name;
    let price: f64 = out.price;
    let discount: Option<f64> = out.discount;
    let note_id: i64 = out.note_id;
    assert_eq!(name, "Teapot");
    assert_eq!(price, 12.5);
    assert_eq!(discount, None);
    assert_eq!(out.order_id, "o-7");
    assert!(out.status == shop::OrderStatus::Placed);
    assert_eq!(note_id, 42);
}
