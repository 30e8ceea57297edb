//! The `restate` option: each workflow of the document is also a Restate workflow service,
//! through a unit struct `<WorkflowId>Workflow` implementing the runtime's
//! `restate::Workflow` (the runtime serves it; the generated function runs unchanged).
//!
//! The option needs the runtime's `restate` feature, which the macro cannot see. So the impls are
//! wrapped in the runtime's `__restate_items!` (which keeps them with the feature and drops them
//! without), and each expansion calls its `__restate_feature!()` once (nothing with the feature,
//! one `compile_error!` naming the feature without): a missing feature is one error, not one per
//! item that needs it. The structs are always defined, so code naming them resolves either way.

use proc_macro2::TokenStream;
use quote::quote;

use super::{TypePaths, ident, path};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Node;
use crate::names;
use crate::plan::{Plan, WorkflowPlan};
use crate::stub::WorkflowStub;

/// The `<WorkflowId>Workflow` structs and their `impl restate::Workflow` of the document's own
/// workflows (those of imported documents are served by their own document's expansion).
pub fn emit(plan: &Plan, paths: TypePaths, runtime: &TokenStream) -> TokenStream {
    let structs = plan
        .workflows
        .iter()
        .map(|w| workflow_struct(&struct_name(paths, w), &w.id));
    let impls = plan.workflows.iter().map(|w| emit_impl(paths, w, runtime));
    quote! {
        #(#structs)*
        #runtime::__restate_items! { #(#impls)* }
    }
}

/// The one check per expansion that the runtime has the `restate` feature.
pub fn feature_check(runtime: &TokenStream) -> TokenStream {
    quote!(#runtime::__restate_feature!();)
}

/// Stand-ins of the `<WorkflowId>Workflow` structs for a document with errors (next to the
/// other stubs), so that code naming one gets no error of its own: the struct, and its impl with
/// the unresolved type the stubs use (rustc reports nothing about it next to the document's
/// errors).
pub fn stubs(workflows: &[WorkflowStub], runtime: &TokenStream) -> TokenStream {
    let items = workflows.iter().map(|w| {
        let name = format!("{}Workflow", names::type_name(&w.workflow_id));
        let structure = workflow_struct(&name, &w.workflow_id);
        let name = ident(&name);
        let id = &w.workflow_id;
        quote! {
            #structure
            #runtime::__restate_items! {
                impl #runtime::restate::Workflow for #name {
                    const NAME: &'static str = #id;
                    type Inputs = __ArazzoDocumentHasErrors;
                    type Outputs = __ArazzoDocumentHasErrors;
                    #[allow(unused_variables)]
                    fn run(
                        client: &#runtime::Client,
                        inputs: Self::Inputs,
                    ) -> impl ::std::future::Future<
                        Output = ::std::result::Result<Self::Outputs, #runtime::Error>,
                    > + ::std::marker::Send {
                        async { ::core::unimplemented!("the Arazzo document did not compile") }
                    }
                }
            }
        }
    });
    quote!(#(#items)*)
}

/// The name of the struct standing for workflow `w` in Restate.
fn struct_name(paths: TypePaths, w: &WorkflowPlan) -> String {
    paths
        .types()
        .free_name(&format!("{}Workflow", names::type_name(&w.id)))
}

/// The unit struct `name` standing for workflow `id` in Restate.
fn workflow_struct(name: &str, id: &str) -> TokenStream {
    let doc = format!(
        " Workflow `{id}` as a Restate workflow service named `{id}` (handler `run`): serve it \
         with `restate::service::<{name}>(&client)`; start a run with `POST /{id}/<key>/run` and \
         the inputs as JSON."
    );
    let name = ident(name);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #name;
    }
}

fn emit_impl(paths: TypePaths, w: &WorkflowPlan, rt: &TokenStream) -> TokenStream {
    let name = ident(&struct_name(paths, w));
    let id = &w.id;
    let function = path(&w.fn_name);
    let inputs = paths.path(w.inputs);
    let outputs = ident(&w.outputs.name);
    quote! {
        impl #rt::restate::Workflow for #name {
            const NAME: &'static str = #id;
            type Inputs = #inputs;
            type Outputs = #outputs;
            fn run(
                client: &#rt::Client,
                inputs: Self::Inputs,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<Self::Outputs, #rt::Error>,
            > + ::std::marker::Send {
                #function(client, inputs)
            }
        }
    }
}

/// Restate names a service with a letter first, then letters, digits, `_`, `.` and `-` (or
/// `_` and a letter or digit first): a `workflowId` it cannot take is an error at the id.
pub fn check_names(root: &Node, file: &str, diags: &mut Diagnostics) {
    let Some(workflows) = root.get("workflows").and_then(Node::as_seq) else {
        return;
    };
    for id in workflows.iter().filter_map(|w| w.get("workflowId")) {
        let Some(text) = id.as_str() else {
            continue;
        };
        if !is_service_name(text) {
            diags.push(
                Diagnostic::new(
                    file,
                    Some(id.pos),
                    format!("workflowId `{text}` cannot name a Restate service (the `restate` option names each workflow's service after its workflowId)"),
                )
                .with_hint(Some(
                    "Restate service names start with a letter and go on with letters, digits, `_`, `.` or `-`; rename the workflow, or drop the `restate` option".to_owned(),
                )),
            );
        }
    }
}

/// Whether Restate accepts `name` as a service name: `^([a-zA-Z]|_[a-zA-Z0-9])[a-zA-Z0-9._-]*$`.
fn is_service_name(name: &str) -> bool {
    let mut chars = name.chars();
    let start = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => true,
        Some('_') => chars.next().is_some_and(|c| c.is_ascii_alphanumeric()),
        _ => false,
    };
    start && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::is_service_name;

    #[test]
    fn service_names_follow_restates_pattern() {
        for good in ["register-and-activate-sim", "a", "_1x", "A.b_c-9"] {
            assert!(is_service_name(good), "{good}");
        }
        for bad in ["", "1st", "-x", "_", "_-x", "a b", "é"] {
            assert!(!is_service_name(bad), "{bad}");
        }
    }
}
