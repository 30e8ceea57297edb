//! Remote source descriptions, read from the copies `arazzo vendor` made, never from the network.
//!
//! `arazzo vendor DOC` downloads every remote source description a document reaches (and the
//! files their `$ref`s reach) into `arazzo-vendor/` beside the document, and records each in
//! `arazzo.lock` beside it: the url, the copy's path, its SHA-256 and when it was fetched. The
//! build resolves a remote `url` through that lock file, checks that the copy (and every file it
//! refers to) still has the recorded hash, and reads the copy. The lock file of the document the
//! build started from governs every document that one imports, vendored ones included.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, io_reason};
use crate::model::SourceDescription;

/// The lock file's name; it sits beside the Arazzo document.
pub const LOCK_FILE: &str = "arazzo.lock";

/// The folder, beside the Arazzo document, that holds the downloaded copies.
pub const VENDOR_DIR: &str = "arazzo-vendor";

/// The lock file format this version writes and reads.
pub const LOCK_VERSION: u32 = 1;

/// The contents of `arazzo.lock` (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// The format version, [`LOCK_VERSION`].
    pub version: u32,
    /// One entry per url, sorted by url.
    pub files: Vec<Entry>,
}

/// One downloaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The url, as the document (or the file that refers to it) writes it when absolute, else
    /// resolved against the url of the file that refers to it.
    pub url: String,
    /// The copy, relative to the lock file's folder, with `/` separators.
    pub path: String,
    /// SHA-256 of the copy's bytes, lowercase hex.
    pub sha256: String,
    /// When it was fetched (RFC 3339, UTC).
    pub fetched: String,
    /// The urls of the other remote files this one refers to (`$ref`s, and the source
    /// descriptions of an Arazzo document), each an entry of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
}

impl Lock {
    /// An empty lock of the current version.
    pub fn new() -> Self {
        Self {
            version: LOCK_VERSION,
            files: Vec::new(),
        }
    }

    /// Parses a lock file's text.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The text to write: pretty JSON, entries sorted by url, ending with a line break.
    pub fn to_text(&self) -> String {
        let mut sorted = self.clone();
        sorted.files.sort_by(|a, b| a.url.cmp(&b.url));
        let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The entry for `url`.
    pub fn entry(&self, url: &str) -> Option<&Entry> {
        self.files.iter().find(|e| e.url == url)
    }
}

impl Default for Lock {
    fn default() -> Self {
        Self::new()
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a source description's `url` names a file on the network rather than a local one.
pub fn is_remote(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Where the build reads `source` from: `None` for a local url (the caller resolves it), else
/// the vendored copy named by the lock file beside the document the build started from
/// (`importing[0]`), once the copy and the files it refers to are checked against their hashes.
/// The lock file and those files are added to `files`. Errors point at the source's `url` in
/// `file`.
pub(crate) fn local_copy(
    source: &SourceDescription,
    file: &str,
    base_dir: &Path,
    importing: &[PathBuf],
    options: &crate::Options,
    files: &mut Vec<PathBuf>,
) -> Option<Result<PathBuf, Diagnostic>> {
    if !is_remote(&source.url.value) {
        return None;
    }
    let root = root_document(base_dir, importing, options);
    let lock_path = root.dir.join(LOCK_FILE);
    let site = Site {
        file,
        source,
        command: format!(
            "`arazzo vendor {}`",
            crate::display_path(&root.path, &options.manifest_dir)
        ),
        shown_lock: crate::display_path(&lock_path, &options.manifest_dir),
    };
    Some(locked_copy(&site, &root.dir, &lock_path, options, files))
}

/// Where a remote source description is named, and what its errors say.
struct Site<'a> {
    file: &'a str,
    source: &'a SourceDescription,
    /// The command that (re)writes the lock, quoted.
    command: String,
    /// The lock file, as messages show it.
    shown_lock: String,
}

impl Site<'_> {
    /// An error at the source's `url`.
    fn error(&self, message: String, hint: Option<String>) -> Diagnostic {
        Diagnostic::new(self.file, Some(self.source.url.pos), message).with_hint(hint)
    }

    /// The url is not locked: the build does not download, the command does.
    fn not_locked(&self, why: &str) -> Diagnostic {
        let message = format!(
            "source description `{}` is remote (`{}`) and {why}; the build never downloads",
            self.source.name.value, self.source.url.value
        );
        let hint = format!("run {} to download it once and lock it", self.command);
        self.error(message, Some(hint))
    }
}

/// The checked copy of the site's url, as the lock file at `lock_path` (in `dir`) names it.
fn locked_copy(
    site: &Site,
    dir: &Path,
    lock_path: &Path,
    options: &crate::Options,
    files: &mut Vec<PathBuf>,
) -> Result<PathBuf, Diagnostic> {
    let url = &site.source.url.value;
    let shown_lock = &site.shown_lock;
    if options.refuses(lock_path) {
        let what = format!("the lock file `{shown_lock}`");
        return Err(site.error(crate::outside_crate(&what), None));
    }
    let lock = read_lock(lock_path, shown_lock)?
        .ok_or_else(|| site.not_locked(&format!("there is no `{shown_lock}`")))?;
    if !files.iter().any(|f| f == lock_path) {
        files.push(lock_path.to_owned());
    }
    let entry = lock
        .entry(url)
        .ok_or_else(|| site.not_locked(&format!("`{shown_lock}` does not list it")))?;
    let main = dir.join(&entry.path);
    for reached in reached_entries(&lock, entry) {
        let Some(reached) = reached else {
            let message = format!(
                "`{shown_lock}` is incomplete: a file that `{url}` refers to is not listed"
            );
            let hint = format!("run {} to lock it again", site.command);
            return Err(site.error(message, Some(hint)));
        };
        let copy = checked_copy(site, dir, reached, options)?;
        if copy != main && !files.contains(&copy) {
            files.push(copy);
        }
    }
    Ok(main)
}

/// The path of `entry`'s copy in `dir`, once it is known to be inside the crate (when that is
/// required) and to have the SHA-256 the lock records.
fn checked_copy(
    site: &Site,
    dir: &Path,
    entry: &Entry,
    options: &crate::Options,
) -> Result<PathBuf, Diagnostic> {
    let copy = dir.join(&entry.path);
    let shown = crate::display_path(&copy, &options.manifest_dir);
    let url = &entry.url;
    if options.refuses(&copy) {
        // As the lock writes it: the path the build refuses need not exist.
        let what = format!(
            "the vendored copy of `{url}` (`{}` in `{}`)",
            entry.path, site.shown_lock
        );
        return Err(site.error(crate::outside_crate(&what), None));
    }
    let command = &site.command;
    match file_sha256(&copy) {
        Err(e) => Err(site.error(
            format!(
                "cannot read `{shown}`, the vendored copy of `{url}`: {}",
                io_reason(&e)
            ),
            Some(format!("run {command} to download it again")),
        )),
        Ok(hash) if hash != entry.sha256 => Err(site.error(
            format!(
                "`{shown}`, the vendored copy of `{url}`, does not match its SHA-256 in `{}`: it changed after it was fetched",
                site.shown_lock
            ),
            Some(format!(
                "restore it, or run {command} to download it again and update the lock"
            )),
        )),
        Ok(_) => Ok(copy),
    }
}

/// The document the build started from: its folder holds the lock file.
struct Root {
    path: PathBuf,
    dir: PathBuf,
}

/// `importing[0]` is the document the build started from, canonical; `base_dir` is the folder
/// of the document being read, as written. For the first document they agree, and the path as
/// written is kept (messages show it, and the outside-crate check compares paths as written).
fn root_document(base_dir: &Path, importing: &[PathBuf], options: &crate::Options) -> Root {
    let Some(first) = importing.first() else {
        return Root {
            path: base_dir.to_owned(),
            dir: base_dir.to_owned(),
        };
    };
    let written = options
        .manifest_dir
        .canonicalize()
        .ok()
        .and_then(|root| first.strip_prefix(root).ok())
        .map_or_else(|| first.clone(), |rest| options.manifest_dir.join(rest));
    let dir = if importing.len() == 1 {
        base_dir.to_owned()
    } else {
        written.parent().map_or_else(PathBuf::new, Path::to_owned)
    };
    Root { path: written, dir }
}

/// `entry` and every entry its `refs` reach, each once; a url the lock does not list is `None`.
fn reached_entries<'a>(lock: &'a Lock, entry: &'a Entry) -> Vec<Option<&'a Entry>> {
    let mut seen: HashSet<&str> = HashSet::from([entry.url.as_str()]);
    let mut out = vec![Some(entry)];
    let mut next = 0;
    while let Some(Some(current)) = out.get(next).copied() {
        next += 1;
        for url in &current.refs {
            if seen.insert(url.as_str()) {
                let found = lock.entry(url);
                out.push(found);
                if found.is_none() {
                    return out;
                }
            }
        }
    }
    out
}

/// The lock file at `path`, `None` when there is none.
fn read_lock(path: &Path, shown: &str) -> Result<Option<Lock>, Diagnostic> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            let message = format!("cannot read the lock file `{shown}`: {}", io_reason(&e));
            return Err(Diagnostic::new(shown, None, message));
        }
    };
    let lock = Lock::parse(&text).map_err(|e| {
        let pos = (e.line() > 0).then_some(crate::Pos {
            line: e.line(),
            col: e.column().max(1),
        });
        Diagnostic::new(
            shown,
            pos,
            format!("not a lock file `arazzo vendor` wrote: {e}"),
        )
    })?;
    if lock.version != LOCK_VERSION {
        return Err(Diagnostic::new(
            shown,
            None,
            format!(
                "lock file version {} is not supported; expected {LOCK_VERSION}",
                lock.version
            ),
        ));
    }
    Ok(Some(lock))
}

/// What identifies one version of a file.
type Stamp = (SystemTime, u64);

/// Hashes already computed in this process: a proc macro runs unoptimised, where hashing a
/// large description on every expansion would cost more than parsing it from the cache.
static HASHES: LazyLock<Mutex<HashMap<PathBuf, (Stamp, String)>>> = LazyLock::new(Default::default);

/// SHA-256 of the file at `path`, from [`HASHES`] while its modification time and length are
/// unchanged.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    let metadata = std::fs::metadata(path)?;
    let stamp = metadata.modified().ok().map(|m| (m, metadata.len()));
    let mut hashes = HASHES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(stamp) = stamp
        && let Some((at, hash)) = hashes.get(path)
        && *at == stamp
    {
        return Ok(hash.clone());
    }
    let hash = sha256_hex(&std::fs::read(path)?);
    if let Some(stamp) = stamp {
        hashes.insert(path.to_owned(), (stamp, hash.clone()));
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lowercase_hex_of_the_bytes() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn only_http_and_https_urls_are_remote() {
        assert!(is_remote("https://api.example.com/openapi.yml"));
        assert!(is_remote("HTTP://api.example.com/openapi.yml"));
        assert!(!is_remote("./openapi.yml"));
        assert!(!is_remote("https.yml"));
    }

    #[test]
    fn a_lock_round_trips_sorted_by_url() {
        let entry = |url: &str| Entry {
            url: url.to_owned(),
            path: "arazzo-vendor/x.yml".to_owned(),
            sha256: sha256_hex(b""),
            fetched: "2026-01-02T03:04:05Z".to_owned(),
            refs: Vec::new(),
        };
        let lock = Lock {
            version: LOCK_VERSION,
            files: vec![entry("https://b.example/"), entry("https://a.example/")],
        };
        let parsed = Lock::parse(&lock.to_text()).expect("parses");
        assert_eq!(parsed.files[0].url, "https://a.example/");
        assert_eq!(parsed.files.len(), 2);
    }
}
