arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-operation-id.yml");

fn main() {}
