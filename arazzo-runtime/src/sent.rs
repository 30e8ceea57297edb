//! What a step sent, kept for the steps whose criteria, actions or outputs read `$url`,
//! `$method` or `$request.…` (other steps keep nothing).
//!
//! Credentials are not part of it: `$request.header.X-Api-Key` or a `$url` with an API key in
//! its query would otherwise copy a secret into outputs, which are plain data. What is kept is
//! the request as the workflow wrote it.

use reqwest::header::HeaderMap;
use serde_json::Value;

/// The request a step sent, as the workflow wrote it (credentials left out).
#[derive(Debug, Clone, Default)]
pub(crate) struct SentRequest {
    /// `$url`, with the workflow's query parameters and without credentials.
    pub url: String,
    /// `$request.path.NAME`: each path parameter as it was filled in (before encoding).
    pub path: Vec<(String, String)>,
    /// `$request.query.NAME`.
    pub query: Vec<(String, String)>,
    /// `$request.header.NAME`.
    pub headers: HeaderMap,
    /// `$request.body`: the payload as built (before serialisation), `null` without a body.
    pub body: Value,
}

impl SentRequest {
    /// `$request.header.NAME` (case-insensitive): `null` when the step did not set it.
    pub fn header(&self, name: &str) -> Value {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map_or(Value::Null, |v| Value::String(v.to_owned()))
    }

    /// `$request.query.NAME` (case-sensitive, the first when repeated): `null` when absent.
    pub fn query(&self, name: &str) -> Value {
        find(&self.query, name)
    }

    /// `$request.path.NAME`: `null` when the operation has no such path parameter.
    pub fn path(&self, name: &str) -> Value {
        find(&self.path, name)
    }

    /// `$request.body#POINTER`: `null` when the pointer finds nothing.
    pub fn body_at(&self, pointer: &str) -> Value {
        self.body.pointer(pointer).cloned().unwrap_or(Value::Null)
    }
}

fn find(pairs: &[(String, String)], name: &str) -> Value {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or(Value::Null, |(_, v)| Value::String(v.clone()))
}
