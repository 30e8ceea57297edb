//! The default client honours the system's proxy settings (`HTTP_PROXY` here): a workflow's
//! requests go to the proxy, in absolute form, for a host that needs no name resolution because
//! only the proxy ever sees it.
//!
//! Its own test binary: it sets process environment variables.

use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, Error};
use arazzo_sandbox::fixtures::{GROUP_SENSORS, SIM_1};
use arazzo_workflows::soracom_sim::{RegisterAndActivateSimInputs, register_and_activate_sim};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test]
async fn requests_go_through_the_system_proxy() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let proxy = listener.local_addr().expect("addr");
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let line = String::from_utf8_lossy(&head)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            log.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            let body = r#"{"code":"PROXY","message":"answered by the proxy"}"#;
            let answer = format!(
                "HTTP/1.1 502 Bad Gateway\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });

    // SAFETY: this binary's only test sets these before it builds a client or starts a thread
    // of its own; the runtime of this test is single-threaded.
    unsafe {
        std::env::set_var("HTTP_PROXY", format!("http://{proxy}"));
        std::env::remove_var("http_proxy");
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let client = Client::builder()
        .server("simApi", "http://api.soracom.invalid/v1")
        .api_key("api_key", "proxy-test-key")
        .api_key("api_token", "proxy-test-token")
        .build()
        .expect("client");
    let error = register_and_activate_sim(
        &client,
        RegisterAndActivateSimInputs {
            sim_id: SIM_1.sim_id.into(),
            registration_secret: SIM_1.registration_secret.into(),
            group_id: GROUP_SENSORS.group_id.into(),
        },
    )
    .await
    .expect_err("the proxy answers 502");
    assert!(
        matches!(error, Error::CriterionFailed { status: 502, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("answered by the proxy"),
        "{error}"
    );
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(
        seen,
        vec![format!(
            "POST http://api.soracom.invalid/v1/sims/{}/register HTTP/1.1",
            SIM_1.sim_id
        )]
    );
}
