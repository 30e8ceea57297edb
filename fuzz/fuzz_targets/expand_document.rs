//! A whole Arazzo document through `arazzo_codegen::expand_str`, as the document
//! `workflows/arazzo/fuzz.yml` of this repository, so that `../openapi/...` source descriptions
//! resolve to the shipped OpenAPI files (read once, then cached by the generator).
//!
//! Besides "no panic": without diagnostics the generated code parses as a Rust file; with them
//! the stand-in items do.

#![no_main]

use arazzo_codegen::Options;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Built per input: `Options` holds a `TokenStream`, which cannot sit in a `static`.
    let options = Options::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let expansion = arazzo_codegen::expand_str(text, "workflows/arazzo/fuzz.yml", &options);
    if expansion.diagnostics.is_empty() {
        if let Err(e) = syn::parse2::<syn::File>(expansion.tokens) {
            panic!("no diagnostics, but the generated code does not parse: {e}");
        }
    } else if let Err(e) = syn::parse2::<syn::File>(expansion.stubs) {
        panic!("the stand-in items do not parse: {e}");
    }
});
