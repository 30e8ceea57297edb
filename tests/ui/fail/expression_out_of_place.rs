// `$statusCode` in a request, `$response` and `$statusCode` in workflow outputs.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/expression-out-of-place.yml");

fn main() {}
