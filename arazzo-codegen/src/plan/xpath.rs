//! XPath criteria and selectors: the expression is parsed when the workflow compiles (XPath 3.1
//! syntax and the standard namespace prefixes), and a condition's embedded `{$…}` values are
//! located, inside or outside an XPath string literal, so that each is substituted at run time
//! as a literal that cannot change the expression around it.

use crate::diag::Pos;
use crate::expr::{self, Expr};
use crate::model::{Criterion, Spanned};

use super::values::Ctx;
use super::{CheckPlan, Planner, XPathPiece};

/// A piece of a condition as written: text, or an embedded expression with the quote of the
/// string literal it stands in (`None` outside any literal).
enum Written {
    Text(String),
    /// The expression, the quote, and the byte offset of its `{`.
    Embedded(Expr, Option<char>, usize),
}

impl Planner<'_> {
    /// An `xpath` criterion: its context, and its condition checked and split at its embedded
    /// expressions.
    pub(super) fn xpath_criterion(
        &mut self,
        criterion: &Criterion,
        ctx: &Ctx,
    ) -> Option<CheckPlan> {
        let context = self.value_expr(criterion.context.as_ref()?, ctx);
        let condition = &criterion.condition;
        let written = match split(&condition.value) {
            Ok(written) => written,
            Err(e) => {
                self.expr_error(condition.pos, &condition.value, e);
                return None;
            }
        };
        if !self.xpath_parses(condition, &written) {
            return None;
        }
        let mut expression = Vec::new();
        for piece in written {
            expression.push(match piece {
                Written::Text(text) => XPathPiece::Text(text),
                Written::Embedded(e, quote, offset) => {
                    let at = Pos {
                        col: condition.pos.col + offset,
                        ..condition.pos
                    };
                    XPathPiece::Value {
                        value: self.resolve(&e, at, ctx)?,
                        quote,
                    }
                }
            });
        }
        Some(CheckPlan::XPath {
            context: context?,
            expression,
        })
    }

    /// Checks an XPath selector; `false` when it was reported.
    pub(super) fn xpath_selector(&mut self, selector: &Spanned<String>) -> bool {
        self.xpath_parses(selector, &[Written::Text(selector.value.clone())])
    }

    /// Parses the expression with each embedded value replaced by an empty string literal;
    /// reports the first syntax error at its column in the document.
    fn xpath_parses(&mut self, text: &Spanned<String>, written: &[Written]) -> bool {
        let (checked, origin) = placeholder_text(&text.value, written);
        let Err((offset, reason, hint)) = parse(&checked) else {
            return true;
        };
        let column = origin.get(offset).copied().unwrap_or(text.value.len());
        self.error(
            Pos {
                col: text.pos.col + column,
                ..text.pos
            },
            format!("`{}` is not an XPath 3.1 expression: {reason}", text.value),
            hint,
        );
        false
    }
}

/// The text to parse, and for each of its bytes the offset in the condition as written. The
/// pieces are the original text in order: text verbatim, each embedded expression `{$…}`.
fn placeholder_text(original: &str, written: &[Written]) -> (String, Vec<usize>) {
    let mut checked = String::new();
    let mut origin = Vec::new();
    let mut at = 0;
    for piece in written {
        match piece {
            Written::Text(text) => {
                checked.push_str(text);
                origin.extend(at..at + text.len());
                at += text.len();
            }
            Written::Embedded(_, quote, _) => {
                let placeholder = if quote.is_some() { "" } else { "\"\"" };
                checked.push_str(placeholder);
                origin.extend(std::iter::repeat_n(at, placeholder.len()));
                at = original[at..]
                    .find('}')
                    .map_or(original.len(), |i| at + i + 1);
            }
        }
    }
    origin.push(original.len());
    (checked, origin)
}

/// Splits a condition at its `{$…}` expressions, noting for each the XPath string literal it is
/// in: `'…'` or `"…"`, where a doubled quote is the quote itself.
fn split(condition: &str) -> Result<Vec<Written>, expr::ExprError> {
    let mut written = Vec::new();
    let mut text = String::new();
    let mut literal: Option<char> = None;
    let mut chars = condition.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if condition[i + 1..].starts_with('$') => {
                let Some(len) = condition[i + 1..].find('}') else {
                    return Err(expr::ExprError {
                        offset: i,
                        message: "`{` opens an embedded expression that is never closed with `}`"
                            .to_owned(),
                        hint: None,
                    });
                };
                let inner = &condition[i + 1..i + 1 + len];
                let parsed = expr::parse_expr(inner).map_err(|mut e| {
                    e.offset += i + 1;
                    e
                })?;
                if !text.is_empty() {
                    written.push(Written::Text(std::mem::take(&mut text)));
                }
                written.push(Written::Embedded(parsed, literal, i));
                while chars.peek().is_some_and(|(j, _)| *j <= i + 1 + len) {
                    chars.next();
                }
            }
            '\'' | '"' => {
                text.push(c);
                match literal {
                    None => literal = Some(c),
                    Some(q) if q == c => {
                        if chars.peek().is_some_and(|(_, n)| *n == c) {
                            // A doubled quote: the quote itself, still inside the literal.
                            chars.next();
                            text.push(c);
                        } else {
                            literal = None;
                        }
                    }
                    Some(_) => {}
                }
            }
            _ => text.push(c),
        }
    }
    if !text.is_empty() {
        written.push(Written::Text(text));
    }
    Ok(written)
}

/// Parses an XPath 3.1 expression with the standard namespace prefixes (`xs`, `fn`, `math`,
/// `map`, `array`, …). `Err((byte offset, reason, hint))`.
#[cfg(feature = "xpath")]
fn parse(text: &str) -> Result<(), (usize, String, Option<String>)> {
    use xee_xpath_ast::{ParserError, XPathParserContext};
    let Err(error) = XPathParserContext::default().parse_xpath(text) else {
        return Ok(());
    };
    let span = error.span();
    let unexpected = text
        .get(span.start..span.end)
        .filter(|f| !f.is_empty())
        .map_or_else(
            || "it ends too early".to_owned(),
            |f| format!("unexpected `{f}`"),
        );
    let (reason, hint) = match &error {
        ParserError::UnknownPrefix { prefix, .. } => (
            format!("the namespace prefix `{prefix}` is not declared"),
            Some(format!(
                "a document cannot declare namespace prefixes; match any namespace with `*:name` instead of `{prefix}:name`"
            )),
        ),
        ParserError::Reserved { name, .. } => {
            (format!("`{name}` is a reserved name, not a function"), None)
        }
        ParserError::UnknownType { .. } => (format!("unknown type: {unexpected}"), None),
        _ => (unexpected, None),
    };
    Err((span.start, reason, hint))
}

/// Without the `xpath` feature nothing parses XPath: the criterion or selector is refused.
#[cfg(not(feature = "xpath"))]
fn parse(_: &str) -> Result<(), (usize, String, Option<String>)> {
    Err((
        0,
        "XPath needs the `xpath` feature of arazzo-runtime, which is turned off".to_owned(),
        Some("enable the `xpath` feature (on by default)".to_owned()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(condition: &str) -> Vec<Option<Option<char>>> {
        split(condition)
            .expect("splits")
            .iter()
            .map(|w| match w {
                Written::Text(_) => None,
                Written::Embedded(_, quote, _) => Some(*quote),
            })
            .collect()
    }

    #[test]
    fn embedded_expressions_know_the_literal_they_are_in() {
        assert_eq!(quotes("/a[@id = {$inputs.id}]"), [None, Some(None), None]);
        assert_eq!(
            quotes("/a[@id = 'x{$inputs.id}']"),
            [None, Some(Some('\'')), None]
        );
        // `''` inside a literal is a quote, not its end.
        assert_eq!(
            quotes("/a[. = 'it''s {$inputs.id}']"),
            [None, Some(Some('\'')), None]
        );
        assert_eq!(
            quotes(r#"/a[. = "{$inputs.id}"]"#),
            [None, Some(Some('"')), None]
        );
    }

    #[test]
    fn errors_point_into_the_condition_as_written() {
        let condition = "/a[@id = {$inputs.id}] ]";
        let written = split(condition).expect("splits");
        let (checked, origin) = placeholder_text(condition, &written);
        assert_eq!(checked, "/a[@id = \"\"] ]");
        let (offset, _, _) = parse(&checked).expect_err("a stray `]`");
        assert_eq!(origin[offset], condition.rfind(']').expect("has one"));
    }
}
