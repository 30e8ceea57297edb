//! OAuth 2.0 and OpenID Connect from `securitySchemes`, over real HTTP: a small authorization
//! server (token endpoints, a discovery document) and the API it protects, both on 127.0.0.1.
//!
//! The token URLs in the fixture's description are relative (`/oauth/token`): OpenAPI resolves
//! relative URLs against the Server Object, here the server the client is given.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arazzo_runtime::{Client, ClientAuthentication, Error, Secret};
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

mod vault {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/oauth/vault.arazzo.yaml");
}

use vault::*;

const CLIENT_ID: &str = "vault-client";
const CLIENT_SECRET: &str = "client-SECRET-s3cr3t";
/// `Basic` + base64 of `vault-client:client-SECRET-s3cr3t` (RFC 6749 §2.3.1, RFC 7617).
const CLIENT_BASIC: &str = "Basic dmF1bHQtY2xpZW50OmNsaWVudC1TRUNSRVQtczNjcjN0";
const OWNER: &str = "ada";
const OWNER_PASSWORD: &str = "owner-SECRET-pw";
const INITIAL_REFRESH: &str = "refresh-SECRET-initial";

/// One request the token endpoints received.
#[derive(Debug, Clone)]
struct TokenRequest {
    path: String,
    /// The `Authorization` header, if any.
    authorization: Option<String>,
    form: HashMap<String, String>,
}

impl TokenRequest {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.get(name).map(String::as_str)
    }
}

struct Provider {
    base: String,
    token_requests: Vec<TokenRequest>,
    discoveries: u32,
    /// Access token → the scope it was issued for; revoked tokens are removed.
    issued: HashMap<String, String>,
    /// Refresh token → scope.
    refresh_tokens: HashMap<String, String>,
    /// The `Authorization` header of each API request.
    api_requests: Vec<Option<String>>,
    expires_in: u64,
    /// The API refuses every token.
    refuse_all: bool,
    next: u32,
}

type Shared = Arc<Mutex<Provider>>;

fn lock(provider: &Shared) -> std::sync::MutexGuard<'_, Provider> {
    provider.lock().unwrap_or_else(|e| e.into_inner())
}

fn oauth_error(status: StatusCode, error: &str, description: String) -> Response {
    let body = json!({"error": error, "error_description": description});
    (status, Json(body)).into_response()
}

/// A token endpoint (RFC 6749 §3.2): client authentication by HTTP basic or in the body, the
/// `client_credentials`, `password` and `refresh_token` grants.
async fn token(
    State(provider): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    // Long enough for every concurrent run to be waiting for this answer.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut state = lock(&provider);
    state.token_requests.push(TokenRequest {
        path: uri.path().to_owned(),
        authorization: authorization.clone(),
        form: form.clone(),
    });
    let field = |name: &str| form.get(name).map(String::as_str);
    let confidential = authorization.as_deref() == Some(CLIENT_BASIC)
        || (field("client_id") == Some(CLIENT_ID) && field("client_secret") == Some(CLIENT_SECRET));
    let public = authorization.is_none()
        && field("client_id") == Some(CLIENT_ID)
        && field("client_secret").is_none();
    let grant = field("grant_type").unwrap_or_default();
    let public_grant = matches!(grant, "password" | "refresh_token");
    let authenticated = confidential || (public && public_grant);
    if !authenticated {
        // A careless server quotes what it was sent.
        let sent = authorization
            .or_else(|| field("client_secret").map(str::to_owned))
            .unwrap_or_default();
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            format!("client authentication failed ({sent})"),
        );
    }
    let scope = field("scope").unwrap_or_default().to_owned();
    let refresh = match grant {
        "client_credentials" => false,
        "password"
            if field("username") == Some(OWNER) && field("password") == Some(OWNER_PASSWORD) =>
        {
            true
        }
        "refresh_token" => match field("refresh_token").and_then(|t| state.refresh_tokens.get(t)) {
            Some(granted) if scope.is_empty() || *granted == scope => true,
            Some(_) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", scope),
            None => {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", String::new());
            }
        },
        _ => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", String::new()),
    };
    state.next += 1;
    let access = format!("access-SECRET-{}", state.next);
    state.issued.insert(access.clone(), scope.clone());
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": state.expires_in,
    });
    if refresh {
        let refresh_token = format!("refresh-SECRET-{}", state.next);
        state.refresh_tokens.insert(refresh_token.clone(), scope);
        body["refresh_token"] = json!(refresh_token);
    }
    Json(body).into_response()
}

/// OpenID Connect Discovery 1.0: the provider's token endpoint, absolute.
async fn discovery(State(provider): State<Shared>) -> Response {
    let mut state = lock(&provider);
    state.discoveries += 1;
    let base = state.base.clone();
    Json(json!({"issuer": base, "token_endpoint": format!("{base}/oidc/token")})).into_response()
}

/// Every API operation: 200 with the scope of a valid token, else 401 (RFC 6750 §3.1).
async fn api(State(provider): State<Shared>, headers: HeaderMap) -> Response {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut state = lock(&provider);
    state.api_requests.push(authorization.clone());
    let scope = authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .and_then(|token| state.issued.get(token))
        .cloned();
    match scope {
        Some(scope) if !state.refuse_all => Json(json!({"scope": scope})).into_response(),
        _ => (StatusCode::UNAUTHORIZED, "invalid_token").into_response(),
    }
}

async fn start(expires_in: u64) -> (Shared, String) {
    let provider = Arc::new(Mutex::new(Provider {
        base: String::new(),
        token_requests: Vec::new(),
        discoveries: 0,
        issued: HashMap::new(),
        refresh_tokens: HashMap::from([(INITIAL_REFRESH.to_owned(), "archive".to_owned())]),
        api_requests: Vec::new(),
        expires_in,
        refuse_all: false,
        next: 0,
    }));
    let app = Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/refresh", post(token))
        .route("/oidc/token", post(token))
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/v1/things/{id}", get(api))
        .route("/v1/things", post(api))
        .route("/v1/profile", get(api))
        .route("/v1/archive", get(api))
        .route("/v1/reports", get(api))
        .with_state(provider.clone());
    let addr = support::serve(app).await;
    let base = format!("http://{addr}");
    lock(&provider).base = base.clone();
    (provider, format!("{base}/v1"))
}

fn machine_client(server: &str) -> Client {
    Client::builder()
        .server("vault", server)
        .oauth2_client_credentials("machine", CLIENT_ID, CLIENT_SECRET)
        .build()
        .expect("client")
}

fn thing(id: &str) -> ReadThingInputs {
    ReadThingInputs { id: id.to_owned() }
}

fn token_requests(provider: &Shared) -> Vec<TokenRequest> {
    lock(provider).token_requests.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_runs_share_one_token_request() {
    let (provider, server) = start(3600).await;
    let client = machine_client(&server);
    let mut runs = tokio::task::JoinSet::new();
    for n in 0..50 {
        let client = client.clone();
        runs.spawn(async move { read_thing(&client, thing(&format!("t{n}"))).await });
    }
    while let Some(outcome) = runs.join_next().await {
        let outputs = outcome.expect("join").expect("run");
        assert_eq!(outputs.scope, "things:read");
    }
    let requests = token_requests(&provider);
    assert_eq!(requests.len(), 1, "{requests:?}");
    // RFC 6749 §4.4.2, client authenticated with HTTP basic (§2.3.1, the default).
    assert_eq!(requests[0].path, "/oauth/token");
    assert_eq!(requests[0].field("grant_type"), Some("client_credentials"));
    assert_eq!(requests[0].authorization.as_deref(), Some(CLIENT_BASIC));
    assert_eq!(requests[0].field("client_secret"), None);
    let api = lock(&provider).api_requests.clone();
    assert_eq!(api.len(), 50);
    assert!(
        api.iter()
            .all(|a| a.as_deref() == Some("Bearer access-SECRET-1"))
    );
}

/// OpenAPI Security Requirement Object: for `oauth2` and `openIdConnect`, the value is "a list
/// of scope names required for the execution": the token requested is for exactly those.
#[tokio::test]
async fn the_scopes_requested_are_the_operations() {
    let (provider, server) = start(3600).await;
    let client = machine_client(&server);
    let read = read_thing(&client, thing("a")).await.expect("read");
    let write = write_thing(&client, WriteThingInputs {})
        .await
        .expect("write");
    // A second read reuses the `things:read` token: tokens are kept per scope set.
    read_thing(&client, thing("b")).await.expect("read again");
    assert_eq!(read.scope, "things:read");
    assert_eq!(write.scope, "things:write things:read");
    let scopes: Vec<_> = token_requests(&provider)
        .iter()
        .map(|r| r.field("scope").map(str::to_owned))
        .collect();
    assert_eq!(
        scopes,
        [
            Some("things:read".to_owned()),
            Some("things:write things:read".to_owned())
        ]
    );
}

#[tokio::test]
async fn an_expired_token_is_requested_again() {
    // `expires_in: 1`: renewed once half of its second is gone.
    let (provider, server) = start(1).await;
    let client = machine_client(&server);
    read_thing(&client, thing("a")).await.expect("first");
    read_thing(&client, thing("b")).await.expect("still fresh");
    assert_eq!(token_requests(&provider).len(), 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    read_thing(&client, thing("c")).await.expect("after expiry");
    assert_eq!(token_requests(&provider).len(), 2);
    let api = lock(&provider).api_requests.clone();
    assert_eq!(api[2].as_deref(), Some("Bearer access-SECRET-2"));
}

#[tokio::test]
async fn a_401_gets_one_new_token_and_one_resend() {
    let (provider, server) = start(3600).await;
    let client = machine_client(&server);
    read_thing(&client, thing("a")).await.expect("first");
    // The server revokes the token before it expires.
    lock(&provider).issued.clear();
    let outputs = read_thing(&client, thing("b"))
        .await
        .expect("after revocation");
    assert_eq!(outputs.scope, "things:read");
    assert_eq!(token_requests(&provider).len(), 2);
    let api = lock(&provider).api_requests.clone();
    assert_eq!(
        api.iter().map(|a| a.as_deref()).collect::<Vec<_>>(),
        [
            Some("Bearer access-SECRET-1"),
            Some("Bearer access-SECRET-1"),
            Some("Bearer access-SECRET-2")
        ]
    );
}

#[tokio::test]
async fn an_api_that_keeps_refusing_gets_exactly_one_renewal_and_one_resend() {
    let (provider, server) = start(3600).await;
    lock(&provider).refuse_all = true;
    let client = machine_client(&server);
    let error = read_thing(&client, thing("a")).await.expect_err("refused");
    assert_eq!(error.status(), Some(401), "{error}");
    assert_eq!(token_requests(&provider).len(), 2);
    assert_eq!(lock(&provider).api_requests.len(), 2);
}

/// RFC 6749 §4.3.2 for a public client (§3.2.1: `client_id` in the body), and §6: the refresh
/// token it issued renews the access token.
#[tokio::test]
async fn the_password_grant_and_its_refresh_token() {
    let (provider, server) = start(1).await;
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_password("owner", OWNER, OWNER_PASSWORD, CLIENT_ID, None)
        .build()
        .expect("client");
    let outputs = read_profile(&client, ReadProfileInputs {})
        .await
        .expect("profile");
    assert_eq!(outputs.scope, "profile");
    tokio::time::sleep(Duration::from_millis(600)).await;
    read_profile(&client, ReadProfileInputs {})
        .await
        .expect("profile, renewed");
    let requests = token_requests(&provider);
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].field("grant_type"), Some("password"));
    assert_eq!(requests[0].field("username"), Some(OWNER));
    assert_eq!(requests[0].field("password"), Some(OWNER_PASSWORD));
    assert_eq!(requests[0].field("client_id"), Some(CLIENT_ID));
    assert_eq!(requests[0].authorization, None);
    assert_eq!(requests[1].field("grant_type"), Some("refresh_token"));
    assert_eq!(requests[1].field("refresh_token"), Some("refresh-SECRET-1"));
    assert_eq!(requests[1].field("scope"), Some("profile"));
}

/// OpenAPI OAuth Flow Object `refreshUrl`: "The URL to be used for obtaining refresh tokens."
#[tokio::test]
async fn a_refresh_token_is_used_at_the_refresh_url() {
    let (provider, server) = start(3600).await;
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_refresh_token(
            "delegated",
            INITIAL_REFRESH,
            CLIENT_ID,
            Some(Secret::new(CLIENT_SECRET)),
        )
        .build()
        .expect("client");
    let outputs = read_archive(&client, ReadArchiveInputs {})
        .await
        .expect("archive");
    assert_eq!(outputs.scope, "archive");
    let requests = token_requests(&provider);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/oauth/refresh");
    assert_eq!(requests[0].field("grant_type"), Some("refresh_token"));
    assert_eq!(requests[0].field("refresh_token"), Some(INITIAL_REFRESH));
}

#[tokio::test]
async fn a_given_token_is_sent_as_it_is() {
    let (provider, server) = start(3600).await;
    lock(&provider)
        .issued
        .insert("given-SECRET".to_owned(), "things:read".to_owned());
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_token("machine", "given-SECRET")
        .build()
        .expect("client");
    read_thing(&client, thing("a")).await.expect("read");
    assert!(token_requests(&provider).is_empty());
    let api = lock(&provider).api_requests.clone();
    assert_eq!(api, [Some("Bearer given-SECRET".to_owned())]);
}

/// OpenAPI: `openIdConnectUrl` is "Well-known URL to discover the [[OpenID-Connect-Discovery]]
/// provider metadata": the token endpoint is the document's `token_endpoint`.
#[tokio::test]
async fn openid_connect_takes_the_token_endpoint_from_discovery() {
    let (provider, server) = start(3600).await;
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_client_credentials("sso", CLIENT_ID, CLIENT_SECRET)
        .build()
        .expect("client");
    for _ in 0..2 {
        let outputs = read_reports(&client, ReadReportsInputs {})
            .await
            .expect("reports");
        assert_eq!(outputs.scope, "openid reports");
    }
    let requests = token_requests(&provider);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/oidc/token");
    assert_eq!(requests[0].field("scope"), Some("openid reports"));
    assert_eq!(lock(&provider).discoveries, 1);
}

#[tokio::test]
async fn client_credentials_in_the_form_body_when_asked() {
    let (provider, server) = start(3600).await;
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_client_credentials("machine", CLIENT_ID, CLIENT_SECRET)
        .oauth2_client_authentication("machine", ClientAuthentication::RequestBody)
        .build()
        .expect("client");
    read_thing(&client, thing("a")).await.expect("read");
    let requests = token_requests(&provider);
    assert_eq!(requests[0].authorization, None);
    assert_eq!(requests[0].field("client_id"), Some(CLIENT_ID));
    assert_eq!(requests[0].field("client_secret"), Some(CLIENT_SECRET));
}

/// RFC 6749 §5.2: the endpoint's `error` and `error_description`, named for the scheme, with the
/// secret the server quoted masked.
#[tokio::test]
async fn invalid_client_is_a_typed_error_without_the_secret() {
    let (_provider, server) = start(3600).await;
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_client_credentials("machine", CLIENT_ID, "wrong-SECRET")
        .oauth2_client_authentication("machine", ClientAuthentication::RequestBody)
        .build()
        .expect("client");
    let error = read_thing(&client, thing("a")).await.expect_err("refused");
    let Error::TokenRefused {
        scheme,
        status,
        error: code,
        description,
        ..
    } = &error
    else {
        panic!("not a token error: {error:?}");
    };
    assert_eq!(
        (*scheme, *status, code.as_str()),
        ("machine", 401, "invalid_client")
    );
    assert_eq!(
        description.as_deref(),
        Some("client authentication failed ([redacted])")
    );
    let printed = format!("{error}\n{error:?}");
    assert!(!printed.contains("wrong-SECRET"), "{printed}");
    assert!(printed.contains("security scheme `machine`"), "{printed}");
    assert!(printed.contains("invalid_client"), "{printed}");
}

/// RFC 6749 §5.2 `invalid_scope`: a refresh token may not ask for more than it was issued for
/// (§6).
#[tokio::test]
async fn invalid_scope_is_a_typed_error() {
    let (provider, server) = start(3600).await;
    lock(&provider)
        .refresh_tokens
        .insert("refresh-SECRET-narrow".to_owned(), "other".to_owned());
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_refresh_token(
            "delegated",
            "refresh-SECRET-narrow",
            CLIENT_ID,
            Some(Secret::new(CLIENT_SECRET)),
        )
        .build()
        .expect("client");
    let error = read_archive(&client, ReadArchiveInputs {})
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::TokenRefused { scheme: "delegated", error, .. } if error == "invalid_scope"),
        "{error:?}"
    );
}

/// The token endpoint's client authentication is a setting of a grant: set for a scheme without
/// one, it is a mistake the builder reports instead of ignoring.
#[test]
fn client_authentication_without_a_grant_is_a_configuration_error() {
    let error = Client::builder()
        .oauth2_token("machine", "given-SECRET")
        .oauth2_client_authentication("machine", ClientAuthentication::RequestBody)
        .build()
        .expect_err("no grant");
    assert!(
        matches!(&error, Error::Config(message) if message.contains("`machine`")),
        "{error}"
    );
    assert!(!format!("{error:?}").contains("given-SECRET"));
}

/// RFC 6749 §6 lets a server refuse a refresh token (revoked, expired): the client then asks
/// with the grant it was given, once.
#[tokio::test]
async fn a_refused_refresh_token_falls_back_to_the_grant() {
    let (provider, server) = start(1).await;
    let client = Client::builder()
        .server("vault", &server)
        .oauth2_password("owner", OWNER, OWNER_PASSWORD, CLIENT_ID, None)
        .build()
        .expect("client");
    read_profile(&client, ReadProfileInputs {})
        .await
        .expect("profile");
    lock(&provider).refresh_tokens.clear();
    tokio::time::sleep(Duration::from_millis(600)).await;
    read_profile(&client, ReadProfileInputs {})
        .await
        .expect("profile, with a new password grant");
    let grants: Vec<_> = token_requests(&provider)
        .iter()
        .map(|r| r.field("grant_type").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(grants, ["password", "refresh_token", "password"]);
}

#[tokio::test]
async fn an_unreachable_discovery_document_is_a_typed_error() {
    // Nothing listens on port 1: the discovery document cannot be read.
    let client = Client::builder()
        .server("vault", "http://127.0.0.1:1/v1")
        .oauth2_client_credentials("sso", CLIENT_ID, CLIENT_SECRET)
        .build()
        .expect("client");
    let error = read_reports(&client, ReadReportsInputs {})
        .await
        .expect_err("no discovery");
    assert!(
        matches!(&error, Error::TokenUnavailable { scheme: "sso", message, .. } if message.contains("cannot reach")),
        "{error:?}"
    );
    assert!(!format!("{error}\n{error:?}").contains(CLIENT_SECRET));
}
