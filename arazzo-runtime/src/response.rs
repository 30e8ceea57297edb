//! One step's response: criteria read it, outputs are extracted from it.

use std::sync::OnceLock;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, StepContext};

/// How much of a response body an error quotes.
const EXCERPT_CHARS: usize = 300;

/// A step's response, read whole.
pub struct StepResponse {
    context: StepContext,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    json: OnceLock<Option<Value>>,
    /// To mask its credentials in error excerpts (only read when an error is made).
    client: Client,
}

impl StepResponse {
    pub(crate) fn new(
        context: StepContext,
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
        client: Client,
    ) -> Self {
        Self {
            context,
            status,
            headers,
            body,
            json: OnceLock::new(),
            client,
        }
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

    /// The body parsed as JSON, once; `None` when it is not JSON.
    pub fn body_json(&self) -> Option<&Value> {
        self.json
            .get_or_init(|| serde_json::from_slice(&self.body).ok())
            .as_ref()
    }

    /// `$response.body#POINTER` for a condition: `null` when the body is not JSON or the pointer
    /// finds nothing.
    pub fn body_at(&self, pointer: &str) -> Value {
        self.body_json()
            .and_then(|body| body.pointer(pointer))
            .cloned()
            .unwrap_or(Value::Null)
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
        let Some(body) = self.body_json() else {
            return Err(self.decode_error(expression, "the response body is not JSON".to_owned()));
        };
        match body.pointer(pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| self.decode_error(expression, e.to_string())),
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
            message,
            body_excerpt: self.excerpt(),
        }
    }

    /// The start of the body as text, with every credential value masked.
    fn excerpt(&self) -> String {
        // Mask before truncating, so no part of a secret survives at the cut.
        let mut text = String::from_utf8_lossy(&self.body).into_owned();
        for secret in self.client.secret_values() {
            if !secret.is_empty() {
                text = text.replace(secret, "[redacted]");
            }
        }
        let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
        if excerpt.len() < text.len() {
            excerpt.push('…');
        }
        excerpt
    }
}
