//! RFC 6901 JSON pointers, parsed once where a document writes them (a runtime expression's
//! `#/…`, a selector, a replacement target, an `operationPath`): every later stage reads the
//! unescaped reference tokens, and the generated code gets the pointer as written.

use std::fmt;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

/// An RFC 6901 JSON pointer: empty (the whole value, the default) or `/`-separated reference
/// tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPointer {
    /// As written (escaped), which is what the runtime follows.
    text: String,
    /// The reference tokens, unescaped (`~1` → `/`, `~0` → `~`).
    tokens: Vec<String>,
}

/// Why a text is not an RFC 6901 JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointerError {
    /// Not empty and not starting with `/` (RFC 6901 §3: `json-pointer = *( "/" reference-token )`).
    NoLeadingSlash(String),
    /// A `~` not followed by `0` or `1` (RFC 6901 §3: `escaped = "~" ( "0" / "1" )`).
    BadEscape(String),
}

impl fmt::Display for PointerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PointerError::NoLeadingSlash(text) => {
                write!(f, "JSON pointer `{text}` must start with `/`")
            }
            PointerError::BadEscape(text) => {
                write!(
                    f,
                    "JSON pointer `{text}` has `~` not followed by `0` or `1`"
                )
            }
        }
    }
}

impl JsonPointer {
    /// Parses `text` as RFC 6901 says: each token unescaped by turning `~1` into `/`, then `~0`
    /// into `~` (§4), so that `~01` is `~1`, not `/`.
    pub fn parse(text: &str) -> Result<Self, PointerError> {
        if text.is_empty() {
            return Ok(Self {
                text: String::new(),
                tokens: Vec::new(),
            });
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(PointerError::NoLeadingSlash(text.to_owned()));
        };
        let tokens = rest
            .split('/')
            .map(unescape)
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| PointerError::BadEscape(text.to_owned()))?;
        Ok(Self {
            text: text.to_owned(),
            tokens,
        })
    }

    /// The pointer as written, escaped.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The reference tokens, unescaped.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
}

/// One reference token unescaped; `None` when a `~` is not followed by `0` or `1`.
fn unescape(token: &str) -> Option<String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        match c {
            '~' => match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The pointer as a string literal, as written: what the runtime's pointer functions take.
impl ToTokens for JsonPointer {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let text = &self.text;
        tokens.extend(quote!(#text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        JsonPointer::parse(text).unwrap().tokens().to_vec()
    }

    #[test]
    fn the_empty_pointer_is_the_whole_value() {
        // RFC 6901 §5: `""` is the whole document.
        assert!(tokens("").is_empty());
        assert_eq!(JsonPointer::parse("").unwrap().as_str(), "");
    }

    #[test]
    fn tokens_are_split_on_slash_and_may_be_empty() {
        // RFC 6901 §5: `/` is the member named "", `/a/0` member `a`, then `0`.
        assert_eq!(tokens("/"), [""]);
        assert_eq!(tokens("/a/0"), ["a", "0"]);
        assert_eq!(tokens("/a//b"), ["a", "", "b"]);
    }

    #[test]
    fn tilde_one_is_slash_and_tilde_zero_is_tilde() {
        // RFC 6901 §3 and §5: `/a~1b` is member `a/b`, `/m~0n` is member `m~n`.
        assert_eq!(tokens("/a~1b"), ["a/b"]);
        assert_eq!(tokens("/m~0n"), ["m~n"]);
        assert_eq!(
            tokens("/paths/~1sims~1{id}/get"),
            ["paths", "/sims/{id}", "get"]
        );
    }

    #[test]
    fn tilde_zero_one_is_tilde_one_not_slash() {
        // RFC 6901 §4: `~1` is replaced first, then `~0`, so `~01` becomes `~1`.
        assert_eq!(tokens("/~01"), ["~1"]);
        assert_eq!(tokens("/~10"), ["/0"]);
    }

    #[test]
    fn the_text_is_kept_as_written() {
        let pointer = JsonPointer::parse("/a~1b/~0").unwrap();
        assert_eq!(pointer.as_str(), "/a~1b/~0");
        assert_eq!(pointer.to_string(), "/a~1b/~0");
        assert_eq!(pointer.to_token_stream().to_string(), "\"/a~1b/~0\"");
    }

    #[test]
    fn a_tilde_not_followed_by_zero_or_one_is_refused() {
        for text in ["/a~", "/a~2", "/~a", "/ok/~/x"] {
            assert_eq!(
                JsonPointer::parse(text),
                Err(PointerError::BadEscape(text.to_owned())),
                "{text}"
            );
        }
        assert_eq!(
            PointerError::BadEscape("/a~2".into()).to_string(),
            "JSON pointer `/a~2` has `~` not followed by `0` or `1`"
        );
    }

    #[test]
    fn a_pointer_must_start_with_a_slash() {
        assert_eq!(
            JsonPointer::parse("a/b"),
            Err(PointerError::NoLeadingSlash("a/b".to_owned()))
        );
        assert_eq!(
            PointerError::NoLeadingSlash("a/b".into()).to_string(),
            "JSON pointer `a/b` must start with `/`"
        );
    }
}
