//! The `restate` option: each workflow is also a Restate workflow service named after its
//! `workflowId`, which must therefore be a name Restate accepts.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand};

fn options(restate: bool) -> Options {
    Options {
        restate,
        ..Options::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/restate"))
    }
}

/// Arazzo 1.0.1 only recommends `[A-Za-z0-9_\-]+` for a `workflowId`; Restate's service names
/// start with a letter. With the option, an id that cannot be a service name is one error at the
/// id; without it, the id is fine.
#[test]
fn a_workflow_id_restate_cannot_name_is_an_error_only_with_the_option() {
    let durable = expand("names.arazzo.yml", &options(true));
    let shown: Vec<String> = durable
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        shown,
        [
            "names.arazzo.yml:22:17: workflowId `2nd-read` cannot name a Restate service (the `restate` option names each workflow's service after its workflowId); Restate service names start with a letter and go on with letters, digits, `_`, `.` or `-`; rename the workflow, or drop the `restate` option"
        ]
    );

    let plain = expand("names.arazzo.yml", &options(false));
    assert!(plain.diagnostics.is_empty(), "{:?}", plain.diagnostics);
}

/// With the option, the outputs struct is serializable and the workflow implements the runtime's
/// `restate::Workflow` under the `workflowId`; without it, neither is emitted.
#[test]
fn the_option_emits_a_restate_workflow_named_after_the_workflow_id() {
    let text = |restate| {
        let expansion = expand("names.arazzo.yml", &options(restate));
        expansion.tokens.to_string()
    };
    // The second workflow's id is refused with the option; the first one shows what is emitted.
    let durable = arazzo_codegen::expand_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/restate/names.arazzo.yml"),
        )
        .expect("fixture")
        .replace("2nd-read", "second-read"),
        "names.arazzo.yml",
        &options(true),
    );
    assert!(durable.diagnostics.is_empty(), "{:?}", durable.diagnostics);
    let tokens = durable.tokens.to_string();
    assert!(tokens.contains("pub struct ReadThingWorkflow"), "{tokens}");
    assert!(
        tokens.contains("impl :: arazzo_runtime :: restate :: Workflow for ReadThingWorkflow"),
        "{tokens}"
    );
    assert!(
        tokens.contains("const NAME : & 'static str = \"read-thing\""),
        "{tokens}"
    );
    assert!(
        tokens.contains("const NAME : & 'static str = \"second-read\""),
        "{tokens}"
    );
    assert!(
        tokens.contains("# [serde (rename = \"thingId\")]"),
        "{tokens}"
    );

    let plain = text(false);
    assert!(!plain.contains("restate"), "{plain}");
}

/// The option needs the runtime's `restate` feature, which only the caller's crate knows: every
/// call checks it once (`__restate_feature!`), however many documents and workflows it has, and
/// the impls that need it are wrapped in `__restate_items!` (dropped without the feature, so the
/// missing feature is that one error).
#[test]
fn a_call_with_the_option_checks_the_runtime_feature_once() {
    let documents = ["read.arazzo.yml".to_owned(), "reread.arazzo.yml".to_owned()];
    let expansion = arazzo_codegen::expand_documents(&documents, &options(true));
    assert!(
        expansion.diagnostics.is_empty(),
        "{:?}",
        expansion.diagnostics
    );
    let tokens = expansion.tokens.to_string();
    assert_eq!(tokens.matches("__restate_feature !").count(), 1, "{tokens}");
    assert_eq!(tokens.matches("__restate_items !").count(), 2, "{tokens}");
    assert!(tokens.contains("pub struct ReadAgainWorkflow"), "{tokens}");

    let plain = arazzo_codegen::expand_documents(&documents, &options(false)).tokens;
    assert!(!plain.is_empty());
    assert!(!plain.to_string().contains("__restate"), "{plain}");
}

/// A document with errors: next to the errors, the stand-ins define `<WorkflowId>Workflow` too
/// (so code naming it gets no error of its own), and the feature is still checked once.
#[test]
fn a_document_with_errors_still_defines_the_workflow_structs() {
    let documents = ["names.arazzo.yml".to_owned()];
    let expansion = arazzo_codegen::expand_documents(&documents, &options(true));
    assert_eq!(
        expansion.diagnostics.len(),
        1,
        "{:?}",
        expansion.diagnostics
    );
    assert!(expansion.tokens.is_empty());
    let stubs = expansion.stubs.to_string();
    assert!(stubs.contains("pub struct ReadThingWorkflow"), "{stubs}");
    assert!(
        stubs.contains("impl :: arazzo_runtime :: restate :: Workflow for ReadThingWorkflow"),
        "{stubs}"
    );
    assert_eq!(stubs.matches("__restate_feature !").count(), 1, "{stubs}");
}
