//! Binds the Arazzo model to its OpenAPI operations, checks every reference, and produces the plan
//! the emitter turns into Rust: typed inputs, per-step request recipes, criteria, typed outputs.

use heck::ToUpperCamelCase;

use crate::diag::{Diagnostic, Diagnostics, Pos, suggest};
use crate::expr::{self, Condition, Expr, Operand, Piece, Source, StringValue};
use crate::load::{Kind, Node};
use crate::model::{Criterion, Document, Parameter, Spanned, Step, Target, Workflow};
use crate::names;
use crate::openapi::{OpenApi, Operation, SchemeKind};
use crate::types::{Field, RustType, StructDef, TypeRegistry};

/// A source description that was loaded.
pub struct LoadedSource {
    /// Its `name` in the Arazzo document.
    pub name: String,
    /// The OpenAPI description.
    pub api: std::sync::Arc<OpenApi>,
}

/// Everything the emitter needs.
#[derive(Debug)]
pub struct Plan {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The Arazzo file, as shown to the user.
    pub file: String,
    /// One per workflow.
    pub workflows: Vec<WorkflowPlan>,
    /// Generated enums and structs.
    pub types: TypeRegistry,
}

/// One workflow's function.
#[derive(Debug)]
pub struct WorkflowPlan {
    /// `workflowId`.
    pub id: String,
    /// The function name.
    pub fn_name: String,
    /// The inputs struct's name.
    pub inputs: String,
    /// The outputs struct.
    pub outputs: StructDef,
    /// Where each output field's value comes from, in field order.
    pub output_values: Vec<ValuePlan>,
    /// The steps, in order.
    pub steps: Vec<StepPlan>,
    /// Doc lines of the function.
    pub doc: Vec<String>,
}

/// One step.
#[derive(Debug)]
pub struct StepPlan {
    /// `stepId`.
    pub id: String,
    /// The operation it calls.
    pub op: OperationPlan,
    /// `(in, name, value)`.
    pub params: Vec<(String, String, ValuePlan)>,
    /// `(content type, payload)`.
    pub body: Option<(String, ValuePlan)>,
    /// Success criteria, all of which must hold.
    pub criteria: Vec<CriterionPlan>,
    /// The step's outputs.
    pub outputs: Vec<StepOutput>,
}

/// The operation a step calls, as `const` data.
#[derive(Debug)]
pub struct OperationPlan {
    /// Source description name.
    pub source: String,
    /// The description's first server.
    pub default_server: String,
    /// `operationId`.
    pub id: String,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Security alternatives, each a list of `(scheme name, kind)`.
    pub security: Vec<Vec<(String, SchemeKind)>>,
}

/// A step output: a typed local variable.
#[derive(Debug)]
pub struct StepOutput {
    /// The output's name.
    pub name: String,
    /// The local variable holding it.
    pub var: String,
    /// Its type.
    pub ty: RustType,
    /// The expression as written.
    pub expression: String,
    /// Where the value comes from.
    pub from: OutputSource,
}

/// Where a step output's value is read.
#[derive(Debug)]
pub enum OutputSource {
    /// `$statusCode`
    Status,
    /// `$response.header.NAME`
    Header(String),
    /// `$response.body#POINTER`
    Body(String),
}

/// A value computed at run time (a parameter, a payload, a workflow output).
#[derive(Debug, Clone)]
pub enum ValuePlan {
    /// A literal JSON value.
    Literal(LiteralJson),
    /// An array of values.
    Array(Vec<ValuePlan>),
    /// An object of values.
    Object(Vec<(String, ValuePlan)>),
    /// A workflow input field, optionally with a pointer into it.
    Input {
        /// The field name.
        field: String,
        /// The type of the field.
        ty: RustType,
    },
    /// A step output variable.
    StepOutput {
        /// The variable.
        var: String,
        /// Its type.
        ty: RustType,
    },
    /// A string with embedded values.
    Template(Vec<TemplatePiece>),
    /// `$statusCode` of the current response (criteria only).
    Status,
    /// `$response.header.NAME` (criteria only).
    ResponseHeader(String),
    /// `$response.body#POINTER` (criteria only).
    ResponseBody(String),
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralJson {
    /// `null`
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
}

/// A piece of a string template.
#[derive(Debug, Clone)]
pub enum TemplatePiece {
    /// Literal text.
    Text(String),
    /// An embedded value.
    Value(ValuePlan),
}

/// A success criterion.
#[derive(Debug)]
pub struct CriterionPlan {
    /// The condition as written, for error messages.
    pub text: String,
    /// What it checks.
    pub check: CheckPlan,
}

/// A compiled criterion.
#[derive(Debug)]
pub enum CheckPlan {
    /// A simple condition.
    Simple(CondPlan),
    /// A regex over the text of a value.
    Regex {
        /// The value matched.
        context: ValuePlan,
        /// The pattern (already checked to compile).
        pattern: String,
    },
}

/// A simple condition with its operands resolved.
#[derive(Debug)]
pub enum CondPlan {
    /// `||`
    Or(Box<CondPlan>, Box<CondPlan>),
    /// `&&`
    And(Box<CondPlan>, Box<CondPlan>),
    /// `!`
    Not(Box<CondPlan>),
    /// A comparison.
    Compare(ValuePlan, expr::CmpOp, ValuePlan),
    /// A bare value.
    Truthy(ValuePlan),
}

/// Where an expression is being read: decides which roots are meaningful.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A parameter or request body: before the step's response exists.
    Request,
    /// A criterion or step output: the step's response is in scope.
    Response,
    /// Workflow outputs.
    WorkflowOutputs,
}

struct Planner<'a> {
    file: &'a str,
    sources: &'a [LoadedSource],
    /// A source description failed to load (already reported): an operationId that is not found
    /// may well be in it, so it is not reported again.
    sources_incomplete: bool,
    diags: &'a mut Diagnostics,
    types: TypeRegistry,
}

/// What the inputs of the workflow being planned are.
struct InputScope {
    fields: Vec<Field>,
}

/// What earlier steps made available.
struct StepScope<'w> {
    order: Vec<&'w str>,
    /// The index of the step being planned (`order.len()` once all are).
    current: usize,
    outputs: Vec<(String, Vec<StepOutputRef>)>,
}

struct StepOutputRef {
    name: String,
    var: String,
    ty: RustType,
}

/// Plans every workflow of `doc`.
pub fn plan(doc: &Document, file: &str, sources: &[LoadedSource], diags: &mut Diagnostics) -> Plan {
    let mut planner = Planner {
        file,
        sources,
        sources_incomplete: sources.len() < doc.sources.len(),
        diags,
        types: TypeRegistry::default(),
    };
    let mut seen: Vec<&Spanned<String>> = Vec::new();
    let mut workflows = Vec::new();
    for workflow in &doc.workflows {
        if let Some(first) = seen.iter().find(|w| w.value == workflow.id.value) {
            let message = format!(
                "duplicate workflowId `{}` (first defined at line {})",
                workflow.id.value, first.pos.line
            );
            planner.error(workflow.id.pos, message, None);
            continue;
        }
        seen.push(&workflow.id);
        workflows.push(planner.workflow(doc, workflow));
    }
    Plan {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        file: file.to_owned(),
        workflows,
        types: planner.types,
    }
}

impl<'a> Planner<'a> {
    fn error(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.diags
            .push(Diagnostic::new(self.file, Some(pos), message).with_hint(hint));
    }

    fn workflow(&mut self, doc: &Document, workflow: &Workflow) -> WorkflowPlan {
        let base = names::type_name(&workflow.id.value);
        let fn_name = names::field_name(&workflow.id.value);
        let inputs_name = format!("{base}Inputs");

        let mut doc_lines = vec![format!(
            "Inputs of [`{fn_name}`] (workflow `{}`).",
            workflow.id.value
        )];
        if let Some(summary) = &workflow.summary {
            doc_lines.push(String::new());
            doc_lines.push(summary.clone());
        }
        let empty = Node {
            pos: Pos::default(),
            kind: Kind::Map(Vec::new()),
        };
        let schema = workflow.inputs.as_ref().unwrap_or(&empty);
        let inputs_name = self.types.input_struct(schema, &inputs_name, doc_lines);
        let fields = self
            .types
            .structs
            .iter()
            .find(|s| s.name == inputs_name)
            .map(|s| s.fields.clone())
            .unwrap_or_default();
        let inputs = InputScope { fields };

        let mut scope = StepScope {
            order: workflow.steps.iter().map(|s| s.id.value.as_str()).collect(),
            current: 0,
            outputs: Vec::new(),
        };
        let mut steps = Vec::new();
        let mut seen: Vec<&Spanned<String>> = Vec::new();
        for (index, step) in workflow.steps.iter().enumerate() {
            scope.current = index;
            if let Some(first) = seen.iter().find(|s| s.value == step.id.value) {
                let message = format!(
                    "duplicate stepId `{}` in workflow `{}` (first defined at line {})",
                    step.id.value, workflow.id.value, first.pos.line
                );
                self.error(step.id.pos, message, None);
                continue;
            }
            seen.push(&step.id);
            if let Some(plan) = self.step(&workflow.id.value, step, &inputs, &scope) {
                scope.outputs.push((
                    step.id.value.clone(),
                    plan.outputs
                        .iter()
                        .map(|o| StepOutputRef {
                            name: o.name.clone(),
                            var: o.var.clone(),
                            ty: o.ty.clone(),
                        })
                        .collect(),
                ));
                steps.push(plan);
            } else {
                // Still check everything the step reads, and let later steps refer to its
                // outputs, so one mistake does not hide others or cause false ones.
                let outputs = self.check_unbound_step(step, &inputs, &scope);
                scope.outputs.push((step.id.value.clone(), outputs));
            }
        }
        scope.current = scope.order.len();

        let mut outputs = StructDef {
            name: self.types.free_name(&format!("{base}Outputs")),
            doc: vec![format!(
                "Outputs of [`{fn_name}`] (workflow `{}`).",
                workflow.id.value
            )],
            fields: Vec::new(),
        };
        let mut output_values = Vec::new();
        for (name, expression) in &workflow.outputs {
            let value = self.value_expr(expression, Place::WorkflowOutputs, &inputs, &scope);
            let Some(value) = value else { continue };
            let ty = match &value {
                ValuePlan::Input { ty, .. } | ValuePlan::StepOutput { ty, .. } => ty.clone(),
                _ => RustType::Json,
            };
            outputs.fields.push(Field {
                ident: names::field_name(&name.value),
                wire: name.value.clone(),
                ty,
                doc: Some(format!("`{}`: `{}`", name.value, expression.value)),
            });
            output_values.push(value);
        }
        names::dedupe_fields(&mut outputs.fields);

        let mut doc_lines = Vec::new();
        if let Some(summary) = &workflow.summary {
            doc_lines.push(summary.clone());
            doc_lines.push(String::new());
        }
        if let Some(description) = &workflow.description {
            doc_lines.push(description.trim().to_owned());
            doc_lines.push(String::new());
        }
        doc_lines.push(format!(
            "Workflow `{}` of *{}* (version {}), compiled from `{}`.",
            workflow.id.value, doc.info.title, doc.info.version, self.file
        ));
        doc_lines.push(String::new());
        doc_lines.push("# Steps".to_owned());
        doc_lines.push(String::new());
        for (i, (step, plan)) in workflow.steps.iter().zip(&steps).enumerate() {
            let mut line = format!(
                "{}. `{}`: `{}` (`{} {}`)",
                i + 1,
                plan.id,
                plan.op.id,
                plan.op.method,
                plan.op.path
            );
            if let Some(description) = &step.description {
                line.push_str(&format!(": {}", description.trim()));
            }
            doc_lines.push(line);
        }
        doc_lines.push(String::new());
        doc_lines.push("# Errors".to_owned());
        doc_lines.push(String::new());
        doc_lines.push(
            "[`arazzo_runtime::Error`] naming the step when a request fails, a success criterion \
             does not hold, or an output is missing from a response."
                .to_owned(),
        );

        WorkflowPlan {
            id: workflow.id.value.clone(),
            fn_name,
            inputs: inputs_name,
            outputs,
            output_values,
            steps,
            doc: doc_lines,
        }
    }

    fn find_operation(
        &mut self,
        id: &Spanned<String>,
    ) -> Option<(&'a LoadedSource, &'a Operation)> {
        let sources = self.sources;
        let found: Vec<(&'a LoadedSource, &'a Operation)> = sources
            .iter()
            .filter_map(|s| s.api.operation(&id.value).map(|op| (s, op)))
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            [] if self.sources_incomplete => None,
            [] => {
                let all = sources
                    .iter()
                    .flat_map(|s| s.api.operations.iter().map(|o| o.id.as_str()));
                let hint = suggest(&id.value, all);
                let files: Vec<&str> = sources.iter().map(|s| s.api.file.as_str()).collect();
                self.error(
                    id.pos,
                    format!(
                        "operationId `{}` is not in {}",
                        id.value,
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
                        "operationId `{}` is ambiguous: it is in {}",
                        id.value,
                        names.join(", ")
                    ),
                    None,
                );
                None
            }
        }
    }

    fn step(
        &mut self,
        workflow: &str,
        step: &Step,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<StepPlan> {
        let Some(Target::OperationId(op_id)) = &step.target else {
            return None;
        };
        let (source, op) = self.find_operation(op_id)?;
        let api = &source.api;
        let security = op
            .security
            .iter()
            .map(|alternative| {
                alternative
                    .iter()
                    .filter_map(|name| {
                        api.schemes
                            .iter()
                            .find(|(n, _)| n == name)
                            .map(|(n, k)| (n.clone(), k.clone()))
                    })
                    .collect()
            })
            .collect();
        let op_plan = OperationPlan {
            source: source.name.clone(),
            default_server: api.servers.first().cloned().unwrap_or_default(),
            id: op.id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            security,
        };

        let mut params = Vec::new();
        for param in &step.parameters {
            let Some(plan) = self.parameter(param, op, inputs, scope) else {
                continue;
            };
            if params
                .iter()
                .any(|(location, name, _): &(String, String, ValuePlan)| {
                    *location == plan.0 && *name == plan.1
                })
            {
                self.error(
                    param.pos,
                    format!("parameter `{}` in {} is given twice", plan.1, plan.0),
                    None,
                );
                continue;
            }
            params.push(plan);
        }
        for required in op.params.iter().filter(|p| p.required) {
            let set = step
                .parameters
                .iter()
                .any(|p| p.name.value == required.name);
            if !set {
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

        let body = step.request_body.as_ref().and_then(|body| {
            let content_type = body
                .content_type
                .as_ref()
                .map(|c| c.value.clone())
                .or_else(|| op.request_media.first().cloned())
                .unwrap_or_else(|| "application/json".to_owned());
            let payload = body.payload.as_ref()?;
            let value = self.value_node(payload, Place::Request, inputs, scope)?;
            Some((content_type, value))
        });

        let criteria: Vec<CriterionPlan> = step
            .success_criteria
            .iter()
            .filter_map(|c| self.criterion(c, inputs, scope))
            .collect();
        let success_schema = success_schema(op, &criteria);
        let mut outputs = Vec::new();
        for (name, expression) in &step.outputs {
            let var = format!(
                "{}__{}",
                names::field_name(&step.id.value).trim_start_matches("r#"),
                names::field_name(&name.value).trim_start_matches("r#")
            );
            let parsed = match expr::parse_expr(&expression.value) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.expr_error(expression.pos, &expression.value, e);
                    continue;
                }
            };
            let hint = format!(
                "{}{}",
                names::type_name(workflow),
                name.value.to_upper_camel_case()
            );
            let (from, ty) = match parsed {
                Expr::StatusCode => (OutputSource::Status, RustType::U16),
                Expr::Response(Source::Header(header)) => {
                    (OutputSource::Header(header), RustType::String)
                }
                Expr::Response(Source::Body(pointer)) => {
                    let pointer = pointer.unwrap_or_default();
                    let ty = match success_schema {
                        Some(schema) => self.types.output_type(api, schema, &pointer, &hint),
                        None => RustType::Json,
                    };
                    (OutputSource::Body(pointer), ty)
                }
                other => {
                    self.error(
                        expression.pos,
                        format!(
                            "step output `{}` reads `{other}`; only `$statusCode`, `$response.header.NAME` and `$response.body` are supported in step outputs yet",
                            name.value
                        ),
                        None,
                    );
                    continue;
                }
            };
            outputs.push(StepOutput {
                name: name.value.clone(),
                var,
                ty,
                expression: expression.value.clone(),
                from,
            });
        }

        Some(StepPlan {
            id: step.id.value.clone(),
            op: op_plan,
            params,
            body,
            criteria,
            outputs,
        })
    }

    /// Checks the expressions of a step whose operation could not be found; its outputs become
    /// untyped so that later references to them are still checked by name.
    fn check_unbound_step(
        &mut self,
        step: &Step,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Vec<StepOutputRef> {
        for param in &step.parameters {
            self.value_node(&param.value, Place::Request, inputs, scope);
        }
        if let Some(payload) = step.request_body.as_ref().and_then(|b| b.payload.as_ref()) {
            self.value_node(payload, Place::Request, inputs, scope);
        }
        for criterion in &step.success_criteria {
            self.criterion(criterion, inputs, scope);
        }
        step.outputs
            .iter()
            .filter_map(|(name, expression)| {
                self.value_expr(expression, Place::Response, inputs, scope)?;
                Some(StepOutputRef {
                    name: name.value.clone(),
                    var: String::new(),
                    ty: RustType::Json,
                })
            })
            .collect()
    }

    fn parameter(
        &mut self,
        param: &Parameter,
        op: &Operation,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<(String, String, ValuePlan)> {
        let name = &param.name.value;
        let declared: Vec<&crate::openapi::OpParam> =
            op.params.iter().filter(|p| p.name == *name).collect();
        let location = match (&param.location, declared.as_slice()) {
            (None, _) => {
                self.error(
                    param.pos,
                    format!("parameter `{name}` needs `in` (path, query, header or cookie) in a step that calls an operation"),
                    declared.first().map(|p| format!("operation `{}` declares it `in: {}`", op.id, p.location)),
                );
                return None;
            }
            (Some(location), []) => {
                let hint = suggest(name, op.params.iter().map(|p| p.name.as_str()));
                // Headers such as correlation ids are often sent without being described.
                if location.value != "header" {
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
                location.value.clone()
            }
            (Some(location), declared) => {
                if !declared.iter().any(|p| p.location == location.value) {
                    self.error(
                        location.pos,
                        format!(
                            "parameter `{name}` of operation `{}` is `in: {}`, not `in: {}`",
                            op.id, declared[0].location, location.value
                        ),
                        None,
                    );
                    return None;
                }
                location.value.clone()
            }
        };
        let value = self.value_node(&param.value, Place::Request, inputs, scope)?;
        Some((location, name.clone(), value))
    }

    fn criterion(
        &mut self,
        criterion: &Criterion,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<CriterionPlan> {
        let text = criterion.condition.value.clone();
        let pos = criterion.condition.pos;
        let check = match criterion.kind.value.as_str() {
            "regex" => {
                let context = criterion.context.as_ref()?;
                let value = self.value_expr(context, Place::Response, inputs, scope)?;
                if let Err(e) = regex::Regex::new(&text) {
                    self.error(
                        pos,
                        format!("the regex `{text}` does not compile: {e}"),
                        None,
                    );
                    return None;
                }
                CheckPlan::Regex {
                    context: value,
                    pattern: text.clone(),
                }
            }
            "simple" => {
                let cond = match expr::parse_condition(&text) {
                    Ok(cond) => cond,
                    Err(e) => {
                        self.expr_error(pos, &text, e);
                        return None;
                    }
                };
                CheckPlan::Simple(self.condition(&cond, pos, inputs, scope)?)
            }
            _ => return None,
        };
        Some(CriterionPlan { text, check })
    }

    fn condition(
        &mut self,
        cond: &Condition,
        pos: Pos,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<CondPlan> {
        Some(match cond {
            Condition::Or(a, b) => CondPlan::Or(
                Box::new(self.condition(a, pos, inputs, scope)?),
                Box::new(self.condition(b, pos, inputs, scope)?),
            ),
            Condition::And(a, b) => CondPlan::And(
                Box::new(self.condition(a, pos, inputs, scope)?),
                Box::new(self.condition(b, pos, inputs, scope)?),
            ),
            Condition::Not(a) => CondPlan::Not(Box::new(self.condition(a, pos, inputs, scope)?)),
            Condition::Compare(a, op, b) => CondPlan::Compare(
                self.operand(a, pos, inputs, scope)?,
                *op,
                self.operand(b, pos, inputs, scope)?,
            ),
            Condition::Truthy(a) => CondPlan::Truthy(self.operand(a, pos, inputs, scope)?),
        })
    }

    fn operand(
        &mut self,
        operand: &Operand,
        pos: Pos,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<ValuePlan> {
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
            Operand::Expr(e) => self.resolve(e, pos, Place::Response, inputs, scope),
        }
    }

    fn expr_error(&mut self, pos: Pos, text: &str, e: expr::ExprError) {
        let pos = Pos {
            line: pos.line,
            col: pos.col + e.offset,
        };
        self.error(pos, format!("in `{text}`: {}", e.message), e.hint);
    }

    /// A string field that must be one whole runtime expression (outputs, criterion contexts).
    fn value_expr(
        &mut self,
        text: &Spanned<String>,
        place: Place,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<ValuePlan> {
        match expr::parse_expr(&text.value) {
            Ok(e) => self.resolve(&e, text.pos, place, inputs, scope),
            Err(e) => {
                self.expr_error(text.pos, &text.value, e);
                None
            }
        }
    }

    /// A value that may be a literal, an expression, a template, or a tree of those.
    fn value_node(
        &mut self,
        node: &Node,
        place: Place,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<ValuePlan> {
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
                Ok(StringValue::Expr(e)) => self.resolve(&e, node.pos, place, inputs, scope)?,
                Ok(StringValue::Template(pieces)) => {
                    if let [Piece::Text(text)] | [Piece::Text(text), ..] = pieces.as_slice()
                        && pieces.len() == 1
                    {
                        ValuePlan::Literal(LiteralJson::Str(text.clone()))
                    } else if pieces.is_empty() {
                        ValuePlan::Literal(LiteralJson::Str(String::new()))
                    } else {
                        let mut out = Vec::new();
                        for piece in pieces {
                            out.push(match piece {
                                Piece::Text(t) => TemplatePiece::Text(t),
                                Piece::Expr(e) => TemplatePiece::Value(
                                    self.resolve(&e, node.pos, place, inputs, scope)?,
                                ),
                            });
                        }
                        ValuePlan::Template(out)
                    }
                }
            },
            Kind::Seq(items) => ValuePlan::Array(
                items
                    .iter()
                    .map(|item| self.value_node(item, place, inputs, scope))
                    .collect::<Option<Vec<_>>>()?,
            ),
            Kind::Map(entries) => ValuePlan::Object(
                entries
                    .iter()
                    .map(|(k, v)| Some((k.name.clone(), self.value_node(v, place, inputs, scope)?)))
                    .collect::<Option<Vec<_>>>()?,
            ),
        })
    }

    /// Resolves a runtime expression against what is in scope at `place`.
    fn resolve(
        &mut self,
        e: &Expr,
        pos: Pos,
        place: Place,
        inputs: &InputScope,
        scope: &StepScope,
    ) -> Option<ValuePlan> {
        let meaningless = |what: &str| -> String {
            match place {
                Place::Request => format!(
                    "`{what}` has no meaning in a request: the step's response does not exist yet"
                ),
                Place::WorkflowOutputs => format!(
                    "`{what}` has no meaning in workflow outputs; read a step output with `$steps.STEP.outputs.NAME`"
                ),
                Place::Response => format!("`{what}` is not supported here yet"),
            }
        };
        match e {
            Expr::Inputs { name, pointer } => {
                let Some(field) = inputs.fields.iter().find(|f| f.wire == *name) else {
                    let hint = suggest(name, inputs.fields.iter().map(|f| f.wire.as_str()));
                    self.error(
                        pos,
                        format!("`$inputs.{name}`: the workflow has no input `{name}`"),
                        hint,
                    );
                    return None;
                };
                if pointer.is_some() {
                    self.error(
                        pos,
                        "a JSON pointer into an input is not supported yet".to_owned(),
                        None,
                    );
                    return None;
                }
                Some(ValuePlan::Input {
                    field: field.ident.clone(),
                    ty: field.ty.clone(),
                })
            }
            Expr::Steps {
                step,
                output,
                pointer,
            } => {
                let Some(index) = scope.order.iter().position(|s| s == step) else {
                    let hint = suggest(step, scope.order.iter().copied());
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
                        format!(
                            "`$steps.{step}` must name an output: `$steps.{step}.outputs.NAME`"
                        ),
                        None,
                    );
                    return None;
                };
                let Some((_, outputs)) = scope.outputs.iter().find(|(s, _)| s == step) else {
                    let current = scope.current;
                    let message = if index == current && place != Place::WorkflowOutputs {
                        format!(
                            "`$steps.{step}.outputs.{output}` is read by step `{step}` itself, before its outputs exist"
                        )
                    } else if index > current {
                        format!(
                            "`$steps.{step}.outputs.{output}` is read before step `{step}` runs"
                        )
                    } else {
                        // The step failed to plan; its own errors were reported.
                        return None;
                    };
                    self.error(pos, message, None);
                    return None;
                };
                let Some(found) = outputs.iter().find(|o| o.name == *output) else {
                    let hint = suggest(output, outputs.iter().map(|o| o.name.as_str()));
                    self.error(pos, format!("step `{step}` has no output `{output}`"), hint);
                    return None;
                };
                if pointer.is_some() {
                    self.error(
                        pos,
                        "a JSON pointer into a step output is not supported yet".to_owned(),
                        None,
                    );
                    return None;
                }
                Some(ValuePlan::StepOutput {
                    var: found.var.clone(),
                    ty: found.ty.clone(),
                })
            }
            Expr::StatusCode if place == Place::Response => Some(ValuePlan::Status),
            Expr::Response(Source::Header(name)) if place == Place::Response => {
                Some(ValuePlan::ResponseHeader(name.clone()))
            }
            Expr::Response(Source::Body(pointer)) if place == Place::Response => {
                Some(ValuePlan::ResponseBody(pointer.clone().unwrap_or_default()))
            }
            Expr::StatusCode => {
                self.error(pos, meaningless("$statusCode"), None);
                None
            }
            Expr::Response(_) => {
                self.error(pos, meaningless("$response"), None);
                None
            }
            other => {
                self.error(pos, format!("`{other}` is not supported yet"), None);
                None
            }
        }
    }
}

/// The JSON schema of the response a successful step gets: the status its criteria require
/// (`$statusCode == 201`), else the first 2xx response, else `default`.
fn success_schema<'o>(op: &'o Operation, criteria: &[CriterionPlan]) -> Option<&'o Node> {
    let wanted = criteria.iter().find_map(|c| match &c.check {
        CheckPlan::Simple(cond) => required_status(cond),
        CheckPlan::Regex { .. } => None,
    });
    let pick = |code: &str| op.responses.iter().find(|(c, _)| c == code);
    let chosen = wanted
        .map(|code| code.to_string())
        .as_deref()
        .and_then(pick)
        .or_else(|| op.responses.iter().find(|(c, _)| c.starts_with('2')))
        .or_else(|| pick("default"));
    chosen.and_then(|(_, schema)| schema.as_ref())
}

/// The status a condition requires, when it says `$statusCode == N` (alone or in an `&&`).
fn required_status(cond: &CondPlan) -> Option<i64> {
    match cond {
        CondPlan::Compare(
            ValuePlan::Status,
            expr::CmpOp::Eq,
            ValuePlan::Literal(LiteralJson::Int(n)),
        )
        | CondPlan::Compare(
            ValuePlan::Literal(LiteralJson::Int(n)),
            expr::CmpOp::Eq,
            ValuePlan::Status,
        ) => Some(*n),
        CondPlan::And(a, b) => required_status(a).or_else(|| required_status(b)),
        _ => None,
    }
}
