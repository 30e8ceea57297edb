arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/response-in-parameter.yml");

fn main() {}
