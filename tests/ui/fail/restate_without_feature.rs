// The `restate` option where `arazzo-runtime` lacks its `restate` feature (this test crate does
// not turn it on): one error, saying to turn it on. The workflow's items are still defined, so
// code naming them, `RegisterAndActivateSimWorkflow` included, adds no error of its own.
arazzo_runtime::arazzo_workflow!(
    "workflows/arazzo/soracom-register-and-activate-sim-workflow.yml",
    restate
);

fn main() {
    let _workflow = RegisterAndActivateSimWorkflow;
    let _run = register_and_activate_sim;
}
