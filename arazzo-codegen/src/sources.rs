//! Loading the source descriptions an Arazzo document names, once per compiler process (see
//! [`crate::cache`]).

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::model::{Action, ActionTarget, Document, Target};
use crate::plan::{ArazzoSource, LoadedSource};
use crate::types::TypeRegistry;

/// What the documents of one expansion share while one of them is planned: the Arazzo
/// documents being planned around it, canonical (to refuse an import cycle; the first is the
/// document the build started from), and the one type registry, so that the documents an
/// `arazzo` source imports share one type per description schema with the importing one.
pub struct Importing {
    /// The documents being planned, outermost first.
    pub paths: Vec<PathBuf>,
    /// The types of every document planned so far.
    pub types: TypeRegistry,
}

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
/// `importing` holds the Arazzo documents being planned around this one, to refuse a cycle, and
/// the types the documents it imports add to.
pub fn load_all(
    doc: &Document,
    file: &str,
    base_dir: &Path,
    options: &crate::Options,
    diags: &mut Diagnostics,
    files: &mut Vec<PathBuf>,
    importing: &mut Importing,
) -> Loaded {
    let mut loaded = Loaded::default();
    let base_dir = &relative_base(doc, base_dir);
    for source in &doc.sources {
        let url = &source.url.value;
        let kind = source.kind.as_ref().map_or("openapi", |k| k.value.as_str());
        if kind != "openapi" && kind != "arazzo" {
            let pos = source.kind.as_ref().map_or(source.url.pos, |k| k.pos);
            let (message, hint) = if kind == "asyncapi" {
                let message = format!(
                    "source description `{}` is an AsyncAPI description; AsyncAPI is not supported yet",
                    source.name.value
                );
                (message, None)
            } else {
                let message = format!("source description type `{kind}` is not supported");
                (message, suggest(kind, ["openapi", "arazzo"]))
            };
            diags.push(Diagnostic::new(file, Some(pos), message).with_hint(hint));
            continue;
        }
        let path =
            match crate::lock::local_copy(source, file, base_dir, &importing.paths, options, files)
            {
                Some(Ok(copy)) => copy,
                Some(Err(d)) => {
                    diags.push(d);
                    continue;
                }
                None => base_dir.join(url),
            };
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
            if called && importing.paths.contains(&canonical) {
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
            let module = crate::names::field_name(&source.name.value);
            let plan =
                crate::plan_imported(&path, &shown, &module, options, diags, files, importing);
            match plan {
                Some(plan) => loaded.arazzo.push(ArazzoSource {
                    name: source.name.value.clone(),
                    module,
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
        match crate::cache::description(&path, &shown, options) {
            Ok(api) => {
                files.push(path);
                files.extend(api.files.iter().cloned());
                for problem in &api.reference_problems {
                    diags.push(problem.clone());
                }
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

/// The directory relative source `url`s are read from. Arazzo 1.1.0 "Establishing the Base URI":
/// a relative `$self` "MUST first be resolved against the next possible base URI source" (the
/// document's own location) "before being used as the base URI for resolving other relative
/// references", so `$self: specs/flow.yml` moves the base to `specs/`. An absolute `$self`
/// names where the document is published; its neighbours there are read from next to the
/// document, their local copy.
fn relative_base(doc: &Document, document_dir: &Path) -> PathBuf {
    let Some(self_uri) = &doc.self_uri else {
        return document_dir.to_owned();
    };
    let reference = self_uri.value.as_str();
    let has_scheme = reference
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
    if has_scheme || reference.starts_with('/') {
        return document_dir.to_owned();
    }
    // RFC 3986 5.2.3: the base's last segment (the document's own name) is removed.
    match reference.rsplit_once('/') {
        Some((dir, _)) => document_dir.join(dir),
        None => document_dir.to_owned(),
    }
}
