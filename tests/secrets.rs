//! No credential and no `format: password` input appears anywhere a failing run can print to:
//! `Debug` and `Display` of errors, inputs and the client, step events, and every `tracing`
//! event and span (TRACE included) and `log` record of the process, sandbox included, while
//! servers echo the secrets back, connections drop and requests time out.
//!
//! Its own test binary: it installs a process-wide tracing subscriber and logger.

use std::fmt::{Debug, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arazzo_runtime::__private::{Operation, StepRequest};
use arazzo_runtime::{ApiKeyLocation, Client, SecurityScheme};
use arazzo_sandbox::fixtures::{AUTH_KEY_ID, GROUP_SENSORS, SIM_1};
use arazzo_sandbox::{Fault, FaultRule, Sandbox};
use arazzo_workflows::soracom_sim::{RegisterAndActivateSimInputs, register_and_activate_sim};
use arazzo_workflows::sps::{ActivateSubscriptionInputs, activate_subscription};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

mod fixture {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/reliability/reliability.arazzo.yaml");
}

mod vault {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/oauth/vault.arazzo.yaml");
}

mod support;

const API_KEY: &str = "api-SECRET-key-7f3a9c";
const API_TOKEN: &str = "token-SECRET-91be44d0";
const BEARER: &str = "bearer-SECRET-c0ffee";
const PASSWORD: &str = "password-SECRET-hunter2";
const QUERY_KEY: &str = "query-SECRET-5e5e5e";
const CLIENT_SECRET: &str = "client-SECRET-0a0a0a";
const OWNER_PASSWORD: &str = "owner-SECRET-b1b1b1";
const ACCESS_TOKEN: &str = "access-SECRET-c2c2c2";
const ISSUED_REFRESH: &str = "refresh-SECRET-d3d3d3";
const GIVEN_REFRESH: &str = "refresh-SECRET-e4e4e4";

/// Everything the process traced or logged, as text.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<String>>);

impl Captured {
    fn push(&self, line: String) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_str(&line);
    }

    fn text(&self) -> String {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Writes every span and event, with all its fields, at every level.
struct TraceCapture {
    out: Captured,
    next_id: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for TraceCapture {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        line.push('\n');
        self.out.push(line);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = "record".to_owned();
        values.record(&mut Fields(&mut line));
        line.push('\n');
        self.out.push(line);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut line = format!("event {} {}", meta.level(), meta.target());
        event.record(&mut Fields(&mut line));
        line.push('\n');
        self.out.push(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Every `log` record (reqwest and hyper-util log through `log`, not `tracing`).
struct LogCapture(Captured);

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        self.0.push(format!(
            "log {} {} {}\n",
            record.level(),
            record.target(),
            record.args()
        ));
    }

    fn flush(&self) {}
}

/// A server "echoing" what it was sent back in an error body.
fn echo(secrets: &[&str]) -> Fault {
    let body = serde_json::json!({
        "code": "ECHO",
        "message": format!("rejected {}", secrets.join(" / ")),
    });
    Fault::body(400, Some("application/json"), body.to_string())
}

static QUERY_KEYED: Operation = Operation {
    source: "keyed",
    default_server: "http://127.0.0.1:9/",
    id: "listGroups",
    method: "GET",
    path: "/groups",
    security: &[&[SecurityScheme::ApiKey {
        scheme: "query_key",
        location: ApiKeyLocation::Query,
        parameter: "api_key",
    }]],
};

/// A token endpoint that issues a token for client credentials and refuses the other grants,
/// quoting everything it was sent; an API that quotes the token it was sent.
async fn careless_oauth_server() -> String {
    use axum::routing::{get, post};
    async fn token(
        axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
    ) -> axum::response::Response {
        use axum::response::IntoResponse as _;
        if form.get("grant_type").map(String::as_str) == Some("client_credentials") {
            let body = serde_json::json!({
                "access_token": ACCESS_TOKEN,
                "token_type": "bearer",
                "expires_in": 3600,
                "refresh_token": ISSUED_REFRESH,
            });
            return axum::Json(body).into_response();
        }
        let quoted = form.values().cloned().collect::<Vec<_>>().join(" ");
        let body = serde_json::json!({"error": "invalid_grant", "error_description": quoted});
        (axum::http::StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
    }
    async fn api(headers: axum::http::HeaderMap) -> axum::response::Response {
        use axum::response::IntoResponse as _;
        let sent = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = serde_json::json!({"message": format!("rejected {sent}")});
        (axum::http::StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
    }
    let app = axum::Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/refresh", post(token))
        .route("/v1/things/{id}", get(api));
    format!("http://{}/v1", support::serve(app).await)
}

#[tokio::test]
async fn no_secret_reaches_any_output_of_failing_runs() {
    let captured = Captured::default();
    tracing::subscriber::set_global_default(TraceCapture {
        out: captured.clone(),
        next_id: AtomicU64::new(1),
    })
    .expect("the only subscriber of this binary");
    log::set_logger(Box::leak(Box::new(LogCapture(captured.clone())))).expect("the only logger");
    log::set_max_level(log::LevelFilter::Trace);

    let sandbox = Sandbox::new()
        .fault(
            FaultRule::new(echo(&[API_KEY, API_TOKEN]))
                .method("POST")
                .path("/v1/sims/*/register"),
        )
        .fault(
            FaultRule::new(echo(&[AUTH_KEY_ID, PASSWORD]))
                .path("/v1/auth")
                .nth(1),
        )
        .fault(
            FaultRule::new(echo(&[BEARER]))
                .path("/sps/v5/subscription/activate")
                .nth(1),
        )
        .fault(FaultRule::new(Fault::Drop).path("/v1/groups").nth(1))
        .fault(FaultRule::new(Fault::Hang).path("/v1/groups").nth(2))
        .start()
        .await
        .expect("sandbox");
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let client = Client::builder()
        .server("simApi", sandbox.base_url())
        .server("sandbox", sandbox.base_url())
        .server("spsApi", sandbox.sps_base_url())
        .server("keyed", sandbox.base_url())
        .api_key("api_key", API_KEY)
        .api_key("api_token", API_TOKEN)
        .api_key("query_key", QUERY_KEY)
        .bearer("bearerAuth", BEARER)
        .timeout(Duration::from_millis(300))
        .on_step(move |e| {
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!("{e:?}"))
        })
        .build()
        .expect("client");

    let mut printed = format!("{client:?}\n");
    let mut print = |what: &dyn Debug, display: String| {
        printed.push_str(&format!("{what:?}\n{display}\n"));
    };

    // An API-key pair, echoed back by the server.
    let error = register_and_activate_sim(
        &client,
        RegisterAndActivateSimInputs {
            sim_id: SIM_1.sim_id.into(),
            registration_secret: SIM_1.registration_secret.into(),
            group_id: GROUP_SENSORS.group_id.into(),
        },
    )
    .await
    .expect_err("rejected");
    print(&error, error.to_string());
    assert!(error.to_string().contains("[redacted]"), "{error}");

    // A `format: password` input, echoed back.
    let inputs = fixture::SignInInputs {
        auth_key_id: AUTH_KEY_ID.into(),
        auth_key: PASSWORD.into(),
    };
    print(&inputs, String::new());
    let error = fixture::sign_in(&client, inputs)
        .await
        .expect_err("rejected");
    print(&error, error.to_string());
    assert_eq!(error.status(), Some(400));
    assert!(error.to_string().contains("[redacted]"), "{error}");
    assert!(
        error.to_string().contains(AUTH_KEY_ID),
        "only secrets are masked: {error}"
    );

    // A bearer token, echoed back.
    let error = activate_subscription(
        &client,
        ActivateSubscriptionInputs {
            partner_transaction_id: "txn-secret-1".into(),
            subscriber_id: "sub-secret-1".into(),
            wholesale_plan_id: "plan".into(),
            location: serde_json::json!({"city": "London"}),
            iccid: None,
            gpsi: None,
            gpsi_reservation_id: None,
            pei: None,
            eid: None,
            e_sim_delivery_method: None,
            bill_cycle_start_day: None,
            bucket_ref_id: None,
            products: None,
            wholesale_customer_id: Some("920000108464".into()),
            correlation_id: None,
        },
    )
    .await
    .expect_err("rejected");
    print(&error, error.to_string());
    assert_eq!(error.status(), Some(400));

    // A key in the query string, on a dropped connection and on a timeout: transport errors
    // must not carry the URL.
    for expected in ["drop", "timeout"] {
        let mut request = StepRequest::new(&client, &QUERY_KEYED, "keyed", expected);
        request.query_param("tag_value", &serde_json::json!("x"));
        let error = request.send().await.err().expect("no response");
        print(&error, error.to_string());
        assert!(error.is_transport(), "{expected}: {error:?}");
    }

    // OAuth 2.0: a client secret, a password and a refresh token quoted by the token endpoint,
    // an access token quoted by the API.
    let oauth = Client::builder()
        .server("vault", careless_oauth_server().await)
        .oauth2_client_credentials("machine", "vault-client", CLIENT_SECRET)
        .oauth2_password(
            "owner",
            "ada",
            OWNER_PASSWORD,
            "vault-client",
            Some(CLIENT_SECRET.into()),
        )
        .oauth2_refresh_token("delegated", GIVEN_REFRESH, "vault-client", None)
        .build()
        .expect("client");
    printed.push_str(&format!("{oauth:?}\n"));
    let error = vault::read_thing(&oauth, vault::ReadThingInputs { id: "a".into() })
        .await
        .expect_err("rejected");
    assert_eq!(error.status(), Some(400));
    assert!(error.to_string().contains("[redacted]"), "{error}");
    printed.push_str(&format!("{error:?}\n{error}\n"));
    let error = vault::read_profile(&oauth, vault::ReadProfileInputs {})
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    assert!(error.to_string().contains("[redacted]"), "{error}");
    printed.push_str(&format!("{error:?}\n{error}\n"));
    let error = vault::read_archive(&oauth, vault::ReadArchiveInputs {})
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    assert!(error.to_string().contains("[redacted]"), "{error}");
    printed.push_str(&format!("{error:?}\n{error}\n"));

    let events = events.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
    let traced = captured.text();
    // The capture works: the runtime's spans and the transport's own records are in it.
    for needle in [
        "span arazzo.workflow",
        "span arazzo.step",
        "registerSim",
        "span arazzo.oauth.token",
    ] {
        assert!(
            traced.contains(needle),
            "`{needle}` not captured:\n{traced}"
        );
    }
    assert!(traced.contains("log "), "no log record captured:\n{traced}");
    assert!(events.contains("registerSim"), "{events}");

    let everything = format!("{printed}\n{events}\n{traced}");
    for secret in [
        API_KEY,
        API_TOKEN,
        BEARER,
        PASSWORD,
        QUERY_KEY,
        CLIENT_SECRET,
        OWNER_PASSWORD,
        ACCESS_TOKEN,
        ISSUED_REFRESH,
        GIVEN_REFRESH,
    ] {
        assert!(
            !everything.contains(secret),
            "`{secret}` leaked:\n{}",
            everything
                .lines()
                .filter(|l| l.contains(secret))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // What was sent did carry them, where they belong.
    let sent = sandbox.requests();
    assert!(
        sent.iter()
            .any(|r| r.header("x-soracom-api-key") == Some(API_KEY))
    );
    assert!(
        sent.iter()
            .any(|r| r.query.as_deref().is_some_and(|q| q.contains(QUERY_KEY)))
    );
    assert!(
        sent.iter()
            .any(|r| r.json().is_some_and(|b| b["authKey"] == PASSWORD))
    );
}
