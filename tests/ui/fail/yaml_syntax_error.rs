// A flow mapping that is never closed.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/yaml-syntax-error.yml");

fn main() {}
