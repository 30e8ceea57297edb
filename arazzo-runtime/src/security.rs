//! OpenAPI security schemes, as the generator found them, and how a credential is put on a request.

use std::sync::OnceLock;

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
    ApiKey {
        key: Secret,
        /// The key as a header value, for a scheme that sends it in a header.
        header: HeaderSecret,
        /// The header name it was last sent in, kept: a name with capitals is lowercased into
        /// a new allocation each time it is parsed.
        name: OnceLock<(&'static str, HeaderName)>,
    },
    Bearer {
        token: Secret,
        /// `Bearer TOKEN`.
        header: HeaderSecret,
    },
    Basic {
        password: Secret,
        /// `Basic base64(user:password)`.
        header: HeaderSecret,
    },
    /// A grant to obtain `oauth2` / `openIdConnect` access tokens with.
    OAuth2(OAuthCredential),
}

impl Credential {
    /// An `apiKey` credential.
    pub(crate) fn api_key(key: Secret) -> Self {
        Credential::ApiKey {
            header: HeaderSecret::new(key.clone()),
            key,
            name: OnceLock::new(),
        }
    }

    /// An `http` `bearer` credential.
    pub(crate) fn bearer(token: Secret) -> Self {
        Credential::Bearer {
            header: HeaderSecret::new(Secret::new(format!("Bearer {}", token.expose()))),
            token,
        }
    }

    /// An `http` `basic` credential.
    pub(crate) fn basic(user: &str, password: Secret) -> Self {
        use base64::Engine as _;
        let raw = Secret::new(format!("{user}:{}", password.expose()));
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw.expose());
        Credential::Basic {
            header: HeaderSecret::new(Secret::new(format!("Basic {encoded}"))),
            password,
        }
    }

    /// The secret parts of this credential, to mask in error excerpts.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Credential::ApiKey { key, .. } => vec![key.expose()],
            Credential::Bearer { token, .. } => vec![token.expose()],
            Credential::Basic { password, .. } => vec![password.expose()],
            Credential::OAuth2(grant) => grant.secrets(),
        }
    }
}

/// A credential's header value, made once when the client is configured: each request clones it
/// (a reference count) instead of checking and copying the secret again. Its bytes belong to a
/// [`Secret`], zeroized when the last request holding them is dropped.
#[derive(Clone)]
pub(crate) struct HeaderSecret(Option<HeaderValue>);

impl HeaderSecret {
    fn new(value: Secret) -> Self {
        let bytes = bytes::Bytes::from_owner(SecretBytes(value));
        Self(
            HeaderValue::from_maybe_shared(bytes)
                .ok()
                .map(|mut header| {
                    header.set_sensitive(true);
                    header
                }),
        )
    }

    /// The header value; an error naming `scheme` (not quoting the value) when the credential
    /// has characters a header cannot carry.
    fn get(&self, scheme: &str) -> Result<HeaderValue, String> {
        self.0.clone().ok_or_else(|| {
            format!("the credential for security scheme `{scheme}` contains characters a header cannot carry")
        })
    }
}

/// The bytes of a [`Secret`], for a header value that shares them.
struct SecretBytes(Secret);

impl AsRef<[u8]> for SecretBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.expose().as_bytes()
    }
}

/// The header name `parameter`, parsed once per credential and scheme.
fn header_name(
    cache: &OnceLock<(&'static str, HeaderName)>,
    parameter: &'static str,
) -> Result<HeaderName, String> {
    if let Some((cached, name)) = cache.get()
        && *cached == parameter
    {
        return Ok(name.clone());
    }
    let name = HeaderName::from_bytes(parameter.as_bytes())
        .map_err(|_| format!("`{parameter}` is not a valid header name"))?;
    let _ = cache.set((parameter, name.clone()));
    Ok(name)
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
            Credential::ApiKey { key, header, name },
        ) => match location {
            ApiKeyLocation::Header => {
                out.headers
                    .push((header_name(name, parameter)?, header.get(scheme)?));
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
            Credential::Bearer { header, .. },
        )
        | (SecurityScheme::Basic { scheme }, Credential::Basic { header, .. }) => {
            out.headers.push((AUTHORIZATION, header.get(scheme)?));
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

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: SecurityScheme = SecurityScheme::ApiKey {
        scheme: "api_key",
        location: ApiKeyLocation::Header,
        parameter: "X-Soracom-API-Key",
    };

    fn applied(scheme: &SecurityScheme, credential: &Credential) -> Result<Applied, String> {
        let mut out = Applied::default();
        apply(scheme, credential, &Tokens::default(), &mut out)?;
        Ok(out)
    }

    fn header(out: &Applied) -> (&str, &[u8], bool) {
        let (name, value) = out.headers.first().expect("one header");
        (name.as_str(), value.as_bytes(), value.is_sensitive())
    }

    #[test]
    fn credentials_are_sent_as_the_scheme_says_each_time() {
        let key = Credential::api_key(Secret::new("k-123"));
        for _ in 0..2 {
            let out = applied(&KEY, &key).expect("applied");
            assert_eq!(header(&out), ("x-soracom-api-key", &b"k-123"[..], true));
        }
        // The same credential for a scheme of another description, which names another header.
        let other = SecurityScheme::ApiKey {
            scheme: "api_key",
            location: ApiKeyLocation::Header,
            parameter: "X-Api-Key",
        };
        let out = applied(&other, &key).expect("applied");
        assert_eq!(header(&out).0, "x-api-key");
        let out = applied(&KEY, &key).expect("applied");
        assert_eq!(header(&out).0, "x-soracom-api-key");

        let bearer = Credential::bearer(Secret::new("t-1"));
        let out = applied(&SecurityScheme::Bearer { scheme: "b" }, &bearer).expect("applied");
        assert_eq!(header(&out), ("authorization", &b"Bearer t-1"[..], true));

        // RFC 7617: base64 of `user:password`.
        let basic = Credential::basic("aladdin", Secret::new("opensesame"));
        let out = applied(&SecurityScheme::Basic { scheme: "b" }, &basic).expect("applied");
        assert_eq!(
            header(&out),
            (
                "authorization",
                &b"Basic YWxhZGRpbjpvcGVuc2VzYW1l"[..],
                true
            )
        );
    }

    #[test]
    fn a_credential_a_header_cannot_carry_is_refused_without_quoting_it() {
        let key = Credential::api_key(Secret::new("k\n-123"));
        let message = applied(&KEY, &key).err().expect("refused");
        assert!(message.contains("`api_key`"), "{message}");
        assert!(!message.contains("k\n-123"), "{message}");
        let bearer = Credential::bearer(Secret::new("t\r1"));
        let scheme = SecurityScheme::Bearer {
            scheme: "bearerAuth",
        };
        let message = applied(&scheme, &bearer).err().expect("refused");
        assert!(message.contains("`bearerAuth`"), "{message}");
        // In a query parameter the key is encoded, not refused.
        let query = SecurityScheme::ApiKey {
            scheme: "api_key",
            location: ApiKeyLocation::Query,
            parameter: "key",
        };
        let out = applied(&query, &key).expect("applied");
        assert_eq!(out.query, vec![("key", "k\n-123".to_owned())]);
    }
}
