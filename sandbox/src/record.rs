//! Recording every request the sandbox receives, with the status it answered.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, codes};
use crate::faults::Applied;
use crate::idempotency::Replayed;
use crate::shared::AppState;

/// The largest request body the sandbox reads (1 MiB); larger ones get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One request as the sandbox received it, and the status it answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path exactly as sent on the wire, percent-encoding intact, e.g.
    /// `/v1/sims/a%2Fb/register`.
    pub raw_path: String,
    /// The query string without the `?`, if the request had one.
    pub query: Option<String>,
    /// Every header in the order received, names lowercase; values that are
    /// not UTF-8 are converted lossily.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
    /// The HTTP status of the response; `0` when no response was sent (a
    /// [`Fault::Drop`](crate::Fault::Drop) or [`Fault::Hang`](crate::Fault::Hang)
    /// closed the connection instead).
    pub status: u16,
    /// The injected fault that shaped the answer, if one did: `"status 503"`,
    /// `"delay 200ms"`, `"hang"`, `"drop"`, `"body 200"` or `"truncate"`.
    pub fault: Option<String>,
    /// Whether the answer was a replay: the request repeated an earlier successful one (same
    /// `X-Correlation-Id`, method, path and body), got that request's answer again and changed
    /// no state. See [`CORRELATION_ID_HEADER`](crate::CORRELATION_ID_HEADER).
    pub replayed: bool,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Middleware around the whole router: buffers the body, runs the request and
/// appends it to the log with the response status once it is answered (so the
/// log is in completion order, which is arrival order for sequential clients).
pub(crate) async fn record(
    State(shared): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let mut entry = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        raw_path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body: Vec::new(),
        status: 0,
        fault: None,
        replayed: false,
    };
    let response = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            entry.body = bytes.to_vec();
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PAYLOAD_TOO_LARGE,
            format!("Request body unreadable or larger than {MAX_BODY_BYTES} bytes"),
        )
        .into_response(),
    };
    entry.status = response.status().as_u16();
    entry.replayed = response.extensions().get::<Replayed>().is_some();
    if let Some(applied) = response.extensions().get::<Applied>() {
        entry.fault = Some(applied.label.clone());
        if applied.dropped {
            entry.status = 0;
        }
    }
    tracing::debug!(
        method = %entry.method,
        path = %entry.raw_path,
        status = entry.status,
        "sandbox request"
    );
    shared.log().push(entry);
    response
}
