//! A workflow's function: `dependsOn` calls, then a `loop` over a generated step enum in which
//! each arm runs one step, checks its criteria, keeps its outputs and picks the next step by its
//! actions.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::openapi::SchemeKind;
use crate::plan::{
    ActionPlan, ActionPlanKind, BodyPlan, LiteralJson, OperationPlan, OutputSource, RetryFirst,
    StepCall, StepPlan, TemplatePiece, ValuePlan, WorkflowCall, WorkflowPlan,
};
use crate::types::RustType;

use super::types::emit_struct;
use super::values::{Scope, all_hold, first_failed, value_tokens};
use super::{docs, ident, path, type_tokens};

/// Everything a step arm needs to know about the workflow around it.
struct Machine<'w> {
    rt: &'w TokenStream,
    workflow: &'w WorkflowPlan,
    variants: Vec<Ident>,
    /// Whether some `retry` runs another step first (and so needs to come back).
    resumes: bool,
}

/// Why a step failed, which decides what failure actions can read and what error ends it.
#[derive(Clone, Copy, PartialEq)]
enum Cause {
    /// A response that did not meet a criterion (`response`, `criterion` in scope).
    Response,
    /// A called workflow whose outputs did not meet a criterion (`criterion` in scope).
    Nested,
    /// No response at all (`error` in scope): only actions without criteria apply.
    Error,
}

pub(super) fn emit_workflow(w: &WorkflowPlan, rt: &TokenStream) -> TokenStream {
    let fn_name = ident(&w.fn_name);
    let inputs = ident(&w.inputs);
    let outputs_ty = ident(&w.outputs.name);
    let outputs_struct = emit_struct(&w.outputs, rt, false);
    let doc = docs(&w.doc);
    let id = &w.id;
    let machine = Machine {
        rt,
        workflow: w,
        variants: variants(&w.steps),
        resumes: w.steps.iter().any(|s| {
            s.on_failure.iter().any(|a| {
                matches!(
                    a.kind,
                    ActionPlanKind::Retry {
                        first: Some(RetryFirst::Step(_)),
                        ..
                    }
                )
            })
        }),
    };
    let dependencies = w.depends_on.iter().map(|d| {
        let var = ident(&d.var);
        let call = machine.call_with_inputs(d, None);
        quote!(let #var = #call;)
    });
    let declarations = w.steps.iter().flat_map(|s| &s.outputs).map(|o| {
        let var = ident(&o.var);
        let ty = type_tokens(&o.ty, rt);
        quote!(let mut #var: ::std::option::Option<#ty> = ::std::option::Option::None;)
    });
    let resume = machine.resumes.then(
        || quote!(let mut resume: ::std::option::Option<Step> = ::std::option::Option::None;),
    );
    let arms = w.steps.iter().enumerate().map(|(i, s)| {
        let variant = &machine.variants[i];
        let body = machine.step(i, s);
        quote!(Step::#variant => { #body })
    });
    let variants = &machine.variants;
    let first = &variants[0];
    let slots = w.retry_slots;
    let fields = w.outputs.fields.iter().zip(&w.output_values).map(|(f, v)| {
        let field = ident(&f.ident);
        let value = machine.output_value(v);
        quote!(#field: #value,)
    });
    quote! {
        #outputs_struct

        #doc
        #[allow(
            unused_variables,
            unused_mut,
            unused_assignments,
            unreachable_code,
            clippy::clone_on_copy,
            clippy::redundant_clone,
            clippy::never_loop,
            clippy::match_single_binding,
            clippy::needless_return,
            clippy::diverging_sub_expression
        )]
        pub async fn #fn_name(
            client: &#rt::Client,
            inputs: #inputs,
        ) -> ::std::result::Result<#outputs_ty, #rt::Error> {
            let run = #rt::__private::Instrument::instrument(
                async move {
                    #(#dependencies)*
                    #[derive(Clone, Copy)]
                    enum Step { #(#variants,)* }
                    let mut run = #rt::__private::Run::new(client, #id, #slots);
                    #(#declarations)*
                    #resume
                    let mut step = Step::#first;
                    'steps: loop {
                        match step {
                            #(#arms)*
                        }
                    }
                    ::std::result::Result::Ok(#outputs_ty { #(#fields)* })
                },
                #rt::__private::workflow_span(#id),
            );
            #rt::__private::correlated(client, #id, run).await
        }
    }
}

/// The step enum's variants, made unique.
fn variants(steps: &[StepPlan]) -> Vec<Ident> {
    let mut names: Vec<String> = Vec::new();
    for step in steps {
        let mut name = if step.variant.is_empty() {
            "Step".to_owned()
        } else {
            step.variant.trim_start_matches("r#").to_owned()
        };
        while names.contains(&name) {
            name.push('_');
        }
        names.push(name);
    }
    names.iter().map(|n| format_ident!("{}", n)).collect()
}

impl Machine<'_> {
    fn scope<'s>(&'s self, reader: Option<&'s str>) -> Scope<'s> {
        Scope {
            rt: self.rt,
            workflow: &self.workflow.id,
            reader,
            in_criterion: false,
        }
    }

    /// Awaits another workflow called with this workflow's inputs, by name.
    fn call_with_inputs(&self, call: &WorkflowCall, step: Option<&str>) -> TokenStream {
        let rt = self.rt;
        let f = path(&call.fn_name);
        let (workflow, callee) = (&self.workflow.id, &call.id);
        let step = match step {
            Some(step) => quote!(::std::option::Option::Some(#step)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            #f(
                client,
                #rt::__private::inputs_from(#rt::__private::to_json(&inputs), #workflow, #step, #callee)?,
            )
            .await?
        }
    }

    fn goto(&self, index: usize) -> TokenStream {
        let variant = &self.variants[index];
        quote! {
            step = Step::#variant;
            continue 'steps;
        }
    }

    /// A `goto` to a workflow: run it with this workflow's inputs, then end this one.
    fn goto_workflow(&self, call: &WorkflowCall, step_id: &str) -> TokenStream {
        let call = self.call_with_inputs(call, Some(step_id));
        quote! {
            #call;
            break 'steps;
        }
    }

    fn step(&self, index: usize, step: &StepPlan) -> TokenStream {
        let rt = self.rt;
        let step_id = &step.id;
        let workflow = &self.workflow.id;
        let scope = self.scope(Some(step_id));
        let failed = first_failed(&step.criteria, scope);
        let on_error = self.failure_actions(index, step, Cause::Error);
        let (attempt, on_failure) = match &step.call {
            StepCall::Operation { op, params, body } => {
                let operation = emit_operation(op, rt);
                let params = params.iter().map(|(location, name, plan)| {
                    // A query, header or cookie from a step a `goto` skipped is left out, like
                    // an absent optional input.
                    if let ValuePlan::StepOutput {
                        var,
                        certain: false,
                        pointer: None,
                        ..
                    } = plan
                        && !matches!(location.as_str(), "path" | "querystring")
                    {
                        let var = ident(var);
                        let set = match location.as_str() {
                            "query" => quote!(request.query_param(#name, &value);),
                            "cookie" => quote!(request.cookie_param(#name, &value);),
                            _ => quote!(request.header_param(#name, &value)?;),
                        };
                        return quote! {
                            if let ::std::option::Option::Some(value) = &#var {
                                let value = #rt::__private::to_json(value);
                                #set
                            }
                        };
                    }
                    let value = value_tokens(plan, scope);
                    match location.as_str() {
                        "path" => quote!(request.path_param(#name, &#value)?;),
                        "query" => quote!(request.query_param(#name, &#value);),
                        "cookie" => quote!(request.cookie_param(#name, &#value);),
                        "querystring" => {
                            let value = querystring_tokens(plan, scope);
                            quote!(request.query_string(&#value);)
                        }
                        _ => quote!(request.header_param(#name, &#value)?;),
                    }
                });
                let body = body.as_ref().map(|b| body_tokens(b, scope));
                let keep = step.keeps_request.then(|| quote!(request.keep_sent();));
                let accept = op.accept.as_ref().map(|a| quote!(request.accept(#a);));
                let timeout = step.timeout_ms.map(|ms| {
                    let ms = u64::from(ms);
                    quote!(request.timeout(::std::time::Duration::from_millis(#ms));)
                });
                let send = if on_error.is_empty() {
                    quote!(let response = request.send().await?;)
                } else {
                    quote! {
                        let response = match request.send().await {
                            ::std::result::Result::Ok(response) => response,
                            ::std::result::Result::Err(error) => {
                                #on_error
                                return ::std::result::Result::Err(error);
                            }
                        };
                    }
                };
                let attempt = quote! {
                    static OPERATION: #rt::__private::Operation = #operation;
                    let mut request = #rt::__private::StepRequest::new(client, &OPERATION, #workflow, #step_id);
                    #keep
                    #accept
                    #timeout
                    #(#params)*
                    #body
                    #send
                };
                (attempt, self.failure_actions(index, step, Cause::Response))
            }
            StepCall::Workflow {
                id,
                fn_name,
                inputs,
                args,
            } => {
                let f = path(fn_name);
                let inputs_ty = path(inputs);
                let args = value_tokens(&ValuePlan::Object(args.clone()), scope);
                let attempt = quote! {
                    let arguments = #rt::__private::inputs_from::<#inputs_ty>(
                        #args, #workflow, ::std::option::Option::Some(#step_id), #id,
                    )?;
                    let called = match #f(client, arguments).await {
                        ::std::result::Result::Ok(called) => called,
                        ::std::result::Result::Err(error) => {
                            #on_error
                            return ::std::result::Result::Err(error);
                        }
                    };
                };
                (attempt, self.failure_actions(index, step, Cause::Nested))
            }
        };
        let keep = step.outputs.iter().map(|o| {
            let var = ident(&o.var);
            let (name, expression) = (&o.name, &o.expression);
            let read = match &o.from {
                OutputSource::Status => quote!(response.status()),
                OutputSource::Header(header) => {
                    quote!(response.header_output(#name, #expression, #header)?)
                }
                OutputSource::Body(pointer) => match &o.ty {
                    RustType::Option(inner) => {
                        let inner = type_tokens(inner, rt);
                        quote!(response.body_output_nullable::<#inner>(#expression, #pointer)?)
                    }
                    ty => {
                        let ty = type_tokens(ty, rt);
                        quote!(response.body_output::<#ty>(#name, #expression, #pointer)?)
                    }
                },
                OutputSource::Text => quote!(response.text_output(#expression)?),
                OutputSource::Nested(field) => {
                    let field = ident(field);
                    quote!(::std::clone::Clone::clone(&called.#field))
                }
                OutputSource::Computed(value) => {
                    let value = value_tokens(value, scope);
                    if o.ty == RustType::Json {
                        value
                    } else {
                        let ty = type_tokens(&o.ty, rt);
                        quote!(response.value_output::<#ty>(#name, #expression, #value)?)
                    }
                }
            };
            // With success actions, a response may lack an output on purpose (the action that
            // applies to it goes elsewhere or ends): absent outputs are left unset, and an
            // error only where they are read.
            let lenient = match (&o.from, &o.ty) {
                _ if step.on_success.is_empty() => None,
                (OutputSource::Body(pointer), ty) if !matches!(ty, RustType::Option(_)) => {
                    let ty = type_tokens(ty, rt);
                    Some(quote!(response.body_output_nullable::<#ty>(#expression, #pointer)?))
                }
                (OutputSource::Header(header), _) => Some(quote!(
                    response.header(#header).as_str().map(::std::borrow::ToOwned::to_owned)
                )),
                _ => None,
            };
            match lenient {
                Some(read) => quote!(#var = #read;),
                None => quote!(#var = ::std::option::Option::Some(#read);),
            }
        });
        let slots: Vec<usize> = step
            .on_failure
            .iter()
            .filter_map(|a| match a.kind {
                ActionPlanKind::Retry { slot, .. } => Some(slot),
                _ => None,
            })
            .collect();
        let reset = (!slots.is_empty()).then(|| quote!(run.succeeded(&[#(#slots),*]);));
        let resume = self.resumes.then(|| {
            quote! {
                if let ::std::option::Option::Some(back) = resume.take() {
                    step = back;
                    continue 'steps;
                }
            }
        });
        let on_success = step.on_success.iter().map(|a| {
            let holds = all_hold(&a.criteria, scope);
            let then = match &a.kind {
                ActionPlanKind::End => quote!(break 'steps;),
                ActionPlanKind::GotoStep(target) => self.goto(*target),
                ActionPlanKind::GotoWorkflow(call) => self.goto_workflow(call, step_id),
                // Success actions are never retries (the model refuses them).
                ActionPlanKind::Retry { .. } => quote!(),
            };
            quote!(if #holds { #then })
        });
        let next = match step.next {
            Some(next) => self.goto(next),
            None => quote!(break 'steps;),
        };
        quote! {
            run.enter(#step_id)?;
            #attempt
            let failed: ::std::option::Option<&'static str> = #failed;
            if let ::std::option::Option::Some(criterion) = failed {
                #on_failure
            }
            #(#keep)*
            #reset
            #resume
            #(#on_success)*
            #next
        }
    }

    /// The failure actions in order; for `Cause::Error` only those without criteria. Ends with
    /// the error return unless the cause is `Error` (whose caller returns the error itself).
    fn failure_actions(&self, index: usize, step: &StepPlan, cause: Cause) -> TokenStream {
        let rt = self.rt;
        let step_id = &step.id;
        let context = match &step.call {
            StepCall::Workflow { id, .. } => {
                let workflow = &self.workflow.id;
                quote!(::std::boxed::Box::new(#rt::StepContext::workflow_step(#workflow, #step_id, #id)))
            }
            StepCall::Operation { .. } => quote!(),
        };
        let nested_failed = quote! {
            #rt::Error::NestedCriterionFailed { context: #context, criterion }
        };
        let actions = step
            .on_failure
            .iter()
            .filter(|a| cause != Cause::Error || a.criteria.is_empty())
            .map(|a| self.failure_action(index, step, a, cause, &nested_failed));
        let has_retry = step
            .on_failure
            .iter()
            .any(|a| matches!(a.kind, ActionPlanKind::Retry { .. }));
        let exhausted = (has_retry && cause == Cause::Response).then(|| {
            quote!(let mut exhausted: ::std::option::Option<(&'static str, u32)> = ::std::option::Option::None;)
        });
        let error = match cause {
            Cause::Error => return quote!(#(#actions)*),
            Cause::Nested => nested_failed.clone(),
            Cause::Response if has_retry => quote! {
                match exhausted {
                    ::std::option::Option::Some((action, retries)) => {
                        response.retries_exhausted(criterion, action, retries)
                    }
                    ::std::option::Option::None => response.criterion_failed(criterion),
                }
            },
            Cause::Response => quote!(response.criterion_failed(criterion)),
        };
        quote! {
            #exhausted
            #(#actions)*
            return ::std::result::Result::Err(#error);
        }
    }

    fn failure_action(
        &self,
        index: usize,
        step: &StepPlan,
        action: &ActionPlan,
        cause: Cause,
        nested_failed: &TokenStream,
    ) -> TokenStream {
        let step_id = &step.id;
        let name = &action.name;
        let holds = all_hold(&action.criteria, self.scope(Some(step_id)));
        let then = match &action.kind {
            ActionPlanKind::End => match cause {
                Cause::Response => {
                    quote!(return ::std::result::Result::Err(response.ended_by(criterion, #name));)
                }
                Cause::Nested => quote!(return ::std::result::Result::Err(#nested_failed);),
                Cause::Error => quote!(return ::std::result::Result::Err(error);),
            },
            ActionPlanKind::GotoStep(target) => self.goto(*target),
            ActionPlanKind::GotoWorkflow(call) => self.goto_workflow(call, step_id),
            ActionPlanKind::Retry {
                after,
                limit,
                slot,
                first,
            } => {
                let server_wait = match cause {
                    Cause::Response => quote!(response.retry_after()),
                    Cause::Nested | Cause::Error => quote!(::std::option::Option::None),
                };
                let first = match first {
                    None => self.goto(index),
                    Some(RetryFirst::Step(target)) => {
                        let back = &self.variants[index];
                        let go = self.goto(*target);
                        quote! {
                            resume = ::std::option::Option::Some(Step::#back);
                            #go
                        }
                    }
                    Some(RetryFirst::Workflow(call)) => {
                        let call = self.call_with_inputs(call, Some(step_id));
                        let again = self.goto(index);
                        quote! {
                            #call;
                            #again
                        }
                    }
                };
                let exhausted = (cause == Cause::Response)
                    .then(|| quote!(exhausted = ::std::option::Option::Some((#name, #limit));));
                quote! {
                    if run.retry(#slot, #limit) {
                        run.wait(#after, #server_wait).await;
                        #first
                    }
                    #exhausted
                }
            }
        };
        quote!(if #holds { #then })
    }

    /// A workflow output's value, typed as the plan decided.
    fn output_value(&self, value: &ValuePlan) -> TokenStream {
        match value {
            ValuePlan::Input {
                field,
                pointer: None,
                ..
            } => {
                let field = ident(field);
                quote!(::std::clone::Clone::clone(&inputs.#field))
            }
            ValuePlan::StepOutput {
                var,
                ty,
                step,
                output,
                certain,
                pointer: None,
            } => {
                if *certain {
                    let read = self.scope(None).step_output(var, step, output);
                    quote!(::std::clone::Clone::clone(#read))
                } else {
                    let var = ident(var);
                    if matches!(ty, RustType::Option(_)) {
                        quote!(::std::clone::Clone::clone(&#var).flatten())
                    } else {
                        quote!(::std::clone::Clone::clone(&#var))
                    }
                }
            }
            ValuePlan::DependencyOutput {
                var,
                field,
                pointer: None,
                ..
            } => {
                let (var, field) = (ident(var), ident(field));
                quote!(::std::clone::Clone::clone(&#var.#field))
            }
            other => value_tokens(other, self.scope(None)),
        }
    }
}

/// A `querystring` parameter's value: a template's embedded values are percent-encoded, so an
/// input holding `&` or `=` stays one value instead of adding parameters.
fn querystring_tokens(value: &ValuePlan, scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let ValuePlan::Template(pieces) = value else {
        return value_tokens(value, scope);
    };
    let parts = pieces.iter().map(|p| match p {
        TemplatePiece::Text(t) => quote!(#rt::__private::TemplatePart::Literal(#t)),
        TemplatePiece::Value(v) => {
            let v = value_tokens(v, scope);
            quote!(#rt::__private::TemplatePart::Value(#rt::__private::query_component(&#v)))
        }
    });
    quote!(#rt::__private::serde_json::Value::String(#rt::__private::template(&[#(#parts),*])))
}

fn body_tokens(body: &BodyPlan, scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let content_type = &body.content_type;
    let payload = value_tokens(&body.payload, scope);
    let replacements = body.replacements.iter().map(|(pointer, value)| {
        let value = value_tokens(value, scope);
        quote!(#rt::__private::replace(&mut payload, #pointer, #value);)
    });
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let send = if media == "application/x-www-form-urlencoded" {
        quote!(request.form_body(#content_type, &payload);)
    } else if crate::openapi::is_json(content_type) {
        match &body.payload {
            // JSON written as text (the specification's templated payloads): sent as written.
            ValuePlan::Template(_) | ValuePlan::Literal(LiteralJson::Str(_)) => quote! {
                request.json_text_body(#content_type, #rt::__private::to_text(&payload).unwrap_or_default());
            },
            _ => quote!(request.json_body(#content_type, &payload);),
        }
    } else {
        match &body.payload {
            ValuePlan::Template(_) | ValuePlan::Literal(LiteralJson::Str(_)) => quote! {
                request.text_body(#content_type, #rt::__private::to_text(&payload).unwrap_or_default());
            },
            _ => quote!(request.json_body(#content_type, &payload);),
        }
    };
    let binding = if body.replacements.is_empty() {
        quote!(let payload = #payload;)
    } else {
        quote!(let mut payload = #payload;)
    };
    quote! {
        #binding
        #(#replacements)*
        #send
    }
}

fn emit_operation(op: &OperationPlan, rt: &TokenStream) -> TokenStream {
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
                quote!(#rt::SecurityScheme::ApiKey {
                    scheme: #name,
                    location: #rt::ApiKeyLocation::#location,
                    parameter: #parameter,
                })
            }
            SchemeKind::Bearer => quote!(#rt::SecurityScheme::Bearer { scheme: #name }),
            SchemeKind::Basic => quote!(#rt::SecurityScheme::Basic { scheme: #name }),
        });
        quote!(&[#(#schemes),*])
    });
    quote! {
        #rt::__private::Operation {
            source: #source,
            default_server: #server,
            id: #id,
            method: #method,
            path: #path,
            security: &[#(#alternatives),*],
        }
    }
}
