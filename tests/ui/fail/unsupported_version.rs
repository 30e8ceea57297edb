// `arazzo` is a version of the specification other than 1.0.x or 1.1.x.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unsupported-version.yml");

fn main() {}
