//! Workflows that call workflows (`dependsOn`, steps with `workflowId`, `goto` and `retry` to a
//! workflow): planned callees first, cycles refused.

use crate::diag::{Pos, suggest};
use crate::expr::Expr;
use crate::model::{ActionKind, ActionTarget, Parameter, Spanned, Target, Workflow};
use crate::names;
use crate::pointer::JsonPointer;
use crate::types::{Field, RustType};

use super::step::Bound;
use super::values::{Ctx, Place};
use super::{
    InputScope, Keep, LiteralJson, Planner, Signature, StepCall, StepOutput, StepPlan, ValuePlan,
    WorkflowCall,
};

/// Every workflow another one names, with where it is named and whether by a `goto` (which
/// ends the workflow that goes, so a cycle of them is a loop rather than a recursion).
fn callees(workflow: &Workflow) -> Vec<(&Spanned<String>, bool)> {
    let mut out: Vec<(&Spanned<String>, bool)> =
        workflow.depends_on.iter().map(|d| (d, false)).collect();
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
            out.push((id, action.kind == ActionKind::Goto));
        }
    }
    for step in &workflow.steps {
        if let Some(Target::WorkflowId(id)) = &step.target {
            out.push((id, false));
        }
    }
    out
}

/// The order to plan `workflows` in (indices): every callee before its callers. A cycle of
/// `goto`s only is a loop, bounded at run time by the step budget like a loop of steps, and
/// recorded in `planner.loops`; any other cycle is reported where it closes, and planning goes
/// on without that call.
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
            let Some(&(name, goto)) = names.get(next) else {
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
                Mark::Open => {
                    // Every frame's last visited callee is the edge it took down the path.
                    let from = stack.iter().position(|(w, _)| *w == callee).unwrap_or(0);
                    let loop_of_gotos = goto
                        && stack[from..].iter().all(|(w, taken)| {
                            callees(workflows[*w])
                                .get(taken.wrapping_sub(1))
                                .is_some_and(|(_, goto)| *goto)
                        });
                    if loop_of_gotos {
                        let edge = (
                            workflows[current].id.value.clone(),
                            workflows[callee].id.value.clone(),
                        );
                        planner.loops.push(edge);
                    } else {
                        cycle(planner, workflows, current, callee, name.pos);
                    }
                }
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

/// The workflows `workflow` runs first (`dependsOn`) or calls in a step, as written.
pub(super) fn runs(workflow: &Workflow) -> Vec<String> {
    let called = workflow.steps.iter().filter_map(|s| match &s.target {
        Some(Target::WorkflowId(id)) => Some(id.value.clone()),
        _ => None,
    });
    workflow
        .depends_on
        .iter()
        .map(|d| d.value.clone())
        .chain(called)
        .collect()
}

/// What `$workflows.W.…` reads of workflow `W`.
pub(super) enum Member<'e> {
    /// `outputs.NAME`
    Output(&'e str),
    /// `inputs.NAME`: what the workflow ran with.
    Input(&'e str),
}

/// Whether `id` (a `workflowId`, or `$sourceDescriptions.NAME.ID` for a workflow of another
/// document) is the workflow `$workflows.WORKFLOW` names.
fn same_workflow(id: &str, workflow: &str) -> bool {
    id == workflow
        || id
            .strip_prefix("$sourceDescriptions.")
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(_, id)| id == workflow)
}

impl Planner<'_> {
    /// The arguments of a call of `callee` (a step's or an action's `parameters`, without `in`):
    /// each must name one of its inputs, and every input it requires must be given. `caller`
    /// says who calls (`step `x``), `pos` where a missing input is reported. `reported`
    /// parameters were found wrong already: they count as given, and are not passed.
    pub(super) fn call_arguments(
        &mut self,
        callee: &Signature,
        parameters: &[&Parameter],
        reported: &[&Parameter],
        ctx: &Ctx,
        caller: &str,
        pos: Pos,
    ) -> Vec<super::Member> {
        let mut args: Vec<super::Member> = Vec::new();
        for param in parameters {
            let Some(field) = callee
                .input_fields
                .iter()
                .find(|f| f.wire == param.name.value)
            else {
                let hint = suggest(
                    &param.name.value,
                    callee.input_fields.iter().map(|f| f.wire.as_str()),
                );
                self.error(
                    param.name.pos,
                    format!(
                        "workflow `{}` has no input `{}`",
                        callee.id, param.name.value
                    ),
                    hint,
                );
                continue;
            };
            if let Some(value) = self.value_node(&param.value, ctx) {
                args.push(super::Member::new(field.wire.clone(), value));
            }
        }
        for field in &callee.input_fields {
            let required = !matches!(field.ty, RustType::Option(_));
            // Given (even if its value was reported), or misspelt (reported above).
            let given = parameters.iter().chain(reported).any(|p| {
                p.name.value == field.wire
                    || (!callee.input_fields.iter().any(|f| f.wire == p.name.value)
                        && crate::diag::closest(&p.name.value, [field.wire.as_str()]).is_some())
            });
            if required && !given {
                self.error(
                    pos,
                    format!(
                        "{caller} does not pass the input `{}` that workflow `{}` requires",
                        field.wire, callee.id
                    ),
                    None,
                );
            }
        }
        args
    }

    /// `$workflows.W.outputs.X` / `$workflows.W.inputs.X`: what `W` returned or ran with, where
    /// `W` has run: in the step that calls it, after a step that calls it, or after `dependsOn`
    /// ran it.
    pub(super) fn workflow_value(
        &mut self,
        workflow: &str,
        member: Member,
        pointer: &Option<JsonPointer>,
        pos: Pos,
        ctx: &Ctx,
    ) -> Option<ValuePlan> {
        let steps = ctx.steps;
        let callers: Vec<usize> = (0..steps.ids.len())
            .filter(|&i| {
                matches!(steps.bound.get(i), Some(Some(Bound::Workflow(s))) if same_workflow(&s.id, workflow))
            })
            .collect();
        // In the step that calls it (its criteria and outputs): that call's outputs.
        if let (Some(reader), Place::Nested, Member::Output(name)) =
            (ctx.reader, ctx.place, &member)
            && callers.contains(&reader)
        {
            let outputs = Expr::Outputs {
                name: (*name).to_owned(),
                pointer: pointer.clone(),
            };
            return self.resolve(&outputs, pos, ctx);
        }
        let ran = |i: usize| match ctx.reader {
            Some(reader) => (
                ctx.flow.may_before(reader, i),
                ctx.flow.must_before(reader, i),
            ),
            None => (ctx.flow.may_at_end(i), ctx.flow.must_at_end(i)),
        };
        let before: Vec<usize> = callers.iter().copied().filter(|&i| ran(i).0).collect();
        if let [first, second, ..] = before.as_slice() {
            let (a, b) = (&steps.ids[*first], &steps.ids[*second]);
            self.error(
                pos,
                format!("`$workflows.{workflow}`: steps `{a}` and `{b}` both call workflow `{workflow}` and either may have run here, so which call is meant is unclear"),
                Some(format!("declare the value as an output of the step and read `$steps.{a}.outputs.NAME`")),
            );
            return None;
        }
        let dependency = ctx.deps.iter().find(|d| same_workflow(&d.id, workflow));
        // A call that surely ran here is the latest run; else `dependsOn`'s, else a call that
        // may have run (checked at run time).
        let caller = before
            .first()
            .copied()
            .filter(|&c| ran(c).1 || dependency.is_none());
        match (caller, dependency) {
            (Some(caller), _) => {
                let Some(Some(Bound::Workflow(signature))) = steps.bound.get(caller) else {
                    return None;
                };
                let signature = signature.clone();
                self.called_value(&signature, caller, ran(caller).1, member, pointer, pos, ctx)
            }
            (_, Some(dependency)) => {
                let dependency = dependency.clone();
                self.dependency_value(&dependency, member, pointer, pos)
            }
            (None, None) => {
                let known = self.workflow_ids.iter().any(|w| w == workflow)
                    || self
                        .imported
                        .iter()
                        .any(|i| i.plan.signatures.iter().any(|s| s.id == workflow));
                let rejected = self.runs.iter().any(|r| same_workflow(r, workflow));
                if let Some(&caller) = callers.first() {
                    self.error(
                        pos,
                        format!(
                            "`$workflows.{workflow}` is read before step `{}` calls workflow `{workflow}`",
                            steps.ids[caller]
                        ),
                        None,
                    );
                } else if rejected || (!known && self.sources_incomplete) {
                    // The call of it was refused (a cycle, an unknown workflow: reported), or
                    // it may be a workflow of a document that could not be loaded (reported).
                } else if !known {
                    let hint = suggest(workflow, self.workflow_ids.iter().map(String::as_str));
                    self.error(
                        pos,
                        format!("`$workflows.{workflow}`: there is no workflow `{workflow}`"),
                        hint,
                    );
                } else {
                    self.error(
                        pos,
                        format!("`$workflows.{workflow}` reads a workflow that has not run here: it is not in `dependsOn` and no step calls it"),
                        Some(format!("add `{workflow}` to `dependsOn`")),
                    );
                }
                None
            }
        }
    }

    /// The field of `signature`'s outputs or inputs `member` names; reported when there is none.
    fn member_field(&mut self, signature: &Signature, member: &Member, pos: Pos) -> Option<Field> {
        let (fields, name, what) = match member {
            Member::Output(name) => (&signature.output_fields, *name, "output"),
            Member::Input(name) => (&signature.input_fields, *name, "input"),
        };
        if let Some(field) = fields.iter().find(|f| f.wire == name) {
            return Some(field.clone());
        }
        if matches!(member, Member::Output(_)) && signature.rejected(name) {
            return None;
        }
        let hint = suggest(name, fields.iter().map(|f| f.wire.as_str()));
        self.error(
            pos,
            format!("workflow `{}` has no {what} `{name}`", signature.id),
            hint,
        );
        None
    }

    /// A value of a workflow `dependsOn` ran: its outputs, or the inputs it was given.
    fn dependency_value(
        &mut self,
        dependency: &WorkflowCall,
        member: Member,
        pointer: &Option<JsonPointer>,
        pos: Pos,
    ) -> Option<ValuePlan> {
        let field = self.member_field(&dependency.signature, &member, pos)?;
        let var = match member {
            Member::Output(_) => dependency.var.clone(),
            Member::Input(_) => {
                if !self.kept_inputs.contains(&dependency.var) {
                    self.kept_inputs.push(dependency.var.clone());
                }
                dependency.inputs_var()
            }
        };
        Some(ValuePlan::DependencyOutput {
            var,
            field: field.ident,
            ty: field.ty,
            pointer: pointer.clone(),
        })
    }

    /// A value of the workflow step `caller` called, kept by that step as an output of its own.
    #[allow(clippy::too_many_arguments)]
    fn called_value(
        &mut self,
        signature: &Signature,
        caller: usize,
        certain: bool,
        member: Member,
        pointer: &Option<JsonPointer>,
        pos: Pos,
        ctx: &Ctx,
    ) -> Option<ValuePlan> {
        let field = self.member_field(signature, &member, pos)?;
        let step = ctx.steps.ids.get(caller)?.clone();
        let (kind, from, ty, keep, input) = match member {
            Member::Output(_) => (
                "outputs",
                ValuePlan::NestedOutput {
                    field: field.ident.clone(),
                    ty: field.ty.clone(),
                    pointer: None,
                },
                field.ty.clone(),
                Keep::Whole,
                None,
            ),
            // The value is the argument the step passed, filled in once the step is planned.
            Member::Input(_) => (
                "inputs",
                ValuePlan::Literal(LiteralJson::Null),
                RustType::Json,
                Keep::Computed { decode: false },
                Some(field.wire.clone()),
            ),
        };
        let name = format!("$workflows.{}.{kind}.{}", signature.id, field.wire);
        let var = format!(
            "{}__workflow_{kind}__{}",
            names::field_name(&step).trim_start_matches("r#"),
            field.ident.trim_start_matches("r#")
        );
        if !self.hidden.iter().any(|h| h.output.var == var) {
            let output = StepOutput {
                name: name.clone(),
                var: var.clone(),
                ty: ty.clone(),
                expression: name.clone(),
                from,
                keep,
            };
            self.hidden.push(CalledValue {
                step: caller,
                output,
                input,
            });
        }
        Some(ValuePlan::StepOutput {
            var,
            ty,
            step,
            output: name,
            certain,
            pointer: pointer.clone(),
        })
    }
}

/// A value of a workflow call that `$workflows.W.…` reads after the step that calls it: kept
/// by that step as an output of its own.
pub(super) struct CalledValue {
    /// The index of the step that calls the workflow.
    step: usize,
    /// The output the step keeps.
    output: StepOutput,
    /// For an input of the workflow, its name: the value is the argument the step passes.
    input: Option<String>,
}

/// Adds to the steps that call a workflow the values `$workflows.W.…` reads of that call.
pub(super) fn keep_called_values(steps: &mut [StepPlan], ids: &[String], called: Vec<CalledValue>) {
    for CalledValue {
        step,
        mut output,
        input,
    } in called
    {
        let Some(id) = ids.get(step) else {
            continue;
        };
        let Some(plan) = steps.iter_mut().find(|s| s.id == *id) else {
            continue;
        };
        if let (Some(input), StepCall::Workflow { args, .. }) = (input, &plan.call)
            && let Some(arg) = args.iter().find(|arg| arg.name == input)
        {
            output.from = arg.value.clone();
        }
        plan.outputs.push(output);
    }
}

/// The steps of `doc` that a step of another of its workflows depends on
/// (`$workflows.W.steps.S`), `(workflowId, stepId)`.
pub(super) fn cross_workflow_dependencies(doc: &crate::model::Document) -> Vec<(String, String)> {
    doc.workflows
        .iter()
        .flat_map(|w| w.steps.iter().flat_map(|s| &s.depends_on))
        .filter_map(|d| d.value.strip_prefix("$workflows."))
        .filter_map(|rest| rest.split_once(".steps."))
        .map(|(w, s)| (w.to_owned(), s.to_owned()))
        .collect()
}

/// Marks the steps of imported documents that a step of this one depends on, so their runs
/// note when they complete.
pub(super) fn record_imported_steps(
    imported: &mut [super::ArazzoSource],
    recorded: &[(String, String, String)],
) {
    for (source, workflow, step) in recorded {
        let steps = imported
            .iter_mut()
            .filter(|i| i.name == *source)
            .flat_map(|i| i.plan.workflows.iter_mut())
            .filter(|w| w.id == *workflow)
            .flat_map(|w| w.steps.iter_mut())
            .filter(|s| s.id == *step);
        for plan in steps {
            plan.recorded = true;
        }
    }
}

impl Planner<'_> {
    /// A step `dependsOn` a step of another workflow (Arazzo 1.1): `$workflows.W.steps.S` of
    /// this document, or `$sourceDescriptions.N.W.steps.S` of another. It is not run, only
    /// required to have completed (checked at run time).
    pub(super) fn step_elsewhere(&mut self, dep: &Spanned<String>) -> Option<(String, String)> {
        let text = &dep.value;
        let parsed = match text.strip_prefix("$workflows.") {
            Some(rest) => rest.split_once(".steps.").map(|(w, s)| (None, w, s)),
            None => text
                .strip_prefix("$sourceDescriptions.")
                .and_then(|rest| rest.split_once('.'))
                .and_then(|(n, rest)| rest.split_once(".steps.").map(|(w, s)| (Some(n), w, s))),
        };
        let Some((source, workflow, step)) = parsed else {
            self.error(
                dep.pos,
                format!("`dependsOn: {text}` must be a stepId, `$workflows.WORKFLOW.steps.STEP` or `$sourceDescriptions.NAME.WORKFLOW.steps.STEP`"),
                None,
            );
            return None;
        };
        let steps: Vec<String> = match source {
            None => {
                let found = self.workflow_steps.iter().find(|(w, _)| w == workflow);
                let Some((_, steps)) = found else {
                    let hint = suggest(workflow, self.workflow_ids.iter().map(String::as_str));
                    self.error(
                        dep.pos,
                        format!("`{text}`: there is no workflow `{workflow}` in this document"),
                        hint,
                    );
                    return None;
                };
                steps.clone()
            }
            Some(name) => {
                let Some(imported) = self.imported.iter().find(|i| i.name == name) else {
                    if !self.sources_incomplete {
                        let hint = suggest(name, self.imported.iter().map(|i| i.name.as_str()));
                        self.error(
                            dep.pos,
                            format!("`{text}`: there is no Arazzo source description `{name}`"),
                            hint,
                        );
                    }
                    return None;
                };
                let Some(plan) = imported.plan.workflows.iter().find(|w| w.id == workflow) else {
                    let hint = suggest(
                        workflow,
                        imported.plan.workflows.iter().map(|w| w.id.as_str()),
                    );
                    let message = format!(
                        "`{text}`: `{}` has no workflow `{workflow}`",
                        imported.plan.file
                    );
                    self.error(dep.pos, message, hint);
                    return None;
                };
                plan.steps.iter().map(|s| s.id.clone()).collect()
            }
        };
        if !steps.iter().any(|s| s == step) {
            let hint = suggest(step, steps.iter().map(String::as_str));
            self.error(
                dep.pos,
                format!("`{text}`: workflow `{workflow}` has no step `{step}`"),
                hint,
            );
            return None;
        }
        if let Some(name) = source {
            self.recorded_imported
                .push((name.to_owned(), workflow.to_owned(), step.to_owned()));
        }
        Some((workflow.to_owned(), step.to_owned()))
    }
}
