//! Runtime expressions (`$response.body#/a/b`), string values with embedded `{$...}`
//! expressions, and JSON pointers.

#![no_main]

use arazzo_codegen::expr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for error in [
        expr::parse_expr(text).err(),
        expr::parse_string_value(text).err(),
    ]
    .into_iter()
    .flatten()
    {
        // The offset becomes a column in a diagnostic: it must point into the text.
        assert!(
            error.offset <= text.len(),
            "offset {} past the end",
            error.offset
        );
    }
    let _ = expr::check_pointer(text);
});
