//! Runtime values (parameters, payloads, outputs) and criteria, as expressions.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::expr::{CmpOp, Source};
use crate::plan::{
    CheckPlan, CondPlan, ConditionPiece, CriterionPlan, Escape, Holder, LiteralJson, Member,
    Presence, Selection, TemplatePiece, ValuePlan, XPathPiece,
};
use crate::pointer::JsonPointer;

use super::ident;

/// Where a value is read: names for the errors of outputs read too early.
#[derive(Clone, Copy)]
pub(super) struct Scope<'s> {
    /// The runtime crate's path.
    pub rt: &'s TokenStream,
    /// The `workflowId`.
    pub workflow: &'s str,
    /// The step reading, `None` for the workflow's outputs.
    pub reader: Option<&'s str>,
    /// Inside a criterion wrapped to return `None` when a value cannot be read.
    pub in_criterion: bool,
}

impl Scope<'_> {
    /// `&T` of a step output, or an early return of the error saying it is not set.
    pub(super) fn step_output(&self, var: &str, step: &str, output: &str) -> TokenStream {
        let rt = self.rt;
        let var = ident(var);
        if self.in_criterion {
            return quote!(#var.as_ref()?);
        }
        let workflow = self.workflow;
        let reader = match self.reader {
            Some(reader) => quote!(::std::option::Option::Some(#reader)),
            None => quote!(::std::option::Option::None),
        };
        quote!(#rt::__private::available(&#var, #workflow, #reader, #step, #output)?)
    }
}

/// Code evaluating to a `serde_json::Value`.
pub(super) fn value_tokens(value: &ValuePlan, scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let json = quote!(#rt::__private::serde_json);
    let at = |value: TokenStream, pointer: &Option<JsonPointer>| at_pointer(value, pointer, rt);
    match value {
        ValuePlan::Literal(lit) => literal_tokens(lit, rt),
        ValuePlan::Array(items) => {
            let items = items.iter().map(|i| value_tokens(i, scope));
            quote!(#json::Value::Array(::std::vec![#(#items),*]))
        }
        ValuePlan::Object(members) => object_tokens(members, scope),
        ValuePlan::Input { field, pointer, .. } => {
            let field = ident(field);
            at(quote!(#rt::__private::to_json(&inputs.#field)), pointer)
        }
        ValuePlan::StepOutput {
            var,
            step,
            output,
            pointer,
            ..
        } => {
            let read = scope.step_output(var, step, output);
            at(quote!(#rt::__private::to_json(#read)), pointer)
        }
        ValuePlan::DependencyOutput {
            var,
            field,
            pointer,
            ..
        } => {
            let (var, field) = (ident(var), ident(field));
            at(quote!(#rt::__private::to_json(&#var.#field)), pointer)
        }
        ValuePlan::NestedOutput { field, pointer, .. } => {
            let field = ident(field);
            at(quote!(#rt::__private::to_json(&called.#field)), pointer)
        }
        ValuePlan::Template(pieces) => {
            let parts = pieces.iter().map(|p| match p {
                TemplatePiece::Text(t) => quote!(#rt::__private::TemplatePart::Literal(#t)),
                TemplatePiece::Value(v) => {
                    let v = value_tokens(v, scope);
                    quote!(#rt::__private::TemplatePart::Value(#v))
                }
            });
            quote!(#json::Value::String(#rt::__private::template(&[#(#parts),*])))
        }
        ValuePlan::Status => quote!(#json::Value::from(response.status())),
        ValuePlan::ResponseHeader(name) => quote!(response.header(#name)),
        ValuePlan::ResponseBody(pointer) => quote!(response.body_at(#pointer)),
        ValuePlan::ResponseText => {
            let whole = JsonPointer::default();
            quote!(response.body_at(#whole))
        }
        ValuePlan::Url => quote!(response.url()),
        ValuePlan::Method => quote!(response.method()),
        ValuePlan::Request(source) => match source {
            Source::Header(name) => quote!(response.request_header(#name)),
            Source::Query(name) => quote!(response.request_query(#name)),
            Source::Path(name) => quote!(response.request_path(#name)),
            Source::Body(pointer) => {
                let pointer = pointer.clone().unwrap_or_default();
                quote!(response.request_body_at(#pointer))
            }
        },
        ValuePlan::Select { context, selection } => {
            let context = value_tokens(context, scope);
            match selection {
                Selection::Pointer(pointer) => quote!(#rt::__private::pointer(&#context, #pointer)),
                Selection::XPath(expression) => {
                    quote!(#rt::__private::xpath_select(#expression, &#context))
                }
                Selection::JsonPath(query) => quote!({
                    static QUERY: ::std::sync::LazyLock<::std::option::Option<#rt::__private::JsonPath>> =
                        ::std::sync::LazyLock::new(|| #rt::__private::jsonpath(#query));
                    #rt::__private::select(QUERY.as_ref(), &#context)
                }),
            }
        }
    }
}

/// `value` (a `serde_json::Value`), or what `pointer` reaches in it.
pub(super) fn at_pointer(
    value: TokenStream,
    pointer: &Option<JsonPointer>,
    rt: &TokenStream,
) -> TokenStream {
    match pointer {
        Some(pointer) => quote!(#rt::__private::pointer(&#value, #pointer)),
        None => value,
    }
}

/// Code evaluating to a JSON object of `members`, each left out when its [`Presence`] says.
pub(super) fn object_tokens(members: &[Member], scope: Scope) -> TokenStream {
    let rt = scope.rt;
    let json = quote!(#rt::__private::serde_json);
    let inserts = members.iter().map(|member| {
        let name = &member.name;
        match &member.presence {
            Presence::Always => {
                let value = value_tokens(&member.value, scope);
                quote!(map.insert(::std::string::String::from(#name), #value);)
            }
            Presence::WhenSet { holder, pointer } => {
                let holder = holder_tokens(holder);
                let value = at_pointer(quote!(#rt::__private::to_json(value)), pointer, rt);
                quote! {
                    if let ::std::option::Option::Some(value) = &#holder {
                        map.insert(::std::string::String::from(#name), #value);
                    }
                }
            }
        }
    });
    quote!({
        let mut map = #json::Map::new();
        #(#inserts)*
        #json::Value::Object(map)
    })
}

/// The `Option` a value that may be absent is read from.
pub(super) fn holder_tokens(holder: &Holder) -> TokenStream {
    match holder {
        Holder::Input(field) => {
            let field = ident(field);
            quote!(inputs.#field)
        }
        Holder::StepOutput(var) => {
            let var = ident(var);
            quote!(#var)
        }
    }
}

fn literal_tokens(lit: &LiteralJson, rt: &TokenStream) -> TokenStream {
    let json = quote!(#rt::__private::serde_json);
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

/// Code evaluating to `true` when the criterion holds. One that the plan says fails when an
/// output it reads is not set is wrapped so that reading the unset output makes it `false`.
pub(super) fn criterion_tokens(criterion: &CriterionPlan, scope: Scope) -> TokenStream {
    if !criterion.fails_when_unset {
        return check_tokens(criterion, scope);
    }
    let check = check_tokens(
        criterion,
        Scope {
            in_criterion: true,
            ..scope
        },
    );
    quote!((|| -> ::std::option::Option<bool> { ::std::option::Option::Some(#check) })().unwrap_or(false))
}

fn check_tokens(criterion: &CriterionPlan, scope: Scope) -> TokenStream {
    let rt = scope.rt;
    match &criterion.check {
        CheckPlan::Simple(cond) => cond_tokens(cond, scope),
        CheckPlan::Regex {
            context, embedded, ..
        } if !embedded.is_empty() => {
            let context = value_tokens(context, scope);
            let parts = condition_parts(embedded, scope);
            // Arazzo 1.1 Regex Conditions: a `null` context fails.
            quote!(#rt::__private::to_text(&#context).is_some_and(|text| {
                #rt::__private::substitute(&[#(#parts),*])
                    .and_then(|pattern| #rt::__private::regex(&pattern))
                    .is_some_and(|re| re.is_match(&text))
            }))
        }
        CheckPlan::JsonPath {
            context, embedded, ..
        } if !embedded.is_empty() => {
            let context = value_tokens(context, scope);
            let parts = condition_parts(embedded, scope);
            quote!({
                let context = #context;
                #rt::__private::substitute(&[#(#parts),*]).is_some_and(|query| {
                    #rt::__private::jsonpath_matches(
                        #rt::__private::jsonpath(&query).as_ref(),
                        &query,
                        &context,
                    )
                })
            })
        }
        CheckPlan::Regex {
            context, pattern, ..
        } => {
            let context = value_tokens(context, scope);
            quote!({
                static PATTERN: ::std::sync::LazyLock<::std::option::Option<#rt::__private::Regex>> =
                    ::std::sync::LazyLock::new(|| #rt::__private::regex(#pattern));
                // Arazzo 1.1 Regex Conditions: a `null` context fails.
                #rt::__private::to_text(&#context)
                    .is_some_and(|text| PATTERN.as_ref().is_some_and(|re| re.is_match(&text)))
            })
        }
        CheckPlan::XPath {
            context,
            expression,
        } => {
            let context = value_tokens(context, scope);
            let expression = xpath_tokens(expression, scope);
            quote!(#rt::__private::xpath_holds(#expression, &#context))
        }
        CheckPlan::JsonPath { context, query, .. } => {
            let context = value_tokens(context, scope);
            quote!({
                static QUERY: ::std::sync::LazyLock<::std::option::Option<#rt::__private::JsonPath>> =
                    ::std::sync::LazyLock::new(|| #rt::__private::jsonpath(#query));
                #rt::__private::jsonpath_matches(QUERY.as_ref(), #query, &#context)
            })
        }
    }
}

/// The runtime's pieces of a condition that embeds values, each escaped for where it stands.
fn condition_parts(pieces: &[ConditionPiece], scope: Scope) -> Vec<TokenStream> {
    let rt = scope.rt;
    pieces
        .iter()
        .map(|piece| match piece {
            ConditionPiece::Text(text) => quote!(#rt::__private::ConditionPart::Text(#text)),
            ConditionPiece::Value(value, escape) => {
                let value = value_tokens(value, scope);
                match escape {
                    Escape::Regex => quote!(#rt::__private::ConditionPart::Regex(#value)),
                    Escape::JsonPathString(quote) => {
                        quote!(#rt::__private::ConditionPart::JsonPathString(#value, #quote))
                    }
                    Escape::JsonPathScalar => {
                        quote!(#rt::__private::ConditionPart::JsonPathScalar(#value))
                    }
                }
            }
        })
        .collect()
}

/// An XPath condition's text at run time, a `&str`: its embedded values substituted as XPath
/// literals.
fn xpath_tokens(expression: &[XPathPiece], scope: Scope) -> TokenStream {
    let rt = scope.rt;
    if let [XPathPiece::Text(text)] = expression {
        return quote!(#text);
    }
    let parts = expression.iter().map(|p| match p {
        XPathPiece::Text(t) => quote!(#rt::__private::TemplatePart::Literal(#t)),
        XPathPiece::Value { value, quote } => {
            let value = value_tokens(value, scope);
            let quote = match quote {
                Some(q) => quote!(::std::option::Option::Some(#q)),
                None => quote!(::std::option::Option::None),
            };
            quote!(#rt::__private::TemplatePart::Value(
                #rt::__private::serde_json::Value::String(#rt::__private::xpath_literal(&#value, #quote))
            ))
        }
    });
    quote!(&#rt::__private::template(&[#(#parts),*]))
}

/// `Some("criterion as written")` for the first criterion that does not hold, else `None`.
pub(super) fn first_failed(criteria: &[CriterionPlan], scope: Scope) -> TokenStream {
    let checks = criteria.iter().map(|c| {
        let check = criterion_tokens(c, scope);
        let text = &c.text;
        quote!(if !#check { ::std::option::Option::Some(#text) } else)
    });
    quote!(#(#checks)* { ::std::option::Option::None })
}

/// `true` when every criterion holds (no criteria: always).
pub(super) fn all_hold(criteria: &[CriterionPlan], scope: Scope) -> TokenStream {
    if criteria.is_empty() {
        return quote!(true);
    }
    let checks = criteria.iter().map(|c| criterion_tokens(c, scope));
    quote!(#(#checks)&&*)
}

fn cond_tokens(cond: &CondPlan, scope: Scope) -> TokenStream {
    let rt = scope.rt;
    match cond {
        CondPlan::Or(a, b) => {
            let (a, b) = (cond_tokens(a, scope), cond_tokens(b, scope));
            quote!((#a || #b))
        }
        CondPlan::And(a, b) => {
            let (a, b) = (cond_tokens(a, scope), cond_tokens(b, scope));
            quote!((#a && #b))
        }
        CondPlan::Not(a) => {
            let a = cond_tokens(a, scope);
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
            let (a, b) = (value_tokens(a, scope), value_tokens(b, scope));
            let op = match op {
                CmpOp::Eq => quote!(Eq),
                CmpOp::Ne => quote!(Ne),
                CmpOp::Lt => quote!(Lt),
                CmpOp::Le => quote!(Le),
                CmpOp::Gt => quote!(Gt),
                CmpOp::Ge => quote!(Ge),
            };
            quote!(#rt::__private::compare(&#a, #rt::__private::Comparison::#op, &#b))
        }
        CondPlan::Truthy(a) => {
            let a = value_tokens(a, scope);
            quote!(#rt::__private::truthy(&#a))
        }
    }
}
