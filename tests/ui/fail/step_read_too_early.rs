// A step reads the output of a later step, and a step reads its own output.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/step-read-too-early.yml");

fn main() {}
