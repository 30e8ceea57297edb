arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/missing-source-file.yml");

fn main() {}
