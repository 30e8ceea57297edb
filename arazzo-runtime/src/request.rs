//! Building and sending one step's request.

use std::time::Instant;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tracing::Instrument as _;

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
            path: operation.path.to_owned(),
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
        let text = to_text(value)
            .ok_or_else(|| self.invalid(format!("path parameter `{name}` has no value")))?;
        let segment = encode::path_segment(&text)
            .map_err(|e| self.invalid(format!("path parameter `{name}`: {e}")))?;
        replace_placeholder(&mut self.path, name, &segment);
        if let Some(sent) = &mut self.sent {
            sent.path.push((name.to_owned(), text));
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
    /// exchange to the client's step observer.
    pub async fn send(self) -> Result<StepResponse, Error> {
        let span = tracing::info_span!(
            "arazzo.step",
            workflow = self.context.workflow,
            step = self.context.step,
            operation = self.context.operation,
            status = tracing::field::Empty,
        );
        self.send_in(span.clone()).instrument(span).await
    }

    async fn send_in(self, span: tracing::Span) -> Result<StepResponse, Error> {
        let context = self.context;
        let client = self.client;
        let server = client.server(self.operation.source, self.operation.default_server);
        let mut tokens = match self.chosen_security() {
            Some(schemes) => Tokens::for_request(client, server, schemes, context).await?,
            None => Tokens::default(),
        };
        let (request, sent) = self.build(&tokens)?;
        // A request carrying a token this client obtained is sent again, once, with a new token
        // when the API refuses the token (401): it may have been revoked before it expired.
        let resend = tokens
            .renewable()
            .then(|| request.try_clone().map(|again| (again, sent.clone())))
            .flatten();
        let path = client.observes().then(|| request.url().path().to_owned());
        let started = Instant::now();
        let mut outcome = exchange(client, request, context, sent).await;
        if let Some((mut again, sent)) = resend
            && outcome
                .as_ref()
                .is_ok_and(|response| response.status() == 401)
        {
            tokens
                .renew(client, server, context, again.headers_mut())
                .await?;
            outcome = exchange(client, again, context, sent).await;
        }
        let status = outcome.as_ref().ok().map(StepResponse::status);
        if let Some(status) = status {
            span.record("status", status);
        }
        if let Some(path) = path {
            client.observe(&StepEvent {
                workflow: context.workflow,
                step: context.step,
                operation: context.operation,
                method: context.method,
                path,
                status,
                elapsed: started.elapsed(),
            });
        }
        tracing::debug!(status, "step exchange done");
        outcome
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

        let base = self
            .client
            .server(self.operation.source, self.operation.default_server);
        let mut url = reqwest::Url::parse(&format!("{}{}", base.trim_end_matches('/'), self.path))
            .map_err(|e| self.invalid(format!("cannot form a URL from `{base}`: {e}")))?;
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
        let mut sent = self.sent.take();
        if let Some(sent) = &mut sent {
            sent.url = url.to_string();
            sent.query = std::mem::take(&mut self.query);
            sent.headers = self.headers.clone();
        }
        if !applied.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&applied.query);
        }

        let method =
            reqwest::Method::from_bytes(self.operation.method.as_bytes()).map_err(|_| {
                self.invalid(format!("`{}` is not an HTTP method", self.operation.method))
            })?;
        let mut request = reqwest::Request::new(method, url);
        *request.timeout_mut() = self.timeout;
        let headers = request.headers_mut();
        headers.extend(std::mem::take(&mut self.headers));
        for (name, value) in applied.headers {
            headers.insert(name, value);
        }
        if let Some(accept) = self.accept
            && !headers.contains_key(ACCEPT)
            && let Ok(value) = HeaderValue::from_str(accept)
        {
            headers.insert(ACCEPT, value);
        }
        if let Some((name, value)) = crate::run::correlation(self.client)
            && !headers.contains_key(&name)
        {
            headers.insert(name, value);
        }
        let cookies: Vec<(&str, &str)> = self
            .cookies
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(applied.cookies.iter().map(|(n, v)| (*n, v.as_str())))
            .collect();
        if let Some((name, value)) = security::cookie_header(&cookies) {
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| self.invalid("a cookie cannot be sent as a header".to_owned()))?;
            value.set_sensitive(true);
            headers.insert(name, value);
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

/// One exchange of a step: sent and read here, or, in a durable run (feature `restate`), as a
/// journaled action that a later attempt of the run reads back instead of sending again.
async fn exchange(
    client: &Client,
    request: reqwest::Request,
    context: StepContext,
    sent: Option<Box<SentRequest>>,
) -> Result<StepResponse, Error> {
    #[cfg(feature = "restate")]
    return crate::restate::read(client, request, context, sent).await;
    #[cfg(not(feature = "restate"))]
    read(client, request, context, sent).await
}

pub(crate) async fn read(
    client: &Client,
    request: reqwest::Request,
    context: StepContext,
    sent: Option<Box<SentRequest>>,
) -> Result<StepResponse, Error> {
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
    // One allocation for a body whose length is announced (checked against the limit above).
    let announced = response.content_length().map_or(0, |len| len as usize);
    let mut body = Vec::with_capacity(announced);
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
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
    use super::replace_placeholder;

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
