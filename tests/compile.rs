//! Compile tests for `arazzo_workflow!`: the shipped workflows expand to code that type-checks
//! (`tests/ui/pass`), and every class of mistake in an Arazzo document is a compile error naming
//! `file:line:col` (`tests/ui/fail`, one fixture in `tests/fixtures/arazzo` each).
//!
//! Regenerate the expected errors with `TRYBUILD=overwrite cargo test --test compile`, then read
//! every `.stderr` diff before keeping it.

#[test]
fn ui() {
    // trybuild compiles the cases in a scratch crate under `target/`, so the macro must resolve
    // `workflows/...` and `tests/fixtures/...` against this crate instead of that one.
    // SAFETY: this is the only test in this binary and it sets the variable before it spawns
    // anything, so no other thread can be reading the environment concurrently.
    unsafe { std::env::set_var("ARAZZO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR")) };

    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
