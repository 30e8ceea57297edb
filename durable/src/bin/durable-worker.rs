//! Serves the durable workflows of `arazzo-durable` to a Restate server.
//!
//! ```text
//! ARAZZO_WORKER_ADDR=127.0.0.1:9080 \
//! SORACOM_API_ENDPOINT=http://127.0.0.1:8081/v1 SORACOM_API_KEY=… SORACOM_API_TOKEN=… \
//! SPS_ENDPOINT=http://127.0.0.1:8081/sps/v5 SPS_TOKEN=… \
//!     cargo run -p arazzo-durable --bin durable-worker
//! ```
//!
//! then register it once: `curl -X POST http://127.0.0.1:9070/deployments -H 'content-type:
//! application/json' -d '{"uri": "http://127.0.0.1:9080"}'`. `ARAZZO_CORRELATION_HEADER` names
//! the header carrying each run's correlation id (none by default).

use std::env;
use std::error::Error;
use std::net::SocketAddr;

use arazzo_runtime::Client;
use arazzo_runtime::restate;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let addr: SocketAddr = env::var("ARAZZO_WORKER_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:9080".to_owned())
        .parse()?;
    let mut builder = Client::builder();
    if let Ok(endpoint) = env::var("SORACOM_API_ENDPOINT") {
        builder = builder.server("simApi", endpoint);
    }
    if let Ok(endpoint) = env::var("SPS_ENDPOINT") {
        builder = builder.server("spsApi", endpoint);
    }
    if let Ok(key) = env::var("SORACOM_API_KEY") {
        builder = builder.api_key("api_key", key);
    }
    if let Ok(token) = env::var("SORACOM_API_TOKEN") {
        builder = builder.api_key("api_token", token);
    }
    if let Ok(token) = env::var("SPS_TOKEN") {
        builder = builder.bearer("bearerAuth", token);
    }
    if let Ok(header) = env::var("ARAZZO_CORRELATION_HEADER") {
        builder = builder.correlation_header(header);
    }
    let client = builder.build()?;
    let endpoint = arazzo_durable::endpoint(&client)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("durable-worker listening on {addr}");
    restate::serve(endpoint, listener).await;
    Ok(())
}
