arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-parameter.yml");

fn main() {}
