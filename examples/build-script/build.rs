//! Generates the shipped workflows into `$OUT_DIR/workflows.rs`. The documents live in the
//! repository's `workflows/`, outside this crate, hence `allow_outside_crate`.

fn main() {
    arazzo_codegen::Generator::new(env!("CARGO_MANIFEST_DIR"))
        .document("../../workflows/arazzo/soracom-register-and-activate-sim-workflow.yml")
        .document("../../workflows/arazzo/soracom-register-subscriber-to-group-workflow.yml")
        .document("../../workflows/arazzo/sps-subscription-lifecycle.arazzo.yaml")
        .allow_outside_crate(true)
        .write_to_out_dir("workflows.rs");
}
