//! Descriptions split across files: every `$ref` into another local file is followed, relative
//! to the file that holds the `$ref` (OpenAPI 3.x "Reference Object": relative references are
//! resolved against the referring document), and the file is brought into the description's
//! tree, so that the rest of the generator only ever follows local `#/…` references.
//!
//! Each other file is kept whole under the root's `x-arazzo-bundled` mapping, keyed by its file
//! stem (the name a whole-file schema reference gives its Rust type); a `$ref` into it is
//! rewritten to `#/x-arazzo-bundled/KEY/…`, and so are the local references inside it. A
//! reference to a remote URL is left as written (nothing is downloaded; it stays unresolved), and
//! so is one to a file that is not YAML or JSON (Markdown pulled into a description) and any
//! inside an `x-` extension or an `example` (data, not OpenAPI references).
//!
//! A file that cannot be read is reported once, at its first `$ref`, and its references stay
//! unresolved: the rest of the description is still checked.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::load::{self, Key, Kind, Node};

/// The root member the other files are kept under.
pub(crate) const BUNDLED: &str = "x-arazzo-bundled";
/// Separates a file stem from the number that tells apart files with the same stem: OpenAPI
/// component names cannot hold it, so [`crate::openapi::OpenApi::ref_name`] can drop what
/// follows and name the type after the file.
pub(crate) const KEY_SUFFIX: char = '@';
/// The most files one description may be split into.
const MAX_FILES: usize = 512;

/// A description with the files its references reach brought in.
pub(crate) struct Bundled {
    /// The description's tree; every `$ref` into a local file is now a local reference.
    pub root: Node,
    /// The other files read, in the order they were first referenced.
    pub files: Vec<PathBuf>,
    /// The references that could not be followed (a missing file, one outside the crate).
    pub problems: Vec<Diagnostic>,
}

/// Where a file's `$ref`s are resolved from, and how it is reached from the root.
struct Document {
    path: PathBuf,
    shown: String,
    /// `None` for the description itself; else the key under [`BUNDLED`].
    key: Option<String>,
}

/// Brings into `root` (the description at `path`, named `shown` in messages) every local file
/// its references reach. `refuses` says whether a file may not be read (outside the crate);
/// `show` names a file in messages.
pub(crate) fn bundle(
    root: Node,
    path: &Path,
    shown: &str,
    refuses: &dyn Fn(&Path) -> bool,
    show: &dyn Fn(&Path) -> String,
) -> Bundled {
    let mut documents = vec![Document {
        path: crate::normalize(path),
        shown: shown.to_owned(),
        key: None,
    }];
    let mut trees = vec![root];
    let mut problems = Vec::new();
    let mut failed = Vec::new();
    let mut unreadable = Unreadable::default();
    let mut at = 0;
    while at < trees.len() {
        let mut tree = std::mem::replace(&mut trees[at], null());
        let mut walk = Walk {
            documents: &mut documents,
            trees: &mut trees,
            from: at,
            refuses,
            show,
            problems: &mut problems,
            failed: &mut failed,
            unreadable: &mut unreadable,
        };
        walk.node(&mut tree);
        trees[at] = tree;
        at += 1;
    }
    let mut others = trees.into_iter();
    let mut root = others.next().unwrap_or_else(null);
    let files = documents.iter().skip(1).map(|d| d.path.clone()).collect();
    let entries: Vec<(Key, Node)> = documents
        .iter()
        .skip(1)
        .zip(others)
        .map(|(d, tree)| {
            let key = Key {
                name: d.key.clone().unwrap_or_default(),
                pos: tree.pos,
            };
            (key, tree)
        })
        .collect();
    if !entries.is_empty()
        && let Kind::Map(members) = &mut root.kind
    {
        let pos = root.pos;
        members.push((
            Key {
                name: BUNDLED.to_owned(),
                pos,
            },
            Node {
                pos,
                kind: Kind::Map(entries),
            },
        ));
    }
    if let Some(first) = unreadable.first.and_then(|i| problems.get_mut(i))
        && unreadable.more > 0
    {
        first.hint = Some(format!(
            "{} more `$ref`s of this description point to files that cannot be read either",
            unreadable.more
        ));
    }
    Bundled {
        root,
        files,
        problems,
    }
}

fn null() -> Node {
    Node {
        pos: crate::diag::Pos::default(),
        kind: Kind::Null,
    }
}

struct Walk<'w> {
    documents: &'w mut Vec<Document>,
    trees: &'w mut Vec<Node>,
    /// The document being walked.
    from: usize,
    refuses: &'w dyn Fn(&Path) -> bool,
    show: &'w dyn Fn(&Path) -> String,
    problems: &'w mut Vec<Diagnostic>,
    /// Files that could not be brought in (reported once).
    failed: &'w mut Vec<PathBuf>,
    unreadable: &'w mut Unreadable,
}

/// Files missing from a split description usually share one cause (a folder not copied), so
/// they are one problem: the first, and how many more it stands for.
#[derive(Default)]
struct Unreadable {
    /// The first one's index in the problems.
    first: Option<usize>,
    more: usize,
}

/// The file types a reference is followed into.
const FOLLOWED: [&str; 3] = ["yaml", "yml", "json"];

impl Walk<'_> {
    fn node(&mut self, node: &mut Node) {
        match &mut node.kind {
            Kind::Seq(items) => {
                for item in items {
                    self.node(item);
                }
            }
            Kind::Map(members) => {
                for (key, value) in members {
                    if key.name.starts_with("x-") || key.name == "example" {
                        continue;
                    }
                    if key.name == "$ref"
                        && let Kind::Str(reference) = &value.kind
                    {
                        if let Some(local) = self.rewrite(reference, value.pos) {
                            value.kind = Kind::Str(local);
                        }
                    } else {
                        self.node(value);
                    }
                }
            }
            _ => {}
        }
    }

    /// The local reference `reference` becomes, `None` to leave it as written.
    fn rewrite(&mut self, reference: &str, pos: crate::diag::Pos) -> Option<String> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        // A remote reference, or a fragment that is not a JSON pointer (an anchor): left as
        // written, unresolved.
        let remote = file.contains("://") || file.starts_with("//") || file.starts_with("urn:");
        if remote || !(fragment.is_empty() || fragment.starts_with('/')) {
            return None;
        }
        if file.is_empty() && self.from == 0 {
            return None;
        }
        let target = if file.is_empty() {
            self.from
        } else {
            self.document(file, pos)?
        };
        let prefix = match &self.documents[target].key {
            Some(key) => format!("/{BUNDLED}/{}", key.replace('~', "~0").replace('/', "~1")),
            None => String::new(),
        };
        Some(format!("#{prefix}{fragment}"))
    }

    /// The index of the document at `file` (relative to the one being walked), read and parsed
    /// the first time it is referenced; `None` when it is not followed or cannot be read
    /// (reported once).
    fn document(&mut self, file: &str, pos: crate::diag::Pos) -> Option<usize> {
        let referring = &self.documents[self.from];
        let decoded = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
        let base = referring.path.parent().unwrap_or(Path::new("."));
        let path = crate::normalize(&base.join(decoded.as_ref()));
        if let Some(found) = self.documents.iter().position(|d| d.path == path) {
            return Some(found);
        }
        let followed = path
            .extension()
            .and_then(|e| e.to_str())
            .is_none_or(|e| FOLLOWED.contains(&e.to_ascii_lowercase().as_str()));
        if !followed || self.failed.contains(&path) {
            return None;
        }
        let referring_shown = referring.shown.clone();
        match self.read(&path, file) {
            Ok((shown, tree)) => {
                let key = self.free_key(&path);
                self.documents.push(Document {
                    path,
                    shown,
                    key: Some(key),
                });
                self.trees.push(tree);
                Some(self.documents.len() - 1)
            }
            Err(problem) => {
                self.failed.push(path);
                let problem = match problem {
                    Problem::Here(message) => Diagnostic::new(&referring_shown, Some(pos), message),
                    Problem::There(diagnostic) => diagnostic,
                    Problem::Unreadable(_) if self.unreadable.first.is_some() => {
                        self.unreadable.more += 1;
                        return None;
                    }
                    Problem::Unreadable(message) => {
                        self.unreadable.first = Some(self.problems.len());
                        Diagnostic::new(&referring_shown, Some(pos), message)
                    }
                };
                self.problems.push(problem);
                None
            }
        }
    }

    /// Reads and parses the file `$ref: {file}` names, at `path`.
    fn read(&self, path: &Path, file: &str) -> Result<(String, Node), Problem> {
        let shown = (self.show)(path);
        if (self.refuses)(path) {
            return Err(Problem::Here(crate::outside_crate(&format!(
                "the file `$ref: {file}` points to"
            ))));
        }
        if self.documents.len() >= MAX_FILES {
            return Err(Problem::Here(format!(
                "the description is split across more than {MAX_FILES} files"
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            Problem::Unreadable(format!(
                "cannot read `{shown}`, which `$ref: {file}` points to: {}",
                crate::diag::io_reason(&e)
            ))
        })?;
        let tree = load::parse_description(&text, &shown).map_err(Problem::There)?;
        Ok((shown, tree))
    }

    /// The file's stem, made unique among the files already brought in (`item`, `item@2`).
    fn free_key(&self, path: &Path) -> String {
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| n.split('.').next().unwrap_or(n))
            .filter(|s| !s.is_empty())
            .unwrap_or("file");
        let taken = |key: &str| self.documents.iter().any(|d| d.key.as_deref() == Some(key));
        if !taken(stem) {
            return stem.to_owned();
        }
        (2..)
            .map(|n| format!("{stem}{KEY_SUFFIX}{n}"))
            .find(|key| !taken(key))
            .unwrap_or_default()
    }
}

/// Why a file was not brought in: a message for the `$ref` that names it, the same for a file
/// that cannot be read (see [`Unreadable`]), or a mistake inside it (its YAML), reported where
/// it is.
enum Problem {
    Here(String),
    Unreadable(String),
    There(Diagnostic),
}
