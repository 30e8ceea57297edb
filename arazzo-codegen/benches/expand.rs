//! What the generator costs per expansion (no rustc involved): the seed workflow against the
//! project's SIM description, and against synthetic descriptions of N operations and N schemas,
//! to show how the cost grows with the size of the description; with `ARAZZO_BENCH_OPENAPI`
//! naming an OpenAPI file that has the seed's four operations (e.g. the official Soracom API
//! description), against that file too.
//!
//! ```text
//! cargo bench -p arazzo-codegen --bench expand
//! ARAZZO_BENCH_OPENAPI=/path/to/soracom-api.en.yaml cargo bench -p arazzo-codegen --bench expand
//! cargo bench -p arazzo-codegen --bench expand --profile dev   # unoptimised, as a proc macro runs
//! ```
//!
//! "cold" expansions start from an empty description cache, as the first expansion of a
//! compiler process does; "warm" ones find the description parsed already, as every later
//! expansion against the same file in that process does.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use arazzo_codegen::OpenApi;
use arazzo_codegen::load::{self, Kind, Node};
use arazzo_codegen::{Options, clear_cache, expand_str};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::synthetic_yaml;

const SEED: &str = "workflows/arazzo/soracom-register-and-activate-sim-workflow.yml";
const SEED_SOURCE_URL: &str = "../openapi/soracom-sim-api-openapi.yml";
const SIZES: [usize; 3] = [100, 1_000, 5_000];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is inside the workspace")
        .to_owned()
}

/// Options for the workspace; the benches' descriptions live in temp dirs or wherever
/// `ARAZZO_BENCH_OPENAPI` says, outside it.
fn options() -> Options {
    let mut options = Options::new(workspace());
    options.allow_outside_crate = true;
    options
}

fn seed_text() -> String {
    std::fs::read_to_string(workspace().join(SEED)).expect("the seed workflow is readable")
}

/// The seed workflow with its source description replaced by `description` (absolute).
fn seed_against(description: &Path) -> String {
    let text = seed_text();
    assert!(text.contains(SEED_SOURCE_URL), "the seed names its source");
    text.replace(SEED_SOURCE_URL, &description.to_string_lossy())
}

/// Expands `text` as if it were the seed document and counts the generated tokens; panics on
/// diagnostics, so a bench never times an expansion that stopped early.
fn expand_checked(text: &str, options: &Options) -> usize {
    let expansion = expand_str(text, SEED, options);
    assert!(
        expansion.diagnostics.is_empty(),
        "{:?}",
        expansion.diagnostics
    );
    expansion.tokens.into_iter().count()
}

/// The same description as JSON, to compare the two loaders.
fn to_json(node: &Node, out: &mut String) {
    match &node.kind {
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Kind::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Kind::Str(s) => json_string(s, out),
        Kind::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                to_json(item, out);
            }
            out.push(']');
        }
        Kind::Map(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(&key.name, out);
                out.push(':');
                to_json(value, out);
            }
            out.push('}');
        }
    }
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `text` to `dir/name` and returns the seed workflow pointing at it.
fn install(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file written");
    seed_against(&path)
}

fn kib(bytes: usize) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

fn seed(c: &mut Criterion) {
    let options = options();
    let text = seed_text();
    let mut group = c.benchmark_group("expand/seed-sim-description");
    group.bench_function("cold", |b| {
        b.iter(|| {
            clear_cache();
            expand_checked(&text, &options)
        });
    });
    group.bench_function("warm", |b| {
        expand_checked(&text, &options);
        b.iter(|| expand_checked(&text, &options));
    });
    group.finish();
}

fn synthetic(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = options();
    for format in ["yaml", "json"] {
        let mut group = c.benchmark_group(format!("expand/synthetic-{format}"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        for n in SIZES {
            let yaml = synthetic_yaml(n);
            let text = if format == "json" {
                let mut json = String::new();
                to_json(&load::parse(&yaml, "synthetic").expect("parses"), &mut json);
                json
            } else {
                yaml
            };
            let workflow = install(dir.path(), &format!("synthetic-{n}.{format}"), &text);
            // The same count for every N: only what the workflow uses is generated.
            eprintln!(
                "synthetic {format}, N = {n}: {}, {} tokens generated",
                kib(text.len()),
                expand_checked(&workflow, &options)
            );
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new("cold", n), &workflow, |b, workflow| {
                b.iter(|| {
                    clear_cache();
                    expand_checked(workflow, &options)
                });
            });
            group.bench_with_input(BenchmarkId::new("warm", n), &workflow, |b, workflow| {
                expand_checked(workflow, &options);
                b.iter(|| expand_checked(workflow, &options));
            });
        }
        group.finish();
    }
}

/// Where a cold expansion's time goes: `load` (text to tree), of which `events` is the YAML
/// parser alone; `index` (the operation index), which takes the tree by value, so its figure
/// includes a `clone-tree`.
fn phases(c: &mut Criterion) {
    let mut inputs: Vec<(String, String)> = SIZES
        .iter()
        .map(|&n| (format!("synthetic-{n}"), synthetic_yaml(n)))
        .collect();
    if let Some(path) = std::env::var_os("ARAZZO_BENCH_OPENAPI") {
        let text = std::fs::read_to_string(&path).expect("ARAZZO_BENCH_OPENAPI is readable");
        inputs.push(("ARAZZO_BENCH_OPENAPI".to_owned(), text));
    }
    let mut group = c.benchmark_group("phases");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("load", name), text, |b, text| {
            b.iter(|| load::parse_description(text, "bench").expect("parses"));
        });
        group.bench_with_input(BenchmarkId::new("events", name), text, |b, text| {
            b.iter(|| {
                let mut parser = saphyr_parser::Parser::new_from_str(text);
                let mut n = 0usize;
                while let Some(e) = parser.next_event() {
                    e.expect("ok");
                    n += 1;
                }
                n
            });
        });
        let root = load::parse_description(text, "bench").expect("parses");
        group.bench_with_input(BenchmarkId::new("index", name), &root, |b, root| {
            b.iter(|| OpenApi::from_node(root.clone(), "bench").expect("indexes"));
        });
        group.bench_with_input(BenchmarkId::new("clone-tree", name), &root, |b, root| {
            b.iter(|| root.clone());
        });
    }
    group.finish();
}

fn given_file(c: &mut Criterion) {
    let Some(path) = std::env::var_os("ARAZZO_BENCH_OPENAPI") else {
        eprintln!("ARAZZO_BENCH_OPENAPI is not set: skipping the expansion against a given file");
        return;
    };
    let path = std::fs::canonicalize(&path).expect("ARAZZO_BENCH_OPENAPI exists");
    let size = std::fs::metadata(&path).expect("readable").len();
    eprintln!("ARAZZO_BENCH_OPENAPI: {}", kib(size as usize));
    let options = options();
    let workflow = seed_against(&path);
    let mut group = c.benchmark_group("expand/ARAZZO_BENCH_OPENAPI");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(size));
    group.bench_function("cold", |b| {
        b.iter(|| {
            clear_cache();
            expand_checked(&workflow, &options)
        });
    });
    group.bench_function("warm", |b| {
        expand_checked(&workflow, &options);
        b.iter(|| expand_checked(&workflow, &options));
    });
    group.finish();
}

criterion_group!(benches, seed, synthetic, given_file, phases);
criterion_main!(benches);
