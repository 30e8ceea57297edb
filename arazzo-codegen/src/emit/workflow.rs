//! A workflow's function: `dependsOn` calls, then a `loop` over a generated step enum in which
//! each arm runs one step, checks its criteria, keeps its outputs and picks the next step by its
//! actions.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::http::ParameterLocation;
use crate::openapi::{ApiKeyLocation, OAuthFlow, OAuthFlows, SchemeKind};
use crate::plan::{
    ActionPlan, ActionPlanKind, Keep, OperationPlan, ParameterPlan, ParameterStyle, Presence,
    RetryFirst, StepCall, StepOutput, StepPlan, TemplatePiece, ValuePlan, WorkflowCall,
    WorkflowPlan,
};
use crate::types::RustType;

use super::body::{body_tokens, parameter_template};
use super::types::emit_struct;
use super::values::{
    Scope, all_hold, at_pointer, first_failed, holder_tokens, object_tokens, value_tokens,
};
use super::{TypePaths, docs, ident, path, type_tokens};

/// Everything a step arm needs to know about the workflow around it.
struct Machine<'w> {
    rt: &'w TokenStream,
    paths: TypePaths<'w>,
    workflow: &'w WorkflowPlan,
    variants: Vec<Ident>,
    /// Whether some `retry` runs another step first (and so needs to come back).
    resumes: bool,
    /// The steps a `retry` runs first: when one fails, control goes back to the step that
    /// retries, which is retried all the same.
    retry_references: Vec<usize>,
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

/// `serde_outputs`: the outputs struct is `Serialize` and `Deserialize` (durable runs return it).
pub(super) fn emit_workflow(
    w: &WorkflowPlan,
    rt: &TokenStream,
    paths: TypePaths,
    serde_outputs: bool,
) -> TokenStream {
    let fn_name = ident(&w.fn_name);
    let inputs = paths.path(w.inputs);
    let outputs_ty = ident(&w.outputs.name);
    let outputs_struct = emit_struct(&w.outputs, rt, paths, serde_outputs);
    let doc = docs(&w.doc);
    let id = &w.id;
    let machine = Machine {
        rt,
        paths,
        workflow: w,
        retry_references: Vec::new(),
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
    let retry_references: Vec<usize> = w
        .steps
        .iter()
        .flat_map(|s| &s.on_failure)
        .filter_map(|a| match a.kind {
            ActionPlanKind::Retry {
                first: Some(RetryFirst::Step(target)),
                ..
            } => Some(target),
            ActionPlanKind::Retry {
                first: None | Some(RetryFirst::Workflow(_)),
                ..
            }
            | ActionPlanKind::End
            | ActionPlanKind::GotoStep(_)
            | ActionPlanKind::GotoWorkflow(_) => None,
        })
        .collect();
    let machine = Machine {
        retry_references,
        ..machine
    };
    let dependencies = w.depends_on.iter().map(|d| {
        let var = ident(&d.var);
        if d.keeps_inputs {
            return machine.call_keeping_inputs(d);
        }
        let call = machine.call_with_inputs(d, None);
        quote!(let #var = #call;)
    });
    let declarations = w.steps.iter().flat_map(|s| &s.outputs).map(|o| {
        let var = ident(&o.var);
        let ty = type_tokens(&o.ty, rt, paths);
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
        let (value, keep) = v;
        let value = machine.kept(value, &f.ty, *keep, None, None);
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
            // Locals are `step__output`; a file of generated code is linted like the crate's own.
            non_snake_case,
            clippy::clone_on_copy,
            clippy::redundant_clone,
            clippy::never_loop,
            clippy::match_single_binding,
            clippy::needless_return,
            clippy::diverging_sub_expression,
            clippy::nonminimal_bool
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
    names.iter().map(|n| ident(n)).collect()
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

    /// Awaits another workflow called with this workflow's inputs, by name, or with the
    /// arguments of the action that calls it.
    fn call_with_inputs(&self, call: &WorkflowCall, step: Option<&str>) -> TokenStream {
        let call = self.call_result(call, step);
        quote!(#call?)
    }

    /// Awaits another workflow (as [`Self::call_with_inputs`]), giving its `Result`.
    fn call_result(&self, call: &WorkflowCall, step: Option<&str>) -> TokenStream {
        let rt = self.rt;
        let f = path(&call.fn_name);
        let (workflow, callee) = (&self.workflow.id, &call.id);
        let arguments = match &call.args {
            Some(args) => object_tokens(args, self.scope(step)),
            None => quote!(#rt::__private::to_json(&inputs)),
        };
        let step = match step {
            Some(step) => quote!(::std::option::Option::Some(#step)),
            None => quote!(::std::option::Option::None),
        };
        let future = quote! {
            #f(
                client,
                #rt::__private::inputs_from(#arguments, #workflow, #step, #callee)?,
            )
        };
        // A loop of `goto`s between workflows is a recursion of their functions.
        let future = if call.recursive {
            quote!(::std::boxed::Box::pin(#future))
        } else {
            future
        };
        quote!(#future.await)
    }

    /// A `dependsOn` call whose inputs `$workflows.W.inputs.X` reads: they are kept.
    fn call_keeping_inputs(&self, call: &WorkflowCall) -> TokenStream {
        let rt = self.rt;
        let f = path(&call.fn_name);
        let ty = call.inputs.map(|id| {
            let ty = self.paths.path(id);
            quote!(: #ty)
        });
        let (var, inputs_var) = (ident(&call.var), ident(&call.inputs_var()));
        let (workflow, callee) = (&self.workflow.id, &call.id);
        quote! {
            let #inputs_var #ty = #rt::__private::inputs_from(
                #rt::__private::to_json(&inputs), #workflow, ::std::option::Option::None, #callee,
            )?;
            let #var = #f(client, ::std::clone::Clone::clone(&#inputs_var)).await?;
        }
    }

    fn goto(&self, index: usize) -> TokenStream {
        let variant = &self.variants[index];
        quote! {
            step = Step::#variant;
            continue 'steps;
        }
    }

    /// A `goto` to a workflow: run it with this workflow's inputs (or the action's
    /// `parameters`), then end this one. The run goes on there, so the step budget does too.
    fn goto_workflow(&self, call: &WorkflowCall, step_id: &str) -> TokenStream {
        let target = call.workflow_id();
        let call = self.call_with_inputs(call, Some(step_id));
        quote! {
            run.hand_over(#target);
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
        let reference = self.retry_references.contains(&index);
        let on_error = self.failure_actions(index, step, Cause::Error);
        // A step a `retry` runs first that fails returns control all the same (Arazzo 1.0.1
        // Failure Action Object: the reference is executed, then the step is retried).
        let on_error = if reference {
            quote! {
                if let ::std::option::Option::Some(back) = resume.take() {
                    run.reference(::std::option::Option::Some(error));
                    step = back;
                    continue 'steps;
                }
                #on_error
            }
        } else {
            on_error
        };
        let (attempt, on_failure, failed_error) = match &step.call {
            StepCall::Operation { op, params, body } => {
                let operation = emit_operation(op, rt);
                let params = params.iter().map(|param| parameter_tokens(param, scope));
                let body = body.as_ref().map(|b| body_tokens(b, scope));
                let keep = step.keeps_request.then(|| quote!(request.keep_sent();));
                let accept = op.accept.as_ref().map(|a| quote!(request.accept(#a);));
                let timeout = step.timeout_ms.map(|ms| {
                    let ms = u64::from(ms);
                    quote!(request.timeout(::std::time::Duration::from_millis(#ms));)
                });
                let send = if on_error.is_empty() && !reference {
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
                (
                    attempt,
                    self.failure_actions(index, step, Cause::Response),
                    quote!(response.criterion_failed(criterion)),
                )
            }
            StepCall::Workflow {
                id,
                fn_name,
                inputs,
                args,
            } => {
                let f = path(fn_name);
                let inputs_ty = inputs.map(|id| {
                    let ty = self.paths.path(id);
                    quote!(::<#ty>)
                });
                let args = object_tokens(args, scope);
                let attempt = quote! {
                    let arguments = #rt::__private::inputs_from #inputs_ty (
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
                let context = quote!(::std::boxed::Box::new(#rt::StepContext::workflow_step(#workflow, #step_id, #id)));
                (
                    attempt,
                    self.failure_actions(index, step, Cause::Nested),
                    quote!(#rt::Error::NestedCriterionFailed { context: #context, criterion }),
                )
            }
        };
        let on_failure = if reference {
            quote! {
                if let ::std::option::Option::Some(back) = resume.take() {
                    run.reference(::std::option::Option::Some(#failed_error));
                    step = back;
                    continue 'steps;
                }
                #on_failure
            }
        } else {
            on_failure
        };
        let keep = step.outputs.iter().map(|o| {
            let var = ident(&o.var);
            match o.keep {
                Keep::Response { lenient: true } => {
                    let read = self.lenient_read(o, step_id);
                    quote!(#var = #read;)
                }
                Keep::Response { lenient: false }
                | Keep::Whole
                | Keep::WholeIfSet { .. }
                | Keep::Member { .. }
                | Keep::Computed { .. } => {
                    let read = self.kept(&o.from, &o.ty, o.keep, Some(step_id), Some(o));
                    quote!(#var = ::std::option::Option::Some(#read);)
                }
            }
        });
        let slots: Vec<usize> = step
            .on_failure
            .iter()
            .filter_map(|a| match a.kind {
                ActionPlanKind::Retry { slot, .. } => Some(slot),
                ActionPlanKind::End
                | ActionPlanKind::GotoStep(_)
                | ActionPlanKind::GotoWorkflow(_) => None,
            })
            .collect();
        let reset = (!slots.is_empty()).then(|| quote!(run.succeeded(&[#(#slots),*]);));
        let resume = self.resumes.then(|| {
            let done = reference.then(|| quote!(run.reference(::std::option::Option::None);));
            quote! {
                if let ::std::option::Option::Some(back) = resume.take() {
                    #done
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
        let requires = step
            .requires
            .iter()
            .map(|(w, s)| quote!(#rt::__private::require_completed(#workflow, #step_id, #w, #s)?;));
        let completed = step
            .recorded
            .then(|| quote!(#rt::__private::completed(#workflow, #step_id);));
        quote! {
            run.enter(#step_id)?;
            #(#requires)*
            #attempt
            let failed: ::std::option::Option<&'static str> = #failed;
            if let ::std::option::Option::Some(criterion) = failed {
                #on_failure
            }
            #(#keep)*
            #completed
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
                        run.with_reference(response.retries_exhausted(criterion, action, retries))
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
                    // Whether the workflow succeeds or fails, the step is retried; a failure
                    // is kept for the error when the retries run out.
                    Some(RetryFirst::Workflow(call)) => {
                        let call = self.call_result(call, Some(step_id));
                        let again = self.goto(index);
                        quote! {
                            run.reference(#call.err());
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

    /// The value of an output in its type, kept as the plan says: a workflow output's
    /// (`reader` `None`), or a step output's read from the workflow's scope. `output`: the step
    /// output being kept (its name and expression name the errors of reading the response).
    fn kept(
        &self,
        value: &ValuePlan,
        ty: &RustType,
        keep: Keep,
        reader: Option<&str>,
        output: Option<&StepOutput>,
    ) -> TokenStream {
        let rt = self.rt;
        let (name, expression) = output.map_or(("", ""), |o| (&o.name, &o.expression));
        match (keep, value) {
            (Keep::Response { .. }, ValuePlan::Status) => quote!(response.status()),
            (Keep::Response { .. }, ValuePlan::ResponseHeader(header)) => {
                quote!(response.header_output(#name, #expression, #header)?)
            }
            (Keep::Response { .. }, ValuePlan::ResponseBody(pointer)) => match ty {
                RustType::Option(inner) => {
                    let inner = type_tokens(inner, rt, self.paths);
                    quote!(response.body_output_nullable::<#inner>(#expression, #pointer)?)
                }
                ty => {
                    let ty = type_tokens(ty, rt, self.paths);
                    quote!(response.body_output::<#ty>(#name, #expression, #pointer)?)
                }
            },
            (Keep::Response { .. }, ValuePlan::ResponseText) => {
                quote!(response.text_output(#expression)?)
            }
            (Keep::Whole, ValuePlan::Input { field, .. }) => {
                let field = ident(field);
                quote!(::std::clone::Clone::clone(&inputs.#field))
            }
            (
                Keep::Whole,
                ValuePlan::StepOutput {
                    var, step, output, ..
                },
            ) => {
                let read = self.scope(reader).step_output(var, step, output);
                quote!(::std::clone::Clone::clone(#read))
            }
            (Keep::Whole, ValuePlan::DependencyOutput { var, field, .. }) => {
                let (var, field) = (ident(var), ident(field));
                quote!(::std::clone::Clone::clone(&#var.#field))
            }
            (Keep::Whole, ValuePlan::NestedOutput { field, .. }) => {
                let field = ident(field);
                quote!(::std::clone::Clone::clone(&called.#field))
            }
            (Keep::WholeIfSet { flatten }, ValuePlan::StepOutput { var, .. }) => {
                let var = ident(var);
                if flatten {
                    quote!(::std::clone::Clone::clone(&#var).flatten())
                } else {
                    quote!(::std::clone::Clone::clone(&#var))
                }
            }
            (
                Keep::Member { certain },
                ValuePlan::StepOutput {
                    var,
                    step,
                    output,
                    pointer: Some(pointer),
                    ..
                },
            ) => {
                let workflow = &self.workflow.id;
                let reader_tokens = match reader {
                    Some(reader) => quote!(::std::option::Option::Some(#reader)),
                    None => quote!(::std::option::Option::None),
                };
                // A member that may be absent is an `Option`; any other must be there.
                let function = match ty {
                    RustType::Option(_) => quote!(retype),
                    _ => quote!(retype_present),
                };
                let ty = type_tokens(ty, rt, self.paths);
                let retype = |value: TokenStream| {
                    quote!(#rt::__private::#function::<#ty>(
                        #rt::__private::pointer(&#rt::__private::to_json(#value), #pointer),
                        #workflow, #reader_tokens, #step, #output,
                    )?)
                };
                if certain {
                    retype(self.scope(reader).step_output(var, step, output))
                } else {
                    // The plan made the type an `Option`: `None` when the step did not run.
                    let var = ident(var);
                    let read = retype(quote!(value));
                    quote!(match &#var {
                        ::std::option::Option::Some(value) => #read,
                        ::std::option::Option::None => ::std::option::Option::None,
                    })
                }
            }
            (Keep::Computed { decode: true }, value) => {
                let value = value_tokens(value, self.scope(reader));
                let ty = type_tokens(ty, rt, self.paths);
                quote!(response.value_output::<#ty>(#name, #expression, #value)?)
            }
            // The plan keeps only the values above as anything but JSON.
            (
                Keep::Computed { decode: false }
                | Keep::Response { .. }
                | Keep::Whole
                | Keep::WholeIfSet { .. }
                | Keep::Member { .. },
                value,
            ) => value_tokens(value, self.scope(reader)),
        }
    }

    /// A step output read leniently (see [`Keep::Response`]): `None` when the response lacks
    /// the header or body member.
    fn lenient_read(&self, o: &StepOutput, step_id: &str) -> TokenStream {
        let expression = &o.expression;
        match &o.from {
            ValuePlan::ResponseHeader(header) => quote!(
                response.header(#header).as_str().map(::std::borrow::ToOwned::to_owned)
            ),
            ValuePlan::ResponseBody(pointer) => {
                let ty = type_tokens(&o.ty, self.rt, self.paths);
                quote!(response.body_output_nullable::<#ty>(#expression, #pointer)?)
            }
            other => {
                let read = self.kept(other, &o.ty, o.keep, Some(step_id), Some(o));
                quote!(::std::option::Option::Some(#read))
            }
        }
    }
}

/// The runtime's name of a parameter `style`.
fn parameter_style_tokens(style: ParameterStyle, rt: &TokenStream) -> TokenStream {
    let variant = match style {
        ParameterStyle::Form => quote!(Form),
        ParameterStyle::SpaceDelimited => quote!(SpaceDelimited),
        ParameterStyle::PipeDelimited => quote!(PipeDelimited),
        ParameterStyle::DeepObject => quote!(DeepObject),
        ParameterStyle::Simple => quote!(Simple),
        ParameterStyle::Label => quote!(Label),
        ParameterStyle::Matrix => quote!(Matrix),
    };
    quote!(#rt::__private::ParameterStyle::#variant)
}

/// Code setting one parameter of the request, or leaving it out when the plan says it may be
/// and what it reads is absent.
fn parameter_tokens(param: &ParameterPlan, scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let name = &param.name;
    let set = |value: TokenStream| {
        let value = match &param.content {
            Some(media) => {
                let json = crate::openapi::is_json(media);
                quote!(#rt::__private::parameter_content(&#value, #json))
            }
            None => value,
        };
        let styled = |method: TokenStream, (style, explode): (ParameterStyle, bool)| {
            let style = parameter_style_tokens(style, rt);
            quote!(request.#method(#name, &#value, #style, #explode)?;)
        };
        match (param.location, param.style) {
            (ParameterLocation::Path, Some(style)) => styled(quote!(styled_path_param), style),
            (ParameterLocation::Query, Some(style)) => styled(quote!(styled_query_param), style),
            (ParameterLocation::Header, Some(style)) => styled(quote!(styled_header_param), style),
            (ParameterLocation::Path, None) => quote!(request.path_param(#name, &#value)?;),
            (ParameterLocation::Query, None) => quote!(request.query_param(#name, &#value);),
            (ParameterLocation::Header, None) => quote!(request.header_param(#name, &#value)?;),
            // A querystring parameter is the whole query; cookies are always sent as `form`
            // (README, Semantics), so neither has a style to apply.
            (ParameterLocation::Querystring, _) => quote!(request.query_string(&#value);),
            (ParameterLocation::Cookie, _) => quote!(request.cookie_param(#name, &#value);),
        }
    };
    match &param.presence {
        Presence::WhenSet { holder, pointer } => {
            let holder = holder_tokens(holder);
            let value = at_pointer(quote!(#rt::__private::to_json(value)), pointer, rt);
            let set = set(quote!(value));
            quote! {
                if let ::std::option::Option::Some(value) = &#holder {
                    let value = #value;
                    #set
                }
            }
        }
        Presence::Always => set(match (param.location, &param.value) {
            (ParameterLocation::Querystring, value) => querystring_tokens(value, scope),
            (_, ValuePlan::Template(pieces)) => parameter_template(pieces, scope),
            (_, value) => value_tokens(value, scope),
        }),
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

/// An `oauth2` scheme's flows as `arazzo_runtime::OAuthFlows`.
fn oauth_flows_tokens(flows: &OAuthFlows, rt: &TokenStream) -> TokenStream {
    let flow = |flow: &Option<OAuthFlow>| match flow {
        Some(OAuthFlow {
            token_url,
            refresh_url,
        }) => {
            let refresh_url = match refresh_url {
                Some(url) => quote!(::std::option::Option::Some(#url)),
                None => quote!(::std::option::Option::None),
            };
            quote!(::std::option::Option::Some(#rt::OAuthFlow {
                token_url: #token_url,
                refresh_url: #refresh_url,
            }))
        }
        None => quote!(::std::option::Option::None),
    };
    let (client_credentials, password, authorization_code) = (
        flow(&flows.client_credentials),
        flow(&flows.password),
        flow(&flows.authorization_code),
    );
    quote!(#rt::OAuthFlows {
        client_credentials: #client_credentials,
        password: #password,
        authorization_code: #authorization_code,
    })
}

fn emit_operation(op: &OperationPlan, rt: &TokenStream) -> TokenStream {
    let (source, server, id, method, path) =
        (&op.source, &op.default_server, &op.id, &op.method, &op.path);
    let alternatives = op.security.iter().map(|schemes| {
        let schemes = schemes.iter().map(|(name, kind, scopes)| match kind {
            SchemeKind::ApiKey {
                location,
                parameter,
            } => {
                let location = match location {
                    ApiKeyLocation::Query => quote!(Query),
                    ApiKeyLocation::Cookie => quote!(Cookie),
                    ApiKeyLocation::Header => quote!(Header),
                };
                quote!(#rt::SecurityScheme::ApiKey {
                    scheme: #name,
                    location: #rt::ApiKeyLocation::#location,
                    parameter: #parameter,
                })
            }
            SchemeKind::Bearer => quote!(#rt::SecurityScheme::Bearer { scheme: #name }),
            SchemeKind::Basic => quote!(#rt::SecurityScheme::Basic { scheme: #name }),
            SchemeKind::OAuth2(flows) => {
                let flows = oauth_flows_tokens(flows, rt);
                quote!(#rt::SecurityScheme::OAuth2 {
                    scheme: #name,
                    flows: #flows,
                    scopes: &[#(#scopes),*],
                })
            }
            SchemeKind::OpenIdConnect(url) => quote!(#rt::SecurityScheme::OpenIdConnect {
                scheme: #name,
                url: #url,
                scopes: &[#(#scopes),*],
            }),
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
