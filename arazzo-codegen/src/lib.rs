//! The generator behind `arazzo_workflow!`: Arazzo documents and their OpenAPI descriptions in,
//! typed async Rust out.
//!
//! The data flows one way, one module per stage:
//! [`load`] (YAML/JSON with positions) → [`model`] (the Arazzo document) → [`openapi`] (the
//! operation index of each source description) → [`plan`] (references checked, types chosen,
//! requests and criteria compiled to a plan) → [`emit`] (tokens). Every stage collects
//! [`Diagnostic`]s instead of stopping at the first mistake.

pub mod diag;
pub mod emit;
pub mod expr;
pub mod load;
pub mod model;
pub mod names;
pub mod openapi;
pub mod plan;
pub mod sources;
pub mod types;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

pub use diag::{Diagnostic, Pos};

/// How to expand a document.
#[derive(Debug, Clone)]
pub struct Options {
    /// The directory paths are relative to (the calling crate's `CARGO_MANIFEST_DIR`).
    pub manifest_dir: PathBuf,
    /// The path generated code uses for the runtime crate.
    pub runtime: TokenStream,
}

impl Options {
    /// Paths relative to `manifest_dir`, runtime at `::arazzo_runtime`.
    pub fn new(manifest_dir: impl Into<PathBuf>) -> Self {
        Self {
            manifest_dir: manifest_dir.into(),
            runtime: quote!(::arazzo_runtime),
        }
    }
}

/// The result of expanding one Arazzo document.
#[derive(Debug)]
pub struct Expansion {
    /// The generated items (empty when there are diagnostics).
    pub tokens: TokenStream,
    /// Every file read, absolute, so the caller can make the build depend on them.
    pub files: Vec<PathBuf>,
    /// Every mistake found; empty on success.
    pub diagnostics: Vec<Diagnostic>,
}

/// Expands the Arazzo document at `path` (relative to `options.manifest_dir`).
pub fn expand(path: &str, options: &Options) -> Expansion {
    let mut diags = diag::Diagnostics::default();
    let mut files = Vec::new();
    // `expand_into` yields tokens only when nothing was reported.
    let tokens = expand_into(path, options, &mut diags, &mut files).unwrap_or_default();
    Expansion {
        tokens,
        files,
        diagnostics: diags.into_vec(),
    }
}

fn expand_into(
    path: &str,
    options: &Options,
    diags: &mut diag::Diagnostics,
    files: &mut Vec<PathBuf>,
) -> Option<TokenStream> {
    let absolute = options.manifest_dir.join(path);
    let shown = display_path(&absolute, &options.manifest_dir);
    let text = match std::fs::read_to_string(&absolute) {
        Ok(text) => text,
        Err(e) => {
            diags.push(Diagnostic::new(
                &shown,
                None,
                format!(
                    "cannot read the Arazzo document `{}`: {e}",
                    absolute.display()
                ),
            ));
            return None;
        }
    };
    files.push(absolute.clone());
    let root = match load::parse(&text, &shown) {
        Ok(root) => root,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let document = model::read(&root, &shown, diags)?;
    let base_dir = absolute.parent().unwrap_or(Path::new("."));
    let loaded = sources::load_all(
        &document,
        &shown,
        base_dir,
        &options.manifest_dir,
        diags,
        files,
    );
    let plan = plan::plan(&document, &shown, &loaded, diags);
    if !diags.is_empty() {
        return None;
    }
    Some(emit::emit(&plan, &options.runtime))
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

/// `path` relative to `base` when it is inside it, with `..` segments folded.
pub fn display_path(path: &Path, base: &Path) -> String {
    let normal = normalize(path);
    let base = normalize(base);
    normal
        .strip_prefix(&base)
        .unwrap_or(&normal)
        .to_string_lossy()
        .replace('\\', "/")
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
