//! Small HTTP servers for the specification's example workflows, one module per OpenAPI
//! description, each implementing its operations just enough. Every request is recorded, as it
//! arrived on the socket, before a handler sees it.

pub mod bnpl;
pub mod fapi;
pub mod oauth;
pub mod pets;
pub mod zoo;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub raw_query: Option<String>,
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    /// `METHOD /path`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The query's name/value pairs, decoded, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        self.raw_query.as_deref().map(pairs).unwrap_or_default()
    }

    /// The one value of a query parameter (panics when it is absent or repeated).
    pub fn query_value(&self, name: &str) -> String {
        let values: Vec<String> = self
            .query()
            .into_iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values.len(), 1, "query `{name}` in {:?}", self.raw_query);
        values.into_iter().next().unwrap_or_default()
    }

    /// Every value of a header, in order.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or("<not text>").to_owned())
            .collect()
    }

    /// The one value of a header, or `None`; a header sent twice panics.
    pub fn header(&self, name: &str) -> Option<String> {
        let values = self.header_values(name);
        assert!(values.len() <= 1, "header `{name}` sent {values:?}");
        values.into_iter().next()
    }

    /// The `Cookie` header's name/value pairs, in order.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.header_values("cookie")
            .iter()
            .flat_map(|h| h.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect()
    }

    /// The body parsed as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The body's `application/x-www-form-urlencoded` pairs, decoded, in order.
    pub fn form(&self) -> Vec<(String, String)> {
        pairs(&self.body)
    }
}

/// Decodes `a=1&b=x+y` into pairs.
pub fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Owned pairs from string literals, to compare with [`Received::query`] and
/// [`Received::form`].
pub fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

type Log = Arc<Mutex<Vec<Received>>>;

/// A server on 127.0.0.1 serving `routes` under `prefix` (the description's base path).
pub struct Server {
    pub base_url: String,
    log: Log,
}

impl Server {
    pub async fn start(prefix: &str, routes: Router) -> Self {
        let log = Log::default();
        let app = Router::new()
            .nest(prefix, routes)
            .layer(axum::middleware::from_fn_with_state(log.clone(), record));
        let addr = crate::support::serve(app).await;
        Self {
            base_url: format!("http://{addr}{prefix}"),
            log,
        }
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().expect("lock").clone()
    }

    /// `METHOD /path` of every request received so far.
    pub fn lines(&self) -> Vec<String> {
        self.received().iter().map(Received::line).collect()
    }
}

async fn record(State(log): State<Log>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    log.lock().expect("lock").push(Received {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A JSON response with a status.
pub fn json(status: u16, body: Value) -> Response {
    use axum::response::IntoResponse as _;
    let status = axum::http::StatusCode::from_u16(status).expect("status");
    (status, axum::Json(body)).into_response()
}
