// A step passes a parameter its operation does not take.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-parameter.yml");

fn main() {}
