//! What several test binaries share: a server on 127.0.0.1, and one that records requests.

pub mod recorder;

use std::net::SocketAddr;

/// Serves `app` on a free port of 127.0.0.1 until the test's runtime stops; returns where.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}
