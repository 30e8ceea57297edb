//! `arazzo vendor`: the one command that touches the network. It downloads every remote source
//! description a document reaches, and the files their `$ref`s reach, into `arazzo-vendor/`
//! beside the document, and records them in `arazzo.lock` beside it (see
//! [`arazzo_codegen::lock`]); builds then read those copies and never the network.
//!
//! A copy's path mirrors its url (`arazzo-vendor/<scheme>/<host>[_<port>]/<path>`), so a relative
//! `$ref` or `url` inside a downloaded file, read locally next to the copy, finds the copy of the
//! file it names on the server.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arazzo_codegen::load::{self, Node};
use arazzo_codegen::lock::{self, Entry, LOCK_FILE, Lock, VENDOR_DIR};
use reqwest::Url;

/// The most redirects followed for one url.
const MAX_REDIRECTS: usize = 5;

/// The largest file downloaded: the YAML loader's own limit on what aliases may copy.
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// The most files one document may reach: a server cannot make `arazzo vendor` download for ever
/// by naming ever new files.
const MAX_FILES: usize = 1_000;

/// One downloaded file, not yet written.
struct Fetched {
    /// The url, as the lock file records it.
    url: String,
    /// The copy's path relative to the document's folder, `/`-separated.
    path: String,
    bytes: Vec<u8>,
    /// The remote files this one refers to.
    refs: Vec<String>,
}

/// A remote file still to fetch, and whether it is an Arazzo document (whose source
/// descriptions are followed) rather than a description (whose `$ref`s are).
struct Pending {
    url: String,
    arazzo: bool,
}

/// Vendors each document (or, with `check`, compares the lock with what the servers serve now
/// and writes nothing). Exit 1 on any failure or difference.
pub fn run(documents: &[String], check: bool) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let client = match http_client() {
        Ok(client) => client,
        Err(e) => return fail(&format!("cannot build the HTTP client: {e}")),
    };
    let mut code = ExitCode::SUCCESS;
    for document in documents {
        let result = runtime.block_on(collect(&client, Path::new(document)));
        let outcome = result.and_then(|fetched| {
            let dir = Path::new(document)
                .parent()
                .map_or_else(PathBuf::new, Path::to_owned);
            if check {
                compare(&dir, &fetched)
            } else {
                write(&dir, fetched)
            }
        });
        if let Err(message) = outcome {
            eprintln!("arazzo: error: {document}: {message}");
            code = ExitCode::FAILURE;
        }
    }
    code
}

fn fail(message: &str) -> ExitCode {
    eprintln!("arazzo: error: {message}");
    ExitCode::FAILURE
}

/// A client that follows at most [`MAX_REDIRECTS`] redirects, only to http(s) and never from
/// https down to http, and gives up on a server that stalls.
fn http_client() -> reqwest::Result<reqwest::Client> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt.url().scheme() == "http"
            && attempt.previous().iter().any(|u| u.scheme() == "https");
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else if !matches!(attempt.url().scheme(), "http" | "https") {
            let to = attempt.url().to_string();
            attempt.error(format!("redirected to `{to}`, which is not http(s)"))
        } else if downgrade {
            let to = attempt.url().to_string();
            attempt.error(format!("redirected from https down to `{to}`"))
        } else {
            attempt.follow()
        }
    });
    reqwest::Client::builder()
        .redirect(policy)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
}

/// Downloads every remote file the document at `document` reaches: its remote source
/// descriptions, those of the local Arazzo documents it imports, and, from each downloaded
/// file, its `$ref`s (and an Arazzo document's source descriptions).
async fn collect(client: &reqwest::Client, document: &Path) -> Result<Vec<Fetched>, String> {
    let mut pending = Vec::new();
    let mut locals = HashSet::new();
    local_sources(document, &mut pending, &mut locals)?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut fetched = Vec::new();
    while let Some(next) = pending.pop() {
        if !seen.insert(next.url.clone()) {
            continue;
        }
        if seen.len() > MAX_FILES {
            return Err(format!(
                "the document reaches more than {MAX_FILES} remote files"
            ));
        }
        let asked = Url::parse(&next.url).map_err(|e| format!("`{}`: {e}", next.url))?;
        // After redirects, relative references resolve against where the file was found
        // (RFC 3986, 5.1.3), and the copy goes where that url mirrors, next to theirs.
        let (bytes, url) = download(client, &asked).await?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| format!("`{url}` is not UTF-8 text, so not YAML or JSON"))?;
        let root = load::parse_description(text, url.as_str())
            .map_err(|d| format!("`{url}` is not YAML or JSON: {}", d.message))?;
        let mut found = Vec::new();
        references(&root, &url, &mut found)?;
        if next.arazzo {
            for (source, arazzo) in source_descriptions(&root) {
                found.push(Pending {
                    url: source_url(&url, source)?,
                    arazzo,
                });
            }
        }
        eprintln!("fetched {asked} ({} bytes)", bytes.len());
        // Each file once, in the order first named; a `$ref` into the file itself by its own
        // name is no reference to another file.
        let mut refs: Vec<String> = Vec::new();
        for p in &found {
            if p.url != next.url && p.url != url.as_str() && !refs.contains(&p.url) {
                refs.push(p.url.clone());
            }
        }
        fetched.push(Fetched {
            path: vendored_path(&url),
            url: next.url,
            bytes,
            refs,
        });
        pending.extend(found);
    }
    Ok(fetched)
}

/// The remote sources of the local Arazzo document at `path`, and of the local Arazzo
/// documents it imports (each once).
fn local_sources(
    path: &Path,
    pending: &mut Vec<Pending>,
    locals: &mut HashSet<PathBuf>,
) -> Result<(), String> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    if !locals.insert(canonical) {
        return Ok(());
    }
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    let root = load::parse(&text, &shown.to_string()).map_err(|d| d.to_string())?;
    let dir = path.parent().unwrap_or(Path::new(""));
    for (url, arazzo) in source_descriptions(&root) {
        if lock::is_remote(url) {
            pending.push(Pending {
                url: url.to_owned(),
                arazzo,
            });
        } else if arazzo {
            local_sources(&dir.join(url), pending, locals)?;
        }
    }
    Ok(())
}

/// Each `sourceDescriptions[*].url` of an Arazzo document, and whether its `type` is `arazzo`.
fn source_descriptions(root: &Node) -> Vec<(&str, bool)> {
    let sources = root.get("sourceDescriptions").and_then(Node::as_seq);
    sources
        .unwrap_or_default()
        .iter()
        .filter_map(|source| {
            let url = source.get("url")?.as_str()?;
            let kind = source.get("type").and_then(Node::as_str);
            Some((url, kind == Some("arazzo")))
        })
        .collect()
}

/// The lock's url for a source description `written` in the remote Arazzo document at `base`:
/// as written when absolute (the build looks it up as written), else resolved against `base`.
fn source_url(base: &Url, written: &str) -> Result<String, String> {
    if lock::is_remote(written) {
        return Ok(written.to_owned());
    }
    let url = base
        .join(written)
        .map_err(|e| format!("`{written}` in `{base}`: {e}"))?;
    remote_only(url, base)
}

/// The remote file every `$ref` in `node` names (fragment dropped), resolved against `base`;
/// `$ref`s within the same file are skipped.
fn references(node: &Node, base: &Url, found: &mut Vec<Pending>) -> Result<(), String> {
    if let Some(entries) = node.as_map() {
        for (key, value) in entries {
            match value.as_str() {
                Some(target) if key.name == "$ref" => {
                    let file = target.split('#').next().unwrap_or_default();
                    if !file.is_empty() {
                        let url = base
                            .join(file)
                            .map_err(|e| format!("`$ref: {target}` in `{base}`: {e}"))?;
                        found.push(Pending {
                            url: remote_only(url, base)?,
                            arazzo: false,
                        });
                    }
                }
                _ => references(value, base, found)?,
            }
        }
    } else if let Some(items) = node.as_seq() {
        for item in items {
            references(item, base, found)?;
        }
    }
    Ok(())
}

/// `url` as text when it is http(s); anything else is refused.
fn remote_only(url: Url, base: &Url) -> Result<String, String> {
    if matches!(url.scheme(), "http" | "https") {
        Ok(url.to_string())
    } else {
        Err(format!(
            "`{base}` refers to `{url}`, which is not http(s); only http(s) files can be vendored"
        ))
    }
}

/// The body of a successful GET of `url`, refused past [`MAX_BYTES`], and the url it came from
/// after redirects.
async fn download(client: &reqwest::Client, url: &Url) -> Result<(Vec<u8>, Url), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{url}` is not http(s)"));
    }
    let failed = |e: reqwest::Error| format!("cannot fetch `{url}`: {}", chain(&e));
    let mut response = client.get(url.clone()).send().await.map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("cannot fetch `{url}`: HTTP {status}"));
    }
    let found = response.url().clone();
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_BYTES {
            return Err(format!("`{url}` is larger than {MAX_BYTES} bytes"));
        }
    }
    Ok((bytes, found))
}

/// An error and its causes, in one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Where the copy of `url` goes, relative to the document's folder:
/// `arazzo-vendor/<scheme>/<host>[_<port>]/<path>`, `index` for a path ending in `/`, and a
/// hash of the query appended when there is one. Characters that some file systems refuse
/// become `_`.
fn vendored_path(url: &Url) -> String {
    let mut host = url.host_str().unwrap_or("host").to_owned();
    if let Some(port) = url.port() {
        host.push_str(&format!("_{port}"));
    }
    let mut segments: Vec<String> = url
        .path_segments()
        .map(|s| s.map(safe_segment).collect())
        .unwrap_or_default();
    match segments.last_mut() {
        Some(last) if !last.is_empty() => {}
        Some(last) => *last = "index".to_owned(),
        None => segments.push("index".to_owned()),
    }
    if let (Some(query), Some(last)) = (url.query(), segments.last_mut()) {
        let hash = lock::sha256_hex(query.as_bytes());
        last.push_str(&format!("_{}", hash.get(..12).unwrap_or_default()));
    }
    let mut parts = vec![
        VENDOR_DIR.to_owned(),
        url.scheme().to_owned(),
        safe_segment(&host),
    ];
    parts.extend(segments);
    parts.join("/")
}

fn safe_segment(segment: &str) -> String {
    let safe: String = segment
        .chars()
        .map(|c| {
            if c.is_control() || "\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    match safe.as_str() {
        "." | ".." => "_".to_owned(),
        _ => safe,
    }
}

/// Writes the copies into `dir` and records them in its lock file, keeping the entries of urls
/// this run did not fetch (other documents in the folder share the lock file).
fn write(dir: &Path, fetched: Vec<Fetched>) -> Result<(), String> {
    let lock_path = dir.join(LOCK_FILE);
    let existing = read_lock(&lock_path)?;
    if fetched.is_empty() && existing.is_none() {
        eprintln!("no remote source descriptions: nothing to lock");
        return Ok(());
    }
    let mut lock = existing.unwrap_or_default();
    let now = rfc3339(SystemTime::now());
    let count = fetched.len();
    for file in fetched {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.bytes)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        lock.files.retain(|e| e.url != file.url);
        lock.files.push(Entry {
            sha256: lock::sha256_hex(&file.bytes),
            url: file.url,
            path: file.path,
            fetched: now.clone(),
            refs: file.refs,
        });
    }
    std::fs::write(&lock_path, lock.to_text())
        .map_err(|e| format!("cannot write `{}`: {e}", lock_path.display()))?;
    let noun = if count == 1 { "file" } else { "files" };
    eprintln!("locked {count} {noun} in {}", lock_path.display());
    Ok(())
}

/// Compares what was fetched with the lock file in `dir` and the copies it names; every
/// difference is printed, and any makes an error.
fn compare(dir: &Path, fetched: &[Fetched]) -> Result<(), String> {
    let lock_path = dir.join(LOCK_FILE);
    let lock = read_lock(&lock_path)?.unwrap_or_default();
    let mut differences = 0;
    for file in fetched {
        let hash = lock::sha256_hex(&file.bytes);
        let problem = match lock.entry(&file.url) {
            None => Some("is not in the lock file".to_owned()),
            Some(entry) if entry.sha256 != hash => {
                Some(format!("changed on the server since {}", entry.fetched))
            }
            Some(entry) => match std::fs::read(dir.join(&entry.path)) {
                Err(e) => Some(format!("has no readable copy at `{}`: {e}", entry.path)),
                Ok(bytes) if lock::sha256_hex(&bytes) != entry.sha256 => Some(format!(
                    "has a copy `{}` edited since it was fetched",
                    entry.path
                )),
                Ok(_) => None,
            },
        };
        if let Some(problem) = problem {
            eprintln!("{}: {problem}", file.url);
            differences += 1;
        }
    }
    if differences > 0 {
        return Err(format!(
            "{differences} of {} files differ from {}; run `arazzo vendor` without `--check` to update",
            fetched.len(),
            lock_path.display()
        ));
    }
    let files = match fetched.len() {
        1 => "1 file matches".to_owned(),
        n => format!("{n} files match"),
    };
    eprintln!("{}: {files} what the servers serve", lock_path.display());
    Ok(())
}

fn read_lock(path: &Path) -> Result<Option<Lock>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Lock::parse(&text)
            .map(Some)
            .map_err(|e| format!("`{}` is not a lock file: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
    }
}

/// `time` as RFC 3339 in UTC, to the second (`2026-01-02T03:04:05Z`).
fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or_default();
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates_follow_the_gregorian_calendar() {
        let at = |s: u64| rfc3339(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day of a century leap year), 12:34:56.
        assert_eq!(at(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(at(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn a_copy_path_mirrors_its_url() {
        let path = |u: &str| vendored_path(&Url::parse(u).expect("a url"));
        assert_eq!(
            path("https://api.example.com/v1/openapi.yml#/x"),
            "arazzo-vendor/https/api.example.com/v1/openapi.yml"
        );
        assert_eq!(
            path("http://127.0.0.1:8080/"),
            "arazzo-vendor/http/127.0.0.1_8080/index"
        );
        assert!(
            path("https://h.example/spec?v=2").starts_with("arazzo-vendor/https/h.example/spec_")
        );
        assert_eq!(
            path("https://h.example/a:b/c"),
            "arazzo-vendor/https/h.example/a_b/c"
        );
    }
}
