//! Turning typed workflow values into what a request carries.

use serde::Serialize;
use serde_json::Value;

/// Converts a typed value (an input field, a step output) to JSON for a request.
///
/// The generated types always convert; a value that cannot (a map with non-string keys in a type
/// of your own) becomes `null` rather than a panic.
///
/// A whole `f64` (a `number` input given `800`) becomes an integer, so that it is sent as
/// `800`, as it was written, not `800.0`: the same JSON number, which APIs that parse integers
/// strictly still accept.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    let mut json = serde_json::to_value(value).unwrap_or(Value::Null);
    whole_numbers(&mut json);
    json
}

/// The largest integer an `f64` holds exactly.
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// Rewrites every whole `f64` in `value` as an integer.
fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT_F64
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(members) => members.values_mut().for_each(whole_numbers),
        _ => {}
    }
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

/// Like [`template`], but `null` when an embedded value is `null` (an absent optional input):
/// a query, header or cookie written as a template is then left out like the bare absent input,
/// never sent with a hole in it.
pub fn template_of_present(parts: &[TemplatePart<'_>]) -> Value {
    let absent = parts
        .iter()
        .any(|p| matches!(p, TemplatePart::Value(Value::Null)));
    if absent {
        Value::Null
    } else {
        Value::String(template(parts))
    }
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
    fn whole_floats_are_integers_and_others_stay() {
        assert_eq!(to_json(&800.0_f64).to_string(), "800");
        assert_eq!(to_json(&[0.5_f64, -3.0]).to_string(), "[0.5,-3]");
        assert_eq!(to_json(&1e300_f64).to_string(), "1e+300");
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
