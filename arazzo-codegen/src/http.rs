//! The HTTP vocabulary of a request: the method of an operation and where a parameter goes.
//! Both are read from text once (an OpenAPI Path Item's keys, a Parameter Object's `in`); past
//! that, an unknown one cannot exist.

use std::fmt;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

/// An operation's HTTP method: the fixed fields of an OpenAPI Path Item Object that hold an
/// Operation Object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `get`
    Get,
    /// `put`
    Put,
    /// `post`
    Post,
    /// `delete`
    Delete,
    /// `options`
    Options,
    /// `head`
    Head,
    /// `patch`
    Patch,
    /// `trace`
    Trace,
}

impl HttpMethod {
    /// Every method, in the order the OpenAPI Path Item Object lists them.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The method a Path Item Object's key names (`get`, …; lower case, as OpenAPI writes
    /// them), `None` for any other key (`parameters`, `summary`, `x-…`).
    pub fn from_path_item_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.path_item_key() == key)
    }

    /// The method named in any case (`GET`, `get`), as an `operationPath` may write it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// The Path Item Object's key: lower case.
    pub fn path_item_key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The method as sent on the wire: upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The method as an upper-case string literal, which the runtime's `Operation` holds.
impl ToTokens for HttpMethod {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let method = self.as_str();
        tokens.extend(quote!(#method));
    }
}

/// Where a parameter of a step that calls an operation goes: a Parameter Object's `in` (Arazzo
/// 1.0.1: "Possible values are `path`, `query`, `header`, or `cookie`"; Arazzo 1.1 adds
/// `querystring`, the whole query string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// `path`: a `{name}` of the path template.
    Path,
    /// `query`: one query parameter.
    Query,
    /// `querystring` (Arazzo 1.1): the whole query string.
    Querystring,
    /// `header`
    Header,
    /// `cookie`
    Cookie,
}

impl ParameterLocation {
    /// Every location, in the order the specification lists them.
    pub const ALL: [ParameterLocation; 5] = [
        ParameterLocation::Path,
        ParameterLocation::Query,
        ParameterLocation::Querystring,
        ParameterLocation::Header,
        ParameterLocation::Cookie,
    ];

    /// The location `in` names, `None` for anything else (case matters, as in the
    /// specification).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// As written in `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Querystring => "querystring",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
        }
    }
}

impl fmt::Display for ParameterLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_parameter_locations_parse_and_print_back() {
        for location in ParameterLocation::ALL {
            assert_eq!(ParameterLocation::parse(location.as_str()), Some(location));
        }
        assert_eq!(
            ParameterLocation::parse("query"),
            Some(ParameterLocation::Query)
        );
        assert_eq!(ParameterLocation::Cookie.to_string(), "cookie");
    }

    #[test]
    fn any_other_parameter_location_is_none() {
        // Not `header`: a location the specification does not list has no default.
        for text in [
            "", "body", "formData", "headers", "Header", "QUERY", " path",
        ] {
            assert_eq!(ParameterLocation::parse(text), None, "{text}");
        }
    }

    #[test]
    fn methods_are_path_item_keys_in_lower_case_and_sent_in_upper_case() {
        for method in HttpMethod::ALL {
            assert_eq!(
                HttpMethod::from_path_item_key(method.path_item_key()),
                Some(method)
            );
            assert_eq!(HttpMethod::from_name(method.as_str()), Some(method));
        }
        assert_eq!(HttpMethod::Patch.to_string(), "PATCH");
        assert_eq!(HttpMethod::Get.to_token_stream().to_string(), "\"GET\"");
        // Path Item keys are case-sensitive: `GET` is not an operation there.
        assert_eq!(HttpMethod::from_path_item_key("GET"), None);
        for key in ["parameters", "summary", "servers", "x-get", "query"] {
            assert_eq!(HttpMethod::from_path_item_key(key), None, "{key}");
        }
    }
}
