arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-step-output.yml");

fn main() {}
