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

type Entries = HashMap<PathBuf, (Stamp, Arc<OpenApi>)>;

static CACHE: LazyLock<Mutex<Entries>> = LazyLock::new(Default::default);

fn entries() -> std::sync::MutexGuard<'static, Entries> {
    // Entries are inserted whole, so a panic elsewhere while the lock was held cannot have left
    // one half-written.
    CACHE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The description at `path` (named `shown` in messages), parsed and indexed, from the cache
/// when the file has not changed since it was parsed.
pub(crate) fn description(path: &Path, shown: &str) -> Result<Arc<OpenApi>, Diagnostic> {
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(shown, &e))?;
    let stamp = metadata.modified().ok().map(|modified| Stamp {
        modified,
        len: metadata.len(),
    });
    if let Some(stamp) = stamp
        && let Some((at, api)) = entries().get(path)
        && *at == stamp
    {
        return Ok(api.clone());
    }
    // Parsed outside the lock: another expansion may parse a different description meanwhile.
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(shown, &e))?;
    let root = load::parse_description(&text, shown)?;
    let api = Arc::new(OpenApi::from_node(root, shown)?);
    if let Some(stamp) = stamp {
        entries().insert(path.to_owned(), (stamp, api.clone()));
    }
    Ok(api)
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
        let first = description(&path, "api.yml").expect("loads");
        let again = description(&path, "api.yml").expect("loads");
        assert!(Arc::ptr_eq(&first, &again));

        // A different length is a different version, whatever the timestamp says.
        std::fs::write(&path, DESCRIPTION.replace("first", "second")).expect("written");
        let edited = description(&path, "api.yml").expect("loads");
        assert!(!Arc::ptr_eq(&first, &edited));
        assert!(edited.operation("second").is_some());
    }

    #[test]
    fn a_missing_file_is_a_diagnostic() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = description(&dir.path().join("none.yml"), "none.yml").expect_err("missing");
        assert!(err.message.contains("no such file"), "{err}");
    }
}
