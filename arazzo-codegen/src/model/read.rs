//! The reader: one function per Arazzo object, each collecting what is wrong with it.

use crate::diag::{Diagnostic, Diagnostics, Pos, suggest};
use crate::expr::{self, Expr};
use crate::load::{Kind, Node};

use super::fields::Fields;
use super::{
    Action, ActionKind, ActionTarget, Criterion, CriterionKind, Document, Info, Parameter,
    Replacement, RequestBody, SourceDescription, Spanned, Step, Target, TargetSelectorType,
    Workflow,
};

const DOCUMENT_FIELDS: &[&str] = &[
    "arazzo",
    "$self",
    "info",
    "sourceDescriptions",
    "workflows",
    "components",
];
const INFO_FIELDS: &[&str] = &["title", "summary", "description", "version"];
const SOURCE_FIELDS: &[&str] = &["name", "url", "type"];
const COMPONENTS_FIELDS: &[&str] = &["inputs", "parameters", "successActions", "failureActions"];
const WORKFLOW_FIELDS: &[&str] = &[
    "workflowId",
    "summary",
    "description",
    "inputs",
    "dependsOn",
    "steps",
    "successActions",
    "failureActions",
    "outputs",
    "parameters",
];
const STEP_FIELDS: &[&str] = &[
    "stepId",
    "description",
    "operationId",
    "operationPath",
    "workflowId",
    "parameters",
    "requestBody",
    "successCriteria",
    "onSuccess",
    "onFailure",
    "outputs",
    "timeout",
    "dependsOn",
    "channelPath",
    "correlationId",
    "action",
];
/// Arazzo 1.1 step fields that only AsyncAPI steps have.
const ASYNCAPI_STEP_FIELDS: &[&str] = &["channelPath", "correlationId", "action"];
const PARAMETER_FIELDS: &[&str] = &["name", "in", "value"];
const BODY_FIELDS: &[&str] = &["contentType", "payload", "replacements"];
const REPLACEMENT_FIELDS: &[&str] = &["target", "targetSelectorType", "value"];
const CRITERION_FIELDS: &[&str] = &["context", "condition", "type"];
const EXPRESSION_TYPE_FIELDS: &[&str] = &["type", "version"];
const ACTION_FIELDS: &[&str] = &[
    "name",
    "type",
    "workflowId",
    "stepId",
    "retryAfter",
    "retryLimit",
    "criteria",
    "parameters",
];

/// The reusable objects of `components`, already read.
#[derive(Default)]
struct Components<'n> {
    root: Option<&'n Node>,
    /// Nodes `$ref` inlining may still copy: references that fan out cannot blow up memory.
    inline_budget: std::cell::Cell<usize>,
    parameters: Vec<(String, Parameter)>,
    success_actions: Vec<(String, Action)>,
    failure_actions: Vec<(String, Action)>,
}

impl<'n> Components<'n> {
    fn new(root: &'n Node) -> Self {
        Self {
            root: Some(root),
            inline_budget: std::cell::Cell::new(100_000),
            ..Self::default()
        }
    }
}

/// Reads an Arazzo document; `None` when it is too broken to go on (the reasons are in `diags`).
pub fn read(root: &Node, file: &str, diags: &mut Diagnostics) -> Option<Document> {
    let mut f = Fields::new(root, "the Arazzo document", DOCUMENT_FIELDS, diags, file)?;
    let arazzo = f.req_string("arazzo");
    let self_uri = f.opt_string("$self");
    if let Some(uri) = self_uri.as_ref().filter(|u| u.value.contains('#')) {
        f.error(
            uri.pos,
            format!(
                "`$self` must not contain a fragment (`#…`), found `{}`",
                uri.value
            ),
        );
    }
    let info = f.required("info").map(|n| read_info(n, file, f.diags));
    let sources = f
        .list("sourceDescriptions", true)
        .iter()
        .filter_map(|n| read_source(n, file, f.diags))
        .collect();
    let components = match f.node("components") {
        Some(node) => read_components(root, node, file, f.diags),
        None => Components::new(root),
    };
    let workflows = f
        .list("workflows", true)
        .iter()
        .filter_map(|n| read_workflow(n, file, f.diags, &components))
        .collect();
    let arazzo = arazzo?;
    if !(arazzo.value.starts_with("1.0.") || arazzo.value.starts_with("1.1.")) {
        f.error(
            arazzo.pos,
            format!(
                "Arazzo version `{}` is not supported; expected 1.0.x or 1.1.x",
                arazzo.value
            ),
        );
    }
    Some(Document {
        arazzo,
        self_uri,
        info: info.unwrap_or_default(),
        sources,
        workflows,
        component_parameters: components.parameters,
    })
}

fn read_info(node: &Node, file: &str, diags: &mut Diagnostics) -> Info {
    let Some(mut f) = Fields::new(node, "`info`", INFO_FIELDS, diags, file) else {
        return Info::default();
    };
    let title = f.req_string("title").map(|s| s.value).unwrap_or_default();
    // Checked to be text; no generated item uses them.
    f.opt_string("summary");
    f.opt_string("description");
    let version = f.req_string("version").map(|s| s.value).unwrap_or_default();
    Info { title, version }
}

fn read_source(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<SourceDescription> {
    let mut f = Fields::new(node, "a source description", SOURCE_FIELDS, diags, file)?;
    let name = f.req_string("name");
    let url = f.req_string("url");
    let kind = f.opt_string("type");
    Some(SourceDescription {
        name: name?,
        url: url?,
        kind,
    })
}

fn read_components<'n>(
    root: &'n Node,
    node: &'n Node,
    file: &str,
    diags: &mut Diagnostics,
) -> Components<'n> {
    let mut components = Components::new(root);
    let Some(mut f) = Fields::new(node, "`components`", COMPONENTS_FIELDS, diags, file) else {
        return components;
    };
    let empty = Components::default();
    for (key, value) in f.map_entries("parameters") {
        if let Some(parameter) = read_parameter(value, file, f.diags, &empty) {
            components.parameters.push((key.name.clone(), parameter));
        }
    }
    for (key, value) in f.map_entries("successActions") {
        if let Some(action) = read_action(value, file, f.diags, &empty, true) {
            components.success_actions.push((key.name.clone(), action));
        }
    }
    for (key, value) in f.map_entries("failureActions") {
        if let Some(action) = read_action(value, file, f.diags, &empty, false) {
            components.failure_actions.push((key.name.clone(), action));
        }
    }
    // `inputs` are JSON Schemas reached through `$ref`; checking that they are mappings is enough.
    f.map_entries("inputs");
    components
}

fn read_workflow(
    node: &Node,
    file: &str,
    diags: &mut Diagnostics,
    components: &Components,
) -> Option<Workflow> {
    let mut f = Fields::new(node, "a workflow", WORKFLOW_FIELDS, diags, file)?;
    let id = f.req_string("workflowId");
    let summary = f.opt_string("summary").map(|s| s.value);
    let description = f.opt_string("description").map(|s| s.value);
    let inputs = f
        .node("inputs")
        .and_then(|n| inline_refs(n, components, file, f.diags, 0));
    let inputs_unknown = inputs.is_none() && f.node("inputs").is_some();
    let depends_on = f
        .list("dependsOn", false)
        .iter()
        .filter_map(|n| f.string_of(n, "dependsOn"))
        .collect();
    let parameters = f
        .list("parameters", false)
        .iter()
        .filter_map(|n| read_parameter(n, file, f.diags, components))
        .collect();
    let success_actions = f
        .list("successActions", false)
        .iter()
        .filter_map(|n| read_action(n, file, f.diags, components, true))
        .collect();
    let failure_actions = f
        .list("failureActions", false)
        .iter()
        .filter_map(|n| read_action(n, file, f.diags, components, false))
        .collect();
    let mut steps = Vec::new();
    let mut dropped_steps = Vec::new();
    for n in f.list("steps", true) {
        match read_step(n, file, f.diags, components) {
            Some(step) => steps.push(step),
            None => dropped_steps.extend(n.get("stepId").and_then(Node::as_str).map(str::to_owned)),
        }
    }
    let outputs = f.output_map("outputs");
    if node
        .get("steps")
        .and_then(Node::as_seq)
        .is_some_and(<[Node]>::is_empty)
    {
        f.error(node.pos, "a workflow needs at least one step".to_owned());
    }
    Some(Workflow {
        id: id?,
        summary,
        description,
        inputs,
        inputs_unknown,
        depends_on,
        parameters,
        success_actions,
        failure_actions,
        steps,
        dropped_steps,
        outputs,
    })
}

fn read_step(
    node: &Node,
    file: &str,
    diags: &mut Diagnostics,
    components: &Components,
) -> Option<Step> {
    let mut f = Fields::new(node, "a step", STEP_FIELDS, diags, file)?;
    let id = f.req_string("stepId");
    let description = f.opt_string("description").map(|s| s.value);
    if let Some(field) = ASYNCAPI_STEP_FIELDS.iter().find(|k| f.node(k).is_some()) {
        let pos = f.node(field).map_or(node.pos, |n| n.pos);
        f.error(
            pos,
            format!("`{field}` belongs to AsyncAPI steps, which are not supported yet"),
        );
        return None;
    }
    let timeout = f.opt_count("timeout");
    let depends_on = f
        .list("dependsOn", false)
        .iter()
        .filter_map(|n| f.string_of(n, "dependsOn"))
        .collect();
    let targets: Vec<&str> = ["operationId", "operationPath", "workflowId"]
        .into_iter()
        .filter(|k| f.node(k).is_some())
        .collect();
    let target = match targets.as_slice() {
        ["operationId"] => f.opt_string("operationId").map(Target::OperationId),
        ["operationPath"] => f.opt_string("operationPath").map(Target::OperationPath),
        ["workflowId"] => f.opt_string("workflowId").map(Target::WorkflowId),
        _ => {
            f.error(
                node.pos,
                format!(
                    "a step needs exactly one of `operationId`, `operationPath` or `workflowId`, found {}",
                    if targets.is_empty() {
                        "none".to_owned()
                    } else {
                        targets.join(" and ")
                    }
                ),
            );
            None
        }
    };
    let parameters = f
        .list("parameters", false)
        .iter()
        .filter_map(|n| read_parameter(n, file, f.diags, components))
        .collect();
    let request_body = f
        .node("requestBody")
        .and_then(|n| read_body(n, file, f.diags));
    let success_criteria = f
        .list("successCriteria", false)
        .iter()
        .filter_map(|n| read_criterion(n, file, f.diags))
        .collect();
    let on_success = f
        .list("onSuccess", false)
        .iter()
        .filter_map(|n| read_action(n, file, f.diags, components, true))
        .collect();
    let on_failure = f
        .list("onFailure", false)
        .iter()
        .filter_map(|n| read_action(n, file, f.diags, components, false))
        .collect();
    let outputs = f.output_map("outputs");
    let allow_invalid_request = read_allow_invalid_request(&mut f);
    Some(Step {
        id: id?,
        description,
        timeout,
        depends_on,
        target,
        parameters,
        request_body,
        success_criteria,
        on_success,
        on_failure,
        outputs,
        allow_invalid_request,
    })
}

/// The step extension that turns off the request-shape checks for a negative test.
const ALLOW_INVALID_REQUEST: &str = "x-arazzo-allow-invalid-request";

fn read_allow_invalid_request(f: &mut Fields) -> bool {
    match f.node(ALLOW_INVALID_REQUEST).map(|n| (&n.kind, n.pos)) {
        None => false,
        Some((Kind::Bool(allow), _)) => *allow,
        Some((_, pos)) => {
            f.error(
                pos,
                format!("`{ALLOW_INVALID_REQUEST}` must be `true` or `false`"),
            );
            false
        }
    }
}

/// Resolves a Reusable Object's `reference` to the component it names.
fn reference<'c, T>(
    node: &Node,
    kind: &str,
    found: &'c [(String, T)],
    file: &str,
    diags: &mut Diagnostics,
) -> Option<&'c T> {
    let text = node.get("reference")?;
    let Some(reference) = text.as_str() else {
        diags.push(Diagnostic::new(
            file,
            Some(text.pos),
            format!("`reference` must be a string, found {}", text.kind_name()),
        ));
        return None;
    };
    let error = |message: String, hint: Option<String>| {
        Diagnostic::new(file, Some(text.pos), message).with_hint(hint)
    };
    match expr::parse_expr(reference) {
        Ok(Expr::Components { kind: k, name }) if k == kind => {
            match found.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => Some(value),
                None => {
                    let hint = suggest(&name, found.iter().map(|(n, _)| n.as_str()));
                    diags.push(error(
                        format!("`{reference}`: `components.{kind}` has no `{name}`"),
                        hint,
                    ));
                    None
                }
            }
        }
        Ok(_) => {
            diags.push(error(
                format!("`reference: {reference}` must name one of `$components.{kind}`"),
                None,
            ));
            None
        }
        Err(e) => {
            diags.push(error(format!("in `{reference}`: {}", e.message), e.hint));
            None
        }
    }
}

fn read_parameter(
    node: &Node,
    file: &str,
    diags: &mut Diagnostics,
    components: &Components,
) -> Option<Parameter> {
    if node.get("reference").is_some() {
        let found = reference(node, "parameters", &components.parameters, file, diags)?;
        let mut parameter = found.clone();
        // A reference may set the value of the parameter it reuses.
        if let Some(value) = node.get("value") {
            parameter.value = value.clone();
        }
        parameter.pos = node.pos;
        return Some(parameter);
    }
    let mut f = Fields::new(node, "a parameter", PARAMETER_FIELDS, diags, file)?;
    let name = f.req_string("name");
    let location = f.opt_string("in");
    let value = f.required("value").cloned();
    if let Some(location) = &location
        && crate::http::ParameterLocation::parse(&location.value).is_none()
    {
        f.error(
            location.pos,
            format!(
                "`in: {}` is not a parameter location; expected `path`, `query`, `header` or `cookie`",
                location.value
            ),
        );
    }
    Some(Parameter {
        name: name?,
        location,
        // A missing value was reported; the parameter is kept so that the step is not also
        // said to leave it unset.
        value: value.unwrap_or(Node {
            pos: node.pos,
            kind: Kind::Null,
        }),
        pos: node.pos,
    })
}

fn read_body(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<RequestBody> {
    let mut f = Fields::new(node, "`requestBody`", BODY_FIELDS, diags, file)?;
    let replacements = f
        .list("replacements", false)
        .iter()
        .filter_map(|n| {
            let mut r = Fields::new(
                n,
                "a payload replacement",
                REPLACEMENT_FIELDS,
                f.diags,
                file,
            )?;
            let target = r.req_string("target");
            let target_type = read_target_type(&mut r);
            let value = r.required("value").cloned();
            Some(Replacement {
                target: target?,
                // An unreadable type was reported; the target is not also read as a pointer.
                target_type: target_type.ok()?,
                value: value?,
            })
        })
        .collect();
    Some(RequestBody {
        content_type: f.opt_string("contentType"),
        payload: f.node("payload").cloned(),
        replacements,
        pos: node.pos,
    })
}

/// The Goessner JSONPath dialect's version name in a Criterion Expression Type Object.
const GOESSNER: &str = "draft-goessner-dispatch-jsonpath-00";

/// A criterion `type` given as a name.
fn criterion_kind(
    name: &str,
    pos: Pos,
    file: &str,
    diags: &mut Diagnostics,
) -> Option<CriterionKind> {
    Some(match name {
        "simple" => CriterionKind::Simple,
        "regex" => CriterionKind::Regex,
        "jsonpath" => CriterionKind::JsonPath,
        "xpath" => CriterionKind::XPath,
        other => {
            diags.push(
                Diagnostic::new(
                    file,
                    Some(pos),
                    format!(
                        "unknown criterion type `{other}`; expected `simple`, `regex`, `jsonpath` or `xpath`"
                    ),
                )
                .with_hint(suggest(other, ["simple", "regex", "jsonpath", "xpath"])),
            );
            return None;
        }
    })
}

/// A replacement's `targetSelectorType`: `jsonpointer`, `jsonpath` or `xpath` (Arazzo 1.1
/// Payload Replacement Object), written as a string or as an Expression Type Object; another
/// dialect than RFC 9535 / RFC 6901 is refused: `Err` once reported.
fn read_target_type(r: &mut Fields) -> Result<Option<Spanned<TargetSelectorType>>, ()> {
    let Some(node) = r.node("targetSelectorType") else {
        return Ok(None);
    };
    // An Expression Type Object names the language and its version.
    let (kind, version) = match node.get("type") {
        Some(kind) if node.as_map().is_some() => {
            let mut e = Fields::new(
                node,
                "an expression type",
                EXPRESSION_TYPE_FIELDS,
                r.diags,
                r.file,
            )
            .ok_or(())?;
            let version = e.req_string("version").ok_or(())?;
            (kind.as_str(), Some(version))
        }
        _ => (node.as_str(), None),
    };
    let value = match (kind, version.as_ref().map(|v| v.value.as_str())) {
        (Some("jsonpointer"), None | Some("rfc6901")) => TargetSelectorType::JsonPointer,
        (Some("jsonpath"), None | Some("rfc9535")) => TargetSelectorType::JsonPath,
        (Some("xpath"), _) => TargetSelectorType::XPath,
        (Some("jsonpath" | "jsonpointer"), Some(other)) => {
            let pos = version.as_ref().map_or(node.pos, |v| v.pos);
            r.error(
                pos,
                format!("`version: {other}` is not supported; write `rfc9535` for JSONPath (RFC 9535) or `rfc6901` for a JSON pointer"),
            );
            return Err(());
        }
        (Some(other), _) => {
            let hint = suggest(other, ["jsonpointer", "jsonpath", "xpath"]);
            let message = format!("`targetSelectorType: {other}` is not a selector type");
            r.diags
                .push(Diagnostic::new(r.file, Some(node.pos), message).with_hint(hint));
            return Err(());
        }
        (None, _) => {
            r.error(
                node.pos,
                format!(
                    "`targetSelectorType` must be `jsonpath`, `jsonpointer`, `xpath` or an expression type object, found {}",
                    node.kind_name()
                ),
            );
            return Err(());
        }
    };
    Ok(Some(Spanned {
        value,
        pos: node.pos,
    }))
}

/// The XPath versions of an expression type object (Arazzo 1.0.1 lists `xpath-30`, `xpath-20`,
/// `xpath-10`; 1.1 adds `xpath-31`, the default).
pub(super) const XPATH_VERSIONS: [&str; 4] = ["xpath-31", "xpath-30", "xpath-20", "xpath-10"];

fn read_criterion(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<Criterion> {
    let mut f = Fields::new(node, "a criterion", CRITERION_FIELDS, diags, file)?;
    let condition = f.req_string("condition");
    let context = f.opt_string("context");
    let kind = match f.node("type") {
        None => Spanned {
            value: CriterionKind::Simple,
            pos: node.pos,
        },
        Some(n) => {
            let (value, pos) = match &n.kind {
                Kind::Str(s) => (criterion_kind(s, n.pos, file, f.diags)?, n.pos),
                Kind::Map(_) => {
                    // `{type, version}`: other JSONPath / XPath dialects.
                    let mut t = Fields::new(
                        n,
                        "a criterion expression type",
                        EXPRESSION_TYPE_FIELDS,
                        f.diags,
                        file,
                    )?;
                    let kind = t.req_string("type")?;
                    let version = t.req_string("version")?;
                    let value = match (kind.value.as_str(), version.value.as_str()) {
                        ("jsonpath", "rfc9535") => CriterionKind::JsonPath,
                        ("jsonpath", GOESSNER) => CriterionKind::GoessnerJsonPath,
                        // One XPath 3.1 engine evaluates them all (see the README).
                        ("xpath", v) if XPATH_VERSIONS.contains(&v) => CriterionKind::XPath,
                        ("xpath", _) => {
                            t.error(
                                version.pos,
                                format!(
                                    "`xpath` version `{}` is not supported; expected `xpath-30`, `xpath-20` or `xpath-10` (or `xpath-31`)",
                                    version.value
                                ),
                            );
                            return None;
                        }
                        _ => {
                            t.error(
                                version.pos,
                                format!(
                                    "`{}` version `{}` is not supported; JSONPath versions are `rfc9535` and `{GOESSNER}`",
                                    kind.value, version.value
                                ),
                            );
                            return None;
                        }
                    };
                    (value, kind.pos)
                }
                _ => {
                    f.error(
                        n.pos,
                        format!("`type` must be a string, found {}", n.kind_name()),
                    );
                    return None;
                }
            };
            Spanned { value, pos }
        }
    };
    if kind.value != CriterionKind::Simple && context.is_none() {
        f.error(
            node.pos,
            "a criterion with a `type` needs a `context` to apply its condition to".to_owned(),
        );
        return None;
    }
    Some(Criterion {
        condition: condition?,
        kind,
        context,
    })
}

fn read_action(
    node: &Node,
    file: &str,
    diags: &mut Diagnostics,
    components: &Components,
    success: bool,
) -> Option<Action> {
    let (what, kind) = if success {
        ("a success action", "successActions")
    } else {
        ("a failure action", "failureActions")
    };
    if node.get("reference").is_some() {
        let found = if success {
            &components.success_actions
        } else {
            &components.failure_actions
        };
        let mut action = reference(node, kind, found, file, diags)?.clone();
        action.pos = node.pos;
        return Some(action);
    }
    let mut f = Fields::new(node, what, ACTION_FIELDS, diags, file)?;
    let name = f.req_string("name");
    let kind = f.req_string("type").and_then(|t| {
        let allowed: &[&str] = if success {
            &["end", "goto"]
        } else {
            &["end", "goto", "retry"]
        };
        match t.value.as_str() {
            "end" => Some(ActionKind::End),
            "goto" => Some(ActionKind::Goto),
            "retry" if !success => Some(ActionKind::Retry),
            other => {
                let hint = if other == "retry" {
                    Some("only a failure action can retry; move it to `onFailure`".to_owned())
                } else {
                    crate::diag::closest(other, allowed.iter().copied())
                        .map(|best| format!("did you mean `{best}`?"))
                };
                f.diags.push(
                    Diagnostic::new(
                        file,
                        Some(t.pos),
                        format!(
                            "`type: {other}` is not allowed in {what}; expected {}",
                            if success {
                                "`end` or `goto`"
                            } else {
                                "`end`, `goto` or `retry`"
                            }
                        ),
                    )
                    .with_hint(hint),
                );
                None
            }
        }
    });
    let step = f.opt_string("stepId");
    let workflow = f.opt_string("workflowId");
    let retry_after = f.opt_number("retryAfter");
    let retry_limit = f.opt_count("retryLimit");
    let criteria = f
        .list("criteria", false)
        .iter()
        .filter_map(|n| read_criterion(n, file, f.diags))
        .collect();
    let parameters: Vec<Parameter> = f
        .list("parameters", false)
        .iter()
        .filter_map(|n| read_parameter(n, file, f.diags, components))
        .collect();
    // Arazzo 1.1 Success/Failure Action Object `parameters`: inputs of the workflow named by
    // `workflowId`; "The `in` field MUST NOT be used".
    for parameter in &parameters {
        if let Some(location) = &parameter.location {
            f.error(
                location.pos,
                format!(
                    "parameter `{}` of an action is an input of the workflow it goes to and takes no `in`",
                    parameter.name.value
                ),
            );
        }
    }
    // Without a `workflowId` they have nothing to go to: like `retryAfter` on an `end`, they are
    // allowed and mean nothing (Arazzo 1.1: "passed to a workflow as referenced by
    // `workflowId`"), so they are not planned.
    let parameters = if workflow.is_some() {
        parameters
    } else {
        Vec::new()
    };
    let kind = kind?;
    let target = match (step, workflow) {
        (Some(step), None) => Some(ActionTarget::Step(step)),
        (None, Some(workflow)) => Some(ActionTarget::Workflow(workflow)),
        (None, None) => None,
        (Some(_), Some(workflow)) => {
            f.error(
                workflow.pos,
                format!("{what} names both a `stepId` and a `workflowId`; keep one"),
            );
            None
        }
    };
    match kind {
        ActionKind::Goto if target.is_none() => f.error(
            node.pos,
            "a `goto` action needs a `stepId` or a `workflowId`".to_owned(),
        ),
        ActionKind::End if target.is_some() => f.error(
            node.pos,
            "an `end` action takes no `stepId` or `workflowId`".to_owned(),
        ),
        _ => {}
    }
    // `retryAfter` and `retryLimit` on another type of action are allowed (the 1.0 JSON schema
    // has them on every action) and mean nothing: Arazzo 1.0.1 says they apply only when the
    // type is `retry`.
    let (retry_after, retry_limit) = match kind {
        ActionKind::Retry => (retry_after, retry_limit),
        _ => (None, None),
    };
    if let Some(after) = &retry_after
        && !(after.value >= 0.0 && after.value.is_finite())
    {
        f.error(
            after.pos,
            "`retryAfter` must be a non-negative number of seconds".to_owned(),
        );
    }
    Some(Action {
        name: name?,
        kind,
        target,
        retry_after,
        retry_limit,
        criteria,
        parameters,
        pos: node.pos,
    })
}

/// Copies an inputs schema with every local `$ref` (`#/components/inputs/…`) replaced by what
/// it points at, so the type generator sees one self-contained schema.
fn inline_refs(
    node: &Node,
    components: &Components,
    file: &str,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<Node> {
    const MAX_DEPTH: usize = 32;
    let budget = components.inline_budget.get();
    if budget == 0 {
        diags.push(Diagnostic::new(
            file,
            Some(node.pos),
            "the inputs schema grows too large once its `$ref`s are inlined".to_owned(),
        ));
        return None;
    }
    components.inline_budget.set(budget - 1);
    match &node.kind {
        Kind::Map(entries) => {
            if let Some(target) = node.get("$ref") {
                let Some(reference) = target.as_str() else {
                    diags.push(Diagnostic::new(
                        file,
                        Some(target.pos),
                        "`$ref` must be a string".to_owned(),
                    ));
                    return None;
                };
                // A reference into another file (a schema of a source description, JSON
                // Schema's `$ref` being a URI reference) is resolved where the source
                // descriptions are known: by the planner, which types it.
                if !reference.starts_with('#') {
                    return Some(node.clone());
                }
                return resolve_ref(reference, target.pos, components, file, diags, depth);
            }
            if depth > MAX_DEPTH {
                return Some(node.clone());
            }
            let mut out = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                out.push((
                    key.clone(),
                    inline_refs(value, components, file, diags, depth + 1)?,
                ));
            }
            Some(Node {
                pos: node.pos,
                kind: Kind::Map(out),
            })
        }
        Kind::Seq(items) => {
            let items = items
                .iter()
                .map(|i| inline_refs(i, components, file, diags, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            Some(Node {
                pos: node.pos,
                kind: Kind::Seq(items),
            })
        }
        _ => Some(node.clone()),
    }
}

fn resolve_ref(
    reference: &str,
    pos: Pos,
    components: &Components,
    file: &str,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<Node> {
    let error = |message: String| Diagnostic::new(file, Some(pos), message);
    // Only called for references inside this document (`#…`).
    let pointer = reference.strip_prefix('#').unwrap_or(reference);
    if depth > 32 {
        diags.push(error(format!("`$ref: {reference}` refers to itself")));
        return None;
    }
    let found = components.root.and_then(|root| root.pointer(pointer));
    match found {
        Some(target) => inline_refs(target, components, file, diags, depth + 1),
        None => {
            let names = components
                .root
                .and_then(|r| r.pointer("/components/inputs"))
                .and_then(Node::as_map)
                .unwrap_or_default();
            let wanted = pointer.rsplit('/').next().unwrap_or(pointer);
            let hint = suggest(wanted, names.iter().map(|(k, _)| k.name.as_str()));
            diags.push(error(format!("`$ref: {reference}` points at nothing")).with_hint(hint));
            None
        }
    }
}
