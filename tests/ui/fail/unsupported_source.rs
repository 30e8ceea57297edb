// A remote source description that was never vendored, and an Arazzo document given as OpenAPI.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/unsupported-source.yml");

fn main() {}
