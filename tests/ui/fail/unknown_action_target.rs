// `goto` and `retry` actions to steps and workflows that do not exist.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-action-target.yml");

fn main() {}
