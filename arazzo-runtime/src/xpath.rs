//! XPath 3.1 criteria and selectors on XML bodies (the `xpath` feature), evaluated by `xee-xpath`.
//!
//! The engine's values are not `Send`: everything is made and dropped inside one call, so a
//! workflow's future stays `Send`. The expression was parsed when the workflow compiled; it is
//! compiled again here, each time, for the same reason.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;
use xee_xpath::{Documents, Queries, Query as _, Sequence};

/// Whether the XPath `expression` holds on the XML text `context`, by XPath's effective boolean
/// value of its result (a non-empty node sequence, `true()`, a non-empty string, a non-zero
/// number). `false` when the context is not XML or the expression fails to evaluate (Arazzo 1.1:
/// a condition that cannot be evaluated fails).
pub fn xpath_holds(expression: &str, context: &Value) -> bool {
    evaluate(expression, context, |sequence, _| {
        sequence.effective_boolean_value().ok()
    })
    .unwrap_or(false)
}

/// The string value of the first item the XPath `expression` selects in the XML text `context`
/// (a node's text content, an attribute's value, an atomic value as text); `null` when it selects
/// nothing, the context is not XML or the expression fails.
pub fn xpath_select(expression: &str, context: &Value) -> Value {
    evaluate(expression, context, |sequence, documents| {
        let first = sequence.iter().next()?;
        first.string_value(documents.xot()).ok()
    })
    .map_or(Value::Null, Value::String)
}

/// A value embedded in an XPath condition (`{$inputs.id}`), as XPath source text that cannot
/// change the expression around it. Inside a string literal the document delimits with `quote`,
/// its text with that quote doubled (XPath's escape); elsewhere a literal of its own: a string
/// in double quotes, a number as written, `true()` / `false()`, `()` for `null`.
pub fn xpath_literal(value: &Value, quote: Option<char>) -> String {
    let text = crate::value::to_text(value).unwrap_or_default();
    match (quote, value) {
        (Some(quote), _) => text.replace(quote, &format!("{quote}{quote}")),
        (None, Value::Null) => "()".to_owned(),
        (None, Value::Bool(b)) => format!("{b}()"),
        (None, Value::Number(n)) => n.to_string(),
        (None, _) => format!("\"{}\"", text.replace('"', "\"\"")),
    }
}

/// Parses `context` as an XML document and runs `expression` on it with the document node as
/// the context item. A panic inside the engine on hostile input is a failed evaluation, not a
/// crashed workflow.
fn evaluate<T>(
    expression: &str,
    context: &Value,
    read: impl FnOnce(&Sequence, &Documents) -> Option<T>,
) -> Option<T> {
    let Value::String(xml) = context else {
        return None;
    };
    catch_unwind(AssertUnwindSafe(|| {
        let mut documents = Documents::new();
        let document = documents.add_string_without_uri(xml).ok()?;
        let query = Queries::default().sequence(expression).ok()?;
        let sequence = query.execute(&mut documents, document).ok()?;
        read(&sequence, &documents)
    }))
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ORDER: &str =
        r#"<order id="o-1"><status>shipped</status><item>a</item><item>b</item></order>"#;

    #[test]
    fn effective_boolean_value() {
        let xml = json!(ORDER);
        assert!(xpath_holds("/order/status = 'shipped'", &xml));
        assert!(!xpath_holds("/order/status = 'lost'", &xml));
        // A non-empty node sequence is true, an empty one false.
        assert!(xpath_holds("//item", &xml));
        assert!(!xpath_holds("//missing", &xml));
        assert!(xpath_holds("count(//item) = 2", &xml));
    }

    #[test]
    fn selection_is_the_first_items_string_value() {
        let xml = json!(ORDER);
        assert_eq!(xpath_select("/order/@id", &xml), json!("o-1"));
        assert_eq!(xpath_select("//item", &xml), json!("a"));
        assert_eq!(xpath_select("count(//item)", &xml), json!("2"));
        assert_eq!(xpath_select("//missing", &xml), Value::Null);
    }

    #[test]
    fn embedded_values_stay_literals() {
        let xml = json!(ORDER);
        let hostile = json!("o-1' or '1'='1");
        let inside = format!("/order[@id = '{}']", xpath_literal(&hostile, Some('\'')));
        assert!(!xpath_holds(&inside, &xml), "{inside}");
        let alone = format!("/order[@id = {}]", xpath_literal(&json!("o-1"), None));
        assert!(xpath_holds(&alone, &xml), "{alone}");
        let quoted = xpath_literal(&json!(r#"say "hi""#), None);
        assert_eq!(quoted, r#""say ""hi""""#);
        assert_eq!(xpath_literal(&json!(2), None), "2");
        assert_eq!(xpath_literal(&json!(true), None), "true()");
        assert_eq!(xpath_literal(&Value::Null, None), "()");
    }

    #[test]
    fn what_is_not_xml_fails_without_a_panic() {
        assert!(!xpath_holds("/a", &json!("<a>")));
        assert!(!xpath_holds("/a", &json!({"a": 1})));
        assert_eq!(xpath_select("/a", &json!("not xml")), Value::Null);
        assert!(!xpath_holds("/a[", &json!("<a/>")));
    }
}
