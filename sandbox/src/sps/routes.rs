//! The SPS HTTP surface under [`PREFIX`]: three routes, the bearer-token
//! check, the `wholesaleCustomerId` header, JSON bodies, and the SPS-shaped
//! 404 / 405 answers.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::error::SpsError;
use super::state::RequestContext;
use super::{ACCESS_TOKEN, CORRELATION_ID_HEADER, CUSTOMER_ID_HEADER, PREFIX, codes, validate};
use crate::idempotency;
use crate::shared::AppState;

/// The SPS routes, mounted under [`PREFIX`].
pub(crate) fn router(shared: AppState) -> Router<AppState> {
    let api = Router::new()
        .route("/subscription/activate", post(activate))
        .route("/subscription/status", post(update_status))
        .route(
            "/transaction/status/{partnerTransactionId}",
            get(transaction_status),
        )
        // Inside the token check: only an accepted caller gets a replayed answer.
        .route_layer(from_fn_with_state(shared.clone(), idempotency::replay))
        // Unknown paths answer 404 without credentials, as the Soracom fake does.
        .route_layer(from_fn_with_state(shared, require_token))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(no_such_route)
        .layer(from_fn(echo_correlation_id));
    Router::new().nest(PREFIX, api)
}

/// The acknowledgement every accepted request gets.
fn acknowledged() -> (StatusCode, Json<Value>) {
    (StatusCode::ACCEPTED, Json(json!({"status": "Success"})))
}

/// `POST /subscription/activate`.
async fn activate(
    State(shared): State<AppState>,
    Context(context): Context,
    SpsJson(body): SpsJson,
) -> Result<(StatusCode, Json<Value>), SpsError> {
    let request = validate::activate(&body).map_err(SpsError::invalid)?;
    let sps = shared.sps();
    let completed = sps.store().activate(request, context, sps.settings())?;
    sps.notify(completed);
    Ok(acknowledged())
}

/// `POST /subscription/status`: suspend, resume, cease or reactivate.
async fn update_status(
    State(shared): State<AppState>,
    Context(context): Context,
    SpsJson(body): SpsJson,
) -> Result<(StatusCode, Json<Value>), SpsError> {
    let request = validate::update(&body).map_err(SpsError::invalid)?;
    let sps = shared.sps();
    let completed = sps.store().update(request, context, sps.settings())?;
    sps.notify(completed);
    Ok(acknowledged())
}

/// `GET /transaction/status/{partnerTransactionId}`: one poll.
async fn transaction_status(
    State(shared): State<AppState>,
    Context(_): Context,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, SpsError> {
    let Path(partner_transaction_id) = path.map_err(|rejection| {
        SpsError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_REQUEST,
            format!("Invalid path parameter: {}", rejection.body_text()),
        )
    })?;
    validate::partner_transaction_id(&partner_transaction_id)
        .map_err(|error| SpsError::invalid(vec![error]))?;
    let sps = shared.sps();
    let (answer, completed) = sps.store().poll(&partner_transaction_id, sps.settings())?;
    sps.notify(completed);
    Ok(Json(answer))
}

/// The validated `wholesaleCustomerId` and the `X-Correlation-Id` of a
/// request: 400 when the customer ID is missing (unless allowed) or breaks
/// its documented length.
struct Context(RequestContext);

impl FromRequestParts<AppState> for Context {
    type Rejection = SpsError;

    async fn from_request_parts(parts: &mut Parts, shared: &AppState) -> Result<Self, SpsError> {
        let headers = &parts.headers;
        let customer = headers
            .get(CUSTOMER_ID_HEADER)
            .map(|v| std::str::from_utf8(v.as_bytes()).ok());
        let required = shared.sps().settings().require_customer_id;
        let customer_id = validate::customer_id(customer, required)
            .map_err(|error| SpsError::invalid(vec![error]))?;
        let correlation_id = headers
            .get(CORRELATION_ID_HEADER)
            .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
            .map(str::to_owned);
        Ok(Self(RequestContext {
            correlation_id,
            customer_id,
        }))
    }
}

/// A JSON request body, not yet validated: 415 without an
/// `application/json` content type, 400 when it is not JSON.
struct SpsJson(Value);

impl<S: Send + Sync> FromRequest<S> for SpsJson {
    type Rejection = SpsError;

    async fn from_request(request: Request, state: &S) -> Result<Self, SpsError> {
        if !is_json(request.headers()) {
            return Err(SpsError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                "Expected a request with `Content-Type: application/json`",
            ));
        }
        // The request log already buffered the body, so this cannot fail on
        // size; any other failure is a broken body.
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| malformed(rejection.body_text()))?;
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|error| malformed(error.to_string()))
    }
}

fn malformed(reason: String) -> SpsError {
    SpsError::new(
        StatusCode::BAD_REQUEST,
        codes::MALFORMED_BODY,
        format!("Request body is not JSON: {reason}"),
    )
}

/// Whether the content type is `application/json` (parameters allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Middleware on the three routes: 401 unless `Authorization: Bearer
/// <ACCESS_TOKEN>`. Runs before the customer ID and body are looked at.
async fn require_token(request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match token {
        None => SpsError::new(
            StatusCode::UNAUTHORIZED,
            codes::MISSING_TOKEN,
            "An `Authorization: Bearer <token>` header is required",
        )
        .into_response(),
        // The message does not repeat the token.
        Some(token) if token != ACCESS_TOKEN => SpsError::new(
            StatusCode::UNAUTHORIZED,
            codes::INVALID_TOKEN,
            "Invalid bearer token",
        )
        .into_response(),
        Some(_) => next.run(request).await,
    }
}

/// Middleware around every SPS response: echoes `X-Correlation-Id`, so a
/// client can match answers to requests in its own telemetry.
async fn echo_correlation_id(request: Request, next: Next) -> Response {
    // `HeaderMap::insert` wants the lowercase form.
    const NAME: HeaderName = HeaderName::from_static("x-correlation-id");
    let correlation_id = request.headers().get(CORRELATION_ID_HEADER).cloned();
    let mut response = next.run(request).await;
    if let Some(value) = correlation_id {
        response.headers_mut().insert(NAME, value);
    }
    response
}

async fn no_such_route() -> SpsError {
    SpsError::not_found(codes::NO_SUCH_ROUTE, "No such route")
}

async fn method_not_allowed() -> SpsError {
    SpsError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "Method not allowed",
    )
}
