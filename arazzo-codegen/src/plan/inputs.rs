//! Workflow inputs whose schema is a source description's: `$ref` in an inputs schema is JSON
//! Schema's, a URI reference (Arazzo 1.0.1 Workflow Object: `inputs` is "a JSON Schema 2020-12
//! object"; Arazzo 1.1.0 "Resolving URI Fragments": references in `inputs` "MUST support … JSON
//! Pointer fragments"), so `$ref: './api.yaml#/components/schemas/Status'` names a schema of
//! the source description at `./api.yaml`. Such an input has that schema's one type, the
//! type of the outputs that land on it, so one workflow's output can be handed to another's
//! input as it is.

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::load::Node;
use crate::model::SourceDescription;
use crate::pointer::JsonPointer;
use crate::types::DescriptionSchema;

use super::LoadedSource;

/// The schema the `$ref` value `reference` (a reference into another file) names, or `None`
/// after reporting why it names none. A source description that failed to load (reported
/// already) is not reported again.
pub(super) fn description_schema(
    reference: &Node,
    file: &str,
    sources: &[LoadedSource],
    descriptions: &[SourceDescription],
    diags: &mut Diagnostics,
) -> Option<DescriptionSchema> {
    let text = reference.as_str()?;
    let (target, fragment) = text.split_once('#').unwrap_or((text, ""));
    let mut error = |message: String, hint: Option<String>| {
        diags.push(Diagnostic::new(file, Some(reference.pos), message).with_hint(hint));
    };
    let Some(source) = descriptions
        .iter()
        .find(|d| same_reference(&d.url.value, target))
    else {
        let hint = suggest(target, descriptions.iter().map(|d| d.url.value.as_str()));
        error(
            format!(
                "`$ref: {text}`: an input schema refers to this document (`#/components/inputs/NAME`) or to a schema of a source description, and `{target}` is no source description's `url`"
            ),
            hint,
        );
        return None;
    };
    let Some(loaded) = sources.iter().find(|s| s.name == source.name.value) else {
        if source.kind.as_ref().is_some_and(|k| k.value != "openapi") {
            error(
                format!(
                    "`$ref: {text}`: source description `{}` is not an OpenAPI description, so it has no schemas to refer to",
                    source.name.value
                ),
                None,
            );
        }
        return None;
    };
    let pointer = match JsonPointer::parse(fragment) {
        Ok(pointer) if fragment.starts_with('/') => pointer,
        _ => {
            error(
                format!(
                    "`$ref: {text}`: a schema of a source description is named by a JSON pointer fragment"
                ),
                Some(format!("write `{target}#/components/schemas/NAME`")),
            );
            return None;
        }
    };
    if loaded.api.root.pointer(fragment).is_none() {
        let schemas = loaded
            .api
            .root
            .pointer("/components/schemas")
            .and_then(Node::as_map)
            .unwrap_or_default();
        let wanted = pointer.tokens().last().map_or("", String::as_str);
        let hint = suggest(wanted, schemas.iter().map(|(k, _)| k.name.as_str()));
        error(
            format!(
                "`$ref: {text}` points at nothing in source description `{}`",
                source.name.value
            ),
            hint,
        );
        return None;
    }
    Some(DescriptionSchema {
        api: loaded.api.clone(),
        pointer,
    })
}

/// Whether a `$ref`'s file part and a source description's `url` name the same file: both are
/// resolved against the same base (the document's), so they do when they are equal once a
/// leading `./` is dropped.
fn same_reference(url: &str, target: &str) -> bool {
    fn plain(reference: &str) -> &str {
        let mut reference = reference;
        while let Some(rest) = reference.strip_prefix("./") {
            reference = rest;
        }
        reference
    }
    !target.is_empty() && plain(url) == plain(target)
}
