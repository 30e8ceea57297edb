//! Response bodies that are not JSON, XPath and OpenAPI 3.1 nullability at compile time: the
//! documents of the clean corpus expand without a diagnostic, and each mistake is reported once,
//! where it is written.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand, expand_str};

fn clean() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean")
}

/// The diagnostics of `text` expanded as the document `arazzo.yml` of the clean folder `folder`.
fn diagnostics(folder: &str, text: &str) -> Vec<String> {
    expand_str(text, "arazzo.yml", &Options::new(clean().join(folder)))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn fixture(folder: &str) -> String {
    std::fs::read_to_string(clean().join(folder).join("arazzo.yml")).expect("read the fixture")
}

#[test]
fn the_documents_of_this_area_expand_without_a_diagnostic() {
    for folder in ["non-json-body", "openapi-3-1-null"] {
        let expansion = expand("arazzo.yml", &Options::new(clean().join(folder)));
        let messages: Vec<String> = expansion
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(messages, Vec::<String>::new(), "{folder}");
        assert!(!expansion.tokens.is_empty(), "{folder} generated nothing");
    }
}

/// A JSON pointer (RFC 6901) addresses a JSON document: one into a body the description declares
/// as `text/csv` can never find anything, so it is refused where it is written.
#[test]
fn a_json_pointer_into_a_text_body_is_reported_at_the_output() {
    let text =
        fixture("non-json-body").replace("csv: $response.body\n", "csv: $response.body#/id\n");
    assert_eq!(
        diagnostics("non-json-body", &text),
        [
            "arazzo.yml:18:16: `$response.body#/id`: the `200` response of operation `getReport` is `text/csv`, not JSON, so a JSON pointer cannot reach into it; read the whole body as text with `$response.body`"
        ]
    );
}
