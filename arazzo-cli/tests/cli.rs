//! Runs the built `arazzo` binary from the repository root, as a user or CI would.

mod support;

use support::{arazzo, stderr, stdout};

const VALID: &str = "workflows/arazzo/soracom-register-and-activate-sim-workflow.yml";
const UNKNOWN_STEP: &str = "tests/fixtures/arazzo/unknown-step-reference.yml";
const MANY_MISTAKES: &str = "tests/fixtures/arazzo/many-mistakes.yml";

#[test]
fn a_valid_document_checks_clean() {
    let out = arazzo(&["check", VALID]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("no errors"), "{}", stderr(&out));
}

#[test]
fn a_broken_document_is_reported_at_file_line_col() {
    let out = arazzo(&["check", UNKNOWN_STEP]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap_or_default();
    // `file:line:col: error: message`, the shape editors and CI annotations parse.
    let mut parts = first.splitn(4, ':');
    assert_eq!(parts.next(), Some(UNKNOWN_STEP), "{text}");
    let line = parts.next().unwrap_or_default();
    let col = parts.next().unwrap_or_default();
    assert!(line.parse::<usize>().is_ok_and(|n| n > 0), "{text}");
    assert!(col.parse::<usize>().is_ok_and(|n| n > 0), "{text}");
    let rest = parts.next().unwrap_or_default();
    assert!(rest.starts_with(" error: "), "{text}");
    assert!(rest.contains("registerSimm"), "{text}");
    assert!(
        text.contains("  = help: did you mean `registerSim`?"),
        "{text}"
    );
}

#[test]
fn json_output_has_every_field() {
    let out = arazzo(&["check", "--format", "json", MANY_MISTAKES]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let items = value.as_array().expect("a JSON array");
    assert!(items.len() >= 2, "{value}");
    for item in items {
        assert_eq!(item["file"], MANY_MISTAKES, "{item}");
        assert!(item["line"].as_u64().is_some_and(|n| n > 0), "{item}");
        assert!(item["column"].as_u64().is_some_and(|n| n > 0), "{item}");
        assert!(
            item["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{item}"
        );
        assert!(item["hint"].is_null() || item["hint"].is_string(), "{item}");
    }
    assert!(
        items
            .iter()
            .any(|i| i["hint"] == "did you mean `successCriteria`?"),
        "{value}"
    );
}

#[test]
fn json_output_of_a_clean_document_is_an_empty_array() {
    let out = arazzo(&["check", "--format", "json", VALID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(value, serde_json::json!([]));
}

#[test]
fn every_file_is_checked_and_one_error_fails_all() {
    let out = arazzo(&["check", VALID, UNKNOWN_STEP]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with(UNKNOWN_STEP), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("checked 2 files: 1 error"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_file_is_an_error_with_a_relative_path() {
    let out = arazzo(&["check", "workflows/arazzo/missing.yml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "workflows/arazzo/missing.yml: error: cannot read the Arazzo document \
         `workflows/arazzo/missing.yml`: no such file\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["check"][..],
        &["check", "--format", "xml", VALID][..],
        &["frobnicate"][..],
        &["expand"][..],
    ] {
        let out = arazzo(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn expand_prints_the_generated_code() {
    let out = arazzo(&["expand", VALID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let code = stdout(&out);
    assert!(
        code.contains("pub async fn register_and_activate_sim("),
        "{code}"
    );
    assert!(
        code.contains("pub struct RegisterAndActivateSimInputs"),
        "{code}"
    );
}

#[test]
fn expand_of_a_broken_document_prints_the_errors() {
    let out = arazzo(&["expand", UNKNOWN_STEP]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains(": error: "), "{}", stderr(&out));
}
