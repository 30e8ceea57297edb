//! The YAML/JSON loader with positions (`load::parse`), then JSON pointers over what it built.

#![no_main]

use arazzo_codegen::load;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(root) = load::parse(text, "fuzz.yml") {
        // Pointers are built from document text too (`$response.body#/...`).
        for pointer in ["", "/", "/workflows/0", "/a~1b/~0", "/0/1/2"] {
            let _ = root.pointer(pointer);
        }
        let _ = root.kind_name();
    }
});
