//! The configured HTTP client every generated workflow function takes.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::oauth::{ClientAuthentication, Grant, OAuthCredential};
use crate::secret::Secret;
use crate::security::Credential;

/// What the client reports after each step's HTTP exchange (see [`ClientBuilder::on_step`]).
#[derive(Debug, Clone)]
pub struct StepEvent {
    /// The `workflowId`.
    pub workflow: &'static str,
    /// The `stepId`.
    pub step: &'static str,
    /// The OpenAPI `operationId`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The request path as sent (percent-encoded, without the query string, which may carry a
    /// credential).
    pub path: String,
    /// The response status, or `None` when no response came (transport error).
    pub status: Option<u16>,
    /// From sending the request to the end of reading the response body.
    pub elapsed: Duration,
}

type StepObserver = Arc<dyn Fn(&StepEvent) + Send + Sync>;

/// Runs generated workflows: holds the HTTP connection pool, the server of each source
/// description, the credentials of each security scheme, and the limits.
///
/// Cheap to clone (one `Arc`); clones share the connection pool. `Debug` shows servers and scheme
/// names, never a credential.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    servers: BTreeMap<String, Server>,
    credentials: BTreeMap<String, Credential>,
    observer: Option<StepObserver>,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_step_executions: u32,
    pub(crate) max_retry_wait: Duration,
    pub(crate) workflow_timeout: Duration,
    pub(crate) correlation_header: Option<reqwest::header::HeaderName>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL for a source description: the one set with [`ClientBuilder::server`], else
    /// `default` (generated code passes the OpenAPI description's first server).
    pub fn server<'a>(&'a self, source: &str, default: &'a str) -> &'a str {
        self.inner
            .servers
            .get(source)
            .map_or(default, |server| server.text.as_str())
    }

    /// The base URL for a source description as [`Client::server`] gives it, and, when it is one
    /// set with [`ClientBuilder::server`], that URL parsed (once, when the client was built).
    pub(crate) fn server_url<'a>(
        &'a self,
        source: &str,
        default: &'a str,
    ) -> (&'a str, Option<&'a reqwest::Url>) {
        match self.inner.servers.get(source) {
            Some(server) => (&server.text, Some(&server.url)),
            None => (default, None),
        }
    }

    pub(crate) fn credential(&self, scheme: &str) -> Option<&Credential> {
        self.inner.credentials.get(scheme)
    }

    /// Every credential value, to mask wherever a response body is quoted.
    pub(crate) fn secret_values(&self) -> impl Iterator<Item = &str> {
        self.inner
            .credentials
            .values()
            .flat_map(Credential::secrets)
    }

    /// Whether a step observer is set: the event (and its copy of the path) is made only then.
    pub(crate) fn observes(&self) -> bool {
        self.inner.observer.is_some()
    }

    pub(crate) fn observe(&self, event: &StepEvent) {
        if let Some(observer) = &self.inner.observer {
            observer(event);
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let servers: BTreeMap<&String, &String> = self
            .inner
            .servers
            .iter()
            .map(|(source, server)| (source, &server.text))
            .collect();
        f.debug_struct("Client")
            .field("servers", &servers)
            .field(
                "credentials",
                &self.inner.credentials.keys().collect::<Vec<_>>(),
            )
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("max_step_executions", &self.inner.max_step_executions)
            .field("max_retry_wait", &self.inner.max_retry_wait)
            .field("workflow_timeout", &self.inner.workflow_timeout)
            .finish_non_exhaustive()
    }
}

/// A server set with [`ClientBuilder::server`]: as given, and parsed.
struct Server {
    text: String,
    url: reqwest::Url,
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    servers: BTreeMap<String, String>,
    credentials: BTreeMap<String, Credential>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    observer: Option<StepObserver>,
    max_response_bytes: Option<usize>,
    max_step_executions: Option<u32>,
    max_retry_wait: Option<Duration>,
    workflow_timeout: Option<Duration>,
    correlation_header: Option<String>,
    client_authentication: BTreeMap<String, ClientAuthentication>,
}

/// The default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default cap on a response body, enforced while reading it.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// The default budget of step executions in one workflow run (retries and `goto`s included).
pub const DEFAULT_MAX_STEP_EXECUTIONS: u32 = 1_000;
/// The default longest wait before a retry, whatever `retryAfter` or `Retry-After` ask for.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(120);
/// The default limit on one workflow run, from the call to its outputs, the workflows it calls
/// included.
pub const DEFAULT_WORKFLOW_TIMEOUT: Duration = Duration::from_secs(600);

impl ClientBuilder {
    /// The base URL for the source description named `source` in the Arazzo document
    /// (default: the OpenAPI description's first `servers` entry).
    pub fn server(mut self, source: impl Into<String>, base_url: impl Into<String>) -> Self {
        self.servers.insert(source.into(), base_url.into());
        self
    }

    /// The key for an `apiKey` security scheme, by its name in `components.securitySchemes`.
    pub fn api_key(mut self, scheme: impl Into<String>, key: impl Into<Secret>) -> Self {
        self.credentials
            .insert(scheme.into(), Credential::api_key(key.into()));
        self
    }

    /// The token for an `http` `bearer` security scheme (or, like [`Self::oauth2_token`], an
    /// `oauth2` / `openIdConnect` one).
    pub fn bearer(mut self, scheme: impl Into<String>, token: impl Into<Secret>) -> Self {
        self.credentials
            .insert(scheme.into(), Credential::bearer(token.into()));
        self
    }

    /// The user and password for an `http` `basic` security scheme.
    pub fn basic(
        mut self,
        scheme: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        self.credentials.insert(
            scheme.into(),
            Credential::basic(&user.into(), password.into()),
        );
        self
    }

    /// An access token the caller already has, for an `oauth2` or `openIdConnect` security
    /// scheme: sent as a bearer token as it is, never renewed.
    pub fn oauth2_token(self, scheme: impl Into<String>, access_token: impl Into<Secret>) -> Self {
        self.bearer(scheme, access_token)
    }

    /// Client credentials (RFC 6749 §4.4) for an `oauth2` scheme with a `clientCredentials`
    /// flow, or an `openIdConnect` scheme. The token is requested from the flow's `tokenUrl`
    /// (the discovery document's `token_endpoint`) with the scopes the operation's security
    /// requirement lists, on first use; see [`Self::oauth2_client_authentication`].
    pub fn oauth2_client_credentials(
        self,
        scheme: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.grant(
            scheme,
            Grant::ClientCredentials {
                client_id: client_id.into(),
                client_secret: client_secret.into(),
            },
        )
    }

    /// A resource owner's user name and password (RFC 6749 §4.3) for an `oauth2` scheme with a
    /// `password` flow, or an `openIdConnect` scheme; `client_secret` is `None` for a public
    /// client. Refresh tokens the endpoint issues are used to renew the token.
    pub fn oauth2_password(
        self,
        scheme: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
        client_id: impl Into<String>,
        client_secret: Option<Secret>,
    ) -> Self {
        self.grant(
            scheme,
            Grant::Password {
                username: username.into(),
                password: password.into(),
                client_id: client_id.into(),
                client_secret,
            },
        )
    }

    /// A refresh token (RFC 6749 §6), e.g. from an `authorizationCode` flow done elsewhere: access
    /// tokens are requested with it from the flow's `refreshUrl` (else its `tokenUrl`). A new
    /// refresh token the endpoint issues replaces it.
    pub fn oauth2_refresh_token(
        self,
        scheme: impl Into<String>,
        refresh_token: impl Into<Secret>,
        client_id: impl Into<String>,
        client_secret: Option<Secret>,
    ) -> Self {
        self.grant(
            scheme,
            Grant::RefreshToken {
                refresh_token: refresh_token.into(),
                client_id: client_id.into(),
                client_secret,
            },
        )
    }

    /// How the client authenticates to `scheme`'s token endpoint: HTTP basic (the default) or
    /// `client_id` and `client_secret` in the form body.
    pub fn oauth2_client_authentication(
        mut self,
        scheme: impl Into<String>,
        authentication: ClientAuthentication,
    ) -> Self {
        self.client_authentication
            .insert(scheme.into(), authentication);
        self
    }

    fn grant(mut self, scheme: impl Into<String>, grant: Grant) -> Self {
        self.credentials.insert(
            scheme.into(),
            Credential::OAuth2(OAuthCredential::new(grant)),
        );
        self
    }

    /// The whole-request timeout (default [`DEFAULT_TIMEOUT`]). Ignored with [`Self::http_client`],
    /// whose own settings apply.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`]). Ignored with
    /// [`Self::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Uses your own `reqwest::Client` (proxies, TLS roots, middleware-free tuning). Mind its
    /// redirect policy: the default client built here refuses to follow a redirect to another
    /// origin, so API-key headers never reach another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Calls `observer` after every step's HTTP exchange, e.g. to print progress.
    pub fn on_step(mut self, observer: impl Fn(&StepEvent) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// The largest response body a step reads (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// How many step executions one workflow run may make, retries and `goto`s included (default
    /// [`DEFAULT_MAX_STEP_EXECUTIONS`]). A `goto` cycle that never ends stops with
    /// [`Error::StepBudgetExhausted`] instead of spinning forever. Steps of called workflows count
    /// against their own run.
    pub fn max_step_executions(mut self, budget: u32) -> Self {
        self.max_step_executions = Some(budget);
        self
    }

    /// The longest wait before a `retry` (default [`DEFAULT_MAX_RETRY_WAIT`]): caps both the
    /// action's `retryAfter` and a server's `Retry-After`.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.max_retry_wait = Some(wait);
        self
    }

    /// The longest one workflow run may take, from the call to its outputs: every request,
    /// every retry wait and every workflow it calls included (default
    /// [`DEFAULT_WORKFLOW_TIMEOUT`]). When it passes, the run stops where it is (its request in
    /// flight is abandoned and its connection closed) with [`Error::WorkflowTimedOut`]. Applies
    /// with [`Self::http_client`] too.
    pub fn workflow_timeout(mut self, timeout: Duration) -> Self {
        self.workflow_timeout = Some(timeout);
        self
    }

    /// Gives every workflow run one correlation id, sent in header `name` on each request that
    /// does not already set it (e.g. from an input). Workflows called by a run (`dependsOn`,
    /// `workflowId` steps) share the caller's id, so all requests of one run carry the same one.
    pub fn correlation_header(mut self, name: impl Into<String>) -> Self {
        self.correlation_header = Some(name.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(mut self) -> Result<Client, Error> {
        for (scheme, authentication) in &self.client_authentication {
            match self.credentials.get_mut(scheme) {
                Some(Credential::OAuth2(credential)) => credential.authentication = *authentication,
                _ => {
                    return Err(Error::Config(format!(
                        "client authentication is set for security scheme `{scheme}`, which has no OAuth 2.0 grant"
                    )));
                }
            }
        }
        let mut servers = BTreeMap::new();
        for (source, url) in self.servers {
            let parsed = reqwest::Url::parse(&url)
                .map_err(|e| Error::Config(format!("server for `{source}` ({url}): {e}")))?;
            if parsed.cannot_be_a_base() {
                return Err(Error::Config(format!(
                    "server for `{source}` ({url}) is not a base URL"
                )));
            }
            servers.insert(
                source,
                Server {
                    text: url,
                    url: parsed,
                },
            );
        }
        let correlation_header = self
            .correlation_header
            .map(|name| {
                reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))
            })
            .transpose()?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .redirect(same_origin_redirects())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                servers,
                credentials: self.credentials,
                observer: self.observer,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                max_step_executions: self
                    .max_step_executions
                    .unwrap_or(DEFAULT_MAX_STEP_EXECUTIONS),
                max_retry_wait: self.max_retry_wait.unwrap_or(DEFAULT_MAX_RETRY_WAIT),
                workflow_timeout: self.workflow_timeout.unwrap_or(DEFAULT_WORKFLOW_TIMEOUT),
                correlation_header,
            }),
        })
    }
}

/// Follows redirects only within the origin of the first request: reqwest drops `Authorization`
/// on a cross-host redirect, but not custom API-key headers such as `X-Soracom-API-Key`.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 || !same_origin {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}
