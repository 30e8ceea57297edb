//! Evaluating Arazzo simple conditions over JSON values.
//!
//! The generator compiles a condition into Rust code that calls these functions: it decides the
//! structure (`&&`, `||`, `!`) at compile time and leaves only value comparisons to run time.

use std::cmp::Ordering;

use serde_json::Value;

use crate::value::to_text;

/// A comparison operator of the simple condition grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Compares two values as the Arazzo specification says: numbers numerically, strings
/// case-insensitively, a string and a number by the number the string spells; values of
/// different kinds are unequal and unordered.
pub fn compare(left: &Value, op: Comparison, right: &Value) -> bool {
    let ordering = order(left, right);
    match op {
        Comparison::Eq => ordering == Some(Ordering::Equal),
        Comparison::Ne => ordering != Some(Ordering::Equal),
        Comparison::Lt => ordering == Some(Ordering::Less),
        Comparison::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        Comparison::Gt => ordering == Some(Ordering::Greater),
        Comparison::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
    }
}

fn order(left: &Value, right: &Value) -> Option<Ordering> {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(caseless(a).cmp(&caseless(b))),
        (Value::Number(a), Value::String(b)) => a.as_f64()?.partial_cmp(&b.trim().parse().ok()?),
        (Value::String(a), Value::Number(b)) => {
            a.trim().parse::<f64>().ok()?.partial_cmp(&b.as_f64()?)
        }
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (a, b) if a == b => Some(Ordering::Equal),
        _ => None,
    }
}

fn caseless(s: &str) -> String {
    s.to_lowercase()
}

/// Whether a value counts as true where a condition is a bare operand (`$response.body#/ok`).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// A piece of a `regex` or `jsonpath` condition that embeds runtime expressions, as the
/// generator wrote it: text, or a value with the escape of the place it stands in.
#[derive(Debug)]
pub enum ConditionPart<'a> {
    /// Condition text as written.
    Text(&'a str),
    /// A value matched literally by the regex.
    Regex(Value),
    /// A value inside a JSONPath string literal delimited by the quote.
    JsonPathString(Value, char),
    /// A value outside a JSONPath string literal: a number, boolean or null.
    JsonPathScalar(Value),
}

/// The condition with its embedded values substituted (Arazzo 1.1 Criterion Object: evaluated,
/// converted to strings and substituted before the condition is evaluated), each escaped so
/// that it stays one value of the condition's language. `None` when a value cannot stand where
/// it is (text outside a JSONPath string literal): such a condition cannot be evaluated, so it
/// fails.
pub fn substitute(parts: &[ConditionPart<'_>]) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        match part {
            ConditionPart::Text(text) => out.push_str(text),
            ConditionPart::Regex(value) => {
                out.push_str(&regex::escape(&to_text(value).unwrap_or_default()));
            }
            ConditionPart::JsonPathString(value, quote) => {
                push_string_literal_content(&mut out, &to_text(value).unwrap_or_default(), *quote);
            }
            ConditionPart::JsonPathScalar(value) => match value {
                Value::Null | Value::Bool(_) | Value::Number(_) => out.push_str(&value.to_string()),
                Value::String(_) | Value::Array(_) | Value::Object(_) => return None,
            },
        }
    }
    Some(out)
}

/// Writes `text` as the inside of an RFC 9535 string literal delimited by `quote`: the quote and
/// the backslash escaped, control characters as escapes (RFC 9535 §2.3.1.1).
fn push_string_literal_content(out: &mut String, text: &str, quote: char) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_compare_case_insensitively() {
        assert!(compare(&json!("Active"), Comparison::Eq, &json!("active")));
        assert!(compare(&json!("a"), Comparison::Lt, &json!("B")));
    }

    #[test]
    fn numbers_and_numeric_strings() {
        assert!(compare(&json!(200), Comparison::Eq, &json!(200.0)));
        assert!(compare(&json!("10"), Comparison::Gt, &json!(9)));
        assert!(!compare(&json!("x"), Comparison::Eq, &json!(1)));
        assert!(compare(&json!("x"), Comparison::Ne, &json!(1)));
    }

    #[test]
    fn embedded_values_stay_one_value_of_the_condition() {
        let parts = [
            ConditionPart::Text("^("),
            ConditionPart::Regex(json!("a.*b")),
            ConditionPart::Text(")$"),
        ];
        assert_eq!(substitute(&parts).as_deref(), Some("^(a\\.\\*b)$"));
        let parts = [
            ConditionPart::Text("$[?@.s == \""),
            ConditionPart::JsonPathString(json!("say \"hi\" \\ it's\n"), '"'),
            ConditionPart::Text("\" && @.n > "),
            ConditionPart::JsonPathScalar(json!(2.5)),
            ConditionPart::Text("]"),
        ];
        let query = substitute(&parts).expect("fits");
        assert_eq!(query, r#"$[?@.s == "say \"hi\" \\ it's\n" && @.n > 2.5]"#);
        assert!(serde_json_path::JsonPath::parse(&query).is_ok());
        assert_eq!(
            substitute(&[ConditionPart::JsonPathScalar(json!("1 || true"))]),
            None
        );
    }

    #[test]
    fn mixed_kinds_are_unordered() {
        assert!(!compare(&json!(true), Comparison::Lt, &json!(1)));
        assert!(compare(&json!(null), Comparison::Eq, &json!(null)));
        assert!(!compare(&json!(null), Comparison::Eq, &json!(0)));
    }
}
