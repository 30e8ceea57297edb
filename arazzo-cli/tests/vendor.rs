//! `arazzo vendor` against a small HTTP server on 127.0.0.1, then `arazzo check` with that
//! server stopped: the build reads the locked copies and never the network.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, PoisonError};

use arazzo_codegen::lock::{Lock, sha256_hex};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// What the server answers at a path.
#[derive(Clone)]
enum Reply {
    File(String),
    RedirectTo(String),
}

type Files = Arc<Mutex<HashMap<String, Reply>>>;

/// An HTTP server on 127.0.0.1 serving `files`, which a test may change while it runs.
struct Server {
    addr: SocketAddr,
    files: Files,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(files: &[(&str, Reply)]) -> Self {
        let files: Files = Arc::new(Mutex::new(
            files
                .iter()
                .map(|(path, reply)| ((*path).to_owned(), reply.clone()))
                .collect(),
        ));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("an address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = files.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
                let app = axum::Router::new().fallback(move |uri: Uri| {
                    let reply = served
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .get(uri.path())
                        .cloned();
                    async move { answer(reply) }
                });
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("the server runs");
            });
        });
        Self {
            addr,
            files,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn set(&self, path: &str, reply: Reply) {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_owned(), reply);
    }

    /// Stops the server and proves it: nothing accepts a connection at its address any more.
    fn stop(mut self) {
        self.shut_down();
        assert!(
            TcpStream::connect(self.addr).is_err(),
            "the server still accepts connections"
        );
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn answer(reply: Option<Reply>) -> Response {
    match reply {
        Some(Reply::File(text)) => {
            ([(header::CONTENT_TYPE, "application/yaml")], text).into_response()
        }
        Some(Reply::RedirectTo(to)) => {
            (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// An OpenAPI description whose response schema is in another file, named by a relative `$ref`.
const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Sims, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /sims/{id}:
    get:
      operationId: getSim
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'schemas/sim.yml#/Sim'
        '404':
          description: none
          content:
            application/json:
              schema:
                $ref: 'schemas/sim.yml#/Sim'
        default:
          $ref: 'openapi.yml#/components/responses/Failure'
components:
  responses:
    Failure: {description: failure}
"#;

const SCHEMAS: &str = "Sim:\n  type: object\n  properties:\n    status: {type: string}\n";

/// An Arazzo document reading one SIM through the source description at `url`.
fn arazzo(url: &str) -> String {
    format!(
        r#"arazzo: 1.0.1
info: {{title: Sims, version: '1'}}
sourceDescriptions:
- name: sims
  type: openapi
  url: {url}
workflows:
- workflowId: read-sim
  inputs: {{type: object, properties: {{id: {{type: string}}}}}}
  steps:
  - stepId: read
    operationId: getSim
    parameters:
    - {{name: id, in: path, value: $inputs.id}}
    successCriteria: [{{condition: $statusCode == 200}}]
    outputs: {{status: $response.body#/status}}
  outputs: {{status: $steps.read.outputs.status}}
"#
    )
}

fn sim_server() -> Server {
    Server::start(&[
        ("/api/openapi.yml", Reply::File(OPENAPI.to_owned())),
        ("/api/schemas/sim.yml", Reply::File(SCHEMAS.to_owned())),
    ])
}

fn arazzo_cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arazzo"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the arazzo binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn read_lock(dir: &Path) -> Lock {
    let text = std::fs::read_to_string(dir.join("arazzo.lock")).expect("a lock file");
    Lock::parse(&text).expect("a valid lock file")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("written");
}

#[test]
fn vendored_sources_check_without_the_server_and_edits_or_missing_entries_are_errors() {
    let server = sim_server();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = server.url("/api/openapi.yml");
    write(dir.path(), "w.arazzo.yml", &arazzo(&url));

    let vendored = arazzo_cli(dir.path(), &["vendor", "w.arazzo.yml"]);
    assert_eq!(vendored.status.code(), Some(0), "{}", text(&vendored));

    // The lock names the description and the file its relative `$ref`s reach (a url too, each
    // file once; a `$ref` into the description itself by its own name is no other file).
    let lock = read_lock(dir.path());
    let schemas_url = server.url("/api/schemas/sim.yml");
    let urls: Vec<&str> = lock.files.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls, [url.as_str(), schemas_url.as_str()]);
    let port = server.addr.port();
    for (entry, served) in lock.files.iter().zip([OPENAPI, SCHEMAS]) {
        assert_eq!(entry.sha256, sha256_hex(served.as_bytes()));
        let copy = std::fs::read_to_string(dir.path().join(&entry.path)).expect("the copy");
        assert_eq!(copy, served);
        // RFC 3339, UTC: `2026-01-02T03:04:05Z`.
        let fetched = entry.fetched.as_bytes();
        assert_eq!(
            (fetched.len(), fetched[4], fetched[10], fetched[19]),
            (20, b'-', b'T', b'Z'),
            "{}",
            entry.fetched
        );
    }
    assert_eq!(
        lock.files[0].path,
        format!("arazzo-vendor/http/127.0.0.1_{port}/api/openapi.yml")
    );
    assert_eq!(lock.files[0].refs, std::slice::from_ref(&schemas_url));

    server.stop();
    let checked = arazzo_cli(dir.path(), &["check", "w.arazzo.yml"]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
    assert!(text(&checked).contains("no errors"), "{}", text(&checked));

    // An edit to a file the description refers to breaks its recorded hash.
    let schemas_copy = dir.path().join(&lock.files[1].path);
    std::fs::write(&schemas_copy, SCHEMAS.replace("status", "state")).expect("edited");
    let edited = arazzo_cli(dir.path(), &["check", "w.arazzo.yml"]);
    assert_eq!(edited.status.code(), Some(1), "{}", text(&edited));
    assert!(
        text(&edited).contains(&format!(
            "w.arazzo.yml:6:8: error: `arazzo-vendor/http/127.0.0.1_{port}/api/schemas/sim.yml`, the vendored copy of `{schemas_url}`, does not match its SHA-256 in `arazzo.lock`"
        )),
        "{}",
        text(&edited)
    );
    std::fs::write(&schemas_copy, SCHEMAS).expect("restored");

    // A url the lock does not list: the error says which command fetches it.
    let mut without = lock.clone();
    without.files.retain(|e| e.url != url);
    write(dir.path(), "arazzo.lock", &without.to_text());
    let unlisted = arazzo_cli(dir.path(), &["check", "w.arazzo.yml"]);
    assert_eq!(unlisted.status.code(), Some(1), "{}", text(&unlisted));
    assert!(
        text(&unlisted).contains(&format!(
            "w.arazzo.yml:6:8: error: source description `sims` is remote (`{url}`) and `arazzo.lock` does not list it; the build never downloads\n  = help: run `arazzo vendor w.arazzo.yml` to download it once and lock it"
        )),
        "{}",
        text(&unlisted)
    );
}

#[test]
fn a_remote_arazzo_source_is_vendored_with_the_descriptions_it_names() {
    // The imported document names its description by a relative url, resolved against the url
    // of the document (Arazzo 1.0.1, "Relative References in URLs"), so a remote one.
    let jobs = arazzo("../api/openapi.yml");
    let server = Server::start(&[
        ("/flows/sims.arazzo.yml", Reply::File(jobs)),
        ("/api/openapi.yml", Reply::File(OPENAPI.to_owned())),
        ("/api/schemas/sim.yml", Reply::File(SCHEMAS.to_owned())),
    ]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let document = format!(
        r#"arazzo: 1.0.1
info: {{title: Calls, version: '1'}}
sourceDescriptions:
- name: simFlows
  type: arazzo
  url: {}
workflows:
- workflowId: status-of
  inputs: {{type: object, properties: {{id: {{type: string}}}}}}
  steps:
  - stepId: call
    workflowId: $sourceDescriptions.simFlows.read-sim
    parameters:
    - {{name: id, value: $inputs.id}}
    outputs: {{status: $outputs.status}}
  outputs: {{status: $steps.call.outputs.status}}
"#,
        server.url("/flows/sims.arazzo.yml")
    );
    write(dir.path(), "calls.arazzo.yml", &document);

    let vendored = arazzo_cli(dir.path(), &["vendor", "calls.arazzo.yml"]);
    assert_eq!(vendored.status.code(), Some(0), "{}", text(&vendored));
    let lock = read_lock(dir.path());
    assert_eq!(lock.files.len(), 3, "{lock:?}");

    server.stop();
    let checked = arazzo_cli(dir.path(), &["check", "calls.arazzo.yml"]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
    let expanded = arazzo_cli(dir.path(), &["expand", "calls.arazzo.yml"]);
    assert!(
        String::from_utf8_lossy(&expanded.stdout).contains("pub mod sim_flows"),
        "{}",
        text(&expanded)
    );
}

#[test]
fn remote_sources_of_a_local_imported_document_go_into_the_lock_of_the_importing_one() {
    let server = sim_server();
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir_all(dir.path().join("lib")).expect("a folder");
    write(
        dir.path(),
        "lib/sims.arazzo.yml",
        &arazzo(&server.url("/api/openapi.yml")),
    );
    let main = r#"arazzo: 1.0.1
info: {title: Main, version: '1'}
sourceDescriptions:
- name: simFlows
  type: arazzo
  url: lib/sims.arazzo.yml
workflows:
- workflowId: status-of
  steps:
  - stepId: call
    workflowId: $sourceDescriptions.simFlows.read-sim
    parameters:
    - {name: id, value: s-1}
    outputs: {status: $outputs.status}
  outputs: {status: $steps.call.outputs.status}
"#;
    write(dir.path(), "main.arazzo.yml", main);
    let vendored = arazzo_cli(dir.path(), &["vendor", "main.arazzo.yml"]);
    assert_eq!(vendored.status.code(), Some(0), "{}", text(&vendored));
    assert_eq!(read_lock(dir.path()).files.len(), 2);
    assert!(!dir.path().join("lib/arazzo.lock").exists());

    server.stop();
    let checked = arazzo_cli(dir.path(), &["check", "main.arazzo.yml"]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));
}

#[test]
fn vendor_check_compares_with_the_server_and_writes_nothing() {
    let server = sim_server();
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(
        dir.path(),
        "w.arazzo.yml",
        &arazzo(&server.url("/api/openapi.yml")),
    );
    let vendored = arazzo_cli(dir.path(), &["vendor", "w.arazzo.yml"]);
    assert_eq!(vendored.status.code(), Some(0), "{}", text(&vendored));
    let locked = std::fs::read_to_string(dir.path().join("arazzo.lock")).expect("a lock");

    let same = arazzo_cli(dir.path(), &["vendor", "--check", "w.arazzo.yml"]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));

    server.set(
        "/api/schemas/sim.yml",
        Reply::File(SCHEMAS.replace("string", "integer")),
    );
    let changed = arazzo_cli(dir.path(), &["vendor", "--check", "w.arazzo.yml"]);
    assert_eq!(changed.status.code(), Some(1), "{}", text(&changed));
    assert!(
        text(&changed).contains(&format!(
            "{}: changed on the server since",
            server.url("/api/schemas/sim.yml")
        )),
        "{}",
        text(&changed)
    );
    let after = std::fs::read_to_string(dir.path().join("arazzo.lock")).expect("a lock");
    assert_eq!(after, locked, "--check wrote the lock file");
}

#[test]
fn redirects_are_followed_a_few_times_and_only_to_http() {
    let server = sim_server();
    server.set(
        "/moved.yml",
        Reply::RedirectTo("/api/openapi.yml".to_owned()),
    );
    server.set("/loop.yml", Reply::RedirectTo("/loop.yml".to_owned()));
    let dir = tempfile::tempdir().expect("a temporary directory");

    // A redirect is followed; the lock keeps the url the document wrote.
    let moved = server.url("/moved.yml");
    write(dir.path(), "moved.arazzo.yml", &arazzo(&moved));
    let vendored = arazzo_cli(dir.path(), &["vendor", "moved.arazzo.yml"]);
    assert_eq!(vendored.status.code(), Some(0), "{}", text(&vendored));
    // The copy sits where the url it came from mirrors, so the relative `$ref` in it (resolved
    // against that url, RFC 3986 5.1.3) finds its neighbour.
    let lock = read_lock(dir.path());
    let entry = lock.entry(&moved).expect("the url as written is locked");
    let port = server.addr.port();
    assert_eq!(
        entry.path,
        format!("arazzo-vendor/http/127.0.0.1_{port}/api/openapi.yml")
    );
    assert!(lock.entry(&server.url("/api/schemas/sim.yml")).is_some());

    // A loop is not followed for ever.
    write(
        dir.path(),
        "loop.arazzo.yml",
        &arazzo(&server.url("/loop.yml")),
    );
    let looped = arazzo_cli(dir.path(), &["vendor", "loop.arazzo.yml"]);
    assert_eq!(looped.status.code(), Some(1), "{}", text(&looped));
    assert!(
        text(&looped).contains("more than 5 redirects"),
        "{}",
        text(&looped)
    );

    // Nor one that leaves http(s).
    server.set(
        "/ftp.yml",
        Reply::RedirectTo("ftp://127.0.0.1/openapi.yml".to_owned()),
    );
    write(
        dir.path(),
        "ftp.arazzo.yml",
        &arazzo(&server.url("/ftp.yml")),
    );
    let ftp = arazzo_cli(dir.path(), &["vendor", "ftp.arazzo.yml"]);
    assert_eq!(ftp.status.code(), Some(1), "{}", text(&ftp));
    assert!(
        text(&ftp).contains("redirected to `ftp://127.0.0.1/openapi.yml`, which is not http(s)"),
        "{}",
        text(&ftp)
    );
}

#[test]
fn a_reference_to_a_file_that_is_not_http_is_refused_and_nothing_is_written() {
    let server = Server::start(&[(
        "/api/openapi.yml",
        Reply::File(OPENAPI.replace("schemas/sim.yml#/Sim", "file:///etc/passwd#/Sim")),
    )]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(
        dir.path(),
        "w.arazzo.yml",
        &arazzo(&server.url("/api/openapi.yml")),
    );
    let vendored = arazzo_cli(dir.path(), &["vendor", "w.arazzo.yml"]);
    assert_eq!(vendored.status.code(), Some(1), "{}", text(&vendored));
    assert!(
        text(&vendored).contains("refers to `file:///etc/passwd`, which is not http(s)"),
        "{}",
        text(&vendored)
    );
    assert!(!dir.path().join("arazzo.lock").exists());
    assert!(!dir.path().join("arazzo-vendor").exists());
}

#[test]
fn a_document_without_remote_sources_gets_no_lock_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(dir.path(), "openapi.yml", OPENAPI);
    write(dir.path(), "w.arazzo.yml", &arazzo("openapi.yml"));
    let vendored = arazzo_cli(dir.path(), &["vendor", "w.arazzo.yml"]);
    assert_eq!(vendored.status.code(), Some(0), "{}", text(&vendored));
    assert!(
        text(&vendored).contains("nothing to lock"),
        "{}",
        text(&vendored)
    );
    assert!(!dir.path().join("arazzo.lock").exists());
}
