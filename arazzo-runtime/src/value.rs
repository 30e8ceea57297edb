//! Turning typed workflow values into what a request carries.

use serde::Serialize;
use serde_json::Value;

/// Converts a typed value (an input field, a step output) to JSON for a request.
///
/// The generated types always convert; a value that cannot (a map with non-string keys in a type
/// of your own) becomes `null` rather than a panic.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The text of a value in a path, query, header or cookie parameter, or in a string template.
/// `None` for `null`: an absent optional input leaves its parameter out.
pub fn to_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(to_text)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Object(_) => Some(value.to_string()),
    }
}

/// Renders a string with embedded runtime expressions (`"Bearer {$inputs.token}"`), from its
/// literal parts and the values of its expressions, in order.
pub fn template(parts: &[TemplatePart<'_>]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            TemplatePart::Literal(text) => out.push_str(text),
            TemplatePart::Value(value) => {
                if let Some(text) = to_text(value) {
                    out.push_str(&text);
                }
            }
        }
    }
    out
}

/// A piece of a string template.
#[derive(Debug)]
pub enum TemplatePart<'a> {
    /// Text written in the document.
    Literal(&'a str),
    /// The value of an embedded expression.
    Value(Value),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_of_values() {
        assert_eq!(to_text(&json!("a b")), Some("a b".into()));
        assert_eq!(to_text(&json!(42)), Some("42".into()));
        assert_eq!(to_text(&json!(true)), Some("true".into()));
        assert_eq!(to_text(&json!(null)), None);
        assert_eq!(to_text(&json!([1, "x"])), Some("1,x".into()));
    }

    #[test]
    fn templates_join_parts() {
        let parts = [
            TemplatePart::Literal("Bearer "),
            TemplatePart::Value(json!("t0k")),
            TemplatePart::Literal("!"),
        ];
        assert_eq!(template(&parts), "Bearer t0k!");
    }
}
