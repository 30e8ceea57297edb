//! `arazzo_workflow!`: compiles an Arazzo document into typed async Rust at build time.
//!
//! A thin shell over `arazzo-codegen`: it parses the macro input, resolves the path against the
//! calling crate, and turns diagnostics into `compile_error!`s, emitted next to stand-in items
//! for the workflows so that code using them still resolves. Use it through
//! `arazzo_runtime::arazzo_workflow!`, which the generated code expects to find as
//! `::arazzo_runtime`.

use proc_macro::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// `arazzo_workflow!("workflows/arazzo/x.yml")`, or with a renamed runtime dependency
/// `arazzo_workflow!("workflows/arazzo/x.yml", runtime = my_runtime)`.
///
/// Several documents in one call, `arazzo_workflow!("wf/a.yml", "wf/b.yml")`, share one
/// generated type per schema of each OpenAPI description: a `SimStatus` one workflow returns is
/// the `SimStatus` another takes. Two calls in one module cannot both define it: name both
/// documents in one call.
///
/// The path is relative to the calling crate's directory, and the macro reads nothing outside
/// it: a document or source description reached through `..`, an absolute path or a symbolic
/// link leading out is a compile error unless the call says `allow_outside_crate`, e.g.
/// `arazzo_workflow!("../common/x.yml", allow_outside_crate)`. It never reads the network.
///
/// For every workflow in the document it emits `pub async fn <workflow_id>(client, inputs)`,
/// `pub struct <WorkflowId>Inputs` and `pub struct <WorkflowId>Outputs`, plus the enums their
/// fields need. Every mistake in the document is a compile error naming `file:line:col`.
///
/// With `restate` (`arazzo_workflow!("x.yml", restate)`, needs `arazzo-runtime`'s `restate`
/// feature) each workflow of the document is also a Restate workflow service named after its
/// `workflowId`: a unit struct `<WorkflowId>Workflow` implementing
/// `arazzo_runtime::restate::Workflow`, and the outputs structs are `Serialize`/`Deserialize`.
#[proc_macro]
pub fn arazzo_workflow(input: TokenStream) -> TokenStream {
    match syn::parse::<MacroInput>(input) {
        Ok(input) => expand(input).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

struct MacroInput {
    paths: Vec<LitStr>,
    runtime: Option<syn::Path>,
    allow_outside_crate: bool,
    restate: bool,
}

impl Parse for MacroInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut paths = vec![input.parse::<LitStr>()?];
        let mut runtime = None;
        let mut allow_outside_crate = false;
        let mut restate = false;
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            if input.peek(LitStr) {
                paths.push(input.parse()?);
                continue;
            }
            let key: syn::Ident = input.parse()?;
            if key == "runtime" {
                input.parse::<Token![=]>()?;
                runtime = Some(input.parse()?);
            } else if key == "allow_outside_crate" {
                allow_outside_crate = true;
            } else if key == "restate" {
                restate = true;
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    "expected `runtime = path::to::arazzo_runtime`, `allow_outside_crate` or `restate`",
                ));
            }
        }
        if !input.is_empty() {
            return Err(input.error("expected `,`"));
        }
        Ok(Self {
            paths,
            runtime,
            allow_outside_crate,
            restate,
        })
    }
}

/// The directory the macro resolves paths against: the calling crate's manifest directory, or
/// `ARAZZO_MANIFEST_DIR` when set (compile-fail tests run the compiler from a scratch crate).
fn manifest_dir() -> Option<String> {
    std::env::var("ARAZZO_MANIFEST_DIR")
        .ok()
        .or_else(|| std::env::var("CARGO_MANIFEST_DIR").ok())
}

fn expand(input: MacroInput) -> proc_macro2::TokenStream {
    let span = input
        .paths
        .first()
        .map_or_else(proc_macro2::Span::call_site, LitStr::span);
    let Some(dir) = manifest_dir() else {
        return syn::Error::new(span, "CARGO_MANIFEST_DIR is not set; build with cargo")
            .to_compile_error();
    };
    let mut options = arazzo_codegen::Options::new(dir);
    if let Some(runtime) = input.runtime {
        options.runtime = quote!(#runtime);
    }
    options.allow_outside_crate = input.allow_outside_crate;
    options.restate = input.restate;
    let paths: Vec<String> = input.paths.iter().map(LitStr::value).collect();
    let expansion = arazzo_codegen::expand_documents(&paths, &options);
    let includes = expansion.files.iter().filter_map(|f| f.to_str()).map(|f| {
        quote!(
            const _: &[u8] = ::core::include_bytes!(#f);
        )
    });
    // Under the path of the document the mistake is in, when it is one of those named; else
    // (an OpenAPI description, an imported document) under the first.
    let errors = expansion.diagnostics.iter().map(|d| {
        let span = input
            .paths
            .iter()
            .find(|path| same_file(&path.value(), &d.file))
            .map_or(span, LitStr::span);
        syn::Error::new(span, d.to_string()).to_compile_error()
    });
    // On failure `tokens` is empty and `stubs` stands in for it, so the caller's uses of the
    // workflow functions and structs still resolve (in rust-analyzer too) and no error but the
    // document's is reported.
    let tokens = expansion.tokens;
    let stubs = expansion.stubs;
    quote! {
        #(#includes)*
        #(#errors)*
        #tokens
        #stubs
    }
}

/// Whether a path named in the call and a diagnostic's file are the same file, as written
/// (a leading `./` aside).
fn same_file(named: &str, file: &str) -> bool {
    named.trim_start_matches("./") == file.trim_start_matches("./")
}
