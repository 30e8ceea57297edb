//! OpenAPI security schemes, as the generator found them, and how a credential is put on a request.

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};

use crate::oauth::{OAuthCredential, Tokens};
use crate::secret::Secret;

/// Where an `apiKey` scheme puts its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// One entry of the OpenAPI `components.securitySchemes`, reduced to what a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityScheme {
    /// `type: apiKey`.
    ApiKey {
        /// The scheme's name in `securitySchemes` (what `ClientBuilder::api_key` is keyed by).
        scheme: &'static str,
        /// Header, query or cookie.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        parameter: &'static str,
    },
    /// `type: http, scheme: bearer`.
    Bearer {
        /// The scheme's name in `securitySchemes`.
        scheme: &'static str,
    },
    /// `type: http, scheme: basic`.
    Basic {
        /// The scheme's name in `securitySchemes`.
        scheme: &'static str,
    },
    /// `type: oauth2`: a bearer token, given (`ClientBuilder::oauth2_token`) or obtained from a
    /// token URL of `flows` with a grant (`ClientBuilder::oauth2_client_credentials`, ...).
    OAuth2 {
        /// The scheme's name in `securitySchemes`.
        scheme: &'static str,
        /// The flows a client without a user agent can use.
        flows: OAuthFlows,
        /// The scopes the operation's security requirement lists for the scheme.
        scopes: &'static [&'static str],
    },
    /// `type: openIdConnect`: like `OAuth2`, the token endpoint read from the discovery document.
    OpenIdConnect {
        /// The scheme's name in `securitySchemes`.
        scheme: &'static str,
        /// `openIdConnectUrl`, as written (relative: to the source description's server).
        url: &'static str,
        /// The scopes the operation's security requirement lists for the scheme.
        scopes: &'static [&'static str],
    },
}

/// The token URLs of an `oauth2` scheme's flows (OpenAPI OAuth Flows Object). `implicit` has
/// none: its tokens are given with `ClientBuilder::oauth2_token`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OAuthFlows {
    /// `clientCredentials`.
    pub client_credentials: Option<OAuthFlow>,
    /// `password`.
    pub password: Option<OAuthFlow>,
    /// `authorizationCode`: where its refresh tokens are used.
    pub authorization_code: Option<OAuthFlow>,
}

/// One OAuth Flow Object's URLs, as written (relative: to the source description's server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OAuthFlow {
    /// `tokenUrl`.
    pub token_url: &'static str,
    /// `refreshUrl`.
    pub refresh_url: Option<&'static str>,
}

impl SecurityScheme {
    /// The scheme's name in `securitySchemes`.
    pub fn name(&self) -> &'static str {
        match self {
            SecurityScheme::ApiKey { scheme, .. }
            | SecurityScheme::Bearer { scheme }
            | SecurityScheme::Basic { scheme }
            | SecurityScheme::OAuth2 { scheme, .. }
            | SecurityScheme::OpenIdConnect { scheme, .. } => scheme,
        }
    }
}

/// A credential given to the client for one scheme.
#[derive(Clone)]
pub(crate) enum Credential {
    ApiKey(Secret),
    Bearer(Secret),
    Basic {
        user: String,
        password: Secret,
    },
    /// A grant to obtain `oauth2` / `openIdConnect` access tokens with.
    OAuth2(OAuthCredential),
}

impl Credential {
    /// The secret parts of this credential, to mask in error excerpts.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Credential::ApiKey(key) => vec![key.expose()],
            Credential::Bearer(token) => vec![token.expose()],
            Credential::Basic { password, .. } => vec![password.expose()],
            Credential::OAuth2(grant) => grant.secrets(),
        }
    }
}

/// What applying credentials adds to a request.
#[derive(Default)]
pub(crate) struct Applied {
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub query: Vec<(&'static str, String)>,
    pub cookies: Vec<(&'static str, String)>,
}

/// Applies `credential` as `scheme` says (`tokens`: those obtained for its OAuth 2.0 grants). A
/// credential whose value cannot be a header is an error message that does not contain the value.
pub(crate) fn apply(
    scheme: &SecurityScheme,
    credential: &Credential,
    tokens: &Tokens,
    out: &mut Applied,
) -> Result<(), String> {
    match (scheme, credential) {
        (
            SecurityScheme::ApiKey {
                location,
                parameter,
                scheme,
            },
            Credential::ApiKey(key),
        ) => match location {
            ApiKeyLocation::Header => {
                let name = HeaderName::from_bytes(parameter.as_bytes())
                    .map_err(|_| format!("`{parameter}` is not a valid header name"))?;
                out.headers.push((name, sensitive(key.expose(), scheme)?));
            }
            ApiKeyLocation::Query => out.query.push((parameter, key.expose().to_owned())),
            ApiKeyLocation::Cookie => out.cookies.push((parameter, key.expose().to_owned())),
        },
        (
            SecurityScheme::OAuth2 { scheme, .. } | SecurityScheme::OpenIdConnect { scheme, .. },
            Credential::OAuth2(_),
        ) => {
            let token = tokens
                .get(scheme)
                .ok_or_else(|| format!("no access token for security scheme `{scheme}`"))?;
            out.headers
                .push((AUTHORIZATION, crate::oauth::bearer(token)?));
        }
        (
            SecurityScheme::Bearer { scheme }
            | SecurityScheme::OAuth2 { scheme, .. }
            | SecurityScheme::OpenIdConnect { scheme, .. },
            Credential::Bearer(token),
        ) => {
            let value = format!("Bearer {}", token.expose());
            out.headers
                .push((AUTHORIZATION, sensitive(&value, scheme)?));
        }
        (SecurityScheme::Basic { scheme }, Credential::Basic { user, password }) => {
            use base64::Engine as _;
            let raw = format!("{user}:{}", password.expose());
            let value = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw)
            );
            out.headers
                .push((AUTHORIZATION, sensitive(&value, scheme)?));
        }
        (scheme, _) => {
            return Err(format!(
                "the credential given for security scheme `{}` is of the wrong kind",
                scheme.name()
            ));
        }
    }
    Ok(())
}

fn sensitive(value: &str, scheme: &str) -> Result<HeaderValue, String> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        format!("the credential for security scheme `{scheme}` contains characters a header cannot carry")
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// The `Cookie` header carrying `pairs`, values percent-encoded; `None` for no cookies.
pub(crate) fn cookie_header(pairs: &[(&str, &str)]) -> Option<(HeaderName, String)> {
    if pairs.is_empty() {
        return None;
    }
    let joined = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", crate::encode::cookie_value(value)))
        .collect::<Vec<_>>()
        .join("; ");
    Some((COOKIE, joined))
}
