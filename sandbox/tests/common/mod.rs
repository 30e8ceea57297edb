//! Helpers shared by the integration tests: a reqwest client that talks to
//! one sandbox with or without credentials.

#![allow(dead_code)]

use arazzo_sandbox::{SandboxHandle, fixtures};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// A client bound to one sandbox, optionally carrying an API key / token.
pub struct Api {
    pub client: Client,
    pub base: String,
    pub credentials: Option<(String, String)>,
}

/// A response's status and its body parsed as JSON (`Null` when empty).
pub struct Reply {
    pub status: StatusCode,
    pub text: String,
    pub json: Value,
}

impl Api {
    /// A client without credentials.
    pub fn anonymous(sandbox: &SandboxHandle) -> Self {
        Self {
            client: Client::new(),
            base: sandbox.base_url(),
            credentials: None,
        }
    }

    /// A client that logged in through `POST /v1/auth` with the fixture key.
    pub async fn logged_in(sandbox: &SandboxHandle) -> Self {
        let mut api = Self::anonymous(sandbox);
        let reply = api
            .send(
                Method::POST,
                "/auth",
                Some(json!({"authKeyId": fixtures::AUTH_KEY_ID, "authKey": fixtures::AUTH_KEY})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let key = reply.json["apiKey"].as_str().expect("apiKey").to_owned();
        let token = reply.json["token"].as_str().expect("token").to_owned();
        api.credentials = Some((key, token));
        api
    }

    /// Sends `method` to `base + path` with an optional JSON body.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.send_with(method, path, body, &[]).await
    }

    /// Like [`send`](Self::send), with extra headers.
    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some((key, token)) = &self.credentials {
            request = request
                .header("X-Soracom-API-Key", key)
                .header("X-Soracom-Token", token);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(&body).expect("serialisable"));
        }
        let response = request.send().await.expect("request reaches the sandbox");
        let status = response.status();
        let text = response.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        Reply { status, text, json }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    /// A POST without a body (activate, deactivate, unset_group).
    pub async fn post_empty(&self, path: &str) -> Reply {
        self.send(Method::POST, path, None).await
    }
}

/// Asserts the reply is a Soracom-style error with `status` and `code`.
pub fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.json["code"], code, "{}", reply.text);
    assert!(reply.json["message"].is_string(), "{}", reply.text);
}
