// A document with an error, expanded with the `restate` option: the stand-ins defined next to
// the error include `RegisterSimWorkflow`, so code naming it adds no "cannot find" error. (The
// second error is the missing `restate` feature of this test crate's `arazzo-runtime`.)
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-step-output.yml", restate);

fn main() {
    let _workflow = RegisterSimWorkflow;
    let _inputs = RegisterSimInputs::default();
}
