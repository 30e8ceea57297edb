// Two workflows with one `workflowId`, two steps of a workflow with one `stepId`.
arazzo_runtime::arazzo_workflow!("tests/fixtures/arazzo/duplicate-ids.yml");

fn main() {}
