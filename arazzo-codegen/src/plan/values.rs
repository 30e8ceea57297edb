//! Runtime expressions, templates, literals and criteria, resolved against what is in scope where
//! they are read.

use crate::diag::{Pos, suggest};
use crate::expr::{self, Condition, Expr, Operand, Piece, Source, StringValue};
use crate::load::{Kind, Node};
use crate::model::{self, Criterion, CriterionKind, Selector, SelectorKind, Spanned};
use crate::openapi::Operation;
use crate::pointer::JsonPointer;
use crate::types::Field;

use super::embedded::Language;
use super::flow::Flow;
use super::step::StepScope;
use super::{
    CheckPlan, CondPlan, ConditionPiece, CriterionPlan, InputScope, LiteralJson, Planner,
    Selection, TemplatePiece, ValuePlan, WorkflowCall,
};

/// Where an expression is being read: decides which roots are meaningful.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A parameter or request body: before the step's response exists.
    Request,
    /// A criterion, action criterion or output of a step that calls an operation.
    Response,
    /// A criterion, action criterion or output of a step that calls a workflow.
    Nested,
    /// Workflow outputs.
    WorkflowOutputs,
}

/// Everything an expression may refer to at one place.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'c> {
    pub place: Place,
    pub inputs: &'c InputScope,
    pub steps: &'c StepScope<'c>,
    pub flow: &'c Flow,
    /// The step reading, `None` for the workflow's outputs.
    pub reader: Option<usize>,
    /// The outputs of the workflow the reading step called.
    pub nested: Option<&'c [Field]>,
    /// The operation the reading step calls.
    pub operation: Option<&'c Operation>,
    /// The workflows run first (`dependsOn`).
    pub deps: &'c [WorkflowCall],
    /// The reading step has succeeded and kept its outputs (its success actions read them).
    pub own_outputs: bool,
}

impl Ctx<'_> {
    pub(super) fn at(self, place: Place) -> Self {
        Self { place, ..self }
    }
}

impl Planner<'_> {
    pub(super) fn criterion(&mut self, criterion: &Criterion, ctx: &Ctx) -> Option<CriterionPlan> {
        let text = criterion.condition.value.clone();
        let pos = criterion.condition.pos;
        let check = match criterion.kind.value {
            CriterionKind::Regex => {
                let (context, embedded) = self.context_and_text(criterion, Language::Regex, ctx)?;
                CheckPlan::Regex {
                    context,
                    pattern: text.clone(),
                    embedded,
                }
            }
            CriterionKind::JsonPath | CriterionKind::GoessnerJsonPath => {
                let language = match criterion.kind.value {
                    CriterionKind::GoessnerJsonPath => Language::GoessnerJsonPath,
                    _ => Language::JsonPath,
                };
                let (context, embedded) = self.context_and_text(criterion, language, ctx)?;
                CheckPlan::JsonPath {
                    context,
                    query: text.clone(),
                    embedded,
                }
            }
            CriterionKind::XPath => self.xpath_criterion(criterion, ctx)?,
            CriterionKind::Simple => {
                let cond = match expr::parse_condition(&text) {
                    Ok(cond) => cond,
                    Err(e) => {
                        self.expr_error(pos, &text, e);
                        return None;
                    }
                };
                CheckPlan::Simple(self.condition(&cond, pos, ctx)?)
            }
        };
        let mut plan = CriterionPlan {
            text,
            check,
            fails_when_unset: false,
        };
        plan.fails_when_unset =
            plan.any_value(&|v| matches!(v, ValuePlan::StepOutput { certain: false, .. }));
        Some(plan)
    }

    /// A `regex` or `jsonpath` criterion's context and the expressions its condition embeds,
    /// both planned before giving up, so that each mistake is reported.
    fn context_and_text(
        &mut self,
        criterion: &Criterion,
        language: Language,
        ctx: &Ctx,
    ) -> Option<(ValuePlan, Vec<ConditionPiece>)> {
        let context = self.value_expr(criterion.context.as_ref()?, ctx);
        let embedded = self.condition_text(&criterion.condition, language, ctx);
        Some((context?, embedded?))
    }

    fn condition(&mut self, cond: &Condition, pos: Pos, ctx: &Ctx) -> Option<CondPlan> {
        Some(match cond {
            Condition::Or(a, b) => CondPlan::Or(
                Box::new(self.condition(a, pos, ctx)?),
                Box::new(self.condition(b, pos, ctx)?),
            ),
            Condition::And(a, b) => CondPlan::And(
                Box::new(self.condition(a, pos, ctx)?),
                Box::new(self.condition(b, pos, ctx)?),
            ),
            Condition::Not(a) => CondPlan::Not(Box::new(self.condition(a, pos, ctx)?)),
            Condition::Compare(a, op, b) => {
                CondPlan::Compare(self.operand(a, pos, ctx)?, *op, self.operand(b, pos, ctx)?)
            }
            Condition::Truthy(a) => CondPlan::Truthy(self.operand(a, pos, ctx)?),
        })
    }

    fn operand(&mut self, operand: &Operand, pos: Pos, ctx: &Ctx) -> Option<ValuePlan> {
        match operand {
            Operand::Literal(lit) => Some(ValuePlan::Literal(match lit {
                expr::Literal::Null => LiteralJson::Null,
                expr::Literal::Bool(b) => LiteralJson::Bool(*b),
                expr::Literal::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                    LiteralJson::Int(*n as i64)
                }
                expr::Literal::Number(n) => LiteralJson::Float(*n),
                expr::Literal::Str(s) => LiteralJson::Str(s.clone()),
            })),
            Operand::Expr(e) => self.resolve(e, pos, ctx),
        }
    }

    pub(super) fn expr_error(&mut self, pos: Pos, text: &str, e: expr::ExprError) {
        let pos = Pos {
            line: pos.line,
            col: pos.col + e.offset,
        };
        self.error(pos, format!("in `{text}`: {}", e.message), e.hint);
    }

    /// A string field that must be one whole runtime expression (outputs, criterion contexts).
    pub(super) fn value_expr(&mut self, text: &Spanned<String>, ctx: &Ctx) -> Option<ValuePlan> {
        match expr::parse_expr(&text.value) {
            Ok(e) => self.resolve(&e, text.pos, ctx),
            Err(e) => {
                self.expr_error(text.pos, &text.value, e);
                None
            }
        }
    }

    /// An Arazzo 1.1 Selector Object applied to its context, read at `ctx`.
    pub(super) fn selector(&mut self, selector: &Selector, ctx: &Ctx) -> Option<ValuePlan> {
        let context = self.value_expr(&selector.context, ctx);
        self.selection(selector, context)
    }

    /// Checks a selector's version, language and text, and applies it to `context`.
    pub(super) fn selection(
        &mut self,
        selector: &Selector,
        context: Option<ValuePlan>,
    ) -> Option<ValuePlan> {
        if !self.arazzo_1_1 {
            self.error(
                selector.pos,
                "selector objects are Arazzo 1.1; this document declares an earlier version"
                    .to_owned(),
                Some("declare `arazzo: 1.1.0`, or use a runtime expression".to_owned()),
            );
            return None;
        }
        let text = &selector.selector;
        let selection = match selector.kind.value {
            SelectorKind::JsonPath => {
                if let Err(e) = serde_json_path::JsonPath::parse(&text.value) {
                    self.error(
                        text.pos,
                        format!("`{}` is not an RFC 9535 JSONPath query: {e}", text.value),
                        None,
                    );
                    return None;
                }
                Selection::JsonPath(text.value.clone())
            }
            SelectorKind::JsonPointer => match JsonPointer::parse(&text.value) {
                Ok(pointer) => Selection::Pointer(pointer),
                Err(e) => {
                    self.error(text.pos, e.to_string(), None);
                    return None;
                }
            },
            SelectorKind::XPath => {
                if !self.xpath_selector(text) {
                    return None;
                }
                Selection::XPath(text.value.clone())
            }
        };
        Some(ValuePlan::Select {
            context: Box::new(context?),
            selection,
        })
    }

    /// A value that may be a literal, an expression, a template, or a tree of those.
    pub(super) fn value_node(&mut self, node: &Node, ctx: &Ctx) -> Option<ValuePlan> {
        // Before 1.1 a mapping with these keys is just data.
        if self.arazzo_1_1 && model::is_selector(node) {
            let selector = model::read_selector(node, self.file, self.diags)?;
            return self.selector(&selector, ctx);
        }
        Some(match &node.kind {
            Kind::Null => ValuePlan::Literal(LiteralJson::Null),
            Kind::Bool(b) => ValuePlan::Literal(LiteralJson::Bool(*b)),
            Kind::Int(i) => ValuePlan::Literal(LiteralJson::Int(*i)),
            Kind::Float(f) => ValuePlan::Literal(LiteralJson::Float(*f)),
            Kind::Str(s) => match expr::parse_string_value(s) {
                Err(e) => {
                    self.expr_error(node.pos, s, e);
                    return None;
                }
                Ok(StringValue::Expr(e)) => self.resolve(&e, node.pos, ctx)?,
                Ok(StringValue::Template(pieces)) => match pieces.as_slice() {
                    [] => ValuePlan::Literal(LiteralJson::Str(String::new())),
                    [Piece::Text(text)] => ValuePlan::Literal(LiteralJson::Str(text.clone())),
                    _ => {
                        // Every piece is resolved, so that each mistake is reported.
                        let out: Vec<Option<TemplatePiece>> = pieces
                            .into_iter()
                            .map(|piece| match piece {
                                Piece::Text(t) => Some(TemplatePiece::Text(t)),
                                Piece::Expr(e) => {
                                    self.resolve(&e, node.pos, ctx).map(TemplatePiece::Value)
                                }
                            })
                            .collect();
                        ValuePlan::Template(out.into_iter().collect::<Option<_>>()?)
                    }
                },
            },
            // Every member is planned before giving up, so that each mistake is reported.
            Kind::Seq(items) => {
                let planned: Vec<Option<ValuePlan>> = items
                    .iter()
                    .map(|item| self.value_node(item, ctx))
                    .collect();
                ValuePlan::Array(planned.into_iter().collect::<Option<_>>()?)
            }
            Kind::Map(entries) => {
                let planned: Vec<Option<(String, ValuePlan)>> = entries
                    .iter()
                    .map(|(k, v)| Some((k.name.clone(), self.value_node(v, ctx)?)))
                    .collect();
                ValuePlan::object(planned.into_iter().collect::<Option<_>>()?)
            }
        })
    }

    /// Resolves a runtime expression against what is in scope at `ctx.place`.
    pub(super) fn resolve(&mut self, e: &Expr, pos: Pos, ctx: &Ctx) -> Option<ValuePlan> {
        let meaningless = |what: &str| -> String {
            match ctx.place {
                Place::Request => format!(
                    "`{what}` has no meaning in a request: the step's response does not exist yet"
                ),
                Place::WorkflowOutputs => format!(
                    "`{what}` has no meaning in workflow outputs; read a step output with `$steps.STEP.outputs.NAME`"
                ),
                Place::Nested => format!(
                    "`{what}` has no meaning in a step that calls a workflow; read the workflow's outputs with `$outputs.NAME`"
                ),
                Place::Response => format!("`{what}` has no meaning here"),
            }
        };
        match e {
            Expr::Inputs { name, pointer } => {
                let Some(field) = ctx.inputs.fields.iter().find(|f| f.wire == *name) else {
                    if ctx.inputs.unknown {
                        return None;
                    }
                    let member = expr::split_members(name)
                        .filter(|(input, _)| ctx.inputs.fields.iter().any(|f| f.wire == *input));
                    let hint = match member {
                        Some((input, pointer)) => {
                            Some(format!("did you mean `$inputs.{input}#{pointer}`?"))
                        }
                        None => suggest(name, ctx.inputs.fields.iter().map(|f| f.wire.as_str())),
                    };
                    self.error(
                        pos,
                        format!("`$inputs.{name}`: the workflow has no input `{name}`"),
                        hint,
                    );
                    return None;
                };
                Some(ValuePlan::Input {
                    field: field.ident.clone(),
                    ty: field.ty.clone(),
                    pointer: pointer.clone(),
                })
            }
            Expr::Steps {
                step,
                output,
                pointer,
            } => self.step_output(step, output.as_deref(), pointer, pos, ctx),
            Expr::Workflows {
                workflow,
                output,
                pointer,
            } => {
                let Some(output) = output else {
                    self.error(
                        pos,
                        format!("`$workflows.{workflow}` must name an output: `$workflows.{workflow}.outputs.NAME`"),
                        None,
                    );
                    return None;
                };
                let member = super::calls::Member::Output(output);
                self.workflow_value(workflow, member, pointer, pos, ctx)
            }
            Expr::WorkflowInputs {
                workflow,
                input,
                pointer,
            } => {
                let member = super::calls::Member::Input(input);
                self.workflow_value(workflow, member, pointer, pos, ctx)
            }
            Expr::Outputs { name, pointer } => match (ctx.place, ctx.nested) {
                (Place::Nested, Some(fields)) => {
                    let Some(field) = fields.iter().find(|f| f.wire == *name) else {
                        let callee = ctx.reader.and_then(|r| ctx.steps.bound.get(r));
                        if let Some(Some(super::step::Bound::Workflow(callee))) = callee
                            && callee.rejected(name)
                        {
                            return None;
                        }
                        let hint = suggest(name, fields.iter().map(|f| f.wire.as_str()));
                        self.error(
                            pos,
                            format!("the called workflow has no output `{name}`"),
                            hint,
                        );
                        return None;
                    };
                    Some(ValuePlan::NestedOutput {
                        field: field.ident.clone(),
                        ty: field.ty.clone(),
                        pointer: pointer.clone(),
                    })
                }
                // The called workflow was not found; that was reported.
                (Place::Nested, None) => None,
                _ => {
                    self.error(
                        pos,
                        format!(
                            "`$outputs.{name}` reads the outputs of a called workflow, so it has meaning only in a step with `workflowId`"
                        ),
                        None,
                    );
                    None
                }
            },
            Expr::StatusCode if ctx.place == Place::Response => Some(ValuePlan::Status),
            Expr::Response(Source::Header(name)) if ctx.place == Place::Response => {
                Some(ValuePlan::ResponseHeader(name.clone()))
            }
            Expr::Response(Source::Body(pointer)) if ctx.place == Place::Response => {
                Some(ValuePlan::ResponseBody(pointer.clone().unwrap_or_default()))
            }
            Expr::Response(Source::Query(_) | Source::Path(_)) => {
                self.error(
                    pos,
                    "a response has only `$response.header.NAME` and `$response.body`".to_owned(),
                    None,
                );
                None
            }
            Expr::Url | Expr::Method | Expr::Request(_) if ctx.place == Place::Response => {
                self.sent(e, pos, ctx.operation)
            }
            Expr::Url | Expr::Method | Expr::Request(_) if ctx.place == Place::Request => {
                self.error(
                    pos,
                    format!("`{e}` has no meaning in a request: the request is still being built"),
                    Some("use the value the request is built from instead".to_owned()),
                );
                None
            }
            Expr::Url | Expr::Method | Expr::Request(_) => {
                self.error(pos, meaningless(&e.to_string()), None);
                None
            }
            Expr::StatusCode => {
                self.error(pos, meaningless("$statusCode"), None);
                None
            }
            Expr::Response(_) => {
                self.error(pos, meaningless("$response"), None);
                None
            }
            Expr::SourceDescriptions { name, reference } => {
                self.source_reference(name, reference.as_deref(), pos)
            }
            Expr::SelfUri => match &self.self_uri {
                Some(uri) => Some(ValuePlan::Literal(LiteralJson::Str(uri.clone()))),
                None => {
                    self.error(
                        pos,
                        "`$self` reads the document's `$self` field, which this document does not have"
                            .to_owned(),
                        Some("add `$self: URI` at the top of the document".to_owned()),
                    );
                    None
                }
            },
            Expr::Message => {
                self.error(
                    pos,
                    "`$message` reads AsyncAPI messages, which are not supported yet".to_owned(),
                    None,
                );
                None
            }
            Expr::Components { kind, name } if kind == "parameters" => {
                self.component_parameter(name, pos, ctx)
            }
            Expr::Components { .. } => {
                self.error(
                    pos,
                    "`$components.successActions` and `$components.failureActions` are only meaningful in a `reference`".to_owned(),
                    None,
                );
                None
            }
        }
    }

    /// `$components.parameters.NAME[.FIELD]` outside a `reference` (Arazzo 1.1 "Components
    /// parameter: accesses a parameter defined within the Components Object"): the Parameter
    /// Object as `{name, in, value}`, or one of those fields. Its `value` is resolved where the
    /// expression is read, as it would be where the parameter is used. Component names may hold
    /// dots, so the longest name the reference starts with is the parameter.
    fn component_parameter(&mut self, reference: &str, pos: Pos, ctx: &Ctx) -> Option<ValuePlan> {
        let parameters = self.component_parameters;
        let found = parameters
            .iter()
            .filter_map(|(name, parameter)| {
                let field = match reference.strip_prefix(name.as_str())? {
                    "" => None,
                    rest => Some(rest.strip_prefix('.')?),
                };
                Some((name, parameter, field))
            })
            .max_by_key(|(name, _, _)| name.len());
        let Some((_, parameter, field)) = found else {
            let hint = suggest(reference, parameters.iter().map(|(n, _)| n.as_str()));
            self.error(
                pos,
                format!("`$components.parameters.{reference}`: `components.parameters` has no `{reference}`"),
                hint,
            );
            return None;
        };
        let text = |value: &str| ValuePlan::Literal(LiteralJson::Str(value.to_owned()));
        let location = parameter.location.as_ref().map(|l| text(&l.value));
        match field {
            None => {
                let mut members = vec![("name".to_owned(), text(&parameter.name.value))];
                if let Some(location) = location {
                    members.push(("in".to_owned(), location));
                }
                members.push(("value".to_owned(), self.value_node(&parameter.value, ctx)?));
                Some(ValuePlan::object(members))
            }
            Some("name") => Some(text(&parameter.name.value)),
            Some("in") if location.is_some() => location,
            Some("value") => self.value_node(&parameter.value, ctx),
            Some(other) => {
                self.error(
                    pos,
                    format!("a Parameter Object has no field `{other}`"),
                    suggest(other, ["name", "in", "value"]),
                );
                None
            }
        }
    }

    /// `$sourceDescriptions.NAME.REFERENCE`, resolved as Arazzo 1.1 "Source Description
    /// Expression Resolution" says: first an operationId (an `openapi` source) or workflowId (an
    /// `arazzo` source), which yields that id; then a field of the Source Description Object
    /// (`name`, `url`, `type`), which yields the field as written.
    fn source_reference(
        &mut self,
        name: &str,
        reference: Option<&str>,
        pos: Pos,
    ) -> Option<ValuePlan> {
        let text = |value: &str| Some(ValuePlan::Literal(LiteralJson::Str(value.to_owned())));
        let Some(described) = self
            .source_descriptions
            .iter()
            .find(|s| s.name.value == name)
        else {
            let hint = suggest(
                name,
                self.source_descriptions
                    .iter()
                    .map(|s| s.name.value.as_str()),
            );
            self.error(
                pos,
                format!("there is no source description `{name}`"),
                hint,
            );
            return None;
        };
        let fields = ["name", "url", "type"];
        let Some(reference) = reference else {
            self.error(
                pos,
                format!("`$sourceDescriptions.{name}` must be followed by an operationId, a workflowId or a field"),
                Some(format!("for example `$sourceDescriptions.{name}.url`")),
            );
            return None;
        };
        let ids: Vec<&str> = match (
            self.sources.iter().find(|s| s.name == name),
            self.imported.iter().find(|s| s.name == name),
        ) {
            (Some(source), _) => source.api.operation_ids().collect(),
            (None, Some(imported)) => imported
                .plan
                .workflows
                .iter()
                .map(|w| w.id.as_str())
                .collect(),
            // The description failed to load, which was reported: nothing more can be said.
            (None, None) if !fields.contains(&reference) => return None,
            (None, None) => Vec::new(),
        };
        if ids.contains(&reference) {
            return text(reference);
        }
        if let Some(value) = self.operation_field(name, reference, pos) {
            return value;
        }
        match reference {
            "name" => text(&described.name.value),
            "url" => text(&described.url.value),
            "type" => text(
                described
                    .kind
                    .as_ref()
                    .map_or("openapi", |kind| kind.value.as_str()),
            ),
            _ => {
                let candidates = ids.iter().copied().chain(fields);
                let hint = suggest(reference, candidates);
                self.error(
                    pos,
                    format!(
                        "source description `{name}` has no operation, workflow or field `{reference}`"
                    ),
                    hint,
                );
                None
            }
        }
    }

    /// `$sourceDescriptions.NAME.OPERATION.FIELD…`: a member of the Operation Object an
    /// operationId names (Arazzo 1.1 "Source Description Expression Resolution": the reference
    /// resolves to the operation first, and the fields after it are read from it, as
    /// `$sourceDescriptions.NAME.url` reads the Source Description Object's). The operationId is
    /// the longest one the reference starts with (operationIds may hold dots). The value is
    /// known at build time and emitted as a constant. `None` when the reference does not start
    /// with an operationId of an OpenAPI source; `Some(None)` when the field is missing
    /// (reported).
    fn operation_field(
        &mut self,
        name: &str,
        reference: &str,
        pos: Pos,
    ) -> Option<Option<ValuePlan>> {
        let source = self.sources.iter().find(|s| s.name == name)?;
        let api = &source.api;
        let (operation, fields) = api
            .operations
            .iter()
            .filter(|op| op.named)
            .filter_map(|op| {
                let rest = reference.strip_prefix(op.id.as_str())?.strip_prefix('.')?;
                Some((op, rest))
            })
            .max_by_key(|(op, _)| op.id.len())?;
        let mut node = api
            .root
            .get("paths")
            .and_then(|paths| paths.get(&operation.path))
            .map(|item| api.resolve(item))
            .and_then(|item| item.get(operation.method.path_item_key()));
        for field in fields.split('.') {
            node = node.map(|n| api.resolve(n)).and_then(|n| match &n.kind {
                Kind::Seq(items) => field.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => n.get(field),
            });
        }
        let Some(node) = node else {
            let id = &operation.id;
            self.error(
                pos,
                format!("operation `{id}` of source description `{name}` has no field `{fields}`"),
                Some(format!(
                    "an Operation Object has fields such as `operationId`, `summary`, `description` and `tags`; `$sourceDescriptions.{name}.{id}` alone yields the id"
                )),
            );
            return Some(None);
        };
        Some(Some(constant(api, node, 0)))
    }

    /// `$url`, `$method` or `$request.…` read after the step's request was sent.
    pub(super) fn sent(
        &mut self,
        e: &Expr,
        pos: Pos,
        operation: Option<&Operation>,
    ) -> Option<ValuePlan> {
        Some(match e {
            Expr::Url => ValuePlan::Url,
            Expr::Method => ValuePlan::Method,
            Expr::Request(source) => {
                if let (Source::Path(name), Some(op)) = (source, operation) {
                    let path_params = op.params.iter().filter(|p| p.location == "path");
                    if !path_params.clone().any(|p| p.name == *name) {
                        let hint = suggest(name, path_params.map(|p| p.name.as_str()));
                        self.error(
                            pos,
                            format!(
                                "`$request.path.{name}`: operation `{}` has no path parameter `{name}`",
                                op.id
                            ),
                            hint,
                        );
                        return None;
                    }
                }
                ValuePlan::Request(source.clone())
            }
            _ => return None,
        })
    }

    fn step_output(
        &mut self,
        step: &str,
        output: Option<&str>,
        pointer: &Option<JsonPointer>,
        pos: Pos,
        ctx: &Ctx,
    ) -> Option<ValuePlan> {
        let scope = ctx.steps;
        let Some(index) = scope.ids.iter().position(|s| s == step) else {
            if scope.dropped.iter().any(|s| s == step) {
                return None;
            }
            let hint = suggest(step, scope.ids.iter().map(String::as_str));
            self.error(
                pos,
                format!("`$steps.{step}`: the workflow has no step `{step}`"),
                hint,
            );
            return None;
        };
        let Some(output) = output else {
            self.error(
                pos,
                format!("`$steps.{step}` must name an output: `$steps.{step}.outputs.NAME`"),
                None,
            );
            return None;
        };
        let outputs = &scope.outputs[index];
        let Some(found) = outputs.iter().find(|o| o.name == output) else {
            if scope.rejected(index, output) {
                return None;
            }
            // Another step that has this very output is more likely meant than a similar name.
            let elsewhere = (0..scope.ids.len())
                .find(|&i| i != index && scope.outputs[i].iter().any(|o| o.name == output));
            let member = expr::split_members(output)
                .filter(|(name, _)| outputs.iter().any(|o| o.name == *name));
            let hint = match (member, elsewhere) {
                (Some((name, pointer)), _) => Some(format!(
                    "did you mean `$steps.{step}.outputs.{name}#{pointer}`?"
                )),
                (None, Some(i)) => Some(format!(
                    "step `{}` has it: `$steps.{}.outputs.{output}`",
                    scope.ids[i], scope.ids[i]
                )),
                (None, None) => suggest(output, outputs.iter().map(|o| o.name.as_str())),
            };
            self.error(pos, format!("step `{step}` has no output `{output}`"), hint);
            return None;
        };
        let (may, certain) = match ctx.reader {
            Some(reader) if reader == index && ctx.own_outputs => (true, true),
            Some(reader) => (
                ctx.flow.may_before(reader, index),
                ctx.flow.must_before(reader, index),
            ),
            None => (ctx.flow.may_at_end(index), ctx.flow.must_at_end(index)),
        };
        if !may {
            let message = match ctx.reader {
                Some(reader) if reader == index => format!(
                    "`$steps.{step}.outputs.{output}` is read by step `{step}` itself, before its outputs exist"
                ),
                Some(_) => {
                    format!("`$steps.{step}.outputs.{output}` is read before step `{step}` runs")
                }
                None => format!(
                    "`$steps.{step}.outputs.{output}`: step `{step}` never completes before the workflow ends"
                ),
            };
            self.error(pos, message, None);
            return None;
        }
        // A decoded output keeps only what its schema declares: a member it lacks is never there.
        if let Some((pointer, outside)) = pointer
            .as_ref()
            .and_then(|p| Some((p, self.types.pointer_outside(&found.ty, p)?)))
        {
            let hint = suggest(&outside.token, outside.members.iter().map(String::as_str));
            self.error(
                pos,
                format!(
                    "`$steps.{step}.outputs.{output}#{pointer}` never finds `{}`: the output is decoded into the type of its schema, which has no such member (members the schema does not declare are dropped)",
                    outside.token
                ),
                hint,
            );
            return None;
        }
        Some(ValuePlan::StepOutput {
            var: found.var.clone(),
            ty: found.ty.clone(),
            step: step.to_owned(),
            output: output.to_owned(),
            certain,
            pointer: pointer.clone(),
        })
    }
}

/// A value of an OpenAPI description as a constant of the plan, `$ref`s followed; nesting past
/// 32 levels (a recursive schema) is cut to `null`.
fn constant(api: &crate::openapi::OpenApi, node: &Node, depth: usize) -> ValuePlan {
    let node = api.resolve(node);
    if depth > 32 {
        return ValuePlan::Literal(LiteralJson::Null);
    }
    match &node.kind {
        Kind::Null => ValuePlan::Literal(LiteralJson::Null),
        Kind::Bool(b) => ValuePlan::Literal(LiteralJson::Bool(*b)),
        Kind::Int(i) => ValuePlan::Literal(LiteralJson::Int(*i)),
        Kind::Float(f) => ValuePlan::Literal(LiteralJson::Float(*f)),
        Kind::Str(text) => ValuePlan::Literal(LiteralJson::Str(text.clone())),
        Kind::Seq(items) => {
            ValuePlan::Array(items.iter().map(|i| constant(api, i, depth + 1)).collect())
        }
        Kind::Map(members) => ValuePlan::object(
            members
                .iter()
                .map(|(key, value)| (key.name.clone(), constant(api, value, depth + 1)))
                .collect(),
        ),
    }
}
