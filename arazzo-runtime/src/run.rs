//! The state of one workflow run that generated code keeps besides its step outputs: the step
//! budget, the attempt count of each `retry` action, and how long to wait before a retry; and
//! what an outermost run shares with the workflows it calls: its deadline, its correlation id,
//! and the secrets it sent.

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::task::futures::TaskLocalFuture;

use crate::client::Client;
use crate::error::Error;
use crate::secret::Secret;

/// One run of one workflow.
pub struct Run {
    workflow: &'static str,
    executed: u32,
    budget: u32,
    max_wait: Duration,
    /// Retries made so far, per `retry` action of the workflow.
    retries: Vec<u32>,
    /// How the step or workflow a `retry` ran first failed, the last time it ran.
    reference: Option<String>,
}

impl Run {
    /// A run of `workflow`, which has `retry_actions` retry actions.
    pub fn new(client: &Client, workflow: &'static str, retry_actions: usize) -> Self {
        // A run a `goto` handed over to this workflow goes on with the steps it executed.
        let executed = SCOPE
            .try_with(|scope| match scope.carried.take() {
                Some((target, executed)) if target == workflow => executed,
                other => {
                    scope.carried.set(other);
                    0
                }
            })
            .unwrap_or(0);
        Self {
            workflow,
            executed,
            budget: client.inner.max_step_executions,
            max_wait: client.inner.max_retry_wait,
            retries: vec![0; retry_actions],
            reference: None,
        }
    }

    /// Counts one execution of `step` against the budget.
    pub fn enter(&mut self, step: &'static str) -> Result<(), Error> {
        if self.executed >= self.budget {
            return Err(Error::StepBudgetExhausted {
                workflow: self.workflow,
                step,
                budget: self.budget,
            });
        }
        self.executed += 1;
        let workflow = self.workflow;
        let _ = SCOPE.try_with(|scope| scope.running.set(Some((workflow, step))));
        Ok(())
    }

    /// A `goto` to workflow `target` is about to run it: the run goes on there, with the steps
    /// executed so far counted against its budget (a loop of workflows stops like a loop of
    /// steps).
    pub fn hand_over(&self, target: &'static str) {
        let executed = self.executed;
        let _ = SCOPE.try_with(|scope| scope.carried.set(Some((target, executed))));
    }

    /// Whether retry action `slot` may make another attempt (and counts it).
    pub fn retry(&mut self, slot: usize, limit: u32) -> bool {
        match self.retries.get_mut(slot) {
            Some(made) if *made < limit => {
                *made += 1;
                true
            }
            _ => false,
        }
    }

    /// What the step or workflow a `retry` runs first did: `Some` error when it failed (the step
    /// is retried all the same), `None` when it succeeded.
    pub fn reference(&mut self, failure: Option<Error>) {
        self.reference = failure.map(|e| e.to_string());
    }

    /// `error` (retries exhausted) with how the `retry`'s step or workflow failed before the
    /// last retry, if it did.
    pub fn with_reference(&mut self, mut error: Error) -> Error {
        if let Error::RetriesExhausted { reference, .. } = &mut error {
            *reference = self.reference.take();
        }
        error
    }

    /// A step succeeded: its retry actions start counting afresh next time it fails.
    pub fn succeeded(&mut self, slots: &[usize]) {
        for slot in slots {
            if let Some(made) = self.retries.get_mut(*slot) {
                *made = 0;
            }
        }
    }

    /// Waits before a retry: the server's `Retry-After` when it sent one, else `retry_after`
    /// seconds, never longer than the client's maximum.
    pub async fn wait(&self, retry_after: f64, server: Option<Duration>) {
        let asked = server
            .unwrap_or_else(|| Duration::try_from_secs_f64(retry_after).unwrap_or(Duration::ZERO));
        let wait = asked.min(self.max_wait);
        // Durably even when zero: a `Retry-After` date read again after a restart may have
        // passed, and the run must make the same journal entries as before.
        #[cfg(feature = "restate")]
        if crate::restate::sleep(wait).await {
            return;
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// What one outermost workflow run shares with the workflows it calls (`dependsOn`, `workflowId`
/// steps, `goto` a workflow), which run as nested calls on the same task.
struct Scope {
    correlation: Option<reqwest::header::HeaderValue>,
    /// The outermost run's `workflowId`.
    outermost: &'static str,
    /// The last step entered, at any depth, as `(workflowId, stepId)`.
    running: Cell<Option<(&'static str, &'static str)>>,
    /// `Secret` values serialized into requests (`format: password` inputs), masked in error
    /// excerpts like the client's credentials.
    secrets: RefCell<Vec<Secret>>,
    /// The step executions a `goto` to a workflow hands over to it: `(workflowId, count)`.
    carried: Cell<Option<(&'static str, u32)>>,
    /// Steps another workflow's step depends on that completed, `(workflowId, stepId)`.
    completed: RefCell<Vec<(&'static str, &'static str)>>,
}

tokio::task_local! {
    // Boxed: the task-local future moves its value in and out of the thread-local slot on every
    // poll of the run, a pointer rather than the whole scope.
    static SCOPE: Box<Scope>;
}

/// Runs the body of workflow `workflow`: an outermost run gets the client's whole-run deadline
/// ([`ClientBuilder::workflow_timeout`](crate::ClientBuilder::workflow_timeout)) and, when the
/// client sends one, a fresh correlation id; a called workflow runs within its caller's.
///
/// Not an `async fn`: one would keep `run` in its own state and again inside the future it moves
/// `run` into, doubling the size of every workflow's future (several kilobytes each, which at
/// hundreds of runs in flight cost copies and cache misses). The future returned holds `run` once.
pub fn correlated<T, F>(
    client: &Client,
    workflow: &'static str,
    run: F,
) -> impl Future<Output = Result<T, Error>>
where
    F: Future<Output = Result<T, Error>>,
{
    if SCOPE.try_with(|_| ()).is_ok() {
        return Correlated::Nested { run };
    }
    let correlation = client
        .inner
        .correlation_header
        .as_ref()
        .and_then(|_| reqwest::header::HeaderValue::from_str(&fresh_correlation()).ok());
    let scope = Box::new(Scope {
        correlation,
        outermost: workflow,
        running: Cell::new(None),
        secrets: RefCell::new(Vec::new()),
        carried: Cell::new(None),
        completed: RefCell::new(Vec::new()),
    });
    let limit = client.inner.workflow_timeout;
    Correlated::Outermost {
        run: SCOPE.scope(
            scope,
            Deadline {
                run: tokio::time::timeout(limit, run),
                limit,
            },
        ),
    }
}

pin_project_lite::pin_project! {
    /// The future of [`correlated`].
    #[project = CorrelatedProjection]
    enum Correlated<F> {
        /// A called workflow: runs in its caller's scope.
        Nested { #[pin] run: F },
        /// An outermost run, in a scope of its own and within its deadline.
        Outermost { #[pin] run: TaskLocalFuture<Box<Scope>, Deadline<F>> },
    }
}

impl<T, F: Future<Output = Result<T, Error>>> Future for Correlated<F> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            CorrelatedProjection::Nested { run } => run.poll(cx),
            CorrelatedProjection::Outermost { run } => run.poll(cx),
        }
    }
}

pin_project_lite::pin_project! {
    /// An outermost run within the client's whole-run deadline; polled inside its scope, which
    /// says where the run was when the deadline passed.
    struct Deadline<F> {
        #[pin]
        run: tokio::time::Timeout<F>,
        limit: Duration,
    }
}

impl<T, F: Future<Output = Result<T, Error>>> Future for Deadline<F> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let limit = *this.limit;
        this.run.poll(cx).map(|outcome| {
            outcome.unwrap_or_else(|_| {
                Err(SCOPE.with(|scope| Error::WorkflowTimedOut {
                    workflow: scope.outermost,
                    running: scope.running.get(),
                    timeout: limit,
                }))
            })
        })
    }
}

/// The correlation id of a new outermost run: the one a durable run journaled, else a fresh
/// UUID v4.
fn fresh_correlation() -> String {
    #[cfg(feature = "restate")]
    if let Some(id) = crate::restate::correlation() {
        return id;
    }
    uuid::Uuid::new_v4().to_string()
}

/// The correlation header to add to a request, when the client sends one and a run set it.
pub(crate) fn correlation(
    client: &Client,
) -> Option<(reqwest::header::HeaderName, reqwest::header::HeaderValue)> {
    let name = client.inner.correlation_header.clone()?;
    let value = SCOPE.try_with(|scope| scope.correlation.clone()).ok()??;
    Some((name, value))
}

/// Notes a secret a run is sending, so that no error of the run quotes it.
pub(crate) fn remember_secret(secret: &Secret) {
    let _ = SCOPE.try_with(|scope| {
        let mut secrets = scope.secrets.borrow_mut();
        if !secrets.iter().any(|known| known == secret) {
            secrets.push(secret.clone());
        }
    });
}

/// Replaces every secret the current run sent, and every `extra` one, with `[redacted]`.
pub(crate) fn mask<'s>(mut text: String, extra: impl Iterator<Item = &'s str>) -> String {
    let mut replace = |secret: &str| {
        if !secret.is_empty() && text.contains(secret) {
            text = text.replace(secret, "[redacted]");
        }
    };
    extra.for_each(&mut replace);
    let _ = SCOPE.try_with(|scope| {
        for secret in scope.secrets.borrow().iter() {
            replace(secret.expose());
        }
    });
    text
}

/// Parses a `Retry-After` value: delay seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Whether an INFO span can be seen: a `tracing` subscriber may want it (the subscribers' most
/// verbose level admits INFO; the span's callsite then decides as usual), or `tracing` may pass
/// it on to a `log` logger that admits INFO. When neither, the runtime's spans are
/// `Span::none()`: a disabled span still costs its fields and, where `tracing`'s `log` feature
/// is on, a check of the logger on every poll of the run.
pub(crate) fn spans_wanted() -> bool {
    tracing::Level::INFO <= tracing::level_filters::LevelFilter::current()
        || log::Level::Info <= log::max_level()
}

/// A step output that must have been set by now; an error naming both steps when a `goto` skipped
/// the step that sets it.
pub fn available<'v, T>(
    value: &'v Option<T>,
    workflow: &'static str,
    reader: Option<&'static str>,
    source_step: &'static str,
    output: &'static str,
) -> Result<&'v T, Error> {
    value.as_ref().ok_or(Error::OutputUnavailable {
        workflow,
        reader,
        source_step,
        output,
    })
}

/// Notes that `step` of `workflow` completed, for the steps of other workflows that depend on
/// it (Arazzo 1.1 step `dependsOn`).
pub fn completed(workflow: &'static str, step: &'static str) {
    let _ = SCOPE.try_with(|scope| {
        let mut completed = scope.completed.borrow_mut();
        if !completed.contains(&(workflow, step)) {
            completed.push((workflow, step));
        }
    });
}

/// Step `step` of `workflow` depends on step `depends_on_step` of `depends_on_workflow`, which
/// `dependsOn` does not run: it must have completed earlier in this run.
pub fn require_completed(
    workflow: &'static str,
    step: &'static str,
    depends_on_workflow: &'static str,
    depends_on_step: &'static str,
) -> Result<(), Error> {
    let done = SCOPE
        .try_with(|scope| {
            scope
                .completed
                .borrow()
                .contains(&(depends_on_workflow, depends_on_step))
        })
        .unwrap_or(false);
    if done {
        return Ok(());
    }
    Err(Error::StepDependencyUnmet {
        workflow,
        step,
        depends_on_workflow,
        depends_on_step,
    })
}

/// The inputs of a called workflow, from a JSON object of them.
pub fn inputs_from<T: DeserializeOwned>(
    value: Value,
    workflow: &'static str,
    step: Option<&'static str>,
    callee: &'static str,
) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| Error::InvalidInputs {
        workflow,
        step,
        callee,
        // serde quotes the offending value, which may be a password input.
        message: mask(e.to_string(), std::iter::empty()),
    })
}

/// The value at a JSON pointer inside `value`, `null` when there is none.
pub fn pointer(value: &Value, pointer: &str) -> Value {
    value.pointer(pointer).cloned().unwrap_or(Value::Null)
}

/// The value a JSON pointer reaches inside a step output, as the type the output's schema gives
/// it there. The output was decoded as its own type, so the value fits; should it not, the
/// output is reported unavailable rather than a wrong value returned.
pub fn retype<T: serde::de::DeserializeOwned>(
    value: Value,
    workflow: &'static str,
    reader: Option<&'static str>,
    source_step: &'static str,
    output: &'static str,
) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|_| Error::OutputUnavailable {
        workflow,
        reader,
        source_step,
        output,
    })
}

/// [`retype`] for an output that must be there: `null`, which is also what a pointer that
/// finds nothing gives, is the output unavailable, even where the type (`serde_json::Value`)
/// could hold it.
pub fn retype_present<T: serde::de::DeserializeOwned>(
    value: Value,
    workflow: &'static str,
    reader: Option<&'static str>,
    source_step: &'static str,
    output: &'static str,
) -> Result<T, Error> {
    if value.is_null() {
        return Err(Error::OutputUnavailable {
            workflow,
            reader,
            source_step,
            output,
        });
    }
    retype(value, workflow, reader, source_step, output)
}

/// A value embedded in a `querystring` template, form-encoded so that it stays one value.
pub fn query_component(value: &Value) -> Value {
    let text = crate::value::to_text(value).unwrap_or_default();
    Value::String(form_urlencoded::byte_serialize(text.as_bytes()).collect())
}

/// A JSONPath selector (Arazzo 1.1): the first node `query` selects in `value`, `null` for none.
pub fn select(query: Option<&serde_json_path::JsonPath>, value: &Value) -> Value {
    query
        .and_then(|q| q.query(value).first().cloned())
        .unwrap_or(Value::Null)
}

/// A payload replacement: sets the value at `pointer`, creating the last member of an object
/// when it is missing. A pointer into nothing leaves the payload as it is.
pub fn replace(payload: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = payload.pointer_mut(pointer) {
        *slot = value;
        return;
    }
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    if let Some(Value::Object(map)) = payload.pointer_mut(parent) {
        map.insert(last, value);
    }
}

/// Whether an RFC 9535 query selects anything in `value`.
///
/// Arazzo's own examples write `$[?@.pets …]` to test the context object itself, while RFC 9535
/// applies a root filter to the object's members; so a query that starts with a root filter runs
/// on a one-element array holding an object context.
pub fn jsonpath_matches(
    query: Option<&serde_json_path::JsonPath>,
    text: &str,
    value: &Value,
) -> bool {
    // Arazzo 1.1 JSONPath Conditions: a `null` context fails (the query `$` would select it).
    let (Some(query), false) = (query, value.is_null()) else {
        return false;
    };
    if value.is_object() && text.trim_start().starts_with("$[?") {
        let wrapped = Value::Array(vec![value.clone()]);
        return !query.query(&wrapped).all().is_empty();
    }
    !query.query(value).all().is_empty()
}

/// Parses a JSONPath query the generator already checked; `None` (a criterion that never holds)
/// rather than a panic should that ever not hold.
pub fn jsonpath(query: &str) -> Option<serde_json_path::JsonPath> {
    serde_json_path::JsonPath::parse(query).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        let later = SystemTime::now() + Duration::from_secs(30);
        let wait = parse_retry_after(&httpdate::fmt_http_date(later)).expect("a date");
        assert!(wait <= Duration::from_secs(30) && wait >= Duration::from_secs(28));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn replacement_sets_existing_and_new_members() {
        let mut payload = serde_json::json!({"a": {"b": 1}, "list": [1, 2]});
        replace(&mut payload, "/a/b", Value::from(2));
        replace(&mut payload, "/a/c", Value::from(3));
        replace(&mut payload, "/list/1", Value::from(9));
        replace(&mut payload, "/missing/x", Value::from(0));
        assert_eq!(
            payload,
            serde_json::json!({"a": {"b": 2, "c": 3}, "list": [1, 9]})
        );
    }

    #[test]
    fn jsonpath_matches_when_something_is_selected() {
        let text = "$[?@.access_token == 'x']";
        let query = jsonpath(text);
        let list = serde_json::json!([{"access_token": "x"}]);
        assert!(jsonpath_matches(query.as_ref(), text, &list));
        assert!(!jsonpath_matches(
            query.as_ref(),
            text,
            &serde_json::json!([{}])
        ));
        assert!(!jsonpath_matches(None, text, &list));
        assert!(!jsonpath_matches(jsonpath("$").as_ref(), "$", &Value::Null));
        // A root filter on an object tests the object itself.
        let object = serde_json::json!({"access_token": "x"});
        assert!(jsonpath_matches(query.as_ref(), text, &object));
        let count = "$[?count(@.pets[*]) > 0]";
        let pets = serde_json::json!({"pets": [{"id": 1}]});
        assert!(jsonpath_matches(jsonpath(count).as_ref(), count, &pets));
        let none = serde_json::json!({"pets": []});
        assert!(!jsonpath_matches(jsonpath(count).as_ref(), count, &none));
    }
}
