//! Stand-in items for a document that did not compile.
//!
//! When `arazzo_workflow!` reports errors, the code that calls the workflows would add its own
//! "cannot find function `register_and_activate_sim`" and "cannot find struct
//! `RegisterAndActivateSimInputs`" to the real errors, often pages of them. So next to the
//! `compile_error!`s the macro emits, for every workflow the document names, a function and the
//! two structs with the names the generator would have used. They are read from the raw YAML tree
//! rather than the model, because the model reader may be the stage that failed.
//!
//! Every field is of type `__ArazzoDocumentHasErrors`, a name nothing defines, on purpose.
//! rustc treats a name that fails to resolve in a module where a macro expansion failed (our
//! `compile_error!`s) as the error type and reports nothing about it, and nothing about any
//! expression of that type either. So `XInputs { sim_id: String::from(..), ..Default::default() }`,
//! `let s: String = out.sim_id` and `out.status == "active"` all pass silently. A concrete type
//! such as `serde_json::Value` would turn each of those into a "mismatched types" error of its own
//! (checked with rustc 1.95). For the same reason uses of items the stubs do not cover (the enums
//! made from OpenAPI schemas, which would need the possibly broken descriptions) are not reported
//! either: rustc already holds back "cannot find" errors in such a module. What the stubs add is
//! for tools that do not: rust-analyzer resolves, completes and hovers the workflow items while
//! the document is broken.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::load::Node;
use crate::names;

/// The names one workflow would have defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowStub {
    /// `workflowId`, as written.
    pub workflow_id: String,
    /// The function, e.g. `register_and_activate_sim`.
    pub fn_name: String,
    /// The inputs struct, e.g. `RegisterAndActivateSimInputs`.
    pub inputs_name: String,
    /// The outputs struct, e.g. `RegisterAndActivateSimOutputs`.
    pub outputs_name: String,
    /// Field names of the inputs struct, one per `inputs.properties` key.
    pub input_fields: Vec<String>,
    /// Field names of the outputs struct, one per `outputs` key.
    pub output_fields: Vec<String>,
}

/// The workflows of a loaded document whose names make valid Rust items, without two that
/// would define the same item (the second one would only add a "defined multiple times" error).
pub fn workflows(root: &Node) -> Vec<WorkflowStub> {
    let mut out: Vec<WorkflowStub> = Vec::new();
    let items = root
        .get("workflows")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for workflow in items {
        let Some(id) = workflow.get("workflowId").and_then(Node::as_str) else {
            continue;
        };
        let base = names::type_name(id);
        let stub = WorkflowStub {
            workflow_id: id.to_owned(),
            fn_name: names::field_name(id),
            inputs_name: format!("{base}Inputs"),
            outputs_name: format!("{base}Outputs"),
            input_fields: fields(
                workflow
                    .get("inputs")
                    .map(|i| follow_refs(root, i))
                    .and_then(|i| i.get("properties"))
                    .and_then(Node::as_map)
                    .unwrap_or_default()
                    .iter()
                    .map(|(k, _)| k.name.as_str()),
            ),
            output_fields: fields(
                workflow
                    .get("outputs")
                    .and_then(Node::as_map)
                    .unwrap_or_default()
                    .iter()
                    .map(|(k, _)| k.name.as_str()),
            ),
        };
        let valid = [&stub.fn_name, &stub.inputs_name, &stub.outputs_name]
            .into_iter()
            .all(|n| is_ident(n));
        let clashes = out.iter().any(|o| {
            o.fn_name == stub.fn_name
                || [&o.inputs_name, &o.outputs_name]
                    .iter()
                    .any(|n| **n == stub.inputs_name || **n == stub.outputs_name)
        });
        if valid && !clashes {
            out.push(stub);
        }
    }
    out
}

/// The schema a local `$ref` (`#/components/inputs/x`) leads to, through at most a few hops (a
/// cycle is the model's to report); `node` itself when it is no reference or leads nowhere, so
/// the stub then has no fields rather than none at all.
fn follow_refs<'a>(root: &'a Node, mut node: &'a Node) -> &'a Node {
    for _ in 0..8 {
        let Some(target) = node
            .get("$ref")
            .and_then(Node::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| root.pointer(pointer))
        else {
            break;
        };
        node = target;
    }
    node
}

/// Field names as the generator makes them: snake_case, unique, and only those that are valid
/// identifiers (a field left out costs at most one "no field" error where it is used).
fn fields<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in keys {
        let mut name = names::field_name(key);
        if !is_ident(&name) {
            continue;
        }
        while out.contains(&name) {
            name.push('_');
        }
        out.push(name);
    }
    out
}

/// Stub items for every workflow of `root`, referring to the runtime at `runtime`.
pub fn stubs(root: &Node, runtime: &TokenStream) -> TokenStream {
    render(&workflows(root), runtime)
}

/// Stub items for `workflows`: per workflow a `pub async fn` whose body is
/// `unimplemented!()`, and the inputs and outputs structs (`Debug, Default, Clone, PartialEq`)
/// with every field of the unresolved type `__ArazzoDocumentHasErrors` (see the module docs).
/// Meant only for output that also holds the `compile_error!`s.
pub fn render(workflows: &[WorkflowStub], runtime: &TokenStream) -> TokenStream {
    let value = quote!(__ArazzoDocumentHasErrors);
    let items = workflows.iter().map(|w| {
        let fn_name = ident(&w.fn_name);
        let inputs = ident(&w.inputs_name);
        let outputs = ident(&w.outputs_name);
        let input_fields = w.input_fields.iter().map(|f| ident(f));
        let output_fields = w.output_fields.iter().map(|f| ident(f));
        let fn_doc = format!(
            "Stand-in for workflow `{}`: the Arazzo document has errors (see the other errors).",
            w.workflow_id
        );
        // Docs everywhere, so a crate with `#![deny(missing_docs)]` gets no extra errors;
        // `dead_code` allowed, so a binary that does not call the stubs gets no warnings.
        quote! {
            #[doc = #fn_doc]
            #[allow(dead_code, unused_variables, clippy::unused_async)]
            pub async fn #fn_name(
                client: &#runtime::Client,
                inputs: #inputs,
            ) -> ::std::result::Result<#outputs, #runtime::Error> {
                ::core::unimplemented!("the Arazzo document did not compile")
            }

            #[doc = "Stand-in: the Arazzo document has errors."]
            #[allow(dead_code)]
            #[derive(Debug, Default, Clone, PartialEq)]
            pub struct #inputs {
                #(
                    #[doc = "Stand-in field."]
                    pub #input_fields: #value,
                )*
            }

            #[doc = "Stand-in: the Arazzo document has errors."]
            #[allow(dead_code)]
            #[derive(Debug, Default, Clone, PartialEq)]
            pub struct #outputs {
                #(
                    #[doc = "Stand-in field."]
                    pub #output_fields: #value,
                )*
            }
        }
    });
    quote!(#(#items)*)
}

/// Whether `name` (possibly `r#raw`) is an identifier `ident` accepts without panicking.
fn is_ident(name: &str) -> bool {
    let (raw, body) = match name.strip_prefix("r#") {
        Some(body) => (true, body),
        None => (false, name),
    };
    let mut chars = body.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let well_formed = (first == '_' || unicode_ident::is_xid_start(first))
        && chars.all(unicode_ident::is_xid_continue)
        && body != "_";
    // `self`, `super`, `crate` and `Self` cannot be raw identifiers.
    let raw_ok = !raw || !matches!(body, "self" | "Self" | "super" | "crate");
    well_formed && raw_ok
}

/// An identifier from a name [`is_ident`] accepted.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;

    const DOC: &str = "\
workflows:
- workflowId: register-and-activate-sim
  inputs:
    properties:
      simId: {type: string}
      sim_id: {type: string}
      type: {type: string}
  outputs:
    status: $steps.x.outputs.y
- workflowId: register_and_activate_sim
- workflowId: 42
- workflowId: by-ref
  inputs:
    $ref: '#/components/inputs/shared'
- workflowId: loop
  inputs:
    $ref: '#/components/inputs/loop'
components:
  inputs:
    shared:
      $ref: '#/components/inputs/real'
    real:
      properties:
        groupId: {type: string}
    loop:
      $ref: '#/components/inputs/loop'
";

    #[test]
    fn names_follow_the_generator() {
        let root = load::parse(DOC, "t.yml").unwrap();
        let stubs = workflows(&root);
        let names: Vec<&str> = stubs.iter().map(|s| s.fn_name.as_str()).collect();
        assert_eq!(names, ["register_and_activate_sim", "by_ref", "r#loop"]);
        let first = &stubs[0];
        assert_eq!(first.inputs_name, "RegisterAndActivateSimInputs");
        assert_eq!(first.outputs_name, "RegisterAndActivateSimOutputs");
        assert_eq!(first.input_fields, ["sim_id", "sim_id_", "r#type"]);
        assert_eq!(first.output_fields, ["status"]);
    }

    #[test]
    fn inputs_follow_local_refs() {
        let root = load::parse(DOC, "t.yml").unwrap();
        let stubs = workflows(&root);
        assert_eq!(stubs[1].input_fields, ["group_id"]);
        assert!(stubs[2].input_fields.is_empty());
    }

    #[test]
    fn renders_parseable_items() {
        let root = load::parse(DOC, "t.yml").unwrap();
        let tokens = stubs(&root, &quote!(::arazzo_runtime));
        let file: syn::File = syn::parse2(tokens).unwrap();
        assert_eq!(file.items.len(), 9);
    }

    #[test]
    fn odd_names_are_refused_not_panicked_on() {
        for name in ["", "_", "1a", "a-b", "r#self", "r#", "x²", "é", "_1"] {
            if is_ident(name) {
                let _ = ident(name);
            }
        }
        assert!(is_ident("é"));
        assert!(is_ident("r#type"));
        assert!(!is_ident("x²"));
        assert!(!is_ident("r#self"));
    }
}
