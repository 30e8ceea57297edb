//! The generator behind `arazzo_workflow!`: Arazzo documents and their OpenAPI descriptions in,
//! typed async Rust out.
//!
//! The data flows one way, one module per stage:
//! [`load`] (YAML/JSON with positions) → `model` (the Arazzo document) → `openapi` (the
//! operation index of each source description) → `plan` (references checked, types chosen,
//! requests and criteria compiled to a plan closed over typed values) → `emit` (tokens, by
//! rendering the plan only). Every stage collects [`Diagnostic`]s instead of stopping at the
//! first mistake.
//!
//! Public are [`expand`], [`Generator`] (the same code as a file, from a `build.rs` or for
//! `arazzo generate`), and what the command line and the fuzz targets reach: [`load`] (the
//! positioned YAML/JSON tree), [`expr`] (runtime expressions), [`lock`] (vendored remote
//! descriptions); the benches also reach [`OpenApi`] and [`clear_cache`].

mod bundle;
mod cache;
mod diag;
mod documents;
mod emit;
pub mod expr;
mod generator;
mod http;
pub mod load;
pub mod lock;
mod model;
mod names;
mod openapi;
mod plan;
mod pointer;
mod schema;
mod sources;
mod stub;
mod swagger2;
mod types;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

pub use cache::clear as clear_cache;
pub use diag::{Diagnostic, Pos};
pub use documents::expand_documents;
pub use generator::{Generated, Generator};
pub use openapi::OpenApi;

/// How to expand a document.
#[derive(Debug, Clone)]
pub struct Options {
    /// The directory paths are relative to (the calling crate's `CARGO_MANIFEST_DIR`).
    pub manifest_dir: PathBuf,
    /// The path generated code uses for the runtime crate.
    pub runtime: TokenStream,
    /// Whether the document and its source descriptions may be outside `manifest_dir` (a path
    /// with `..` or an absolute one, or a symbolic link leading out). Off by default: a build
    /// reads only the crate's own files.
    pub allow_outside_crate: bool,
    /// Whether each workflow is also emitted as a Restate workflow (the macro's `restate`
    /// option; needs the runtime's `restate` feature).
    pub restate: bool,
}

impl Options {
    /// Paths relative to `manifest_dir`, runtime at `::arazzo_runtime`, nothing read outside
    /// `manifest_dir`.
    pub fn new(manifest_dir: impl Into<PathBuf>) -> Self {
        Self {
            manifest_dir: manifest_dir.into(),
            runtime: quote!(::arazzo_runtime),
            allow_outside_crate: false,
            restate: false,
        }
    }

    /// Whether reading `path` is refused: it is outside `manifest_dir` as written, or once
    /// symbolic links are resolved, and that is not allowed. A path that does not exist is not
    /// refused here (reading it reports that).
    fn refuses(&self, path: &Path) -> bool {
        if self.allow_outside_crate {
            return false;
        }
        if !normalize(path).starts_with(normalize(&self.manifest_dir)) {
            return true;
        }
        match (path.canonicalize(), self.manifest_dir.canonicalize()) {
            (Ok(real), Ok(root)) => !real.starts_with(root),
            _ => false,
        }
    }
}

/// Why a file outside the crate is not read, and what to do about it.
fn outside_crate(what: &str) -> String {
    format!(
        "{what} is outside the crate; `arazzo_workflow!` reads only files under the crate's directory: move it in, or allow it with `arazzo_workflow!(\"...\", allow_outside_crate)`"
    )
}

/// The result of expanding one Arazzo document.
#[derive(Debug)]
pub struct Expansion {
    /// The generated items (empty when there are diagnostics).
    pub tokens: TokenStream,
    /// When there are diagnostics: stand-ins for the functions and structs the document's
    /// workflows would have defined (see the `stub` module), to emit only next to the errors, so that
    /// the code calling the workflows still resolves while the document is broken. Empty on
    /// success, and when the document is not even YAML. A separate field rather than `tokens`,
    /// so that a caller cannot mistake stand-ins for generated code.
    pub stubs: TokenStream,
    /// Every file read, absolute, so the caller can make the build depend on them.
    pub files: Vec<PathBuf>,
    /// Every mistake found; empty on success.
    pub diagnostics: Vec<Diagnostic>,
}

/// Expands the Arazzo document at `path` (relative to `options.manifest_dir`).
pub fn expand(path: &str, options: &Options) -> Expansion {
    match read_document(path, options) {
        Ok((text, absolute)) => {
            let mut expansion = expand_str(&text, path, options);
            expansion.files.insert(0, absolute);
            expansion
        }
        Err(diagnostic) => Expansion {
            tokens: TokenStream::new(),
            stubs: TokenStream::new(),
            files: Vec::new(),
            diagnostics: vec![diagnostic],
        },
    }
}

/// The text of the Arazzo document at `path` (relative to `options.manifest_dir`) and its
/// absolute path, or why it is not read.
fn read_document(path: &str, options: &Options) -> Result<(String, PathBuf), Diagnostic> {
    let absolute = options.manifest_dir.join(path);
    if options.refuses(&absolute) {
        return Err(Diagnostic::new(
            path,
            None,
            outside_crate(&format!("the Arazzo document `{path}`")),
        ));
    }
    match std::fs::read_to_string(&absolute) {
        Ok(text) => Ok((text, absolute)),
        Err(e) => {
            // Relative, not absolute: the message ends up in `.stderr` files and CI logs,
            // which must not depend on where the project is checked out.
            let shown = display_path(&absolute, &options.manifest_dir);
            Err(Diagnostic::new(
                &shown,
                None,
                format!(
                    "cannot read the Arazzo document `{shown}`: {}",
                    diag::io_reason(&e)
                ),
            ))
        }
    }
}

/// Expands `text` as the Arazzo document at `path` (relative to `options.manifest_dir`) without
/// reading that file: `path` names the document in diagnostics and locates the source
/// descriptions, which are read from disk as usual. `files` lists only those.
pub fn expand_str(text: &str, path: &str, options: &Options) -> Expansion {
    let planned = plan_str(text, path, options, types::TypeRegistry::default());
    Expansion {
        // Tokens only when nothing was reported.
        tokens: planned
            .plan
            .filter(|_| planned.diagnostics.is_empty())
            .map(|plan| emit::emit_with(&plan, &options.runtime, options.restate))
            .unwrap_or_default(),
        stubs: planned.stubs,
        files: planned.files,
        diagnostics: planned.diagnostics,
    }
}

/// One document planned: what [`Expansion`] holds, with the plan instead of its tokens.
struct Planned {
    plan: Option<plan::Plan>,
    stubs: TokenStream,
    files: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
}

/// Plans `text` as the Arazzo document at `path`, its types added to `types`.
fn plan_str(text: &str, path: &str, options: &Options, types: types::TypeRegistry) -> Planned {
    let absolute = options.manifest_dir.join(path);
    let shown = display_path(&absolute, &options.manifest_dir);
    let mut diags = diag::Diagnostics::default();
    let mut files = Vec::new();
    let mut stubs = TokenStream::new();
    let plan = match load::parse(text, &shown) {
        Ok(root) => {
            let mut importing = sources::Importing {
                paths: vec![
                    absolute
                        .canonicalize()
                        .unwrap_or_else(|_| absolute.to_owned()),
                ],
                types,
            };
            let plan = plan_tree(
                &root,
                &shown,
                &absolute,
                options,
                &mut diags,
                &mut files,
                &mut importing,
            );
            if options.restate {
                emit::restate::check_names(&root, &shown, &mut diags);
            }
            if !diags.is_empty() {
                stubs = stub::stubs(&root, &options.runtime);
                if options.restate {
                    let workflows = stub::workflows(&root);
                    stubs.extend(emit::restate::stubs(&workflows, &options.runtime));
                }
            }
            plan
        }
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let mut diagnostics = diags.into_vec();
    load::unfold(
        text,
        diagnostics
            .iter_mut()
            .filter(|d| d.file == shown)
            .filter_map(|d| d.pos.as_mut()),
    );
    Planned {
        plan,
        stubs,
        files,
        diagnostics,
    }
}

/// Reads, checks and plans one Arazzo document and the documents it imports; the plan holds
/// the types of `importing` with this document's added.
fn plan_tree(
    root: &load::Node,
    shown: &str,
    absolute: &Path,
    options: &Options,
    diags: &mut diag::Diagnostics,
    files: &mut Vec<PathBuf>,
    importing: &mut sources::Importing,
) -> Option<plan::Plan> {
    let document = model::read(root, shown, diags)?;
    let base_dir = absolute.parent().unwrap_or(Path::new("."));
    let loaded = sources::load_all(&document, shown, base_dir, options, diags, files, importing);
    Some(plan::plan(
        &document,
        shown,
        &loaded.openapi,
        loaded.arazzo,
        diags,
        std::mem::take(&mut importing.types),
    ))
}

/// Plans an Arazzo document named by an `arazzo` source description of another, emitted in
/// `module`: its workflows' inputs and outputs are defined there, the types of description
/// schemas are the ones `importing` shares.
fn plan_imported(
    path: &Path,
    shown: &str,
    module: &str,
    options: &Options,
    diags: &mut diag::Diagnostics,
    files: &mut Vec<PathBuf>,
    importing: &mut sources::Importing,
) -> Option<plan::Plan> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            diags.push(Diagnostic::new(
                shown,
                None,
                format!(
                    "cannot read Arazzo source description `{shown}`: {}",
                    diag::io_reason(&e)
                ),
            ));
            return None;
        }
    };
    files.push(path.to_owned());
    let root = match load::parse(&text, shown) {
        Ok(root) => root,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    importing
        .paths
        .push(path.canonicalize().unwrap_or_else(|_| path.to_owned()));
    importing.types.enter(module);
    let plan = plan_tree(&root, shown, path, options, diags, files, importing).map(|mut plan| {
        importing.types = std::mem::take(&mut plan.types);
        plan
    });
    importing.types.leave();
    importing.paths.pop();
    plan
}

/// Expands and pretty-prints the generated code (for snapshots and `arazzo expand`).
pub fn expand_to_string(path: &str, options: &Options) -> Result<String, Vec<Diagnostic>> {
    let expansion = expand(path, options);
    if !expansion.diagnostics.is_empty() {
        return Err(expansion.diagnostics);
    }
    let file: syn::File = syn::parse2(expansion.tokens).map_err(|e| {
        vec![Diagnostic::new(
            path,
            None,
            format!("internal error: generated code does not parse: {e}"),
        )]
    })?;
    Ok(prettyplease::unparse(&file))
}

/// `path` relative to `base`, with `..` segments folded: `openapi/x.yml` inside `base`,
/// `../common/x.yml` beside it. Diagnostics show this rather than an absolute path, so that
/// messages do not depend on where the project is checked out.
pub fn display_path(path: &Path, base: &Path) -> String {
    let normal = normalize(path);
    let base = normalize(base);
    let common = normal
        .components()
        .zip(base.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return normal.to_string_lossy().replace('\\', "/");
    }
    let mut shown = PathBuf::new();
    for _ in base.components().skip(common) {
        shown.push("..");
    }
    shown.extend(normal.components().skip(common));
    shown.to_string_lossy().replace('\\', "/")
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
