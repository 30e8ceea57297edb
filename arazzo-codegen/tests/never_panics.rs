//! The generator never panics, whatever it is fed: a panic inside a proc macro reaches the user
//! as "proc macro panicked" with no position, instead of the `file:line:col` diagnostics the
//! generator promises.
//!
//! Inputs: arbitrary bytes and YAML-ish text as the Arazzo document; the shipped workflows with
//! random line-level mutations (a line dropped or duplicated, an id renamed, a scalar's type
//! changed, text inserted, the file truncated); the OpenAPI description mutated the same way;
//! and arbitrary text through the expression, template and condition parsers. Every document is
//! written into a temporary project laid out like `workflows/` (`arazzo/x.yml` next to
//! `openapi/`), so the source descriptions resolve as they do for real.
//!
//! Besides "no panic": when there are no diagnostics the tokens parse as a Rust file, and when
//! there are, the stand-in items do.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arazzo_codegen::{Expansion, Options, expr};
use proptest::prelude::*;
use proptest::test_runner::Config;

const SEEDS: [&str; 2] = [
    "soracom-register-and-activate-sim-workflow.yml",
    "soracom-register-subscriber-to-group-workflow.yml",
];
const OPENAPI: [&str; 2] = [
    "soracom-sim-api-openapi.yml",
    "soracom-group-api-openapi.yml",
];

fn workflows_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows")
}

/// One temporary project per test binary: `arazzo/` for the documents under test, `openapi/`
/// with copies of the shipped descriptions.
fn project() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir_all(dir.path().join("arazzo")).expect("arazzo/");
        std::fs::create_dir_all(dir.path().join("openapi")).expect("openapi/");
        for name in OPENAPI {
            std::fs::copy(
                workflows_dir().join("openapi").join(name),
                dir.path().join("openapi").join(name),
            )
            .expect("copy an OpenAPI description");
        }
        dir
    })
    .path()
}

fn seed(index: usize) -> String {
    std::fs::read_to_string(
        workflows_dir()
            .join("arazzo")
            .join(SEEDS[index % SEEDS.len()]),
    )
    .expect("a seed workflow")
}

/// Writes `bytes` as `arazzo/<name>` and expands it. Each test uses its own `name`, because the
/// tests of this binary run in parallel.
fn expand_bytes(name: &str, bytes: &[u8]) -> Expansion {
    let relative = format!("arazzo/{name}");
    std::fs::write(project().join(&relative), bytes).expect("write the document");
    let expansion = arazzo_codegen::expand(&relative, &Options::new(project()));
    check_tokens(&expansion);
    expansion
}

/// What an expansion must satisfy beyond returning.
fn check_tokens(expansion: &Expansion) {
    if expansion.diagnostics.is_empty() {
        if let Err(e) = syn::parse2::<syn::File>(expansion.tokens.clone()) {
            panic!("no diagnostics, but the generated code does not parse: {e}");
        }
        assert!(expansion.stubs.is_empty(), "stubs without diagnostics");
    } else {
        assert!(expansion.tokens.is_empty(), "tokens despite diagnostics");
        if let Err(e) = syn::parse2::<syn::File>(expansion.stubs.clone()) {
            panic!("the stand-in items do not parse: {e}\n{}", expansion.stubs);
        }
    }
}

/// One line-level change to a document.
#[derive(Debug, Clone)]
enum Mutation {
    DropLine(usize),
    DuplicateLine(usize),
    /// Replaces one occurrence (the `nth`, wrapping) of a name the document uses with `with`.
    Rename {
        name: usize,
        nth: usize,
        with: String,
    },
    /// Replaces the value after the `:` of a `key: value` line.
    ChangeScalar {
        line: usize,
        with: &'static str,
    },
    Insert {
        at: usize,
        text: String,
    },
    Truncate(usize),
}

/// Names the seeds use as ids, references and keys.
const NAMES: &[&str] = &[
    "registerSim",
    "confirmSim",
    "activateSim",
    "setSimGroup",
    "simId",
    "groupId",
    "simApi",
    "register-and-activate-sim",
    "register-subscriber-to-group",
    "$steps.",
    "$inputs.",
    "$response.body",
    "$statusCode",
    ".outputs.",
    "sim_id",
    "imsi",
    "path",
    "201",
    "200",
    "operationId",
    "stepId",
    "workflowId",
    "outputs",
    "inputs",
    "properties",
    "parameters",
    "successCriteria",
    "condition",
    "#/",
    "in:",
    "- ",
];

/// Values of other types (and other YAML shapes) to put where a scalar was.
const SCALARS: &[&str] = &[
    "123",
    "-1.5e3",
    "true",
    "null",
    "~",
    "\"\"",
    "[]",
    "{}",
    "[a, {b: c}]",
    "{x: 1, y: [2]}",
    "&anchor value",
    "*anchor",
    "!!str 5",
    "!!binary aGVsbG8=",
    "|\n  block\n  text",
    "$",
    "$steps",
    "$steps.registerSim.outputs",
    "$response.body#/a~2b",
    "{$inputs.simId",
    "$statusCode == ",
    "$statusCode == 200 && (",
    "x²",
    "'multi\n  line'",
    "?",
    ": :",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DropLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (
            any::<usize>(),
            any::<usize>(),
            "[a-zA-Z0-9_$.#/{} éß²½٣-]{0,12}"
        )
            .prop_map(|(name, nth, with)| Mutation::Rename { name, nth, with }),
        (any::<usize>(), proptest::sample::select(SCALARS))
            .prop_map(|(line, with)| Mutation::ChangeScalar { line, with }),
        (any::<usize>(), "[ -~\n\téß²½٣]{0,16}")
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// The largest char boundary at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let n = lines.len();
    match mutation {
        Mutation::DropLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => {
            let line = lines[i % n].clone();
            lines.insert(i % n, line);
        }
        Mutation::Rename { name, nth, with } => {
            let name = NAMES[name % NAMES.len()];
            let found: Vec<usize> = text.match_indices(name).map(|(at, _)| at).collect();
            if found.is_empty() {
                return text.to_owned();
            }
            let at = found[nth % found.len()];
            return format!("{}{with}{}", &text[..at], &text[at + name.len()..]);
        }
        Mutation::ChangeScalar { line, with } => {
            let line = &mut lines[line % n];
            if let Some(colon) = line.find(": ") {
                line.truncate(colon + 2);
                line.push_str(with);
            }
        }
        Mutation::Insert { at, text: inserted } => {
            let at = floor_boundary(text, at % (text.len() + 1));
            return format!("{}{inserted}{}", &text[..at], &text[at..]);
        }
        Mutation::Truncate(at) => {
            let at = floor_boundary(text, at % (text.len() + 1));
            return text[..at].to_owned();
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    mutations
        .iter()
        .fold(text.to_owned(), |text, m| apply(&text, m))
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // Failures are reported with their shrunk input; no regression files in the source tree.
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn the_seeds_expand_cleanly() {
    // The mutation tests only mean something if the unmutated documents get all the way to
    // code generation.
    for (i, name) in SEEDS.iter().enumerate() {
        let expansion = expand_bytes(&format!("seed-{i}.yml"), seed(i).as_bytes());
        assert!(
            expansion.diagnostics.is_empty(),
            "{name}: {:?}",
            expansion.diagnostics
        );
    }
}

#[test]
fn stubs_follow_a_document_that_loads_but_does_not_compile() {
    let text = seed(0).replace("operationId: getSim", "operationId: getSimm");
    let expansion = expand_bytes("stubs.yml", text.as_bytes());
    assert!(!expansion.diagnostics.is_empty());
    let stubs = expansion.stubs.to_string();
    for item in [
        "pub async fn register_and_activate_sim",
        "pub struct RegisterAndActivateSimInputs",
        "pub struct RegisterAndActivateSimOutputs",
        "pub sim_id",
        "pub registration_secret",
        "pub status",
    ] {
        assert!(
            stubs.contains(item) || stubs.replace(' ', "").contains(&item.replace(' ', "")),
            "{item} missing from {stubs}"
        );
    }
}

#[test]
fn a_missing_document_is_named_relative_to_the_manifest_dir() {
    let expansion = arazzo_codegen::expand("arazzo/missing.yml", &Options::new(project()));
    assert_eq!(expansion.diagnostics.len(), 1);
    assert_eq!(
        expansion.diagnostics[0].message,
        "cannot read the Arazzo document `arazzo/missing.yml`: no such file"
    );
    assert!(expansion.stubs.is_empty());
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        expand_bytes("bytes.yml", &bytes);
    }

    #[test]
    fn yaml_ish_text(text in "[a-zA-Z0-9 :\\-\\[\\]{},&*!|>'\"#$.?~/\n\t]{0,300}") {
        expand_bytes("yaml-ish.yml", text.as_bytes());
    }

    #[test]
    fn arbitrary_text_after_a_valid_prefix(text in "\\PC{0,200}") {
        // Gets past the "not a mapping" checks more often than text alone.
        let doc = format!("arazzo: 1.0.1\ninfo: {{title: t, version: '1'}}\n{text}");
        expand_bytes("prefixed.yml", doc.as_bytes());
    }

    #[test]
    fn expression_parsers(text in "\\PC{0,64}") {
        let _ = expr::parse_expr(&text);
        let _ = expr::parse_string_value(&text);
        let _ = expr::parse_condition(&text);
        let _ = expr::check_pointer(&text);
    }

    #[test]
    fn expression_like_text(
        text in "\\$(statusCode|response|request|inputs|steps|outputs|url|method|workflows)\
                 [a-zA-Z0-9_.#/~{}\\[\\]()'\"=<>!&| $-]{0,40}"
    ) {
        let _ = expr::parse_expr(&text);
        let _ = expr::parse_string_value(&text);
        let _ = expr::parse_string_value(&format!("x {{{text}}} y"));
        let _ = expr::parse_condition(&text);
    }
}

proptest! {
    #![proptest_config(config(192))]

    #[test]
    fn mutated_workflows(
        which in 0..SEEDS.len(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let text = mutate(&seed(which), &mutations);
        expand_bytes("mutated.yml", text.as_bytes());
    }
}

proptest! {
    // Each case re-reads a 190 kB description, so fewer.
    #![proptest_config(config(24))]

    #[test]
    fn mutated_openapi_description(
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let original = std::fs::read_to_string(workflows_dir().join("openapi").join(OPENAPI[0]))
            .expect("the OpenAPI description");
        let text = mutate(&original, &mutations);
        // A file of its own, referenced by a copy of the seed, so the other tests keep reading
        // the intact description.
        std::fs::write(project().join("openapi/mutated.yml"), &text).expect("write");
        let doc = seed(0).replace(OPENAPI[0], "mutated.yml");
        expand_bytes("mutated-openapi.yml", doc.as_bytes());
    }
}

/// Names made of characters Rust identifiers may not contain (`²`, `½`) or start with (`٣`, a
/// non-ASCII digit) once made `Ident::new` panic; they must become valid identifiers.
#[test]
fn names_with_non_identifier_characters_do_not_panic() {
    let text = seed(0);
    let places = |odd: &str| {
        [
            (
                "workflowId",
                "workflowId: register-and-activate-sim".to_owned(),
                format!("workflowId: \"{odd}\""),
            ),
            (
                "input",
                "      groupId:\n        type: string\n".to_owned(),
                format!(
                    "      groupId:\n        type: string\n      \"{odd}\":\n        type: string\n"
                ),
            ),
            ("step output", "registeredSimId".to_owned(), odd.to_owned()),
        ]
    };
    let mut panics = Vec::new();
    for odd in ["x²", "½", "٣x"] {
        for (what, from, to) in places(odd) {
            // A leading non-ASCII digit is fine inside `register_sim__٣x`.
            if odd == "٣x" && what == "step output" {
                continue;
            }
            let doc = text.replace(&from, &to);
            let name = format!("odd-{}.yml", what.replace(' ', "-"));
            if std::panic::catch_unwind(|| expand_bytes(&name, doc.as_bytes())).is_err() {
                panics.push(format!("{what} `{odd}`"));
            }
        }
    }
    assert!(panics.is_empty(), "panics for: {}", panics.join(", "));
}
