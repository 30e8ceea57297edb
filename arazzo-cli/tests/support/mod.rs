//! Running the built `arazzo` binary from the repository root, as a user or CI would.
// Each test binary uses what it needs of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `arazzo ARGS...`, run in the repository root.
pub fn arazzo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arazzo"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("the arazzo binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
