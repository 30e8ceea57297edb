//! Simple conditions (`$statusCode == 200 && $response.body#/status == 'active'`).

#![no_main]

use arazzo_codegen::expr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(error) = expr::parse_condition(text) {
        // The offset becomes a column in a diagnostic: it must point into the text.
        assert!(
            error.offset <= text.len(),
            "offset {} past the end",
            error.offset
        );
    }
});
