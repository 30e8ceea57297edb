// A payload reads an input the workflow does not declare.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-input.yml");

fn main() {}
