//! Swagger 2.0 descriptions (`swagger: "2.0"`), converted into the OpenAPI 3.0 shape the rest of
//! the generator reads, so that a Swagger source is checked, typed and called like any other.
//!
//! Each construct becomes what OpenAPI 3.0 made of it: `host`, `basePath` and `schemes` the
//! `servers`; `body` and `formData` parameters the `requestBody`, for the `consumes` media
//! types; a response's `schema` its `content`, for the `produces` media types; `definitions`
//! `components.schemas` (and `#/definitions/X` references `#/components/schemas/X`, so that
//! types are named as before); `securityDefinitions` `components.securitySchemes`, with the
//! oauth2 flows renamed. Parameters, responses and path items reached through `$ref` (top-level
//! `parameters` and `responses`, other files) are converted where an operation uses them.
//! Every node keeps the position it had in the Swagger file, so diagnostics point into it, and
//! `x-` extensions are kept.

use crate::diag::{Diagnostic, Pos, suggest};
use crate::load::{Key, Kind, Node};

/// What a description becomes: the OpenAPI 3.0 tree, and the Swagger constructs that could not
/// be converted (each reported once, where it is).
pub(crate) struct Converted {
    /// The description in the OpenAPI 3.0 shape (unchanged when it was not Swagger).
    pub root: Node,
    /// What could not be converted.
    pub problems: Vec<Diagnostic>,
}

/// The media type a `body` parameter or a response schema is taken to have when neither the
/// operation nor the description lists `consumes` / `produces`.
const DEFAULT_MEDIA: &str = "application/json";
/// The media type of a `file` response when `produces` says nothing.
const FILE_MEDIA: &str = "application/octet-stream";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];
const MAX_REF_HOPS: usize = 64;
/// The Swagger 2.0 oauth2 `flow`s and the OpenAPI 3.0 `flows` member each one became.
const FLOWS: [(&str, &str); 4] = [
    ("implicit", "implicit"),
    ("password", "password"),
    ("application", "clientCredentials"),
    ("accessCode", "authorizationCode"),
];
/// The fields a non-body parameter, a header or an `items` object shares with a schema
/// (Swagger 2.0 Parameter Object: "the following fields MAY be used").
const SCHEMA_FIELDS: [&str; 16] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// Converts `root` (the description named `file` in messages) when it is a Swagger document;
/// returns it unchanged otherwise. A Swagger version other than 2.0 is an error.
pub(crate) fn to_openapi(root: Node, file: &str) -> Result<Converted, Diagnostic> {
    let Some(version) = root.get("swagger") else {
        return Ok(Converted {
            root,
            problems: Vec::new(),
        });
    };
    // The specification says the string `"2.0"`; a YAML `2.0` without quotes means the same.
    let is_2_0 = match &version.kind {
        Kind::Str(v) => v == "2.0",
        Kind::Float(v) => *v == 2.0,
        _ => false,
    };
    if !is_2_0 {
        let shown = match &version.kind {
            Kind::Str(v) => v.clone(),
            Kind::Int(v) => v.to_string(),
            Kind::Float(v) => v.to_string(),
            _ => version.kind_name().to_owned(),
        };
        // Reported without a position, like an unsupported `openapi` version: the mistake is
        // the `url` that names this file.
        return Err(Diagnostic::new(
            file,
            None,
            format!(
                "`{file}` is Swagger `{shown}`; only Swagger 2.0 and OpenAPI 3.x descriptions are supported"
            ),
        ));
    }
    let mut converter = Converter {
        root: &root,
        file,
        problems: Vec::new(),
    };
    let converted = converter.document();
    let problems = converter.problems;
    Ok(Converted {
        root: converted,
        problems,
    })
}

struct Converter<'a> {
    /// The Swagger document, for `$ref`s (which still use its paths).
    root: &'a Node,
    file: &'a str,
    problems: Vec<Diagnostic>,
}

impl<'a> Converter<'a> {
    fn problem(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.problems
            .push(Diagnostic::new(self.file, Some(pos), message).with_hint(hint));
    }

    /// Follows local `$ref`s from `node` in the Swagger document.
    fn resolve(&self, mut node: &'a Node) -> &'a Node {
        for _ in 0..MAX_REF_HOPS {
            let Some(target) = node
                .get("$ref")
                .and_then(Node::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| self.root.pointer(pointer))
            else {
                return node;
            };
            node = target;
        }
        node
    }

    /// The whole document.
    fn document(&mut self) -> Node {
        let root = self.root;
        let mut out = Vec::new();
        let mut components = Vec::new();
        for (key, value) in root.as_map().unwrap_or_default() {
            match key.name.as_str() {
                "swagger" => {
                    out.push((renamed(key, "openapi"), text(value.pos, "3.0.3")));
                    if let Some(servers) = servers(root) {
                        out.push((key_at("servers", servers.pos), servers));
                    }
                }
                "paths" => out.push((key.clone(), self.paths(value))),
                "definitions" => {
                    let schemas = map_values(value, schema);
                    components.push((renamed(key, "schemas"), schemas));
                }
                "securityDefinitions" => {
                    let schemes = self.security_schemes(value);
                    components.push((renamed(key, "securitySchemes"), schemes));
                }
                // Read where they apply: by `servers`, by each operation, and where a `$ref`
                // names them.
                "host" | "basePath" | "schemes" | "consumes" | "produces" | "parameters"
                | "responses" => {}
                name if name.starts_with("x-") && name != crate::bundle::BUNDLED => {
                    out.push((key.clone(), value.clone()));
                }
                // `info`, `security`, `tags`, and the files of a split description (see
                // `crate::bundle`), whose references to this file's definitions follow them to
                // `components`.
                _ => out.push((key.clone(), rewrite_refs(value))),
            }
        }
        if !components.is_empty() {
            let pos = components.first().map_or(root.pos, |(k, _)| k.pos);
            out.push((key_at("components", pos), map(pos, components)));
        }
        map(root.pos, out)
    }

    fn paths(&mut self, paths: &'a Node) -> Node {
        let mut out = Vec::new();
        for (path, item) in paths.as_map().unwrap_or_default() {
            if path.name.starts_with("x-") {
                out.push((path.clone(), item.clone()));
                continue;
            }
            out.push((path.clone(), self.path_item(self.resolve(item))));
        }
        map(paths.pos, out)
    }

    /// A Path Item: its parameters move into each operation, where a `body` or `formData` one
    /// becomes part of the request body.
    fn path_item(&mut self, item: &'a Node) -> Node {
        let shared: Vec<&Node> = item
            .get("parameters")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .collect();
        let mut out = Vec::new();
        for (key, value) in item.as_map().unwrap_or_default() {
            if METHODS.contains(&key.name.as_str()) {
                out.push((key.clone(), self.operation(value, &shared)));
            } else if key.name.starts_with("x-") {
                out.push((key.clone(), value.clone()));
            }
        }
        map(item.pos, out)
    }

    fn operation(&mut self, op: &'a Node, shared: &[&'a Node]) -> Node {
        let parameters = self.parameters(op, shared);
        let mut out = Vec::new();
        for (key, value) in op.as_map().unwrap_or_default() {
            match key.name.as_str() {
                "parameters" | "consumes" | "produces" | "schemes" => {}
                "responses" => {
                    let produces = self.media_types(op, "produces");
                    out.push((key.clone(), self.responses(value, &produces)));
                }
                _ => out.push((key.clone(), value.clone())),
            }
        }
        let pos = op.get("parameters").map_or(op.pos, |p| p.pos);
        let others: Vec<Node> = parameters
            .others
            .iter()
            .map(|p| self.parameter(p))
            .collect();
        if !others.is_empty() {
            out.push((key_at("parameters", pos), seq(pos, others)));
        }
        let consumes = self.media_types(op, "consumes");
        let body = match (parameters.body, parameters.form.is_empty()) {
            (Some(body), _) => Some(body_request(body, &consumes)),
            (None, false) => Some(self.form_request(&parameters.form, &consumes)),
            (None, true) => None,
        };
        if let Some(body) = body {
            out.push((key_at("requestBody", body.pos), body));
        }
        map(op.pos, out)
    }

    /// The operation's parameters, the path item's merged in (Swagger 2.0 Path Item Object:
    /// they "can be overridden at the operation level, but cannot be removed there"), each
    /// `$ref` followed, sorted by what they become.
    fn parameters(&mut self, op: &'a Node, shared: &[&'a Node]) -> Parameters<'a> {
        let own = op
            .get("parameters")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        let mut merged: Vec<&'a Node> = Vec::new();
        for p in shared.iter().copied().chain(own) {
            let p = self.resolve(p);
            let id = |q: &Node| {
                (
                    q.get("name").and_then(Node::as_str).map(str::to_owned),
                    q.get("in").and_then(Node::as_str).map(str::to_owned),
                )
            };
            let this = id(p);
            if this.0.is_some() {
                merged.retain(|q| id(q) != this);
            }
            merged.push(p);
        }
        let mut sorted = Parameters::default();
        for p in merged {
            match p.get("in").and_then(Node::as_str) {
                Some("body") => self.body_parameter(p, &mut sorted),
                Some("formData") => {
                    if let Some(body) = sorted.body {
                        self.form_and_body(p, body);
                    } else {
                        sorted.form.push(p);
                    }
                }
                _ => sorted.others.push(p),
            }
        }
        sorted
    }

    fn body_parameter(&mut self, p: &'a Node, sorted: &mut Parameters<'a>) {
        if let Some(first) = sorted.body {
            self.problem(
                p.pos,
                format!(
                    "a second `body` parameter; Swagger 2.0 allows one per operation (the first is at line {})",
                    first.pos.line
                ),
                Some("describe the whole body in one `body` parameter's `schema`".to_owned()),
            );
        } else if let Some(form) = sorted.form.first() {
            self.form_and_body(p, form);
        } else {
            sorted.body = Some(p);
        }
    }

    /// Swagger 2.0 Parameter Object: "Body and form parameters cannot exist together for the
    /// same operation". Reported at the later one, which is left out.
    fn form_and_body(&mut self, later: &Node, earlier: &Node) {
        let (this, other) = match later.get("in").and_then(Node::as_str) {
            Some("body") => ("a `body` parameter", "`formData` parameters"),
            _ => ("a `formData` parameter", "a `body` parameter"),
        };
        self.problem(
            later.pos,
            format!(
                "{this} in an operation that has {other} (line {}); Swagger 2.0: body and form parameters cannot exist together for the same operation",
                earlier.pos.line
            ),
            None,
        );
    }

    /// `consumes` or `produces` of the operation, else of the description (an operation's
    /// list, even empty, overrides the description's).
    fn media_types(&self, op: &Node, field: &str) -> Vec<String> {
        op.get(field)
            .or_else(|| self.root.get(field))
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .map(str::to_owned)
            .collect()
    }

    /// A query, header or path parameter: its type fields move into `schema`, its
    /// `collectionFormat` becomes `style` and `explode`.
    fn parameter(&mut self, p: &Node) -> Node {
        if p.get("name").is_none() {
            // An unresolved `$ref` (another file that could not be read): left for the reader,
            // which skips it.
            return rewrite_refs(p);
        }
        let location = p.get("in").and_then(Node::as_str).unwrap_or_default();
        let mut out = Vec::new();
        for (key, value) in p.as_map().unwrap_or_default() {
            let keep = matches!(
                key.name.as_str(),
                "name" | "in" | "description" | "required" | "allowEmptyValue"
            ) || key.name.starts_with("x-");
            if keep {
                out.push((key.clone(), value.clone()));
            }
        }
        if let Some((style, explode)) = self.collection_style(p, location) {
            let pos = p.get("collectionFormat").map_or(p.pos, |n| n.pos);
            out.push((key_at("style", pos), text(pos, style)));
            out.push((key_at("explode", pos), boolean(pos, explode)));
        }
        out.push((key_at("schema", p.pos), simple_schema(p)));
        map(p.pos, out)
    }

    /// The OpenAPI 3.0 `style` and `explode` of an array parameter's `collectionFormat`
    /// (default `csv`), `None` where OpenAPI's default for the location says the same.
    fn collection_style(&mut self, p: &Node, location: &str) -> Option<(&'static str, bool)> {
        if p.get("type").and_then(Node::as_str) != Some("array") {
            return None;
        }
        let format_node = p.get("collectionFormat");
        let format = format_node.and_then(Node::as_str).unwrap_or("csv");
        let form = matches!(location, "query" | "formData");
        let style = match (format, form) {
            ("csv", true) => Some(("form", false)),
            ("ssv", true) => Some(("spaceDelimited", false)),
            ("pipes", true) => Some(("pipeDelimited", false)),
            ("multi", true) => Some(("form", true)),
            // `simple`, OpenAPI's default for paths and headers, is comma-separated.
            ("csv", false) => return None,
            _ => None,
        };
        if style.is_none() {
            let pos = format_node.map_or(p.pos, |n| n.pos);
            let name = p.get("name").and_then(Node::as_str).unwrap_or_default();
            self.problem(
                pos,
                format!(
                    "`collectionFormat: {format}` of the {location} parameter `{name}` is not supported: OpenAPI 3 has no way to send it"
                ),
                suggest(format, ["csv", "ssv", "pipes", "multi"]),
            );
        }
        style
    }

    /// `formData` parameters as one form: a property per parameter, for the `consumes` form
    /// media types (Swagger 2.0 Parameter Object: form parameters are sent as
    /// `application/x-www-form-urlencoded`, `multipart/form-data` or both, as `consumes`
    /// says).
    fn form_request(&mut self, form: &[&'a Node], consumes: &[String]) -> Node {
        let pos = form.first().map_or(Pos::default(), |p| p.pos);
        let mut properties = Vec::new();
        let mut required = Vec::new();
        let mut encoding = Vec::new();
        for p in form {
            let Some(name) = p.get("name").and_then(Node::as_str) else {
                continue;
            };
            let mut property = simple_schema(p);
            if let (Some(description), Kind::Map(entries)) =
                (p.get("description"), &mut property.kind)
            {
                entries.push((key_at("description", description.pos), description.clone()));
            }
            properties.push((key_at(name, p.pos), property));
            if matches!(p.get("required").map(|n| &n.kind), Some(Kind::Bool(true))) {
                required.push(text(p.pos, name));
            }
            if let Some((style, explode)) = self.collection_style(p, "formData") {
                let entry = map(
                    p.pos,
                    vec![
                        (key_at("style", p.pos), text(p.pos, style)),
                        (key_at("explode", p.pos), boolean(p.pos, explode)),
                    ],
                );
                encoding.push((key_at(name, p.pos), entry));
            }
        }
        let mut schema = vec![
            (key_at("type", pos), text(pos, "object")),
            (key_at("properties", pos), map(pos, properties)),
        ];
        let any_required = !required.is_empty();
        if any_required {
            schema.push((key_at("required", pos), seq(pos, required)));
        }
        let schema = map(pos, schema);
        let has_file = form
            .iter()
            .any(|p| p.get("type").and_then(Node::as_str) == Some("file"));
        let mut media: Vec<&str> = consumes
            .iter()
            .map(String::as_str)
            .filter(|m| [FORM, MULTIPART].contains(&essence(m).as_str()))
            .collect();
        if media.is_empty() {
            media.push(if has_file { MULTIPART } else { FORM });
        }
        let content = media
            .into_iter()
            .map(|m| {
                let mut entry = vec![(key_at("schema", pos), schema.clone())];
                if !encoding.is_empty() {
                    entry.push((key_at("encoding", pos), map(pos, encoding.clone())));
                }
                (key_at(m, pos), map(pos, entry))
            })
            .collect();
        map(
            pos,
            vec![
                (key_at("required", pos), boolean(pos, any_required)),
                (key_at("content", pos), map(pos, content)),
            ],
        )
    }

    fn responses(&mut self, responses: &'a Node, produces: &[String]) -> Node {
        let mut out = Vec::new();
        for (code, response) in responses.as_map().unwrap_or_default() {
            let converted = if code.name.starts_with("x-") {
                response.clone()
            } else {
                self.response(self.resolve(response), produces)
            };
            out.push((code.clone(), converted));
        }
        map(responses.pos, out)
    }

    /// A Response Object: its `schema` becomes `content` for every `produces` media type
    /// (Swagger 2.0: "If this field does not exist, it means no content is returned").
    fn response(&mut self, response: &Node, produces: &[String]) -> Node {
        let mut out = Vec::new();
        for (key, value) in response.as_map().unwrap_or_default() {
            match key.name.as_str() {
                "description" => out.push((key.clone(), value.clone())),
                "headers" => out.push((key.clone(), map_values(value, header))),
                "schema" => {
                    let is_file = value.get("type").and_then(Node::as_str) == Some("file");
                    let fallback = if is_file { FILE_MEDIA } else { DEFAULT_MEDIA };
                    let converted = schema(value);
                    let content = media_or(produces, fallback)
                        .map(|m| {
                            let entry = vec![(key_at("schema", key.pos), converted.clone())];
                            (key_at(m, key.pos), map(value.pos, entry))
                        })
                        .collect();
                    out.push((key_at("content", key.pos), map(value.pos, content)));
                }
                "$ref" => out.push((key.clone(), rewrite_refs(value))),
                name if name.starts_with("x-") => out.push((key.clone(), value.clone())),
                _ => {}
            }
        }
        map(response.pos, out)
    }

    fn security_schemes(&mut self, definitions: &Node) -> Node {
        let mut out = Vec::new();
        for (name, definition) in definitions.as_map().unwrap_or_default() {
            if let Some(scheme) = self.security_scheme(definition) {
                out.push((name.clone(), scheme));
            }
        }
        map(definitions.pos, out)
    }

    /// A Security Scheme Object: `basic` becomes `http` / `basic`, an oauth2 `flow` the
    /// matching member of `flows`; `None` (reported) for a type Swagger 2.0 does not have.
    fn security_scheme(&mut self, definition: &Node) -> Option<Node> {
        let pos = definition.pos;
        let kind = definition.get("type");
        let mut out = match kind.and_then(Node::as_str) {
            Some("basic") => vec![
                (key_at("type", pos), text(pos, "http")),
                (key_at("scheme", pos), text(pos, "basic")),
            ],
            Some("apiKey") => {
                let mut fields = vec![(key_at("type", pos), text(pos, "apiKey"))];
                fields.extend(copied(definition, &["name", "in"]));
                fields
            }
            Some("oauth2") => {
                let flows = self.oauth2_flows(definition)?;
                vec![
                    (key_at("type", pos), text(pos, "oauth2")),
                    (key_at("flows", pos), flows),
                ]
            }
            other => {
                let at = kind.map_or(pos, |k| k.pos);
                let message = match other {
                    Some(other) => {
                        format!("security scheme type `{other}` does not exist in Swagger 2.0")
                    }
                    None => "a security scheme without a `type`".to_owned(),
                };
                let hint = suggest(other.unwrap_or_default(), ["basic", "apiKey", "oauth2"]);
                self.problem(at, message, hint);
                return None;
            }
        };
        out.extend(copied(definition, &["description"]));
        out.extend(extensions(definition));
        Some(map(pos, out))
    }

    /// `flows` with the one flow a Swagger 2.0 oauth2 scheme describes.
    fn oauth2_flows(&mut self, definition: &Node) -> Option<Node> {
        let pos = definition.pos;
        let flow = definition.get("flow");
        let name = flow.and_then(Node::as_str).unwrap_or_default();
        let Some((_, renamed)) = FLOWS.iter().find(|(swagger, _)| *swagger == name) else {
            let message = match flow {
                Some(_) => format!("oauth2 flow `{name}` does not exist in Swagger 2.0"),
                None => "an oauth2 security scheme without a `flow`".to_owned(),
            };
            let hint = suggest(name, FLOWS.iter().map(|(swagger, _)| *swagger));
            self.problem(flow.map_or(pos, |f| f.pos), message, hint);
            return None;
        };
        let at = flow.map_or(pos, |f| f.pos);
        let mut fields = copied(definition, &["authorizationUrl", "tokenUrl"]);
        let scopes = definition
            .get("scopes")
            .cloned()
            .unwrap_or_else(|| map(at, Vec::new()));
        fields.push((key_at("scopes", scopes.pos), scopes));
        Some(map(at, vec![(key_at(renamed, at), map(at, fields))]))
    }
}

/// An operation's parameters by what they become.
#[derive(Default)]
struct Parameters<'a> {
    body: Option<&'a Node>,
    form: Vec<&'a Node>,
    others: Vec<&'a Node>,
}

/// The request body a `body` parameter describes, for every `consumes` media type.
fn body_request(p: &Node, consumes: &[String]) -> Node {
    let pos = p.pos;
    let converted = p.get("schema").map(schema);
    let content = media_or(consumes, DEFAULT_MEDIA)
        .map(|m| {
            let entry = converted
                .iter()
                .map(|s| (key_at("schema", s.pos), s.clone()))
                .collect();
            (key_at(m, pos), map(pos, entry))
        })
        .collect();
    let mut out = copied(p, &["description", "required"]);
    out.push((key_at("content", pos), map(pos, content)));
    out.extend(extensions(p));
    map(pos, out)
}

/// `servers` from `schemes`, `host` and `basePath` (Swagger 2.0 Swagger Object): one URL per
/// HTTP scheme, `https` first; `https` when `schemes` is absent (the scheme the description was
/// fetched with is not known at build time); only `basePath` when there is no `host`.
fn servers(root: &Node) -> Option<Node> {
    let host = root.get("host");
    let base_path = root.get("basePath");
    let pos = host.or(base_path)?.pos;
    let path = base_path.and_then(Node::as_str).unwrap_or_default();
    let urls: Vec<String> = match host.and_then(Node::as_str) {
        Some(host) => {
            let listed: Vec<&str> = root
                .get("schemes")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str)
                .collect();
            let schemes: Vec<&str> = ["https", "http"]
                .into_iter()
                .filter(|s| (listed.is_empty() && *s == "https") || listed.contains(s))
                .collect();
            schemes
                .into_iter()
                .map(|scheme| format!("{scheme}://{host}{path}"))
                .collect()
        }
        None => vec![path.to_owned()],
    };
    let servers = urls
        .into_iter()
        .map(|url| map(pos, vec![(key_at("url", pos), text(pos, &url))]))
        .collect();
    Some(seq(pos, servers))
}

/// A Schema Object: the same in OpenAPI 3.0 but for the `file` type, a `discriminator` that is
/// a property name, the common `x-nullable` extension (which 3.0 spells `nullable`) and
/// `$ref`s to `definitions`.
fn schema(node: &Node) -> Node {
    let Some(entries) = node.as_map() else {
        return rewrite_refs(node);
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let converted = match key.name.as_str() {
            "type" if value.as_str() == Some("file") => {
                out.push((key.clone(), text(value.pos, "string")));
                out.push((key_at("format", key.pos), text(value.pos, "binary")));
                continue;
            }
            "format" if node.get("type").and_then(Node::as_str) == Some("file") => continue,
            "discriminator" if value.as_str().is_some() => map(
                value.pos,
                vec![(key_at("propertyName", value.pos), value.clone())],
            ),
            "x-nullable" => {
                if matches!(value.kind, Kind::Bool(true)) {
                    out.push((key_at("nullable", key.pos), value.clone()));
                }
                value.clone()
            }
            "$ref" => match value.as_str() {
                Some(reference) => text(value.pos, &rewrite_ref(reference)),
                None => value.clone(),
            },
            "properties" => map_values(value, schema),
            "items" | "additionalProperties" => schema(value),
            "allOf" => match &value.kind {
                Kind::Seq(items) => seq(value.pos, items.iter().map(schema).collect()),
                _ => value.clone(),
            },
            name if name.starts_with("x-") || name == "example" => value.clone(),
            _ => rewrite_refs(value),
        };
        out.push((key.clone(), converted));
    }
    map(node.pos, out)
}

/// The schema of a non-body parameter, a header or an `items` object: its type fields.
fn simple_schema(p: &Node) -> Node {
    let mut out = Vec::new();
    for (key, value) in p.as_map().unwrap_or_default() {
        if !SCHEMA_FIELDS.contains(&key.name.as_str()) {
            continue;
        }
        let value = match key.name.as_str() {
            "items" => simple_schema(value),
            _ => value.clone(),
        };
        out.push((key.clone(), value));
    }
    schema(&map(p.pos, out))
}

/// A response header: its type fields move into `schema`.
fn header(h: &Node) -> Node {
    let mut out = copied(h, &["description"]);
    out.push((key_at("schema", h.pos), simple_schema(h)));
    out.extend(extensions(h));
    map(h.pos, out)
}

/// A copy of `node` whose `$ref`s to `definitions` point to `components.schemas`, outside
/// extensions and examples (data, not references).
fn rewrite_refs(node: &Node) -> Node {
    let kind = match &node.kind {
        Kind::Seq(items) => Kind::Seq(items.iter().map(rewrite_refs).collect()),
        Kind::Map(entries) => Kind::Map(
            entries
                .iter()
                .map(|(key, value)| {
                    let data = key.name.starts_with("x-") && key.name != crate::bundle::BUNDLED
                        || key.name == "example";
                    let value = match (&value.kind, key.name.as_str()) {
                        _ if data => value.clone(),
                        (Kind::Str(reference), "$ref") => text(value.pos, &rewrite_ref(reference)),
                        _ => rewrite_refs(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Node {
        pos: node.pos,
        kind,
    }
}

fn rewrite_ref(reference: &str) -> String {
    match reference.strip_prefix("#/definitions/") {
        Some(rest) => format!("#/components/schemas/{rest}"),
        None => reference.to_owned(),
    }
}

/// `media`, or `fallback` when it lists none.
fn media_or<'m>(media: &'m [String], fallback: &'m str) -> impl Iterator<Item = &'m str> {
    let fallback = media.is_empty().then_some(fallback);
    media.iter().map(String::as_str).chain(fallback)
}

fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The entries of `node` named in `fields`, as written.
fn copied(node: &Node, fields: &[&str]) -> Vec<(Key, Node)> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .filter(|(k, _)| fields.contains(&k.name.as_str()))
        .cloned()
        .collect()
}

/// The `x-` entries of `node`.
fn extensions(node: &Node) -> Vec<(Key, Node)> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .filter(|(k, _)| k.name.starts_with("x-"))
        .cloned()
        .collect()
}

/// `node`'s mapping with every value converted by `f`.
fn map_values(node: &Node, f: fn(&Node) -> Node) -> Node {
    match node.as_map() {
        Some(entries) => map(
            node.pos,
            entries.iter().map(|(k, v)| (k.clone(), f(v))).collect(),
        ),
        None => node.clone(),
    }
}

/// `key` under another name, at the same place.
fn renamed(key: &Key, name: &str) -> Key {
    key_at(name, key.pos)
}

fn key_at(name: &str, pos: Pos) -> Key {
    Key {
        name: name.to_owned(),
        pos,
    }
}

fn map(pos: Pos, entries: Vec<(Key, Node)>) -> Node {
    Node {
        pos,
        kind: Kind::Map(entries),
    }
}

fn seq(pos: Pos, items: Vec<Node>) -> Node {
    Node {
        pos,
        kind: Kind::Seq(items),
    }
}

fn text(pos: Pos, value: &str) -> Node {
    Node {
        pos,
        kind: Kind::Str(value.to_owned()),
    }
}

fn boolean(pos: Pos, value: bool) -> Node {
    Node {
        pos,
        kind: Kind::Bool(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(yaml: &str) -> Converted {
        let root = crate::load::parse(yaml, "api.yml").expect("YAML");
        to_openapi(root, "api.yml").expect("Swagger 2.0")
    }

    fn at<'n>(node: &'n Node, pointer: &str) -> &'n Node {
        node.pointer(pointer)
            .unwrap_or_else(|| panic!("no {pointer}"))
    }

    fn urls(yaml: &str) -> Vec<String> {
        let root = convert(&format!("swagger: '2.0'\n{yaml}paths: {{}}\n")).root;
        root.get("servers")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.get("url").and_then(Node::as_str).map(str::to_owned))
            .collect()
    }

    /// Swagger Object `host`, `basePath`, `schemes`: "If the `schemes` is not included, the
    /// default scheme to be used is the one used to access the Swagger definition itself",
    /// unknown at build time, so `https`.
    #[test]
    fn servers_come_from_schemes_host_and_base_path() {
        assert_eq!(
            urls("host: a.example:8080\nbasePath: /v2\nschemes: [http, https]\n"),
            ["https://a.example:8080/v2", "http://a.example:8080/v2"]
        );
        assert_eq!(urls("host: a.example\n"), ["https://a.example"]);
        assert_eq!(urls("basePath: /v2\n"), ["/v2"]);
        assert!(urls("info: {title: t, version: '1'}\n").is_empty());
    }

    /// Swagger 2.0 oauth2 `flow` values and the OpenAPI 3.0 `flows` members they became.
    #[test]
    fn oauth2_flows_are_renamed_and_keep_their_urls_and_scopes() {
        let converted = convert(
            "swagger: '2.0'\npaths: {}\nsecurityDefinitions:\n  a: {type: oauth2, flow: application, tokenUrl: /token, scopes: {read: r}}\n  b: {type: oauth2, flow: accessCode, authorizationUrl: /auth, tokenUrl: /token}\n  c: {type: oauth2, flow: implicit, authorizationUrl: /auth}\n  d: {type: oauth2, flow: password, tokenUrl: /token}\n  e: {type: basic, x-note: kept}\n",
        );
        assert!(converted.problems.is_empty());
        let schemes = at(&converted.root, "/components/securitySchemes");
        let text = |pointer: &str| at(schemes, pointer).as_str().map(str::to_owned);
        assert_eq!(
            text("/a/flows/clientCredentials/tokenUrl").as_deref(),
            Some("/token")
        );
        assert_eq!(
            text("/a/flows/clientCredentials/scopes/read").as_deref(),
            Some("r")
        );
        assert_eq!(
            text("/b/flows/authorizationCode/authorizationUrl").as_deref(),
            Some("/auth")
        );
        assert!(
            at(schemes, "/b/flows/authorizationCode/scopes")
                .as_map()
                .is_some()
        );
        assert_eq!(
            text("/c/flows/implicit/authorizationUrl").as_deref(),
            Some("/auth")
        );
        assert_eq!(
            text("/d/flows/password/tokenUrl").as_deref(),
            Some("/token")
        );
        assert_eq!(text("/e/type").as_deref(), Some("http"));
        assert_eq!(text("/e/scheme").as_deref(), Some("basic"));
        assert_eq!(text("/e/x-note").as_deref(), Some("kept"));
    }

    /// Parameter Object: `file` "is used by the Parameter Object and the Response Object";
    /// form parameters with a file are `multipart/form-data` when `consumes` names no form
    /// type, and a `file` response without `produces` is `application/octet-stream`.
    #[test]
    fn files_are_binary_strings_in_multipart_forms_and_octet_stream_responses() {
        let converted = convert(
            "swagger: '2.0'\npaths:\n  /photos:\n    post:\n      parameters:\n        - {name: photo, in: formData, type: file, required: true}\n      responses:\n        '200': {description: ok, schema: {type: file}}\n",
        );
        let op = at(&converted.root, "/paths/~1photos/post");
        let form = at(op, "/requestBody/content/multipart~1form-data/schema");
        assert_eq!(
            at(form, "/properties/photo/format").as_str(),
            Some("binary")
        );
        assert_eq!(at(form, "/required/0").as_str(), Some("photo"));
        let response = at(
            op,
            "/responses/200/content/application~1octet-stream/schema",
        );
        assert_eq!(at(response, "/type").as_str(), Some("string"));
        assert_eq!(at(response, "/format").as_str(), Some("binary"));
    }

    /// Converted nodes keep the Swagger file's positions, so diagnostics point into it.
    #[test]
    fn positions_are_the_swagger_files() {
        let converted = convert(
            "swagger: '2.0'\npaths: {}\ndefinitions:\n  Pet:\n    type: object\n    properties:\n      owner: {$ref: '#/definitions/Person', x-nullable: true}\n",
        );
        let owner = at(&converted.root, "/components/schemas/Pet/properties/owner");
        assert_eq!(owner.pos, Pos { line: 7, col: 14 });
        assert_eq!(
            at(owner, "/$ref").as_str(),
            Some("#/components/schemas/Person")
        );
        assert_eq!(at(owner, "/nullable").kind, Kind::Bool(true));
    }
}
