//! Evaluating Arazzo simple conditions over JSON values.
//!
//! The generator compiles a condition into Rust code that calls these functions: it decides the
//! structure (`&&`, `||`, `!`) at compile time and leaves only value comparisons to run time.

use std::cmp::Ordering;

use serde_json::Value;

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
    fn mixed_kinds_are_unordered() {
        assert!(!compare(&json!(true), Comparison::Lt, &json!(1)));
        assert!(compare(&json!(null), Comparison::Eq, &json!(null)));
        assert!(!compare(&json!(null), Comparison::Eq, &json!(0)));
    }
}
