//! The one error type of every generated workflow.

use std::fmt;
use std::time::Duration;

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

impl StepContext {
    /// The context of a step that calls another workflow: `operation` is that workflow's id.
    pub const fn workflow_step(
        workflow: &'static str,
        step: &'static str,
        callee: &'static str,
    ) -> Self {
        Self {
            workflow,
            step,
            operation: callee,
            method: "",
            path: "",
        }
    }
}

impl fmt::Display for StepContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.method.is_empty() {
            return write!(
                f,
                "workflow `{}`, step `{}` (calls workflow `{}`)",
                self.workflow, self.step, self.operation
            );
        }
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
    ///
    /// `Display` gives the whole chain of causes (a timeout says `timed out`), without any URL.
    #[error("{context}: request failed: {}", transport_reason(source))]
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

    /// A step that calls a workflow got outputs that do not meet one of its `successCriteria`.
    #[error(
        "{context}: the called workflow's outputs did not meet success criterion `{criterion}`"
    )]
    NestedCriterionFailed {
        /// Where it happened.
        context: Box<StepContext>,
        /// The criterion as written in the Arazzo document.
        criterion: &'static str,
    },

    /// A step failed and one of its failure actions of type `end` ended the workflow.
    #[error(
        "{context}: HTTP {status} did not meet success criterion `{criterion}`; failure action `{action}` ended the workflow{}",
        excerpt_suffix(body_excerpt)
    )]
    EndedByAction {
        /// Where it happened.
        context: Box<StepContext>,
        /// The HTTP status of the response (0 for a step that calls a workflow).
        status: u16,
        /// The criterion that did not hold.
        criterion: &'static str,
        /// The failure action's `name`.
        action: &'static str,
        /// The start of the response body, credentials masked.
        body_excerpt: String,
    },

    /// A step kept failing until its `retry` action had used every attempt, and no later failure
    /// action applied.
    #[error(
        "{context}: HTTP {status} did not meet success criterion `{criterion}` after {retries} retries (failure action `{action}`{}){}",
        reference_suffix(reference),
        excerpt_suffix(body_excerpt)
    )]
    RetriesExhausted {
        /// Where it happened.
        context: Box<StepContext>,
        /// The HTTP status of the last response.
        status: u16,
        /// The criterion that did not hold.
        criterion: &'static str,
        /// The retry action's `name`.
        action: &'static str,
        /// How many retries were made (`retryLimit`).
        retries: u32,
        /// How the step or workflow the retry action runs first (`stepId` / `workflowId`)
        /// failed before the last retry, if it did.
        reference: Option<String>,
        /// The start of the last response body, credentials masked.
        body_excerpt: String,
    },

    /// The whole run took longer than
    /// [`ClientBuilder::workflow_timeout`](crate::ClientBuilder::workflow_timeout): it was
    /// stopped where it was, its request in flight abandoned.
    #[error(
        "workflow `{workflow}` did not finish within {timeout:?}{}",
        running_suffix(workflow, running)
    )]
    WorkflowTimedOut {
        /// The `workflowId` of the run that was called.
        workflow: &'static str,
        /// The step that was running when the time ran out, as `(workflowId, stepId)`: the
        /// workflow differs from `workflow` when the step belongs to a workflow the run called.
        running: Option<(&'static str, &'static str)>,
        /// The limit.
        timeout: Duration,
    },

    /// The run made more step executions than [`ClientBuilder::max_step_executions`] allows: a
    /// `goto` or `retry` cycle that does not end.
    ///
    /// [`ClientBuilder::max_step_executions`]: crate::ClientBuilder::max_step_executions
    #[error(
        "workflow `{workflow}`: step `{step}` would exceed the budget of {budget} step executions per run"
    )]
    StepBudgetExhausted {
        /// The `workflowId`.
        workflow: &'static str,
        /// The step that would have run next.
        step: &'static str,
        /// The budget.
        budget: u32,
    },

    /// A step depends on a step of another workflow (Arazzo 1.1 step `dependsOn`) that has not
    /// completed earlier in this run; `dependsOn` does not run it.
    #[error(
        "workflow `{workflow}`, step `{step}`: it depends on step `{depends_on_step}` of workflow `{depends_on_workflow}`, which has not completed in this run (`dependsOn` does not run it; run that workflow first, e.g. through the workflow's `dependsOn`)"
    )]
    StepDependencyUnmet {
        /// The `workflowId`.
        workflow: &'static str,
        /// The step that could not run.
        step: &'static str,
        /// The workflow of the step it depends on.
        depends_on_workflow: &'static str,
        /// The step it depends on.
        depends_on_step: &'static str,
    },

    /// A step output was read that is not set: a `goto` skipped the step that sets it, or the
    /// step's response had no value for it and a success action moved on without it.
    #[error(
        "workflow `{workflow}`{}: output `{output}` of step `{source_step}` is not available: that step did not complete, or its response had no value for it",
        reader_suffix(reader)
    )]
    OutputUnavailable {
        /// The `workflowId`.
        workflow: &'static str,
        /// The step reading the output, `None` for the workflow's outputs.
        reader: Option<&'static str>,
        /// The step that sets the output.
        source_step: &'static str,
        /// The output's name.
        output: &'static str,
    },

    /// The inputs passed to a called workflow do not fit its inputs schema.
    #[error(
        "workflow `{workflow}`{}: the inputs for workflow `{callee}` do not fit: {message}",
        reader_suffix(step)
    )]
    InvalidInputs {
        /// The calling `workflowId`.
        workflow: &'static str,
        /// The calling step, `None` for `dependsOn`.
        step: Option<&'static str>,
        /// The called `workflowId`.
        callee: &'static str,
        /// What does not fit.
        message: String,
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

    /// In a durable run (feature `restate`), a step whose request failed in an earlier attempt
    /// of the run, as its journal recorded it: the same failure and message as [`Error::Transport`],
    /// without the HTTP stack's error value, which does not survive a restart.
    #[cfg(feature = "restate")]
    #[error("{context}: request failed: {reason}")]
    TransportRecorded {
        /// Where it happened.
        context: Box<StepContext>,
        /// The chain of causes, as [`Error::Transport`] gives it.
        reason: String,
    },

    /// The token endpoint of an `oauth2` or `openIdConnect` security scheme refused to issue a
    /// token (RFC 6749 §5.2), e.g. `invalid_client` or `invalid_scope`. No secret is in it: what
    /// the server says is masked.
    #[error(
        "{context}: security scheme `{scheme}`: the token endpoint answered HTTP {status} `{error}`{}",
        description_suffix(description)
    )]
    TokenRefused {
        /// The step whose request needed the token.
        context: Box<StepContext>,
        /// The scheme's name in `securitySchemes`.
        scheme: &'static str,
        /// The HTTP status of the token endpoint's answer.
        status: u16,
        /// The server's `error` code.
        error: String,
        /// The server's `error_description`, if any.
        description: Option<String>,
    },

    /// No access token could be had for an `oauth2` or `openIdConnect` security scheme: the token
    /// endpoint or discovery document could not be reached or read, or the description names none
    /// for the grant given.
    #[error("{context}: security scheme `{scheme}`: no access token: {message}")]
    TokenUnavailable {
        /// The step whose request needed the token.
        context: Box<StepContext>,
        /// The scheme's name in `securitySchemes`.
        scheme: &'static str,
        /// What went wrong.
        message: String,
    },
}

fn description_suffix(description: &Option<String>) -> String {
    description
        .as_ref()
        .map_or_else(String::new, |text| format!(": {text}"))
}

fn running_suffix(workflow: &str, running: &Option<(&'static str, &'static str)>) -> String {
    match running {
        Some((w, step)) if *w == workflow => format!("; step `{step}` was running"),
        Some((w, step)) => format!("; step `{step}` of workflow `{w}` was running"),
        None => String::new(),
    }
}

/// The causes of a transport error, outermost first. reqwest's own message for a timeout does
/// not say so ("error sending request"), and the cause that does is easy to lose.
fn transport_reason(source: &reqwest::Error) -> String {
    let mut text = source.to_string();
    let mut cause = std::error::Error::source(source);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    if source.is_timeout() && !text.contains("timed out") {
        text.insert_str(0, "timed out: ");
    }
    text
}

/// Why a step's exchange failed, as [`Error::Transport`]'s message says after its context; a
/// durable run records it.
#[cfg(feature = "restate")]
pub(crate) fn exchange_reason(error: &Error) -> String {
    match error {
        Error::Transport { source, .. } => transport_reason(source),
        Error::TransportRecorded { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

fn reader_suffix(reader: &Option<&'static str>) -> String {
    reader.map_or_else(String::new, |step| format!(", step `{step}`"))
}

fn reference_suffix(reference: &Option<String>) -> String {
    match reference {
        Some(failure) => format!(", whose step or workflow run first failed: {failure}"),
        None => String::new(),
    }
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
            Error::Config(_)
            | Error::WorkflowTimedOut { .. }
            | Error::StepBudgetExhausted { .. }
            | Error::StepDependencyUnmet { .. }
            | Error::OutputUnavailable { .. }
            | Error::InvalidInputs { .. } => None,
            Error::InvalidRequest { context, .. }
            | Error::EndedByAction { context, .. }
            | Error::RetriesExhausted { context, .. }
            | Error::NestedCriterionFailed { context, .. }
            | Error::Transport { context, .. }
            | Error::BodyTooLarge { context, .. }
            | Error::CriterionFailed { context, .. }
            | Error::MissingOutput { context, .. }
            | Error::TokenRefused { context, .. }
            | Error::TokenUnavailable { context, .. }
            | Error::Decode { context, .. } => Some(&**context),
            #[cfg(feature = "restate")]
            Error::TransportRecorded { context, .. } => Some(&**context),
        }
    }

    /// Whether the step failed on the way (no response, or one too large to read): failure
    /// actions without criteria still apply to such a failure.
    pub fn is_transport(&self) -> bool {
        #[cfg(feature = "restate")]
        if matches!(self, Error::TransportRecorded { .. }) {
            return true;
        }
        matches!(self, Error::Transport { .. } | Error::BodyTooLarge { .. })
    }

    /// The HTTP status of the response that failed the step, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::BodyTooLarge { status, .. }
            | Error::CriterionFailed { status, .. }
            | Error::EndedByAction { status, .. }
            | Error::RetriesExhausted { status, .. }
            | Error::MissingOutput { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status().map(|s| s.as_u16()),
            Error::Config(_)
            | Error::InvalidRequest { .. }
            | Error::WorkflowTimedOut { .. }
            | Error::StepBudgetExhausted { .. }
            | Error::StepDependencyUnmet { .. }
            | Error::OutputUnavailable { .. }
            | Error::InvalidInputs { .. }
            | Error::TokenRefused { .. }
            | Error::TokenUnavailable { .. }
            | Error::NestedCriterionFailed { .. } => None,
            #[cfg(feature = "restate")]
            Error::TransportRecorded { .. } => None,
        }
    }
}
