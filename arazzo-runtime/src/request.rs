//! Building and sending one step's request.

use std::borrow::Cow;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::client::{Client, StepEvent};
use crate::encode;
use crate::error::{Error, StepContext};
use crate::oauth::Tokens;
use crate::operation::Operation;
use crate::response::StepResponse;
use crate::security::{self, Applied};
use crate::sent::SentRequest;
use crate::style::ParameterStyle;
use crate::value::to_text;

/// One step's request, filled in by generated code and sent once.
pub struct StepRequest<'c> {
    client: &'c Client,
    operation: &'static Operation,
    context: StepContext,
    path: String,
    /// The query parameters, as `$request.query.NAME` reads them.
    query: Vec<(String, String)>,
    /// The query parameters as sent: `name=value` pieces, already encoded, in order.
    query_wire: Vec<String>,
    /// A `querystring` parameter given as text: the query as written.
    raw_query: Option<String>,
    headers: HeaderMap,
    cookies: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
    /// Kept only when the step reads `$url`, `$method` or `$request.…` after sending.
    sent: Option<Box<SentRequest>>,
    timeout: Option<std::time::Duration>,
    /// The media types the operation's responses declare (`Accept`).
    accept: Option<&'static str>,
}

impl<'c> StepRequest<'c> {
    /// Starts the request of step `step` of workflow `workflow`, which calls `operation`.
    pub fn new(
        client: &'c Client,
        operation: &'static Operation,
        workflow: &'static str,
        step: &'static str,
    ) -> Self {
        Self {
            client,
            operation,
            context: operation.context(workflow, step),
            path: path_buffer(operation.path),
            query: Vec::new(),
            query_wire: Vec::new(),
            raw_query: None,
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            sent: None,
            timeout: None,
            accept: None,
        }
    }

    /// Keeps what is sent, for a step whose criteria, actions or outputs read `$url`,
    /// `$method` or `$request.…`. Call before setting any parameter.
    pub fn keep_sent(&mut self) {
        self.sent = Some(Box::default());
    }

    #[cold]
    #[inline(never)]
    fn invalid(&self, message: String) -> Error {
        Error::InvalidRequest {
            context: Box::new(self.context),
            message,
        }
    }

    /// The error for a payload that is absent (an optional input left out) when the operation's
    /// `requestBody` is `required` (OpenAPI 3.x Request Body Object): the request is not sent.
    pub fn required_body_absent(&self) -> Error {
        self.invalid(
            "the operation requires a request body, and the payload's value is absent (an optional input left out)"
                .to_owned(),
        )
    }

    /// Fills the path template's `{name}` with `value`, encoded as exactly one segment; an
    /// array or object as OpenAPI's default `style: simple` says (`a,b`, `k,v`).
    pub fn path_param(&mut self, name: &str, value: &Value) -> Result<(), Error> {
        if matches!(value, Value::Array(_) | Value::Object(_)) {
            return self.styled_path_param(name, value, ParameterStyle::Simple, false);
        }
        // A string, the usual path parameter, is encoded without a copy of it first.
        let text = match value {
            Value::String(text) => Some(Cow::Borrowed(text.as_str())),
            other => to_text(other).map(Cow::Owned),
        }
        .ok_or_else(|| self.invalid(format!("path parameter `{name}` has no value")))?;
        let segment = encode::path_segment(&text)
            .map_err(|e| self.invalid(format!("path parameter `{name}`: {e}")))?;
        replace_placeholder(&mut self.path, name, &segment);
        if let Some(sent) = &mut self.sent {
            sent.path.push((name.to_owned(), text.into_owned()));
        }
        Ok(())
    }

    /// Adds a query parameter as OpenAPI's default `style: form`, `explode: true` says: an
    /// array repeats it, an object's members are parameters of their own; `null` leaves it out.
    pub fn query_param(&mut self, name: &str, value: &Value) {
        // `form` has a serialisation of every value.
        let _ = self.styled_query_param(name, value, ParameterStyle::Form, true);
    }

    /// Adds a query parameter serialised as the description's `style` and `explode` say
    /// (OpenAPI 3.x Parameter Object "Style Values"); `null` leaves it out. A value the style
    /// has no serialisation of (an array as `deepObject`) is refused.
    pub fn styled_query_param(
        &mut self,
        name: &str,
        value: &Value,
        style: ParameterStyle,
        explode: bool,
    ) -> Result<(), Error> {
        let pieces = crate::style::query(name, value, style, explode)
            .map_err(|message| self.invalid(message))?;
        if pieces.is_empty() {
            return Ok(());
        }
        match value {
            Value::Array(items) if style == ParameterStyle::Form && explode => {
                let texts = items.iter().filter_map(to_text);
                self.query.extend(texts.map(|t| (name.to_owned(), t)));
            }
            Value::Object(members) if style == ParameterStyle::Form && explode => {
                let texts = members
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), to_text(v)?)));
                self.query.extend(texts);
            }
            other => {
                if let Some(text) = to_text(other) {
                    self.query.push((name.to_owned(), text));
                }
            }
        }
        self.query_wire.extend(pieces);
        Ok(())
    }

    /// Fills the path template's `{name}` as the description's `style` (`simple`, `label`,
    /// `matrix`) and `explode` say; every value is encoded, so the parameter stays within its
    /// segment.
    pub fn styled_path_param(
        &mut self,
        name: &str,
        value: &Value,
        style: ParameterStyle,
        explode: bool,
    ) -> Result<(), Error> {
        let text = crate::style::path(name, value, style, explode)
            .ok_or_else(|| self.invalid(format!("path parameter `{name}` has no value")))?;
        if text == "." || text == ".." {
            return Err(self.invalid(format!(
                "path parameter `{name}`: `{text}` cannot be sent as a path segment"
            )));
        }
        replace_placeholder(&mut self.path, name, &text);
        if let Some(sent) = &mut self.sent {
            sent.path
                .push((name.to_owned(), to_text(value).unwrap_or_default()));
        }
        Ok(())
    }

    /// Sets a header whose value is an array or object, as `style: simple` with `explode`
    /// says (`R=100,G=200` exploded, `R,100,G,200` not).
    pub fn styled_header_param(
        &mut self,
        name: &str,
        value: &Value,
        _style: ParameterStyle,
        explode: bool,
    ) -> Result<(), Error> {
        match crate::style::header(value, explode) {
            Some(text) => self.header_param(name, &Value::String(text)),
            None => Ok(()),
        }
    }

    /// Sets the whole query (an Arazzo 1.1 `querystring` parameter): an object is form-encoded
    /// member by member; text is used as written (the generated code has already encoded the
    /// values embedded in it).
    pub fn query_string(&mut self, value: &Value) {
        match value {
            Value::Object(members) => {
                for (name, value) in members {
                    self.query_param(name, value);
                }
            }
            other => {
                self.raw_query = to_text(other).filter(|q| !q.is_empty());
            }
        }
    }

    /// Asks for the media types the operation's responses declare (OpenAPI content
    /// negotiation), e.g. `application/json, text/plain`, instead of `*/*`. An `Accept` header
    /// parameter the workflow sets wins.
    pub fn accept(&mut self, media_types: &'static str) {
        self.accept = Some(media_types);
    }

    /// Aborts the exchange when it takes longer than `timeout` (a step's Arazzo 1.1 `timeout`);
    /// the step then fails as on any transport error.
    pub fn timeout(&mut self, timeout: std::time::Duration) {
        self.timeout = Some(timeout);
    }

    /// Sets a header, an array or object as OpenAPI's default `style: simple` says. A value with
    /// a line break or NUL is refused: no header injection.
    pub fn header_param(&mut self, name: &str, value: &Value) -> Result<(), Error> {
        let Some(text) = crate::style::header(value, false) else {
            return Ok(());
        };
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| self.invalid(format!("`{name}` is not a valid header name")))?;
        let header_value = HeaderValue::from_str(&text).map_err(|_| {
            self.invalid(format!(
                "the value of header `{name}` contains a character a header cannot carry (line break, NUL or other control)"
            ))
        })?;
        self.headers.append(header_name, header_value);
        Ok(())
    }

    /// Adds a cookie (value percent-encoded).
    pub fn cookie_param(&mut self, name: &str, value: &Value) {
        if let Some(text) = to_text(value) {
            self.cookies.push((name.to_owned(), text));
        }
    }

    /// Sets a JSON body.
    pub fn json_body(&mut self, content_type: &str, body: &Value) {
        self.keep_body(body);
        // `to_vec` starts with room for a small body; `to_string` grows through `fmt`.
        let bytes = serde_json::to_vec(body).unwrap_or_else(|_| body.to_string().into_bytes());
        self.body = Some((content_type.to_owned(), bytes));
    }

    /// Sets a JSON body written as text in the document (a templated payload): sent as
    /// written; `$request.body` reads it as JSON when it parses.
    pub fn json_text_body(&mut self, content_type: &str, body: String) {
        if let Some(sent) = &mut self.sent {
            sent.body = serde_json::from_str(&body).unwrap_or_else(|_| Value::String(body.clone()));
        }
        self.body = Some((content_type.to_owned(), body.into_bytes()));
    }

    /// Sets a text body (a string payload sent as written, e.g. `text/plain`).
    pub fn text_body(&mut self, content_type: &str, body: String) {
        if let Some(sent) = &mut self.sent {
            sent.body = Value::String(body.clone());
        }
        self.body = Some((content_type.to_owned(), body.into_bytes()));
    }

    /// Sets an `application/x-www-form-urlencoded` body: from an object, each member serialised
    /// as its `encoding` entry says (OpenAPI's `style: form, explode: true` without one), or,
    /// when the payload is a string, sent as written.
    pub fn form_body(
        &mut self,
        content_type: &str,
        body: &Value,
        encoding: &[crate::payload::FormEncoding],
    ) {
        self.keep_body(body);
        let encoded = match body {
            Value::Object(members) => crate::payload::form(members, encoding),
            other => to_text(other).unwrap_or_default(),
        };
        self.body = Some((content_type.to_owned(), encoded.into_bytes()));
    }

    /// Sets a `multipart/form-data` body (RFC 7578): each member of the payload object one part,
    /// typed by its `encoding` entry's `contentType` or by its value. A payload that is not an
    /// object has no members to make parts of: the request is refused.
    pub fn multipart_body(
        &mut self,
        content_type: &str,
        body: &Value,
        encoding: &[crate::multipart::PartEncoding],
    ) -> Result<(), Error> {
        let Value::Object(members) = body else {
            return Err(self.invalid(format!(
                "a `{content_type}` payload must be an object (each member is one part), not {}",
                kind(body)
            )));
        };
        self.keep_body(body);
        let multipart = crate::multipart::encode(content_type, members, encoding);
        self.body = Some((multipart.content_type, multipart.bytes));
        Ok(())
    }

    fn keep_body(&mut self, body: &Value) {
        if let Some(sent) = &mut self.sent {
            sent.body = body.clone();
        }
    }

    /// Sends the request, reads the response (up to the client's size limit) and reports the
    /// exchange to the client's step observer. An operation secured by `oauth2` or
    /// `openIdConnect` first gets its tokens (see [`crate::oauth`]), and is sent once more with
    /// renewed ones when the API answers 401.
    ///
    /// The request is built here, before the future is made: an `async fn` would keep the
    /// request in its own state and again in the future it hands the request to, making every
    /// workflow's future larger by that much per step.
    pub fn send(self) -> impl Future<Output = Result<StepResponse, Error>> + Send + 'c {
        if self
            .chosen_security()
            .is_some_and(|schemes| Tokens::needed(self.client, schemes))
        {
            return Transmit::Tokens {
                read: Box::pin(self.send_with_tokens()),
            };
        }
        let (client, context, span) = (self.client, self.context, self.span());
        let built = self.build(&Tokens::default());
        Transmit::Plain {
            read: start(client, context, built, span),
        }
    }

    /// [`StepRequest::send`] for an operation whose security needs access tokens.
    async fn send_with_tokens(self) -> Result<StepResponse, Error> {
        let (client, context) = (self.client, self.context);
        let server = client.server(self.operation.source, self.operation.default_server);
        let schemes = self.chosen_security().unwrap_or_default();
        let mut tokens = Tokens::for_request(client, server, schemes, context).await?;
        let span = self.span();
        let built = self.build(&tokens);
        // A request carrying a token this client obtained is sent again, once, with a new token
        // when the API refuses the token (401): it may have been revoked before it expired.
        let resend = match &built {
            Ok((request, sent)) if tokens.renewable() => request
                .try_clone()
                .map(|again| (again, sent.clone(), span.clone())),
            _ => None,
        };
        let outcome = start(client, context, built, span).await;
        match resend {
            Some((mut again, sent, span))
                if outcome
                    .as_ref()
                    .is_ok_and(|response| response.status() == 401) =>
            {
                tokens
                    .renew(client, server, context, again.headers_mut())
                    .await?;
                start(client, context, Ok((again, sent)), span).await
            }
            _ => outcome,
        }
    }

    fn span(&self) -> tracing::Span {
        if !crate::run::spans_wanted() {
            return tracing::Span::none();
        }
        tracing::info_span!(
            "arazzo.step",
            workflow = self.context.workflow,
            step = self.context.step,
            operation = self.context.operation,
            status = tracing::field::Empty,
        )
    }

    fn build(
        mut self,
        tokens: &Tokens,
    ) -> Result<(reqwest::Request, Option<Box<SentRequest>>), Error> {
        let mut applied = Applied::default();
        if let Some(schemes) = self.chosen_security() {
            for scheme in schemes {
                if let Some(credential) = self.client.credential(scheme.name()) {
                    security::apply(scheme, credential, tokens, &mut applied)
                        .map_err(|message| self.invalid(message))?;
                }
            }
        }

        let mut url = self.url()?;
        if self.raw_query.is_some() || !self.query_wire.is_empty() {
            self.set_query(&mut url);
        }
        let sent = self.sent.take().map(|sent| self.sent(sent, &url));
        if !applied.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&applied.query);
        }

        let method =
            reqwest::Method::from_bytes(self.operation.method.as_bytes()).map_err(|_| {
                self.invalid(format!("`{}` is not an HTTP method", self.operation.method))
            })?;
        let mut request = reqwest::Request::new(method, url);
        // Set only when there is one: setting `None` would still add an entry to the request's
        // extensions, an allocation per request.
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let headers = request.headers_mut();
        headers.extend(std::mem::take(&mut self.headers));
        for (name, value) in applied.headers {
            headers.insert(name, value);
        }
        if let Some(accept) = self.accept
            && !headers.contains_key(ACCEPT)
            && let Some(value) = static_header_value(accept)
        {
            headers.insert(ACCEPT, value);
        }
        if let Some((name, value)) = crate::run::correlation(self.client)
            && !headers.contains_key(&name)
        {
            headers.insert(name, value);
        }
        if !self.cookies.is_empty() || !applied.cookies.is_empty() {
            self.set_cookies(&applied.cookies, headers)?;
        }
        if let Some((content_type, body)) = self.body.take() {
            let value = HeaderValue::from_str(&content_type).map_err(|_| {
                self.invalid(format!("`{content_type}` is not a valid content type"))
            })?;
            headers.insert(CONTENT_TYPE, value);
            *request.body_mut() = Some(body.into());
        }
        Ok((request, sent))
    }

    // What most requests do not have is kept out of `build`, so that the code every request
    // runs stays small (fewer instruction cache misses with many runs in flight).

    /// Sets the query: a `querystring` parameter's text, then the styled query parameters.
    #[inline(never)]
    fn set_query(&self, url: &mut reqwest::Url) {
        if let Some(raw) = &self.raw_query {
            url.set_query(Some(raw));
        }
        if !self.query_wire.is_empty() {
            let styled = self.query_wire.join("&");
            let query = match url.query() {
                Some(raw) if !raw.is_empty() => format!("{raw}&{styled}"),
                _ => styled,
            };
            url.set_query(Some(&query));
        }
    }

    /// What the step reads of the request it sent: its URL (before credentials in the query are
    /// added), query parameters and headers as the workflow set them.
    #[inline(never)]
    fn sent(&mut self, mut sent: Box<SentRequest>, url: &reqwest::Url) -> Box<SentRequest> {
        sent.url = url.to_string();
        sent.query = std::mem::take(&mut self.query);
        sent.headers = self.headers.clone();
        sent
    }

    /// The `Cookie` header: the workflow's cookies, then the credentials sent as cookies.
    #[inline(never)]
    fn set_cookies(
        &self,
        applied: &[(&'static str, String)],
        headers: &mut HeaderMap,
    ) -> Result<(), Error> {
        let cookies: Vec<(&str, &str)> = self
            .cookies
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(applied.iter().map(|(n, v)| (*n, v.as_str())))
            .collect();
        if let Some((name, value)) = security::cookie_header(&cookies) {
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| self.invalid("a cookie cannot be sent as a header".to_owned()))?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        Ok(())
    }

    /// The request's URL: the server's base URL followed by the path. A server the client was
    /// configured with was parsed when the client was built, and the path is joined to it; any
    /// other (the description's default server) is parsed here with the path.
    fn url(&self) -> Result<reqwest::Url, Error> {
        let (base, parsed) = self
            .client
            .server_url(self.operation.source, self.operation.default_server);
        if let Some(url) = parsed.and_then(|parsed| join_path(parsed, &self.path)) {
            return Ok(url);
        }
        reqwest::Url::parse(&format!("{}{}", base.trim_end_matches('/'), self.path))
            .map_err(|e| self.invalid(format!("cannot form a URL from `{base}`: {e}")))
    }

    /// The first alternative of the operation's security whose credentials the client has all of;
    /// with none, the request goes without credentials and the server answers as it will (401).
    fn chosen_security(&self) -> Option<&'static [security::SecurityScheme]> {
        self.operation.security.iter().copied().find(|schemes| {
            schemes
                .iter()
                .all(|scheme| self.client.credential(scheme.name()).is_some())
        })
    }
}

pin_project_lite::pin_project! {
    /// One step's exchange in flight: reads the response in the step's span, then records its
    /// status there and reports it to the client's step observer. A hand-written future rather
    /// than an `async` block, which would hold `read` twice (once captured, once awaited).
    struct Exchange<'c, F> {
        #[pin]
        read: F,
        client: &'c Client,
        context: StepContext,
        // The request path, kept only when the client observes steps.
        path: Option<String>,
        // Whether the request could be built: one that could not was never sent, and is no
        // exchange to report.
        sends: bool,
        started: Instant,
        span: tracing::Span,
    }
}

impl<F: Future<Output = Result<StepResponse, Error>>> Future for Exchange<'_, F> {
    type Output = Result<StepResponse, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let outcome = std::task::ready!(this.read.poll(cx));
        let status = outcome.as_ref().ok().map(StepResponse::status);
        if let Some(status) = status {
            this.span.record("status", status);
        }
        if let Some(path) = this.path.take() {
            this.client.observe(&StepEvent {
                workflow: this.context.workflow,
                step: this.context.step,
                operation: this.context.operation,
                method: this.context.method,
                path,
                status,
                elapsed: this.started.elapsed(),
            });
        }
        if *this.sends {
            tracing::debug!(status, "step exchange done");
        }
        Poll::Ready(outcome)
    }
}

/// Reads a response body of at most `limit` bytes: `Err(None)` when it is larger. A body that
/// arrives in one chunk (the usual small JSON response) is kept as that chunk, without a copy.
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, Option<reqwest::Error>> {
    let mut first = Bytes::new();
    let mut joined: Option<Vec<u8>> = None;
    while let Some(chunk) = response.chunk().await.map_err(Some)? {
        let read = joined.as_ref().map_or(first.len(), Vec::len);
        if read + chunk.len() > limit {
            return Err(None);
        }
        match &mut joined {
            Some(joined) => joined.extend_from_slice(&chunk),
            None if first.is_empty() => first = chunk,
            None => {
                // One allocation when the length is announced (checked against the limit).
                let announced = response.content_length().map_or(0, |len| len as usize);
                let mut all = Vec::with_capacity(announced.max(read + chunk.len()));
                all.extend_from_slice(&first);
                all.extend_from_slice(&chunk);
                joined = Some(all);
            }
        }
    }
    Ok(joined.map_or(first, Bytes::from))
}

/// A header value from text the generated code holds for the whole run, without copying it
/// when it is visible ASCII; `None` when it is not a valid header value.
fn static_header_value(text: &'static str) -> Option<HeaderValue> {
    // `from_static` panics on anything but visible ASCII and tabs, which `from_str` may accept.
    if text
        .bytes()
        .all(|byte| byte == b'\t' || (32..127).contains(&byte))
    {
        Some(HeaderValue::from_static(text))
    } else {
        HeaderValue::from_str(text).ok()
    }
}

/// `base` with `path` appended to its path: the URL that parsing the base's text followed by
/// `path` gives, without parsing the scheme, host and port again (for a local server, most of
/// the cost of parsing a URL). `None` where the two could differ: a base with a query or
/// fragment, or a path that does not start with one `/`.
fn join_path(base: &reqwest::Url, path: &str) -> Option<reqwest::Url> {
    if base.query().is_some() || base.fragment().is_some() || !path.starts_with('/') {
        return None;
    }
    let mut joined = String::with_capacity(base.path().len() + path.len());
    joined.push_str(base.path().trim_end_matches('/'));
    joined.push_str(path);
    // `//` would start an authority, not a path.
    if joined.starts_with("//") {
        return None;
    }
    base.join(&joined).ok()
}

/// The path template in a buffer with room for the values its parameters will get, so that
/// filling them in does not grow it again.
fn path_buffer(template: &str) -> String {
    let mut path = String::with_capacity(template.len() + 32);
    path.push_str(template);
    path
}

/// The JSON kind of a value, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Replaces every `{name}` in a path template with `segment`, in place.
fn replace_placeholder(path: &mut String, name: &str, segment: &str) {
    let mut from = 0;
    while let Some(found) = path[from..].find('{') {
        let start = from + found;
        let end = start + 1 + name.len();
        if path[start + 1..].starts_with(name) && path[end..].starts_with('}') {
            path.replace_range(start..=end, segment);
            from = start + segment.len();
        } else {
            from = start + 1;
        }
    }
}

/// A request as built for sending, with what a failing step reports of it.
type Built = Result<(reqwest::Request, Option<Box<SentRequest>>), Error>;

/// One step's exchange, reported to the observer and traced in `span` as it completes.
fn start<'c>(
    client: &'c Client,
    context: StepContext,
    built: Built,
    span: tracing::Span,
) -> Exchange<'c, impl Future<Output = Result<StepResponse, Error>> + Send + 'c> {
    let path = match &built {
        Ok((request, _)) if client.observes() => Some(request.url().path().to_owned()),
        _ => None,
    };
    Exchange {
        sends: built.is_ok(),
        read: exchange(client, built, context),
        client,
        context,
        path,
        started: Instant::now(),
        span,
    }
}

/// Sends and reads one request.
#[cfg(not(feature = "restate"))]
fn exchange<'c>(
    client: &'c Client,
    built: Built,
    context: StepContext,
) -> impl Future<Output = Result<StepResponse, Error>> + Send + 'c {
    read(client, built, context)
}

/// Sends and reads one request; in a durable run as a journaled action that a later attempt
/// of the run reads back instead of sending again.
#[cfg(feature = "restate")]
async fn exchange(
    client: &Client,
    built: Built,
    context: StepContext,
) -> Result<StepResponse, Error> {
    let (request, sent) = built?;
    crate::restate::read(client, request, context, sent).await
}

pin_project_lite::pin_project! {
    /// [`StepRequest::send`]'s future: the plain exchange, or, for an operation that needs
    /// access tokens, the boxed one that gets them first (rare, and larger).
    #[project = TransmitProjection]
    enum Transmit<'c, F> {
        Plain { #[pin] read: Exchange<'c, F> },
        Tokens { read: Pin<Box<dyn Future<Output = Result<StepResponse, Error>> + Send + 'c>> },
    }
}

impl<F: Future<Output = Result<StepResponse, Error>>> Future for Transmit<'_, F> {
    type Output = Result<StepResponse, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            TransmitProjection::Plain { read } => read.poll(cx),
            TransmitProjection::Tokens { read } => read.as_mut().poll(cx),
        }
    }
}

pub(crate) async fn read(
    client: &Client,
    built: Built,
    context: StepContext,
) -> Result<StepResponse, Error> {
    let (request, sent) = built?;
    let transport = |source: reqwest::Error| Error::Transport {
        context: Box::new(context),
        source: source.without_url(),
    };
    let mut response = client
        .inner
        .http
        .execute(request)
        .await
        .map_err(transport)?;
    let status = response.status().as_u16();
    let limit = client.inner.max_response_bytes;
    let too_large = || Error::BodyTooLarge {
        context: Box::new(context),
        status,
        limit,
    };
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(too_large());
    }
    let body = read_body(&mut response, limit)
        .await
        .map_err(|e| e.map_or_else(too_large, transport))?;
    Ok(StepResponse::new(
        context,
        status,
        std::mem::take(response.headers_mut()),
        body,
        client.clone(),
        sent,
    ))
}

#[cfg(test)]
mod tests {
    use super::{join_path, read_body, replace_placeholder, static_header_value};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// Serves one HTTP/1.1 response whose body is sent as `chunks`, one chunk of the chunked
    /// transfer coding each, written separately; returns its URL.
    async fn chunked_server(chunks: &'static [&'static str]) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let url = format!("http://{}/", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("accepts");
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await.expect("writes");
            for chunk in chunks {
                let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
                stream.write_all(framed.as_bytes()).await.expect("writes");
                stream.flush().await.expect("flushes");
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            stream.write_all(b"0\r\n\r\n").await.expect("writes");
        });
        url
    }

    async fn chunked(chunks: &'static [&'static str]) -> reqwest::Response {
        let url = chunked_server(chunks).await;
        reqwest::get(url).await.expect("a response")
    }

    #[test]
    fn static_header_values_are_those_from_str_accepts() {
        for text in [
            "application/json, text/plain",
            "text/plain;\tcharset=utf-8",
            "text/plain; x=\u{e9}",
            "a\nb",
            "a\u{7f}",
            "",
        ] {
            assert_eq!(
                static_header_value(text),
                reqwest::header::HeaderValue::from_str(text).ok(),
                "{text:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_body_in_several_chunks_is_read_whole() {
        let mut response =
            chunked(&["{\"simId\":", " \"8981\",", " \"status\": \"active\"}"]).await;
        let body = read_body(&mut response, 1024).await.expect("read");
        assert_eq!(&body[..], br#"{"simId": "8981", "status": "active"}"#);
    }

    #[tokio::test]
    async fn a_body_in_one_chunk_is_read_whole() {
        let mut response = chunked(&["{\"simId\": \"8981\"}"]).await;
        let body = read_body(&mut response, 1024).await.expect("read");
        assert_eq!(&body[..], br#"{"simId": "8981"}"#);
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_refused_when_its_chunks_pass_the_limit() {
        let mut response = chunked(&["0123456789", "0123456789", "0123456789"]).await;
        assert!(matches!(read_body(&mut response, 25).await, Err(None)));
        let mut response = chunked(&["0123456789", "0123456789", "01234"]).await;
        assert_eq!(read_body(&mut response, 25).await.expect("read").len(), 25);
    }

    #[test]
    fn a_path_joined_to_a_parsed_server_is_the_url_parsed_whole() {
        let bases = [
            "http://127.0.0.1:8080/v1",
            "http://127.0.0.1:8080/v1/",
            "https://api.example.com",
            "https://api.example.com/",
            "https://user:pw@api.example.com:443/a%20b/../v2/./",
            "HTTP://API.Example.COM/V1",
            "http://[::1]:9/x",
            "http://api.example.com/v1?key=1",
            "http://api.example.com/v1#top",
        ];
        let paths = [
            "/sims/8981/register",
            "/sims/a%2Fb/x",
            "/a b/ü/%7Bid%7D",
            "/search?q=1#frag",
            "/../../etc",
            "/./x/.",
            "//evil.example.com/x",
            "/x\\y",
            "relative",
            "/tab\there ",
            "",
        ];
        for base in bases {
            let parsed = reqwest::Url::parse(base).expect("a base URL");
            for path in paths {
                let whole = reqwest::Url::parse(&format!("{}{path}", base.trim_end_matches('/')));
                if let Some(joined) = join_path(&parsed, path) {
                    assert_eq!(Ok(joined), whole, "{base} + {path}");
                }
            }
        }
        let local = reqwest::Url::parse("http://127.0.0.1:8080/v1").expect("a base URL");
        assert!(join_path(&local, "/sims/1").is_some());
    }

    #[test]
    fn placeholders_are_replaced_wherever_they_are_and_only_them() {
        let mut path = "/a/{id}/b/{idx}/{id}{id}/{i".to_owned();
        replace_placeholder(&mut path, "id", "x%7By%7D");
        assert_eq!(path, "/a/x%7By%7D/b/{idx}/x%7By%7Dx%7By%7D/{i");
        let mut path = "/{id}".to_owned();
        replace_placeholder(&mut path, "id", "{id}");
        assert_eq!(path, "/{id}");
    }
}
