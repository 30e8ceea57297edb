//! The Arazzo document model, read from a loaded [`Node`] tree. Every field keeps its position;
//! missing required fields, unknown fields (outside `x-`) and wrong types are all collected.

use crate::diag::{Diagnostic, Diagnostics, Pos, suggest};
use crate::load::{Kind, Node};

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
    /// `info`.
    pub info: Info,
    /// `sourceDescriptions`.
    pub sources: Vec<SourceDescription>,
    /// `workflows`.
    pub workflows: Vec<Workflow>,
}

/// `info`.
#[derive(Debug, Clone, Default)]
pub struct Info {
    /// `title`.
    pub title: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
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
    /// `inputs`: a JSON Schema.
    pub inputs: Option<Node>,
    /// `steps`.
    pub steps: Vec<Step>,
    /// `outputs`: name → runtime expression.
    pub outputs: Vec<(Spanned<String>, Spanned<String>)>,
}

/// What a step calls.
#[derive(Debug, Clone)]
pub enum Target {
    /// `operationId`.
    OperationId(Spanned<String>),
}

/// A step.
#[derive(Debug, Clone)]
pub struct Step {
    /// `stepId`.
    pub id: Spanned<String>,
    /// `description`.
    pub description: Option<String>,
    /// `operationId` (other targets are reported as not supported yet).
    pub target: Option<Target>,
    /// `parameters`.
    pub parameters: Vec<Parameter>,
    /// `requestBody`.
    pub request_body: Option<RequestBody>,
    /// `successCriteria`.
    pub success_criteria: Vec<Criterion>,
    /// `outputs`: name → runtime expression.
    pub outputs: Vec<(Spanned<String>, Spanned<String>)>,
}

/// A step parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// `name`.
    pub name: Spanned<String>,
    /// `in`: `path`, `query`, `header` or `cookie`.
    pub location: Option<Spanned<String>>,
    /// `value`: a literal or a runtime expression.
    pub value: Node,
    /// Where the parameter object starts.
    pub pos: Pos,
}

/// `requestBody`.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// `contentType`.
    pub content_type: Option<Spanned<String>>,
    /// `payload`.
    pub payload: Option<Node>,
    /// Where `requestBody` starts.
    pub pos: Pos,
}

/// A success criterion.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// `condition`.
    pub condition: Spanned<String>,
    /// `type`: `simple` (default) or `regex`.
    pub kind: Spanned<String>,
    /// `context`, required for `regex`.
    pub context: Option<Spanned<String>>,
}

/// Reads a mapping's fields, remembering which were read so the rest can be reported.
struct Fields<'n, 'd> {
    node: &'n Node,
    what: &'static str,
    allowed: &'static [&'static str],
    diags: &'d mut Diagnostics,
    file: &'d str,
}

impl<'n, 'd> Fields<'n, 'd> {
    fn new(
        node: &'n Node,
        what: &'static str,
        allowed: &'static [&'static str],
        diags: &'d mut Diagnostics,
        file: &'d str,
    ) -> Option<Self> {
        if node.as_map().is_none() {
            diags.push(Diagnostic::new(
                file,
                Some(node.pos),
                format!("{what} must be a mapping, found {}", node.kind_name()),
            ));
            return None;
        }
        let mut fields = Self {
            node,
            what,
            allowed,
            diags,
            file,
        };
        fields.report_unknown();
        Some(fields)
    }

    fn report_unknown(&mut self) {
        let node = self.node;
        for (key, _) in node.as_map().unwrap_or_default() {
            if !self.allowed.contains(&key.name.as_str()) && !key.name.starts_with("x-") {
                self.diags.push(
                    Diagnostic::new(
                        self.file,
                        Some(key.pos),
                        format!("unknown field `{}` in {}", key.name, self.what),
                    )
                    .with_hint(suggest(&key.name, self.allowed.iter().copied())),
                );
            }
        }
    }

    fn error(&mut self, pos: Pos, message: String) {
        self.diags
            .push(Diagnostic::new(self.file, Some(pos), message));
    }

    fn node(&self, key: &str) -> Option<&'n Node> {
        self.node.get(key)
    }

    fn required(&mut self, key: &str) -> Option<&'n Node> {
        let node = self.node(key);
        if node.is_none() {
            let what = self.what;
            self.error(
                self.node.pos,
                format!("{what} is missing the required field `{key}`"),
            );
        }
        node
    }

    fn string_of(&mut self, node: &'n Node, key: &str) -> Option<Spanned<String>> {
        match &node.kind {
            Kind::Str(s) => Some(Spanned {
                value: s.clone(),
                pos: node.pos,
            }),
            _ => {
                self.error(
                    node.pos,
                    format!("`{key}` must be a string, found {}", node.kind_name()),
                );
                None
            }
        }
    }

    fn req_string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.required(key)?;
        self.string_of(node, key)
    }

    fn opt_string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.node(key)?;
        self.string_of(node, key)
    }

    fn list(&mut self, key: &str, required: bool) -> &'n [Node] {
        let node = if required {
            self.required(key)
        } else {
            self.node(key)
        };
        match node {
            None => &[],
            Some(node) => match node.as_seq() {
                Some(items) => items,
                None => {
                    self.error(
                        node.pos,
                        format!("`{key}` must be a list, found {}", node.kind_name()),
                    );
                    &[]
                }
            },
        }
    }

    fn string_map(&mut self, key: &str) -> Vec<(Spanned<String>, Spanned<String>)> {
        let Some(node) = self.node(key) else {
            return Vec::new();
        };
        let Some(entries) = node.as_map() else {
            self.error(
                node.pos,
                format!("`{key}` must be a mapping, found {}", node.kind_name()),
            );
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(k, v)| {
                let value = self.string_of(v, &k.name)?;
                Some((
                    Spanned {
                        value: k.name.clone(),
                        pos: k.pos,
                    },
                    value,
                ))
            })
            .collect()
    }

    /// A field that is valid Arazzo but not supported by this version of the generator.
    fn unsupported(&mut self, key: &str, later: &str) {
        if let Some(node) = self.node(key) {
            let what = self.what;
            self.error(
                node.pos,
                format!("`{key}` in {what} is not supported yet ({later})"),
            );
        }
    }
}

const DOCUMENT_FIELDS: &[&str] = &[
    "arazzo",
    "info",
    "sourceDescriptions",
    "workflows",
    "components",
];
const INFO_FIELDS: &[&str] = &["title", "summary", "description", "version"];
const SOURCE_FIELDS: &[&str] = &["name", "url", "type"];
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
];
const PARAMETER_FIELDS: &[&str] = &["name", "in", "value"];
const BODY_FIELDS: &[&str] = &["contentType", "payload", "replacements"];
const CRITERION_FIELDS: &[&str] = &["context", "condition", "type"];

const LATER: &str = "control flow, reuse and nested workflows are planned";

/// Reads an Arazzo document; `None` when it is too broken to go on (the reasons are in `diags`).
pub fn read(root: &Node, file: &str, diags: &mut Diagnostics) -> Option<Document> {
    let mut f = Fields::new(root, "the Arazzo document", DOCUMENT_FIELDS, diags, file)?;
    let arazzo = f.req_string("arazzo");
    let info = f.required("info").map(|n| read_info(n, file, f.diags));
    let sources = f
        .list("sourceDescriptions", true)
        .iter()
        .filter_map(|n| read_source(n, file, f.diags))
        .collect();
    let workflows = f
        .list("workflows", true)
        .iter()
        .filter_map(|n| read_workflow(n, file, f.diags))
        .collect();
    f.unsupported("components", LATER);
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
        info: info.unwrap_or_default(),
        sources,
        workflows,
    })
}

fn read_info(node: &Node, file: &str, diags: &mut Diagnostics) -> Info {
    let Some(mut f) = Fields::new(node, "`info`", INFO_FIELDS, diags, file) else {
        return Info::default();
    };
    Info {
        title: f.req_string("title").map(|s| s.value).unwrap_or_default(),
        summary: f.opt_string("summary").map(|s| s.value),
        description: f.opt_string("description").map(|s| s.value),
        version: f.req_string("version").map(|s| s.value).unwrap_or_default(),
    }
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

fn read_workflow(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<Workflow> {
    let mut f = Fields::new(node, "a workflow", WORKFLOW_FIELDS, diags, file)?;
    let id = f.req_string("workflowId");
    let summary = f.opt_string("summary").map(|s| s.value);
    let description = f.opt_string("description").map(|s| s.value);
    let inputs = f.node("inputs").cloned();
    for key in [
        "dependsOn",
        "successActions",
        "failureActions",
        "parameters",
    ] {
        f.unsupported(key, LATER);
    }
    let steps = f
        .list("steps", true)
        .iter()
        .filter_map(|n| read_step(n, file, f.diags))
        .collect::<Vec<_>>();
    let outputs = f.string_map("outputs");
    if steps.is_empty() && node.get("steps").and_then(Node::as_seq).is_some() {
        f.error(node.pos, "a workflow needs at least one step".to_owned());
    }
    Some(Workflow {
        id: id?,
        summary,
        description,
        inputs,
        steps,
        outputs,
    })
}

fn read_step(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<Step> {
    let mut f = Fields::new(node, "a step", STEP_FIELDS, diags, file)?;
    let id = f.req_string("stepId");
    let description = f.opt_string("description").map(|s| s.value);
    let targets: Vec<&str> = ["operationId", "operationPath", "workflowId"]
        .into_iter()
        .filter(|k| f.node(k).is_some())
        .collect();
    if targets.len() != 1 {
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
    }
    let target = f.opt_string("operationId").map(Target::OperationId);
    f.unsupported("operationPath", LATER);
    f.unsupported("workflowId", LATER);
    f.unsupported("onSuccess", LATER);
    f.unsupported("onFailure", LATER);
    let parameters = f
        .list("parameters", false)
        .iter()
        .filter_map(|n| read_parameter(n, file, f.diags))
        .collect();
    let request_body = f
        .node("requestBody")
        .and_then(|n| read_body(n, file, f.diags));
    let success_criteria = f
        .list("successCriteria", false)
        .iter()
        .filter_map(|n| read_criterion(n, file, f.diags))
        .collect();
    let outputs = f.string_map("outputs");
    Some(Step {
        id: id?,
        description,
        target,
        parameters,
        request_body,
        success_criteria,
        outputs,
    })
}

fn read_parameter(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<Parameter> {
    if node.get("reference").is_some() {
        diags.push(Diagnostic::new(
            file,
            Some(node.pos),
            format!("reusable parameter references are not supported yet ({LATER})"),
        ));
        return None;
    }
    let mut f = Fields::new(node, "a parameter", PARAMETER_FIELDS, diags, file)?;
    let name = f.req_string("name");
    let location = f.opt_string("in");
    let value = f.required("value").cloned();
    if let Some(location) = &location
        && !["path", "query", "header", "cookie"].contains(&location.value.as_str())
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
        value: value?,
        pos: node.pos,
    })
}

fn read_body(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<RequestBody> {
    let mut f = Fields::new(node, "`requestBody`", BODY_FIELDS, diags, file)?;
    f.unsupported("replacements", LATER);
    Some(RequestBody {
        content_type: f.opt_string("contentType"),
        payload: f.node("payload").cloned(),
        pos: node.pos,
    })
}

fn read_criterion(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<Criterion> {
    let mut f = Fields::new(node, "a criterion", CRITERION_FIELDS, diags, file)?;
    let condition = f.req_string("condition");
    let context = f.opt_string("context");
    let kind = match f.node("type") {
        None => Spanned {
            value: "simple".to_owned(),
            pos: node.pos,
        },
        Some(n) => match n.as_str() {
            Some(s) => Spanned {
                value: s.to_owned(),
                pos: n.pos,
            },
            None => {
                f.error(
                    n.pos,
                    "criterion expression types (`type: {type, version}`) are not supported yet"
                        .to_owned(),
                );
                return None;
            }
        },
    };
    match kind.value.as_str() {
        "simple" => {}
        "regex" if context.is_none() => f.error(
            node.pos,
            "a `regex` criterion needs a `context` to match against".to_owned(),
        ),
        "regex" => {}
        "jsonpath" | "xpath" => f.error(
            kind.pos,
            format!("`{}` criteria are not supported yet", kind.value),
        ),
        other => f.error(
            kind.pos,
            format!("unknown criterion type `{other}`; expected `simple`, `regex`, `jsonpath` or `xpath`"),
        ),
    }
    Some(Criterion {
        condition: condition?,
        kind,
        context,
    })
}
