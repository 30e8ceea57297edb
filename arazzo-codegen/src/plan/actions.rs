//! Success and failure actions: which apply to a step, and what each compiles to.

use crate::diag::suggest;
use crate::model::{Action, ActionKind, ActionTarget, Spanned, Workflow};

use super::values::Ctx;
use super::{ActionPlan, ActionPlanKind, InputScope, Planner, RetryFirst, WorkflowCall};

/// A step's own actions, then the workflow's actions it does not override by name.
pub(super) fn effective<'w>(own: &'w [Action], workflow: &'w [Action]) -> Vec<&'w Action> {
    own.iter()
        .chain(
            workflow
                .iter()
                .filter(|w| !own.iter().any(|a| a.name.value == w.name.value)),
        )
        .collect()
}

/// The default number of retries when `retryLimit` is absent.
const DEFAULT_RETRY_LIMIT: u32 = 1;

impl Planner<'_> {
    /// Plans one list of actions (`success` selects which kinds are allowed, already checked by
    /// the model) with `ctx` the scope their criteria are read in.
    pub(super) fn actions(
        &mut self,
        workflow: &Workflow,
        actions: &[&Action],
        ctx: &Ctx,
        retry_slots: &mut usize,
    ) -> Vec<ActionPlan> {
        let mut plans = Vec::new();
        let mut seen: Vec<&Spanned<String>> = Vec::new();
        for action in actions {
            if let Some(first) = seen.iter().find(|n| n.value == action.name.value) {
                let message = format!(
                    "action `{}` is listed twice (first at line {})",
                    action.name.value, first.pos.line
                );
                self.error(action.name.pos, message, None);
                continue;
            }
            seen.push(&action.name);
            let criteria: Vec<_> = action
                .criteria
                .iter()
                .filter_map(|c| self.criterion(c, ctx))
                .collect();
            if criteria.len() != action.criteria.len() {
                continue;
            }
            let kind = match (action.kind, &action.target) {
                (ActionKind::End, _) => ActionPlanKind::End,
                (ActionKind::Goto, Some(ActionTarget::Step(step))) => {
                    match self.step_index(workflow, step) {
                        Some(index) => ActionPlanKind::GotoStep(index),
                        None => continue,
                    }
                }
                (ActionKind::Goto, Some(ActionTarget::Workflow(id))) => {
                    match self.workflow_call(workflow, id, ctx.inputs) {
                        Some(call) => ActionPlanKind::GotoWorkflow(call),
                        None => continue,
                    }
                }
                // A goto without a target was reported by the model.
                (ActionKind::Goto, None) => continue,
                (ActionKind::Retry, target) => {
                    let first = match target {
                        None => None,
                        Some(ActionTarget::Step(step)) => match self.step_index(workflow, step) {
                            Some(index) => Some(RetryFirst::Step(index)),
                            None => continue,
                        },
                        Some(ActionTarget::Workflow(id)) => {
                            match self.workflow_call(workflow, id, ctx.inputs) {
                                Some(call) => Some(RetryFirst::Workflow(call)),
                                None => continue,
                            }
                        }
                    };
                    let slot = *retry_slots;
                    *retry_slots += 1;
                    ActionPlanKind::Retry {
                        after: action.retry_after.as_ref().map_or(0.0, |a| a.value),
                        limit: action
                            .retry_limit
                            .as_ref()
                            .map_or(DEFAULT_RETRY_LIMIT, |l| l.value),
                        slot,
                        first,
                    }
                }
            };
            plans.push(ActionPlan {
                name: action.name.value.clone(),
                kind,
                criteria,
            });
        }
        plans
    }

    fn step_index(&mut self, workflow: &Workflow, step: &Spanned<String>) -> Option<usize> {
        let found = workflow.steps.iter().position(|s| s.id.value == step.value);
        if found.is_none() && !workflow.dropped_steps.contains(&step.value) {
            let hint = suggest(
                &step.value,
                workflow.steps.iter().map(|s| s.id.value.as_str()),
            );
            self.error(
                step.pos,
                format!(
                    "`stepId: {}`: workflow `{}` has no such step",
                    step.value, workflow.id.value
                ),
                hint,
            );
        }
        found
    }

    /// A workflow run with the caller's inputs (by name): checks that every input it requires
    /// is one the caller has.
    pub(super) fn workflow_call(
        &mut self,
        caller: &Workflow,
        id: &Spanned<String>,
        inputs: &InputScope,
    ) -> Option<WorkflowCall> {
        let signature = self.callee(id)?;
        for field in &signature.input_fields {
            let required = !matches!(field.ty, crate::types::RustType::Option(_));
            let has = inputs.unknown || inputs.fields.iter().any(|f| f.wire == field.wire);
            if required && !has {
                self.error(
                    id.pos,
                    format!(
                        "workflow `{}` needs the input `{}`, which workflow `{}` does not have to pass on",
                        signature.id, field.wire, caller.id.value
                    ),
                    None,
                );
                return None;
            }
        }
        Some(WorkflowCall {
            id: signature.id.clone(),
            fn_name: signature.fn_name.clone(),
            // `fn_name` may be a path into an imported document's module (`shared::warm_up`).
            var: format!(
                "workflow__{}",
                crate::names::field_name(&signature.fn_name).trim_start_matches("r#")
            ),
            inputs: signature.inputs.clone(),
            keeps_inputs: false,
            signature,
        })
    }
}
