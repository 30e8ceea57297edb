//! `arazzo`: the checks and the code generation of `arazzo_workflow!`, outside a build.
//!
//! `arazzo check FILE...` reports every mistake in the documents as `file:line:col: error: ...`
//! (or JSON with `--format json`), for editors, CI and pre-commit hooks; `arazzo expand FILE`
//! prints the Rust code the macro would generate; `arazzo generate FILE... -o OUT` writes it as a
//! file to check in (`--check` says whether that file is stale); `arazzo vendor FILE...` downloads the remote
//! source descriptions a document names, once, so that builds never need the network. Paths are
//! relative to the current directory, as the macro's are relative to the crate's manifest
//! directory.

mod generate;
mod vendor;

use std::io::Write;
use std::process::ExitCode;

use arazzo_codegen::{Diagnostic, Options};
use clap::{Parser, Subcommand, ValueEnum};

/// Check Arazzo workflow documents and print the Rust code they compile to.
#[derive(Debug, Parser)]
#[command(name = "arazzo", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report every mistake in the documents; exit 1 if there is any.
    Check {
        /// How to print the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Arazzo documents (YAML or JSON), relative to the current directory.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Print the Rust code `arazzo_workflow!` generates for a document.
    Expand {
        /// The Arazzo document, relative to the current directory.
        file: String,
    },
    /// Write the Rust code `arazzo_workflow!` generates for the documents to a file to check
    /// in (or to standard output), with a header saying how to regenerate it.
    Generate {
        /// The file to write, e.g. `src/workflows.rs`.
        #[arg(short, long)]
        output: Option<String>,
        /// Compare with the file instead of writing it; exit 1 when it is stale.
        #[arg(long, requires = "output")]
        check: bool,
        /// The path generated code uses for the runtime crate, as the macro's `runtime = ...`.
        #[arg(long)]
        runtime: Option<String>,
        /// Arazzo documents, relative to the current directory; their code is written one
        /// after the other.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Download the remote source descriptions of the documents (and the files their `$ref`s
    /// reach) into `arazzo-vendor/` beside each, and record them in `arazzo.lock`. The only
    /// command that uses the network.
    Vendor {
        /// Fetch and compare with `arazzo.lock` and the copies, writing nothing; exit 1 on any
        /// difference.
        #[arg(long)]
        check: bool,
        /// Arazzo documents, relative to the current directory.
        #[arg(required = true)]
        files: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `file:line:col: error: message`, then `  = help: ...` when there is a hint.
    Text,
    /// One JSON array of `{file, line, column, message, hint}` objects.
    Json,
}

fn main() -> ExitCode {
    // clap exits with 2 on a usage error and 0 for `--help` / `--version`.
    let cli = Cli::parse();
    let Ok(dir) = std::env::current_dir() else {
        eprintln!("arazzo: error: cannot read the current directory");
        return ExitCode::from(2);
    };
    // The command line reads the files it is given, wherever they are: unlike the macro, it
    // is not building a crate whose sources must stay within it.
    let mut options = Options::new(dir);
    options.allow_outside_crate = true;
    match cli.command {
        Command::Check { format, files } => check(&files, format, &options),
        Command::Expand { file } => expand(&file, &options),
        Command::Generate {
            output,
            check,
            runtime,
            files,
        } => generate::run(&generate::Request {
            dir: &options.manifest_dir,
            files: &files,
            output: output.as_deref(),
            check,
            runtime: runtime.as_deref(),
        }),
        Command::Vendor { check, files } => vendor::run(&files, check),
    }
}

fn check(files: &[String], format: Format, options: &Options) -> ExitCode {
    let diagnostics: Vec<Diagnostic> = files
        .iter()
        .flat_map(|file| arazzo_codegen::expand(file, options).diagnostics)
        .collect();
    let out = match format {
        Format::Text => diagnostics.iter().map(render_text).collect::<String>(),
        Format::Json => {
            let array = diagnostics.iter().map(to_json).collect::<Vec<_>>();
            format!("{}\n", serde_json::Value::Array(array))
        }
    };
    // A closed pipe (`arazzo check ... | head`) is not worth a panic or an error message.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if format == Format::Text {
        let noun = if files.len() == 1 { "file" } else { "files" };
        match diagnostics.len() {
            0 => eprintln!("checked {} {noun}: no errors", files.len()),
            1 => eprintln!("checked {} {noun}: 1 error", files.len()),
            n => eprintln!("checked {} {noun}: {n} errors", files.len()),
        }
    }
    if diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn expand(file: &str, options: &Options) -> ExitCode {
    match arazzo_codegen::expand_to_string(file, options) {
        Ok(code) => {
            let _ = std::io::stdout().lock().write_all(code.as_bytes());
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            let text = diagnostics.iter().map(render_text).collect::<String>();
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
            ExitCode::FAILURE
        }
    }
}

/// `file:line:col: error: message` (the shape editors and CI annotations parse), then the hint
/// as rustc prints its own.
fn render_text(d: &Diagnostic) -> String {
    let mut out = match d.pos {
        Some(pos) => format!(
            "{}:{}:{}: error: {}\n",
            d.file, pos.line, pos.col, d.message
        ),
        None => format!("{}: error: {}\n", d.file, d.message),
    };
    if let Some(hint) = &d.hint {
        out.push_str(&format!("  = help: {hint}\n"));
    }
    out
}

fn to_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "file": d.file,
        "line": d.pos.map(|p| p.line),
        "column": d.pos.map(|p| p.col),
        "message": d.message,
        "hint": d.hint,
    })
}
