//! A step's request body, and parameters written as templates.

use proc_macro2::TokenStream;
use quote::quote;

use crate::openapi::{Encoding, EncodingStyle};
use crate::plan::{
    AbsentPayload, BodyFormat, BodyPlan, ReplacementTarget, TemplatePiece, ValuePlan,
};

use super::values::{Scope, value_tokens};

/// Code that builds the payload, applies its replacements and sets the body. A payload that
/// may be absent (an optional input left out) sends no body and no `Content-Type`.
pub(super) fn body_tokens(body: &BodyPlan, scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let content_type = &body.content_type;
    let payload = match (&body.format, &body.payload) {
        // JSON written as text (the specification's templated payloads): embedded values are
        // written as JSON, so an array keeps its brackets.
        (BodyFormat::JsonText, ValuePlan::Template(pieces)) => json_text_template(pieces, scope),
        (_, payload) => value_tokens(payload, scope),
    };
    let replacements = body.replacements.iter().map(|(target, value)| {
        let value = value_tokens(value, scope);
        match target {
            ReplacementTarget::Pointer(pointer) => {
                quote!(#rt::__private::replace(&mut payload, #pointer, #value);)
            }
            ReplacementTarget::JsonPath(query) => quote!({
                static QUERY: ::std::sync::LazyLock<::std::option::Option<#rt::__private::JsonPath>> =
                    ::std::sync::LazyLock::new(|| #rt::__private::jsonpath(#query));
                #rt::__private::replace_selected(&mut payload, QUERY.as_ref(), &#value);
            }),
        }
    });
    let send = match &body.format {
        BodyFormat::Form(encoding) => {
            let encoding = encoding_tokens(encoding, scope);
            quote!(request.form_body(#content_type, &payload, #encoding);)
        }
        BodyFormat::Multipart(encoding) => {
            let parts = part_tokens(encoding, scope);
            quote!(request.multipart_body(#content_type, &payload, #parts)?;)
        }
        BodyFormat::JsonText => quote! {
            request.json_text_body(#content_type, #rt::__private::to_text(&payload).unwrap_or_default());
        },
        BodyFormat::Text => quote! {
            request.text_body(#content_type, #rt::__private::to_text(&payload).unwrap_or_default());
        },
        BodyFormat::Json => quote!(request.json_body(#content_type, &payload);),
    };
    let binding = if body.replacements.is_empty() {
        quote!(let payload = #payload;)
    } else {
        quote!(let mut payload = #payload;)
    };
    let send = match body.absent {
        AbsentPayload::Refused => quote! {
            if payload.is_null() {
                return ::std::result::Result::Err(request.required_body_absent());
            }
            #send
        },
        AbsentPayload::Unsent => quote!(if !payload.is_null() { #send }),
        AbsentPayload::Impossible => send,
    };
    quote! {
        #binding
        #(#replacements)*
        #send
    }
}

/// `&[FormEncoding { … }]` for the members the operation's `encoding` object names.
fn encoding_tokens(encoding: &[Encoding], scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let entries = encoding.iter().map(|e| {
        let name = &e.name;
        let style = match e.style {
            EncodingStyle::Form => quote!(Form),
            EncodingStyle::SpaceDelimited => quote!(SpaceDelimited),
            EncodingStyle::PipeDelimited => quote!(PipeDelimited),
            EncodingStyle::DeepObject => quote!(DeepObject),
            EncodingStyle::Json => quote!(Json),
        };
        let explode = e.explode;
        quote! {
            #rt::__private::FormEncoding {
                name: #name,
                style: #rt::__private::FormStyle::#style,
                explode: #explode,
            }
        }
    });
    quote!(&[#(#entries),*])
}

/// `&[PartEncoding { … }]` for the members whose `encoding` entry gives a `contentType`.
fn part_tokens(encoding: &[Encoding], scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let entries = encoding.iter().filter_map(|e| {
        let name = &e.name;
        let content_type = e.content_type.as_ref()?;
        Some(quote! {
            #rt::__private::PartEncoding {
                name: #name,
                content_type: #content_type,
            }
        })
    });
    quote!(&[#(#entries),*])
}

/// JSON written as text with values embedded: each value written as JSON (a string as the
/// inside of a JSON string).
fn json_text_template(pieces: &[TemplatePiece], scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let parts = pieces.iter().map(|p| match p {
        TemplatePiece::Text(t) => quote!(#rt::__private::TemplatePart::Literal(#t)),
        TemplatePiece::Value(v) => {
            let v = value_tokens(v, scope);
            quote!(#rt::__private::TemplatePart::Value(#rt::__private::json_text_part(&#v)))
        }
    });
    quote!(#rt::__private::serde_json::Value::String(#rt::__private::template(&[#(#parts),*])))
}

/// A path, query, header or cookie value written as a template: `null` (the parameter left
/// out) when an embedded value is absent, rather than the text with a hole in it.
pub(super) fn parameter_template(pieces: &[TemplatePiece], scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let parts = pieces.iter().map(|p| match p {
        TemplatePiece::Text(t) => quote!(#rt::__private::TemplatePart::Literal(#t)),
        TemplatePiece::Value(v) => {
            let v = value_tokens(v, scope);
            quote!(#rt::__private::TemplatePart::Value(#v))
        }
    });
    quote!(#rt::__private::template_of_present(&[#(#parts),*]))
}
