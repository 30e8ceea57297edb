arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-input.yml");

fn main() {}
