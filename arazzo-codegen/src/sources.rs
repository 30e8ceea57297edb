//! Loading the source descriptions an Arazzo document names, once per compiler process (see
//! [`crate::cache`]).

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::model::{Action, ActionTarget, Document, Target};
use crate::plan::{ArazzoSource, LoadedSource};

/// What [`load_all`] found: OpenAPI descriptions, and Arazzo documents planned on their own.
#[derive(Default)]
pub struct Loaded {
    /// The `openapi` sources.
    pub openapi: Vec<LoadedSource>,
    /// The `arazzo` sources.
    pub arazzo: Vec<ArazzoSource>,
}

/// Whether `doc` names a workflow or step of its source description `name`
/// (`$sourceDescriptions.NAME.…` in a step's `workflowId` or `dependsOn`, a workflow's
/// `dependsOn`, or an action's `workflowId`).
fn refers_to(doc: &Document, name: &str) -> bool {
    let prefix = format!("$sourceDescriptions.{name}.");
    let named = |id: &str| id.starts_with(&prefix);
    let in_actions = |actions: &[Action]| {
        actions
            .iter()
            .any(|a| matches!(&a.target, Some(ActionTarget::Workflow(id)) if named(&id.value)))
    };
    doc.workflows.iter().any(|w| {
        w.depends_on.iter().any(|d| named(&d.value))
            || in_actions(&w.success_actions)
            || in_actions(&w.failure_actions)
            || w.steps.iter().any(|s| {
                matches!(&s.target, Some(Target::WorkflowId(id)) if named(&id.value))
                    || s.depends_on.iter().any(|d| named(&d.value))
                    || in_actions(&s.on_success)
                    || in_actions(&s.on_failure)
            })
    })
}

/// How many `arazzo` source descriptions of `doc` it does not call into, which are not loaded.
pub(crate) fn uncalled_arazzo(doc: &Document) -> usize {
    doc.sources
        .iter()
        .filter(|s| s.kind.as_ref().is_some_and(|k| k.value == "arazzo"))
        .filter(|s| !refers_to(doc, &s.name.value))
        .count()
}

/// Loads every source description of `doc`; problems become diagnostics at the source's `url`.
/// `importing` holds the Arazzo documents being planned around this one, to refuse a cycle.
pub fn load_all(
    doc: &Document,
    file: &str,
    base_dir: &Path,
    options: &crate::Options,
    diags: &mut Diagnostics,
    files: &mut Vec<PathBuf>,
    importing: &mut Vec<PathBuf>,
) -> Loaded {
    let mut loaded = Loaded::default();
    for source in &doc.sources {
        let url = &source.url.value;
        let kind = source.kind.as_ref().map_or("openapi", |k| k.value.as_str());
        if kind != "openapi" && kind != "arazzo" {
            let pos = source.kind.as_ref().map_or(source.url.pos, |k| k.pos);
            let message = if kind == "asyncapi" {
                format!(
                    "source description `{}` is an AsyncAPI description; AsyncAPI is not supported yet",
                    source.name.value
                )
            } else {
                format!("source description type `{kind}` is not supported")
            };
            let hint = suggest(kind, ["openapi", "arazzo"]);
            diags.push(Diagnostic::new(file, Some(pos), message).with_hint(hint));
            continue;
        }
        if url.starts_with("http://") || url.starts_with("https://") {
            diags.push(Diagnostic::new(
                file,
                Some(source.url.pos),
                format!("source description `{}` is remote (`{url}`); the build never downloads, so keep a local copy and point `url` at it", source.name.value),
            ));
            continue;
        }
        let path = base_dir.join(url);
        if options.refuses(&path) {
            let what = format!("source description `{}` (`{url}`)", source.name.value);
            diags.push(Diagnostic::new(
                file,
                Some(source.url.pos),
                crate::outside_crate(&what),
            ));
            continue;
        }
        let shown = crate::display_path(&path, &options.manifest_dir);
        if kind == "arazzo" {
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            let called = refers_to(doc, &source.name.value);
            // Documents may list each other (the specification forbids no mutual import), so
            // another document is planned only when this one calls into it; calls that go back
            // and forth between documents cannot be planned.
            if called && importing.contains(&canonical) {
                diags.push(Diagnostic::new(
                    file,
                    Some(source.url.pos),
                    format!("source description `{}` (`{shown}`) leads back to a document that calls this one's workflows; workflows of two documents cannot call each other in a cycle", source.name.value),
                ));
                continue;
            }
            if let Err(e) = std::fs::metadata(&path) {
                diags.push(Diagnostic::new(
                    file,
                    Some(source.url.pos),
                    format!(
                        "cannot read Arazzo source description `{shown}`: {}",
                        crate::diag::io_reason(&e)
                    ),
                ));
                continue;
            }
            if !called {
                continue;
            }
            let plan = crate::plan_imported(&path, &shown, options, diags, files, importing);
            match plan {
                Some(plan) => loaded.arazzo.push(ArazzoSource {
                    name: source.name.value.clone(),
                    module: crate::names::field_name(&source.name.value),
                    plan,
                }),
                None if diags.is_empty() => diags.push(Diagnostic::new(
                    file,
                    Some(source.url.pos),
                    format!("cannot read Arazzo source description `{shown}`"),
                )),
                None => {}
            }
            continue;
        }
        match crate::cache::description(&path, &shown) {
            Ok(api) => {
                files.push(path);
                loaded.openapi.push(LoadedSource {
                    name: source.name.value.clone(),
                    api,
                });
            }
            Err(mut d) => {
                if d.pos.is_none() {
                    // Point at the `url` that names the missing file.
                    d = Diagnostic::new(file, Some(source.url.pos), d.message);
                }
                diags.push(d);
            }
        }
    }
    loaded
}
