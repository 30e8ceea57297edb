//! Loading the source descriptions an Arazzo document names, once per compiler process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::load;
use crate::model::Document;
use crate::openapi::OpenApi;
use crate::plan::LoadedSource;

type Cache = Mutex<HashMap<PathBuf, (SystemTime, Arc<OpenApi>)>>;

/// Descriptions parsed in this process, by path and modification time: a crate that expands ten
/// workflows against one large description parses it once.
static CACHE: std::sync::LazyLock<Cache> = std::sync::LazyLock::new(Default::default);

/// Loads every `openapi` source description of `doc`; problems become diagnostics at the source's
/// `url`.
pub fn load_all(
    doc: &Document,
    file: &str,
    base_dir: &Path,
    manifest_dir: &Path,
    diags: &mut Diagnostics,
    files: &mut Vec<PathBuf>,
) -> Vec<LoadedSource> {
    let mut loaded = Vec::new();
    for source in &doc.sources {
        let url = &source.url.value;
        let kind = source.kind.as_ref().map_or("openapi", |k| k.value.as_str());
        if kind != "openapi" {
            let pos = source.kind.as_ref().map_or(source.url.pos, |k| k.pos);
            let message = if kind == "arazzo" {
                format!(
                    "source description `{}` is an Arazzo document; nested Arazzo sources are not supported yet",
                    source.name.value
                )
            } else {
                format!("source description type `{kind}` is not supported")
            };
            diags.push(
                Diagnostic::new(file, Some(pos), message)
                    .with_hint(suggest(kind, ["openapi", "arazzo"])),
            );
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
        let shown = crate::display_path(&path, manifest_dir);
        match load_cached(&path, &shown) {
            Ok(api) => {
                files.push(path);
                loaded.push(LoadedSource {
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

fn unreadable(shown: &str, e: &std::io::Error) -> Diagnostic {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        _ => e.to_string(),
    };
    Diagnostic::new(
        shown,
        None,
        format!("cannot read source description `{shown}`: {reason}"),
    )
}

fn load_cached(path: &Path, shown: &str) -> Result<Arc<OpenApi>, Diagnostic> {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| unreadable(shown, &e))?;
    if let Ok(cache) = CACHE.lock()
        && let Some((at, api)) = cache.get(path)
        && *at == modified
    {
        return Ok(api.clone());
    }
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(shown, &e))?;
    let root = load::parse(&text, shown)?;
    let api = Arc::new(OpenApi::from_node(root, shown)?);
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(path.to_owned(), (modified, api.clone()));
    }
    Ok(api)
}
