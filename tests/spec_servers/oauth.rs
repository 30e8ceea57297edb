//! The authorization server of `oauth.openapi.yaml`: `/authorize` answers with a code (as JSON,
//! as the example's workflows read it), `/oauth/token` exchanges codes, refresh tokens and client
//! credentials. Codes and refresh tokens are single-use; tokens are numbered in issue order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;

use super::{Server, json, pairs};

/// A client for which the token endpoint answers 200 without an `access_token`.
pub const TOKENLESS_CLIENT: &str = "tokenless-client";
/// A client for which the token endpoint answers 200 with `"access_token": null`.
pub const NULL_TOKEN_CLIENT: &str = "null-token-client";

#[derive(Default)]
struct Auth {
    issued: u32,
    /// code → (client_id, redirect_uri)
    codes: HashMap<String, (String, String)>,
    /// refresh token → client_id
    refresh_tokens: HashMap<String, String>,
    revoke_refresh_tokens: bool,
}

type Shared = Arc<Mutex<Auth>>;

pub struct OAuthServer {
    pub server: Server,
    state: Shared,
}

impl OAuthServer {
    pub async fn start() -> Self {
        let state = Shared::default();
        let routes = Router::new()
            .route("/authorize", get(authorize))
            .route("/oauth/token", post(token))
            .with_state(state.clone());
        Self {
            server: Server::start("/auth", routes).await,
            state,
        }
    }

    /// From now on every refresh token is refused (`invalid_grant`), as if revoked.
    pub fn revoke_refresh_tokens(&self) {
        self.state.lock().expect("lock").revoke_refresh_tokens = true;
    }
}

async fn authorize(State(auth): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let query: HashMap<String, String> = pairs(query.as_deref().unwrap_or_default())
        .into_iter()
        .collect();
    for required in [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
    ] {
        if !query.contains_key(required) {
            return json(
                400,
                json!({"error": "invalid_request", "missing": required}),
            );
        }
    }
    if query["response_type"] != "code" {
        return json(400, json!({"error": "unsupported_response_type"}));
    }
    let mut auth = auth.lock().expect("lock");
    auth.issued += 1;
    let code = format!("code-{}", auth.issued);
    auth.codes.insert(
        code.clone(),
        (query["client_id"].clone(), query["redirect_uri"].clone()),
    );
    json(200, json!({"code": code, "state": query["state"]}))
}

async fn token(State(auth): State<Shared>, body: String) -> Response {
    let form: HashMap<String, String> = pairs(&body).into_iter().collect();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let client_id = field("client_id");
    if client_id.is_empty() {
        return json(400, json!({"error": "invalid_client"}));
    }
    let mut auth = auth.lock().expect("lock");
    let granted = match field("grant_type").as_str() {
        "authorization_code" => {
            auth.codes
                .remove(&field("code"))
                .is_some_and(|(client, redirect)| {
                    client == client_id && redirect == field("redirect_uri")
                })
        }
        "refresh_token" => {
            let known = auth.refresh_tokens.remove(&field("refresh_token"));
            !auth.revoke_refresh_tokens && known.as_deref() == Some(client_id.as_str())
        }
        "client_credentials" => !field("client_secret").is_empty(),
        _ => return json(400, json!({"error": "unsupported_grant_type"})),
    };
    if !granted {
        return json(400, json!({"error": "invalid_grant"}));
    }
    if client_id == TOKENLESS_CLIENT {
        return json(200, json!({"token_type": "bearer"}));
    }
    if client_id == NULL_TOKEN_CLIENT {
        return json(200, json!({"access_token": null, "token_type": "bearer"}));
    }
    auth.issued += 1;
    let n = auth.issued;
    let access_token = format!("access-{n}");
    if field("grant_type") == "client_credentials" {
        return json(
            200,
            json!({"access_token": access_token, "token_type": "bearer", "expires_in": 600}),
        );
    }
    let refresh_token = format!("refresh-{n}");
    auth.refresh_tokens
        .insert(refresh_token.clone(), client_id.clone());
    json(
        200,
        json!({
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": refresh_token,
        }),
    )
}
