//! Generated code as a file: the items `arazzo_workflow!` would emit, pretty-printed, for a
//! `build.rs` ([`Generator::write_to_out_dir`]) or for a file checked into the crate
//! (`arazzo generate`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::{Diagnostic, Options};

/// Generates the code of one or more Arazzo documents into a `.rs` file, the same code the
/// `arazzo_workflow!` macro generates, with the same diagnostics.
///
/// In a `build.rs` (with `arazzo-codegen` among the `[build-dependencies]`):
///
/// ```no_run
/// // build.rs, in `fn main()`:
/// arazzo_codegen::Generator::new(env!("CARGO_MANIFEST_DIR"))
///     .document("workflows/onboarding.arazzo.yml")
///     .write_to_out_dir("workflows.rs");
/// ```
///
/// and in the crate, `include!(concat!(env!("OUT_DIR"), "/workflows.rs"));`.
#[derive(Debug, Clone)]
pub struct Generator {
    options: Options,
    /// The `runtime` path as written, when it is not a Rust path (reported by `generate`).
    bad_runtime: Option<String>,
    documents: Vec<String>,
}

/// What [`Generator::generate`] produced.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// The generated items, pretty-printed; empty when there are diagnostics.
    pub code: String,
    /// Every file read, absolute and without repeats: the documents, their source descriptions
    /// and every file those reach.
    pub files: Vec<PathBuf>,
    /// Every mistake found in every document; empty on success.
    pub diagnostics: Vec<Diagnostic>,
}

impl Generator {
    /// A generator resolving document paths against `manifest_dir` (in a `build.rs`,
    /// `env!("CARGO_MANIFEST_DIR")`), with the macro's defaults: the runtime at
    /// `::arazzo_runtime`, nothing read outside `manifest_dir`.
    pub fn new(manifest_dir: impl Into<PathBuf>) -> Self {
        Self {
            options: Options::new(manifest_dir),
            bad_runtime: None,
            documents: Vec::new(),
        }
    }

    /// Adds an Arazzo document, relative to the manifest directory. Several documents are
    /// expanded together, as by one macro call naming them all: their workflows share one type
    /// per schema of each OpenAPI description.
    pub fn document(mut self, path: impl Into<String>) -> Self {
        self.documents.push(path.into());
        self
    }

    /// The path generated code uses for the runtime crate, as the macro's `runtime = ...`
    /// (e.g. `"my_runtime"` for a renamed dependency). A string that is not a Rust path is
    /// reported by [`generate`](Self::generate).
    pub fn runtime(mut self, path: &str) -> Self {
        match syn::parse_str::<syn::Path>(path) {
            Ok(parsed) => {
                self.options.runtime = quote::quote!(#parsed);
                self.bad_runtime = None;
            }
            Err(_) => self.bad_runtime = Some(path.to_owned()),
        }
        self
    }

    /// Whether documents and source descriptions may lie outside the manifest directory, as the
    /// macro's `allow_outside_crate`. Off by default.
    pub fn allow_outside_crate(mut self, allow: bool) -> Self {
        self.options.allow_outside_crate = allow;
        self
    }

    /// Expands every document and pretty-prints the items. Every document is checked, so the
    /// diagnostics are those of all of them at once.
    pub fn generate(&self) -> Generated {
        let mut generated = Generated::default();
        if let Some(runtime) = &self.bad_runtime {
            generated.diagnostics.push(Diagnostic::new(
                "runtime",
                None,
                format!(
                    "`{runtime}` is not a Rust path; expected e.g. `my_runtime` or `crate::runtime`"
                ),
            ));
        }
        // All documents in one expansion, as one macro call naming them all: one type per schema.
        let expansion = crate::expand_documents(&self.documents, &self.options);
        let tokens = expansion.tokens;
        generated.diagnostics.extend(expansion.diagnostics);
        let mut seen = HashSet::new();
        for file in expansion.files {
            if seen.insert(file.clone()) {
                generated.files.push(file);
            }
        }
        if generated.diagnostics.is_empty() {
            match syn::parse2::<syn::File>(tokens) {
                Ok(file) => generated.code = prettyplease::unparse(&file),
                Err(e) => generated.diagnostics.push(Diagnostic::new(
                    self.documents.first().map_or("", String::as_str),
                    None,
                    format!("internal error: generated code does not parse: {e}"),
                )),
            }
        }
        generated
    }

    /// For a `build.rs`: generates the code into `$OUT_DIR/<file_name>` and prints to cargo a
    /// `cargo::rerun-if-changed` line for every file read, so that editing any of them rebuilds,
    /// and one `cargo::error` line per diagnostic (`file:line:col: message`), which fails the
    /// build. Include the file with `include!(concat!(env!("OUT_DIR"), "/<file_name>"));`.
    pub fn write_to_out_dir(&self, file_name: &str) {
        let out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from);
        for line in self.build_script_directives(out_dir.as_deref(), file_name) {
            println!("{line}");
        }
    }

    /// The lines [`write_to_out_dir`](Self::write_to_out_dir) prints, after writing the file
    /// into `out_dir` when there is no mistake.
    fn build_script_directives(&self, out_dir: Option<&Path>, file_name: &str) -> Vec<String> {
        let generated = self.generate();
        // The documents as named too: one that does not exist yet is not among `files`, and
        // creating it must rerun the script.
        let named = self
            .documents
            .iter()
            .map(|document| self.options.manifest_dir.join(document));
        let mut seen = HashSet::new();
        let mut lines: Vec<String> = named
            .chain(generated.files.iter().cloned())
            .filter(|file| seen.insert(file.clone()))
            .map(|file| format!("cargo::rerun-if-changed={}", file.display()))
            .collect();
        let errors: Vec<String> = if !generated.diagnostics.is_empty() {
            generated
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect()
        } else {
            match out_dir {
                None => vec![
                    "OUT_DIR is not set: call `Generator::write_to_out_dir` from a build script"
                        .to_owned(),
                ],
                Some(dir) => {
                    let path = dir.join(file_name);
                    match std::fs::write(&path, generated.file_text(&self.build_script_header())) {
                        Ok(()) => Vec::new(),
                        Err(e) => vec![format!("cannot write `{}`: {e}", path.display())],
                    }
                }
            }
        };
        // A directive is one line: a message with a line break would lose its tail.
        lines.extend(
            errors
                .iter()
                .map(|e| format!("cargo::error={}", e.replace(['\r', '\n'], " "))),
        );
        lines
    }

    /// The comment a file written by a build script starts with.
    fn build_script_header(&self) -> String {
        format!(
            "// @generated by arazzo_codegen::Generator from {}; rewritten by the build script on every change.\n",
            self.documents
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl Generated {
    /// Whether `text`, a file written from this code earlier, still has the same items:
    /// layout, `//` comments and the commas a formatter adds before a closing bracket do not
    /// count, so a file reformatted by rustfmt since is still current. Text that does not even
    /// lex as Rust is not.
    pub fn has_same_items(&self, text: &str) -> bool {
        match (
            text.parse::<TokenStream>(),
            self.code.parse::<TokenStream>(),
        ) {
            (Ok(theirs), Ok(ours)) => words(theirs) == words(ours),
            _ => false,
        }
    }

    /// `header` (comment lines) followed by the code: the text of the `.rs` file. Comments only,
    /// no inner attributes, so the file works with `include!` as well as as a module.
    pub fn file_text(&self, header: &str) -> String {
        let mut text = String::with_capacity(header.len() + 1 + self.code.len());
        text.push_str(header);
        if !header.is_empty() && !header.ends_with('\n') {
            text.push('\n');
        }
        if !header.is_empty() {
            text.push('\n');
        }
        text.push_str(&self.code);
        text
    }
}

/// The tokens as words, without what a formatter may change: the spacing of punctuation and a
/// comma closing a group or a list of generic arguments (rustfmt adds one inside a
/// `#[derive(...)]` written over several lines, and drops one before `>`).
fn words(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    push_words(tokens, &mut out);
    out
}

fn push_words(tokens: TokenStream, out: &mut Vec<String>) {
    let mut tokens: Vec<TokenTree> = tokens.into_iter().collect();
    if matches!(tokens.last(), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
        tokens.pop();
    }
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let closes_generics =
            matches!(tokens.peek(), Some(TokenTree::Punct(next)) if next.as_char() == '>');
        match token {
            TokenTree::Punct(punct) if punct.as_char() == ',' && closes_generics => {}
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push(open.to_owned());
                push_words(group.stream(), out);
                out.push(close.to_owned());
            }
            TokenTree::Punct(punct) => out.push(punct.as_char().to_string()),
            other => out.push(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    /// The files of the `cargo::rerun-if-changed` lines, canonical.
    fn reruns(lines: &[String]) -> Vec<PathBuf> {
        lines
            .iter()
            .filter_map(|line| line.strip_prefix("cargo::rerun-if-changed="))
            .map(|file| Path::new(file).canonicalize().expect("a file that exists"))
            .collect()
    }

    fn canonical(path: &str) -> PathBuf {
        fixtures().join(path).canonicalize().expect("a fixture")
    }

    #[test]
    fn a_build_script_writes_the_file_and_reruns_when_any_file_read_changes() {
        let out = tempfile::tempdir().expect("temporary directory");
        let generator =
            Generator::new(fixtures()).document("clean/components-reuse/flow.arazzo.yaml");
        let lines = generator.build_script_directives(Some(out.path()), "workflows.rs");
        assert_eq!(
            reruns(&lines),
            [
                canonical("clean/components-reuse/flow.arazzo.yaml"),
                canonical("clean/common/items.openapi.yaml"),
            ]
        );
        assert_eq!(lines.len(), 2, "no error: {lines:#?}");
        let text = std::fs::read_to_string(out.path().join("workflows.rs")).expect("written");
        let expansion = crate::expand_documents(
            &["clean/components-reuse/flow.arazzo.yaml".to_owned()],
            &Options::new(fixtures()),
        );
        assert!(expansion.diagnostics.is_empty(), "a clean document");
        let expected =
            prettyplease::unparse(&syn::parse2(expansion.tokens).expect("generated code parses"));
        // The macro's code after a comment: no inner attribute, so `include!` takes it.
        let (header, code) = text.split_once("\n\n").expect("a header, then the code");
        assert_eq!(
            header,
            "// @generated by arazzo_codegen::Generator from `clean/components-reuse/flow.arazzo.yaml`; rewritten by the build script on every change."
        );
        assert_eq!(code, expected);
        assert!(!text.contains("#!["));
    }

    #[test]
    fn a_build_script_reports_every_mistake_as_a_cargo_error_and_writes_nothing() {
        let out = tempfile::tempdir().expect("temporary directory");
        let generator = Generator::new(fixtures()).document("generator/two-mistakes.arazzo.yaml");
        let lines = generator.build_script_directives(Some(out.path()), "workflows.rs");
        let errors: Vec<&String> = lines
            .iter()
            .filter(|l| l.starts_with("cargo::error="))
            .collect();
        // Both mistakes at once, each at file:line:col, as the macro reports them.
        assert_eq!(errors.len(), 2, "{lines:#?}");
        assert!(
            errors[0].starts_with("cargo::error=generator/two-mistakes.arazzo.yaml:13:22: "),
            "{lines:#?}"
        );
        assert!(
            errors[0].contains("listItemz") && errors[0].contains("did you mean `listItems`?"),
            "{lines:#?}"
        );
        assert!(
            errors[1].starts_with("cargo::error=generator/two-mistakes.arazzo.yaml:19:20: "),
            "{lines:#?}"
        );
        assert!(errors[1].contains("did you mean `list`?"), "{lines:#?}");
        // Fixing either file must rerun the script.
        assert_eq!(
            reruns(&lines),
            [
                canonical("generator/two-mistakes.arazzo.yaml"),
                canonical("clean/common/items.openapi.yaml"),
            ]
        );
        assert!(!out.path().join("workflows.rs").exists());
    }

    #[test]
    fn a_document_that_does_not_exist_yet_still_reruns_the_script() {
        let generator = Generator::new(fixtures()).document("generator/not-yet.arazzo.yaml");
        let lines = generator.build_script_directives(None, "workflows.rs");
        assert_eq!(
            lines[0],
            format!(
                "cargo::rerun-if-changed={}",
                fixtures().join("generator/not-yet.arazzo.yaml").display()
            )
        );
        assert!(
            lines[1].starts_with("cargo::error=generator/not-yet.arazzo.yaml: cannot read"),
            "{lines:#?}"
        );
        assert_eq!(lines.len(), 2, "{lines:#?}");
    }

    #[test]
    fn a_reformatted_file_has_the_same_items_and_an_edited_one_does_not() {
        let generated = Generated {
            code: "#[derive(\n    Debug,\n    Clone\n)]\npub struct A {\n    pub b: (u8,),\n    pub c: Option<u8>,\n}\n"
                .to_owned(),
            ..Generated::default()
        };
        let reformatted = "// header\n#[derive(Debug, Clone,)]\npub struct A { pub b: (u8,), pub c: Option<u8,> }\n";
        assert!(generated.has_same_items(reformatted));
        assert!(
            !generated.has_same_items("#[derive(Debug)]\npub struct A {\n    pub b: (u8,),\n}\n")
        );
        assert!(
            !generated
                .has_same_items("#[derive(Debug, Clone)] pub struct A { pub b: (u8,), pub c: u8 }")
        );
        assert!(!generated.has_same_items("pub struct A { \"unterminated"));
    }

    #[test]
    fn a_runtime_that_is_not_a_path_is_reported() {
        let generated = Generator::new(fixtures()).runtime("my runtime").generate();
        assert_eq!(
            generated.diagnostics.len(),
            1,
            "{:?}",
            generated.diagnostics
        );
        assert!(
            generated.diagnostics[0]
                .message
                .contains("`my runtime` is not a Rust path"),
            "{:?}",
            generated.diagnostics
        );
        assert!(generated.code.is_empty());
    }
}
