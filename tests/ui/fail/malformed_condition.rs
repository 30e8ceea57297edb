// A success criterion with `=` where `==` was meant.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/malformed-condition.yml");

fn main() {}
