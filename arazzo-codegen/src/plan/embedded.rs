//! Runtime expressions embedded in `regex` and `jsonpath` conditions (Arazzo 1.1 Criterion
//! Object: "runtime expressions MUST be embedded within the `condition` string using `{}` curly
//! braces. The runtime expressions are evaluated first, then substituted into the condition
//! string before the expression is evaluated").
//!
//! Each value is escaped for the place it stands in, so that it stays one value of the
//! condition's language whatever it holds: matched literally in a regex, one string in a
//! JSONPath string literal. The condition is checked at compile time with a placeholder in each
//! place.

use crate::diag::Pos;
use crate::expr::{self, Expr, Piece};
use crate::model::Spanned;
use crate::pointer::JsonPointer;
use crate::types::RustType;

use super::values::Ctx;
use super::{ConditionPiece, Escape, Planner, ValuePlan};

/// The language of a condition that may embed runtime expressions: decides how an embedded
/// value is escaped and how the condition is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Language {
    /// A regular expression (the `regex` crate's syntax).
    Regex,
    /// An RFC 9535 JSONPath query.
    JsonPath,
    /// A JSONPath query in the Goessner dialect (`draft-goessner-dispatch-jsonpath-00`), run by
    /// the RFC 9535 engine where the two agree.
    GoessnerJsonPath,
}

impl Language {
    /// The message for a condition `text` that is not valid, for `reason`.
    fn message(self, text: &str, reason: &str) -> String {
        match self {
            Language::Regex => format!("the regex `{text}` does not compile: {reason}"),
            Language::JsonPath => {
                format!("`{text}` is not an RFC 9535 JSONPath query: {reason}")
            }
            Language::GoessnerJsonPath => format!(
                "`{text}` is not a JSONPath query in the syntax Goessner's dialect shares with RFC 9535: {reason}"
            ),
        }
    }

    /// Why `text` (with placeholders in place of embedded values) is not a condition of this
    /// language: `(byte offset, reason, hint)`.
    fn error(self, text: &str) -> Option<(usize, String, Option<String>)> {
        match self {
            Language::Regex => {
                super::checks::regex_error(text).map(|(offset, reason)| (offset, reason, None))
            }
            Language::JsonPath => super::checks::jsonpath_error(text),
            Language::GoessnerJsonPath => {
                super::checks::goessner_error(text).or_else(|| super::checks::jsonpath_error(text))
            }
        }
    }
}

impl Planner<'_> {
    /// Checks a condition written in `language` and plans the expressions it embeds, read at
    /// `ctx`: the pieces to substitute at run time, empty when nothing is embedded. `None`
    /// when a mistake was reported.
    pub(super) fn condition_text(
        &mut self,
        text: &Spanned<String>,
        language: Language,
        ctx: &Ctx,
    ) -> Option<Vec<ConditionPiece>> {
        let condition = &text.value;
        let pieces = if condition.contains("{$") {
            match expr::parse_template(condition) {
                Ok(pieces) => pieces,
                Err(e) => {
                    self.expr_error(text.pos, condition, e);
                    return None;
                }
            }
        } else {
            Vec::new()
        };
        let slots = slots(condition, pieces, language);
        let sample = if slots.is_empty() {
            condition.clone()
        } else {
            placeholders(&slots)
        };
        let embedded = self.embedded_values(slots, text.pos, ctx);
        if let Some((offset, reason, hint)) = language.error(&sample) {
            // With placeholders in place, offsets no longer match the text as written.
            let offset = if sample == *condition { offset } else { 0 };
            let at = Pos {
                col: text.pos.col + offset,
                ..text.pos
            };
            let mut message = language.message(condition, &reason);
            if sample != *condition {
                message.push_str(" (with a placeholder for each embedded value)");
            }
            self.error(at, message, hint);
            return None;
        }
        embedded
    }

    /// Resolves each embedded expression (all of them, so that each mistake is reported).
    fn embedded_values(
        &mut self,
        slots: Vec<Slot>,
        pos: Pos,
        ctx: &Ctx,
    ) -> Option<Vec<ConditionPiece>> {
        let mut out = Vec::new();
        let mut failed = false;
        for slot in slots {
            match slot {
                Slot::Text(text) => out.push(ConditionPiece::Text(text)),
                Slot::Expr(e, escape, offset) => {
                    // At the expression's `$`, after its `{`.
                    let pos = Pos {
                        col: pos.col + offset + 1,
                        ..pos
                    };
                    let Some(value) = self.resolve(&e, pos, ctx) else {
                        failed = true;
                        continue;
                    };
                    if escape == Escape::JsonPathScalar && is_text(&value) {
                        self.error(
                            pos,
                            format!(
                                "`{{{e}}}` stands outside a string literal of the JSONPath query, where only a number, a boolean or null fits, and it is text"
                            ),
                            Some(format!("quote it: `'{{{e}}}'`")),
                        );
                        failed = true;
                        continue;
                    }
                    out.push(ConditionPiece::Value(value, escape));
                }
            }
        }
        (!failed).then_some(out)
    }
}

/// A piece of a condition before its expressions are resolved.
enum Slot {
    Text(String),
    /// An expression, its escape, and the byte offset of its `{` in the condition.
    Expr(Expr, Escape, usize),
}

/// The condition's pieces, each expression with the escape of the place it stands in and
/// where it is written.
fn slots(condition: &str, pieces: Vec<Piece>, language: Language) -> Vec<Slot> {
    let mut quote: Option<char> = None;
    let mut at = 0;
    pieces
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => {
                quote = quote_after(&text, quote);
                at += text.len();
                Slot::Text(text)
            }
            Piece::Expr(e) => {
                let escape = match (language, quote) {
                    (Language::Regex, _) => Escape::Regex,
                    (_, Some(q)) => Escape::JsonPathString(q),
                    (_, None) => Escape::JsonPathScalar,
                };
                let offset = at;
                // The template reader ends an embedded expression at the first `}`.
                at += condition
                    .get(at..)
                    .and_then(|rest| rest.find('}'))
                    .map_or(0, |end| end + 1);
                Slot::Expr(e, escape, offset)
            }
        })
        .collect()
}

/// The JSONPath string-literal state after `text`, starting in `quote` (`None`: outside any
/// literal). A backslash inside a literal escapes the next character.
fn quote_after(text: &str, mut quote: Option<char>) -> Option<char> {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            _ => {}
        }
    }
    quote
}

/// The condition with a placeholder for each embedded value that fits where it stands.
fn placeholders(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|slot| match slot {
            Slot::Text(t) => t.as_str(),
            Slot::Expr(_, Escape::Regex | Escape::JsonPathString(_), _) => "x",
            Slot::Expr(_, Escape::JsonPathScalar, _) => "0",
        })
        .collect()
}

/// Whether a value is known to be text (or a structure) rather than a number, boolean or null.
fn is_text(value: &ValuePlan) -> bool {
    let typed = |ty: &RustType, pointer: &Option<JsonPointer>| {
        pointer.is_none()
            && matches!(
                unwrap_option(ty),
                RustType::String | RustType::Secret | RustType::Named(_) | RustType::Vec(_)
            )
    };
    match value {
        ValuePlan::Input { ty, pointer, .. }
        | ValuePlan::StepOutput { ty, pointer, .. }
        | ValuePlan::DependencyOutput { ty, pointer, .. }
        | ValuePlan::NestedOutput { ty, pointer, .. } => typed(ty, pointer),
        ValuePlan::Template(_)
        | ValuePlan::ResponseHeader(_)
        | ValuePlan::Url
        | ValuePlan::Method => true,
        ValuePlan::Literal(literal) => matches!(literal, super::LiteralJson::Str(_)),
        _ => false,
    }
}

fn unwrap_option(ty: &RustType) -> &RustType {
    match ty {
        RustType::Option(inner) => unwrap_option(inner),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_are_followed_through_escapes() {
        assert_eq!(quote_after("$.jobs[?(@.status == \"", None), Some('"'));
        assert_eq!(quote_after("\")]", Some('"')), None);
        assert_eq!(quote_after("$[?@.a == 'it\\'s ", None), Some('\''));
        assert_eq!(quote_after("$[?@.a == \"x'\" && @.b == ", None), None);
    }
}
