//! Arazzo 1.1 Selector Objects (`{context, selector, type}`), wherever a value may be one:
//! outputs, parameter values, payloads and replacement values.

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::load::{Kind, Node};

use super::fields::Fields;
use super::{Selector, SelectorKind, Spanned};

const SELECTOR_FIELDS: &[&str] = &["context", "selector", "type"];
const EXPRESSION_TYPE_FIELDS: &[&str] = &["type", "version"];

/// Whether `node` is written as a Selector Object rather than a literal mapping: it has both
/// `context` and `selector`. (A payload that really is such an object is written with
/// `replacements` instead.)
pub fn is_selector(node: &Node) -> bool {
    node.as_map().is_some() && node.get("context").is_some() && node.get("selector").is_some()
}

/// Reads a Selector Object, reporting what is wrong with it.
pub fn read_selector(node: &Node, file: &str, diags: &mut Diagnostics) -> Option<Selector> {
    let mut f = Fields::new(node, "a selector", SELECTOR_FIELDS, diags, file)?;
    let context = f.req_string("context");
    let selector = f.req_string("selector");
    let kind_node = f.required("type")?;
    let kind = selector_kind(kind_node, file, f.diags)?;
    Some(Selector {
        context: context?,
        selector: selector?,
        kind,
        pos: node.pos,
    })
}

/// `type` of a selector: a name, or an Expression Type Object `{type, version}`.
fn selector_kind(
    node: &Node,
    file: &str,
    diags: &mut Diagnostics,
) -> Option<Spanned<SelectorKind>> {
    let (name, version) = match &node.kind {
        Kind::Str(s) => (
            Spanned {
                value: s.clone(),
                pos: node.pos,
            },
            None,
        ),
        Kind::Map(_) => {
            let mut t = Fields::new(
                node,
                "an expression type",
                EXPRESSION_TYPE_FIELDS,
                diags,
                file,
            )?;
            let name = t.req_string("type");
            let version = t.req_string("version");
            (name?, Some(version?))
        }
        _ => {
            diags.push(Diagnostic::new(
                file,
                Some(node.pos),
                format!(
                    "a selector's `type` must be a string or `{{type, version}}`, found {}",
                    node.kind_name()
                ),
            ));
            return None;
        }
    };
    let (value, supported): (_, &[&str]) = match name.value.as_str() {
        "jsonpath" => (SelectorKind::JsonPath, &["rfc9535"]),
        "jsonpointer" => (SelectorKind::JsonPointer, &["rfc6901"]),
        "xpath" => (SelectorKind::XPath, &super::read::XPATH_VERSIONS),
        other => {
            diags.push(
                Diagnostic::new(
                    file,
                    Some(name.pos),
                    format!(
                        "unknown selector type `{other}`; expected `jsonpath`, `jsonpointer` or `xpath`"
                    ),
                )
                .with_hint(suggest(other, ["jsonpath", "jsonpointer", "xpath"])),
            );
            return None;
        }
    };
    if let Some(version) = version.filter(|v| !supported.contains(&v.value.as_str())) {
        let expected: Vec<String> = supported.iter().map(|v| format!("`{v}`")).collect();
        let message = match expected.as_slice() {
            [only] => format!(
                "`{}` version `{}` is not supported; only {only} is",
                name.value, version.value
            ),
            _ => format!(
                "`{}` version `{}` is not supported; expected one of {}",
                name.value,
                version.value,
                expected.join(", ")
            ),
        };
        diags.push(Diagnostic::new(file, Some(version.pos), message));
        return None;
    }
    Some(Spanned {
        value,
        pos: name.pos,
    })
}
