arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/many-mistakes.yml");

fn main() {}
