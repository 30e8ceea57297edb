// `dependsOn` an unknown workflow, and workflows that call each other in a cycle.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/workflow-dependencies.yml");

fn main() {}
