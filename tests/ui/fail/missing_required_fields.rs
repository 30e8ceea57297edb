// A workflow without `workflowId` or `steps`, a step without `stepId`, a parameter without `value`.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/missing-required-fields.yml");

fn main() {}
