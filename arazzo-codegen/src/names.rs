//! Rust names from Arazzo and OpenAPI names: `register-and-activate-sim` →
//! `register_and_activate_sim` / `RegisterAndActivateSim`, keywords and clashes made safe.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::types::Field;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Word characters of identifiers kept, everything else a word break (`²` or `½` are
/// alphanumeric but no identifier may hold them).
fn only_ident_chars(s: &str) -> String {
    s.chars()
        .map(|c| {
            if unicode_ident::is_xid_continue(c) {
                c
            } else {
                ' '
            }
        })
        .collect()
}

/// Case conversion can change characters: keep the identifier characters of the result, and
/// start it with one that may start an identifier.
fn fix_start(s: String) -> String {
    let mut s: String = s
        .chars()
        .filter(|c| unicode_ident::is_xid_continue(*c))
        .collect();
    if s.chars()
        .next()
        .is_none_or(|c| !unicode_ident::is_xid_start(c) && c != '_')
    {
        s.insert(0, '_');
    }
    s
}

/// A snake_case value name (function, field, variable), as written in Rust source: a keyword
/// becomes a raw identifier (`r#type`).
pub fn field_name(name: &str) -> String {
    let snake = fix_start(only_ident_chars(name).to_snake_case());
    if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// An UpperCamelCase type or variant name.
pub fn type_name(name: &str) -> String {
    let camel = only_ident_chars(name).to_upper_camel_case();
    if camel.is_empty() {
        return camel;
    }
    let camel = fix_start(camel);
    if NOT_RAW.contains(&camel.as_str()) {
        format!("{camel}_")
    } else {
        camel
    }
}

/// Makes field names unique (`groupId` and `group_id` in one schema).
pub fn dedupe_fields(fields: &mut [Field]) {
    for i in 1..fields.len() {
        while fields[..i].iter().any(|f| f.ident == fields[i].ident) {
            fields[i].ident.push('_');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            field_name("registerAndActivateSim"),
            "register_and_activate_sim"
        );
        assert_eq!(
            field_name("register-and-activate-sim"),
            "register_and_activate_sim"
        );
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "_2fa");
        assert_eq!(
            type_name("register-and-activate-sim"),
            "RegisterAndActivateSim"
        );
        assert_eq!(type_name("(null value)"), "NullValue");
        assert_eq!(type_name("s1.standard"), "S1Standard");
        assert_eq!(type_name("1x"), "_1x");
    }
}
