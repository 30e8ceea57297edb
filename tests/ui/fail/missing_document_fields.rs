// A document without `info`, `sourceDescriptions` and `workflows`.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/missing-document-fields.yml");

fn main() {}
