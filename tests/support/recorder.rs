//! A server on 127.0.0.1 that answers `{}` to every request under `/api/` and records it, for
//! tests of the exact bytes a step sends.
// Each test binary uses what it needs of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use arazzo_runtime::Client;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::any;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Recorded {
    /// The header `name`'s value, if it was sent as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// Every request received, in order.
pub type Log = Arc<Mutex<Vec<Recorded>>>;

async fn record(
    State(log): State<Log>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> &'static str {
    log.lock().expect("log").push(Recorded {
        method: method.to_string(),
        target: uri
            .path_and_query()
            .map_or_else(String::new, |p| p.to_string()),
        headers,
        body,
    });
    "{}"
}

/// Starts the recorder; returns a client whose source `recorder` points at it, and its log.
pub async fn start() -> (Client, Log) {
    let log = Log::default();
    let app = Router::new()
        .route("/api/{*rest}", any(record))
        .with_state(log.clone());
    let base = format!("http://{}/api", super::serve(app).await);
    let client = Client::builder()
        .server("recorder", &base)
        .build()
        .expect("client");
    (client, log)
}
