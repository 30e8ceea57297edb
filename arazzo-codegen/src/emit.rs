//! Turns a [`Plan`] into Rust tokens: [`types`] for structs and enums, [`values`] for runtime
//! values and criteria, [`workflow`] for each workflow's function and its step state machine.

mod body;
pub mod restate;
mod types;
mod values;
mod workflow;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::plan::Plan;
use crate::types::RustType;

use types::{emit_enum, emit_struct, emit_union};
use workflow::emit_workflow;

/// Emits every item of the plan. `runtime` is the path of the runtime crate
/// (`::arazzo_runtime` unless renamed).
pub fn emit(plan: &Plan, runtime: &TokenStream) -> TokenStream {
    emit_with(plan, runtime, false)
}

/// [`emit`], and with `durable` (the macro's `restate` option) the outputs structs serializable
/// and each workflow of the document also a Restate workflow ([`restate`]).
pub fn emit_with(plan: &Plan, runtime: &TokenStream, durable: bool) -> TokenStream {
    let enums = plan.types.enums.iter().map(|e| emit_enum(e, runtime));
    let structs = plan
        .types
        .structs
        .iter()
        .map(|s| emit_struct(s, runtime, true));
    let unions = plan.types.unions.iter().map(|u| emit_union(u, runtime));
    let workflows = plan
        .workflows
        .iter()
        .map(|w| emit_workflow(w, runtime, durable));
    let durable = durable.then(|| restate::emit(plan, runtime));
    let imported = plan.imported.iter().map(|source| {
        let module = ident(&source.module);
        let doc = format!(
            " The workflows of `{}` (source description `{}`).",
            source.plan.file, source.name
        );
        let items = emit(&source.plan, runtime);
        quote! {
            #[doc = #doc]
            pub mod #module {
                #items
            }
        }
    });
    quote! {
        #(#enums)*
        #(#structs)*
        #(#unions)*
        #(#workflows)*
        #(#imported)*
        #durable
    }
}

/// A path (`module::Name`) from a name `names` produced, possibly qualified by modules.
pub fn path(name: &str) -> TokenStream {
    let segments = name.split("::").map(ident);
    quote!(#(#segments)::*)
}

/// An identifier from a name `names` produced (possibly `r#raw`). Anything else is made one by
/// `names` rather than panicking the macro.
pub fn ident(name: &str) -> Ident {
    let raw = name.strip_prefix("r#");
    let text = raw.unwrap_or(name);
    let valid = text
        .chars()
        .next()
        .is_some_and(|c| unicode_ident::is_xid_start(c) || c == '_')
        && text.chars().all(unicode_ident::is_xid_continue)
        && text != "_"
        && !(raw.is_some() && ["self", "Self", "super", "crate"].contains(&text));
    if !valid {
        return ident(&crate::names::field_name(name));
    }
    match raw {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

fn doc_text(text: &str) -> TokenStream {
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    docs(&lines)
}

/// The Rust type's tokens.
pub fn type_tokens(ty: &RustType, runtime: &TokenStream) -> TokenStream {
    match ty {
        RustType::String => quote!(::std::string::String),
        RustType::Secret => quote!(#runtime::Secret),
        RustType::I64 => quote!(i64),
        RustType::I32 => quote!(i32),
        RustType::F64 => quote!(f64),
        RustType::Bool => quote!(bool),
        RustType::U16 => quote!(u16),
        RustType::Json => quote!(#runtime::__private::serde_json::Value),
        RustType::Vec(inner) => {
            let inner = type_tokens(inner, runtime);
            quote!(::std::vec::Vec<#inner>)
        }
        RustType::Option(inner) => {
            let inner = type_tokens(inner, runtime);
            quote!(::std::option::Option<#inner>)
        }
        RustType::Boxed(inner) => {
            let inner = type_tokens(inner, runtime);
            quote!(::std::boxed::Box<#inner>)
        }
        RustType::Map(inner) => {
            let inner = type_tokens(inner, runtime);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        RustType::Named(name) => path(name),
    }
}
