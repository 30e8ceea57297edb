//! Fault injection: make chosen requests fail the way real networks and servers do (an error
//! status with `Retry-After`, a slow answer, no answer, a dropped connection, a malformed body),
//! deterministically, so reliability tests can say exactly which request fails and how.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use std::time::Duration;
//! use arazzo_sandbox::{Fault, FaultRule, Sandbox};
//!
//! let sandbox = Sandbox::new()
//!     // The first register call gets 503 with `Retry-After: 1`.
//!     .fault(FaultRule::new(Fault::unavailable(1)).method("POST").path("/v1/sims/*/register").nth(1))
//!     // Every third read of any SIM is 200 ms late.
//!     .fault(FaultRule::new(Fault::Delay(Duration::from_millis(200))).method("GET").path("/v1/sims/*").every(3))
//!     .start()
//!     .await?;
//! // Faults can also be added and removed while it runs.
//! sandbox.inject(FaultRule::new(Fault::Drop).path("/v1/groups"));
//! sandbox.clear_faults();
//! # Ok(())
//! # }
//! ```

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{ApiError, codes};
use crate::shared::AppState;

/// What happens to a request a [`FaultRule`] selects.
///
/// Every fault except [`Fault::Delay`] and [`Fault::Truncate`] answers *instead of* the API: the
/// request is recorded but changes no state, so a client that retries it gets the real answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and an `{"code": "SBX0900", "message"}` body, with a
    /// `Retry-After` header holding `retry_after` when set (seconds or an HTTP date).
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` value, as sent.
        retry_after: Option<String>,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Never answer: hold the connection open until the client gives up or the sandbox stops
    /// (then the connection is closed without an answer).
    Hang,
    /// Read the whole request, then close the connection without sending a byte of a response.
    Drop,
    /// Answer with this status, `Content-Type` (none when `None`) and raw body: not JSON,
    /// `null`, empty, the wrong shape, a newer API version's fields.
    Body {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The body, sent as is.
        body: Vec<u8>,
    },
    /// Handle the request normally, then send only the first half of the response body (with a
    /// `Content-Length` that matches what is sent, so the HTTP exchange itself is complete).
    Truncate,
}

impl Fault {
    /// An error status without `Retry-After`.
    pub fn status(status: u16) -> Self {
        Fault::Status {
            status,
            retry_after: None,
        }
    }

    /// `503 Service Unavailable` with `Retry-After: <seconds>`.
    pub fn unavailable(retry_after_seconds: u64) -> Self {
        Fault::Status {
            status: 503,
            retry_after: Some(retry_after_seconds.to_string()),
        }
    }

    /// `429 Too Many Requests` with `Retry-After: <seconds>`.
    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        Fault::Status {
            status: 429,
            retry_after: Some(retry_after_seconds.to_string()),
        }
    }

    /// A raw body with a status and an optional `Content-Type`.
    pub fn body(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Self {
        Fault::Body {
            status,
            content_type: content_type.map(str::to_owned),
            body: body.into(),
        }
    }

    /// How the request log names the fault (`RecordedRequest::fault`).
    fn label(&self) -> String {
        match self {
            Fault::Status { status, .. } => format!("status {status}"),
            Fault::Delay(delay) => format!("delay {}ms", delay.as_millis()),
            Fault::Hang => "hang".to_owned(),
            Fault::Drop => "drop".to_owned(),
            Fault::Body { status, .. } => format!("body {status}"),
            Fault::Truncate => "truncate".to_owned(),
        }
    }
}

/// Which requests get a [`Fault`]: a method, a path pattern and which of the matching requests.
///
/// A rule counts every request its method and path match, in arrival order, whether or not it
/// applies; when several rules select a request, the first one added applies. So with a
/// sequential client, which request fails is fully determined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    fault: Fault,
    method: Option<String>,
    path: Option<String>,
    when: When,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    Nth(u64),
    Every(u64),
    First(u64),
}

impl FaultRule {
    /// A rule applying `fault` to every request (narrow it with the other methods).
    pub fn new(fault: Fault) -> Self {
        Self {
            fault,
            method: None,
            path: None,
            when: When::Always,
        }
    }

    /// Only requests with this method (case-insensitive).
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Only requests whose path, as sent (percent-encoding intact, no query), matches
    /// `pattern`: segment by segment, where `*` matches any one segment, e.g.
    /// `/v1/sims/*/register`.
    pub fn path(mut self, pattern: &str) -> Self {
        self.path = Some(pattern.to_owned());
        self
    }

    /// Only the `n`-th matching request (1-based).
    pub fn nth(mut self, n: u64) -> Self {
        self.when = When::Nth(n);
        self
    }

    /// Every `n`-th matching request: the `n`-th, `2n`-th, ... (`0` never applies).
    pub fn every(mut self, n: u64) -> Self {
        self.when = When::Every(n);
        self
    }

    /// The first `n` matching requests.
    pub fn first(mut self, n: u64) -> Self {
        self.when = When::First(n);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path
                .as_deref()
                .is_none_or(|pattern| path_matches(pattern, path))
    }

    fn selects(&self, count: u64) -> bool {
        match self.when {
            When::Always => true,
            When::Nth(n) => count == n,
            When::Every(n) => n != 0 && count.is_multiple_of(n),
            When::First(n) => count <= n,
        }
    }
}

fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.split('/');
    let mut path = path.split('/');
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if p == "*" || p == s => {}
            _ => return false,
        }
    }
}

/// The rules of one sandbox, each with how many requests it has matched so far.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<(FaultRule, u64)>,
}

impl Faults {
    pub(crate) fn new(rules: Vec<FaultRule>) -> Self {
        Self {
            rules: rules.into_iter().map(|rule| (rule, 0)).collect(),
        }
    }

    pub(crate) fn add(&mut self, rule: FaultRule) {
        self.rules.push((rule, 0));
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// Counts the request against every matching rule and returns the fault of the first rule
    /// that selects it.
    fn select(&mut self, method: &str, path: &str) -> Option<Fault> {
        let mut chosen = None;
        for (rule, seen) in &mut self.rules {
            if rule.matches(method, path) {
                *seen += 1;
                if chosen.is_none() && rule.selects(*seen) {
                    chosen = Some(rule.fault.clone());
                }
            }
        }
        chosen
    }
}

/// Put on a response the fault middleware produced, for the request log.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub(crate) label: String,
    /// No response reached the client: the connection was closed instead.
    pub(crate) dropped: bool,
}

/// Middleware between the request log and the routes: applies the first selecting rule's fault.
pub(crate) async fn inject(
    State(shared): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let fault = shared
        .faults()
        .select(request.method().as_str(), request.uri().path());
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let connection = request
        .extensions()
        .get::<ConnectInfo<Connection>>()
        .map(|info| info.0.clone());
    let label = fault.label();
    let mut dropped = false;
    let mut response = match fault {
        Fault::Status {
            status,
            retry_after,
        } => {
            let mut response = injected_error(status);
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Fault::Hang => {
            shared.stopped().await;
            dropped = cut(connection.as_ref());
            injected_error(503)
        }
        Fault::Drop => {
            dropped = cut(connection.as_ref());
            injected_error(502)
        }
        Fault::Body {
            status,
            content_type,
            body,
        } => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if let Some(value) = content_type.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(CONTENT_TYPE, value);
            }
            response
        }
        Fault::Truncate => truncate(next.run(request).await).await,
    };
    response.extensions_mut().insert(Applied { label, dropped });
    response
}

/// The error body of a status fault; statuses axum cannot represent become 500.
fn injected_error(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError::new(
        status,
        codes::INJECTED_FAULT,
        format!("Injected fault: HTTP {}", status.as_u16()),
    )
    .into_response()
}

/// Marks the connection to be closed instead of answered; `false` when the request did not come
/// through a sandbox listener (nothing to cut), in which case the error answer goes out.
fn cut(connection: Option<&Connection>) -> bool {
    match connection {
        Some(connection) => {
            connection.cut.store(true, Ordering::SeqCst);
            true
        }
        None => false,
    }
}

async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    // The new length is set from the body when it is sent.
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

/// The sandbox's listener: a TCP listener whose connections can be cut by the fault middleware
/// and are counted while open.
pub(crate) struct FaultListener {
    listener: TcpListener,
    open: Arc<AtomicUsize>,
}

impl FaultListener {
    pub(crate) fn new(listener: TcpListener, open: Arc<AtomicUsize>) -> Self {
        Self { listener, open }
    }
}

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.listener.accept().await {
                Ok((stream, addr)) => {
                    // Small JSON answers: do not wait to fill a segment.
                    let _ = stream.set_nodelay(true);
                    self.open.fetch_add(1, Ordering::SeqCst);
                    let io = FaultIo {
                        stream,
                        cut: Arc::new(AtomicBool::new(false)),
                        open: self.open.clone(),
                    };
                    return (io, addr);
                }
                Err(error) if is_per_connection(&error) => {}
                Err(error) => {
                    // Out of file descriptors and the like: give the process a moment, as
                    // axum's own listener does.
                    tracing::error!(%error, "arazzo-sandbox accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

fn is_per_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// One accepted connection. Once cut, it reads as closed and refuses every write, so the server
/// drops it without sending anything.
pub(crate) struct FaultIo {
    stream: TcpStream,
    cut: Arc<AtomicBool>,
    open: Arc<AtomicUsize>,
}

impl Drop for FaultIo {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl FaultIo {
    fn is_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_cut() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_cut() {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_cut() {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// What the fault middleware gets of the connection a request came on: its cut switch.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    cut: Arc<AtomicBool>,
}

impl Connected<IncomingStream<'_, FaultListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        Self {
            cut: stream.io().cut.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_segment_by_segment() {
        assert!(path_matches("/v1/sims/*/register", "/v1/sims/123/register"));
        assert!(path_matches(
            "/v1/sims/*/register",
            "/v1/sims/a%2Fb/register"
        ));
        assert!(!path_matches(
            "/v1/sims/*/register",
            "/v1/sims/1/2/register"
        ));
        assert!(!path_matches("/v1/sims/*", "/v1/sims/1/register"));
        assert!(path_matches("/v1/groups", "/v1/groups"));
        assert!(!path_matches("/v1/groups", "/v1/groups/"));
    }

    #[test]
    fn rules_count_their_matches_and_the_first_selecting_rule_applies() {
        let mut faults = Faults::new(vec![
            FaultRule::new(Fault::Drop).method("post").nth(2),
            FaultRule::new(Fault::status(500)).path("/a").every(2),
        ]);
        let picks: Vec<Option<String>> = (0..4)
            .map(|_| faults.select("POST", "/a").map(|f| f.label()))
            .collect();
        assert_eq!(
            picks,
            vec![
                None,
                Some("drop".to_owned()),
                None,
                Some("status 500".to_owned())
            ]
        );
        assert_eq!(faults.select("GET", "/b"), None);
        let mut first = Faults::new(vec![FaultRule::new(Fault::Hang).first(2)]);
        let hits = (0..4)
            .filter(|_| first.select("GET", "/").is_some())
            .count();
        assert_eq!(hits, 2);
        assert_eq!(
            Faults::new(vec![FaultRule::new(Fault::Hang).every(0)]).select("GET", "/"),
            None
        );
    }
}
