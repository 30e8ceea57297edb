// A parameter reads `$steps.<id>` for a step that does not exist.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-step-reference.yml");

fn main() {}
