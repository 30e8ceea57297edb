//! One walker of JSON Schemas in OpenAPI descriptions, shared by the types generated for outputs
//! and by the checks of response pointers and payloads: what members a schema has (its own and
//! its `allOf` parts', through `$ref`s), which it requires, and whether it is *closed* (allows
//! no others).
//!
//! A schema is closed only when, after `$ref`s, it says `additionalProperties: false` (or
//! `unevaluatedProperties: false`) and has no `patternProperties`, `anyOf`, `oneOf`, `not` or
//! `if`, nor do the `allOf` parts it is combined with. A schema whose `type` is `array` has only
//! indices, and one whose `type` is a scalar has no members at all. Anything else may hold
//! anything.

use crate::load::{Kind, Node};
use crate::openapi::OpenApi;

/// How many schemas one `allOf` combination may gather (past that, nothing is ruled out).
pub(crate) const MAX_PARTS: usize = 256;

/// What a schema allows a value's members to be.
pub(crate) enum Shape<'a> {
    /// An object with only these properties.
    Closed(Vec<(&'a str, &'a Node)>),
    /// Anything; these properties are known.
    Open(Vec<(&'a str, &'a Node)>),
    /// An array, with its `items` schema when one applies to every element.
    Array(Option<&'a Node>),
    /// A string, number, integer, boolean or null: no members.
    Scalar(&'a str),
}

const COMBINATORS: [&str; 5] = ["anyOf", "oneOf", "not", "if", "patternProperties"];

pub(crate) fn is_false(node: Option<&Node>) -> bool {
    matches!(node.map(|n| &n.kind), Some(Kind::Bool(false)))
}

pub(crate) fn shape<'a>(api: &'a OpenApi, schema: &'a Node) -> Shape<'a> {
    let node = api.resolve(schema);
    let combined = COMBINATORS.iter().any(|k| node.get(k).is_some());
    let mut properties = Vec::new();
    // Whether every `allOf` part could be read and none loosens what the schema allows.
    let mut parts_closed = true;
    collect_properties(api, node, &mut properties, &mut parts_closed);
    if combined {
        return Shape::Open(properties);
    }
    match node.get("type").and_then(Node::as_str) {
        Some(kind @ ("string" | "number" | "integer" | "boolean" | "null")) => {
            return Shape::Scalar(kind);
        }
        Some("array") => {
            let items = match node.get("prefixItems") {
                Some(_) => None,
                None => node.get("items").filter(|i| i.as_map().is_some()),
            };
            return Shape::Array(items);
        }
        _ => {}
    }
    let closed =
        is_false(node.get("additionalProperties")) || is_false(node.get("unevaluatedProperties"));
    if closed && parts_closed && node.get("properties").is_some() {
        Shape::Closed(properties)
    } else {
        Shape::Open(properties)
    }
}

/// The `properties` of `node` and of its `allOf` parts; `closed` turns false when a part could
/// add members the checker cannot see.
fn collect_properties<'a>(
    api: &'a OpenApi,
    node: &'a Node,
    out: &mut Vec<(&'a str, &'a Node)>,
    closed: &mut bool,
) {
    let parts = all_of(api, node);
    if parts.len() >= MAX_PARTS {
        *closed = false;
    }
    for part in parts {
        if !std::ptr::eq(part, node)
            && (part.get("$ref").is_some() || COMBINATORS.iter().any(|k| part.get(k).is_some()))
        {
            // A reference that does not resolve here, or a part that allows alternatives.
            *closed = false;
        }
        if part.get("allOf").is_some_and(|p| p.as_seq().is_none()) {
            *closed = false;
        }
        for (key, value) in part
            .get("properties")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            out.push((key.name.as_str(), value));
        }
    }
}

/// `node` and every schema its `allOf`s combine it with (through `$ref`s), each once: a cycle or
/// a diamond of references cannot make the walk explode.
pub(crate) fn all_of<'a>(api: &'a OpenApi, node: &'a Node) -> Vec<&'a Node> {
    let mut found: Vec<&Node> = vec![node];
    let mut at = 0;
    while at < found.len() && found.len() < MAX_PARTS {
        let parts = found[at]
            .get("allOf")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for part in parts {
            let part = api.resolve(part);
            if !found.iter().any(|f| std::ptr::eq(*f, part)) {
                found.push(part);
            }
        }
        at += 1;
    }
    found
}

/// The `required` names of a schema and of its `allOf` parts.
pub(crate) fn required<'a>(api: &'a OpenApi, node: &'a Node) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for part in all_of(api, node) {
        for name in part
            .get("required")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
        {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
