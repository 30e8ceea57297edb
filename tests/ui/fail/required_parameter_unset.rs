// A step leaves a required parameter of its operation unset.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/required-parameter-unset.yml");

fn main() {}
