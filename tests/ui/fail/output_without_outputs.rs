// Workflow outputs that read a step without `.outputs.NAME`.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/output-without-outputs.yml");

fn main() {}
