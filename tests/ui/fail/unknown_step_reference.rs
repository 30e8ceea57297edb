arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-step-reference.yml");

fn main() {}
