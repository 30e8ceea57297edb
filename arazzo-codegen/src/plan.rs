//! Binds the Arazzo model to its OpenAPI operations, checks every reference, and produces the plan
//! the emitter turns into Rust: typed inputs, per-step request recipes, criteria, actions and
//! typed outputs.
//!
//! One submodule per concern: [`calls`] orders workflows by who calls whom, [`flow`] works out
//! which steps can have run before each point, [`step`] binds steps to operations, [`values`]
//! resolves runtime expressions, [`actions`] compiles success and failure actions.

mod actions;
mod calls;
mod checks;
mod embedded;
mod flow;
mod inputs;
mod payload;
mod presence;
mod step;
mod values;
mod xpath;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::expr;
use crate::http::{HttpMethod, ParameterLocation};
use crate::load::{Kind, Node};
use crate::model::{Document, OutputValue, Spanned, Workflow};
use crate::names;
use crate::openapi::{OpenApi, SchemeKind};
use crate::pointer::JsonPointer;
use crate::types::{Field, RustType, StructDef, TypeId, TypeRegistry};

use flow::Flow;
use values::{Ctx, Place};

/// A source description that was loaded.
pub struct LoadedSource {
    /// Its `name` in the Arazzo document.
    pub name: String,
    /// The OpenAPI description.
    pub api: std::sync::Arc<OpenApi>,
}

/// An `arazzo` source description: another document, planned on its own, whose workflows
/// steps may call as `$sourceDescriptions.NAME.WORKFLOW_ID`.
#[derive(Debug)]
pub struct ArazzoSource {
    /// Its `name` in the calling document.
    pub name: String,
    /// The module its items are emitted in.
    pub module: String,
    /// Its plan.
    pub plan: Plan,
}

/// Everything the emitter needs.
#[derive(Debug)]
pub struct Plan {
    /// The Arazzo file, as shown to the user.
    pub file: String,
    /// One per workflow, in document order.
    pub workflows: Vec<WorkflowPlan>,
    /// Generated enums and structs.
    pub types: TypeRegistry,
    /// The Arazzo documents this one calls workflows of, each emitted in its own module.
    pub imported: Vec<ArazzoSource>,
    /// What callers in other documents need of each workflow.
    signatures: Vec<Signature>,
}

/// One workflow's function.
#[derive(Debug)]
pub struct WorkflowPlan {
    /// `workflowId`.
    pub id: String,
    /// The function name.
    pub fn_name: String,
    /// The inputs struct.
    pub inputs: TypeId,
    /// The outputs struct.
    pub outputs: StructDef,
    /// Each output field's value and how it is kept in the field's type, in field order.
    pub output_values: Vec<(ValuePlan, Keep)>,
    /// Workflows (`dependsOn`) that run first, in order.
    pub depends_on: Vec<WorkflowCall>,
    /// The steps, in order.
    pub steps: Vec<StepPlan>,
    /// How many `retry` actions the workflow has (each keeps its own attempt count).
    pub retry_slots: usize,
    /// Doc lines of the function.
    pub doc: Vec<String>,
}

/// A call of another workflow of the document whose inputs come from the caller's own inputs,
/// by name (`dependsOn`, `goto`/`retry` to a workflow).
#[derive(Debug, Clone)]
pub struct WorkflowCall {
    /// The called `workflowId`.
    pub id: String,
    /// Its function.
    pub fn_name: String,
    /// The local variable its outputs are kept in (`dependsOn` only).
    pub var: String,
    /// Its inputs struct; `None` for a `goto` that closes a loop of them, whose target is not
    /// planned yet (a `goto` passes inputs without naming their type).
    pub inputs: Option<TypeId>,
    /// Whether the inputs it ran with are kept (`$workflows.W.inputs.X` reads them;
    /// `dependsOn` only).
    pub keeps_inputs: bool,
    /// Its inputs from an action's `parameters` (Arazzo 1.1), each named by the input's wire
    /// name; `None`: the caller's inputs, by name.
    pub args: Option<Vec<Member>>,
    /// The call closes a loop of `goto`s between workflows: its future is boxed.
    pub recursive: bool,
    /// What is known of it.
    signature: Signature,
}

impl WorkflowCall {
    /// The called workflow's own `workflowId` (without `$sourceDescriptions.NAME.`).
    pub fn workflow_id(&self) -> &str {
        self.id
            .strip_prefix("$sourceDescriptions.")
            .and_then(|rest| rest.split_once('.'))
            .map_or(self.id.as_str(), |(_, id)| id)
    }

    /// The local variable the inputs it ran with are kept in (`dependsOn` only).
    pub fn inputs_var(&self) -> String {
        format!("{}__inputs", self.var)
    }
}

/// One step.
#[derive(Debug)]
pub struct StepPlan {
    /// `stepId`.
    pub id: String,
    /// The variant of the generated step enum.
    pub variant: String,
    /// What the step calls.
    pub call: StepCall,
    /// Success criteria, all of which must hold.
    pub criteria: Vec<CriterionPlan>,
    /// The step's outputs.
    pub outputs: Vec<StepOutput>,
    /// `onSuccess`, then the workflow's `successActions` it does not override.
    pub on_success: Vec<ActionPlan>,
    /// `onFailure`, then the workflow's `failureActions` it does not override.
    pub on_failure: Vec<ActionPlan>,
    /// The index of the next step, `None` for the last.
    pub next: Option<usize>,
    /// Whether criteria, actions or outputs read what was sent (`$url`, `$request.…`), so the
    /// request must be kept after sending.
    pub keeps_request: bool,
    /// `timeout` (Arazzo 1.1), in milliseconds.
    pub timeout_ms: Option<u32>,
    /// Steps of other workflows this one `dependsOn` (Arazzo 1.1), `(workflowId, stepId)`: each
    /// must have completed earlier in the run.
    pub requires: Vec<(String, String)>,
    /// Whether a step of another workflow depends on this one, so the run notes when it
    /// completes.
    pub recorded: bool,
}

/// What a step calls.
#[derive(Debug)]
pub enum StepCall {
    /// An API operation.
    Operation {
        /// The operation.
        op: Box<OperationPlan>,
        /// The parameters, in order.
        params: Vec<ParameterPlan>,
        /// The request body.
        body: Option<BodyPlan>,
    },
    /// Another workflow of the document.
    Workflow {
        /// Its `workflowId`.
        id: String,
        /// Its function.
        fn_name: String,
        /// Its inputs struct (`None`: not known, see [`WorkflowCall::inputs`]).
        inputs: Option<TypeId>,
        /// Its inputs, each named by the input's wire name.
        args: Vec<Member>,
    },
}

/// A parameter of a step that calls an operation.
#[derive(Debug)]
pub struct ParameterPlan {
    /// Where it goes (`in`).
    pub location: ParameterLocation,
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: ValuePlan,
    /// Whether it is sent when what it reads is absent.
    pub presence: Presence,
    /// The description's `style` and `explode` when they are not the location's default
    /// (`form` exploded in a query, `simple` in a path or header).
    pub style: Option<(ParameterStyle, bool)>,
    /// The media type of the description's `content`, when it has one instead of a `style`:
    /// the value is sent as that media type's text (JSON for a JSON media type).
    pub content: Option<String>,
}

/// An OpenAPI 3.x Parameter Object `style` the runtime serialises. It mirrors the runtime's
/// `ParameterStyle` variant for variant: the generator does not depend on the runtime, and emit
/// names the runtime's variant for each of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterStyle {
    /// `form` (query, cookie).
    Form,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
    /// `deepObject` (query).
    DeepObject,
    /// `simple` (path, header).
    Simple,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
}

/// A member of an object value (a payload, a called workflow's inputs).
#[derive(Debug, Clone)]
pub struct Member {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: ValuePlan,
    /// Whether it is there when what it reads is absent.
    pub presence: Presence,
}

/// Whether an object member or a parameter is there when the value it reads whole is absent.
#[derive(Debug, Clone)]
pub enum Presence {
    /// Always: an absent value is `null`.
    Always,
    /// Only when an `Option` holds a value, read at `pointer` (an optional input left out, the
    /// output of a step a `goto` skipped); left out otherwise, rather than sent as `null`.
    WhenSet {
        /// The `Option` read.
        holder: Holder,
        /// A JSON pointer into the value.
        pointer: Option<JsonPointer>,
    },
}

/// An `Option` a value is read from.
#[derive(Debug, Clone)]
pub enum Holder {
    /// The workflow input field.
    Input(String),
    /// The local variable of a step output.
    StepOutput(String),
}
/// A request body.
#[derive(Debug)]
pub struct BodyPlan {
    /// The content type sent.
    pub content_type: String,
    /// The payload (a form written as text is planned as an object of its fields).
    pub payload: ValuePlan,
    /// `(target, value)` replacements applied to the payload, in order.
    pub replacements: Vec<(ReplacementTarget, ValuePlan)>,
    /// How the payload is written into the body.
    pub format: BodyFormat,
    /// What happens when the payload turns out absent at run time (an optional input left
    /// out).
    pub absent: AbsentPayload,
}

/// How a payload is written into a request body, from its content type and how the workflow
/// wrote it.
#[derive(Debug)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded`: the members serialised as the operation's
    /// `encoding` object says of each.
    Form(Vec<crate::openapi::Encoding>),
    /// `multipart/form-data`: one part per member of the payload object, its `Content-Type`
    /// from the operation's `encoding` object or from the member's value.
    Multipart(Vec<crate::openapi::Encoding>),
    /// A JSON content type and a payload written as text: the text is the body, with embedded
    /// values written as JSON.
    JsonText,
    /// Any other content type and a payload written as text: the text is the body.
    Text,
    /// A payload written as YAML/JSON data: serialised as JSON.
    Json,
}

/// What a step does when its payload turns out absent at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbsentPayload {
    /// The payload cannot be absent.
    Impossible,
    /// No body and no `Content-Type` are sent.
    Unsent,
    /// The request is refused before sending, because the operation's `requestBody` is
    /// `required` and the step does not ask to send invalid requests.
    Refused,
}

/// Where a payload replacement writes.
#[derive(Debug, Clone)]
pub enum ReplacementTarget {
    /// An RFC 6901 JSON pointer: that value is set (the last member created when missing).
    Pointer(JsonPointer),
    /// An RFC 9535 JSONPath query (Arazzo 1.1 `targetSelectorType: jsonpath`): every node it
    /// selects is set.
    JsonPath(String),
}

/// The operation a step calls, as `const` data.
#[derive(Debug)]
pub struct OperationPlan {
    /// Source description name.
    pub source: String,
    /// The description's first server.
    pub default_server: String,
    /// `operationId` (or the method and path when it has none).
    pub id: String,
    /// The method.
    pub method: HttpMethod,
    /// Path template.
    pub path: String,
    /// Security alternatives, each a list of `(scheme name, kind, scopes)`.
    pub security: Vec<Vec<(String, SchemeKind, Vec<String>)>>,
    /// The `Accept` header: the media types the responses declare (none: `*/*`).
    pub accept: Option<String>,
}

/// A step output: a typed local variable.
#[derive(Debug, Clone)]
pub struct StepOutput {
    /// The output's name.
    pub name: String,
    /// The local variable holding it (an `Option`, set when the step succeeds).
    pub var: String,
    /// Its type.
    pub ty: RustType,
    /// The expression as written.
    pub expression: String,
    /// Its value: what the runtime expression reads (the step's response or request, the
    /// called workflow's outputs, or any value of the workflow's scope).
    pub from: ValuePlan,
    /// How the value is kept in `ty`.
    pub keep: Keep,
}

/// How an output (of a step or of the workflow) keeps its [`ValuePlan`] in its Rust type:
/// decided in `plan`, so that `emit` only renders it. For values of the workflow's scope the
/// one rule is [`kept`]; a step output read from its exchange is typed from the response schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Read from the step's response (`$statusCode`, a header, the body at a pointer, the body
    /// as text) into the output's type. `lenient`: a header or body member the response lacks
    /// leaves the output unset instead of failing the step (a step with success actions, whose
    /// responses may lack an output on purpose: the action that applies goes elsewhere or ends).
    Response {
        /// Leave the output unset when the response lacks it.
        lenient: bool,
    },
    /// A typed value read whole, cloned: an input, a step output every path to the reader
    /// sets, an output of a `dependsOn` or called workflow.
    Whole,
    /// A step output read whole that a `goto` may skip: `None` while it is unset. `flatten`:
    /// the output is itself an `Option`, kept as one `Option`.
    WholeIfSet {
        /// The output's own type is an `Option`.
        flatten: bool,
    },
    /// The member a JSON pointer reaches in a step output, decoded into the type the schema
    /// gives it. `certain: false`: a `goto` may skip the step, so `None` while it is unset.
    Member {
        /// Every path to the reader sets the output.
        certain: bool,
    },
    /// A JSON value computed at run time (a selector, what the step sent, a pointer into an
    /// input, a template, …): a `serde_json::Value`, or decoded into the output's type when
    /// `decode`.
    Computed {
        /// The output's type is not `serde_json::Value`.
        decode: bool,
    },
}

/// A value computed at run time (a parameter, a payload, a workflow output).
#[derive(Debug, Clone)]
pub enum ValuePlan {
    /// A literal JSON value.
    Literal(LiteralJson),
    /// An array of values.
    Array(Vec<ValuePlan>),
    /// An object of values.
    Object(Vec<Member>),
    /// A workflow input field, optionally with a JSON pointer into it.
    Input {
        /// The field name.
        field: String,
        /// The type of the field.
        ty: RustType,
        /// A JSON pointer into the value.
        pointer: Option<JsonPointer>,
    },
    /// A step output.
    StepOutput {
        /// The variable (an `Option`).
        var: String,
        /// The output's type.
        ty: RustType,
        /// The step that sets it.
        step: String,
        /// The output's name.
        output: String,
        /// Whether every path to the reader runs that step first.
        certain: bool,
        /// A JSON pointer into the value.
        pointer: Option<JsonPointer>,
    },
    /// An output of a workflow run first through `dependsOn`.
    DependencyOutput {
        /// The variable holding that workflow's outputs.
        var: String,
        /// The field.
        field: String,
        /// Its type.
        ty: RustType,
        /// A JSON pointer into the value.
        pointer: Option<JsonPointer>,
    },
    /// An output of the workflow the current step called (`$outputs.NAME`).
    NestedOutput {
        /// The field.
        field: String,
        /// Its type.
        ty: RustType,
        /// A JSON pointer into the value.
        pointer: Option<JsonPointer>,
    },
    /// A string with embedded values.
    Template(Vec<TemplatePiece>),
    /// `$statusCode` of the current response.
    Status,
    /// `$response.header.NAME`.
    ResponseHeader(String),
    /// `$response.body#POINTER`.
    ResponseBody(JsonPointer),
    /// `$response.body` of a response the description declares only with media types that
    /// are not JSON (text, XML, binary): the body as text.
    ResponseText,
    /// `$url` of the request the step sent (without credentials).
    Url,
    /// `$method` of the request the step sent.
    Method,
    /// `$request.header.NAME`, `$request.query.NAME`, `$request.path.NAME`, `$request.body#P`:
    /// what the step sent, as the workflow wrote it.
    Request(crate::expr::Source),
    /// An Arazzo 1.1 selector applied to a value.
    Select {
        /// The value selected from.
        context: Box<ValuePlan>,
        /// What is selected.
        selection: Selection,
    },
}

/// What a selector picks out of its context.
#[derive(Debug, Clone)]
pub enum Selection {
    /// The first node an RFC 9535 JSONPath query selects (`null` for none).
    JsonPath(String),
    /// The value at an RFC 6901 JSON pointer (`null` for none).
    Pointer(JsonPointer),
    /// The string value of the first item an XPath expression selects in XML text (`null` for
    /// none).
    XPath(String),
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

/// A criterion.
#[derive(Debug)]
pub struct CriterionPlan {
    /// The condition as written, for error messages.
    pub text: String,
    /// What it checks.
    pub check: CheckPlan,
    /// It reads an output of a step a `goto` may have skipped, and fails when that output is
    /// not set (Arazzo 1.1 Criterion Object: a condition that cannot be evaluated does not
    /// hold) rather than ending the run with an error.
    pub fails_when_unset: bool,
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
        /// The pattern's pieces when it embeds runtime expressions, empty when it does not.
        embedded: Vec<ConditionPiece>,
    },
    /// An RFC 9535 JSONPath query that must select at least one node.
    JsonPath {
        /// The value queried.
        context: ValuePlan,
        /// The query (already checked to parse).
        query: String,
        /// The query's pieces when it embeds runtime expressions, empty when it does not.
        embedded: Vec<ConditionPiece>,
    },
    /// An XPath expression whose result must be true by its effective boolean value.
    XPath {
        /// The XML text queried.
        context: ValuePlan,
        /// The expression (already checked to parse), with its embedded values.
        expression: Vec<XPathPiece>,
    },
}

/// A piece of an XPath condition.
#[derive(Debug)]
pub enum XPathPiece {
    /// Text as written.
    Text(String),
    /// An embedded `{$…}` value, substituted as an XPath literal.
    Value {
        /// The value.
        value: ValuePlan,
        /// The quote of the string literal it stands in, `None` outside any literal.
        quote: Option<char>,
    },
}

/// A piece of a regex or JSONPath condition that embeds runtime expressions: the values are
/// substituted before the condition is evaluated (Arazzo 1.1 Criterion Object).
#[derive(Debug)]
pub enum ConditionPiece {
    /// Condition text as written.
    Text(String),
    /// A value, escaped for where it stands.
    Value(ValuePlan, Escape),
}

/// How a value embedded in a condition is written into it, so that it stays one value of the
/// condition's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Matched literally by a regex (`regex::escape`).
    Regex,
    /// Inside a JSONPath string literal delimited by this quote.
    JsonPathString(char),
    /// Outside a JSONPath string literal: only a number, boolean or null fits.
    JsonPathScalar,
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

impl ValuePlan {
    /// An object of `members`, each there as [`Member::new`] decides.
    pub(crate) fn object(members: Vec<(String, ValuePlan)>) -> ValuePlan {
        ValuePlan::Object(
            members
                .into_iter()
                .map(|(name, value)| Member::new(name, value))
                .collect(),
        )
    }

    /// Whether `test` holds for this value or for any value it is built from.
    pub fn any(&self, test: &impl Fn(&ValuePlan) -> bool) -> bool {
        test(self)
            || match self {
                ValuePlan::Array(items) => items.iter().any(|item| item.any(test)),
                ValuePlan::Object(members) => members.iter().any(|m| m.value.any(test)),
                ValuePlan::Template(pieces) => pieces
                    .iter()
                    .any(|p| matches!(p, TemplatePiece::Value(v) if v.any(test))),
                ValuePlan::Select { context, .. } => context.any(test),
                _ => false,
            }
    }
}

impl CondPlan {
    fn any_value(&self, test: &impl Fn(&ValuePlan) -> bool) -> bool {
        match self {
            CondPlan::Or(a, b) | CondPlan::And(a, b) => a.any_value(test) || b.any_value(test),
            CondPlan::Not(a) => a.any_value(test),
            CondPlan::Compare(a, _, b) => a.any(test) || b.any(test),
            CondPlan::Truthy(a) => a.any(test),
        }
    }
}

impl CriterionPlan {
    /// Whether `test` holds for any value the criterion reads.
    pub fn any_value(&self, test: &impl Fn(&ValuePlan) -> bool) -> bool {
        match &self.check {
            CheckPlan::Simple(cond) => cond.any_value(test),
            CheckPlan::Regex {
                context, embedded, ..
            }
            | CheckPlan::JsonPath {
                context, embedded, ..
            } => {
                context.any(test)
                    || embedded
                        .iter()
                        .any(|p| matches!(p, ConditionPiece::Value(v, _) if v.any(test)))
            }
            CheckPlan::XPath {
                context,
                expression,
            } => {
                context.any(test)
                    || expression
                        .iter()
                        .any(|p| matches!(p, XPathPiece::Value { value, .. } if value.any(test)))
            }
        }
    }
}

/// A success or failure action.
#[derive(Debug)]
pub struct ActionPlan {
    /// `name`.
    pub name: String,
    /// What it does.
    pub kind: ActionPlanKind,
    /// When it applies (all must hold).
    pub criteria: Vec<CriterionPlan>,
}

/// What an action does.
#[derive(Debug)]
pub enum ActionPlanKind {
    /// End the workflow: successfully after a success, with an error after a failure.
    End,
    /// Go to a step of this workflow.
    GotoStep(usize),
    /// Run another workflow, then end this one.
    GotoWorkflow(Box<WorkflowCall>),
    /// Run the step again.
    Retry {
        /// `retryAfter`, seconds (a `Retry-After` header overrides it).
        after: f64,
        /// `retryLimit`.
        limit: u32,
        /// This action's attempt counter.
        slot: usize,
        /// A step or workflow run before the step is retried.
        first: Option<RetryFirst>,
    },
}

/// What a `retry` action runs before retrying.
#[derive(Debug)]
pub enum RetryFirst {
    /// A step of this workflow; control comes back when it ends.
    Step(usize),
    /// Another workflow.
    Workflow(Box<WorkflowCall>),
}

/// What is known of a workflow once planned: what its callers need.
#[derive(Debug, Clone)]
struct Signature {
    id: String,
    fn_name: String,
    /// `None` for a workflow not planned yet (the target of a `goto` that closes a loop).
    inputs: Option<TypeId>,
    input_fields: Vec<Field>,
    output_fields: Vec<Field>,
    /// Outputs the workflow declares whose value was rejected (reported): reading one reports
    /// nothing more.
    rejected_outputs: Vec<String>,
}

impl Signature {
    /// Whether the workflow declares `output` but its value was rejected (and reported).
    fn rejected(&self, output: &str) -> bool {
        self.rejected_outputs.iter().any(|o| o == output)
    }

    /// The same workflow seen from the document that imports its document as `module`: its
    /// function is a path into that module (its types are ids, the same from anywhere).
    fn through(&self, module: &str, id: &str) -> Signature {
        Signature {
            id: id.to_owned(),
            fn_name: format!("{module}::{}", self.fn_name),
            ..self.clone()
        }
    }
}

struct Planner<'a> {
    file: &'a str,
    sources: &'a [LoadedSource],
    imported: &'a [ArazzoSource],
    /// A source description failed to load (already reported): an operationId that is not found
    /// may well be in it, so it is not reported again.
    sources_incomplete: bool,
    /// The sources of a type that is not read (AsyncAPI; already reported): a step naming one
    /// is not reported again.
    unread_sources: Vec<String>,
    diags: &'a mut Diagnostics,
    types: TypeRegistry,
    /// Workflows planned so far (callees are planned before their callers).
    signatures: Vec<Signature>,
    /// Every `workflowId` of the document.
    workflow_ids: Vec<String>,
    /// The document is Arazzo 1.1.x (selectors, `$self`, `querystring`).
    arazzo_1_1: bool,
    /// The document's `$self`.
    self_uri: Option<String>,
    /// The document's Source Description Objects, as written.
    source_descriptions: &'a [crate::model::SourceDescription],
    /// The document's reusable parameters, by name.
    component_parameters: &'a [(String, crate::model::Parameter)],
    /// Outputs `$workflows.W.…` reads add to the steps of the workflow being planned that call
    /// `W`, by step index.
    hidden: Vec<calls::CalledValue>,
    /// The `dependsOn` variables whose inputs `$workflows.W.inputs.X` reads.
    kept_inputs: Vec<String>,
    /// `goto`s to a workflow that close a loop of them, `(from, to)`.
    loops: Vec<(String, String)>,
    /// The workflows the workflow being planned runs first or calls in a step, as written.
    runs: Vec<String>,
    /// Every workflow of the document with its step ids.
    workflow_steps: Vec<(String, Vec<String>)>,
    /// Steps of this document another step depends on, `(workflowId, stepId)`.
    recorded: Vec<(String, String)>,
    /// Steps of imported documents a step depends on, `(source, workflowId, stepId)`.
    recorded_imported: Vec<(String, String, String)>,
}

/// What the inputs of the workflow being planned are.
struct InputScope {
    fields: Vec<Field>,
    /// The inputs schema could not be read (reported): no `$inputs.NAME` is reported missing.
    unknown: bool,
}

/// Plans every workflow of `doc`, adding its types to `types` (the types of the documents
/// planned before it in one expansion): a schema already typed keeps its type.
pub fn plan(
    doc: &Document,
    file: &str,
    sources: &[LoadedSource],
    imported: Vec<ArazzoSource>,
    diags: &mut Diagnostics,
    types: TypeRegistry,
) -> Plan {
    let mut planner = Planner {
        file,
        sources,
        imported: &imported,
        // A description with a `$ref` that could not be followed (reported) may hold more.
        sources_incomplete: sources.len() + imported.len() + crate::sources::uncalled_arazzo(doc)
            < readable_sources(doc)
            || sources.iter().any(|s| !s.api.reference_problems.is_empty()),
        unread_sources: doc
            .sources
            .iter()
            .filter(|s| !is_read(s))
            .map(|s| s.name.value.clone())
            .collect(),
        diags,
        types,
        signatures: Vec::new(),
        workflow_ids: Vec::new(),
        arazzo_1_1: doc.arazzo.value.starts_with("1.1."),
        self_uri: doc.self_uri.as_ref().map(|u| u.value.clone()),
        source_descriptions: &doc.sources,
        component_parameters: &doc.component_parameters,
        hidden: Vec::new(),
        kept_inputs: Vec::new(),
        loops: Vec::new(),
        runs: Vec::new(),
        workflow_steps: doc
            .workflows
            .iter()
            .map(|w| {
                let ids = w.steps.iter().map(|s| s.id.value.clone()).collect();
                (w.id.value.clone(), ids)
            })
            .collect(),
        recorded: calls::cross_workflow_dependencies(doc),
        recorded_imported: Vec::new(),
    };
    let mut seen: Vec<&Spanned<String>> = Vec::new();
    let mut unique = Vec::new();
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
        unique.push(workflow);
    }
    let order = calls::order(&unique, &mut planner);
    let mut planned: Vec<(usize, WorkflowPlan)> = order
        .into_iter()
        .map(|i| (i, planner.workflow(doc, unique[i])))
        .collect();
    planned.sort_by_key(|(i, _)| *i);
    let (types, signatures) = (planner.types, planner.signatures);
    let recorded_imported = planner.recorded_imported;
    let mut imported = imported;
    calls::record_imported_steps(&mut imported, &recorded_imported);
    Plan {
        file: file.to_owned(),
        workflows: planned.into_iter().map(|(_, w)| w).collect(),
        types,
        imported,
        signatures,
    }
}

/// How many source descriptions should have loaded: those of a type the planner reads
/// (`openapi`, `arazzo`). An AsyncAPI source (reported as not supported) cannot hold an
/// operation a step without AsyncAPI fields calls, so it does not make operation ids unknowable.
fn readable_sources(doc: &Document) -> usize {
    doc.sources.iter().filter(|s| is_read(s)).count()
}

/// Whether a source description is of a type the planner reads (`openapi`, `arazzo`).
fn is_read(source: &crate::model::SourceDescription) -> bool {
    source
        .kind
        .as_ref()
        .is_none_or(|k| k.value == "openapi" || k.value == "arazzo")
}

/// The one rule for the Rust type of an output that keeps a value of the workflow's scope (a
/// workflow output; a step output reading `$inputs`, another step, `$workflows.…`), and how it
/// is kept in it: an input or output read whole keeps its type; the member a JSON pointer
/// reaches in a step output gets the type its schema gives it; a step output a `goto` may skip
/// makes either an `Option`; anything else is JSON.
pub(crate) fn kept(value: &ValuePlan, types: &TypeRegistry) -> (RustType, Keep) {
    match value {
        ValuePlan::Input {
            ty, pointer: None, ..
        }
        | ValuePlan::DependencyOutput {
            ty, pointer: None, ..
        }
        | ValuePlan::NestedOutput {
            ty, pointer: None, ..
        } => (ty.clone(), Keep::Whole),
        ValuePlan::StepOutput {
            ty,
            certain,
            pointer: None,
            ..
        } => match (certain, ty) {
            (true, _) => (ty.clone(), Keep::Whole),
            (false, RustType::Option(_)) => (ty.clone(), Keep::WholeIfSet { flatten: true }),
            (false, _) => (
                RustType::Option(Box::new(ty.clone())),
                Keep::WholeIfSet { flatten: false },
            ),
        },
        ValuePlan::StepOutput {
            ty,
            certain,
            pointer: Some(pointer),
            ..
        } => match types.at_pointer(ty, pointer) {
            Some(ty) if *certain || matches!(ty, RustType::Option(_)) => {
                (ty, Keep::Member { certain: *certain })
            }
            Some(ty) => (
                RustType::Option(Box::new(ty)),
                Keep::Member { certain: false },
            ),
            // Into a part the schema leaves untyped: a `serde_json::Value`, still read as a
            // member, so that finding nothing is an error rather than `null`.
            None if *certain => (RustType::Json, Keep::Member { certain: true }),
            None => (
                RustType::Option(Box::new(RustType::Json)),
                Keep::Member { certain: false },
            ),
        },
        _ => (RustType::Json, Keep::Computed { decode: false }),
    }
}

impl<'a> Planner<'a> {
    fn error(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.diags
            .push(Diagnostic::new(self.file, Some(pos), message).with_hint(hint));
    }

    fn signature(&self, id: &str) -> Option<&Signature> {
        self.signatures.iter().find(|s| s.id == id)
    }

    fn workflow(&mut self, doc: &Document, workflow: &Workflow) -> WorkflowPlan {
        let id = &workflow.id.value;
        let base = names::type_name(id);
        let fn_name = names::field_name(id);

        let mut doc_lines = vec![format!("Inputs of [`{fn_name}`] (workflow `{id}`).")];
        if let Some(summary) = &workflow.summary {
            doc_lines.push(String::new());
            doc_lines.push(summary.clone());
        }
        let empty = Node {
            pos: Pos::default(),
            kind: Kind::Map(Vec::new()),
        };
        let schema = workflow.inputs.as_ref().unwrap_or(&empty);
        let (file, sources, descriptions) = (self.file, self.sources, self.source_descriptions);
        let diags = &mut *self.diags;
        let mut refs = |reference: &Node| {
            inputs::description_schema(reference, file, sources, descriptions, diags)
        };
        let inputs_id =
            self.types
                .input_struct(schema, &format!("{base}Inputs"), doc_lines, &mut refs);
        let input_fields = self
            .types
            .struct_def(inputs_id)
            .map(|s| s.fields.clone())
            .unwrap_or_default();
        let inputs = InputScope {
            fields: input_fields.clone(),
            unknown: workflow.inputs_unknown,
        };

        self.hidden.clear();
        self.kept_inputs.clear();
        self.runs = calls::runs(workflow);
        let mut depends_on = self.dependencies(workflow, &inputs);
        let flow = Flow::analyse(workflow);
        let steps_scope = self.step_outputs(workflow);
        let empty_scope = step::StepScope::default();
        let request_ctx = Ctx {
            place: Place::Request,
            inputs: &inputs,
            steps: &empty_scope,
            flow: &flow,
            reader: None,
            nested: None,
            operation: None,
            deps: &depends_on,
            own_outputs: false,
        };
        let steps_scope = self.scope_outputs(steps_scope, &request_ctx);
        let mut retry_slots = 0;
        let mut steps = Vec::new();
        for (index, step) in workflow.steps.iter().enumerate() {
            if !steps_scope.unique[index] {
                continue;
            }
            let ctx = Ctx {
                place: Place::Request,
                inputs: &inputs,
                steps: &steps_scope,
                flow: &flow,
                reader: Some(index),
                nested: None,
                operation: None,
                deps: &depends_on,
                own_outputs: false,
            };
            if let Some(plan) = self.step(workflow, index, step, &ctx, &mut retry_slots) {
                steps.push(plan);
            }
        }

        let mut outputs = StructDef {
            name: self.types.reserve(&format!("{base}Outputs")),
            doc: vec![format!("Outputs of [`{fn_name}`] (workflow `{id}`).")],
            fields: Vec::new(),
            closed: false,
        };
        let ctx = Ctx {
            place: Place::WorkflowOutputs,
            inputs: &inputs,
            steps: &steps_scope,
            flow: &flow,
            reader: None,
            nested: None,
            operation: None,
            deps: &depends_on,
            own_outputs: false,
        };
        let mut output_values = Vec::new();
        let mut rejected_outputs = Vec::new();
        for (name, output) in &workflow.outputs {
            let (value, described) = match output {
                OutputValue::Expr(expression) => (
                    self.value_expr(expression, &ctx),
                    format!("`{}`", expression.value),
                ),
                OutputValue::Selector(selector) => (
                    self.selector(selector, &ctx),
                    format!(
                        "`{}` of `{}`",
                        selector.selector.value, selector.context.value
                    ),
                ),
            };
            let Some(value) = value else {
                rejected_outputs.push(name.value.clone());
                continue;
            };
            let (ty, keep) = kept(&value, &self.types);
            outputs.fields.push(Field {
                ident: names::field_name(&name.value),
                wire: name.value.clone(),
                ty,
                doc: Some(format!("`{}`: {described}", name.value)),
            });
            output_values.push((value, keep));
        }
        names::dedupe_fields(&mut outputs.fields);
        calls::keep_called_values(
            &mut steps,
            &steps_scope.ids,
            std::mem::take(&mut self.hidden),
        );
        for call in &mut depends_on {
            call.keeps_inputs = self.kept_inputs.contains(&call.var);
        }

        self.signatures.push(Signature {
            id: id.clone(),
            fn_name: fn_name.clone(),
            inputs: Some(inputs_id),
            input_fields,
            output_fields: outputs.fields.clone(),
            rejected_outputs,
        });
        let doc = self.workflow_doc(doc, workflow, &steps);
        WorkflowPlan {
            id: id.clone(),
            fn_name,
            inputs: inputs_id,
            outputs,
            output_values,
            depends_on,
            steps,
            retry_slots,
            doc,
        }
    }

    fn workflow_doc(&self, doc: &Document, workflow: &Workflow, steps: &[StepPlan]) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(summary) = &workflow.summary {
            lines.push(summary.clone());
            lines.push(String::new());
        }
        if let Some(description) = &workflow.description {
            lines.push(description.trim().to_owned());
            lines.push(String::new());
        }
        lines.push(format!(
            "Workflow `{}` of *{}* (version {}), compiled from `{}`.",
            workflow.id.value, doc.info.title, doc.info.version, self.file
        ));
        lines.push(String::new());
        if !workflow.depends_on.is_empty() {
            let names: Vec<String> = workflow
                .depends_on
                .iter()
                .map(|d| format!("`{}`", d.value))
                .collect();
            lines.push(format!("Runs {} first (`dependsOn`).", names.join(", ")));
            lines.push(String::new());
        }
        lines.push("# Steps".to_owned());
        lines.push(String::new());
        for (i, plan) in steps.iter().enumerate() {
            let description = workflow
                .steps
                .iter()
                .find(|s| s.id.value == plan.id)
                .and_then(|s| s.description.as_deref());
            let target = match &plan.call {
                StepCall::Operation { op, .. } => {
                    format!("`{}` (`{} {}`)", op.id, op.method, op.path)
                }
                StepCall::Workflow { fn_name, .. } => format!("workflow [`{fn_name}`]"),
            };
            let mut line = format!("{}. `{}`: {target}", i + 1, plan.id);
            if let Some(description) = description {
                line.push_str(&format!(": {}", description.trim()));
            }
            lines.push(line);
        }
        lines.push(String::new());
        lines.push("# Errors".to_owned());
        lines.push(String::new());
        lines.push(
            "[`arazzo_runtime::Error`] naming the step when a request fails, a success criterion \
             does not hold and no failure action recovers, or an output is missing from a response."
                .to_owned(),
        );
        lines
    }
}
