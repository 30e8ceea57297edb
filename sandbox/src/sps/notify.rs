//! Completion notifications: the transaction status body POSTed as JSON to
//! the configured callback URL, the way the real API announces completions
//! to the URL configured in its developer hub.

use std::time::Duration;

use axum::http::header;

use super::state::Notification;
use super::{CORRELATION_ID_HEADER, CUSTOMER_ID_HEADER};

/// How long one delivery may take before it is abandoned.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends notifications, or does nothing when no callback URL is configured.
#[derive(Debug)]
pub(crate) struct Notifier {
    target: Option<(String, reqwest::Client)>,
}

impl Notifier {
    /// A notifier for `url` (none: notifications are dropped).
    pub(crate) fn new(url: Option<&str>) -> Self {
        let Some(url) = url else {
            return Self { target: None };
        };
        // Callback receivers are usually local test servers, which a proxy
        // from the environment could not reach.
        let client = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .no_proxy()
            .build();
        match client {
            Ok(client) => Self {
                target: Some((url.to_owned(), client)),
            },
            Err(error) => {
                tracing::error!(%error, "arazzo-sandbox: no SPS callback client; notifications off");
                Self { target: None }
            }
        }
    }

    /// Delivers `notification` in the background, once: the real API's
    /// retry policy is not documented, and a test receiver is either up or
    /// the test fails anyway. Failures are logged, never surfaced.
    pub(crate) fn send(&self, notification: Notification) {
        let Some((url, client)) = &self.target else {
            return;
        };
        let Ok(body) = serde_json::to_vec(&notification.body) else {
            return;
        };
        let mut request = client
            .post(url)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body);
        // Headers the client sent travel with the notification so a receiver
        // can tie it to its request.
        let context = notification.context;
        for (name, value) in [
            (CORRELATION_ID_HEADER, context.correlation_id),
            (CUSTOMER_ID_HEADER, context.customer_id),
        ] {
            if let Some(value) = value {
                request = request.header(name, value);
            }
        }
        tokio::spawn(async move {
            match request.send().await {
                Ok(response) if response.status().is_success() => {}
                Ok(response) => {
                    tracing::warn!(status = %response.status(), "SPS callback refused");
                }
                Err(error) => tracing::warn!(%error, "SPS callback not delivered"),
            }
        });
    }
}
