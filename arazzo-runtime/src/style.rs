//! Parameter values serialised as an OpenAPI 3.x Parameter Object's `style` and `explode` say
//! ("Style Values", "Style Examples"): arrays and objects in a query, a path or a header.

use percent_encoding::{AsciiSet, utf8_percent_encode};
use serde_json::Value;

use crate::value::to_text;

/// An OpenAPI 3.x Parameter Object `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterStyle {
    /// `form`: `color=blue&color=black` exploded, `color=blue,black` not.
    Form,
    /// `spaceDelimited`: `color=blue%20black`.
    SpaceDelimited,
    /// `pipeDelimited`: `color=blue|black`.
    PipeDelimited,
    /// `deepObject`: `color[R]=100&color[G]=200`.
    DeepObject,
    /// `simple`: `blue,black`.
    Simple,
    /// `label`: `.blue.black` exploded, `.blue,black` not.
    Label,
    /// `matrix`: `;color=blue;color=black` exploded, `;color=blue,black` not.
    Matrix,
}

/// A parameter described with `content` instead of a `style` (OpenAPI 3.x Parameter Object):
/// its value as that media type's text, JSON for a JSON media type (`json`), else the text of a
/// string and the JSON of anything else; `null` stays `null` (the parameter left out).
pub fn parameter_content(value: &Value, json: bool) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::String(text) if !json => Value::String(text.clone()),
        other => Value::String(other.to_string()),
    }
}

/// A value's items (an array) or members (an object), each as text; `null`s left out.
enum Shape {
    Scalar(String),
    Items(Vec<String>),
    Members(Vec<(String, String)>),
}

fn shape(value: &Value) -> Option<Shape> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(Shape::Items(items.iter().filter_map(to_text).collect())),
        Value::Object(members) => Some(Shape::Members(
            members
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), to_text(v)?)))
                .collect(),
        )),
        scalar => to_text(scalar).map(Shape::Scalar),
    }
}

/// Query text: as `application/x-www-form-urlencoded` writes it, the delimiters a style adds
/// left as they are.
fn q(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The query pieces (`name=value`, already encoded) of a query parameter; `Err` for a value the
/// style has no serialisation of.
pub(crate) fn query(
    name: &str,
    value: &Value,
    style: ParameterStyle,
    explode: bool,
) -> Result<Vec<String>, String> {
    let Some(shape) = shape(value) else {
        return Ok(Vec::new());
    };
    let delimiter = match style {
        ParameterStyle::SpaceDelimited => "%20",
        ParameterStyle::PipeDelimited => "|",
        _ => ",",
    };
    let n = q(name);
    Ok(match (shape, style) {
        (Shape::Scalar(text), _) => vec![format!("{n}={}", q(&text))],
        (Shape::Members(members), ParameterStyle::DeepObject) => members
            .iter()
            .map(|(k, v)| format!("{n}[{}]={}", q(k), q(v)))
            .collect(),
        (Shape::Items(_), ParameterStyle::DeepObject) => {
            return Err(format!(
                "query parameter `{name}` is `style: deepObject`, which serialises objects, and its value is an array"
            ));
        }
        (Shape::Items(items), ParameterStyle::Form) if explode => {
            items.iter().map(|i| format!("{n}={}", q(i))).collect()
        }
        (Shape::Members(members), ParameterStyle::Form) if explode => members
            .iter()
            .map(|(k, v)| format!("{}={}", q(k), q(v)))
            .collect(),
        (Shape::Items(items), _) => {
            let joined: Vec<String> = items.iter().map(|i| q(i)).collect();
            vec![format!("{n}={}", joined.join(delimiter))]
        }
        (Shape::Members(members), _) => {
            let flat: Vec<String> = members.iter().flat_map(|(k, v)| [q(k), q(v)]).collect();
            vec![format!("{n}={}", flat.join(delimiter))]
        }
    })
}

/// Path text: everything a segment may not hold, and the delimiters the styles use, encoded.
const PATH_ITEM: &AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn p(text: &str) -> String {
    utf8_percent_encode(text, PATH_ITEM).to_string()
}

/// A path parameter's text (already encoded), `None` when the value is `null`.
pub(crate) fn path(
    name: &str,
    value: &Value,
    style: ParameterStyle,
    explode: bool,
) -> Option<String> {
    let shape = shape(value)?;
    let n = p(name);
    let (prefix, separator) = match style {
        ParameterStyle::Label => (".".to_owned(), if explode { "." } else { "," }),
        ParameterStyle::Matrix => (String::new(), if explode { ";" } else { "," }),
        _ => (String::new(), ","),
    };
    let pairs = |members: &[(String, String)]| -> Vec<String> {
        if explode {
            members
                .iter()
                .map(|(k, v)| format!("{}={}", p(k), p(v)))
                .collect()
        } else {
            members.iter().flat_map(|(k, v)| [p(k), p(v)]).collect()
        }
    };
    Some(match (style, shape) {
        (ParameterStyle::Matrix, Shape::Scalar(text)) => format!(";{n}={}", p(&text)),
        (ParameterStyle::Matrix, Shape::Items(items)) if explode => {
            items.iter().map(|i| format!(";{n}={}", p(i))).collect()
        }
        (ParameterStyle::Matrix, Shape::Items(items)) => {
            let items: Vec<String> = items.iter().map(|i| p(i)).collect();
            format!(";{n}={}", items.join(","))
        }
        (ParameterStyle::Matrix, Shape::Members(members)) if explode => {
            format!(";{}", pairs(&members).join(";"))
        }
        (ParameterStyle::Matrix, Shape::Members(members)) => {
            format!(";{n}={}", pairs(&members).join(","))
        }
        (_, Shape::Scalar(text)) => format!("{prefix}{}", p(&text)),
        (_, Shape::Items(items)) => {
            let items: Vec<String> = items.iter().map(|i| p(i)).collect();
            format!("{prefix}{}", items.join(separator))
        }
        (_, Shape::Members(members)) => format!("{prefix}{}", pairs(&members).join(separator)),
    })
}

/// A header's `simple` value: `blue,black`, an object `R,100,G,200`, exploded `R=100,G=200`.
pub(crate) fn header(value: &Value, explode: bool) -> Option<String> {
    Some(match shape(value)? {
        Shape::Scalar(text) => text,
        Shape::Items(items) => items.join(","),
        Shape::Members(members) if explode => members
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        Shape::Members(members) => members
            .iter()
            .flat_map(|(k, v)| [k.as_str(), v.as_str()])
            .collect::<Vec<_>>()
            .join(","),
    })
}
