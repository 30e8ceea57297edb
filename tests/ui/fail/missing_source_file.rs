// The source description `url` names a file that does not exist.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/missing-source-file.yml");

fn main() {}
