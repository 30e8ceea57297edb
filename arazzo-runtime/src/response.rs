//! One step's response: criteria read it, outputs are extracted from it.

use std::sync::OnceLock;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, StepContext};
use crate::sent::SentRequest;

/// How much of a response body an error quotes.
const EXCERPT_CHARS: usize = 300;

/// A step's response, read whole.
pub struct StepResponse {
    context: StepContext,
    status: u16,
    headers: HeaderMap,
    /// As received: usually the one chunk the connection read it in, shared rather than copied.
    body: Bytes,
    /// The body as JSON, or why it is not.
    json: OnceLock<Result<Value, String>>,
    /// How step outputs read the body straight from its text, decided when the first one does.
    seekable: OnceLock<Seekable>,
    /// To mask its credentials in error excerpts (only read when an error is made).
    client: Client,
    /// What was sent, when the step reads it (`StepRequest::keep_sent`).
    sent: Option<Box<SentRequest>>,
}

impl StepResponse {
    pub(crate) fn new(
        context: StepContext,
        status: u16,
        headers: HeaderMap,
        body: Bytes,
        client: Client,
        sent: Option<Box<SentRequest>>,
    ) -> Self {
        Self {
            context,
            status,
            headers,
            body,
            json: OnceLock::new(),
            seekable: OnceLock::new(),
            client,
            sent,
        }
    }

    /// `$url`: the URL requested, without credentials; `null` unless the request was kept.
    pub fn url(&self) -> Value {
        self.sent
            .as_ref()
            .map_or(Value::Null, |s| Value::String(s.url.clone()))
    }

    /// `$method`: the HTTP method, upper case.
    pub fn method(&self) -> Value {
        Value::String(self.context.method.to_owned())
    }

    /// `$request.header.NAME`, as the workflow set it (credentials are not readable).
    pub fn request_header(&self, name: &str) -> Value {
        self.sent.as_ref().map_or(Value::Null, |s| s.header(name))
    }

    /// `$request.query.NAME`, as the workflow set it (credentials are not readable).
    pub fn request_query(&self, name: &str) -> Value {
        self.sent.as_ref().map_or(Value::Null, |s| s.query(name))
    }

    /// `$request.path.NAME`, the value before it was encoded into the path.
    pub fn request_path(&self, name: &str) -> Value {
        self.sent.as_ref().map_or(Value::Null, |s| s.path(name))
    }

    /// `$request.body#POINTER`: a pointer into the payload as the step built it.
    pub fn request_body_at(&self, pointer: &str) -> Value {
        self.sent
            .as_ref()
            .map_or(Value::Null, |s| s.body_at(pointer))
    }

    /// A step output computed from the exchange (`$url`, `$method`, `$request.…`): `value`
    /// comes from one of the readers above. `null` is [`Error::MissingOutput`].
    pub fn value_output<T: DeserializeOwned>(
        &self,
        output: &'static str,
        expression: &'static str,
        value: Value,
    ) -> Result<T, Error> {
        if value.is_null() {
            return Err(Error::MissingOutput {
                context: Box::new(self.context),
                status: self.status,
                output,
                expression,
                body_excerpt: self.excerpt(),
            });
        }
        decode(value).map_err(|e| self.decode_error(expression, e))
    }

    /// `$statusCode`.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `$response.header.NAME` (case-insensitive name); `null` when absent or not text.
    pub fn header(&self, name: &str) -> Value {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map_or(Value::Null, |v| Value::String(v.to_owned()))
    }

    /// The body parsed as JSON, once; `None` when it is not JSON, or says by its `Content-Type`
    /// that it is something else.
    pub fn body_json(&self) -> Option<&Value> {
        self.parsed().as_ref().ok()
    }

    /// The body as JSON, or what is wrong with it: a `Content-Type` that is not JSON (a proxy's
    /// HTML error page, say), an empty body, or text that does not parse (truncated, ...). A
    /// body without `Content-Type` is tried as JSON.
    fn parsed(&self) -> &Result<Value, String> {
        self.json.get_or_init(|| {
            let content_type = self
                .headers
                .get(reqwest::header::CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            if let Some(content_type) = content_type
                && !is_json_media_type(&content_type)
            {
                return Err(format!(
                    "the response's Content-Type is `{content_type}`, not JSON"
                ));
            }
            if self.body.iter().all(u8::is_ascii_whitespace) {
                return Err("the response body is empty".to_owned());
            }
            serde_json::from_slice(&self.body)
                .map_err(|e| format!("the response body is not JSON ({e})"))
        })
    }

    /// Whether the `Content-Type` says JSON, or there is none.
    fn declares_json(&self) -> bool {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .is_none_or(|v| match v.to_str() {
                Ok(text) => is_json_media_type(text),
                Err(_) => is_json_media_type(&String::from_utf8_lossy(v.as_bytes())),
            })
    }

    /// `$response.body#POINTER` for a condition: `null` when the pointer finds nothing. A body
    /// that is not JSON (`text/plain`, XML, ...) is, as a whole (`$response.body`), its text; a
    /// pointer into it finds nothing.
    pub fn body_at(&self, pointer: &str) -> Value {
        match self.body_json() {
            Some(body) => body.pointer(pointer).cloned().unwrap_or(Value::Null),
            None if pointer.is_empty() => self
                .body_text()
                .map_or(Value::Null, |text| Value::String(text.to_owned())),
            None => Value::Null,
        }
    }

    /// The body as text, when it is UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// A step output reading the whole body of a response the description declares as text or
    /// binary (not JSON): the body as text. A body that is not UTF-8 is [`Error::Decode`].
    pub fn text_output(&self, expression: &'static str) -> Result<String, Error> {
        std::str::from_utf8(&self.body)
            .map(str::to_owned)
            .map_err(|e| {
                self.decode_error(
                    expression,
                    format!("the response body is not UTF-8 text ({e})"),
                )
            })
    }

    /// The server's `Retry-After` (seconds or an HTTP date), if it sent one.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::run::parse_retry_after)
    }

    /// The error for a failure that a failure action of type `end` ended the workflow on.
    pub fn ended_by(&self, criterion: &'static str, action: &'static str) -> Error {
        Error::EndedByAction {
            context: Box::new(self.context),
            status: self.status,
            criterion,
            action,
            body_excerpt: self.excerpt(),
        }
    }

    /// The error for a failure that outlasted a `retry` action.
    pub fn retries_exhausted(
        &self,
        criterion: &'static str,
        action: &'static str,
        retries: u32,
    ) -> Error {
        Error::RetriesExhausted {
            context: Box::new(self.context),
            status: self.status,
            criterion,
            action,
            retries,
            reference: None,
            body_excerpt: self.excerpt(),
        }
    }

    /// The error for a failed success criterion.
    pub fn criterion_failed(&self, criterion: &'static str) -> Error {
        Error::CriterionFailed {
            context: Box::new(self.context),
            status: self.status,
            criterion,
            body_excerpt: self.excerpt(),
        }
    }

    /// A step output read from the body at `pointer` and decoded as `T`. A missing value, or
    /// `null`, is [`Error::MissingOutput`].
    pub fn body_output<T: DeserializeOwned>(
        &self,
        output: &'static str,
        expression: &'static str,
        pointer: &str,
    ) -> Result<T, Error> {
        match self.body_output_nullable(expression, pointer)? {
            Some(value) => Ok(value),
            None => Err(Error::MissingOutput {
                context: Box::new(self.context),
                status: self.status,
                output,
                expression,
                body_excerpt: self.excerpt(),
            }),
        }
    }

    /// A step output whose schema is nullable: `None` for `null` or no value.
    pub fn body_output_nullable<T: DeserializeOwned>(
        &self,
        expression: &'static str,
        pointer: &str,
    ) -> Result<Option<T>, Error> {
        // The usual case, a JSON body that no criterion has parsed yet: decode just the value at
        // the pointer. Anything else (already parsed, not JSON, not a `T`) takes the path below.
        if self.json.get().is_none()
            && let Some(found) = self.seek(pointer)
        {
            return Ok(found);
        }
        let body = match self.parsed() {
            Ok(body) => body,
            Err(why) => return Err(self.decode_error(expression, why.clone())),
        };
        match body.pointer(pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => decode(value)
                .map(Some)
                .map_err(|e| self.decode_error(expression, e)),
        }
    }

    /// The value at `pointer` read straight from the body (see [`crate::seek`]): through the
    /// body's members when it is an object, found in one pass for all the step's outputs. `None`
    /// when the body does not say it is JSON, or this cannot read it.
    fn seek<T: DeserializeOwned>(&self, pointer: &str) -> Option<Option<T>> {
        let seekable = self.seekable.get_or_init(|| {
            if !self.declares_json() {
                return Seekable::NotJson;
            }
            crate::seek::Members::of(&self.body).map_or(Seekable::Whole, Seekable::Members)
        });
        match seekable {
            Seekable::Members(members) => members.at_pointer(&self.body, pointer),
            Seekable::Whole => crate::seek::at_pointer(&self.body, pointer),
            Seekable::NotJson => None,
        }
    }

    /// A step output read from a response header.
    pub fn header_output(
        &self,
        output: &'static str,
        expression: &'static str,
        name: &str,
    ) -> Result<String, Error> {
        match self.header(name) {
            Value::String(value) => Ok(value),
            _ => Err(Error::MissingOutput {
                context: Box::new(self.context),
                status: self.status,
                output,
                expression,
                body_excerpt: self.excerpt(),
            }),
        }
    }

    fn decode_error(&self, expression: &'static str, message: String) -> Error {
        Error::Decode {
            context: Box::new(self.context),
            status: self.status,
            expression,
            // serde quotes the value it could not decode, which may be a secret echoed back.
            message: crate::run::mask(message, self.client.secret_values()),
            body_excerpt: self.excerpt(),
        }
    }

    /// The start of the body as text, with every credential value masked.
    fn excerpt(&self) -> String {
        // Mask before truncating, so no part of a secret survives at the cut.
        let text = crate::run::mask(
            String::from_utf8_lossy(&self.body).into_owned(),
            self.client.secret_values(),
        );
        let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
        if excerpt.len() < text.len() {
            excerpt.push('…');
        }
        excerpt
    }
}

/// How step outputs are read straight from a response body's text.
enum Seekable {
    /// A JSON object: through its members, found in one pass.
    Members(crate::seek::Members),
    /// JSON of another kind (or an object with an escaped member name): from the whole body.
    Whole,
    /// The `Content-Type` says it is not JSON: outputs take the slow path, which says so.
    NotJson,
}

/// `value` decoded as `T`; what is wrong names the member where it is, as a path from the value
/// (`sessionStatus.online`, `items[1].simId`).
fn decode<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
    value: D,
) -> Result<T, String>
where
    D::Error: std::fmt::Display,
{
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            inner.to_string()
        } else {
            format!("member `{path}`: {inner}")
        }
    })
}

/// `application/json`, `text/json` and any `…/…+json` (`application/problem+json`, vendor types),
/// parameters such as `charset` ignored.
fn is_json_media_type(content_type: &str) -> bool {
    // Compared without lowercasing a copy: every output of every step asks.
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let ends_with_json = essence.len() >= 5
        && essence.is_char_boundary(essence.len() - 5)
        && essence[essence.len() - 5..].eq_ignore_ascii_case("+json");
    essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/json")
        || ends_with_json
}

/// What a durable run records of a response (feature `restate`).
#[cfg(feature = "restate")]
impl StepResponse {
    /// The response headers.
    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response body, as read.
    pub(crate) fn body(&self) -> &[u8] {
        &self.body
    }
}
