//! Workflows that call workflows (`dependsOn`, steps with `workflowId`, `goto` and `retry` to a
//! workflow): planned callees first, cycles refused.

use crate::diag::{Pos, suggest};
use crate::model::{ActionTarget, Spanned, Target, Workflow};

use super::{InputScope, Planner, Signature, WorkflowCall};

/// Every workflow another one names, with where it is named.
fn callees(workflow: &Workflow) -> Vec<&Spanned<String>> {
    let mut out: Vec<&Spanned<String>> = workflow.depends_on.iter().collect();
    let actions = workflow
        .success_actions
        .iter()
        .chain(&workflow.failure_actions)
        .chain(
            workflow
                .steps
                .iter()
                .flat_map(|s| s.on_success.iter().chain(&s.on_failure)),
        );
    for action in actions {
        if let Some(ActionTarget::Workflow(id)) = &action.target {
            out.push(id);
        }
    }
    for step in &workflow.steps {
        if let Some(Target::WorkflowId(id)) = &step.target {
            out.push(id);
        }
    }
    out
}

/// The order to plan `workflows` in (indices): every callee before its callers. A cycle is
/// reported where it closes, and planning goes on without that call.
pub(super) fn order(workflows: &[&Workflow], planner: &mut Planner) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    planner.workflow_ids = workflows.iter().map(|w| w.id.value.clone()).collect();
    let mut marks = vec![Mark::New; workflows.len()];
    let mut out = Vec::with_capacity(workflows.len());
    // An explicit stack: (workflow, how many of its callees were visited).
    for root in 0..workflows.len() {
        if marks[root] != Mark::New {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        marks[root] = Mark::Open;
        while let Some((current, next)) = stack.pop() {
            let names = callees(workflows[current]);
            let Some(name) = names.get(next) else {
                marks[current] = Mark::Done;
                out.push(current);
                continue;
            };
            stack.push((current, next + 1));
            let Some(callee) = workflows.iter().position(|w| w.id.value == name.value) else {
                continue;
            };
            match marks[callee] {
                Mark::New => {
                    marks[callee] = Mark::Open;
                    stack.push((callee, 0));
                }
                Mark::Open => cycle(planner, workflows, current, callee, name.pos),
                Mark::Done => {}
            }
        }
    }
    out
}

fn cycle(planner: &mut Planner, workflows: &[&Workflow], from: usize, to: usize, pos: Pos) {
    let (from, to) = (&workflows[from].id.value, &workflows[to].id.value);
    let message = if from == to {
        format!("workflow `{from}` calls itself; workflows cannot call each other in a cycle")
    } else {
        format!(
            "workflow `{from}` calls `{to}`, which leads back to `{from}`; workflows cannot call each other in a cycle"
        )
    };
    planner.error(pos, message, None);
}

impl Planner<'_> {
    /// The planned workflow `id` names; reports it when there is no such workflow.
    pub(super) fn callee(&mut self, id: &Spanned<String>) -> Option<Signature> {
        if let Some(found) = self.signature(&id.value) {
            return Some(found.clone());
        }
        if let Some(rest) = id.value.strip_prefix("$sourceDescriptions.") {
            return self.imported_workflow(id, rest);
        } else if !self.workflow_ids.contains(&id.value) {
            let hint = suggest(&id.value, self.workflow_ids.iter().map(String::as_str));
            self.error(
                id.pos,
                format!("there is no workflow `{}` in this document", id.value),
                hint,
            );
        }
        // Otherwise it is part of a cycle, which was reported.
        None
    }

    /// `$sourceDescriptions.NAME.WORKFLOW_ID`: a workflow of an `arazzo` source description.
    fn imported_workflow(&mut self, id: &Spanned<String>, rest: &str) -> Option<Signature> {
        let (source, workflow) = rest.split_once('.').unwrap_or((rest, ""));
        let Some(imported) = self.imported.iter().find(|s| s.name == source) else {
            if self.sources.iter().any(|s| s.name == source) {
                self.error(
                    id.pos,
                    format!("`{}`: source description `{source}` is an OpenAPI description; workflows come from `type: arazzo` sources", id.value),
                    None,
                );
            } else if !self.sources_incomplete {
                let hint = suggest(source, self.imported.iter().map(|s| s.name.as_str()));
                self.error(
                    id.pos,
                    format!(
                        "`{}`: there is no Arazzo source description `{source}`",
                        id.value
                    ),
                    hint,
                );
            }
            return None;
        };
        let found = imported.plan.signatures.iter().find(|s| s.id == workflow);
        let Some(signature) = found else {
            let hint = suggest(
                workflow,
                imported.plan.signatures.iter().map(|s| s.id.as_str()),
            );
            let message = format!(
                "`{}`: `{}` has no workflow `{workflow}`",
                id.value, imported.plan.file
            );
            self.error(id.pos, message, hint);
            return None;
        };
        Some(signature.through(&imported.module, &id.value))
    }

    /// `dependsOn`: each workflow named runs first, with this workflow's inputs.
    pub(super) fn dependencies(
        &mut self,
        workflow: &Workflow,
        inputs: &InputScope,
    ) -> Vec<WorkflowCall> {
        let mut calls: Vec<WorkflowCall> = Vec::new();
        for id in &workflow.depends_on {
            if calls.iter().any(|c| c.id == id.value) {
                self.error(
                    id.pos,
                    format!("`{}` is listed twice in `dependsOn`", id.value),
                    None,
                );
                continue;
            }
            if let Some(call) = self.workflow_call(workflow, id, inputs) {
                calls.push(call);
            }
        }
        calls
    }
}
