// Two documents in one call, the mistake in the second: the error is shown under the second
// path, not the first.
arazzo_runtime::arazzo_workflow!(
    "tests/fixtures/arazzo/sim-status-a.yml",
    "tests/fixtures/arazzo/unknown-operation-id.yml"
);

fn main() {}
