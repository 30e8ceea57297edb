//! `POST /v1/auth` and the API key / token check every other route needs.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, codes};
use crate::extract::ApiJson;
use crate::fixtures;
use crate::random;
use crate::shared::AppState;

/// The header carrying the API key.
pub const API_KEY_HEADER: &str = "X-Soracom-API-Key";
/// The header carrying the token.
pub const TOKEN_HEADER: &str = "X-Soracom-Token";

/// API key / token pairs issued so far.
#[derive(Debug, Default)]
pub(crate) struct Credentials {
    /// Token by API key.
    issued: HashMap<String, String>,
}

impl Credentials {
    /// Issues and remembers a fresh `(api_key, token)` pair.
    pub(crate) fn issue(&mut self) -> (String, String) {
        let api_key = format!("api-{}", random::uuid_like());
        let token = format!("token-{}", random::random_hex(48));
        self.issued.insert(api_key.clone(), token.clone());
        (api_key, token)
    }

    /// Whether this exact pair was issued.
    pub(crate) fn is_valid(&self, api_key: &str, token: &str) -> bool {
        self.issued.get(api_key).is_some_and(|t| t == token)
    }
}

/// `AuthRequest`: either an AuthKey pair or a root user's email and password.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthRequest {
    auth_key_id: Option<String>,
    auth_key: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

/// `AuthResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthResponse {
    api_key: String,
    token: String,
    operator_id: &'static str,
}

impl AuthRequest {
    /// Whether the request names the fixture credentials; `Err` if it names
    /// neither an AuthKey pair nor an email and password.
    fn matches_fixture(&self) -> Result<bool, ApiError> {
        match (
            &self.auth_key_id,
            &self.auth_key,
            &self.email,
            &self.password,
        ) {
            (Some(id), Some(key), _, _) => {
                Ok(id == fixtures::AUTH_KEY_ID && key == fixtures::AUTH_KEY)
            }
            (_, _, Some(email), Some(password)) => {
                Ok(email == fixtures::OPERATOR_EMAIL && password == fixtures::OPERATOR_PASSWORD)
            }
            _ => Err(ApiError::bad_request(
                "Specify authKeyId and authKey, or email and password",
            )),
        }
    }
}

/// `POST /v1/auth`: 200 with a fresh pair for the fixture credentials, 401
/// otherwise (the error names neither the key nor the secret).
pub(crate) async fn login(
    State(shared): State<AppState>,
    ApiJson(request): ApiJson<AuthRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    if !request.matches_fixture()? {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::INVALID_CREDENTIALS,
            "Invalid credentials",
        ));
    }
    let (api_key, token) = shared.credentials().issue();
    Ok(Json(AuthResponse {
        api_key,
        token,
        operator_id: fixtures::OPERATOR_ID,
    }))
}

/// The value of header `name`, if present and text.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Middleware on every protected route: 401 unless both headers hold an
/// issued pair.
pub(crate) async fn require_credentials(
    State(shared): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let (Some(api_key), Some(token)) = (
        header(headers, API_KEY_HEADER),
        header(headers, TOKEN_HEADER),
    ) else {
        return ApiError::missing_api_key().into_response();
    };
    if !shared.credentials().is_valid(api_key, token) {
        return ApiError::invalid_api_key().into_response();
    }
    next.run(request).await
}
