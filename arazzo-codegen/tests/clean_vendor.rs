//! The clean corpus's remote source descriptions: a document whose `url` is https expands with
//! no diagnostic from its copy in `arazzo-vendor/`, as recorded in `arazzo.lock`.

use arazzo_codegen::{Options, expand};

#[test]
fn a_vendored_remote_description_checks_clean() {
    let expansion = expand(
        "tests/fixtures/clean/remote-vendored/remote.arazzo.yml",
        &Options::new(env!("CARGO_MANIFEST_DIR")),
    );
    let messages: Vec<String> = expansion
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages, Vec::<String>::new());
    assert!(
        expansion
            .files
            .iter()
            .any(|f| f.ends_with("arazzo-vendor/https/api.example.com/v1/schemas.yml"))
    );
}
