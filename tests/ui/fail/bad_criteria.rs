// A regex criterion that does not compile and JSONPath criteria that are not RFC 9535.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/bad-criteria.yml");

fn main() {}
