// Steps that call a workflow with wrong inputs, criteria and outputs; `$outputs` elsewhere.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/workflow-step-mistakes.yml");

fn main() {}
