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
