// Several independent mistakes in one document: all reported in one build, in file order.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/many-mistakes.yml");

fn main() {}
