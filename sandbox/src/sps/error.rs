//! The error body every failing SPS route returns:
//! `{"code": "...", "message": "...", "details": [{"field", "message"}]}`
//! (`details` only for invalid requests). The Soracom fake's
//! `{"code", "message"}` bodies fit the same schema, so a 413 or an error
//! raised before routing still parses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::validate::FieldError;

/// Error codes the SPS fake puts in the `code` field of an error body (and
/// in the `error` of a failed transaction).
///
/// They are sandbox-specific (prefix `SPS`); the real API's are not
/// documented.
pub mod codes {
    /// 401: no `Authorization: Bearer ...` header.
    pub const MISSING_TOKEN: &str = "SPS0001";
    /// 401: a bearer token other than [`ACCESS_TOKEN`](crate::sps::ACCESS_TOKEN).
    pub const INVALID_TOKEN: &str = "SPS0002";
    /// 400: a field, header or path parameter breaks the documented type,
    /// length, pattern or enum (each one is named in `details`), including a
    /// missing `wholesaleCustomerId` header.
    pub const INVALID_REQUEST: &str = "SPS0100";
    /// 400: the body is not JSON.
    pub const MALFORMED_BODY: &str = "SPS0101";
    /// 415: the body is not declared as `application/json`.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "SPS0102";
    /// 404: no transaction has this `partnerTransactionId`.
    pub const NO_SUCH_TRANSACTION: &str = "SPS0201";
    /// 404: no subscription has this ICCID / GPSI (failed activations do
    /// not count).
    pub const NO_SUCH_SUBSCRIPTION: &str = "SPS0202";
    /// 409: the `partnerTransactionId` was already used.
    pub const DUPLICATE_TRANSACTION: &str = "SPS0301";
    /// 409: activation for a `subscriberId` that already has a subscription.
    pub const SUBSCRIPTION_EXISTS: &str = "SPS0302";
    /// 409: activation with an ICCID or GPSI another subscription holds.
    pub const IDENTIFIER_IN_USE: &str = "SPS0303";
    /// 409: the action is not allowed in the subscription's status (e.g.
    /// resume of an active subscription).
    pub const INVALID_TRANSITION: &str = "SPS0304";
    /// 409: the subscription still has a pending transaction.
    pub const TRANSACTION_IN_PROGRESS: &str = "SPS0305";
    /// 404: no SPS route has this path.
    pub const NO_SUCH_ROUTE: &str = "SPS0404";
    /// 405: the path exists but not with this method.
    pub const METHOD_NOT_ALLOWED: &str = "SPS0405";
    /// Not an HTTP error: the `error.code` of a transaction that completed
    /// with `Failure`.
    pub const PROVISIONING_FAILED: &str = "SPS0900";
}

/// A failed SPS call: an HTTP status and an error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpsError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Vec<FieldError>,
}

/// The JSON body of an [`SpsError`].
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    details: &'a [FieldError],
}

impl SpsError {
    /// Builds an error from its parts.
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// 400 naming every offending field, in request order.
    pub(crate) fn invalid(details: Vec<FieldError>) -> Self {
        let summary: Vec<String> = details
            .iter()
            .map(|d| format!("{} {}", d.field, d.message))
            .collect();
        Self {
            status: StatusCode::BAD_REQUEST,
            code: codes::INVALID_REQUEST,
            message: format!("Invalid request: {}", summary.join("; ")),
            details,
        }
    }

    /// 409 with `code`.
    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 404 with `code`.
    pub(crate) fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
}

impl IntoResponse for SpsError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: &self.message,
            details: &self.details,
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750: tell the client which scheme would have worked.
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
