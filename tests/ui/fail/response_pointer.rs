// Step outputs whose JSON pointers a closed response schema rules out.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/response-pointer.yml");

fn main() {}
