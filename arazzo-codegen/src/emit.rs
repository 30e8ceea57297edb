//! Turns a [`Plan`] into Rust tokens.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::expr::CmpOp;
use crate::openapi::SchemeKind;
use crate::plan::{
    CheckPlan, CondPlan, LiteralJson, OperationPlan, OutputSource, Plan, StepPlan, TemplatePiece,
    ValuePlan, WorkflowPlan,
};
use crate::types::{EnumDef, RustType, StructDef};

/// Emits every item of the plan. `runtime` is the path of the runtime crate
/// (`::arazzo_runtime` unless renamed).
pub fn emit(plan: &Plan, runtime: &TokenStream) -> TokenStream {
    let enums = plan.types.enums.iter().map(|e| emit_enum(e, runtime));
    let structs = plan
        .types
        .structs
        .iter()
        .map(|s| emit_struct(s, runtime, true));
    let workflows = plan.workflows.iter().map(|w| emit_workflow(w, runtime));
    quote! {
        #(#enums)*
        #(#structs)*
        #(#workflows)*
    }
}

/// An identifier from a name `names` produced (possibly `r#raw`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
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
        RustType::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// The serde path for `#[serde(crate = "...")]`: generated types derive through the runtime's
/// re-export, so the user's crate needs no serde dependency.
fn serde_crate(runtime: &TokenStream) -> String {
    format!("{runtime}::__private::serde").replace(' ', "")
}

fn emit_struct(def: &StructDef, runtime: &TokenStream, serde: bool) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs(&def.doc);
    let serde_crate = serde_crate(runtime);
    let fields = def.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let ty = type_tokens(&f.ty, runtime);
        let wire = &f.wire;
        let doc = f.doc.as_deref().map(doc_text).unwrap_or_default();
        let optional = matches!(f.ty, RustType::Option(_));
        let serde_attr = if !serde {
            quote!()
        } else if optional {
            quote!(#[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")])
        } else {
            quote!(#[serde(rename = #wire)])
        };
        quote! {
            #doc
            #serde_attr
            pub #field: #ty,
        }
    });
    let derives = if serde {
        quote! {
            #[derive(Debug, Clone, PartialEq, #runtime::__private::serde::Serialize, #runtime::__private::serde::Deserialize)]
            #[serde(crate = #serde_crate)]
        }
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
        }
    }
}

fn emit_enum(def: &EnumDef, runtime: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let fallback = ident(&def.fallback);
    let mut doc_lines: Vec<String> = Vec::new();
    if let Some(d) = &def.doc {
        doc_lines.extend(d.lines().map(str::to_owned));
        doc_lines.push(String::new());
    }
    doc_lines.push(format!(
        "Values the API description lists; any other value the server sends is kept in `{}`.",
        def.fallback
    ));
    let doc = docs(&doc_lines);
    let serde_crate = serde_crate(runtime);
    let variants: Vec<Ident> = def.variants.iter().map(|(v, _)| ident(v)).collect();
    let values: Vec<&String> = def.variants.iter().map(|(_, w)| w).collect();
    let variant_docs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, #runtime::__private::serde::Serialize, #runtime::__private::serde::Deserialize)]
        #[serde(crate = #serde_crate, from = "::std::string::String", into = "::std::string::String")]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value the API description does not list.
            #fallback(::std::string::String),
        }

        impl #name {
            /// The value as the API sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#fallback(other) => other.as_str(),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#variants,)*
                    _ => Self::#fallback(value),
                }
            }
        }

        impl ::std::convert::From<#name> for ::std::string::String {
            fn from(value: #name) -> Self {
                match value {
                    #name::#fallback(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(::std::convert::From::from(value.to_owned()))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::cmp::PartialEq<str> for #name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl ::std::cmp::PartialEq<&str> for #name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    }
}

fn emit_operation(op: &OperationPlan, runtime: &TokenStream) -> TokenStream {
    let (source, server, id, method, path) =
        (&op.source, &op.default_server, &op.id, &op.method, &op.path);
    let alternatives = op.security.iter().map(|schemes| {
        let schemes = schemes.iter().map(|(name, kind)| match kind {
            SchemeKind::ApiKey {
                location,
                parameter,
            } => {
                let location = match location.as_str() {
                    "query" => quote!(Query),
                    "cookie" => quote!(Cookie),
                    _ => quote!(Header),
                };
                quote!(#runtime::SecurityScheme::ApiKey {
                    scheme: #name,
                    location: #runtime::ApiKeyLocation::#location,
                    parameter: #parameter,
                })
            }
            SchemeKind::Bearer => quote!(#runtime::SecurityScheme::Bearer { scheme: #name }),
            SchemeKind::Basic => quote!(#runtime::SecurityScheme::Basic { scheme: #name }),
        });
        quote!(&[#(#schemes),*])
    });
    quote! {
        #runtime::__private::Operation {
            source: #source,
            default_server: #server,
            id: #id,
            method: #method,
            path: #path,
            security: &[#(#alternatives),*],
        }
    }
}

/// Code evaluating to a `serde_json::Value`.
fn value_tokens(value: &ValuePlan, runtime: &TokenStream) -> TokenStream {
    let json = quote!(#runtime::__private::serde_json);
    match value {
        ValuePlan::Literal(lit) => literal_tokens(lit, runtime),
        ValuePlan::Array(items) => {
            let items = items.iter().map(|i| value_tokens(i, runtime));
            quote!(#json::Value::Array(::std::vec![#(#items),*]))
        }
        ValuePlan::Object(entries) => {
            let inserts = entries.iter().map(|(k, v)| match v {
                // An absent optional input leaves its member out rather than sending `null`.
                ValuePlan::Input { field, ty: RustType::Option(_) } => {
                    let field = ident(field);
                    quote! {
                        if let ::std::option::Option::Some(value) = &inputs.#field {
                            map.insert(::std::string::String::from(#k), #runtime::__private::to_json(value));
                        }
                    }
                }
                v => {
                    let v = value_tokens(v, runtime);
                    quote!(map.insert(::std::string::String::from(#k), #v);)
                }
            });
            quote!({
                let mut map = #json::Map::new();
                #(#inserts)*
                #json::Value::Object(map)
            })
        }
        ValuePlan::Input { field, .. } => {
            let field = ident(field);
            quote!(#runtime::__private::to_json(&inputs.#field))
        }
        ValuePlan::StepOutput { var, .. } => {
            let var = ident(var);
            quote!(#runtime::__private::to_json(&#var))
        }
        ValuePlan::Template(pieces) => {
            let parts = pieces.iter().map(|p| match p {
                TemplatePiece::Text(t) => quote!(#runtime::__private::TemplatePart::Literal(#t)),
                TemplatePiece::Value(v) => {
                    let v = value_tokens(v, runtime);
                    quote!(#runtime::__private::TemplatePart::Value(#v))
                }
            });
            quote!(#json::Value::String(#runtime::__private::template(&[#(#parts),*])))
        }
        ValuePlan::Status => quote!(#json::Value::from(response.status())),
        ValuePlan::ResponseHeader(name) => quote!(response.header(#name)),
        ValuePlan::ResponseBody(pointer) => quote!(response.body_at(#pointer)),
    }
}

fn literal_tokens(lit: &LiteralJson, runtime: &TokenStream) -> TokenStream {
    let json = quote!(#runtime::__private::serde_json);
    match lit {
        LiteralJson::Null => quote!(#json::Value::Null),
        LiteralJson::Bool(b) => quote!(#json::Value::Bool(#b)),
        LiteralJson::Int(i) => quote!(#json::Value::from(#i)),
        LiteralJson::Float(f) => {
            let f = Literal::f64_suffixed(if f.is_finite() { *f } else { 0.0 });
            quote!(#json::Value::from(#f))
        }
        LiteralJson::Str(s) => quote!(#json::Value::String(::std::string::String::from(#s))),
    }
}

fn cond_tokens(cond: &CondPlan, runtime: &TokenStream) -> TokenStream {
    match cond {
        CondPlan::Or(a, b) => {
            let (a, b) = (cond_tokens(a, runtime), cond_tokens(b, runtime));
            quote!((#a || #b))
        }
        CondPlan::And(a, b) => {
            let (a, b) = (cond_tokens(a, runtime), cond_tokens(b, runtime));
            quote!((#a && #b))
        }
        CondPlan::Not(a) => {
            let a = cond_tokens(a, runtime);
            quote!((!#a))
        }
        // The common `$statusCode == 201` compiles to an integer comparison.
        CondPlan::Compare(ValuePlan::Status, op, ValuePlan::Literal(LiteralJson::Int(code)))
            if (0..=999).contains(code) =>
        {
            let code = Literal::u16_unsuffixed(*code as u16);
            let op = match op {
                CmpOp::Eq => quote!(==),
                CmpOp::Ne => quote!(!=),
                CmpOp::Lt => quote!(<),
                CmpOp::Le => quote!(<=),
                CmpOp::Gt => quote!(>),
                CmpOp::Ge => quote!(>=),
            };
            quote!((response.status() #op #code))
        }
        CondPlan::Compare(a, op, b) => {
            let (a, b) = (value_tokens(a, runtime), value_tokens(b, runtime));
            let op = match op {
                CmpOp::Eq => quote!(Eq),
                CmpOp::Ne => quote!(Ne),
                CmpOp::Lt => quote!(Lt),
                CmpOp::Le => quote!(Le),
                CmpOp::Gt => quote!(Gt),
                CmpOp::Ge => quote!(Ge),
            };
            quote!(#runtime::__private::compare(&#a, #runtime::__private::Comparison::#op, &#b))
        }
        CondPlan::Truthy(a) => {
            let a = value_tokens(a, runtime);
            quote!(#runtime::__private::truthy(&#a))
        }
    }
}

fn emit_step(workflow: &str, step: &StepPlan, runtime: &TokenStream) -> TokenStream {
    let rt = quote!(#runtime::__private);
    let step_id = &step.id;
    let operation = emit_operation(&step.op, runtime);
    let params = step.params.iter().map(|(location, name, value)| {
        let value = value_tokens(value, runtime);
        match location.as_str() {
            "path" => quote!(request.path_param(#name, &#value)?;),
            "query" => quote!(request.query_param(#name, &#value);),
            "cookie" => quote!(request.cookie_param(#name, &#value);),
            _ => quote!(request.header_param(#name, &#value)?;),
        }
    });
    let body = step.body.as_ref().map(|(content_type, value)| {
        let json = crate::openapi::is_json(content_type);
        match value {
            ValuePlan::Template(_) | ValuePlan::Literal(LiteralJson::Str(_)) if !json => {
                let value = value_tokens(value, runtime);
                quote!(request.text_body(#content_type, #rt::to_text(&#value).unwrap_or_default());)
            }
            _ => {
                let value = value_tokens(value, runtime);
                quote!(request.json_body(#content_type, &#value);)
            }
        }
    });
    let criteria = step.criteria.iter().enumerate().map(|(i, c)| {
        let text = &c.text;
        let check = match &c.check {
            CheckPlan::Simple(cond) => cond_tokens(cond, runtime),
            CheckPlan::Regex { context, pattern } => {
                let context = value_tokens(context, runtime);
                let re = format_ident!("CRITERION_{}", i);
                return quote! {
                    static #re: ::std::sync::LazyLock<::std::option::Option<#rt::Regex>> =
                        ::std::sync::LazyLock::new(|| #rt::regex(#pattern));
                    if !#re.as_ref().is_some_and(|re| re.is_match(&#rt::to_text(&#context).unwrap_or_default())) {
                        return ::std::result::Result::Err(response.criterion_failed(#text));
                    }
                };
            }
        };
        quote! {
            if !#check {
                return ::std::result::Result::Err(response.criterion_failed(#text));
            }
        }
    });
    let vars: Vec<Ident> = step.outputs.iter().map(|o| ident(&o.var)).collect();
    let reads = step.outputs.iter().map(|o| {
        let (name, expression) = (&o.name, &o.expression);
        match &o.from {
            OutputSource::Status => quote!(response.status()),
            OutputSource::Header(header) => {
                quote!(response.header_output(#name, #expression, #header)?)
            }
            OutputSource::Body(pointer) => match &o.ty {
                RustType::Option(inner) => {
                    let inner = type_tokens(inner, runtime);
                    quote!(response.body_output_nullable::<#inner>(#expression, #pointer)?)
                }
                ty => {
                    let ty = type_tokens(ty, runtime);
                    quote!(response.body_output::<#ty>(#name, #expression, #pointer)?)
                }
            },
        }
    });
    quote! {
        let (#(#vars,)*) = {
            static OPERATION: #rt::Operation = #operation;
            let mut request = #rt::StepRequest::new(client, &OPERATION, #workflow, #step_id);
            #(#params)*
            #body
            let response = request.send().await?;
            #(#criteria)*
            (#(#reads,)*)
        };
    }
}

fn emit_workflow(w: &WorkflowPlan, runtime: &TokenStream) -> TokenStream {
    let fn_name = ident(&w.fn_name);
    let inputs = ident(&w.inputs);
    let outputs_ty = ident(&w.outputs.name);
    let outputs_struct = emit_struct(&w.outputs, runtime, false);
    let doc = docs(&w.doc);
    let id = &w.id;
    let steps = w.steps.iter().map(|s| emit_step(id, s, runtime));
    let fields = w.outputs.fields.iter().zip(&w.output_values).map(|(f, v)| {
        let field = ident(&f.ident);
        let value = match v {
            ValuePlan::Input { field, .. } => {
                let field = ident(field);
                quote!(::std::clone::Clone::clone(&inputs.#field))
            }
            ValuePlan::StepOutput { var, .. } => {
                let var = ident(var);
                quote!(::std::clone::Clone::clone(&#var))
            }
            other => value_tokens(other, runtime),
        };
        quote!(#field: #value,)
    });
    quote! {
        #outputs_struct

        #doc
        #[allow(unused_variables, clippy::clone_on_copy, clippy::redundant_clone)]
        pub async fn #fn_name(
            client: &#runtime::Client,
            inputs: #inputs,
        ) -> ::std::result::Result<#outputs_ty, #runtime::Error> {
            #runtime::__private::Instrument::instrument(
                async move {
                    #(#steps)*
                    ::std::result::Result::Ok(#outputs_ty { #(#fields)* })
                },
                #runtime::__private::workflow_span(#id),
            )
            .await
        }
    }
}
