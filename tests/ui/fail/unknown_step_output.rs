// The workflow outputs read an output the step does not define.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-step-output.yml");

fn main() {}
