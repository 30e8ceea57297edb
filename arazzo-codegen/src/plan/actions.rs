//! Success and failure actions: which apply to a step, and what each compiles to.

use crate::diag::suggest;
use crate::model::{Action, ActionKind, ActionTarget, Parameter, Spanned, Workflow};

use super::values::Ctx;
use super::{
    ActionPlan, ActionPlanKind, InputScope, Member, Planner, RetryFirst, Signature, WorkflowCall,
};

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
                    match self.action_call(workflow, action, id, ctx) {
                        Some(call) => ActionPlanKind::GotoWorkflow(Box::new(call)),
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
                            match self.action_call(workflow, action, id, ctx) {
                                Some(call) => Some(RetryFirst::Workflow(Box::new(call))),
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
        let (signature, recursive) = self.goto_target(caller, id, inputs)?;
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
        Some(WorkflowCall::new(signature, None, recursive))
    }

    /// The workflow an action goes to (`goto`, or `retry` first), with the action's
    /// `parameters` (Arazzo 1.1) as its inputs, or else the caller's inputs by name.
    fn action_call(
        &mut self,
        caller: &Workflow,
        action: &Action,
        id: &Spanned<String>,
        ctx: &Ctx,
    ) -> Option<WorkflowCall> {
        let Some(first) = action.parameters.first() else {
            return self.workflow_call(caller, id, ctx.inputs);
        };
        if !self.arazzo_1_1 {
            self.error(
                first.pos,
                "`parameters` on an action are Arazzo 1.1; this document declares an earlier version".to_owned(),
                Some("declare `arazzo: 1.1.0`".to_owned()),
            );
            return None;
        }
        let (signature, recursive) = self.goto_target(caller, id, ctx.inputs)?;
        // `in` was reported by the model.
        let (parameters, reported): (Vec<&Parameter>, Vec<&Parameter>) =
            action.parameters.iter().partition(|p| p.location.is_none());
        let who = format!("action `{}`", action.name.value);
        let args = if recursive && signature.id != caller.id.value {
            // A workflow later in a loop of gotos is not planned yet: its inputs are checked
            // when the run passes them.
            parameters
                .iter()
                .filter_map(|p| {
                    let value = self.value_node(&p.value, ctx)?;
                    Some(Member::new(p.name.value.clone(), value))
                })
                .collect()
        } else {
            self.call_arguments(
                &signature,
                &parameters,
                &reported,
                ctx,
                &who,
                action.name.pos,
            )
        };
        Some(WorkflowCall::new(signature, Some(args), recursive))
    }

    /// The workflow `id` names, and whether the call closes a loop of `goto`s (its target is
    /// not planned yet: what is known of it is what the call needs).
    fn goto_target(
        &mut self,
        caller: &Workflow,
        id: &Spanned<String>,
        inputs: &InputScope,
    ) -> Option<(Signature, bool)> {
        let closes_loop = self
            .loops
            .iter()
            .any(|(from, to)| *from == caller.id.value && *to == id.value);
        if !closes_loop || self.signature(&id.value).is_some() {
            return self.callee(id).map(|s| (s, false));
        }
        let own = id.value == caller.id.value;
        let signature = Signature {
            id: id.value.clone(),
            fn_name: crate::names::field_name(&id.value),
            inputs: None,
            input_fields: if own {
                inputs.fields.clone()
            } else {
                Vec::new()
            },
            output_fields: Vec::new(),
            rejected_outputs: Vec::new(),
        };
        Some((signature, true))
    }
}

impl WorkflowCall {
    fn new(signature: Signature, args: Option<Vec<Member>>, recursive: bool) -> Self {
        WorkflowCall {
            id: signature.id.clone(),
            fn_name: signature.fn_name.clone(),
            // `fn_name` may be a path into an imported document's module (`shared::warm_up`).
            var: format!(
                "workflow__{}",
                crate::names::field_name(&signature.fn_name).trim_start_matches("r#")
            ),
            inputs: signature.inputs,
            keeps_inputs: false,
            args,
            recursive,
            signature,
        }
    }
}
