// A step gives the same parameter (name and `in`) twice.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/duplicate-parameter.yml");

fn main() {}
