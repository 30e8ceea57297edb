// `operationPath` pointers that do not reach an operation.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/operation-path-unreachable.yml");

fn main() {}
