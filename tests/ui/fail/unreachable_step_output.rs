// A workflow output reads a step that can never complete before the workflow ends.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unreachable-step-output.yml");

fn main() {}
