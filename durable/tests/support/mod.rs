//! A Restate server and worker processes for the durable-run tests: everything on 127.0.0.1,
//! on free ports, in temporary directories, stopped when dropped.

#![allow(dead_code)] // each test file uses part of it

mod restate_server;

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use restate_server::{RestateServer, free_port};

/// The scenarios kill processes on a schedule: one at a time, so that a busy machine does not
/// blur which step a kill lands in.
pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A `durable-worker` process.
pub struct Worker {
    child: Child,
    pub addr: SocketAddr,
}

impl Worker {
    /// Starts a worker on `addr` with `env` (see the binary's documentation) and waits until it
    /// accepts connections.
    pub fn start(addr: SocketAddr, env: &[(&str, String)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_durable-worker"));
        command
            .env("ARAZZO_WORKER_ADDR", addr.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("start durable-worker");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "the worker did not listen on {addr}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, addr }
    }

    /// `kill -9`.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits until `done` holds, for `limit` at most.
pub async fn until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
