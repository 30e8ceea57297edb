//! Remote source descriptions at build time (what `arazzo_workflow!` runs): read from the copies
//! `arazzo vendor` recorded in `arazzo.lock`, checked against their SHA-256, never fetched.

use std::path::Path;

use arazzo_codegen::lock::{Entry, Lock, sha256_hex};
use arazzo_codegen::{Expansion, Options, expand};

const URL: &str = "https://api.example.com/v1/openapi.yml";
const SCHEMAS_URL: &str = "https://api.example.com/v1/schemas.yml";
const COPY: &str = "arazzo-vendor/https/api.example.com/v1/openapi.yml";
const SCHEMAS_COPY: &str = "arazzo-vendor/https/api.example.com/v1/schemas.yml";

const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Sims, version: '1'}
servers: [{url: 'https://api.example.com/v1'}]
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
              schema: {$ref: 'schemas.yml#/Sim'}
"#;

const SCHEMAS: &str = "Sim:\n  type: object\n  properties:\n    status: {type: string}\n";

/// An Arazzo document with one source description per url, each read by one workflow.
fn arazzo(urls: &[&str]) -> String {
    let mut text =
        "arazzo: 1.0.1\ninfo: {title: Sims, version: '1'}\nsourceDescriptions:\n".to_owned();
    for (i, url) in urls.iter().enumerate() {
        text.push_str(&format!("- name: sims{i}\n  type: openapi\n  url: {url}\n"));
    }
    text.push_str("workflows:\n");
    for i in 0..urls.len() {
        text.push_str(&format!(
            r#"- workflowId: read-sim-{i}
  steps:
  - stepId: read
    operationId: $sourceDescriptions.sims{i}.getSim
    parameters:
    - {{name: id, in: path, value: s-1}}
    outputs: {{status: $response.body#/status}}
  outputs: {{status: $steps.read.outputs.status}}
"#
        ));
    }
    text
}

fn entry(url: &str, path: &str, bytes: &str, refs: &[&str]) -> Entry {
    Entry {
        url: url.to_owned(),
        path: path.to_owned(),
        sha256: sha256_hex(bytes.as_bytes()),
        fetched: "2026-01-02T03:04:05Z".to_owned(),
        refs: refs.iter().map(|r| (*r).to_owned()).collect(),
    }
}

/// The lock `arazzo vendor` writes for [`URL`] and the file its `$ref` reaches.
fn lock() -> Lock {
    Lock {
        version: 1,
        files: vec![
            entry(URL, COPY, OPENAPI, &[SCHEMAS_URL]),
            entry(SCHEMAS_URL, SCHEMAS_COPY, SCHEMAS, &[]),
        ],
    }
}

/// A crate directory holding `files`, with the copies of [`URL`] and its `$ref` under `dir`.
fn project(dir: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temporary directory");
    let copies = [(COPY, OPENAPI), (SCHEMAS_COPY, SCHEMAS)];
    for (path, text) in copies.iter().map(|(p, t)| (format!("{dir}{p}"), *t)) {
        write(root.path(), &path, text);
    }
    for (path, text) in files {
        write(root.path(), path, text);
    }
    root
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("created");
    std::fs::write(path, text).expect("written");
}

fn messages(expansion: &Expansion) -> Vec<String> {
    expansion
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_remote_source_is_read_from_its_locked_copy_and_the_build_depends_on_it() {
    let dir = project(
        "",
        &[
            ("w.yml", &arazzo(&[URL])),
            ("arazzo.lock", &lock().to_text()),
        ],
    );
    let expansion = expand("w.yml", &Options::new(dir.path()));
    assert_eq!(messages(&expansion), Vec::<String>::new());
    assert!(!expansion.tokens.is_empty());
    for file in ["w.yml", "arazzo.lock", COPY, SCHEMAS_COPY] {
        assert!(
            expansion.files.contains(&dir.path().join(file)),
            "{file} not in {:?}",
            expansion.files
        );
    }
}

#[test]
fn an_edited_copy_is_an_error_at_the_url_that_names_it() {
    let dir = project(
        "",
        &[
            ("w.yml", &arazzo(&[URL])),
            ("arazzo.lock", &lock().to_text()),
        ],
    );
    write(dir.path(), COPY, &OPENAPI.replace("getSim", "readSim"));
    let expansion = expand("w.yml", &Options::new(dir.path()));
    assert_eq!(
        messages(&expansion),
        [format!(
            "w.yml:6:8: `{COPY}`, the vendored copy of `{URL}`, does not match its SHA-256 in `arazzo.lock`: it changed after it was fetched; restore it, or run `arazzo vendor w.yml` to download it again and update the lock"
        )]
    );
    assert!(expansion.tokens.is_empty());
}

#[test]
fn a_file_the_copy_refers_to_is_checked_too() {
    let dir = project(
        "",
        &[
            ("w.yml", &arazzo(&[URL])),
            ("arazzo.lock", &lock().to_text()),
        ],
    );
    std::fs::remove_file(dir.path().join(SCHEMAS_COPY)).expect("removed");
    let expansion = expand("w.yml", &Options::new(dir.path()));
    assert_eq!(
        messages(&expansion),
        [format!(
            "w.yml:6:8: cannot read `{SCHEMAS_COPY}`, the vendored copy of `{SCHEMAS_URL}`: no such file; run `arazzo vendor w.yml` to download it again"
        )]
    );
}

#[test]
fn a_url_without_a_lock_or_missing_from_it_names_the_command_that_downloads() {
    let other = "https://other.example/openapi.yml";
    let dir = project("", &[("flows/w.yml", &arazzo(&[other]))]);
    let expansion = expand("flows/w.yml", &Options::new(dir.path()));
    assert_eq!(
        messages(&expansion),
        [format!(
            "flows/w.yml:6:8: source description `sims0` is remote (`{other}`) and there is no `flows/arazzo.lock`; the build never downloads; run `arazzo vendor flows/w.yml` to download it once and lock it"
        )]
    );

    write(dir.path(), "flows/arazzo.lock", &lock().to_text());
    let expansion = expand("flows/w.yml", &Options::new(dir.path()));
    assert_eq!(
        messages(&expansion),
        [format!(
            "flows/w.yml:6:8: source description `sims0` is remote (`{other}`) and `flows/arazzo.lock` does not list it; the build never downloads; run `arazzo vendor flows/w.yml` to download it once and lock it"
        )]
    );
    assert!(
        expansion
            .files
            .contains(&dir.path().join("flows/arazzo.lock"))
    );
}

#[test]
fn a_lock_that_misses_a_referenced_file_is_incomplete() {
    let mut partial = lock();
    partial.files.retain(|e| e.url == URL);
    let dir = project(
        "",
        &[
            ("w.yml", &arazzo(&[URL])),
            ("arazzo.lock", &partial.to_text()),
        ],
    );
    let expansion = expand("w.yml", &Options::new(dir.path()));
    assert_eq!(
        messages(&expansion),
        [format!(
            "w.yml:6:8: `arazzo.lock` is incomplete: a file that `{URL}` refers to is not listed; run `arazzo vendor w.yml` to lock it again"
        )]
    );
}

#[test]
fn a_broken_lock_file_is_one_error_at_its_own_line_whatever_the_number_of_remote_sources() {
    let dir = project(
        "",
        &[
            ("w.yml", &arazzo(&[URL, "https://other.example/x.yml"])),
            ("arazzo.lock", "{\n  \"version\": 1,\n  \"files\": [}\n"),
        ],
    );
    let expansion = expand("w.yml", &Options::new(dir.path()));
    let found = messages(&expansion);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("arazzo.lock:3:13: not a lock file `arazzo vendor` wrote: "),
        "{found:?}"
    );

    let newer = lock().to_text().replace("\"version\": 1", "\"version\": 2");
    write(dir.path(), "arazzo.lock", &newer);
    let expansion = expand("w.yml", &Options::new(dir.path()));
    assert_eq!(
        messages(&expansion),
        ["arazzo.lock: lock file version 2 is not supported; expected 1"]
    );
}

#[test]
fn an_imported_document_uses_the_lock_beside_the_document_the_build_started_from() {
    let main = r#"arazzo: 1.0.1
info: {title: Main, version: '1'}
sourceDescriptions:
- name: simFlows
  type: arazzo
  url: ../library/sims.arazzo.yml
workflows:
- workflowId: status-of
  steps:
  - stepId: call
    workflowId: $sourceDescriptions.simFlows.read-sim-0
    outputs: {status: $outputs.status}
  outputs: {status: $steps.call.outputs.status}
"#;
    let dir = project(
        "flows/",
        &[
            ("flows/main.yml", main),
            ("flows/arazzo.lock", &lock().to_text()),
            ("library/sims.arazzo.yml", &arazzo(&[URL])),
        ],
    );
    let expansion = expand("flows/main.yml", &Options::new(dir.path()));
    assert_eq!(messages(&expansion), Vec::<String>::new());
    assert!(
        expansion
            .files
            .contains(&dir.path().join("flows").join(COPY))
    );
}

#[test]
fn a_copy_outside_the_crate_is_refused_like_any_source() {
    let outer = tempfile::tempdir().expect("a temporary directory");
    write(outer.path(), "elsewhere/openapi.yml", OPENAPI);
    let mut outside = lock();
    outside.files[0].path = "../elsewhere/openapi.yml".to_owned();
    write(outer.path(), "crate/w.yml", &arazzo(&[URL]));
    write(outer.path(), "crate/arazzo.lock", &outside.to_text());
    let krate = outer.path().join("crate");
    let expansion = expand("w.yml", &Options::new(&krate));
    let found = messages(&expansion);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!(
            "w.yml:6:8: the vendored copy of `{URL}` (`../elsewhere/openapi.yml` in `arazzo.lock`) is outside the crate"
        )),
        "{found:?}"
    );
    assert!(!expansion.files.iter().any(|f| f.ends_with("openapi.yml")));
}
