// An operationId two source descriptions have, not qualified with `$sourceDescriptions`.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/ambiguous-operation-id.yml");

fn main() {}
