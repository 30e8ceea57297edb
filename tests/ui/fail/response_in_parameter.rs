// A request parameter reads `$response`, which does not exist until the request is sent.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/response-in-parameter.yml");

fn main() {}
