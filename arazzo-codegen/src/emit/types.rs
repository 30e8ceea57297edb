//! Generated structs (inputs, outputs) and string enums with a fallback variant.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::types::{EnumDef, RustType, StructDef, UnionDef};

use super::{TypePaths, doc_text, docs, ident, type_tokens};

/// The serde path for `#[serde(crate = "...")]`: generated types derive through the runtime's
/// re-export, so the user's crate needs no serde dependency.
fn serde_crate(runtime: &TokenStream) -> String {
    format!("{runtime}::__private::serde").replace(' ', "")
}

pub(super) fn emit_struct(
    def: &StructDef,
    runtime: &TokenStream,
    paths: TypePaths,
    serde: bool,
) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs(&def.doc);
    let serde_crate = serde_crate(runtime);
    let fields = def.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let ty = type_tokens(&f.ty, runtime, paths);
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
    let closed = def.closed.then(|| quote!(#[serde(deny_unknown_fields)]));
    let derives = if serde {
        quote! {
            #[derive(Debug, Clone, PartialEq, #runtime::__private::serde::Serialize, #runtime::__private::serde::Deserialize)]
            #[serde(crate = #serde_crate)]
            #closed
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

pub(super) fn emit_enum(def: &EnumDef, runtime: &TokenStream) -> TokenStream {
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

/// An enum over a `oneOf` / `anyOf`: untagged (the first alternative that decodes), or chosen by
/// the discriminator member's value.
pub(super) fn emit_union(def: &UnionDef, runtime: &TokenStream, paths: TypePaths) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs(&def.doc);
    let serde_crate = serde_crate(runtime);
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.name)).collect();
    let types: Vec<TokenStream> = def
        .variants
        .iter()
        .map(|v| type_tokens(&v.ty, runtime, paths))
        .collect();
    let Some(tag) = &def.tag else {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #runtime::__private::serde::Serialize, #runtime::__private::serde::Deserialize)]
            #[serde(crate = #serde_crate, untagged)]
            pub enum #name {
                #(#variants(#types),)*
            }
        };
    };
    let serde = quote!(#runtime::__private::serde);
    let json = quote!(#runtime::__private::serde_json);
    let other_doc = format!(" A value whose `{tag}` no alternative is mapped to.");
    let arms = def.variants.iter().zip(&variants).zip(&types).map(|((v, variant), ty)| {
        let tags = &v.tags;
        quote! {
            #(::std::option::Option::Some(#tags))|* => <#ty as #serde::Deserialize>::deserialize(value)
                .map(Self::#variant)
                .map_err(<D::Error as #serde::de::Error>::custom),
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants(#types),)*
            #[doc = #other_doc]
            Other(#json::Value),
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => #serde::Serialize::serialize(value, serializer),)*
                    Self::Other(value) => #serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#json::Value as #serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(#json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::Other(value)),
                }
            }
        }
    }
}
