// Malformed actions: a repeated name, a success `retry`, a `goto` without target, an `end` with one.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/action-mistakes.yml");

fn main() {}
