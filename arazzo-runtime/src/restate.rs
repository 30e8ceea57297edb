//! Durable runs on [Restate](https://restate.dev) (feature `restate`): each workflow the
//! `restate` option of [`arazzo_workflow!`](crate::arazzo_workflow) compiled is also a Restate
//! workflow service, and a run of it survives the crash of the process running it.
//!
//! While a durable run executes, the workflow's own generated function runs unchanged; three
//! hooks see the run's Restate context (a task-local set here):
//!
//! - every step's HTTP exchange is one journaled action (`ctx.run`): the response (status,
//!   headers, body), or how the request failed, is recorded, and after a restart a step whose
//!   exchange completed is not sent again: its response comes back from the journal and its
//!   criteria and outputs are evaluated on it as before. A step whose exchange was in flight
//!   when the process died is sent again;
//! - the correlation id ([`ClientBuilder::correlation_header`](crate::ClientBuilder::correlation_header))
//!   is journaled once per run, so a step sent again carries the same id;
//! - the wait before a `retry` is a durable timer (`ctx.sleep`): a restart does not wait again
//!   from zero.
//!
//! What is journaled: the run's inputs and outputs (or its error message), the correlation id,
//! and each step's response. Requests are not: credentials stay in the process's [`Client`].

use std::future::Future;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use restate_sdk::context::RunFuture as _;
use restate_sdk::discovery;
use restate_sdk::endpoint::ContextInternal;
use restate_sdk::errors::{HandlerError, TerminalError};
use restate_sdk::serde::Json;
use restate_sdk::service::{Service, ServiceDefinition};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, StepContext};
use crate::response::StepResponse;
use crate::sent::SentRequest;

/// The Restate SDK this runtime serves workflows with, re-exported so that a crate using the
/// `restate` option needs no dependency of its own (e.g. `restate::sdk::endpoint::Endpoint`,
/// `restate::sdk::http_server::HttpServer`, though [`serve`] serves faster).
pub use restate_sdk as sdk;

/// The name of the handler of every workflow service: a run is started with
/// `POST /<workflowId>/<key>/run`.
pub const HANDLER: &str = "run";

/// A workflow compiled with the `restate` option: what [`service`] needs to serve it.
///
/// The macro implements it, for each workflow of the document, on a unit struct
/// `<WorkflowId>Workflow` (e.g. `RegisterAndActivateSimWorkflow`).
pub trait Workflow: 'static {
    /// The Restate service name: the `workflowId` as written.
    const NAME: &'static str;
    /// The workflow's inputs struct.
    type Inputs: Serialize + DeserializeOwned + Send + 'static;
    /// The workflow's outputs struct.
    type Outputs: Serialize + DeserializeOwned + Send + 'static;
    /// The plain generated function.
    fn run(
        client: &Client,
        inputs: Self::Inputs,
    ) -> impl Future<Output = Result<Self::Outputs, Error>> + Send;
}

/// The Restate workflow service of `W`, running its steps with `client`; bind it to an
/// endpoint: `sdk::endpoint::Endpoint::builder().bind(service::<W>(&client)?)`.
///
/// # Errors
///
/// [`Error::Config`] when `W::NAME` is not a valid Restate service name (the macro refuses such
/// a `workflowId` already).
pub fn service<W: Workflow>(client: &Client) -> Result<ServiceDefinition, Error> {
    let name = discovery::ServiceName::try_from(W::NAME.to_owned())
        .map_err(|e| Error::Config(format!("`{}` cannot name a Restate service: {e}", W::NAME)))?;
    let handler = discovery::HandlerName::try_from(HANDLER.to_owned())
        .map_err(|e| Error::Config(format!("`{HANDLER}` cannot name a Restate handler: {e}")))?;
    let discovered = discovery::Service {
        ty: discovery::ServiceType::Workflow,
        name,
        handlers: vec![discovery::Handler {
            name: handler,
            input: Some(discovery::InputPayload::from_metadata::<Json<W::Inputs>>()),
            output: Some(discovery::OutputPayload::from_metadata::<Json<W::Outputs>>()),
            ty: Some(discovery::HandlerType::Workflow),
            documentation: None,
            metadata: Default::default(),
            abort_timeout: None,
            inactivity_timeout: None,
            journal_retention: None,
            idempotency_retention: None,
            workflow_completion_retention: None,
            enable_lazy_state: None,
            ingress_private: None,
            retry_policy_initial_interval: None,
            retry_policy_max_interval: None,
            retry_policy_max_attempts: None,
            retry_policy_exponentiation_factor: None,
            retry_policy_on_max_attempts: None,
        }],
        documentation: Some(format!("Arazzo workflow `{}`.", W::NAME)),
        metadata: Default::default(),
        abort_timeout: None,
        inactivity_timeout: None,
        journal_retention: None,
        idempotency_retention: None,
        enable_lazy_state: None,
        ingress_private: None,
        retry_policy_initial_interval: None,
        retry_policy_max_interval: None,
        retry_policy_max_attempts: None,
        retry_policy_exponentiation_factor: None,
        retry_policy_on_max_attempts: None,
    };
    let dispatcher = Dispatcher::<W> {
        client: client.clone(),
        workflow: PhantomData,
    };
    Ok(sdk::service::macro_support::service_definition(
        dispatcher, discovered,
    ))
}

/// Runs invocations of `W`'s service.
struct Dispatcher<W> {
    client: Client,
    workflow: PhantomData<fn() -> W>,
}

impl<W: Workflow> Service for Dispatcher<W> {
    type Future = sdk::service::macro_support::ServiceBoxFuture;

    fn handle(&self, ctx: ContextInternal) -> Self::Future {
        let client = self.client.clone();
        Box::pin(async move {
            if ctx.handler_name() != HANDLER {
                return Err(sdk::endpoint::Error::unknown_handler(
                    ctx.service_name(),
                    ctx.handler_name(),
                ));
            }
            let (Json(inputs), _) = ctx.input::<Json<W::Inputs>>().await;
            let correlation = match client.inner.correlation_header {
                Some(_) => Some(journaled_correlation(&ctx).await),
                None => None,
            };
            let durable = Durable {
                ctx: ctx.clone(),
                correlation,
            };
            let outcome = DURABLE
                .scope(durable, W::run(&client, inputs))
                .await
                .map(Json)
                .map_err(terminal);
            ctx.handle_handler_result(outcome);
            ctx.end();
            Ok(())
        })
    }
}

/// A workflow's error ends its durable run for good: the document decided the run failed
/// (its failure actions, retries included, have run), so Restate must not run it again. The
/// message is the error's `Display`, the same text the plain function's error shows.
fn terminal(error: Error) -> HandlerError {
    TerminalError::new(error.to_string()).into()
}

/// A fresh correlation id, recorded once in the run's journal so that every attempt of the run
/// sends the same one.
async fn journaled_correlation(ctx: &ContextInternal) -> String {
    let id = ctx
        .run(|| async { Ok(Json(uuid::Uuid::new_v4().to_string())) })
        .name("correlation id")
        .await;
    // A journal that cannot give the id back fails the attempt inside the SDK; a fresh id is
    // then as good as any.
    id.map(|Json(id)| id)
        .unwrap_or_else(|_| uuid::Uuid::new_v4().to_string())
}

/// The Restate context of the durable run the current task executes.
struct Durable {
    ctx: ContextInternal,
    correlation: Option<String>,
}

tokio::task_local! {
    static DURABLE: Durable;
}

/// The journaled correlation id of the current durable run, if any.
pub(crate) fn correlation() -> Option<String> {
    DURABLE
        .try_with(|durable| durable.correlation.clone())
        .ok()
        .flatten()
}

/// Waits `wait` on a durable timer when a durable run executes; `false` (nothing waited) in a
/// plain run.
pub(crate) async fn sleep(wait: Duration) -> bool {
    let Ok(ctx) = DURABLE.try_with(|durable| durable.ctx.clone()) else {
        return false;
    };
    // A timer the journal cannot complete fails the attempt inside the SDK.
    let _ = ctx.sleep(wait).await;
    true
}

/// Sends a step's request and reads its response; in a durable run, as one journaled action
/// whose recorded outcome a later attempt reads back instead of sending the request again.
pub(crate) async fn read(
    client: &Client,
    request: reqwest::Request,
    context: StepContext,
    sent: Option<Box<SentRequest>>,
) -> Result<StepResponse, Error> {
    let Ok(ctx) = DURABLE.try_with(|durable| durable.ctx.clone()) else {
        return crate::request::read(client, Ok((request, sent)), context).await;
    };
    // The error itself, when it happens in this attempt (a replayed one is rebuilt from the
    // journal).
    let failure: Arc<Mutex<Option<Error>>> = Arc::default();
    let slot = Arc::clone(&failure);
    let recorded = ctx
        .run(move || async move {
            let outcome = crate::request::read(client, Ok((request, None)), context).await;
            let recorded = Recorded::of(&outcome);
            if let (Err(error), Ok(mut slot)) = (outcome, slot.lock()) {
                *slot = Some(error);
            }
            Ok(Json(recorded))
        })
        .name(context.step)
        .await;
    let original = failure.lock().ok().and_then(|mut slot| slot.take());
    match recorded {
        Ok(Json(recorded)) => recorded.replay(client, context, sent, original),
        // Only a journal that cannot be read gets here; the SDK fails the attempt already.
        Err(e) => Err(Error::TransportRecorded {
            context: Box::new(context),
            reason: e.message().to_owned(),
        }),
    }
}

/// A step's exchange as the journal records it.
#[derive(Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
enum Recorded {
    /// The response, read whole.
    Response {
        status: u16,
        headers: Vec<(String, String)>,
        /// The body: UTF-8 text as is, anything else in base64.
        body: String,
        base64: bool,
    },
    /// The response body was over the client's limit.
    TooLarge { status: u16, limit: usize },
    /// The request could not be sent or its response read (the reason, without any URL).
    Transport { reason: String },
}

impl Recorded {
    fn of(outcome: &Result<StepResponse, Error>) -> Self {
        match outcome {
            Ok(response) => {
                let headers = response
                    .headers()
                    .iter()
                    .filter_map(|(name, value)| {
                        Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                    })
                    .collect();
                let (body, base64) = match std::str::from_utf8(response.body()) {
                    Ok(text) => (text.to_owned(), false),
                    Err(_) => (
                        base64::engine::general_purpose::STANDARD.encode(response.body()),
                        true,
                    ),
                };
                Self::Response {
                    status: response.status(),
                    headers,
                    body,
                    base64,
                }
            }
            Err(Error::BodyTooLarge { status, limit, .. }) => Self::TooLarge {
                status: *status,
                limit: *limit,
            },
            Err(error) => Self::Transport {
                reason: crate::error::exchange_reason(error),
            },
        }
    }

    /// The step's outcome: `original` when this attempt made the exchange and it failed, else
    /// rebuilt from the record.
    fn replay(
        self,
        client: &Client,
        context: StepContext,
        sent: Option<Box<SentRequest>>,
        original: Option<Error>,
    ) -> Result<StepResponse, Error> {
        if let Some(error) = original {
            return Err(error);
        }
        match self {
            Self::Response {
                status,
                headers,
                body,
                base64,
            } => {
                let body = if base64 {
                    base64::engine::general_purpose::STANDARD
                        .decode(body)
                        .unwrap_or_default()
                } else {
                    body.into_bytes()
                };
                let headers: HeaderMap = headers
                    .into_iter()
                    .filter_map(|(name, value)| {
                        Some((
                            HeaderName::from_bytes(name.as_bytes()).ok()?,
                            HeaderValue::from_str(&value).ok()?,
                        ))
                    })
                    .collect();
                Ok(StepResponse::new(
                    context,
                    status,
                    headers,
                    body.into(),
                    client.clone(),
                    sent,
                ))
            }
            Self::TooLarge { status, limit } => Err(Error::BodyTooLarge {
                context: Box::new(context),
                status,
                limit,
            }),
            Self::Transport { reason } => Err(Error::TransportRecorded {
                context: Box::new(context),
                reason,
            }),
        }
    }
}

/// Starts and awaits durable runs through a Restate server's ingress (its HTTP port, 8080 by
/// default): the Rust side of `POST /<workflowId>/<key>/run`.
///
/// A run is keyed: Restate runs a workflow once per key, so starting the same key again attaches
/// to the run already made (use the SIM id, the order number, … as the key).
#[derive(Debug, Clone)]
pub struct Ingress {
    base: String,
    http: reqwest::Client,
}

/// Why a durable run gave no outputs.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The run ended with the workflow's error: `message` is that error's `Display`, the same
    /// text as the plain function's [`Error`].
    #[error("{message}")]
    Failed {
        /// The workflow error's message.
        message: String,
    },
    /// The ingress could not be reached or answered something else than a run's outcome.
    #[error("Restate ingress: {0}")]
    Ingress(String),
}

/// The body of a failed invocation, as the ingress sends it.
#[derive(Deserialize)]
struct Failure {
    message: String,
}

impl Ingress {
    /// The ingress at `base_url`, e.g. `http://127.0.0.1:8080`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base: base_url.into().trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// Runs workflow `W` under `key` and waits for its outputs.
    ///
    /// # Errors
    ///
    /// [`RunError::Failed`] with the workflow's error message, [`RunError::Ingress`] when the
    /// ingress cannot be reached.
    pub async fn run<W: Workflow>(
        &self,
        key: &str,
        inputs: &W::Inputs,
    ) -> Result<W::Outputs, RunError> {
        let url = format!("{}/{}/{}/{HANDLER}", self.base, W::NAME, segment(key));
        outcome(self.post(url, inputs)?.send().await).await
    }

    /// Starts workflow `W` under `key` without waiting for it; [`Ingress::outputs`] waits.
    ///
    /// # Errors
    ///
    /// [`RunError::Ingress`] when the ingress cannot be reached or refuses the run.
    pub async fn start<W: Workflow>(&self, key: &str, inputs: &W::Inputs) -> Result<(), RunError> {
        let url = format!("{}/{}/{}/{HANDLER}/send", self.base, W::NAME, segment(key));
        let response = self
            .post(url, inputs)?
            .send()
            .await
            .map_err(|e| RunError::Ingress(e.without_url().to_string()))?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(RunError::Ingress(format!(
            "HTTP {}: {}",
            response.status(),
            response.text().await.unwrap_or_default()
        )))
    }

    /// Waits for the outputs of the run of `W` under `key` (started by [`Ingress::start`] or by
    /// anyone else).
    ///
    /// # Errors
    ///
    /// As [`Ingress::run`].
    pub async fn outputs<W: Workflow>(&self, key: &str) -> Result<W::Outputs, RunError> {
        let url = format!(
            "{}/restate/workflow/{}/{}/attach",
            self.base,
            W::NAME,
            segment(key)
        );
        outcome(self.http.get(url).send().await).await
    }
}

impl Ingress {
    /// A POST of `body` as JSON.
    fn post(
        &self,
        url: String,
        body: &impl Serialize,
    ) -> Result<reqwest::RequestBuilder, RunError> {
        let body = serde_json::to_vec(body)
            .map_err(|e| RunError::Ingress(format!("the inputs do not encode: {e}")))?;
        Ok(self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body))
    }
}

/// A key as one path segment.
fn segment(key: &str) -> String {
    percent_encoding::utf8_percent_encode(key, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A run's outputs, or its error, from the ingress's answer.
async fn outcome<T: DeserializeOwned>(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, RunError> {
    let response = response.map_err(|e| RunError::Ingress(e.without_url().to_string()))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| RunError::Ingress(e.without_url().to_string()))?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|e| RunError::Ingress(format!("the outputs do not decode: {e}")));
    }
    match serde_json::from_slice::<Failure>(&body) {
        Ok(failure) if status.is_server_error() || status.is_client_error() => {
            Err(RunError::Failed {
                message: failure.message,
            })
        }
        _ => Err(RunError::Ingress(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        ))),
    }
}

/// Serves `endpoint` to Restate on `listener` until the future is dropped: what
/// `sdk::http_server::HttpServer::serve` does (HTTP/2 without TLS, each run one bidirectional
/// stream), with `TCP_NODELAY` on every connection. Without it a frame the worker writes while
/// its previous one is unacknowledged waits for the server's delayed ACK, up to tens of
/// milliseconds per journaled step.
pub async fn serve(endpoint: sdk::endpoint::Endpoint, listener: tokio::net::TcpListener) {
    let endpoint = sdk::hyper::HyperEndpoint::new(endpoint);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(%error, "Restate worker: accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "Restate worker: TCP_NODELAY not set");
        }
        let connection =
            hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                .serve_connection(hyper_util::rt::TokioIo::new(stream), endpoint.clone());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "Restate worker: connection ended");
            }
        });
    }
}

/// Registers the worker serving at `worker_url` (e.g. `http://127.0.0.1:9080`) with the Restate
/// server whose admin API is at `admin_url` (port 9070 by default): `POST /deployments`. Run it
/// again, with `force`, after changing a workflow's inputs or outputs.
///
/// # Errors
///
/// [`Error::Config`] when the admin API cannot be reached or refuses the deployment.
pub async fn register(admin_url: &str, worker_url: &str, force: bool) -> Result<(), Error> {
    let url = format!("{}/deployments", admin_url.trim_end_matches('/'));
    let body = serde_json::json!({ "uri": worker_url, "force": force }).to_string();
    let response = reqwest::Client::new()
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| Error::Config(format!("Restate admin API: {}", e.without_url())))?;
    if response.status().is_success() {
        return Ok(());
    }
    Err(Error::Config(format!(
        "Restate admin API refused the deployment: HTTP {}: {}",
        response.status(),
        response.text().await.unwrap_or_default()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: StepContext = StepContext {
        workflow: "w",
        step: "s",
        operation: "o",
        method: "GET",
        path: "/x",
    };

    /// A transport error read back from the journal says what the original said.
    #[tokio::test]
    async fn a_recorded_transport_error_reads_back_with_the_same_message() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let source = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/x"))
            .send()
            .await
            .expect_err("nothing listens");
        let original: Result<StepResponse, Error> = Err(Error::Transport {
            context: Box::new(CONTEXT),
            source: source.without_url(),
        });
        let recorded = Recorded::of(&original);
        let journal = serde_json::to_string(&recorded).expect("recorded");
        let read: Recorded = serde_json::from_str(&journal).expect("read back");
        let client = Client::builder().build().expect("client");
        let Err(replayed) = read.replay(&client, CONTEXT, None, None) else {
            panic!("a response from a transport error");
        };
        let Err(original) = original else {
            unreachable!()
        };
        assert!(matches!(replayed, Error::TransportRecorded { .. }));
        assert!(replayed.is_transport());
        assert_eq!(replayed.to_string(), original.to_string());
    }

    /// A response's status, headers and body, text or not, read back as they were.
    #[test]
    fn a_recorded_response_reads_back_as_it_was() {
        let client = Client::builder().build().expect("client");
        for body in [b"{\"a\":1}".to_vec(), vec![0xff, 0x00, 0x80]] {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", HeaderValue::from_static("3"));
            let response = StepResponse::new(
                CONTEXT,
                503,
                headers,
                body.clone().into(),
                client.clone(),
                None,
            );
            let journal = serde_json::to_string(&Recorded::of(&Ok(response))).expect("recorded");
            let read: Recorded = serde_json::from_str(&journal).expect("read back");
            let Ok(replayed) = read.replay(&client, CONTEXT, None, None) else {
                panic!("an error from a response");
            };
            assert_eq!(replayed.status(), 503);
            assert_eq!(replayed.retry_after(), Some(Duration::from_secs(3)));
            assert_eq!(replayed.body(), body.as_slice());
        }
    }
}
