//! A Restate server on 127.0.0.1, on free ports, in a temporary directory, stopped when
//! dropped (the durable crate's tests and bench and the root crate's fleet example share it).

#![allow(dead_code)] // each user takes part of it

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use arazzo_runtime::restate;

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A Restate server (the version `scripts/install-restate-server.sh` pins).
pub struct RestateServer {
    child: Child,
    /// Its data: journals, state, logs of the partitions.
    pub base_dir: tempfile::TempDir,
    /// Where its own console output goes.
    _log_dir: tempfile::TempDir,
    pub ingress: String,
    pub admin: String,
}

/// The stores whose files are written uncompressed, so that searching the bytes of the data
/// directory finds what Restate stored.
const UNCOMPRESSED: [&str; 4] = [
    "WORKER__STORAGE",
    "BIFROST__LOCAL",
    "LOG_SERVER",
    "METADATA_SERVER",
];

/// The server's own executable, not npm's `.bin/restate-server` launcher: the launcher runs it
/// as a child process, which killing the launcher would leave running after the test.
fn server_binary() -> PathBuf {
    // `.restate/` is at the repository's root: the package's folder or the one above it.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let packages = manifest
        .ancestors()
        .take(2)
        .map(|dir| dir.join(".restate/node_modules/@restatedev"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| manifest.join(".restate/node_modules/@restatedev"));
    let found = std::fs::read_dir(&packages).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.starts_with("restate-server-")
            })
            .map(|entry| entry.path().join("bin/restate-server"))
            .find(|bin| bin.exists())
    });
    match found {
        Some(bin) => bin,
        None => panic!(
            "no Restate server under {}: run scripts/install-restate-server.sh once",
            packages.display()
        ),
    }
}

impl RestateServer {
    pub async fn start() -> Self {
        let base_dir = tempfile::tempdir().expect("base dir");
        let log_dir = tempfile::tempdir().expect("log dir");
        let (node, admin, ingress) = (free_port(), free_port(), free_port());
        let log = std::fs::File::create(log_dir.path().join("restate.log")).expect("log file");
        let child = Command::new(server_binary())
            .arg("--base-dir")
            .arg(base_dir.path())
            .args(["--listen-mode", "tcp", "--no-logo"])
            .env("RESTATE_BIND_ADDRESS", format!("127.0.0.1:{node}"))
            .env(
                "RESTATE_ADVERTISED_ADDRESS",
                format!("http://127.0.0.1:{node}"),
            )
            .env("RESTATE_ADMIN__BIND_ADDRESS", format!("127.0.0.1:{admin}"))
            .env(
                "RESTATE_INGRESS__BIND_ADDRESS",
                format!("127.0.0.1:{ingress}"),
            )
            .env("RESTATE_DISABLE_TELEMETRY", "true")
            .env("RESTATE_DEFAULT_NUM_PARTITIONS", "2")
            .env("RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE", "256MiB")
            .env("RESTATE_LOG_DISABLE_ANSI_CODES", "true")
            .envs(UNCOMPRESSED.iter().map(|section| {
                (
                    format!("RESTATE_{section}__ROCKSDB_DISABLE_WAL_COMPRESSION"),
                    "true",
                )
            }))
            .envs(UNCOMPRESSED.iter().map(|section| {
                (
                    format!("RESTATE_{section}__ROCKSDB_DISABLE_L0_L1_COMPRESSION"),
                    "true",
                )
            }))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start restate-server");
        let server = Self {
            child,
            base_dir,
            _log_dir: log_dir,
            ingress: format!("http://127.0.0.1:{ingress}"),
            admin: format!("http://127.0.0.1:{admin}"),
        };
        wait_for_ok(&format!("{}/health", server.admin)).await;
        wait_for_ok(&format!("{}/restate/health", server.ingress)).await;
        server
    }

    pub fn ingress(&self) -> restate::Ingress {
        restate::Ingress::new(&self.ingress)
    }

    /// Registers the worker listening on `worker`.
    pub async fn register(&self, worker: SocketAddr) {
        restate::register(&self.admin, &format!("http://{worker}"), false)
            .await
            .expect("deployment registered");
    }

    /// Stops the server at once (SIGKILL): what it wrote stays as it was.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether any file under the server's base directory contains `needle`.
    pub fn data_contains(&self, needle: &[u8]) -> bool {
        files(self.base_dir.path()).iter().any(|file| {
            std::fs::read(file).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        })
    }
}

impl Drop for RestateServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

async fn wait_for_ok(url: &str) {
    let http = arazzo_runtime::reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = http.get(url).send().await
            && response.status().is_success()
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{url} did not answer 200 within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
