//! A stateful, in-process fake of the Soracom SIM, Subscriber, Group and Auth
//! API, served over real HTTP on loopback. Tests, examples and benchmarks of
//! the Arazzo workflow compiler point generated clients at
//! [`SandboxHandle::base_url`] instead of `https://api.soracom.io/v1`.
//!
//! The same server also fakes the wholesale SPS Subscriptions (v5) API under
//! [`SandboxHandle::sps_base_url`] (`/sps/v5`): see [`sps`].
//!
//! Every sandbox starts with the data in [`fixtures`] and keeps its own state,
//! so parallel tests each start their own.
//!
//! A state-changing request sent again with the same [`CORRELATION_ID_HEADER`]
//! (`X-Correlation-Id`), method, path and body as an earlier successful one gets
//! that request's answer again and changes nothing, as an idempotency key would
//! (a client that lost the connection mid-request can safely send it again);
//! [`RecordedRequest::replayed`] marks such answers in the request log.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use arazzo_sandbox::fixtures;
//!
//! let sandbox = arazzo_sandbox::start().await?;
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! let (api_key, token) = sandbox.issue_credentials();
//! assert!(api_key.starts_with("api-") && !token.is_empty());
//! let sim = sandbox.sim(fixtures::SIM_1.sim_id).expect("seeded");
//! assert_eq!(sim["status"], "unregistered");
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! See the crate's README for the routes, the fixtures and the behaviour
//! decisions.

#![warn(missing_docs)]

mod auth;
pub mod error;
mod extract;
mod faults;
pub mod fixtures;
mod idempotency;
mod random;
mod record;
mod routes;
mod server;
mod shared;
pub mod sps;
mod state;
mod views;

use std::io;
use std::net::SocketAddr;

pub use auth::{API_KEY_HEADER, TOKEN_HEADER};
pub use error::ApiError;
pub use faults::{Fault, FaultRule};
pub use idempotency::CORRELATION_ID_HEADER;
pub use record::{MAX_BODY_BYTES, RecordedRequest};
pub use server::{Sandbox, SandboxHandle};
pub use sps::{ACCESS_TOKEN as SPS_ACCESS_TOKEN, SpsOutcome};

/// Starts the sandbox on 127.0.0.1:0 in the current tokio runtime.
pub async fn start() -> io::Result<SandboxHandle> {
    Sandbox::new().start().await
}

/// Same, on a chosen address (used by the binary's `--port`).
pub async fn start_on(addr: SocketAddr) -> io::Result<SandboxHandle> {
    Sandbox::new().bind(addr).start().await
}
