//! The Arazzo document model, read from a loaded [`Node`] tree. Every field keeps its position;
//! missing required fields, unknown fields (outside `x-`) and wrong types are all collected.
//! Reusable objects (`$components.…` references, `#/components/inputs/…` schemas) are resolved
//! while reading, so later stages only see plain parameters, actions and schemas.

mod fields;
mod read;
mod selector;

use crate::diag::Pos;
use crate::load::Node;

pub use read::read;
pub use selector::{is_selector, read_selector};

/// A value with the position it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is.
    pub pos: Pos,
}

/// An Arazzo document.
#[derive(Debug, Clone)]
pub struct Document {
    /// `arazzo` version.
    pub arazzo: Spanned<String>,
    /// `$self` (Arazzo 1.1): the document's own URI.
    pub self_uri: Option<Spanned<String>>,
    /// `info`.
    pub info: Info,
    /// `sourceDescriptions`.
    pub sources: Vec<SourceDescription>,
    /// `workflows`.
    pub workflows: Vec<Workflow>,
    /// `components.parameters`, by name: what `$components.parameters.NAME` reads outside a
    /// `reference`.
    pub component_parameters: Vec<(String, Parameter)>,
}

/// `info`.
#[derive(Debug, Clone, Default)]
pub struct Info {
    /// `title`.
    pub title: String,
    /// `version`.
    pub version: String,
}

/// One `sourceDescriptions` entry.
#[derive(Debug, Clone)]
pub struct SourceDescription {
    /// `name`.
    pub name: Spanned<String>,
    /// `url`.
    pub url: Spanned<String>,
    /// `type` (`openapi` or `arazzo`).
    pub kind: Option<Spanned<String>>,
}

/// A workflow.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// `workflowId`.
    pub id: Spanned<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `inputs`: a JSON Schema, with `#/components/inputs/…` references inlined.
    pub inputs: Option<Node>,
    /// `inputs` is written but could not be read (a `$ref` to nothing; already reported), so
    /// which inputs exist is unknown.
    pub inputs_unknown: bool,
    /// `dependsOn`: workflows that run first.
    pub depends_on: Vec<Spanned<String>>,
    /// `parameters` applied to every step.
    pub parameters: Vec<Parameter>,
    /// `successActions` applied to every step.
    pub success_actions: Vec<Action>,
    /// `failureActions` applied to every step.
    pub failure_actions: Vec<Action>,
    /// `steps`.
    pub steps: Vec<Step>,
    /// The ids of steps that could not be read (reported): what refers to them reports nothing
    /// more.
    pub dropped_steps: Vec<String>,
    /// `outputs`: name → runtime expression or selector.
    pub outputs: Vec<(Spanned<String>, OutputValue)>,
}

/// What a step calls.
#[derive(Debug, Clone)]
pub enum Target {
    /// `operationId`, possibly `$sourceDescriptions.NAME.operationId`.
    OperationId(Spanned<String>),
    /// `operationPath`: `{$sourceDescriptions.NAME.url}#/paths/...`.
    OperationPath(Spanned<String>),
    /// `workflowId`: another workflow of this document.
    WorkflowId(Spanned<String>),
}

/// A step.
#[derive(Debug, Clone)]
pub struct Step {
    /// `stepId`.
    pub id: Spanned<String>,
    /// `description`.
    pub description: Option<String>,
    /// `timeout` (Arazzo 1.1): milliseconds the step may take.
    pub timeout: Option<Spanned<u32>>,
    /// `dependsOn` (Arazzo 1.1): steps that must have completed before this one runs.
    pub depends_on: Vec<Spanned<String>>,
    /// What it calls (`None` when the step names none or several; already reported).
    pub target: Option<Target>,
    /// `parameters`.
    pub parameters: Vec<Parameter>,
    /// `requestBody`.
    pub request_body: Option<RequestBody>,
    /// `successCriteria`.
    pub success_criteria: Vec<Criterion>,
    /// `onSuccess`.
    pub on_success: Vec<Action>,
    /// `onFailure`.
    pub on_failure: Vec<Action>,
    /// `outputs`: name → runtime expression or selector.
    pub outputs: Vec<(Spanned<String>, OutputValue)>,
    /// `x-arazzo-allow-invalid-request: true`: the request is meant not to fit the operation
    /// (a negative test), so its shape is not checked against the description.
    pub allow_invalid_request: bool,
}

/// A step parameter (a `$components.parameters` reference is already replaced by its target,
/// with the reference's `value` applied).
#[derive(Debug, Clone)]
pub struct Parameter {
    /// `name`.
    pub name: Spanned<String>,
    /// `in`: `path`, `query`, `header`, `cookie` (or 1.1's `querystring`); absent for inputs of
    /// a called workflow.
    pub location: Option<Spanned<String>>,
    /// `value`: a literal or a runtime expression.
    pub value: Node,
    /// Where the parameter (or the reference to it) is written.
    pub pos: Pos,
}

/// `requestBody`.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// `contentType`.
    pub content_type: Option<Spanned<String>>,
    /// `payload`.
    pub payload: Option<Node>,
    /// `replacements`.
    pub replacements: Vec<Replacement>,
    /// Where `requestBody` starts.
    pub pos: Pos,
}

/// A payload replacement: the value at `target` is replaced.
#[derive(Debug, Clone)]
pub struct Replacement {
    /// `target`.
    pub target: Spanned<String>,
    /// `targetSelectorType` (Arazzo 1.1): how `target` is written; a JSON pointer without it.
    pub target_type: Option<Spanned<TargetSelectorType>>,
    /// `value`.
    pub value: Node,
}

/// The languages a payload replacement's `target` is written in (Arazzo 1.1
/// `targetSelectorType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetSelectorType {
    /// `jsonpointer`: RFC 6901.
    JsonPointer,
    /// `jsonpath`: RFC 9535; every node selected is replaced.
    JsonPath,
    /// `xpath` (not supported: reported).
    XPath,
}

/// The kinds of criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionKind {
    /// `simple` (the default).
    Simple,
    /// `regex`.
    Regex,
    /// `jsonpath` (RFC 9535).
    JsonPath,
    /// `{type: jsonpath, version: draft-goessner-dispatch-jsonpath-00}`.
    GoessnerJsonPath,
    /// `xpath`.
    XPath,
}

/// A criterion.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// `condition`.
    pub condition: Spanned<String>,
    /// `type`.
    pub kind: Spanned<CriterionKind>,
    /// `context`, required for every type but `simple`.
    pub context: Option<Spanned<String>>,
}

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// `end`
    End,
    /// `goto`
    Goto,
    /// `retry` (failure actions only)
    Retry,
}

/// Where a `goto` or `retry` action transfers control.
#[derive(Debug, Clone)]
pub enum ActionTarget {
    /// `stepId`
    Step(Spanned<String>),
    /// `workflowId`
    Workflow(Spanned<String>),
}

/// A success or failure action (a `$components` reference is already replaced by its target).
#[derive(Debug, Clone)]
pub struct Action {
    /// `name`.
    pub name: Spanned<String>,
    /// `type`.
    pub kind: ActionKind,
    /// `stepId` or `workflowId`.
    pub target: Option<ActionTarget>,
    /// `retryAfter`, in seconds.
    pub retry_after: Option<Spanned<f64>>,
    /// `retryLimit`.
    pub retry_limit: Option<Spanned<u32>>,
    /// `criteria`, all of which must hold for the action to apply.
    pub criteria: Vec<Criterion>,
    /// `parameters` (Arazzo 1.1): the inputs passed to the workflow it goes to.
    pub parameters: Vec<Parameter>,
    /// Where the action (or the reference to it) is written.
    pub pos: Pos,
}

/// An output's value.
#[derive(Debug, Clone)]
pub enum OutputValue {
    /// A runtime expression.
    Expr(Spanned<String>),
    /// An Arazzo 1.1 Selector Object.
    Selector(Box<Selector>),
}

/// An Arazzo 1.1 Selector Object: `selector` applied to the value of `context`.
#[derive(Debug, Clone)]
pub struct Selector {
    /// `context`: a runtime expression giving structured data.
    pub context: Spanned<String>,
    /// `selector`: a JSONPath query, JSON pointer or XPath expression.
    pub selector: Spanned<String>,
    /// `type`.
    pub kind: Spanned<SelectorKind>,
    /// Where the object is.
    pub pos: Pos,
}

/// The languages a selector is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorKind {
    /// RFC 9535 JSONPath.
    JsonPath,
    /// RFC 6901 JSON pointer.
    JsonPointer,
    /// XPath (not supported: reported).
    XPath,
}
