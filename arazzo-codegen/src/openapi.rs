//! An OpenAPI 3.x description, indexed by operation: what a step needs to build its request and
//! type its outputs.

use crate::diag::Diagnostic;
use crate::http::HttpMethod;
use crate::load::Node;

/// A security scheme from `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `type: apiKey`.
    ApiKey {
        /// `in`.
        location: ApiKeyLocation,
        /// `name`.
        parameter: String,
    },
    /// `type: http, scheme: bearer` (and any other `http` scheme).
    Bearer,
    /// `type: http, scheme: basic`.
    Basic,
    /// `type: oauth2`.
    OAuth2(OAuthFlows),
    /// `type: openIdConnect`: its `openIdConnectUrl`.
    OpenIdConnect(String),
}

/// The flows of an `oauth2` scheme that have a token URL (`implicit` has none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthFlows {
    /// `flows.clientCredentials`.
    pub client_credentials: Option<OAuthFlow>,
    /// `flows.password`.
    pub password: Option<OAuthFlow>,
    /// `flows.authorizationCode`.
    pub authorization_code: Option<OAuthFlow>,
}

/// An OAuth Flow Object's URLs, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    /// `tokenUrl`.
    pub token_url: String,
    /// `refreshUrl`.
    pub refresh_url: Option<String>,
}

/// Where an `apiKey` security scheme's key goes (`in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// `header`, and what a description without a valid `in` gets.
    Header,
    /// `query`
    Query,
    /// `cookie`
    Cookie,
}

/// How a member of a form body is serialised: an Encoding Object's `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingStyle {
    /// `form`, the default, and what a style that does not apply to a form body is sent as.
    Form,
    /// `spaceDelimited`
    SpaceDelimited,
    /// `pipeDelimited`
    PipeDelimited,
    /// `deepObject`
    DeepObject,
    /// No `style` and a JSON `contentType`: the member is sent as JSON text.
    Json,
}

/// A parameter an operation declares (path-level and operation-level merged).
#[derive(Debug, Clone)]
pub struct OpParam {
    /// `name`.
    pub name: String,
    /// `in`.
    pub location: String,
    /// `required` (always true for `path`).
    pub required: bool,
    /// `style`, as written.
    pub style: Option<String>,
    /// `explode`, as written.
    pub explode: Option<bool>,
    /// The media type of `content`, which a parameter has instead of a `schema` and `style`.
    pub content: Option<String>,
}

/// One entry of a request body media type's `encoding` object (OpenAPI 3.x Encoding Object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoding {
    /// The property it applies to.
    pub name: String,
    /// `style`.
    pub style: EncodingStyle,
    /// `explode`; OpenAPI's default is `true` for `form` only.
    pub explode: bool,
    /// `contentType`: the `Content-Type` of the member's part in a `multipart` body.
    pub content_type: Option<String>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`, or `METHOD /path` when the operation has none.
    pub id: String,
    /// Whether `id` is a real `operationId`.
    pub named: bool,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path template.
    pub path: String,
    /// Its parameters.
    pub params: Vec<OpParam>,
    /// The request body media types, in document order.
    pub request_media: Vec<String>,
    /// The request body's schema for each media type (same order), when it has one.
    pub request_schemas: Vec<Option<Node>>,
    /// The request body's `encoding` entries for each media type (same order).
    pub request_encodings: Vec<Vec<Encoding>>,
    /// The request body's `required`.
    pub request_required: bool,
    /// `(status code or "default", JSON schema of the response body if any)`.
    pub responses: Vec<(String, Option<Node>)>,
    /// `(status code or "default", media types of its `content`)`, same order as `responses`.
    pub response_media: Vec<(String, Vec<String>)>,
    /// Effective security: alternatives, each a set of `(scheme name, scopes)` (the scopes an
    /// `oauth2` or `openIdConnect` requirement lists).
    pub security: Vec<Vec<(String, Vec<String>)>>,
    /// `summary`.
    pub summary: Option<String>,
}

/// A loaded OpenAPI description.
#[derive(Debug, Clone)]
pub struct OpenApi {
    /// The file, as shown in messages.
    pub file: String,
    /// The whole document, for `$ref` resolution.
    pub root: Node,
    /// `servers[*].url`.
    pub servers: Vec<String>,
    /// Every operation with an `operationId`.
    pub operations: Vec<Operation>,
    /// `components.securitySchemes`, in document order.
    pub schemes: Vec<(String, SchemeKind)>,
    /// The other files the description's `$ref`s reach (gathered by the `bundle` module).
    pub files: Vec<std::path::PathBuf>,
    /// The `$ref`s into other files that could not be followed, each reported once; what they
    /// point to is unknown. For a Swagger 2.0 description, also what could not be converted.
    pub reference_problems: Vec<Diagnostic>,
}

const MAX_REF_HOPS: usize = 64;
/// Header parameters OpenAPI says to ignore.
const IGNORED_HEADERS: [&str; 3] = ["Accept", "Content-Type", "Authorization"];

/// The `{name}`s of a path template, in order.
pub fn template_variables(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty())
        .collect()
}

impl OpenApi {
    /// Indexes a loaded description. Fails when it is not OpenAPI 3.x.
    pub fn from_node(root: Node, file: &str) -> Result<Self, Diagnostic> {
        // Reported without a position: the mistake is the `url` that names this file, and that
        // is where the diagnostic goes.
        match root.get("openapi").and_then(Node::as_str) {
            Some(v) if v.starts_with("3.") => {}
            Some(v) => {
                return Err(Diagnostic::new(
                    file,
                    None,
                    format!(
                        "`{file}` is OpenAPI `{v}`; only OpenAPI 3.x descriptions are supported"
                    ),
                ));
            }
            None => {
                let what = if root.get("arazzo").is_some() {
                    "an Arazzo document, not an OpenAPI description; such a source needs `type: arazzo`"
                } else if root.get("asyncapi").is_some() {
                    "an AsyncAPI document; only OpenAPI 3.x descriptions are supported"
                } else {
                    "not an OpenAPI 3.x description: it has no `openapi` field"
                };
                return Err(Diagnostic::new(file, None, format!("`{file}` is {what}")));
            }
        }
        let servers = root
            .get("servers")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.get("url").and_then(Node::as_str).map(str::to_owned))
            .collect();
        let global_security = root.get("security").map(read_security);
        let mut schemes = Vec::new();
        let mut operations = Vec::new();
        for (name, node) in root
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            let node = resolve_in(&root, node);
            let kind = match node.get("type").and_then(Node::as_str) {
                Some("apiKey") => SchemeKind::ApiKey {
                    location: match node.get("in").and_then(Node::as_str) {
                        Some("query") => ApiKeyLocation::Query,
                        Some("cookie") => ApiKeyLocation::Cookie,
                        _ => ApiKeyLocation::Header,
                    },
                    parameter: node
                        .get("name")
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                },
                Some("http")
                    if node
                        .get("scheme")
                        .and_then(Node::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("basic")) =>
                {
                    SchemeKind::Basic
                }
                Some("oauth2") => SchemeKind::OAuth2(read_flows(node)),
                Some("openIdConnect") => SchemeKind::OpenIdConnect(
                    node.get("openIdConnectUrl")
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                ),
                _ => SchemeKind::Bearer,
            };
            schemes.push((name.name.clone(), kind));
        }
        for (path, item) in root.get("paths").and_then(Node::as_map).unwrap_or_default() {
            let item = resolve_in(&root, item);
            let path_params = item.get("parameters");
            for (key, op) in item.as_map().unwrap_or_default() {
                let Some(method) = HttpMethod::from_path_item_key(&key.name) else {
                    continue;
                };
                let operation_id = op.get("operationId").and_then(Node::as_str);
                let mut params: Vec<OpParam> = Vec::new();
                for list in [path_params, op.get("parameters")].into_iter().flatten() {
                    for p in list.as_seq().unwrap_or_default() {
                        let p = resolve_in(&root, p);
                        let (Some(name), Some(location)) = (
                            p.get("name").and_then(Node::as_str),
                            p.get("in").and_then(Node::as_str),
                        ) else {
                            continue;
                        };
                        // OpenAPI: such a header parameter "SHALL be ignored" (the media types
                        // and security schemes say what goes there).
                        if location == "header"
                            && IGNORED_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
                        {
                            continue;
                        }
                        let required = location == "path"
                            || matches!(
                                p.get("required").map(|n| &n.kind),
                                Some(crate::load::Kind::Bool(true))
                            );
                        // An operation-level parameter overrides a path-level one of the same name and place.
                        params.retain(|q| !(q.name == name && q.location == location));
                        params.push(OpParam {
                            name: name.to_owned(),
                            location: location.to_owned(),
                            required,
                            style: p.get("style").and_then(Node::as_str).map(str::to_owned),
                            explode: match p.get("explode").map(|n| &n.kind) {
                                Some(crate::load::Kind::Bool(explode)) => Some(*explode),
                                _ => None,
                            },
                            content: p
                                .get("content")
                                .and_then(Node::as_map)
                                .and_then(|m| m.first().map(|(media, _)| media.name.clone())),
                        });
                    }
                }
                // A path parameter is a `{name}` of the template: one declared but missing from
                // the template can never be sent, and one the template has but the description
                // forgot to declare is still required.
                let variables = template_variables(&path.name);
                params.retain(|p| p.location != "path" || variables.contains(&p.name.as_str()));
                for variable in variables {
                    if !params
                        .iter()
                        .any(|p| p.location == "path" && p.name == variable)
                    {
                        params.push(OpParam {
                            name: variable.to_owned(),
                            location: "path".to_owned(),
                            required: true,
                            style: None,
                            explode: None,
                            content: None,
                        });
                    }
                }
                let request_body = op.get("requestBody").map(|b| resolve_in(&root, b));
                let request_required = matches!(
                    request_body
                        .and_then(|b| b.get("required"))
                        .map(|n| &n.kind),
                    Some(crate::load::Kind::Bool(true))
                );
                let request_content = request_body
                    .and_then(|b| b.get("content"))
                    .and_then(Node::as_map)
                    .unwrap_or_default();
                let request_encodings = request_content
                    .iter()
                    .map(|(_, media)| read_encoding(&root, media))
                    .collect();
                let request_media = request_content
                    .iter()
                    .map(|(k, _)| k.name.clone())
                    .collect();
                let request_schemas = request_content
                    .iter()
                    .map(|(_, media)| media.get("schema").cloned())
                    .collect();
                let responses = op
                    .get("responses")
                    .and_then(Node::as_map)
                    .unwrap_or_default()
                    .iter()
                    .map(|(code, response)| {
                        let response = resolve_in(&root, response);
                        let schema = response
                            .get("content")
                            .and_then(Node::as_map)
                            .unwrap_or_default()
                            .iter()
                            .find(|(media, _)| is_json(&media.name))
                            .and_then(|(_, m)| m.get("schema"))
                            .cloned();
                        (code.name.clone(), schema)
                    })
                    .collect();
                let response_media = response_media(&root, op);
                let security = op
                    .get("security")
                    .map(read_security)
                    .or_else(|| global_security.clone())
                    .unwrap_or_default();
                operations.push(Operation {
                    id: operation_id
                        .map_or_else(|| format!("{method} {}", path.name), str::to_owned),
                    named: operation_id.is_some(),
                    method,
                    path: path.name.clone(),
                    params,
                    request_media,
                    request_schemas,
                    request_encodings,
                    request_required,
                    responses,
                    response_media,
                    security,
                    summary: op.get("summary").and_then(Node::as_str).map(str::to_owned),
                });
            }
        }
        Ok(OpenApi {
            file: file.to_owned(),
            root,
            servers,
            operations,
            schemes,
            files: Vec::new(),
            reference_problems: Vec::new(),
        })
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.named && op.id == id)
    }

    /// The operation at `path` and `method`, named or not.
    pub fn operation_at(&self, path: &str, method: HttpMethod) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.path == path && op.method == method)
    }

    /// Every `operationId`, for suggestions.
    pub fn operation_ids(&self) -> impl Iterator<Item = &str> {
        self.operations
            .iter()
            .filter(|op| op.named)
            .map(|op| op.id.as_str())
    }

    /// Follows `$ref`s (local ones) from `node`.
    pub fn resolve<'a>(&'a self, node: &'a Node) -> &'a Node {
        resolve_in(&self.root, node)
    }

    /// The component name a `$ref` at `node` points to (`#/components/schemas/Sim` → `Sim`; a
    /// whole other file, `item.yml` → `item`).
    pub fn ref_name(node: &Node) -> Option<&str> {
        node.get("$ref")
            .and_then(Node::as_str)
            .and_then(|r| r.rsplit('/').next())
            .and_then(|name| name.split(crate::bundle::KEY_SUFFIX).next())
    }
}

/// Every response's media types, by status code.
fn response_media(root: &Node, op: &Node) -> Vec<(String, Vec<String>)> {
    op.get("responses")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .map(|(code, response)| {
            let media = resolve_in(root, response)
                .get("content")
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .map(|(media, _)| media.name.clone())
                .collect();
            (code.name.clone(), media)
        })
        .collect()
}

impl Operation {
    /// The `Accept` header: every media type the responses declare, once each, in document
    /// order; `None` when they declare none (the request then accepts `*/*`).
    pub fn accept(&self) -> Option<String> {
        let mut seen: Vec<&str> = Vec::new();
        for (_, media) in &self.response_media {
            for m in media {
                if !seen.contains(&m.as_str()) {
                    seen.push(m);
                }
            }
        }
        (!seen.is_empty()).then(|| seen.join(", "))
    }
}

/// Whether a media type carries JSON.
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

fn resolve_in<'a>(root: &'a Node, mut node: &'a Node) -> &'a Node {
    for _ in 0..MAX_REF_HOPS {
        let Some(target) = node
            .get("$ref")
            .and_then(Node::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| root.pointer(pointer))
        else {
            return node;
        };
        node = target;
    }
    node
}

/// A media type's `encoding` entries.
fn read_encoding(root: &Node, media: &Node) -> Vec<Encoding> {
    let entries = media
        .get("encoding")
        .and_then(Node::as_map)
        .unwrap_or_default();
    entries
        .iter()
        .map(|(name, entry)| {
            let entry = resolve_in(root, entry);
            let text = |key: &str| entry.get(key).and_then(Node::as_str);
            let style = match (text("style"), text("contentType")) {
                (Some("spaceDelimited"), _) => EncodingStyle::SpaceDelimited,
                (Some("pipeDelimited"), _) => EncodingStyle::PipeDelimited,
                (Some("deepObject"), _) => EncodingStyle::DeepObject,
                (Some(_), _) => EncodingStyle::Form,
                (None, Some(content_type)) if is_json(content_type) => EncodingStyle::Json,
                (None, _) => EncodingStyle::Form,
            };
            // OpenAPI: `explode` defaults to `true` for `form` only; a style that does not apply
            // to a form body is sent as `form` but keeps the default of what was written.
            let explode = match entry.get("explode").map(|n| &n.kind) {
                Some(crate::load::Kind::Bool(explode)) => *explode,
                _ => matches!(text("style"), None | Some("form")) && style == EncodingStyle::Form,
            };
            Encoding {
                name: name.name.clone(),
                style,
                explode,
                content_type: text("contentType").map(str::to_owned),
            }
        })
        .collect()
}

fn read_security(node: &Node) -> Vec<Vec<(String, Vec<String>)>> {
    node.as_seq()
        .unwrap_or_default()
        .iter()
        .map(|alternative| {
            alternative
                .as_map()
                .unwrap_or_default()
                .iter()
                .map(|(k, scopes)| {
                    let scopes = scopes
                        .as_seq()
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|scope| scope.as_str().map(str::to_owned))
                        .collect();
                    (k.name.clone(), scopes)
                })
                .collect()
        })
        .collect()
}

/// The flows of an `oauth2` Security Scheme Object that name a `tokenUrl`.
fn read_flows(scheme: &Node) -> OAuthFlows {
    let flow = |name: &str| {
        let flow = scheme.get("flows")?.get(name)?;
        Some(OAuthFlow {
            token_url: flow.get("tokenUrl")?.as_str()?.to_owned(),
            refresh_url: flow
                .get("refreshUrl")
                .and_then(Node::as_str)
                .map(str::to_owned),
        })
    };
    OAuthFlows {
        client_credentials: flow("clientCredentials"),
        password: flow("password"),
        authorization_code: flow("authorizationCode"),
    }
}
