//! What a build does with documents it should not trust: YAML built to exhaust memory, time or
//! stack (alias "billion laughs", long strings multiplied by aliases, deep nesting) is refused
//! with a diagnostic in bounded time and memory; nothing outside the crate is read unless the
//! caller allows it; nothing remote is ever fetched.

use std::time::{Duration, Instant};

use arazzo_codegen::{Expansion, Options, expand, expand_str};

/// Far above what refusing takes, far below what expanding would.
const BOUNDED_TIME: Duration = Duration::from_secs(10);

/// Far below what expanding any of these documents would take (gigabytes to terabytes).
const BOUNDED_MEMORY_KIB: u64 = 512 * 1024;

/// Linux's peak resident set size of this test process (`VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Expands `text` as an Arazzo document and checks it was refused with a message holding one of
/// `needles` (`|`-separated), quickly and without a memory blow-up.
fn refused(text: &str, needles: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let started = Instant::now();
    let expansion = expand_str(text, "bomb.arazzo.yaml", &Options::new(dir.path()));
    let took = started.elapsed();
    let messages: Vec<String> = expansion
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| needles.split('|').any(|needle| m.contains(needle))),
        "expected `{needles}` in {messages:?}"
    );
    assert!(expansion.tokens.is_empty());
    assert!(took < BOUNDED_TIME, "took {took:?}");
    if let Some(peak) = peak_rss_kib() {
        assert!(peak < BOUNDED_MEMORY_KIB, "peak RSS {peak} KiB");
    }
}

/// `levels` anchors, each a list of ten aliases of the previous one: 10^levels values.
fn laughs(levels: usize, first: &str) -> String {
    let mut doc = format!("arazzo: 1.0.1\nl0: &l0 {first}\n");
    for level in 1..=levels {
        let previous = format!("*l{}", level - 1);
        let list = [previous.as_str(); 10].join(", ");
        doc.push_str(&format!("l{level}: &l{level} [{list}]\n"));
    }
    doc
}

#[test]
fn a_billion_laughs_is_refused() {
    refused(
        &laughs(9, "[lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"),
        "values through aliases",
    );
}

#[test]
fn aliases_multiplying_a_long_string_are_refused() {
    // Few values, but each alias copies a megabyte: 10^4 MiB if expanded.
    let long = format!("\"{}\"", "x".repeat(1024 * 1024));
    refused(&laughs(4, &long), "bytes of text");
}

#[test]
fn deep_nesting_is_refused_before_anything_recurses() {
    // The YAML parser has a limit of its own for flow collections.
    let flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    refused(&flow, "nests deeper than|recursion limit exceeded");
    let block: String = (0..10_000)
        .map(|depth| format!("{}k{depth}:\n", " ".repeat(depth)))
        .collect();
    refused(&block, "nests deeper than");
    let json = format!("{}1{}", "{\"a\": ".repeat(50_000), "}".repeat(50_000));
    refused(&json, "nests deeper than|recursion limit exceeded");
}

#[test]
fn nesting_built_up_through_aliases_is_refused() {
    // Each anchor nests the previous one 100 levels deeper.
    let mut doc = String::from("arazzo: 1.0.1\nd0: &d0 x\n");
    for level in 1..50 {
        let open = "[".repeat(100);
        let close = "]".repeat(100);
        doc.push_str(&format!(
            "d{level}: &d{level} {open}*d{}{close}\n",
            level - 1
        ));
    }
    refused(&doc, "nests deeper than");
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn arazzo_with_source(url: &str) -> String {
    format!(
        "arazzo: 1.0.1\ninfo:\n  title: t\n  version: 1.0.0\nsourceDescriptions:\n- name: api\n  url: {url}\n  type: openapi\nworkflows:\n- workflowId: w\n  steps:\n  - stepId: s\n    operationId: op\n"
    )
}

const OPENAPI: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: 1.0.0\npaths:\n  /x:\n    get:\n      operationId: op\n      responses:\n        '200':\n          description: ok\n";

fn messages(expansion: &Expansion) -> Vec<String> {
    expansion
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn a_billion_laughs_in_a_source_description_is_refused_too() {
    let bomb = laughs(9, "[lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]");
    let dir = project(&[
        ("arazzo/w.yml", &arazzo_with_source("../openapi/bomb.yml")),
        ("openapi/bomb.yml", &bomb),
    ]);
    let started = Instant::now();
    let expansion = expand("arazzo/w.yml", &Options::new(dir.path()));
    assert!(started.elapsed() < BOUNDED_TIME);
    let messages = messages(&expansion);
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("openapi/bomb.yml") && m.contains("through aliases")),
        "{messages:?}"
    );
}

#[test]
fn a_document_outside_the_crate_is_not_read_unless_allowed() {
    let outer = project(&[
        ("common/w.yml", &arazzo_with_source("./api.yml")),
        ("common/api.yml", OPENAPI),
        ("crate/Cargo.toml", ""),
    ]);
    let krate = outer.path().join("crate");
    let escaping = "../common/w.yml";

    let expansion = expand(escaping, &Options::new(&krate));
    let messages = messages(&expansion);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("the Arazzo document `../common/w.yml` is outside the crate")
            && messages[0].contains("allow_outside_crate"),
        "{messages:?}"
    );
    assert!(expansion.files.is_empty(), "nothing was read");

    let absolute = outer.path().join("common/w.yml");
    let expansion = expand(
        absolute.to_str().expect("a UTF-8 path"),
        &Options::new(&krate),
    );
    assert!(messages_contain(&expansion, "is outside the crate"));

    let mut allowed = Options::new(&krate);
    allowed.allow_outside_crate = true;
    let expansion = expand(escaping, &allowed);
    assert!(
        expansion.diagnostics.is_empty(),
        "{:?}",
        expansion.diagnostics
    );
    assert!(!expansion.tokens.is_empty());
}

fn messages_contain(expansion: &Expansion, needle: &str) -> bool {
    messages(expansion).iter().any(|m| m.contains(needle))
}

#[test]
fn a_source_description_outside_the_crate_is_not_read_unless_allowed() {
    let outer = project(&[
        ("crate/w.yml", &arazzo_with_source("../api.yml")),
        ("api.yml", OPENAPI),
    ]);
    let krate = outer.path().join("crate");
    let expansion = expand("w.yml", &Options::new(&krate));
    let messages = messages(&expansion);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("w.yml:7:")
            && messages[0].contains("source description `api` (`../api.yml`) is outside the crate"),
        "{messages:?}"
    );
    assert_eq!(
        expansion.files,
        vec![krate.join("w.yml")],
        "only the document was read"
    );

    let mut allowed = Options::new(&krate);
    allowed.allow_outside_crate = true;
    let expansion = expand("w.yml", &allowed);
    assert!(
        expansion.diagnostics.is_empty(),
        "{:?}",
        expansion.diagnostics
    );

    // `..` that stays inside the crate is fine.
    let inside = project(&[
        ("arazzo/w.yml", &arazzo_with_source("../openapi/api.yml")),
        ("openapi/api.yml", OPENAPI),
    ]);
    let expansion = expand("arazzo/../arazzo/w.yml", &Options::new(inside.path()));
    assert!(
        expansion.diagnostics.is_empty(),
        "{:?}",
        expansion.diagnostics
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_leading_out_of_the_crate_is_not_followed() {
    let outer = project(&[
        ("crate/w.yml", &arazzo_with_source("./api.yml")),
        ("secret/api.yml", OPENAPI),
    ]);
    let krate = outer.path().join("crate");
    std::os::unix::fs::symlink(outer.path().join("secret/api.yml"), krate.join("api.yml"))
        .expect("symlink");
    let expansion = expand("w.yml", &Options::new(&krate));
    assert!(
        messages_contain(&expansion, "(`./api.yml`) is outside the crate"),
        "{:?}",
        messages(&expansion)
    );
    assert!(!expansion.files.iter().any(|f| f.ends_with("api.yml")));
}

#[test]
fn a_remote_source_description_is_never_fetched() {
    let dir = project(&[(
        "w.yml",
        &arazzo_with_source("https://api.example.com/openapi.yml"),
    )]);
    let expansion = expand("w.yml", &Options::new(dir.path()));
    assert!(
        messages_contain(&expansion, "the build never downloads"),
        "{:?}",
        messages(&expansion)
    );
    assert_eq!(expansion.files, vec![dir.path().join("w.yml")]);
}

#[test]
fn paths_are_checked_as_written_not_only_as_found() {
    // A document that does not exist outside the crate is refused for being outside, not
    // reported missing: the build never even looks.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let expansion = expand("../../nowhere.yml", &Options::new(dir.path()));
    assert!(messages_contain(&expansion, "is outside the crate"));
}
