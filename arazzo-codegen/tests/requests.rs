//! What the generator checks of the request a step sends, and how a step opts out of it.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand_str};

fn clean(folder: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/clean")
        .join(folder)
}

/// The diagnostics of the clean document of `folder` with each `(from, to)` applied once.
fn edited(folder: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let dir = clean(folder);
    let mut text = std::fs::read_to_string(dir.join("flow.arazzo.yml")).expect("fixture");
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
        text = text.replace(from, to);
    }
    expand_str(&text, "flow.arazzo.yml", &Options::new(dir))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_request_shape_is_checked_unless_the_step_allows_an_invalid_request() {
    // With the extension (the clean corpus document) nothing is reported; without it, the
    // default, each deliberate mistake is.
    assert_eq!(edited("negative-test", &[]), Vec::<String>::new());
    assert_eq!(
        edited(
            "negative-test",
            &[("        x-arazzo-allow-invalid-request: true\n", "")]
        ),
        [
            "flow.arazzo.yml:8:17: step `create-without-text` does not set the required query parameter `folder` of operation `createNote`",
            "flow.arazzo.yml:15:13: the request body of operation `createNote` has no property `colour`; expected one of `text`",
            "flow.arazzo.yml:15:13: the request body of operation `createNote` requires `text`, which the payload does not set",
        ]
    );
    assert_eq!(
        edited(
            "negative-test",
            &[(
                "x-arazzo-allow-invalid-request: true",
                "x-arazzo-allow-invalid-request: yes please"
            )]
        ),
        [
            "flow.arazzo.yml:8:17: step `create-without-text` does not set the required query parameter `folder` of operation `createNote`",
            "flow.arazzo.yml:11:41: `x-arazzo-allow-invalid-request` must be `true` or `false`",
            "flow.arazzo.yml:16:13: the request body of operation `createNote` has no property `colour`; expected one of `text`",
            "flow.arazzo.yml:16:13: the request body of operation `createNote` requires `text`, which the payload does not set",
        ]
    );
}

#[test]
fn a_replacement_target_is_read_in_the_language_its_selector_type_names() {
    // Arazzo 1.1 Payload Replacement Object `targetSelectorType`: `jsonpath` targets are
    // RFC 9535 queries; without it the target is a JSON pointer.
    assert_eq!(
        edited(
            "payloads",
            &[("              targetSelectorType: jsonpath\n", "")]
        ),
        [
            "flow.arazzo.yml:22:23: JSON pointer `$.lines[*].qty` must start with `/`; a JSONPath target needs `targetSelectorType: jsonpath` (Arazzo 1.1)"
        ]
    );
    assert_eq!(
        edited("payloads", &[("$.lines[*].qty", "$.lines[*.qty")]),
        [
            "flow.arazzo.yml:22:23: `$.lines[*.qty` is not an RFC 9535 JSONPath query: at position 9, in long-hand segment, expected closing ']'"
        ]
    );
    assert_eq!(
        edited(
            "payloads",
            &[("targetSelectorType: jsonpath", "targetSelectorType: xpath")]
        ),
        ["flow.arazzo.yml:23:35: `xpath` replacement targets are not supported"]
    );
    assert_eq!(
        edited(
            "payloads",
            &[(
                "targetSelectorType: jsonpath",
                "targetSelectorType: jsonpth"
            )]
        ),
        [
            "flow.arazzo.yml:23:35: `targetSelectorType: jsonpth` is not a selector type; did you mean `jsonpath`?"
        ]
    );
    assert_eq!(
        edited("payloads", &[("arazzo: 1.1.0", "arazzo: 1.0.1")]),
        [
            "flow.arazzo.yml:23:35: `targetSelectorType` is Arazzo 1.1; this document declares an earlier version; declare `arazzo: 1.1.0`, or write the target as a JSON pointer",
            "flow.arazzo.yml:26:35: `targetSelectorType` is Arazzo 1.1; this document declares an earlier version; declare `arazzo: 1.1.0`, or write the target as a JSON pointer",
        ]
    );
}

#[test]
fn a_replacement_target_type_may_be_an_expression_type_object_of_rfc_9535() {
    // Arazzo 1.1 Expression Type Object: `version` `rfc9535` is the JSONPath this project runs;
    // Goessner's draft is another language.
    assert_eq!(
        edited(
            "payloads",
            &[(
                "version: rfc9535",
                "version: draft-goessner-dispatch-jsonpath-00"
            )]
        ),
        [
            "flow.arazzo.yml:26:61: `version: draft-goessner-dispatch-jsonpath-00` is not supported; write `rfc9535` for JSONPath (RFC 9535) or `rfc6901` for a JSON pointer"
        ]
    );
}

#[test]
fn a_replacement_that_cannot_apply_to_a_text_payload_is_an_error() {
    // A form written as text takes replacements (its fields are its members); plain text has no
    // members, so a replacement there is refused rather than dropped.
    assert_eq!(
        edited(
            "payloads",
            &[(
                "contentType: application/x-www-form-urlencoded\n          payload: list",
                "contentType: text/plain\n          payload: list"
            )]
        ),
        [
            "flow.arazzo.yml:39:23: replacement target `/list` cannot apply: the payload is written as text (`text/plain`), which has no members to replace; write the payload as a YAML mapping, or embed the value in the text with `{$…}`"
        ]
    );
    // Nor is a replacement without a payload.
    assert_eq!(
        edited(
            "payloads",
            &[("          payload: list=news&email={$inputs.email}\n", "")]
        ),
        [
            "flow.arazzo.yml:38:23: replacement target `/list` cannot apply: `requestBody` has no `payload` to replace in; write the `payload` the replacements apply to"
        ]
    );
}
