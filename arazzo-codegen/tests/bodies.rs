//! Response bodies that are not JSON, XPath and OpenAPI 3.1 nullability at compile time: each
//! mistake put into a document of the clean corpus is reported once, where it is written.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand_str};

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

/// Arazzo 1.1: runtime expressions are embedded in an `xpath` condition with `{}`; each is checked
/// like any other, and reported where it is written.
#[test]
fn an_embedded_expression_in_an_xpath_condition_is_checked_where_it_is_written() {
    let text = fixture("xpath-criterion").replace("{$inputs.title}", "{$inputs.titel}");
    assert_eq!(
        diagnostics("xpath-criterion", &text),
        [
            "arazzo.yml:19:45: `$inputs.titel`: the workflow has no input `titel`; did you mean `title`?"
        ]
    );
}

/// Arazzo 1.1, Expression Type Object: the XPath versions are `xpath-31` (the default),
/// `xpath-30`, `xpath-20` and `xpath-10`; another is refused at the version.
#[test]
fn an_xpath_selector_version_arazzo_does_not_list_is_reported() {
    let text = fixture("xpath-selector").replace("version: xpath-30", "version: xpath-40");
    assert_eq!(
        diagnostics("xpath-selector", &text),
        [
            "arazzo.yml:19:42: `xpath` version `xpath-40` is not supported; expected one of `xpath-31`, `xpath-30`, `xpath-20`, `xpath-10`"
        ]
    );
}

/// A malformed XPath selector is a compile error at the column where it goes wrong, and the
/// output it would have given is not reported missing as well.
#[test]
fn a_malformed_xpath_selector_is_reported_once() {
    let text = fixture("xpath-selector")
        .replace("string(/Invoice/@currency)", "string(/Invoice/@currency");
    assert_eq!(
        diagnostics("xpath-selector", &text),
        [
            "arazzo.yml:23:44: `string(/Invoice/@currency` is not an XPath 3.1 expression: it ends too early"
        ]
    );
}
