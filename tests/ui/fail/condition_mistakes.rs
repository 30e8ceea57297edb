// A double-quoted string in a simple condition, text embedded outside a JSONPath string
// literal, a Goessner-only script expression, the condition form `.count` in an output, and a
// source description reference to nothing.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/condition-mistakes.yml");

fn main() {}
