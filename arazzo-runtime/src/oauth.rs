//! Access tokens for `oauth2` and `openIdConnect` security schemes: requested from the token
//! endpoint the description names (RFC 6749 §4.3, §4.4, §6), cached per scheme and scope set
//! until shortly before they expire, requested once for all the runs that wait for them, and
//! requested again once when an API answers 401.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::Deserialize;
use tracing::Instrument as _;

use crate::client::Client;
use crate::error::{Error, StepContext};
use crate::secret::Secret;
use crate::security::{Credential, OAuthFlow, OAuthFlows, SecurityScheme};

/// How the client authenticates to an OAuth 2.0 token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientAuthentication {
    /// `Authorization: Basic` with the client id and secret (form-encoded first, as RFC 6749
    /// §2.3.1 says). What every authorization server must support.
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body, for token endpoints that require it.
    RequestBody,
}

/// The grant a client was given credentials for.
#[derive(Clone)]
pub(crate) enum Grant {
    /// RFC 6749 §4.4.
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
    /// RFC 6749 §4.3 (resource owner password credentials).
    Password {
        username: String,
        password: Secret,
        client_id: String,
        client_secret: Option<Secret>,
    },
    /// RFC 6749 §6: a refresh token the caller already has.
    RefreshToken {
        refresh_token: Secret,
        client_id: String,
        client_secret: Option<Secret>,
    },
}

/// The credential of one `oauth2` / `openIdConnect` scheme: the grant, how the client
/// authenticates, and the tokens obtained so far (shared by clones of the client).
#[derive(Clone)]
pub(crate) struct OAuthCredential {
    pub(crate) grant: Grant,
    pub(crate) authentication: ClientAuthentication,
    cache: Arc<Cache>,
}

#[derive(Default)]
struct Cache {
    /// One slot per scope set: its lock makes the runs that need a token wait for the one
    /// request under way instead of sending their own.
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Token>>>>>,
    /// The OpenID Connect discovery document's `token_endpoint`, once read.
    discovered: tokio::sync::OnceCell<String>,
}

#[derive(Clone)]
struct Token {
    access: Secret,
    refresh: Option<Secret>,
    /// When to stop using it: shortly before `expires_in` runs out.
    renew_at: Option<Instant>,
}

impl Token {
    fn usable(&self) -> bool {
        self.renew_at.is_none_or(|at| Instant::now() < at)
    }
}

/// The longest a token is renewed before its `expires_in` runs out; a short-lived token is
/// renewed when half its lifetime is left.
const RENEW_MARGIN: Duration = Duration::from_secs(30);

fn renew_at(expires_in: Option<u64>) -> Option<Instant> {
    let lifetime = Duration::from_secs(expires_in?);
    let margin = RENEW_MARGIN.min(lifetime / 2);
    Some(Instant::now() + lifetime - margin)
}

impl OAuthCredential {
    pub(crate) fn new(grant: Grant) -> Self {
        Self {
            grant,
            authentication: ClientAuthentication::default(),
            cache: Arc::default(),
        }
    }

    /// The values to mask wherever a response body is quoted.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        let (grant_secret, client_secret) = match &self.grant {
            Grant::ClientCredentials { client_secret, .. } => (None, Some(client_secret)),
            Grant::Password {
                password,
                client_secret,
                ..
            } => (Some(password), client_secret.as_ref()),
            Grant::RefreshToken {
                refresh_token,
                client_secret,
                ..
            } => (Some(refresh_token), client_secret.as_ref()),
        };
        [grant_secret, client_secret]
            .into_iter()
            .flatten()
            .map(Secret::expose)
            .collect()
    }

    fn slot(&self, scopes: &[&str]) -> Arc<tokio::sync::Mutex<Option<Token>>> {
        let mut sorted = scopes.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let key = sorted.join(" ");
        let mut slots = self.cache.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(key).or_default().clone()
    }

    /// A usable access token for `scopes`: the cached one, else a new one. `stale` is a token an
    /// API refused (401): it is not used again, and when another run has already replaced it,
    /// that replacement is used without another request.
    async fn access_token(
        &self,
        target: &Target<'_>,
        scopes: &[&str],
        stale: Option<&Secret>,
    ) -> Result<Secret, TokenError> {
        let slot = self.slot(scopes);
        let mut held = slot.lock().await;
        if let Some(token) = held.as_ref()
            && token.usable()
            && stale != Some(&token.access)
        {
            return Ok(token.access.clone());
        }
        let refresh = held.as_ref().and_then(|t| t.refresh.clone());
        let token = self.obtain(target, scopes, refresh).await?;
        *held = Some(token.clone());
        Ok(token.access)
    }

    /// A new token: with the refresh token of the previous one when it has one (falling back to
    /// the grant itself when that is refused), else with the grant.
    async fn obtain(
        &self,
        target: &Target<'_>,
        scopes: &[&str],
        refresh: Option<Secret>,
    ) -> Result<Token, TokenError> {
        let refresh = refresh.or_else(|| match &self.grant {
            Grant::RefreshToken { refresh_token, .. } => Some(refresh_token.clone()),
            _ => None,
        });
        match refresh {
            Some(refresh_token) => {
                let url = target.token_url(self, true).await?;
                let outcome = self
                    .request(
                        target,
                        &url,
                        "refresh_token",
                        &[("refresh_token", refresh_token.expose())],
                        scopes,
                    )
                    .await;
                match outcome {
                    Ok(mut token) => {
                        // RFC 6749 §6: without a new refresh token, the old one stays valid.
                        token.refresh.get_or_insert(refresh_token);
                        Ok(token)
                    }
                    Err(_) if !matches!(self.grant, Grant::RefreshToken { .. }) => {
                        self.with_grant(target, scopes).await
                    }
                    Err(e) => Err(e),
                }
            }
            None => self.with_grant(target, scopes).await,
        }
    }

    async fn with_grant(&self, target: &Target<'_>, scopes: &[&str]) -> Result<Token, TokenError> {
        let url = target.token_url(self, false).await?;
        match &self.grant {
            Grant::ClientCredentials { .. } => {
                self.request(target, &url, "client_credentials", &[], scopes)
                    .await
            }
            Grant::Password {
                username, password, ..
            } => {
                let fields = [
                    ("username", username.as_str()),
                    ("password", password.expose()),
                ];
                self.request(target, &url, "password", &fields, scopes)
                    .await
            }
            Grant::RefreshToken { .. } => Err(TokenError::Unavailable(
                "the refresh token was refused".to_owned(),
            )),
        }
    }

    fn client(&self) -> (&str, Option<&Secret>) {
        match &self.grant {
            Grant::ClientCredentials {
                client_id,
                client_secret,
            } => (client_id, Some(client_secret)),
            Grant::Password {
                client_id,
                client_secret,
                ..
            }
            | Grant::RefreshToken {
                client_id,
                client_secret,
                ..
            } => (client_id, client_secret.as_ref()),
        }
    }

    /// A token request's form body and, with HTTP basic client authentication, its
    /// `Authorization` header.
    fn form(
        &self,
        grant_type: &str,
        fields: &[(&str, &str)],
        scopes: &[&str],
    ) -> Result<(String, HeaderMap), TokenError> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", grant_type);
        form.extend_pairs(fields);
        if !scopes.is_empty() {
            form.append_pair("scope", &scopes.join(" "));
        }
        let (client_id, client_secret) = self.client();
        let mut headers = HeaderMap::new();
        match (self.authentication, client_secret) {
            (ClientAuthentication::Basic, Some(secret)) => {
                headers.insert(AUTHORIZATION, basic_authorization(client_id, secret)?);
            }
            (ClientAuthentication::RequestBody, Some(secret)) => {
                form.append_pair("client_id", client_id);
                form.append_pair("client_secret", secret.expose());
            }
            // A public client identifies itself in the body (RFC 6749 §3.2.1).
            (_, None) => {
                form.append_pair("client_id", client_id);
            }
        }
        Ok((form.finish(), headers))
    }

    /// One token request (RFC 6749 §4.3.2, §4.4.2, §6) and its answer (§5.1, §5.2).
    async fn request(
        &self,
        target: &Target<'_>,
        url: &str,
        grant_type: &str,
        fields: &[(&str, &str)],
        scopes: &[&str],
    ) -> Result<Token, TokenError> {
        let (body, headers) = self.form(grant_type, fields, scopes)?;
        let span = tracing::debug_span!(
            "arazzo.oauth.token",
            scheme = target.scheme.name(),
            grant_type
        );
        let request = target
            .client
            .inner
            .http
            .post(url)
            .headers(headers)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body);
        let (status, body) = json_exchange(request).instrument(span).await?;
        if !status.is_success() {
            let mut secrets = self.secrets();
            secrets.extend(
                fields
                    .iter()
                    .filter(|(name, _)| matches!(*name, "password" | "refresh_token"))
                    .map(|(_, value)| *value),
            );
            return Err(refusal(status.as_u16(), &body, &secrets));
        }
        let answer: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            TokenError::Unavailable(format!(
                "the token endpoint's HTTP {status} answer is not a token response (RFC 6749 §5.1)"
            ))
        })?;
        if let Some(kind) = &answer.token_type
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(TokenError::Unavailable(format!(
                "the token endpoint issued a `{kind}` token; only bearer tokens are supported"
            )));
        }
        Ok(Token {
            access: answer.access_token,
            refresh: answer.refresh_token,
            renew_at: renew_at(answer.expires_in.as_ref().and_then(ExpiresIn::seconds)),
        })
    }
}

/// RFC 6749 §5.1.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    token_type: Option<String>,
    expires_in: Option<ExpiresIn>,
    refresh_token: Option<Secret>,
}

/// `expires_in` is a number; some servers send it as a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum ExpiresIn {
    Number(u64),
    Text(String),
}

impl ExpiresIn {
    fn seconds(&self) -> Option<u64> {
        match self {
            ExpiresIn::Number(n) => Some(*n),
            ExpiresIn::Text(text) => text.trim().parse().ok(),
        }
    }
}

/// RFC 6749 §5.2.
#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    error_description: Option<String>,
}

/// OpenID Connect Discovery 1.0 §3.
#[derive(Deserialize)]
struct Discovery {
    token_endpoint: String,
}

enum TokenError {
    Refused {
        status: u16,
        error: String,
        description: Option<String>,
    },
    Unavailable(String),
}

impl TokenError {
    fn into_error(self, context: StepContext, scheme: &'static str) -> Error {
        match self {
            TokenError::Refused {
                status,
                error,
                description,
            } => Error::TokenRefused {
                context: Box::new(context),
                scheme,
                status,
                error,
                description,
            },
            TokenError::Unavailable(message) => Error::TokenUnavailable {
                context: Box::new(context),
                scheme,
                message,
            },
        }
    }
}

/// The error a token endpoint answered with, its text masked: a server may quote what it was
/// sent.
fn refusal(status: u16, body: &[u8], secrets: &[&str]) -> TokenError {
    let mask = |text: String| crate::run::mask(text, secrets.iter().copied());
    match serde_json::from_slice::<ErrorResponse>(body) {
        Ok(answer) => TokenError::Refused {
            status,
            error: mask(answer.error),
            description: answer.error_description.map(mask),
        },
        Err(_) => TokenError::Unavailable(format!(
            "the token endpoint answered HTTP {status} without an OAuth error (RFC 6749 §5.2)"
        )),
    }
}

/// Sends a request to the token or discovery endpoint and reads its whole answer; a failure on
/// the way is the token unavailable.
async fn json_exchange(
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, bytes::Bytes), TokenError> {
    let response = request
        .send()
        .await
        .map_err(|e| TokenError::Unavailable(transport(e)))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| TokenError::Unavailable(transport(e)))?;
    Ok((status, body))
}

fn transport(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = format!("cannot reach the token endpoint: {error}");
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// `Authorization: Basic` for a client (RFC 6749 §2.3.1: id and secret form-encoded first).
fn basic_authorization(client_id: &str, secret: &Secret) -> Result<HeaderValue, TokenError> {
    use base64::Engine as _;
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let raw = format!("{}:{}", encode(client_id), encode(secret.expose()));
    let mut value = HeaderValue::from_str(&format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    ))
    .map_err(|_| TokenError::Unavailable("the client id cannot be sent".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Where a scheme's tokens come from: its flows or discovery document, relative URLs resolved
/// against the server of the operation's source description.
struct Target<'c> {
    client: &'c Client,
    scheme: SecurityScheme,
    server: &'c str,
}

impl Target<'_> {
    fn resolve(&self, url: &str) -> Result<String, TokenError> {
        reqwest::Url::parse(self.server)
            .and_then(|base| base.join(url))
            .map(String::from)
            .map_err(|e| {
                TokenError::Unavailable(format!(
                    "`{url}` cannot be resolved against the server `{}`: {e}",
                    self.server
                ))
            })
    }

    /// The token endpoint for the credential's grant (`refresh`: for a refresh token request).
    async fn token_url(
        &self,
        credential: &OAuthCredential,
        refresh: bool,
    ) -> Result<String, TokenError> {
        match self.scheme {
            SecurityScheme::OAuth2 { flows, .. } => {
                let flow = flow_for(&flows, &credential.grant).ok_or_else(|| {
                    TokenError::Unavailable(format!(
                        "the scheme declares no `{}` flow",
                        match credential.grant {
                            Grant::ClientCredentials { .. } => "clientCredentials",
                            Grant::Password { .. } => "password",
                            Grant::RefreshToken { .. } =>
                                "authorizationCode, password or clientCredentials",
                        }
                    ))
                })?;
                let url = match (refresh, flow.refresh_url) {
                    (true, Some(refresh_url)) => refresh_url,
                    _ => flow.token_url,
                };
                self.resolve(url)
            }
            SecurityScheme::OpenIdConnect { url, .. } => {
                let endpoint = credential
                    .cache
                    .discovered
                    .get_or_try_init(|| self.discover(url))
                    .await?;
                Ok(endpoint.clone())
            }
            _ => Err(TokenError::Unavailable(
                "the scheme is neither `oauth2` nor `openIdConnect`".to_owned(),
            )),
        }
    }

    /// Reads `token_endpoint` from the OpenID Connect discovery document.
    async fn discover(&self, url: &str) -> Result<String, TokenError> {
        let url = self.resolve(url)?;
        let request = self
            .client
            .inner
            .http
            .get(&url)
            .header(reqwest::header::ACCEPT, "application/json");
        let (status, body) = json_exchange(request).await?;
        let discovery: Option<Discovery> = status
            .is_success()
            .then(|| serde_json::from_slice(&body).ok())
            .flatten();
        let discovery = discovery.ok_or_else(|| {
            TokenError::Unavailable(format!(
                "the OpenID Connect discovery document `{url}` (HTTP {status}) has no `token_endpoint`"
            ))
        })?;
        // OpenID Connect requires an absolute URL; a relative one is taken relative to the
        // document that gave it.
        reqwest::Url::parse(&url)
            .and_then(|base| base.join(&discovery.token_endpoint))
            .map(String::from)
            .map_err(|e| {
                TokenError::Unavailable(format!(
                    "the discovery document's `token_endpoint` is not a URL: {e}"
                ))
            })
    }
}

/// The flow a grant uses; a refresh token goes to the flow that issues them.
fn flow_for(flows: &OAuthFlows, grant: &Grant) -> Option<OAuthFlow> {
    match grant {
        Grant::ClientCredentials { .. } => flows.client_credentials,
        Grant::Password { .. } => flows.password,
        Grant::RefreshToken { .. } => flows
            .authorization_code
            .or(flows.password)
            .or(flows.client_credentials),
    }
}

/// The access tokens one request carries, one per `oauth2` / `openIdConnect` scheme of the
/// security alternative chosen.
#[derive(Default)]
pub(crate) struct Tokens {
    used: Vec<(SecurityScheme, Secret)>,
}

impl Tokens {
    /// Gets (from the cache or the token endpoint) a token for every scheme of `schemes` whose
    /// credential is a grant.
    pub(crate) async fn for_request(
        client: &Client,
        server: &str,
        schemes: &[SecurityScheme],
        context: StepContext,
    ) -> Result<Self, Error> {
        let mut used = Vec::new();
        for scheme in schemes {
            let Some((credential, scopes)) = grant_of(client, scheme) else {
                continue;
            };
            let target = Target {
                client,
                scheme: *scheme,
                server,
            };
            let token = credential
                .access_token(&target, scopes, None)
                .await
                .map_err(|e| e.into_error(context, scheme.name()))?;
            crate::run::remember_secret(&token);
            used.push((*scheme, token));
        }
        Ok(Self { used })
    }

    /// Whether any of `schemes` takes its token from a grant this client was given (so a
    /// request must get one before it is built).
    pub(crate) fn needed(client: &Client, schemes: &[SecurityScheme]) -> bool {
        schemes
            .iter()
            .any(|scheme| grant_of(client, scheme).is_some())
    }

    /// Whether the request carries a token this client obtained (one that a 401 may renew).
    pub(crate) fn renewable(&self) -> bool {
        !self.used.is_empty()
    }

    /// The token for `scheme`, if one was obtained for it.
    pub(crate) fn get(&self, scheme: &str) -> Option<&Secret> {
        self.used
            .iter()
            .find(|(s, _)| s.name() == scheme)
            .map(|(_, token)| token)
    }

    /// After a 401: replaces every token the request carried with a new one (one request per
    /// scheme and scope set, however many runs were refused with the same token) and puts them on
    /// `headers`.
    pub(crate) async fn renew(
        &mut self,
        client: &Client,
        server: &str,
        context: StepContext,
        headers: &mut HeaderMap,
    ) -> Result<(), Error> {
        for (scheme, token) in &mut self.used {
            let Some((credential, scopes)) = grant_of(client, scheme) else {
                continue;
            };
            let target = Target {
                client,
                scheme: *scheme,
                server,
            };
            *token = credential
                .access_token(&target, scopes, Some(token))
                .await
                .map_err(|e| e.into_error(context, scheme.name()))?;
            crate::run::remember_secret(token);
            headers.insert(
                AUTHORIZATION,
                bearer(token).map_err(|message| Error::InvalidRequest {
                    context: Box::new(context),
                    message,
                })?,
            );
        }
        Ok(())
    }
}

fn grant_of<'c>(
    client: &'c Client,
    scheme: &SecurityScheme,
) -> Option<(&'c OAuthCredential, &'static [&'static str])> {
    let scopes = match scheme {
        SecurityScheme::OAuth2 { scopes, .. } | SecurityScheme::OpenIdConnect { scopes, .. } => {
            *scopes
        }
        _ => return None,
    };
    match client.credential(scheme.name())? {
        Credential::OAuth2(credential) => Some((credential, scopes)),
        _ => None,
    }
}

/// `Authorization: Bearer` (RFC 6750 §2.1), marked sensitive.
pub(crate) fn bearer(token: &Secret) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| "the access token contains characters a header cannot carry".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}
