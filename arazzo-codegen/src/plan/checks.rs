//! Checks that need only a schema or a pattern: a response member a step output reads that its
//! schema rules out, a literal request payload its schema rejects, a regex or JSONPath query that
//! does not parse.
//!
//! The schema checks are conservative: a false error is worse than a miss. A schema rules a
//! member out only when it is *closed* (see [`crate::schema`]); its members are then its own
//! `properties` and those of its `allOf` parts.

use crate::diag::{Pos, suggest};
use crate::load::{Kind, Node};
use crate::model::{Spanned, Step};
use crate::openapi::{OpenApi, Operation, is_json};
use crate::pointer::JsonPointer;
use crate::schema::{Shape, required, shape};

use super::Planner;
use super::payload::essence;

impl Planner<'_> {
    /// Reports a step output's `$response.body#POINTER` that the response schema rules out
    /// (see [`response_pointer`]); `status` is the one the step's criteria require.
    pub(super) fn check_output_pointer(
        &mut self,
        api: &OpenApi,
        op: &Operation,
        status: Option<i64>,
        pointer: &JsonPointer,
        expression: &Spanned<String>,
    ) {
        if let Some((message, hint)) = response_pointer(api, op, status, pointer) {
            self.error(
                expression.pos,
                format!("`{}`: {message}", expression.value),
                hint,
            );
        }
    }

    /// Reports what a step's literal payload sets that its operation's request schema rules
    /// out, and the required members it leaves out (see [`payload`]).
    pub(super) fn check_payload(&mut self, api: &OpenApi, op: &Operation, step: &Step) {
        let Some(body) = &step.request_body else {
            return;
        };
        let Some(value) = &body.payload else {
            return;
        };
        let replaced: Vec<&str> = body
            .replacements
            .iter()
            .map(|r| r.target.value.as_str())
            .collect();
        let content_type = body.content_type.as_ref().map(|c| c.value.as_str());
        for (pos, message, hint) in payload(api, op, content_type, value, &replaced) {
            self.error(pos, message, hint);
        }
    }
}

/// How deep nested payload objects are checked.
const MAX_DEPTH: usize = 16;
/// A mistake found: where, what, and the hint.
pub(super) type Finding = (Pos, String, Option<String>);

fn names<'a>(properties: &'a [(&'a str, &'a Node)]) -> impl Iterator<Item = &'a str> {
    properties.iter().map(|(name, _)| *name)
}

fn find<'a>(properties: &[(&'a str, &'a Node)], name: &str) -> Option<&'a Node> {
    properties
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, schema)| *schema)
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn is_index(token: &str) -> bool {
    !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'))
}

/// Why a step output's `$response.body#POINTER` can never find a value, when the response its
/// success criteria require (`$statusCode == N`), or the only response the operation declares,
/// has a schema that says so. `(message, hint)`.
pub(super) fn response_pointer(
    api: &OpenApi,
    op: &Operation,
    status: Option<i64>,
    pointer: &JsonPointer,
) -> Option<(String, Option<String>)> {
    let (code, schema) = match (status, op.responses.as_slice()) {
        (Some(status), responses) => responses
            .iter()
            .find(|(code, _)| *code == status.to_string())?,
        (None, [only]) => only,
        (None, _) => return None,
    };
    let mut node = schema.as_ref()?;
    let tokens = pointer.tokens();
    let mut at = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let place = if at.is_empty() {
            format!("the `{code}` response of operation `{}`", op.id)
        } else {
            format!("`{at}` in the `{code}` response of operation `{}`", op.id)
        };
        match shape(api, node) {
            Shape::Closed(properties) => match find(&properties, token) {
                Some(next) => node = next,
                None => {
                    return Some((
                        format!("{place} has no property `{token}`"),
                        suggest(token, names(&properties)),
                    ));
                }
            },
            Shape::Open(properties) => node = find(&properties, token)?,
            Shape::Array(items) => {
                if !is_index(token) {
                    let rest: Vec<String> = tokens[i..].iter().map(|t| escape(t)).collect();
                    return Some((
                        format!("{place} is an array; `{token}` is not an index"),
                        Some(format!(
                            "did you mean `$response.body#{at}/0/{}`?",
                            rest.join("/")
                        )),
                    ));
                }
                node = items?;
            }
            Shape::Scalar(kind) => {
                return Some((
                    format!(
                        "{place} is {} {kind}, which has no `/{}`",
                        if kind == "integer" { "an" } else { "a" },
                        escape(token)
                    ),
                    None,
                ));
            }
        }
        at.push('/');
        at.push_str(&escape(token));
    }
    None
}

/// What a literal request payload (a YAML mapping) sets that the operation's request schema for
/// that media type rules out, and the required properties it leaves out. `replaced` are the
/// `replacements` targets, which may add members.
pub(super) fn payload(
    api: &OpenApi,
    op: &Operation,
    content_type: Option<&str>,
    payload: &Node,
    replaced: &[&str],
) -> Vec<Finding> {
    let index = match content_type {
        Some(wanted) => op
            .request_media
            .iter()
            .position(|m| essence(m) == essence(wanted)),
        None if op.request_media.is_empty() => None,
        None => Some(0),
    };
    let Some(index) = index else {
        return Vec::new();
    };
    let media = essence(&op.request_media[index]);
    let structured = is_json(&media)
        || media == "application/x-www-form-urlencoded"
        || media == "multipart/form-data";
    let Some(Some(schema)) = op.request_schemas.get(index) else {
        return Vec::new();
    };
    if !structured || payload.as_map().is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let checker = PayloadChecker {
        api,
        operation: &op.id,
        replaced,
    };
    checker.value(payload, schema, "", 0, &mut out);
    out
}

struct PayloadChecker<'a> {
    api: &'a OpenApi,
    operation: &'a str,
    replaced: &'a [&'a str],
}

impl PayloadChecker<'_> {
    fn value(&self, value: &Node, schema: &Node, at: &str, depth: usize, out: &mut Vec<Finding>) {
        if depth >= MAX_DEPTH {
            return;
        }
        let place = if at.is_empty() {
            format!("the request body of operation `{}`", self.operation)
        } else {
            format!(
                "`{at}` in the request body of operation `{}`",
                self.operation
            )
        };
        let shape = shape(self.api, schema);
        let closed = matches!(shape, Shape::Closed(_));
        match (&value.kind, shape) {
            (Kind::Map(entries), Shape::Closed(properties) | Shape::Open(properties)) => {
                for (key, member) in entries {
                    let inner = format!("{at}/{}", escape(&key.name));
                    match find(&properties, &key.name) {
                        Some(member_schema) => {
                            self.value(member, member_schema, &inner, depth + 1, out);
                        }
                        None if closed => out.push((
                            key.pos,
                            format!("{place} has no property `{}`", key.name),
                            suggest(&key.name, names(&properties)),
                        )),
                        None => {}
                    }
                }
                for name in required(self.api, self.api.resolve(schema)) {
                    // OpenAPI: a required `readOnly` property is required in responses only.
                    let read_only = find(&properties, name).is_some_and(|s| {
                        matches!(
                            self.api.resolve(s).get("readOnly").map(|n| &n.kind),
                            Some(Kind::Bool(true))
                        )
                    });
                    if read_only {
                        continue;
                    }
                    let target = format!("{at}/{}", escape(name));
                    let set = entries.iter().any(|(k, _)| k.name == name)
                        || self.replaced.iter().any(|r| {
                            *r == target
                                || r.strip_prefix(target.as_str())
                                    .is_some_and(|rest| rest.starts_with('/'))
                        });
                    if set {
                        continue;
                    }
                    // A misspelt member: reported above when the schema is closed.
                    let misspelt = entries.iter().find(|(k, _)| {
                        find(&properties, &k.name).is_none()
                            && crate::diag::closest(&k.name, [name]).is_some()
                    });
                    match misspelt {
                        Some(_) if closed => {}
                        _ => out.push((
                            value.pos,
                            format!("{place} requires `{name}`, which the payload does not set"),
                            misspelt.map(|(k, _)| {
                                format!("the payload sets `{}`; did you mean `{name}`?", k.name)
                            }),
                        )),
                    }
                }
            }
            (Kind::Seq(items), Shape::Array(Some(item_schema))) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(item, item_schema, &format!("{at}/{i}"), depth + 1, out);
                }
            }
            _ => {}
        }
    }
}

/// Why an `operationPath` pointer (split into unescaped tokens) reaches no operation of `api`:
/// `(reason, hint)`.
pub(super) fn operation_path_miss(api: &OpenApi, tokens: &[String]) -> (String, Option<String>) {
    let methods = |path: &str| -> Vec<&str> {
        api.operations
            .iter()
            .filter(|op| op.path == path)
            .map(|op| op.method.path_item_key())
            .collect()
    };
    let mut paths: Vec<&str> = Vec::new();
    for op in &api.operations {
        if !paths.contains(&op.path.as_str()) {
            paths.push(&op.path);
        }
    }
    match tokens {
        [first, path, rest @ ..] if first == "paths" && rest.len() <= 1 => {
            let here = methods(path);
            if here.is_empty() {
                return (
                    format!("it has no path `{path}`"),
                    suggest(path, paths.iter().copied()),
                );
            }
            let listed = here
                .iter()
                .map(|m| format!("`#/paths/{}/{m}`", escape(path)))
                .collect::<Vec<_>>()
                .join(" or ");
            match rest {
                [] => (
                    format!("it points at the path `{path}`, not at one of its operations"),
                    Some(format!("add the method: {listed}")),
                ),
                [method, ..] => (
                    format!("the path `{path}` has no `{method}` operation"),
                    Some(format!("expected {listed}")),
                ),
            }
        }
        _ => (
            "expected `#/paths/<path, each `/` written `~1`>/<method>`".to_owned(),
            None,
        ),
    }
}

/// Why a `regex` criterion does not compile: `(byte offset in the pattern, reason)`.
pub(super) fn regex_error(pattern: &str) -> Option<(usize, String)> {
    let error = regex::Regex::new(pattern).err()?;
    let regex::Error::Syntax(text) = &error else {
        return Some((0, error.to_string()));
    };
    // The syntax error is laid out as the pattern, a line with a caret under the mistake, and
    // `error: REASON`; only a one-line pattern is shown that way.
    let lines: Vec<&str> = text.lines().collect();
    let reason = lines
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(text.as_str())
        .to_owned();
    let offset = match lines.as_slice() {
        [_, shown, caret, ..] if shown.strip_prefix("    ") == Some(pattern) => caret
            .find('^')
            .and_then(|column| column.checked_sub(4))
            .filter(|column| *column <= pattern.len())
            .unwrap_or(0),
        _ => 0,
    };
    Some((offset, reason))
}

/// Why a `jsonpath` criterion is not an RFC 9535 query: `(byte offset, reason, hint)`.
pub(super) fn jsonpath_error(query: &str) -> Option<(usize, String, Option<String>)> {
    let error = serde_json_path::JsonPath::parse(query).err()?;
    let hint = (!query.trim_start().starts_with('$'))
        .then(|| "a JSONPath query starts with `$`, the context value".to_owned());
    let offset = error.position().min(query.len());
    Some((offset, error.message().to_owned(), hint))
}

/// The first part of a Goessner-dialect JSONPath query (`draft-goessner-dispatch-jsonpath-00`)
/// that only that dialect has, where its JavaScript meaning differs from RFC 9535 or RFC 9535
/// has no such syntax: `(byte offset, reason, hint)`. Outside those parts the two dialects read
/// a query alike, so the RFC 9535 engine runs it.
pub(super) fn goessner_error(query: &str) -> Option<(usize, String, Option<String>)> {
    let mut quote: Option<char> = None;
    let mut chars = query.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(_) if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => {
                if let Some(found) = goessner_only_at(query, i) {
                    return Some(found);
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
            }
        }
    }
    None
}

/// A Goessner-only construct starting at byte `i` (outside string literals).
fn goessner_only_at(query: &str, i: usize) -> Option<(usize, String, Option<String>)> {
    let rest = &query[i..];
    if rest.starts_with("[(") {
        return Some((
            i,
            "a script expression `[(…)]` is Goessner JSONPath only (JavaScript run by the implementation); RFC 9535 has none".to_owned(),
            Some("select from the end with a negative index (`[-1]`) or a slice (`[-2:]`)".to_owned()),
        ));
    }
    if rest.starts_with("===") || rest.starts_with("!==") {
        return Some((
            i,
            format!(
                "`{}` is a JavaScript operator of Goessner JSONPath only",
                &rest[..3]
            ),
            Some(format!("write `{}`", &rest[..2])),
        ));
    }
    let member = rest.strip_prefix('.')?;
    let len = member
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(member.len());
    let name = &member[..len];
    if name.is_empty() {
        return None;
    }
    if member[len..].starts_with('(') {
        return Some((
            i,
            format!("the method call `.{name}(…)` is JavaScript, in Goessner JSONPath only"),
            Some(
                "RFC 9535 has the functions `length`, `count`, `match`, `search` and `value`"
                    .to_owned(),
            ),
        ));
    }
    if name == "length" {
        return Some((
            i,
            "`.length` is an array's length in Goessner JSONPath (JavaScript), but a member named `length` in RFC 9535".to_owned(),
            Some("write `length(…)` for the length, `['length']` for a member of that name".to_owned()),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(text: &str) -> OpenApi {
        let root = crate::load::parse(text, "t.yml").expect("yaml");
        OpenApi::from_node(root, "t.yml").expect("openapi")
    }

    const SHOP: &str = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /orders:
    post:
      operationId: create
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [item]
              properties:
                item: {type: string}
                total:
                  type: object
                  required: [amount]
                  properties: {amount: {type: number}}
                  additionalProperties: false
              additionalProperties: false
      responses:
        "201":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
        default:
          description: problem
          content:
            application/json:
              schema: {type: object}
components:
  schemas:
    Base:
      type: object
      properties: {id: {type: string}}
    Order:
      allOf:
        - $ref: '#/components/schemas/Base'
      type: object
      properties:
        status: {type: string}
        lines: {type: array, items: {type: object, properties: {sku: {type: string}}}}
        extra: {type: object}
      additionalProperties: false
"#;

    fn pointer(status: Option<i64>, p: &str) -> Option<String> {
        let api = api(SHOP);
        let op = api.operation("create").expect("op");
        let p = JsonPointer::parse(p).expect("a pointer");
        response_pointer(&api, op, status, &p).map(|(m, h)| match h {
            Some(h) => format!("{m}; {h}"),
            None => m,
        })
    }

    #[test]
    fn a_closed_response_schema_rules_out_other_names() {
        assert_eq!(
            pointer(Some(201), "/stats").as_deref(),
            Some(
                "the `201` response of operation `create` has no property `stats`; did you mean `status`?"
            )
        );
        // `id` comes from an `allOf` part.
        assert_eq!(pointer(Some(201), "/id"), None);
        assert_eq!(
            pointer(Some(201), "/status/code").as_deref(),
            Some(
                "`/status` in the `201` response of operation `create` is a string, which has no `/code`"
            )
        );
        assert_eq!(
            pointer(Some(201), "/lines/sku").as_deref(),
            Some(
                "`/lines` in the `201` response of operation `create` is an array; `sku` is not an index; did you mean `$response.body#/lines/0/sku`?"
            )
        );
        assert_eq!(pointer(Some(201), "/lines/0/sku"), None);
    }

    #[test]
    fn open_or_unknown_schemas_allow_anything() {
        // Open nested object, unknown members below an index, no exact status with two responses,
        // a status the operation does not declare.
        assert_eq!(pointer(Some(201), "/extra/anything"), None);
        assert_eq!(pointer(Some(201), "/lines/0/whatever"), None);
        assert_eq!(pointer(None, "/stats"), None);
        assert_eq!(pointer(Some(200), "/stats"), None);
        assert_eq!(pointer(Some(201), ""), None);
    }

    #[test]
    fn a_combinator_opens_the_schema() {
        let text = SHOP.replace(
            "      additionalProperties: false\n\"#",
            "      additionalProperties: false\n      oneOf: [{required: [id]}]\n\"#",
        );
        let text = text.replace(
            "      type: object\n      properties:\n        status",
            "      oneOf: [{required: [status]}]\n      type: object\n      properties:\n        status",
        );
        let api = api(&text);
        let op = api.operation("create").expect("op");
        assert_eq!(
            response_pointer(&api, op, Some(201), &JsonPointer::parse("/stats").unwrap()),
            None
        );
    }

    #[test]
    fn a_payload_is_checked_against_a_closed_request_schema() {
        let api = api(SHOP);
        let op = api.operation("create").expect("op");
        let body = crate::load::parse("itme: x\ntotal: {amount: 1, currency: EUR}\n", "b.yml")
            .expect("yaml");
        let found: Vec<String> = payload(&api, op, None, &body, &[])
            .into_iter()
            .map(|(pos, m, h)| format!("{}:{} {m} {h:?}", pos.line, pos.col))
            .collect();
        assert_eq!(
            found,
            vec![
                "1:1 the request body of operation `create` has no property `itme` Some(\"did you mean `item`?\")",
                "2:20 `/total` in the request body of operation `create` has no property `currency` Some(\"expected one of `amount`\")",
            ]
        );
        let body = crate::load::parse("note: x\n", "b.yml").expect("yaml");
        let found: Vec<String> = payload(&api, op, None, &body, &[])
            .into_iter()
            .map(|(_, m, _)| m)
            .collect();
        assert_eq!(
            found,
            vec![
                "the request body of operation `create` has no property `note`",
                "the request body of operation `create` requires `item`, which the payload does not set",
            ]
        );
        // A replacement may add the required member; another media type is not checked.
        let body = crate::load::parse("total: {amount: 1}\n", "b.yml").expect("yaml");
        assert!(payload(&api, op, None, &body, &["/item"]).is_empty());
        assert!(payload(&api, op, Some("text/plain"), &body, &[]).is_empty());
    }

    #[test]
    fn all_of_cycles_end_and_read_only_members_are_not_required() {
        let text = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    post:
      operationId: make
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/A'}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
components:
  schemas:
    A:
      allOf: [{$ref: '#/components/schemas/B'}, {$ref: '#/components/schemas/A'}]
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
      additionalProperties: false
    B:
      allOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]
      properties:
        kind: {type: string}
"#;
        let api = api(text);
        let op = api.operation("make").expect("op");
        assert_eq!(
            response_pointer(&api, op, Some(200), &JsonPointer::parse("/size").unwrap())
                .map(|(m, _)| m),
            Some("the `200` response of operation `make` has no property `size`".to_owned())
        );
        assert_eq!(
            response_pointer(&api, op, Some(200), &JsonPointer::parse("/kind").unwrap()),
            None
        );
        let body = crate::load::parse("name: x\n", "b.yml").expect("yaml");
        assert!(payload(&api, op, None, &body, &[]).is_empty());
    }

    #[test]
    fn pattern_errors_say_where() {
        assert_eq!(
            regex_error("^(open|paid"),
            Some((1, "unclosed group".to_owned()))
        );
        assert_eq!(regex_error("^(open|paid)$"), None);
        let (offset, _, hint) = jsonpath_error("lines[*]").expect("invalid");
        assert_eq!(offset, 0);
        assert!(hint.is_some());
        assert_eq!(jsonpath_error("$[?@.a == 'x']"), None);
    }

    #[test]
    fn goessner_only_parts_are_found_outside_string_literals() {
        let at = |q: &str| goessner_error(q).map(|(offset, _, _)| offset);
        assert_eq!(at("$..book[(@.length-1)]"), Some(7));
        assert_eq!(at("$.books.length"), Some(7));
        assert_eq!(at("$[?(@.length > 2)]"), Some(5));
        assert_eq!(at("$[?(@.name.match(/a/))]"), Some(10));
        assert_eq!(at("$[?(@.id === 3)]"), Some(9));
        assert_eq!(at("$[?(@.note == '[(@.length)]')]"), None);
        assert_eq!(at("$[?(@.status == 'done')]"), None);
        assert_eq!(at("$.store.book[*].author"), None);
        assert_eq!(at("$['é\\\\ü'].ö.length"), Some(14));
    }
}
