//! Steps: what each calls, the request it sends, the criteria it checks, the outputs it keeps.
//!
//! Two passes: first every step's target and typed outputs (a `goto` can make a step read the
//! outputs of one written further down), then requests, criteria and actions.

use heck::ToUpperCamelCase;

use crate::diag::suggest;
use crate::expr::{self, Condition, Expr, Operand, Source};
use crate::http::{HttpMethod, ParameterLocation};
use crate::model::{OutputValue, Parameter, Selector, Spanned, Step, Target, Workflow};
use crate::names;
use crate::openapi::{OpParam, Operation};
use crate::plan::ParameterStyle;
use crate::pointer::JsonPointer;
use crate::types::RustType;

use super::actions::effective;
use super::values::{Ctx, Place};
use super::{
    Keep, LoadedSource, OperationPlan, ParameterPlan, Planner, Signature, StepCall, StepOutput,
    StepPlan, ValuePlan, kept,
};

/// What a step is bound to.
pub(super) enum Bound<'a> {
    Operation(&'a LoadedSource, &'a Operation),
    Workflow(Signature),
}

/// Every step's id, target and outputs, known before any step is planned.
#[derive(Default)]
pub(super) struct StepScope<'a> {
    pub ids: Vec<String>,
    /// Ids of steps that could not be read (reported).
    pub dropped: Vec<String>,
    /// `false` for a step whose id repeats an earlier one (reported, not planned).
    pub unique: Vec<bool>,
    pub bound: Vec<Option<Bound<'a>>>,
    pub outputs: Vec<Vec<StepOutput>>,
    /// Per step, the outputs it declares whose value was rejected (reported): reading one
    /// reports nothing more.
    pub rejected: Vec<Vec<String>>,
    /// Per step, outputs that read the workflow's scope (`$inputs.…`, another step's output,
    /// `$workflows.…`): `(index in outputs, expression, where it is written)`, resolved once
    /// every step's outputs are known.
    deferred: Vec<Vec<Deferred>>,
}

/// A step output read from the workflow's scope, resolved once every step's outputs are known:
/// `(index in the step's outputs, expression, where it is written)`.
type Deferred = (usize, Expr, crate::diag::Pos);

impl StepScope<'_> {
    /// Whether step `index` declares `output` but its value was rejected (and reported).
    pub(super) fn rejected(&self, index: usize, output: &str) -> bool {
        self.rejected
            .get(index)
            .is_some_and(|names| names.iter().any(|n| n == output))
    }
}

impl<'a> Planner<'a> {
    /// The first pass: binds every step and types its outputs.
    pub(super) fn step_outputs(&mut self, workflow: &Workflow) -> StepScope<'a> {
        let mut scope = StepScope {
            dropped: workflow.dropped_steps.clone(),
            ..StepScope::default()
        };
        for step in &workflow.steps {
            let first = scope.ids.iter().position(|id| *id == step.id.value);
            if let Some(first) = first {
                let message = format!(
                    "duplicate stepId `{}` in workflow `{}` (first defined at line {})",
                    step.id.value, workflow.id.value, workflow.steps[first].id.pos.line
                );
                self.error(step.id.pos, message, None);
            }
            let bound = match &step.target {
                Some(Target::OperationId(id)) => self
                    .find_operation(id)
                    .map(|(s, op)| Bound::Operation(s, op)),
                Some(Target::OperationPath(path)) => self
                    .operation_path(path)
                    .map(|(s, op)| Bound::Operation(s, op)),
                Some(Target::WorkflowId(id)) => self.callee(id).map(Bound::Workflow),
                None => None,
            };
            let (outputs, rejected, deferred) = self.outputs_of(workflow, step, bound.as_ref());
            scope.ids.push(step.id.value.clone());
            scope.unique.push(first.is_none());
            scope.bound.push(bound);
            scope.outputs.push(outputs);
            scope.rejected.push(rejected);
            scope.deferred.push(deferred);
        }
        scope
    }

    /// Resolves the step outputs that read the workflow's scope rather than the step's exchange
    /// (a step output is any runtime expression, Arazzo 1.0.1 Step Object `outputs`), now that
    /// every step's outputs are known. `ctx` is the workflow's request context.
    pub(super) fn scope_outputs(&mut self, mut scope: StepScope<'a>, ctx: &Ctx) -> StepScope<'a> {
        let deferred = std::mem::take(&mut scope.deferred);
        let mut resolved = Vec::new();
        for (index, outputs) in deferred.iter().enumerate() {
            let (place, nested) = match scope.bound.get(index) {
                Some(Some(Bound::Workflow(callee))) => {
                    (Place::Nested, Some(callee.output_fields.as_slice()))
                }
                _ => (Place::Response, None),
            };
            let step_ctx = Ctx {
                steps: &scope,
                reader: Some(index),
                nested,
                ..ctx.at(place)
            };
            for (k, e, pos) in outputs {
                resolved.push((index, *k, self.resolve(e, *pos, &step_ctx)));
            }
        }
        // Rejected ones go last to first so the indices of the others stay right.
        for (index, k, value) in resolved.into_iter().rev() {
            let Some(output) = scope.outputs.get_mut(index).and_then(|o| o.get_mut(k)) else {
                continue;
            };
            match value {
                Some(value) => {
                    (output.ty, output.keep) = kept(&value, &self.types);
                    output.from = value;
                }
                None => {
                    let name = output.name.clone();
                    scope.outputs[index].remove(k);
                    scope.rejected[index].push(name);
                }
            }
        }
        scope
    }

    fn outputs_of(
        &mut self,
        workflow: &Workflow,
        step: &Step,
        bound: Option<&Bound<'a>>,
    ) -> (Vec<StepOutput>, Vec<String>, Vec<Deferred>) {
        let schema = match bound {
            Some(Bound::Operation(_, op)) => success_schema(op, required_status(step)),
            _ => None,
        };
        let mut outputs = Vec::new();
        let mut rejected = Vec::new();
        let mut deferred = Vec::new();
        for (name, output) in &step.outputs {
            // Whatever makes an output's value unusable is reported once, where it is written;
            // the output still exists for its readers.
            rejected.push(name.value.clone());
            let var = format!(
                "{}__{}",
                names::field_name(&step.id.value).trim_start_matches("r#"),
                names::field_name(&name.value).trim_start_matches("r#")
            );
            let expression = match output {
                OutputValue::Expr(expression) => expression,
                OutputValue::Selector(selector) => {
                    if let Some(from) = self.selected_output(selector, bound) {
                        outputs.push(StepOutput {
                            name: name.value.clone(),
                            var,
                            ty: RustType::Json,
                            expression: selector.context.value.clone(),
                            from,
                            keep: Keep::Computed { decode: false },
                        });
                        rejected.pop();
                    }
                    continue;
                }
            };
            let parsed = match expr::parse_expr(&expression.value) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.expr_error(expression.pos, &expression.value, e);
                    continue;
                }
            };
            let hint = format!(
                "{}{}",
                names::type_name(&workflow.id.value),
                name.value.to_upper_camel_case()
            );
            let (from, ty, keep) = match (parsed, bound) {
                // The step is not bound (reported): keep the name so reads are still checked.
                (_, None) => (
                    ValuePlan::Status,
                    RustType::Json,
                    Keep::Computed { decode: false },
                ),
                (
                    Expr::Outputs {
                        name: output,
                        pointer,
                    },
                    Some(Bound::Workflow(callee)),
                ) => {
                    let Some(field) = callee.output_fields.iter().find(|f| f.wire == output) else {
                        if callee.rejected(&output) {
                            continue;
                        }
                        let hint = suggest(
                            &output,
                            callee.output_fields.iter().map(|f| f.wire.as_str()),
                        );
                        self.error(
                            expression.pos,
                            format!("workflow `{}` has no output `{output}`", callee.id),
                            hint,
                        );
                        continue;
                    };
                    match pointer {
                        None => (
                            ValuePlan::NestedOutput {
                                field: field.ident.clone(),
                                ty: field.ty.clone(),
                                pointer: None,
                            },
                            field.ty.clone(),
                            Keep::Whole,
                        ),
                        pointer => {
                            let value = ValuePlan::NestedOutput {
                                field: field.ident.clone(),
                                ty: field.ty.clone(),
                                pointer,
                            };
                            (value, RustType::Json, Keep::Computed { decode: false })
                        }
                    }
                }
                // Any other expression reads the workflow's scope: resolved once every step's
                // outputs are known.
                (other, Some(Bound::Workflow(_))) => {
                    deferred.push((outputs.len(), other, expression.pos));
                    (
                        ValuePlan::Status,
                        RustType::Json,
                        Keep::Computed { decode: false },
                    )
                }
                (Expr::StatusCode, _) => (
                    ValuePlan::Status,
                    RustType::U16,
                    Keep::Response { lenient: false },
                ),
                (
                    sent @ (Expr::Url | Expr::Method | Expr::Request(_)),
                    Some(Bound::Operation(_, op)),
                ) => {
                    let Some(value) = self.sent(&sent, expression.pos, Some(op)) else {
                        continue;
                    };
                    let ty = match value {
                        ValuePlan::Request(Source::Body(_)) => RustType::Json,
                        _ => RustType::String,
                    };
                    (value, ty, Keep::Computed { decode: true })
                }
                (Expr::Response(Source::Header(header)), _) => (
                    ValuePlan::ResponseHeader(header),
                    RustType::String,
                    Keep::Response { lenient: false },
                ),
                (Expr::Response(Source::Body(pointer)), Some(Bound::Operation(_, op)))
                    if let Some((code, media)) =
                        non_json_success_media(op, required_status(step)) =>
                {
                    if pointer.as_ref().is_some_and(|p| !p.tokens().is_empty()) {
                        self.error(
                            expression.pos,
                            format!(
                                "`{}`: the `{code}` response of operation `{}` is `{media}`, not JSON, so a JSON pointer cannot reach into it",
                                expression.value, op.id
                            ),
                            Some("read the whole body as text with `$response.body`".to_owned()),
                        );
                    }
                    (
                        ValuePlan::ResponseText,
                        RustType::String,
                        Keep::Response { lenient: false },
                    )
                }
                (Expr::Response(Source::Body(pointer)), Some(Bound::Operation(source, op))) => {
                    let pointer = pointer.unwrap_or_default();
                    let status = required_status(step);
                    self.check_output_pointer(&source.api, op, status, &pointer, expression);
                    let ty = match schema {
                        Some(schema) => {
                            self.types.output_type(&source.api, schema, &pointer, &hint)
                        }
                        None => RustType::Json,
                    };
                    (
                        ValuePlan::ResponseBody(pointer),
                        ty,
                        Keep::Response { lenient: false },
                    )
                }
                (other, _) => {
                    deferred.push((outputs.len(), other, expression.pos));
                    (
                        ValuePlan::Status,
                        RustType::Json,
                        Keep::Computed { decode: false },
                    )
                }
            };
            outputs.push(StepOutput {
                name: name.value.clone(),
                var,
                ty,
                expression: expression.value.clone(),
                from,
                keep,
            });
            rejected.pop();
        }
        (outputs, rejected, deferred)
    }

    /// Arazzo 1.1 step `dependsOn`: each listed step must have completed before this one runs.
    /// Steps run in order, so this holds unless a `goto` can skip the step; that case would need
    /// a run-time check and is refused.
    /// Steps of other workflows (`$workflows.W.steps.S`, `$sourceDescriptions.N.W.steps.S`)
    /// are returned as `(workflowId, stepId)`, to be checked at run time.
    fn step_dependencies(&mut self, step: &Step, index: usize, ctx: &Ctx) -> Vec<(String, String)> {
        let mut elsewhere = Vec::new();
        for dep in &step.depends_on {
            let Some(found) = ctx.steps.ids.iter().position(|id| *id == dep.value) else {
                if ctx.steps.dropped.contains(&dep.value) {
                    continue;
                }
                if dep.value.starts_with("$workflows.")
                    || dep.value.starts_with("$sourceDescriptions.")
                {
                    elsewhere.extend(self.step_elsewhere(dep));
                } else {
                    let hint = suggest(&dep.value, ctx.steps.ids.iter().map(String::as_str));
                    self.error(
                        dep.pos,
                        format!("`dependsOn`: the workflow has no step `{}`", dep.value),
                        hint,
                    );
                }
                continue;
            };
            if !ctx.flow.may_before(index, found) {
                self.error(
                    dep.pos,
                    format!(
                        "step `{}` depends on step `{}`, which never completes before it",
                        step.id.value, dep.value
                    ),
                    None,
                );
            } else if !ctx.flow.must_before(index, found) {
                self.error(
                    dep.pos,
                    format!(
                        "step `{}` depends on step `{}`, which a `goto` can skip; a run-time check for that is not supported yet",
                        step.id.value, dep.value
                    ),
                    None,
                );
            }
        }
        elsewhere
    }

    /// A step output written as a selector: applied to what the step received or sent.
    fn selected_output(
        &mut self,
        selector: &Selector,
        bound: Option<&Bound<'a>>,
    ) -> Option<ValuePlan> {
        let context = &selector.context;
        let parsed = match expr::parse_expr(&context.value) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.expr_error(context.pos, &context.value, e);
                return None;
            }
        };
        let Some(Bound::Operation(_, op)) = bound else {
            if bound.is_some() {
                self.error(
                    selector.pos,
                    "a selector in the outputs of a step that calls a workflow is not supported; select in that workflow's outputs".to_owned(),
                    None,
                );
            }
            return None;
        };
        let value = match parsed {
            Expr::StatusCode => ValuePlan::Status,
            Expr::Response(Source::Header(name)) => ValuePlan::ResponseHeader(name),
            Expr::Response(Source::Body(pointer)) => {
                ValuePlan::ResponseBody(pointer.unwrap_or_default())
            }
            sent @ (Expr::Url | Expr::Method | Expr::Request(_)) => {
                self.sent(&sent, context.pos, Some(op))?
            }
            other => {
                self.error(
                    context.pos,
                    format!(
                        "a selector in a step output applies to what the step received or sent (`$response.body`, `$request.body`, …), not to `{other}`"
                    ),
                    None,
                );
                return None;
            }
        };
        self.selection(selector, Some(value))
    }

    /// The second pass: the step's request, criteria and actions.
    pub(super) fn step(
        &mut self,
        workflow: &Workflow,
        index: usize,
        step: &Step,
        ctx: &Ctx,
        retry_slots: &mut usize,
    ) -> Option<StepPlan> {
        let parameters: Vec<&Parameter> = step
            .parameters
            .iter()
            .chain(workflow.parameters.iter().filter(|w| {
                !step.parameters.iter().any(|p| {
                    p.name.value == w.name.value
                        && p.location.as_ref().map(|l| &l.value)
                            == w.location.as_ref().map(|l| &l.value)
                })
            }))
            .collect();
        let from_workflow = |p: &Parameter| !step.parameters.iter().any(|s| std::ptr::eq(s, p));
        let (call, result_place, nested) = match &ctx.steps.bound[index] {
            None => {
                // Unbound (reported): still check everything the step reads.
                for param in &parameters {
                    self.value_node(&param.value, ctx);
                }
                if let Some(payload) = step.request_body.as_ref().and_then(|b| b.payload.as_ref()) {
                    self.value_node(payload, ctx);
                }
                return None;
            }
            Some(Bound::Operation(source, op)) => {
                let mut params: Vec<ParameterPlan> = Vec::new();
                for param in &parameters {
                    let Some(plan) = self.parameter(param, op, from_workflow(param), ctx) else {
                        continue;
                    };
                    if params
                        .iter()
                        .any(|p| p.location == plan.location && p.name == plan.name)
                    {
                        self.error(
                            param.pos,
                            format!(
                                "parameter `{}` in {} is given twice",
                                plan.name, plan.location
                            ),
                            None,
                        );
                        continue;
                    }
                    params.push(plan);
                }
                let has =
                    |location: ParameterLocation| params.iter().any(|p| p.location == location);
                if has(ParameterLocation::Querystring) && has(ParameterLocation::Query) {
                    self.error(
                        step.id.pos,
                        format!(
                            "step `{}` sets both `querystring` and `query` parameters; a `querystring` parameter is the whole query",
                            step.id.value
                        ),
                        None,
                    );
                }
                let checked = !step.allow_invalid_request;
                for required in op.params.iter().filter(|p| checked && p.required) {
                    // A parameter the operation does not have whose name is close to this one:
                    // reported above with "did you mean".
                    // (or the only parameter of the operation in that place).
                    let alone = op
                        .params
                        .iter()
                        .filter(|d| d.location == required.location)
                        .count()
                        == 1;
                    let misnamed = parameters.iter().any(|p| {
                        !op.params.iter().any(|d| d.name == p.name.value)
                            && p.location.as_ref().map(|l| l.value.as_str())
                                == Some(required.location.as_str())
                            && (alone
                                || crate::diag::closest(&p.name.value, [required.name.as_str()])
                                    .is_some())
                    });
                    if !misnamed && !parameters.iter().any(|p| p.name.value == required.name) {
                        self.error(
                            step.id.pos,
                            format!(
                                "step `{}` does not set the required {} parameter `{}` of operation `{}`",
                                step.id.value, required.location, required.name, op.id
                            ),
                            None,
                        );
                    }
                }
                let body = self.body(step, op, ctx);
                if checked {
                    self.check_payload(&source.api, op, step);
                }
                let call = StepCall::Operation {
                    op: Box::new(operation_plan(source, op)),
                    params,
                    body,
                };
                (call, Place::Response, None)
            }
            Some(Bound::Workflow(callee)) => {
                if let Some(body) = &step.request_body {
                    self.error(
                        body.pos,
                        "a step that calls a workflow sends no request body; pass values as parameters".to_owned(),
                        None,
                    );
                }
                let mut inputs: Vec<&Parameter> = Vec::new();
                let mut reported: Vec<&Parameter> = Vec::new();
                for param in &parameters {
                    match &param.location {
                        None => inputs.push(param),
                        Some(_) if from_workflow(param) => {}
                        Some(location) => {
                            self.error(
                                location.pos,
                                format!(
                                    "parameter `{}` of a step that calls a workflow is one of its inputs and takes no `in`",
                                    param.name.value
                                ),
                                None,
                            );
                            reported.push(param);
                        }
                    }
                }
                let caller = format!("step `{}`", step.id.value);
                let args =
                    self.call_arguments(callee, &inputs, &reported, ctx, &caller, step.id.pos);
                let call = StepCall::Workflow {
                    id: callee.id.clone(),
                    fn_name: callee.fn_name.clone(),
                    inputs: callee.inputs,
                    args,
                };
                (call, Place::Nested, Some(callee.output_fields.as_slice()))
            }
        };

        let requires = self.step_dependencies(step, index, ctx);
        if let (Some(timeout), StepCall::Workflow { .. }) = (&step.timeout, &call) {
            self.error(
                timeout.pos,
                "`timeout` on a step that calls a workflow is not supported yet; set it on that workflow's steps".to_owned(),
                None,
            );
        }
        let operation = match &ctx.steps.bound[index] {
            Some(Bound::Operation(_, op)) => Some(*op),
            _ => None,
        };
        let result_ctx = Ctx {
            nested,
            operation,
            ..ctx.at(result_place)
        };
        let criteria: Vec<_> = step
            .success_criteria
            .iter()
            .filter_map(|c| self.criterion(c, &result_ctx))
            .collect();
        // Success actions apply once the step's outputs are kept.
        let success_ctx = Ctx {
            own_outputs: true,
            ..result_ctx
        };
        let on_success = self.actions(
            workflow,
            &effective(&step.on_success, &workflow.success_actions),
            &success_ctx,
            retry_slots,
        );
        // A step that called a workflow and failed has no outputs to look at.
        let failure_ctx = match result_place {
            Place::Nested => ctx.at(Place::Request),
            _ => result_ctx,
        };
        let on_failure = self.actions(
            workflow,
            &effective(&step.on_failure, &workflow.failure_actions),
            &failure_ctx,
            retry_slots,
        );
        Some(StepPlan {
            id: step.id.value.clone(),
            variant: names::type_name(&step.id.value),
            call,
            outputs: lenient_outputs(&ctx.steps.outputs[index], !on_success.is_empty()),
            next: (index + 1 < workflow.steps.len()).then_some(index + 1),
            timeout_ms: step.timeout.as_ref().map(|t| t.value),
            requires,
            recorded: self
                .recorded
                .iter()
                .any(|(w, s)| *w == workflow.id.value && *s == step.id.value),
            keeps_request: criteria
                .iter()
                .chain(
                    on_success
                        .iter()
                        .chain(&on_failure)
                        .flat_map(|a| &a.criteria),
                )
                .any(|c| c.any_value(&reads_sent))
                || ctx.steps.outputs[index]
                    .iter()
                    .any(|o| o.from.any(&reads_sent)),
            criteria,
            on_success,
            on_failure,
        })
    }

    fn find_operation(
        &mut self,
        id: &Spanned<String>,
    ) -> Option<(&'a LoadedSource, &'a Operation)> {
        let sources = self.sources;
        // `$sourceDescriptions.NAME.operationId` picks the source.
        let (candidates, wanted): (Vec<&'a LoadedSource>, &str) =
            match id.value.strip_prefix("$sourceDescriptions.") {
                Some(rest) => {
                    let Some((name, op)) = rest.split_once('.') else {
                        self.error(
                            id.pos,
                            format!(
                                "`{}` must be `$sourceDescriptions.NAME.operationId`",
                                id.value
                            ),
                            None,
                        );
                        return None;
                    };
                    match sources.iter().find(|s| s.name == name) {
                        Some(source) => (vec![source], op),
                        None if self.sources_incomplete
                            || self.unread_sources.iter().any(|s| s == name) =>
                        {
                            return None;
                        }
                        None => {
                            let hint = suggest(name, sources.iter().map(|s| s.name.as_str()));
                            self.error(
                                id.pos,
                                format!("there is no source description `{name}`"),
                                hint,
                            );
                            return None;
                        }
                    }
                }
                None => (sources.iter().collect(), id.value.as_str()),
            };
        let explicit = id.value.starts_with("$sourceDescriptions.");
        let found: Vec<(&'a LoadedSource, &'a Operation)> = candidates
            .iter()
            .filter_map(|s| s.api.operation(wanted).map(|op| (*s, op)))
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            // A source that could not be read may hold it; one named explicitly was read.
            [] if self.sources_incomplete && !explicit => None,
            [] => {
                let hint = operation_id_hint(sources, &candidates, wanted);
                let files: Vec<&str> = candidates.iter().map(|s| s.api.file.as_str()).collect();
                self.error(
                    id.pos,
                    format!(
                        "operationId `{wanted}` is not in {}",
                        if files.is_empty() {
                            "any source description".to_owned()
                        } else {
                            files.join(", ")
                        }
                    ),
                    hint,
                );
                None
            }
            many => {
                let names: Vec<&str> = many.iter().map(|(s, _)| s.name.as_str()).collect();
                self.error(
                    id.pos,
                    format!(
                        "operationId `{wanted}` is ambiguous: it is in source descriptions {}",
                        and_list(&names)
                    ),
                    Some(format!("write `$sourceDescriptions.{}.{wanted}`", names[0])),
                );
                None
            }
        }
    }

    /// `{$sourceDescriptions.NAME.url}#/paths/~1sims~1{sim_id}/get`, or the same with
    /// `$sourceDescriptions.NAME` before the `#`.
    fn operation_path(
        &mut self,
        path: &Spanned<String>,
    ) -> Option<(&'a LoadedSource, &'a Operation)> {
        let sources = self.sources;
        let text = &path.value;
        let Some((name, pointer)) = operation_path_parts(text) else {
            // A bare source name before the `#` (no runtime expression) is a common slip.
            let hint = text
                .split_once('#')
                .filter(|(name, _)| sources.iter().any(|s| s.name == *name))
                .map(|(name, pointer)| {
                    format!("did you mean `{{$sourceDescriptions.{name}.url}}#{pointer}`?")
                });
            self.error(
                path.pos,
                format!("`operationPath: {text}` must be `{{$sourceDescriptions.NAME.url}}#/paths/PATH/METHOD`"),
                hint,
            );
            return None;
        };
        let Some(source) = sources.iter().find(|s| s.name == name) else {
            if !self.sources_incomplete && !self.unread_sources.iter().any(|s| s == name) {
                let hint = suggest(name, sources.iter().map(|s| s.name.as_str()));
                self.error(
                    path.pos,
                    format!("there is no source description `{name}`"),
                    hint,
                );
            }
            return None;
        };
        let pointer = match JsonPointer::parse(pointer) {
            Ok(pointer) => pointer,
            Err(e) => {
                self.error(path.pos, format!("`operationPath: {text}`: {e}"), None);
                return None;
            }
        };
        let tokens = pointer.tokens();
        let found = match tokens {
            [paths, api_path, method] if paths == "paths" => HttpMethod::from_name(method)
                .and_then(|method| source.api.operation_at(api_path, method)),
            _ => None,
        };
        if found.is_none() {
            let (why, hint) = super::checks::operation_path_miss(&source.api, tokens);
            self.error(
                path.pos,
                format!(
                    "`#{pointer}` does not reach an operation of source description `{name}`: {why}"
                ),
                hint,
            );
        }
        found.map(|op| (source, op))
    }

    fn parameter(
        &mut self,
        param: &Parameter,
        op: &Operation,
        from_workflow: bool,
        ctx: &Ctx,
    ) -> Option<ParameterPlan> {
        let name = &param.name.value;
        let declared: Vec<&OpParam> = op.params.iter().filter(|p| p.name == *name).collect();
        let Some(written) = &param.location else {
            self.error(
                param.pos,
                format!("parameter `{name}` needs `in` (path, query, header or cookie) in a step that calls an operation"),
                declared.first().map(|p| format!("operation `{}` declares it `in: {}`", op.id, p.location)),
            );
            return None;
        };
        let Some(location) = ParameterLocation::parse(&written.value) else {
            // Not a location (reported where the document is read): what the value reads is
            // checked all the same, and nothing is sent.
            self.value_node(&param.value, ctx);
            return None;
        };
        match declared.as_slice() {
            // A workflow-level parameter goes to every step's operation, as the specification
            // says, except a path parameter, which has a place only in a path that names it.
            [] if from_workflow && location == ParameterLocation::Path => return None,
            [] if from_workflow => {}
            [] => {
                let here = op.params.iter().filter(|p| p.location == location.as_str());
                let hint = suggest(name, here.map(|p| p.name.as_str()))
                    .or_else(|| suggest(name, op.params.iter().map(|p| p.name.as_str())));
                // Headers such as correlation ids are often sent without being described.
                if location != ParameterLocation::Header {
                    // What the value reads is checked all the same.
                    self.value_node(&param.value, ctx);
                }
                if location == ParameterLocation::Path {
                    self.error(
                        param.name.pos,
                        format!(
                            "the path `{}` of operation `{}` has no `{{{name}}}`",
                            op.path, op.id
                        ),
                        hint,
                    );
                    return None;
                }
                if location != ParameterLocation::Header {
                    self.error(
                        param.name.pos,
                        format!(
                            "operation `{}` (`{} {}`) has no parameter `{name}`",
                            op.id, op.method, op.path
                        ),
                        hint,
                    );
                    return None;
                }
            }
            [first, ..] => {
                if !declared.iter().any(|p| p.location == location.as_str()) {
                    self.error(
                        written.pos,
                        format!(
                            "parameter `{name}` of operation `{}` is `in: {}`, not `in: {location}`",
                            op.id, first.location
                        ),
                        Some(format!("write `in: {}`", first.location)),
                    );
                    self.value_node(&param.value, ctx);
                    return None;
                }
            }
        }
        let value = self.value_node(&param.value, ctx)?;
        let declared = declared.iter().find(|p| p.location == location.as_str());
        let content = declared.and_then(|d| d.content.clone());
        let style = match declared {
            Some(declared) if content.is_none() => {
                self.parameter_style(param, location, declared)?
            }
            _ => None,
        };
        let mut plan = ParameterPlan::new(location, name.clone(), value);
        plan.style = style;
        plan.content = content;
        Some(plan)
    }

    /// The declared `style` and `explode` of a parameter (OpenAPI 3.x Parameter Object, "Style
    /// Values"), `None` when they are the location's default. A style the location does not
    /// have, or a combination the "Style Examples" table marks n/a, is an error at the step's
    /// parameter: it would otherwise be sent some other way without a word.
    fn parameter_style(
        &mut self,
        param: &Parameter,
        location: ParameterLocation,
        declared: &OpParam,
    ) -> Option<Option<(ParameterStyle, bool)>> {
        use ParameterStyle::*;
        let name = &param.name.value;
        let written = declared.style.as_deref();
        let style = match (location, written) {
            (ParameterLocation::Query | ParameterLocation::Cookie, None | Some("form")) => Form,
            (ParameterLocation::Query, Some("spaceDelimited")) => SpaceDelimited,
            (ParameterLocation::Query, Some("pipeDelimited")) => PipeDelimited,
            (ParameterLocation::Query, Some("deepObject")) => DeepObject,
            (ParameterLocation::Path | ParameterLocation::Header, None | Some("simple")) => Simple,
            (ParameterLocation::Path, Some("label")) => Label,
            (ParameterLocation::Path, Some("matrix")) => Matrix,
            (ParameterLocation::Querystring, _) => return Some(None),
            (_, Some(other)) => {
                let allowed = match location {
                    ParameterLocation::Query => {
                        "`form`, `spaceDelimited`, `pipeDelimited` or `deepObject`"
                    }
                    ParameterLocation::Path => "`simple`, `label` or `matrix`",
                    ParameterLocation::Header => "`simple`",
                    _ => "`form`",
                };
                self.error(
                    param.name.pos,
                    format!(
                        "parameter `{name}` is described with `style: {other}`, which OpenAPI does not define for `in: {location}`",
                    ),
                    Some(format!("an `in: {location}` parameter's style is {allowed}; correct the description")),
                );
                return None;
            }
        };
        // OpenAPI: "When style is form, the default value is true. For all other styles, the
        // default value is false." `deepObject` has one serialisation whatever `explode` says.
        let explode = declared.explode.unwrap_or(style == Form);
        if matches!(style, SpaceDelimited | PipeDelimited) && explode {
            self.error(
                param.name.pos,
                format!("parameter `{name}` is described `explode: true` with `style: {}`, a combination OpenAPI's \"Style Examples\" leave undefined (n/a)", written.unwrap_or_default()),
                Some("describe it `explode: false`, or `style: form` to repeat the parameter".to_owned()),
            );
            return None;
        }
        // A cookie value is sent as `form` without exploding (`a,b`), the only serialisation a
        // single `name=value` cookie pair has.
        if location == ParameterLocation::Cookie {
            return Some(None);
        }
        let default = match style {
            Form => explode,
            Simple => !explode,
            _ => false,
        };
        Some((!default).then_some((style, explode)))
    }
}

/// The source name and the JSON pointer of an `operationPath`. Arazzo 1.0.1 (Step Object,
/// `operationPath`): "A Runtime Expression syntax MUST be used to identify the source
/// description document"; `$sourceDescriptions.NAME.url` and `$sourceDescriptions.NAME` both
/// do, bare or embedded in `{…}`.
fn operation_path_parts(text: &str) -> Option<(&str, &str)> {
    let (reference, pointer) = text.split_once('#')?;
    let expression = reference
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(reference);
    let rest = expression.strip_prefix("$sourceDescriptions.")?;
    let name = rest.strip_suffix(".url").unwrap_or(rest);
    let simple = !name.is_empty() && !name.contains(['.', '{', '}', '#']);
    simple.then_some((name, pointer))
}

/// The hint for an `operationId` no candidate source has: the same name in another case, the
/// `$sourceDescriptions.` form of Redocly's `source.operationId` shortcut, or the closest name.
fn operation_id_hint(
    sources: &[LoadedSource],
    candidates: &[&LoadedSource],
    wanted: &str,
) -> Option<String> {
    let all = || candidates.iter().flat_map(|s| s.api.operation_ids());
    if let Some(same) = all().find(|id| id.eq_ignore_ascii_case(wanted)) {
        return Some(format!("did you mean `{same}`?"));
    }
    if let Some((name, op)) = wanted.split_once('.')
        && sources
            .iter()
            .any(|s| s.name == name && s.api.operation(op).is_some())
    {
        return Some(format!("did you mean `$sourceDescriptions.{name}.{op}`?"));
    }
    suggest(wanted, all())
}

/// "`a`, `b` and `c`".
fn and_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn operation_plan(source: &LoadedSource, op: &Operation) -> OperationPlan {
    let api = &source.api;
    let security = op
        .security
        .iter()
        .map(|alternative| {
            alternative
                .iter()
                .filter_map(|(name, scopes)| {
                    api.schemes
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(n, k)| (n.clone(), k.clone(), scopes.clone()))
                })
                .collect()
        })
        .collect();
    OperationPlan {
        source: source.name.clone(),
        default_server: api.servers.first().cloned().unwrap_or_default(),
        id: op.id.clone(),
        method: op.method,
        path: op.path.clone(),
        security,
        accept: op.accept(),
    }
}

/// The status code of the response a successful step gets: the status its criteria require
/// (`$statusCode == 201`), else the first 2xx response, else `default`.
fn success_response(op: &Operation, wanted: Option<i64>) -> Option<&str> {
    let pick = |code: &str| op.responses.iter().find(|(c, _)| c == code);
    let chosen = wanted
        .map(|code| code.to_string())
        .as_deref()
        .and_then(pick)
        .or_else(|| op.responses.iter().find(|(c, _)| c.starts_with('2')))
        .or_else(|| pick("default"));
    chosen.map(|(code, _)| code.as_str())
}

/// The JSON schema of the response a successful step gets ([`success_response`]).
fn success_schema(op: &Operation, wanted: Option<i64>) -> Option<&crate::load::Node> {
    let code = success_response(op, wanted)?;
    op.responses
        .iter()
        .find(|(c, _)| c == code)
        .and_then(|(_, schema)| schema.as_ref())
}

/// The media type of the response a successful step gets when it is declared and none of its
/// media types is JSON (`text/plain`, `application/xml`, `application/octet-stream`): its body
/// is read as text. `None` when it is JSON, may be, or says nothing.
fn non_json_success_media(op: &Operation, wanted: Option<i64>) -> Option<(&str, &str)> {
    let code = success_response(op, wanted)?;
    let (_, media) = op.response_media.iter().find(|(c, _)| c == code)?;
    if media.iter().any(|m| crate::openapi::is_json(m)) {
        return None;
    }
    media.first().map(|m| (code, m.as_str()))
}

/// The status a step's success criteria require, when one says `$statusCode == N` (alone or in
/// an `&&`).
fn required_status(step: &Step) -> Option<i64> {
    fn in_condition(cond: &Condition) -> Option<i64> {
        let status = |o: &Operand| matches!(o, Operand::Expr(Expr::StatusCode));
        let number = |o: &Operand| match o {
            Operand::Literal(expr::Literal::Number(n)) if n.fract() == 0.0 => Some(*n as i64),
            _ => None,
        };
        match cond {
            Condition::Compare(a, expr::CmpOp::Eq, b) if status(a) => number(b),
            Condition::Compare(a, expr::CmpOp::Eq, b) if status(b) => number(a),
            Condition::And(a, b) => in_condition(a).or_else(|| in_condition(b)),
            _ => None,
        }
    }
    step.success_criteria
        .iter()
        .filter(|c| c.kind.value == crate::model::CriterionKind::Simple)
        .find_map(|c| {
            expr::parse_condition(&c.condition.value)
                .ok()
                .as_ref()
                .and_then(in_condition)
        })
}

/// Whether `value` reads the request the step sent (`$method` needs only the operation).
fn reads_sent(value: &ValuePlan) -> bool {
    matches!(value, ValuePlan::Url | ValuePlan::Request(_))
}

/// A step's outputs as it keeps them. With success actions (`has_success_actions`), a response
/// may lack an output on purpose (the action that applies to it goes elsewhere or ends): a body
/// member or header it lacks leaves the output unset, and only reading it is an error. An
/// output whose type is an `Option` is `None` then anyway.
fn lenient_outputs(outputs: &[StepOutput], has_success_actions: bool) -> Vec<StepOutput> {
    outputs
        .iter()
        .map(|output| {
            let lenient = has_success_actions
                && match &output.from {
                    ValuePlan::ResponseBody(_) => !matches!(output.ty, RustType::Option(_)),
                    ValuePlan::ResponseHeader(_) => true,
                    _ => false,
                };
            let keep = match output.keep {
                Keep::Response { .. } => Keep::Response { lenient },
                keep => keep,
            };
            StepOutput {
                keep,
                ..output.clone()
            }
        })
        .collect()
}
