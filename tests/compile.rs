//! Compile-fail tests for `arazzo_workflow!`: every class of mistake in an Arazzo document is a
//! compile error naming `file:line:col` (`tests/ui/fail`, one fixture in `tests/fixtures/arazzo`
//! each). Documents that must compile are compiled by the ordinary tests (`tests/clean_corpus.rs`
//! and the shipped workflows in the crate itself): with no passing case here, trybuild only
//! type-checks its scratch crate instead of building and linking every dependency a second time.
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
    t.compile_fail("tests/ui/fail/*.rs");
}
