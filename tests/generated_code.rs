//! Snapshots of the code generated for the shipped workflows: every change to generation shows
//! up in review as a diff of real Rust. Update with `INSTA_UPDATE=always cargo test` (or
//! `cargo insta review`).

use arazzo_codegen::{Options, expand_to_string};

fn generated(path: &str) -> String {
    let options = Options::new(env!("CARGO_MANIFEST_DIR"));
    match expand_to_string(path, &options) {
        Ok(code) => code,
        Err(diagnostics) => panic!(
            "{path} does not compile:\n{}",
            diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

#[test]
fn register_and_activate_sim() {
    insta::assert_snapshot!(generated(
        "workflows/arazzo/soracom-register-and-activate-sim-workflow.yml"
    ));
}

#[test]
fn register_subscriber_to_group() {
    insta::assert_snapshot!(generated(
        "workflows/arazzo/soracom-register-subscriber-to-group-workflow.yml"
    ));
}

#[test]
fn sps_subscription_lifecycle() {
    insta::assert_snapshot!(generated(
        "workflows/arazzo/sps-subscription-lifecycle.arazzo.yaml"
    ));
}

#[test]
fn flow_jobs() {
    insta::assert_snapshot!(generated("tests/fixtures/flow/jobs.arazzo.yaml"));
}

#[test]
fn flow_orchestrate() {
    insta::assert_snapshot!(generated("tests/fixtures/flow/orchestrate.arazzo.yaml"));
}

/// Outputs typed from the schemas of an OpenAPI 3.0 and a 3.1 description: nested objects,
/// arrays of objects, a map, `allOf`, `oneOf` with and without a discriminator, nullable
/// members, a recursive schema, `type: [T, 'null']`, `const`, `$defs`, `prefixItems`.
#[test]
fn typed_outputs() {
    insta::assert_snapshot!(generated("tests/fixtures/types/shapes.arazzo.yaml"));
}
