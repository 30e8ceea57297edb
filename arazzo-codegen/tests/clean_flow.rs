//! Documents of the clean corpus that use workflows, steps and actions in ways the
//! specification allows: each expands without a diagnostic.

use std::path::Path;

use arazzo_codegen::{Options, expand_to_string};

/// Folders of `fixtures/clean` written for calls between workflows and actions.
const FOLDERS: &[&str] = &[
    "step-output-reads-inputs",
    "workflows-inputs-and-outputs",
    "cross-document-depends-on",
    "documents-listing-each-other",
    "workflow-goto-loop",
    "action-parameters",
    "cross-workflow-step-depends-on",
    "retry-after-on-end",
    "retry-through-step-and-workflow",
];

#[test]
fn every_flow_document_of_the_clean_corpus_expands_without_a_diagnostic() {
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let mut expanded = 0;
    for folder in FOLDERS {
        let dir = clean.join(folder);
        let mut documents: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{folder}: {e}"))
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".arazzo.yaml"))
            .collect();
        documents.sort();
        assert!(!documents.is_empty(), "{folder} has no Arazzo document");
        for document in documents {
            let expansion = expand_to_string(&document, &Options::new(&dir));
            assert!(
                expansion.is_ok(),
                "{folder}/{document}: {:?}",
                expansion.err()
            );
            expanded += 1;
        }
    }
    assert!(expanded >= FOLDERS.len());
}
