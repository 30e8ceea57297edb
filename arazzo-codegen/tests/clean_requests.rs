//! Every Arazzo document of the clean corpus (`tests/fixtures/clean/<construct>/`, one folder
//! per construct, each with the descriptions it uses) expands without a diagnostic, and every
//! file it reads is listed for the build to depend on.

use std::path::{Path, PathBuf};

use arazzo_codegen::{Options, expand};

fn clean() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean")
}

/// The Arazzo documents directly in `dir`: the YAML files with a top-level `arazzo` field.
fn documents(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the folder") {
        let path = entry.expect("entry").path();
        let yaml = path.extension().is_some_and(|e| e == "yml" || e == "yaml");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if yaml && text.lines().any(|l| l.starts_with("arazzo:")) {
            let name = path.file_name().expect("name").to_string_lossy();
            found.push(name.into_owned());
        }
    }
    found
}

#[test]
fn every_clean_document_expands_without_a_diagnostic() {
    let mut checked = 0;
    for entry in std::fs::read_dir(clean()).expect("the clean corpus") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for document in documents(&dir) {
            let expansion = expand(&document, &Options::new(&dir));
            let messages: Vec<String> = expansion
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(messages, Vec::<String>::new(), "{}", dir.display());
            assert!(
                !expansion.tokens.is_empty(),
                "{} generated nothing",
                dir.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} documents found");
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
