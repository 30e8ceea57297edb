//! Percent-encoding for the parts of a request a value can land in.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters and a few safe sub-delimiters: a path parameter
/// is always exactly one segment, whatever it contains.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Cookie values may not hold `;`, `,`, spaces or quotes (RFC 6265).
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'%')
    .add(b',')
    .add(b';')
    .add(b'\\');

/// Encodes `value` as one path segment. `.` and `..` are refused: URL normalisation would turn
/// them into "this directory" and "the parent directory" whatever their encoding.
pub(crate) fn path_segment(value: &str) -> Result<Cow<'_, str>, String> {
    if value == "." || value == ".." || value.eq_ignore_ascii_case("%2e") {
        return Err(format!("`{value}` cannot be sent as a path segment"));
    }
    // A value with nothing to encode (an id, usually) is used as it is, without a copy.
    Ok(utf8_percent_encode(value, PATH_SEGMENT).into())
}

pub(crate) fn cookie_value(value: &str) -> String {
    utf8_percent_encode(value, COOKIE_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(path_segment("a/b?c#d e").unwrap(), "a%2Fb%3Fc%23d%20e");
        assert_eq!(path_segment("../admin").unwrap(), "..%2Fadmin");
        assert_eq!(path_segment("%2e%2e").unwrap(), "%252e%252e");
        assert_eq!(path_segment("ü").unwrap(), "%C3%BC");
        assert!(path_segment("..").is_err());
        assert!(path_segment(".").is_err());
    }
}
