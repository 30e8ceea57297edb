// `$workflows.W.outputs.Y` for an output W does not declare, or a W not in `dependsOn`.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-workflow-output.yml");

fn main() {}
