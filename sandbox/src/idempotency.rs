//! The correlation id as an idempotency key: a state-changing request sent again with the same
//! `X-Correlation-Id` gets the first one's answer again instead of acting twice.
//!
//! A client that loses a connection mid-request cannot know whether the server acted; it sends
//! the request again (a durable run does so after its worker crashed, with the run's correlation
//! id unchanged). The rule, one for the whole sandbox (the Soracom and the SPS routes alike):
//!
//! - A request other than `GET`/`HEAD` that carries [`CORRELATION_ID_HEADER`] is remembered
//!   when it succeeds (a 2xx answer): its status, headers and body, under the correlation id,
//!   method and path (with query) it was sent to. Only the latest success per key is kept.
//! - A later request with the same key **and the same body** gets that answer again and changes
//!   no state; the request log marks it [`RecordedRequest::replayed`](crate::RecordedRequest::replayed).
//! - A request with the same key but a different body is a new request: SPS sends one
//!   correlation id (telemetry of a process flow) with every request of the flow, and suspending
//!   then resuming posts two different bodies to one path.
//! - Failed requests (not 2xx) are not remembered, so a retry of a refused request is handled
//!   anew; requests without the header, polls (`GET`) and `POST /v1/auth` are untouched.
//! - The check runs after the credential check: only a caller the API accepts gets a replay.
//! - Two requests with one key at the same time are handled one after the other, so the second
//!   is a replay of the first when it succeeded.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, codes};
use crate::record::MAX_BODY_BYTES;
use crate::shared::AppState;

/// The header whose value is a request's idempotency key (names are case-insensitive).
pub const CORRELATION_ID_HEADER: &str = "X-Correlation-Id";

/// How many keys are remembered; the oldest is forgotten first. Bounds a long-running sandbox's
/// memory; far more than any test or example sends.
const REMEMBERED_KEYS: usize = 100_000;

/// Correlation id, method and path with query.
type Key = (String, Method, String);

/// The latest successful request under one key, once it has one. The async mutex also makes
/// requests with one key wait for each other.
type Slot = Arc<tokio::sync::Mutex<Option<Remembered>>>;

/// A successful request's body and the answer it got.
#[derive(Debug)]
struct Remembered {
    request_body: Bytes,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Remembered {
    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response.extensions_mut().insert(Replayed);
        response
    }
}

/// Put on a replayed response, for the request log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Replayed;

/// The remembered answers of one sandbox.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    slots: HashMap<Key, Slot>,
    /// Keys in the order first seen, to forget the oldest.
    order: VecDeque<Key>,
}

impl Answers {
    /// The slot of `key`, new and empty if the key was not seen (or was forgotten).
    fn slot(&mut self, key: Key) -> Slot {
        if let Some(slot) = self.slots.get(&key) {
            return Arc::clone(slot);
        }
        if self.order.len() >= REMEMBERED_KEYS
            && let Some(oldest) = self.order.pop_front()
        {
            self.slots.remove(&oldest);
        }
        let slot = Slot::default();
        self.order.push_back(key.clone());
        self.slots.insert(key, Arc::clone(&slot));
        slot
    }
}

/// The key of a request this rule applies to, if it does.
fn key_of(request: &Request) -> Option<Key> {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD {
        return None;
    }
    let correlation = request.headers().get(CORRELATION_ID_HEADER)?;
    let correlation = std::str::from_utf8(correlation.as_bytes()).ok()?;
    let uri = request.uri();
    let target = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    Some((correlation.to_owned(), method.clone(), target.to_owned()))
}

/// Middleware after the credential check of the Soracom and SPS routes: replays the remembered
/// answer of a repeated request, remembers the answer of a successful one.
pub(crate) async fn replay(
    State(shared): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    let slot = shared.answers().slot(key);
    let mut remembered = slot.lock().await;
    let (parts, body) = request.into_parts();
    // The request log has already read the body whole (at most `MAX_BODY_BYTES`).
    let Ok(request_body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return body_unreadable();
    };
    if let Some(earlier) = remembered.as_ref()
        && earlier.request_body == request_body
    {
        return earlier.response();
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(request_body.clone())))
        .await;
    if !response.status().is_success() {
        return response;
    }
    let (parts, body) = response.into_parts();
    // The routes answer with bodies built whole in memory: reading one does not fail.
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    *remembered = Some(Remembered {
        request_body,
        status: parts.status,
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    Response::from_parts(parts, Body::from(body))
}

fn body_unreadable() -> Response {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::PAYLOAD_TOO_LARGE,
        format!("Request body unreadable or larger than {MAX_BODY_BYTES} bytes"),
    )
    .into_response()
}
