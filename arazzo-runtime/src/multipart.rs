//! `multipart/form-data` request bodies (RFC 7578), one part per member of the payload object,
//! typed as OpenAPI 3.x "Special Considerations for `multipart` Content" says.
//!
//! Written here rather than with `reqwest::multipart`: its form is a stream, which can be
//! neither sent again (a request resent with a renewed OAuth 2.0 token) nor journaled (a
//! durable run); these bytes can.

use serde_json::Value;

use crate::value::to_text;

/// The `encoding` entry of one member of a `multipart` body that names its `contentType`.
#[derive(Debug, Clone, Copy)]
pub struct PartEncoding {
    /// The member's name.
    pub name: &'static str,
    /// `contentType`: the part's `Content-Type`.
    pub content_type: &'static str,
}

/// A `multipart/form-data` body: the `Content-Type` to send (with its `boundary`) and the bytes.
pub(crate) struct Multipart {
    pub(crate) content_type: String,
    pub(crate) bytes: Vec<u8>,
}

/// Encodes `members`, each member one part (a `null` member is left out, an array one part per
/// item), with the `Content-Type` its `encoding` entry gives, else OpenAPI's default:
/// `text/plain` for a string, number or boolean, `application/json` for an object.
pub(crate) fn encode(
    content_type: &str,
    members: &serde_json::Map<String, Value>,
    encoding: &[PartEncoding],
) -> Multipart {
    let mut parts: Vec<(&str, Option<&str>, String)> = Vec::new();
    for (name, value) in members {
        let declared = encoding
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.content_type);
        match (value, declared) {
            (Value::Null, _) => {}
            // A JSON content type: the whole value is one JSON part.
            (value, Some(declared)) if is_json(declared) => {
                parts.push((name, Some(declared), value.to_string()));
            }
            // OpenAPI: "If the property is an array, the default Content-Type is defined based
            // on the inner type": one part per item.
            (Value::Array(items), declared) => {
                for item in items.iter().filter(|i| !i.is_null()) {
                    parts.push((name, declared.or(default_type(item)), part_text(item)));
                }
            }
            (value, declared) => {
                parts.push((name, declared.or(default_type(value)), part_text(value)));
            }
        }
    }
    let boundary = boundary(&parts);
    let mut bytes = Vec::new();
    for (name, part_type, text) in &parts {
        bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        bytes.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{}\"\r\n",
                quoted_name(name)
            )
            .as_bytes(),
        );
        if let Some(part_type) = part_type {
            bytes.extend_from_slice(format!("Content-Type: {part_type}\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Multipart {
        content_type: format!("{content_type}; boundary={boundary}"),
        bytes,
    }
}

/// OpenAPI 3.x: "for primitive properties: `text/plain`"; "for complex properties:
/// `application/json`". A `text/plain` part is written with no `Content-Type`, RFC 7578's
/// default for a part.
fn default_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::Object(_) | Value::Array(_) => Some("application/json"),
        _ => None,
    }
}

/// A part's content: a string as it is, anything else as JSON text.
fn part_text(value: &Value) -> String {
    match value {
        Value::Object(_) | Value::Array(_) => value.to_string(),
        other => to_text(other).unwrap_or_default(),
    }
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}

/// A field name inside `name="…"`: `"`, CR and LF percent-encoded, as browsers do (HTML
/// "multipart/form-data encoding algorithm").
fn quoted_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A random boundary (RFC 7578 §4.1: it must not occur in any part), drawn again in the
/// unlikely case a part holds it.
fn boundary(parts: &[(&str, Option<&str>, String)]) -> String {
    loop {
        let candidate = format!("arazzo-{}", uuid::Uuid::new_v4().simple());
        if !parts.iter().any(|(_, _, text)| text.contains(&candidate)) {
            return candidate;
        }
    }
}
