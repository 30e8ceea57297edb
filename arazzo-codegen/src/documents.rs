//! Several Arazzo documents expanded in one `arazzo_workflow!` call: their workflows share one
//! type per schema of each OpenAPI description, so a value one workflow returns can be handed
//! to another.

use std::hash::{DefaultHasher, Hash, Hasher};

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::plan::Plan;
use crate::types::{TypeDef, TypeRegistry};
use crate::{Diagnostic, Expansion, Options, emit, plan_str, read_document};

/// Expands the Arazzo documents at `paths` (relative to `options.manifest_dir`) together: the
/// types of every document's outputs are generated once, shared by all. Two documents defining
/// a workflow of the same name is an error.
///
/// The items are defined in a hidden module of their own and re-exported, so that two calls in
/// one module defining the same item do not collide item by item (with every `impl` of it);
/// instead one hidden constant per item, defined next to the call, does, and rustc's one error
/// for it names what to do: "the name
/// `__arazzo_SimStatus__name_both_documents_in_one_arazzo_workflow_call` is defined multiple
/// times".
pub fn expand_documents(paths: &[String], options: &Options) -> Expansion {
    let mut types = TypeRegistry::default();
    let mut plans = Vec::new();
    let mut stubs = TokenStream::new();
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for path in paths {
        let (text, absolute) = match read_document(path, options) {
            Ok(read) => read,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                continue;
            }
        };
        let mut planned = plan_str(&text, path, options, std::mem::take(&mut types));
        files.push(absolute);
        files.append(&mut planned.files);
        stubs.extend(planned.stubs);
        diagnostics.append(&mut planned.diagnostics);
        if let Some(mut plan) = planned.plan {
            types = std::mem::take(&mut plan.types);
            plans.push(plan);
        }
    }
    diagnostics.extend(repeated_workflows(&plans));
    // Once per call: in the items, or next to the stubs when the documents did not compile.
    let feature_check = options
        .restate
        .then(|| emit::restate::feature_check(&options.runtime));
    let tokens = match plans.last() {
        Some(_) if diagnostics.is_empty() => {
            let shared = emit::emit_types(&types, &[], &options.runtime);
            let items: TokenStream = plans
                .iter()
                .map(|plan| {
                    emit::emit_document(plan, &types, &[], &options.runtime, options.restate)
                })
                .collect();
            let markers = markers(&types, &plans);
            let module = ident(&format!("__arazzo_{:016x}", fingerprint(paths)));
            quote! {
                #feature_check
                #(#markers)*
                #[doc(hidden)]
                pub mod #module {
                    #shared
                    #items
                }
                #[allow(ambiguous_glob_reexports)]
                pub use #module::*;
            }
        }
        _ => {
            stubs.extend(feature_check);
            TokenStream::new()
        }
    };
    Expansion {
        tokens,
        stubs,
        files,
        diagnostics,
    }
}

/// A workflow function defined by two documents of one call.
fn repeated_workflows(plans: &[Plan]) -> Vec<Diagnostic> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut diagnostics = Vec::new();
    for plan in plans {
        for workflow in &plan.workflows {
            match seen.iter().find(|(name, _)| *name == workflow.fn_name) {
                Some((_, first)) => diagnostics.push(
                    Diagnostic::new(
                        &plan.file,
                        None,
                        format!(
                            "workflow `{}` defines the function `{}`, which `{first}` defines too",
                            workflow.id, workflow.fn_name
                        ),
                    )
                    .with_hint(Some(
                        "expand the two documents in separate modules, or rename one workflowId"
                            .to_owned(),
                    )),
                ),
                None => seen.push((&workflow.fn_name, &plan.file)),
            }
        }
    }
    diagnostics
}

/// What names the hidden module of one call: the same documents, the same name.
fn fingerprint(paths: &[String]) -> u64 {
    let mut hasher = DefaultHasher::new();
    paths.hash(&mut hasher);
    hasher.finish()
}

/// One hidden constant per item the call defines at its top (the types, and each plan's
/// workflows and modules), named after the item and after what to do when two calls in one
/// module define it.
fn markers(types: &TypeRegistry, plans: &[Plan]) -> Vec<TokenStream> {
    let defined = || types.defined_in(&[]);
    let enums = defined().filter(|def| matches!(def, TypeDef::Enum(_)));
    let structs = defined().filter(|def| matches!(def, TypeDef::Struct(_)));
    let unions = defined().filter(|def| matches!(def, TypeDef::Union(_)));
    let types = enums.chain(structs).chain(unions).map(TypeDef::name);
    let workflows = plans
        .iter()
        .flat_map(|plan| &plan.workflows)
        .flat_map(|w| [w.fn_name.as_str(), w.outputs.name.as_str()]);
    let modules = plans
        .iter()
        .flat_map(|plan| &plan.imported)
        .map(|source| source.module.as_str());
    types
        .chain(workflows)
        .chain(modules)
        .map(|name| {
            let marker = ident(&format!(
                "__arazzo_{}__name_both_documents_in_one_arazzo_workflow_call",
                name.trim_start_matches("r#")
            ));
            quote! {
                #[doc(hidden)]
                #[allow(dead_code, non_upper_case_globals)]
                const #marker: () = ();
            }
        })
        .collect()
}
