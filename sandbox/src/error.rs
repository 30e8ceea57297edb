//! The error body every failing route returns, shaped like Soracom's
//! `APICallErrorMessage` (`{"code": "...", "message": "..."}`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Error codes the sandbox puts in the `code` field of an error body.
///
/// They are sandbox-specific (prefix `SBX`); the real API uses its own codes.
pub mod codes {
    /// `POST /v1/auth` with credentials that do not match a fixture.
    pub const INVALID_CREDENTIALS: &str = "SBX0001";
    /// A protected route called without both `X-Soracom-API-Key` and `X-Soracom-Token`.
    pub const MISSING_API_KEY: &str = "SBX0002";
    /// A protected route called with an API key / token pair that was never issued.
    pub const INVALID_API_KEY: &str = "SBX0003";
    /// The SIM ID is not in the sandbox (or, for reads, not registered).
    pub const NO_SUCH_SIM: &str = "SBX0101";
    /// The IMSI is not in the sandbox (or, for reads, not registered).
    pub const NO_SUCH_SUBSCRIBER: &str = "SBX0102";
    /// The group ID does not exist.
    pub const NO_SUCH_GROUP: &str = "SBX0103";
    /// The registration secret does not match the SIM's.
    pub const INVALID_REGISTRATION_SECRET: &str = "SBX0201";
    /// The SIM / subscriber is already registered.
    pub const ALREADY_REGISTERED: &str = "SBX0202";
    /// A lifecycle operation on a SIM / subscriber that is not registered yet.
    pub const NOT_REGISTERED: &str = "SBX0203";
    /// The request body or a path parameter could not be understood.
    pub const BAD_REQUEST: &str = "SBX0301";
    /// The request body is not declared as `application/json`.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "SBX0302";
    /// The request body is larger than the sandbox accepts.
    pub const PAYLOAD_TOO_LARGE: &str = "SBX0303";
    /// No route matches the path.
    pub const NO_SUCH_ROUTE: &str = "SBX0404";
    /// The path exists but not with this method.
    pub const METHOD_NOT_ALLOWED: &str = "SBX0405";
    /// An error status a fault rule injected (see `Sandbox::fault`).
    pub const INJECTED_FAULT: &str = "SBX0900";
}

/// A failed API call: an HTTP status plus an `APICallErrorMessage` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The `code` field of the body (one of [`codes`]).
    pub code: &'static str,
    /// The human-readable `message` field of the body.
    pub message: String,
}

/// The JSON body of an [`ApiError`].
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// Builds an error from its parts.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 404: the SIM ID is unknown (names the decoded ID).
    pub fn no_such_sim(sim_id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::NO_SUCH_SIM,
            format!("No such SIM: {sim_id}"),
        )
    }

    /// 404: the IMSI is unknown (names the decoded IMSI).
    pub fn no_such_subscriber(imsi: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::NO_SUCH_SUBSCRIBER,
            format!("No such subscriber: {imsi}"),
        )
    }

    /// 404: the group ID is unknown.
    pub fn no_such_group(group_id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            codes::NO_SUCH_GROUP,
            format!("No such group: {group_id}"),
        )
    }

    /// 400: a request that the sandbox cannot understand.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
    }

    /// 401: a protected route called without credentials.
    pub fn missing_api_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            codes::MISSING_API_KEY,
            "Both X-Soracom-API-Key and X-Soracom-Token headers are required",
        )
    }

    /// 401: a protected route called with credentials that were never issued.
    ///
    /// The message deliberately does not repeat the key or token.
    pub fn invalid_api_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            codes::INVALID_API_KEY,
            "Invalid API key or token",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}
