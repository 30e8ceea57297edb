//! Request bodies: the payload, its replacements (Arazzo Payload Replacement Object), a form
//! written as text split into its fields, and the operation's form `encoding`.

use crate::model::{Replacement, Step, TargetSelectorType};
use crate::openapi::{Operation, is_json};
use crate::pointer::JsonPointer;
use crate::types::RustType;

use super::values::Ctx;
use super::{
    AbsentPayload, BodyFormat, BodyPlan, LiteralJson, Planner, ReplacementTarget, TemplatePiece,
    ValuePlan,
};

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

impl Planner<'_> {
    /// The step's request body, its replacements checked against how the payload is written.
    pub(super) fn body(&mut self, step: &Step, op: &Operation, ctx: &Ctx) -> Option<BodyPlan> {
        let body = step.request_body.as_ref()?;
        let content_type = body
            .content_type
            .as_ref()
            .map(|c| c.value.clone())
            .or_else(|| op.request_media.first().cloned())
            .unwrap_or_else(|| "application/json".to_owned());
        let media = essence(&content_type);
        let payload = match &body.payload {
            Some(payload) => self.value_node(payload, ctx)?,
            None => ValuePlan::Literal(LiteralJson::Null),
        };
        // A form written as text is its fields: replacements and encoding apply to them, and
        // the values embedded in it are encoded like any other.
        let payload = match payload {
            text @ (ValuePlan::Template(_) | ValuePlan::Literal(LiteralJson::Str(_)))
                if media == FORM =>
            {
                form_fields(&text).unwrap_or(text)
            }
            other => other,
        };
        let as_text = matches!(
            payload,
            ValuePlan::Template(_) | ValuePlan::Literal(LiteralJson::Str(_))
        );
        let mut replacements = Vec::new();
        for (i, replacement) in body.replacements.iter().enumerate() {
            let Some(target) = self.replacement_target(replacement) else {
                continue;
            };
            if body.payload.is_none() {
                // Reported once, at the first replacement.
                if i == 0 {
                    self.error(
                        replacement.target.pos,
                        format!(
                            "replacement target `{}` cannot apply: `requestBody` has no `payload` to replace in",
                            replacement.target.value
                        ),
                        Some("write the `payload` the replacements apply to".to_owned()),
                    );
                }
                continue;
            }
            if as_text {
                // Reported once for the payload, at its first replacement.
                if i == 0 {
                    self.error(
                        replacement.target.pos,
                        format!(
                            "replacement target `{}` cannot apply: the payload is written as text (`{content_type}`), which has no members to replace",
                            replacement.target.value
                        ),
                        Some("write the payload as a YAML mapping, or embed the value in the text with `{$…}`".to_owned()),
                    );
                }
                continue;
            }
            if let Some(value) = self.value_node(&replacement.value, ctx) {
                replacements.push((target, value));
            }
        }
        // Whether the value is there is known only at run time; the request is refused then
        // (`Error::InvalidRequest`) rather than sent without the body the operation requires,
        // and else sent without a body.
        let absent = if !may_be_absent(&payload) {
            AbsentPayload::Impossible
        } else if op.request_required && !step.allow_invalid_request {
            AbsentPayload::Refused
        } else {
            AbsentPayload::Unsent
        };
        let encoding = || {
            op.request_media
                .iter()
                .position(|m| essence(m) == media)
                .and_then(|i| op.request_encodings.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let format = if media == FORM {
            BodyFormat::Form(encoding())
        } else if media == MULTIPART {
            if let Some(node) = &body.payload
                && !may_be_object(&payload)
            {
                self.error(
                    node.pos,
                    format!("a `{content_type}` payload must be an object: each of its members is one part of the body"),
                    Some("write the payload as a YAML mapping of the form's fields".to_owned()),
                );
            }
            BodyFormat::Multipart(encoding())
        } else if as_text && is_json(&content_type) {
            BodyFormat::JsonText
        } else if as_text {
            BodyFormat::Text
        } else {
            BodyFormat::Json
        };
        Some(BodyPlan {
            content_type,
            payload,
            replacements,
            format,
            absent,
        })
    }

    /// A replacement's target, checked in the language `targetSelectorType` names.
    fn replacement_target(&mut self, replacement: &Replacement) -> Option<ReplacementTarget> {
        let target = &replacement.target;
        let kind = replacement.target_type.as_ref();
        match kind.map(|k| k.value) {
            None | Some(TargetSelectorType::JsonPointer) => match JsonPointer::parse(&target.value)
            {
                Ok(pointer) => Some(ReplacementTarget::Pointer(pointer)),
                Err(e) => {
                    let hint = target.value.starts_with('$').then(|| {
                        "a JSONPath target needs `targetSelectorType: jsonpath` (Arazzo 1.1)"
                            .to_owned()
                    });
                    self.error(target.pos, e.to_string(), hint);
                    None
                }
            },
            Some(TargetSelectorType::JsonPath) => {
                if !self.arazzo_1_1 {
                    self.error(
                        kind.map_or(target.pos, |k| k.pos),
                        "`targetSelectorType` is Arazzo 1.1; this document declares an earlier version".to_owned(),
                        Some("declare `arazzo: 1.1.0`, or write the target as a JSON pointer".to_owned()),
                    );
                    return None;
                }
                if let Err(e) = serde_json_path::JsonPath::parse(&target.value) {
                    self.error(
                        target.pos,
                        format!("`{}` is not an RFC 9535 JSONPath query: {e}", target.value),
                        None,
                    );
                    return None;
                }
                Some(ReplacementTarget::JsonPath(target.value.clone()))
            }
            Some(TargetSelectorType::XPath) => {
                self.error(
                    kind.map_or(target.pos, |k| k.pos),
                    "`xpath` replacement targets are not supported".to_owned(),
                    None,
                );
                None
            }
        }
    }
}

/// A media type without its parameters, lower case.
pub(super) fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase()
}

/// Whether the whole payload is a value that may be absent: an optional input, or the output
/// of a step a `goto` may skip.
fn may_be_absent(payload: &ValuePlan) -> bool {
    matches!(
        payload,
        ValuePlan::Input {
            ty: RustType::Option(_),
            pointer: None,
            ..
        } | ValuePlan::StepOutput {
            certain: false,
            pointer: None,
            ..
        }
    )
}

/// Whether the payload may be an object at run time: a written mapping, or a value whose type
/// is known only then (a `multipart` body of anything else is refused when sent).
fn may_be_object(payload: &ValuePlan) -> bool {
    !matches!(
        payload,
        ValuePlan::Literal(_) | ValuePlan::Array(_) | ValuePlan::Template(_)
    )
}

/// A form written as text (`a=1&b={$inputs.x}`) as an object of its fields, in order, each
/// name and literal text percent-decoded (`+` is a space); a name given twice is an array.
/// `None` when a name is not plain text.
fn form_fields(payload: &ValuePlan) -> Option<ValuePlan> {
    let pieces: Vec<TemplatePiece> = match payload {
        ValuePlan::Literal(LiteralJson::Str(text)) => vec![TemplatePiece::Text(text.clone())],
        ValuePlan::Template(pieces) => pieces.clone(),
        _ => return None,
    };
    // Split on the `&`s of the literal text.
    let mut fields: Vec<Vec<TemplatePiece>> = vec![Vec::new()];
    for piece in pieces {
        match piece {
            TemplatePiece::Text(text) => {
                let mut parts = text.split('&');
                if let (Some(first), Some(field)) = (parts.next(), fields.last_mut()) {
                    field.push(TemplatePiece::Text(first.to_owned()));
                }
                for part in parts {
                    fields.push(vec![TemplatePiece::Text(part.to_owned())]);
                }
            }
            value => {
                if let Some(field) = fields.last_mut() {
                    field.push(value);
                }
            }
        }
    }
    let mut members: Vec<(String, ValuePlan)> = Vec::new();
    for field in fields {
        let mut pieces = field
            .into_iter()
            .filter(|p| !matches!(p, TemplatePiece::Text(t) if t.is_empty()));
        let Some(first) = pieces.next() else {
            continue;
        };
        let TemplatePiece::Text(first) = first else {
            return None;
        };
        let (name, rest) = first.split_once('=')?;
        let mut value: Vec<TemplatePiece> = Vec::new();
        if !rest.is_empty() {
            value.push(TemplatePiece::Text(decode(rest)));
        }
        value.extend(pieces.map(|p| match p {
            TemplatePiece::Text(t) => TemplatePiece::Text(decode(&t)),
            other => other,
        }));
        let value = match value.as_slice() {
            [] => ValuePlan::Literal(LiteralJson::Str(String::new())),
            [TemplatePiece::Text(t)] => ValuePlan::Literal(LiteralJson::Str(t.clone())),
            [TemplatePiece::Value(v)] => v.clone(),
            _ => ValuePlan::Template(value),
        };
        let name = decode(name);
        match members.iter_mut().find(|(n, _)| *n == name) {
            Some((_, ValuePlan::Array(items))) => items.push(value),
            Some((_, first)) => *first = ValuePlan::Array(vec![first.clone(), value]),
            None => members.push((name, value)),
        }
    }
    Some(ValuePlan::object(members))
}

/// Form-decodes literal text: `+` is a space, `%XX` a byte.
fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}
