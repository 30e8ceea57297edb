//! The client's transport safeguards, against raw HTTP servers on loopback: redirects to another
//! origin are not followed (API-key headers would go with them), and the response size cap holds
//! whether or not the server announces a length.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use arazzo_runtime::__private::{Operation, StepRequest};
use arazzo_runtime::{ApiKeyLocation, Client, Error, SecurityScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves every connection with `respond(request_head)`, counting requests, until dropped.
async fn serve(
    ip: &str,
    respond: impl Fn(&str) -> String + Send + Sync + 'static,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind((ip, 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let respond = respond.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let answer = respond(&String::from_utf8_lossy(&head));
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (addr, count)
}

static GET_THING: Operation = Operation {
    source: "api",
    default_server: "http://127.0.0.1:9/",
    id: "getThing",
    method: "GET",
    path: "/thing",
    security: &[&[SecurityScheme::ApiKey {
        scheme: "key",
        location: ApiKeyLocation::Header,
        parameter: "X-Api-Key",
    }]],
};

fn client(server: SocketAddr, max_body: usize) -> Client {
    Client::builder()
        .server("api", format!("http://{server}"))
        .api_key("key", "top-secret-key")
        .max_response_bytes(max_body)
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let (elsewhere, elsewhere_hits) = serve("127.0.0.2", |_| {
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".to_owned()
    })
    .await;
    let (origin, _) = serve("127.0.0.1", move |_| {
        format!("HTTP/1.1 302 Found\r\nlocation: http://{elsewhere}/steal\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    })
    .await;

    let client = client(origin, 1024);
    let response = StepRequest::new(&client, &GET_THING, "w", "s")
        .send()
        .await
        .expect("the redirect itself is the response");
    assert_eq!(response.status(), 302);
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "the API key left for another host"
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_key() {
    let (origin, hits) = serve("127.0.0.1", |head| {
        if head.starts_with("GET /thing ") {
            "HTTP/1.1 302 Found\r\nlocation: /moved\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned()
        } else if head.to_ascii_lowercase().contains("x-api-key: top-secret-key") {
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".to_owned()
        } else {
            "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned()
        }
    })
    .await;
    let client = client(origin, 1024);
    let response = StepRequest::new(&client, &GET_THING, "w", "s")
        .send()
        .await
        .expect("followed");
    assert_eq!(response.status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_body_cap_holds_with_and_without_a_content_length() {
    let body = "x".repeat(100);
    let announced =
        format!("HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{body}");
    let unannounced = format!("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{body}");
    for answer in [announced, unannounced] {
        let (server, _) = serve("127.0.0.1", move |_| answer.clone()).await;
        let err = StepRequest::new(&client(server, 10), &GET_THING, "w", "s")
            .send()
            .await
            .err()
            .expect("too large");
        assert!(
            matches!(
                err,
                Error::BodyTooLarge {
                    status: 200,
                    limit: 10,
                    ..
                }
            ),
            "{err:?}"
        );

        let ok = StepRequest::new(&client(server, 100), &GET_THING, "w", "s")
            .send()
            .await
            .expect("fits exactly");
        assert_eq!(ok.status(), 200);
    }
}
