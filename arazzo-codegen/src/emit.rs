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
use crate::types::{RustType, TypeDef, TypeId, TypeRegistry};

use types::{emit_enum, emit_struct, emit_union};
use workflow::emit_workflow;

/// Emits every item of the plan. `runtime` is the path of the runtime crate
/// (`::arazzo_runtime` unless renamed); with `durable` (the macro's `restate` option) the outputs structs serializable
/// and each workflow of the document also a Restate workflow ([`restate`]).
pub fn emit_with(plan: &Plan, runtime: &TokenStream, durable: bool) -> TokenStream {
    let types = emit_types(&plan.types, &[], runtime);
    let items = emit_document(plan, &plan.types, &[], runtime, durable);
    quote!(#types #items)
}

/// The types `types` defines in `module` (a path of module names from the top of the
/// expansion).
pub fn emit_types(types: &TypeRegistry, module: &[String], runtime: &TokenStream) -> TokenStream {
    let paths = TypePaths { types, module };
    let defined = || types.defined_in(module);
    let enums = defined().filter_map(|def| match def {
        TypeDef::Enum(e) => Some(emit_enum(e, runtime)),
        TypeDef::Struct(_) | TypeDef::Union(_) | TypeDef::Reserved(_) => None,
    });
    let structs = defined().filter_map(|def| match def {
        TypeDef::Struct(s) => Some(emit_struct(s, runtime, paths, true)),
        TypeDef::Enum(_) | TypeDef::Union(_) | TypeDef::Reserved(_) => None,
    });
    let unions = defined().filter_map(|def| match def {
        TypeDef::Union(u) => Some(emit_union(u, runtime, paths)),
        TypeDef::Enum(_) | TypeDef::Struct(_) | TypeDef::Reserved(_) => None,
    });
    quote! {
        #(#enums)*
        #(#structs)*
        #(#unions)*
    }
}

/// The workflows of one document, written into `module`, and the modules of the documents it
/// imports (with the types defined in them); its types are named through `types`.
pub fn emit_document(
    plan: &Plan,
    types: &TypeRegistry,
    module: &[String],
    runtime: &TokenStream,
    durable: bool,
) -> TokenStream {
    let paths = TypePaths { types, module };
    let workflows = plan
        .workflows
        .iter()
        .map(|w| emit_workflow(w, runtime, paths, durable));
    let durable = durable.then(|| restate::emit(plan, paths, runtime));
    let imported = plan.imported.iter().map(|source| {
        let name = ident(&source.module);
        let doc = format!(
            " The workflows of `{}` (source description `{}`).",
            source.plan.file, source.name
        );
        let inner: Vec<String> = module.iter().chain([&source.module]).cloned().collect();
        let own_types = emit_types(types, &inner, runtime);
        let items = emit_document(&source.plan, types, &inner, runtime, false);
        quote! {
            #[doc = #doc]
            pub mod #name {
                #own_types
                #items
            }
        }
    });
    quote! {
        #(#workflows)*
        #(#imported)*
        #durable
    }
}

/// Generated types as paths from the module being written: the registry decided each type's
/// name and module; this only renders them.
#[derive(Clone, Copy)]
pub struct TypePaths<'a> {
    types: &'a TypeRegistry,
    module: &'a [String],
}

impl<'a> TypePaths<'a> {
    /// The path of the type `id` from the module being written: `super::` up to the module
    /// both are in, then down to the type's module.
    pub fn path(&self, id: TypeId) -> TokenStream {
        let target = self.types.module(id);
        let common = target
            .iter()
            .zip(self.module)
            .take_while(|(a, b)| a == b)
            .count();
        let up = self.module.iter().skip(common).map(|_| quote!(super));
        let down = target.iter().skip(common).map(|m| ident(m));
        let name = ident(self.types.name(id));
        quote!(#(#up::)* #(#down::)* #name)
    }

    /// The registry the types are from.
    pub fn types(&self) -> &'a TypeRegistry {
        self.types
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

/// The Rust type's tokens, from the module `paths` writes.
pub fn type_tokens(ty: &RustType, runtime: &TokenStream, paths: TypePaths) -> TokenStream {
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
            let inner = type_tokens(inner, runtime, paths);
            quote!(::std::vec::Vec<#inner>)
        }
        RustType::Option(inner) => {
            let inner = type_tokens(inner, runtime, paths);
            quote!(::std::option::Option<#inner>)
        }
        RustType::Boxed(inner) => {
            let inner = type_tokens(inner, runtime, paths);
            quote!(::std::boxed::Box<#inner>)
        }
        RustType::Map(inner) => {
            let inner = type_tokens(inner, runtime, paths);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        RustType::Named(id) => paths.path(*id),
    }
}
