// A misspelt step field (`sucessCriteria`).
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-field.yml");

fn main() {}
