//! The clean corpus of conditions and runtime expressions: each document under
//! `tests/fixtures/clean/` written for one construct of the expression language expands without
//! a diagnostic.

use arazzo_codegen::{Options, expand};

const DOCUMENTS: [&str; 5] = [
    "condition-operators",
    "embedded-condition-expressions",
    "goessner-jsonpath",
    "dollar-text-payload",
    "source-description-fields",
];

#[test]
fn expression_documents_expand_without_diagnostics() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/clean");
    for name in DOCUMENTS {
        let expansion = expand(&format!("{name}/flow.arazzo.yaml"), &Options::new(root));
        let found: Vec<String> = expansion
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(found.is_empty(), "{name}: {found:#?}");
        assert!(!expansion.tokens.is_empty(), "{name}: nothing generated");
    }
}
