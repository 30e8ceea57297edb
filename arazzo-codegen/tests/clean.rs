//! The project's own corpus of valid documents (`tests/fixtures/clean/`): one folder per
//! construct that authors write and the specification allows, each an Arazzo document with the
//! descriptions it uses. Every document must expand without a single diagnostic, and what it
//! expands to must be Rust.
//!
//! A document is any `arazzo.yaml` or `*.arazzo.yaml` (`.yml`, `.json`) in a folder; a folder
//! may hold several (documents that import each other). Documents may share the descriptions
//! in `common/`.

use std::path::{Path, PathBuf};

use arazzo_codegen::{Options, expand};

fn clean() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean")
}

fn is_document(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    ["arazzo.yaml", "arazzo.yml", "arazzo.json"]
        .iter()
        .any(|end| name == *end || name.ends_with(&format!(".{end}")))
}

/// Every document of the clean corpus, as (folder, file name), sorted.
fn documents() -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(clean())
        .expect("read tests/fixtures/clean")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .expect("read folder")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| is_document(path))
            .filter_map(|path| Some(path.file_name()?.to_str()?.to_owned()))
            .collect();
        names.sort();
        found.extend(names.into_iter().map(|name| (folder.clone(), name)));
    }
    found
}

#[test]
fn every_document_of_the_clean_corpus_expands_without_a_diagnostic() {
    let documents = documents();
    assert!(
        documents.len() >= 30,
        "the clean corpus has {} documents; it is meant to cover every construct",
        documents.len()
    );
    let mut failures = Vec::new();
    for (folder, name) in &documents {
        let shown = format!(
            "{}/{name}",
            folder.file_name().and_then(|n| n.to_str()).unwrap_or("?")
        );
        let expansion = expand(&shown, &Options::new(clean()));
        if !expansion.diagnostics.is_empty() {
            let messages: Vec<String> = expansion
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect();
            failures.push(format!("{shown}:\n  {}", messages.join("\n  ")));
            continue;
        }
        if expansion.tokens.is_empty() {
            failures.push(format!("{shown}: generated nothing"));
            continue;
        }
        if let Err(e) = syn::parse2::<syn::File>(expansion.tokens) {
            failures.push(format!("{shown}: the generated code is not Rust: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The root crate's test `tests/clean_corpus.rs` compiles every document of the clean corpus
/// through the macro, so that the generated code is type-checked, not only parsed. A document
/// added here and not there would escape that.
#[test]
fn the_compile_test_names_every_document_of_the_clean_corpus() {
    let pass = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/clean_corpus.rs");
    let listed = std::fs::read_to_string(&pass).expect("read tests/clean_corpus.rs");
    let missing: Vec<String> = documents()
        .iter()
        .map(|(folder, name)| {
            format!(
                "arazzo-codegen/tests/fixtures/clean/{}/{name}",
                folder.file_name().and_then(|n| n.to_str()).unwrap_or("?")
            )
        })
        .filter(|path| !listed.contains(&format!("\"{path}\"")))
        .collect();
    assert!(
        missing.is_empty(),
        "add to tests/clean_corpus.rs: {missing:?}"
    );
}

#[test]
fn every_file_of_a_description_split_across_files_is_a_build_dependency() {
    let dir = clean().join("external-refs");
    let expansion = expand("flow.arazzo.yml", &Options::new(&dir));
    let files: Vec<String> = expansion
        .files
        .iter()
        .map(|f| {
            f.strip_prefix(&dir)
                .expect("inside the folder")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(
        files,
        [
            "flow.arazzo.yml",
            "items.openapi.yml",
            "paths/items.yml",
            "paths/item.yml",
            "schemas/item.yml",
            "components.yml",
        ]
    );
}

#[test]
fn a_vendored_remote_description_is_read_from_its_locked_copy() {
    let expansion = expand("remote-vendored/remote.arazzo.yml", &Options::new(clean()));
    let messages: Vec<String> = expansion
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages, Vec::<String>::new());
    assert!(
        expansion
            .files
            .iter()
            .any(|f| f.ends_with("arazzo-vendor/https/api.example.com/v1/schemas.yml"))
    );
}
