//! The authorization server of `FAPI-PAR.openapi.yaml`: a pushed authorization request stores the
//! form's parameters under a `request_uri`; the authorization endpoint redirects to the client's
//! `redirect_uri` with a code (and, as the example's workflow reads it, the code in a JSON body);
//! the token endpoint checks the code, the redirect URI and the PKCE verifier (`plain`).
//! Both POST endpoints check the client's query authentication and the form media type.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{Server, json, pairs};

pub const ISSUER: &str = "https://api.example.com";
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

#[derive(Default)]
struct Auth {
    issued: u32,
    /// request_uri → the pushed form
    pushed: HashMap<String, HashMap<String, String>>,
    /// code → the pushed form it was issued for
    codes: HashMap<String, HashMap<String, String>>,
}

type Shared = Arc<Mutex<Auth>>;

pub async fn start() -> Server {
    let routes = Router::new()
        .route("/as/par.oauth2", post(par))
        .route("/as/authorize.oauth2", get(authorize))
        .route("/as/token.oauth2", post(token))
        .with_state(Shared::default());
    Server::start("/fapi", routes).await
}

/// The client authentication of both POST endpoints: `client_id`, the JWT-bearer assertion type
/// and an assertion (JSON, as the description's `content` says) issued by that client.
/// The refusal is a status and a JSON body.
fn client(headers: &HeaderMap, query: Option<&str>) -> Result<String, (u16, Value)> {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type != "application/x-www-form-urlencoded" {
        return Err((415, json!({"error": "form body expected"})));
    }
    let query: HashMap<String, String> = pairs(query.unwrap_or_default()).into_iter().collect();
    let client_id = query.get("client_id").cloned().unwrap_or_default();
    let assertion: Value = query
        .get("client_assertion")
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or(Value::Null);
    if client_id.is_empty()
        || query.get("client_assertion_type").map(String::as_str) != Some(ASSERTION_TYPE)
        || assertion["iss"] != client_id.as_str()
    {
        return Err((401, json!({"error": "invalid_client"})));
    }
    Ok(client_id)
}

async fn par(
    State(auth): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: String,
) -> Response {
    let client_id = match client(&headers, query.as_deref()) {
        Ok(client_id) => client_id,
        Err((status, body)) => return json(status, body),
    };
    let form: HashMap<String, String> = pairs(&body).into_iter().collect();
    if form.get("client_id") != Some(&client_id)
        || form.get("response_type").map(String::as_str) != Some("code")
        || !form.contains_key("redirect_uri")
        || !form.contains_key("code_challenge")
    {
        return json(400, json!({"error": "invalid_request"}));
    }
    let mut auth = auth.lock().expect("lock");
    auth.issued += 1;
    let request_uri = format!("urn:ietf:params:oauth:request_uri:req-{}", auth.issued);
    auth.pushed.insert(request_uri.clone(), form);
    json(200, json!({"request_uri": request_uri, "expires_in": "90"}))
}

async fn authorize(State(auth): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let query: HashMap<String, String> = pairs(query.as_deref().unwrap_or_default())
        .into_iter()
        .collect();
    let mut auth = auth.lock().expect("lock");
    let Some(pushed) = query
        .get("request_uri")
        .and_then(|uri| auth.pushed.remove(uri))
    else {
        return json(400, json!({"error": "invalid_request_uri"}));
    };
    if query.get("client_id") != pushed.get("client_id") {
        return json(400, json!({"error": "invalid_client"}));
    }
    auth.issued += 1;
    let code = format!("authz-code-{}", auth.issued);
    let state = pushed.get("state").cloned().unwrap_or_default();
    let location = format!(
        "{}?code={code}&state={state}&iss={ISSUER}",
        pushed["redirect_uri"]
    );
    auth.codes.insert(code.clone(), pushed);
    let mut response = json(302, json!({"code": code, "state": state, "iss": ISSUER}));
    response
        .headers_mut()
        .insert("location", location.parse().expect("location"));
    response
}

async fn token(
    State(auth): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: String,
) -> Response {
    let client_id = match client(&headers, query.as_deref()) {
        Ok(client_id) => client_id,
        Err((status, body)) => return json(status, body),
    };
    let form: HashMap<String, String> = pairs(&body).into_iter().collect();
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return json(400, json!({"error": "unsupported_grant_type"}));
    }
    let mut auth = auth.lock().expect("lock");
    let Some(pushed) = form.get("code").and_then(|code| auth.codes.remove(code)) else {
        return json(400, json!({"error": "invalid_grant"}));
    };
    if pushed.get("client_id") != Some(&client_id)
        || form.get("redirect_uri") != pushed.get("redirect_uri")
        || form.get("code_verifier") != pushed.get("code_challenge")
    {
        return json(400, json!({"error": "invalid_grant"}));
    }
    auth.issued += 1;
    let n = auth.issued;
    json(
        200,
        json!({
            "access_token": format!("fapi-access-{n}"),
            "token_type": "Bearer",
            "expires_in": 300,
            "refresh_token": format!("fapi-refresh-{n}"),
            "id_token": format!("id-token-{n}"),
            "scope": pushed.get("scope"),
        }),
    )
}
