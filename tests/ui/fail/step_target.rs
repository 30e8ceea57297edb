// A step that calls nothing, and one that names both an operation and a workflow.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/step-target.yml");

fn main() {}
