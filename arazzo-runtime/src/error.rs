//! The one error type of every generated workflow.

use std::fmt;

/// Where in a workflow an error happened: every field is known when the code is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepContext {
    /// The `workflowId`.
    pub workflow: &'static str,
    /// The `stepId`.
    pub step: &'static str,
    /// The OpenAPI `operationId` the step calls.
    pub operation: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The OpenAPI path template, e.g. `/sims/{sim_id}/register`.
    pub path: &'static str,
}

impl fmt::Display for StepContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "workflow `{}`, step `{}` (operation `{}`, {} {})",
            self.workflow, self.step, self.operation, self.method, self.path
        )
    }
}

/// Everything that can make a workflow fail.
///
/// `Display` names the workflow, the step, the operation, the HTTP status and a bounded excerpt of
/// the response body. Neither `Display` nor `Debug` contains a credential: credentials never enter
/// an error, and body excerpts have every configured credential value masked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built (bad server URL, TLS setup, ...).
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The request could not be built from the workflow's values (e.g. a header value with a line
    /// break, a path parameter that is `..`).
    #[error("{context}: cannot build the request: {message}")]
    InvalidRequest {
        /// Where it happened.
        context: Box<StepContext>,
        /// What was wrong.
        message: String,
    },

    /// The request could not be sent or its response not read (connection refused, timeout, ...).
    #[error("{context}: request failed: {source}")]
    Transport {
        /// Where it happened.
        context: Box<StepContext>,
        /// The underlying error, with any URL removed (a URL may carry a query-string credential).
        #[source]
        source: reqwest::Error,
    },

    /// The response body was larger than the client's limit.
    #[error("{context}: HTTP {status}: response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// Where it happened.
        context: Box<StepContext>,
        /// The HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },

    /// The response did not meet one of the step's `successCriteria`.
    #[error(
        "{context}: HTTP {status} did not meet success criterion `{criterion}`{}",
        excerpt_suffix(body_excerpt)
    )]
    CriterionFailed {
        /// Where it happened.
        context: Box<StepContext>,
        /// The HTTP status of the response.
        status: u16,
        /// The criterion as written in the Arazzo document.
        criterion: &'static str,
        /// The start of the response body, credentials masked.
        body_excerpt: String,
    },

    /// A step output's expression found no value in the response.
    #[error(
        "{context}: HTTP {status}: output `{output}` expects a value at `{expression}`, but the response has none{}",
        excerpt_suffix(body_excerpt)
    )]
    MissingOutput {
        /// Where it happened.
        context: Box<StepContext>,
        /// The HTTP status of the response.
        status: u16,
        /// The step output's name.
        output: &'static str,
        /// The output's runtime expression, e.g. `$response.body#/simId`.
        expression: &'static str,
        /// The start of the response body, credentials masked.
        body_excerpt: String,
    },

    /// A value was found but is not what the OpenAPI description says it is, or the body is not JSON.
    #[error(
        "{context}: HTTP {status}: cannot decode `{expression}`: {message}{}",
        excerpt_suffix(body_excerpt)
    )]
    Decode {
        /// Where it happened.
        context: Box<StepContext>,
        /// The HTTP status of the response.
        status: u16,
        /// The expression being read, e.g. `$response.body#/status`.
        expression: &'static str,
        /// What was wrong.
        message: String,
        /// The start of the response body, credentials masked.
        body_excerpt: String,
    },
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!("; body: {excerpt}")
    }
}

impl Error {
    /// The step where the error happened, if it happened in one.
    pub fn context(&self) -> Option<&StepContext> {
        match self {
            Error::Config(_) => None,
            Error::InvalidRequest { context, .. }
            | Error::Transport { context, .. }
            | Error::BodyTooLarge { context, .. }
            | Error::CriterionFailed { context, .. }
            | Error::MissingOutput { context, .. }
            | Error::Decode { context, .. } => Some(&**context),
        }
    }

    /// The HTTP status of the response that failed the step, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::BodyTooLarge { status, .. }
            | Error::CriterionFailed { status, .. }
            | Error::MissingOutput { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status().map(|s| s.as_u16()),
            Error::Config(_) | Error::InvalidRequest { .. } => None,
        }
    }
}
