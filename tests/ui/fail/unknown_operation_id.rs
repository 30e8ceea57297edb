// A step names an operationId the OpenAPI description does not have.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unknown-operation-id.yml");

fn main() {}
