// Runtime expressions that do not parse: unknown root, bad pointer escape, unclosed `{`.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/malformed-expression.yml");

fn main() {}
