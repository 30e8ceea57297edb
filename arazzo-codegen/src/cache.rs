//! Source descriptions parsed in this process, so that a crate expanding many workflows against
//! one large OpenAPI description pays for parsing it once per compiler process.
//!
//! An entry is keyed by the file's path and reused only while the file's modification time and
//! length are what they were when it was parsed: an edited description is parsed again (the
//! length catches an edit within the file system's timestamp granularity). Where the platform
//! cannot tell a modification time, nothing is cached.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::SystemTime;

use crate::diag::Diagnostic;
use crate::load;
use crate::openapi::OpenApi;

/// What identifies one version of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: SystemTime,
    len: u64,
}

/// A parsed description and the version of every file it was built from (the description,
/// then the files its `$ref`s reach).
type Entries = HashMap<PathBuf, (Vec<Stamp>, Arc<OpenApi>)>;

static CACHE: LazyLock<Mutex<Entries>> = LazyLock::new(Default::default);

fn entries() -> std::sync::MutexGuard<'static, Entries> {
    // Entries are inserted whole, so a panic elsewhere while the lock was held cannot have left
    // one half-written.
    CACHE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The description at `path` (named `shown` in messages), parsed and indexed with the files
/// its `$ref`s reach (see [`crate::bundle`]), from the cache when none of those files has
/// changed since it was parsed. A file `options` refuses to read is an error.
pub(crate) fn description(
    path: &Path,
    shown: &str,
    options: &crate::Options,
) -> Result<Arc<OpenApi>, Diagnostic> {
    let main = stamp(path).map_err(|e| unreadable(shown, &e))?;
    if let Some(main) = main
        && let Some((at, api)) = entries().get(path)
        && at.first() == Some(&main)
        && unchanged(&api.files, &at[1..], options)
    {
        return Ok(api.clone());
    }
    // Parsed outside the lock: another expansion may parse a different description meanwhile.
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(shown, &e))?;
    let root = load::parse_description(&text, shown)?;
    let show = |file: &Path| crate::display_path(file, &options.manifest_dir);
    let bundled = crate::bundle::bundle(root, path, shown, &|file| options.refuses(file), &show);
    let converted = crate::swagger2::to_openapi(bundled.root, shown)?;
    let mut api = OpenApi::from_node(converted.root, shown)?;
    api.files = bundled.files;
    api.reference_problems = bundled.problems;
    api.reference_problems.extend(converted.problems);
    let api = Arc::new(api);
    let stamps: Option<Vec<Stamp>> = std::iter::once(main)
        .chain(api.files.iter().map(|f| stamp(f).ok().flatten()))
        .collect();
    // A reference that could not be followed may be fixed without touching any file read, by
    // creating the file it names: such a description is parsed again next time.
    if let Some(stamps) = stamps.filter(|_| api.reference_problems.is_empty()) {
        entries().insert(path.to_owned(), (stamps, api.clone()));
    }
    Ok(api)
}

/// The file's version, `None` where the platform cannot tell a modification time.
fn stamp(path: &Path) -> std::io::Result<Option<Stamp>> {
    let metadata = std::fs::metadata(path)?;
    Ok(metadata.modified().ok().map(|modified| Stamp {
        modified,
        len: metadata.len(),
    }))
}

/// Whether every referenced file is still at the version `stamps` recorded and may still be
/// read under `options` (an entry made with `allow_outside_crate` is not reused without it).
fn unchanged(files: &[PathBuf], stamps: &[Stamp], options: &crate::Options) -> bool {
    files.len() == stamps.len()
        && files
            .iter()
            .zip(stamps)
            .all(|(f, s)| !options.refuses(f) && stamp(f).ok().flatten().as_ref() == Some(s))
}

/// Forgets every parsed description, so that the next expansion parses again (benchmarks of a
/// cold expansion use it).
pub fn clear() {
    entries().clear();
}

fn unreadable(shown: &str, e: &std::io::Error) -> Diagnostic {
    let reason = crate::diag::io_reason(e);
    Diagnostic::new(
        shown,
        None,
        format!("cannot read source description `{shown}`: {reason}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIPTION: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: first\n      responses: {'200': {description: ok}}\n";

    #[test]
    fn an_unchanged_file_is_parsed_once_and_an_edited_one_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("api.yml");
        std::fs::write(&path, DESCRIPTION).expect("written");
        let options = crate::Options::new(dir.path());
        let first = description(&path, "api.yml", &options).expect("loads");
        let again = description(&path, "api.yml", &options).expect("loads");
        assert!(Arc::ptr_eq(&first, &again));

        // A different length is a different version, whatever the timestamp says.
        std::fs::write(&path, DESCRIPTION.replace("first", "second")).expect("written");
        let edited = description(&path, "api.yml", &options).expect("loads");
        assert!(!Arc::ptr_eq(&first, &edited));
        assert!(edited.operation("second").is_some());
    }

    #[test]
    fn a_missing_file_is_a_diagnostic() {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = crate::Options::new(dir.path());
        let err =
            description(&dir.path().join("none.yml"), "none.yml", &options).expect_err("missing");
        assert!(err.message.contains("no such file"), "{err}");
    }
}
