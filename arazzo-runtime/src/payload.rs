//! Request payloads: JSONPath replacements, values embedded in JSON written as text, and form
//! bodies serialised as the OpenAPI description's `encoding` object says.

use serde_json::Value;

use crate::value::to_text;

/// How one member of a form body is serialised (OpenAPI 3.x Encoding Object `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStyle {
    /// `form` (the default): `a=1&a=2` exploded, `a=1,2` not.
    Form,
    /// `spaceDelimited`: `a=1 2`.
    SpaceDelimited,
    /// `pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `deepObject`: `a[k]=v`.
    DeepObject,
    /// An encoding with a JSON `contentType` and no `style`: the member is sent as JSON text.
    Json,
}

/// The `encoding` entry of one form body member.
#[derive(Debug, Clone, Copy)]
pub struct FormEncoding {
    /// The member's name.
    pub name: &'static str,
    /// `style`.
    pub style: FormStyle,
    /// `explode`.
    pub explode: bool,
}

/// OpenAPI's default for a member without an `encoding` entry: `style: form, explode: true`.
const DEFAULT: FormEncoding = FormEncoding {
    name: "",
    style: FormStyle::Form,
    explode: true,
};

/// Serialises `members` as `application/x-www-form-urlencoded`, each member as its `encoding`
/// entry (or OpenAPI's default) says. A `null` member is left out.
pub(crate) fn form(members: &serde_json::Map<String, Value>, encoding: &[FormEncoding]) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in members {
        let how = encoding
            .iter()
            .find(|e| e.name == name)
            .copied()
            .unwrap_or(DEFAULT);
        member(name, value, how, &mut pairs);
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    serializer.extend_pairs(pairs);
    serializer.finish()
}

fn member(name: &str, value: &Value, how: FormEncoding, pairs: &mut Vec<(String, String)>) {
    let text = |v: &Value| to_text(v).unwrap_or_default();
    let joined = |items: Vec<String>, style: FormStyle| {
        let separator = match style {
            FormStyle::SpaceDelimited => " ",
            FormStyle::PipeDelimited => "|",
            _ => ",",
        };
        items.join(separator)
    };
    match (value, how.style) {
        (Value::Null, _) => {}
        (_, FormStyle::Json) => pairs.push((name.to_owned(), value.to_string())),
        (Value::Object(entries), FormStyle::DeepObject) => deep_object(name, entries, pairs),
        (Value::Object(entries), FormStyle::Form) if how.explode => {
            for (key, inner) in entries {
                if !inner.is_null() {
                    pairs.push((key.clone(), text(inner)));
                }
            }
        }
        (Value::Object(entries), style) => {
            let flat = entries
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), text(v)])
                .collect();
            pairs.push((name.to_owned(), joined(flat, style)));
        }
        (Value::Array(items), FormStyle::Form | FormStyle::DeepObject) if how.explode => {
            for item in items.iter().filter(|i| !i.is_null()) {
                pairs.push((name.to_owned(), text(item)));
            }
        }
        (Value::Array(items), style) => {
            let flat = items.iter().filter(|i| !i.is_null()).map(text).collect();
            pairs.push((name.to_owned(), joined(flat, style)));
        }
        (scalar, _) => pairs.push((name.to_owned(), text(scalar))),
    }
}

/// `name[key]=value` for each member, nested objects as `name[key][inner]` and arrays as
/// `name[key][0]` (the convention of APIs that use `deepObject` at any depth).
fn deep_object(
    name: &str,
    entries: &serde_json::Map<String, Value>,
    pairs: &mut Vec<(String, String)>,
) {
    for (key, value) in entries {
        let inner = format!("{name}[{key}]");
        match value {
            Value::Null => {}
            Value::Object(nested) => deep_object(&inner, nested, pairs),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let indexed = format!("{inner}[{i}]");
                    match item {
                        Value::Object(nested) => deep_object(&indexed, nested, pairs),
                        other => pairs.push((indexed, to_text(other).unwrap_or_default())),
                    }
                }
            }
            other => pairs.push((inner, to_text(other).unwrap_or_default())),
        }
    }
}

/// A payload replacement whose target is an RFC 9535 JSONPath query (Arazzo 1.1
/// `targetSelectorType: jsonpath`): every node the query selects is replaced. A query that
/// selects nothing leaves the payload as it is.
pub fn replace_selected(
    payload: &mut Value,
    query: Option<&serde_json_path::JsonPath>,
    value: &Value,
) {
    let Some(query) = query else {
        return;
    };
    let pointers: Vec<String> = query
        .query_located(payload)
        .locations()
        .map(|path| path.to_json_pointer())
        .collect();
    for pointer in pointers {
        if let Some(slot) = payload.pointer_mut(&pointer) {
            *slot = value.clone();
        }
    }
}

/// A value embedded in JSON written as text: a string is escaped as the inside of a JSON
/// string (the template supplies the quotes), `null`, numbers, booleans, arrays and objects
/// are written as JSON.
pub fn json_text_part(value: &Value) -> Value {
    match value {
        Value::String(text) => {
            let quoted = Value::String(text.clone()).to_string();
            let inner = quoted
                .strip_prefix('"')
                .and_then(|q| q.strip_suffix('"'))
                .unwrap_or(&quoted);
            Value::String(inner.to_owned())
        }
        other => Value::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encoded(value: Value, encoding: &[FormEncoding]) -> String {
        match value {
            Value::Object(members) => form(&members, encoding),
            _ => unreachable!("test payloads are objects"),
        }
    }

    #[test]
    fn form_members_follow_their_encoding() {
        // OpenAPI 3.x Encoding Object: `style` and `explode` as for query parameters, defaults
        // `form` and `true`.
        let body = json!({"customer": "c1", "metadata": {"channel": "web"}, "tags": ["a", "b"]});
        assert_eq!(
            encoded(body.clone(), &[]),
            "customer=c1&channel=web&tags=a&tags=b"
        );
        let deep = FormEncoding {
            name: "metadata",
            style: FormStyle::DeepObject,
            explode: true,
        };
        let unexploded = FormEncoding {
            name: "tags",
            style: FormStyle::Form,
            explode: false,
        };
        assert_eq!(
            encoded(body.clone(), &[deep, unexploded]),
            "customer=c1&metadata%5Bchannel%5D=web&tags=a%2Cb"
        );
        let pipes = FormEncoding {
            name: "tags",
            style: FormStyle::PipeDelimited,
            explode: false,
        };
        let json_text = FormEncoding {
            name: "metadata",
            style: FormStyle::Json,
            explode: false,
        };
        assert_eq!(
            encoded(body, &[pipes, json_text]),
            "customer=c1&metadata=%7B%22channel%22%3A%22web%22%7D&tags=a%7Cb"
        );
        let nested = json!({"card": {"address": {"city": "Kyiv"}, "lines": ["x"]}, "none": null});
        let deep = FormEncoding {
            name: "card",
            style: FormStyle::DeepObject,
            explode: true,
        };
        assert_eq!(
            encoded(nested, &[deep]),
            "card%5Baddress%5D%5Bcity%5D=Kyiv&card%5Blines%5D%5B0%5D=x"
        );
    }

    #[test]
    fn a_jsonpath_replacement_replaces_every_node_it_selects() {
        let query = serde_json_path::JsonPath::parse("$.items[*].qty").ok();
        let mut payload = json!({"items": [{"qty": 1}, {"qty": 2}], "qty": 9});
        replace_selected(&mut payload, query.as_ref(), &json!(5));
        assert_eq!(
            payload,
            json!({"items": [{"qty": 5}, {"qty": 5}], "qty": 9})
        );
    }

    #[test]
    fn values_embedded_in_json_text_stay_json() {
        assert_eq!(json_text_part(&json!("a\"b")), json!("a\\\"b"));
        assert_eq!(json_text_part(&json!(["x", 1])), json!("[\"x\",1]"));
        assert_eq!(json_text_part(&json!(null)), json!("null"));
        assert_eq!(json_text_part(&json!(800)), json!("800"));
    }
}
