//! Rust types from the response schemas of OpenAPI descriptions, for step outputs: one type per
//! schema, named after its component (`#/components/schemas/Sim` → `Sim`) or after where it sits
//! (`Sim`'s inline `sessionStatus` → `SimSessionStatus`). Only the schemas an output reaches are
//! typed.

use crate::pointer::JsonPointer;
use std::sync::Arc;

use heck::ToUpperCamelCase;

use crate::load::{Kind, Node};
use crate::names;
use crate::openapi::OpenApi;

use crate::schema::{self, Shape};

use super::{
    Field, RustType, StructDef, TypeDef, TypeId, TypeRegistry, UnionDef, Variant, description,
    null_alternative, single_type, string_enum,
};

/// The identity of a schema of a description: its node's address. The registry keeps every
/// description it typed from alive, so two schemas never share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SchemaId(usize);

impl SchemaId {
    fn of(schema: &Node) -> Self {
        SchemaId(std::ptr::from_ref(schema) as usize)
    }
}

/// How deep nested schemas are typed; deeper ones are `serde_json::Value`.
const MAX_DEPTH: usize = 32;

impl TypeRegistry {
    /// The type of the value a JSON pointer reaches inside a response schema. `name_hint`
    /// names a generated type when the schema has no component name to offer.
    pub fn output_type(
        &mut self,
        api: &Arc<OpenApi>,
        schema: &Node,
        pointer: &JsonPointer,
        name_hint: &str,
    ) -> RustType {
        if !self.descriptions.iter().any(|d| Arc::ptr_eq(d, api)) {
            self.descriptions.push(api.clone());
        }
        let mut node = schema;
        let mut hint = name_hint.to_owned();
        let mut through_null = false;
        for token in pointer.tokens() {
            if let Some(name) = OpenApi::ref_name(node) {
                hint = names::type_name(name);
            }
            node = api.resolve(node);
            // A nullable object (`oneOf: [{type: 'null'}, {$ref: …}]`): its members are the
            // other schema's, and a `null` on the way leaves the output without a value.
            if let Some(other) = null_alternative(api, node) {
                if let Some(name) = OpenApi::ref_name(other) {
                    hint = names::type_name(name);
                }
                node = api.resolve(other);
                through_null = true;
            } else if is_nullable(node) {
                through_null = true;
            }
            let (next, suffix) = match member(api, node, token) {
                Some(next) => next,
                None => return RustType::Json,
            };
            hint.push_str(&suffix);
            node = next;
        }
        match self.schema_type(api, node, &hint, 0, &mut Vec::new()) {
            RustType::Option(ty) => RustType::Option(ty),
            ty if through_null => RustType::Option(Box::new(ty)),
            ty => ty,
        }
    }

    /// The type of `node`; `hint` names it unless it is a component. `building` holds the
    /// structs being built around it, to box a member that leads back to one of them.
    fn schema_type(
        &mut self,
        api: &OpenApi,
        node: &Node,
        hint: &str,
        depth: usize,
        building: &mut Vec<TypeId>,
    ) -> RustType {
        let named = OpenApi::ref_name(node).map(names::type_name);
        let name = named.as_deref().unwrap_or(hint);
        let node = api.resolve(node);
        let (nullable, node) = match null_alternative(api, node) {
            Some(other) => {
                let name = OpenApi::ref_name(other)
                    .map(names::type_name)
                    .unwrap_or_else(|| name.to_owned());
                let ty = self.non_null_type(api, api.resolve(other), &name, depth, building);
                return optional(ty);
            }
            None => (is_nullable(node), node),
        };
        let ty = self.non_null_type(api, node, name, depth, building);
        if nullable { optional(ty) } else { ty }
    }

    fn non_null_type(
        &mut self,
        api: &OpenApi,
        node: &Node,
        name: &str,
        depth: usize,
        building: &mut Vec<TypeId>,
    ) -> RustType {
        let id = SchemaId::of(node);
        if let Some(&(_, known)) = self.schemas.iter().find(|(s, _)| *s == id) {
            let ty = RustType::Named(known);
            return if building.contains(&known) {
                RustType::Boxed(Box::new(ty))
            } else {
                ty
            };
        }
        if depth > MAX_DEPTH {
            return RustType::Json;
        }
        if let Some(values) = string_enum(node) {
            // Types of description schemas are shared: at the top of the expansion.
            let enum_id = self.add_enum(Vec::new(), name, values, description(node));
            self.schemas.push((id, enum_id));
            return RustType::Named(enum_id);
        }
        if let Some(value) = node.get("const") {
            return const_type(value);
        }
        if let Some(alternatives) = alternatives(node) {
            return self.union(api, node, alternatives, name, depth, building);
        }
        match single_type(node) {
            Some("string") => RustType::String,
            Some("integer") => match node.get("format").and_then(Node::as_str) {
                Some("int32") => RustType::I32,
                _ => RustType::I64,
            },
            Some("number") => RustType::F64,
            Some("boolean") => RustType::Bool,
            Some("array") => match node.get("items") {
                Some(items) if node.get("prefixItems").is_none() => {
                    let item = format!("{name}Item");
                    RustType::Vec(Box::new(unboxed(self.schema_type(
                        api,
                        items,
                        &item,
                        depth + 1,
                        building,
                    ))))
                }
                _ => RustType::Vec(Box::new(RustType::Json)),
            },
            Some("object") | None if has_members(api, node) => {
                RustType::Named(self.object(api, node, name, depth, building))
            }
            Some("object") | None => match node.get("additionalProperties") {
                Some(values) if values.as_map().is_some_and(|m| !m.is_empty()) => {
                    let value = format!("{name}Value");
                    RustType::Map(Box::new(unboxed(self.schema_type(
                        api,
                        values,
                        &value,
                        depth + 1,
                        building,
                    ))))
                }
                _ => RustType::Json,
            },
            Some(_) => RustType::Json,
        }
    }

    /// The struct of an object schema (its `allOf` parts merged in).
    fn object(
        &mut self,
        api: &OpenApi,
        node: &Node,
        name: &str,
        depth: usize,
        building: &mut Vec<TypeId>,
    ) -> TypeId {
        let name = self.free_name_in(&[], name);
        // Registered before descending: a member leading back here names this struct.
        let id = self.add(
            Vec::new(),
            TypeDef::Struct(StructDef {
                name: name.clone(),
                doc: Vec::new(),
                fields: Vec::new(),
                closed: false,
            }),
        );
        self.schemas.push((SchemaId::of(node), id));
        building.push(id);
        let (properties, closed) = members(api, node);
        let required = schema::required(api, node);
        let mut fields = Vec::new();
        for (key, prop) in properties {
            let hint = format!("{name}{}", key.to_upper_camel_case());
            let ty = self.schema_type(api, prop, &hint, depth + 1, building);
            let ty = if required.contains(&key) {
                ty
            } else {
                optional(ty)
            };
            // A `$ref`'s target documents its own type, not each member using it.
            let mut doc = description(prop);
            if let Some(why) = json_reason(&ty, api.resolve(prop)) {
                doc = Some(match doc {
                    Some(doc) => format!("{doc}\n\n{why}"),
                    None => why,
                });
            }
            fields.push(Field {
                ident: names::field_name(key),
                wire: key.to_owned(),
                ty,
                doc,
            });
        }
        building.pop();
        names::dedupe_fields(&mut fields);
        if let Some(TypeDef::Struct(def)) = self.def_mut(id) {
            def.fields = fields;
            def.doc = description(node)
                .map(|d| d.lines().map(str::to_owned).collect())
                .unwrap_or_default();
            def.closed = closed;
        }
        id
    }

    /// The enum over a `oneOf` / `anyOf`'s alternatives; returns its type.
    fn union(
        &mut self,
        api: &OpenApi,
        node: &Node,
        alternatives: &[Node],
        name: &str,
        depth: usize,
        building: &mut Vec<TypeId>,
    ) -> RustType {
        let name = self.free_name_in(&[], name);
        let id = self.add(
            Vec::new(),
            TypeDef::Union(UnionDef {
                name: name.clone(),
                doc: Vec::new(),
                variants: Vec::new(),
                tag: None,
            }),
        );
        self.schemas.push((SchemaId::of(node), id));
        let discriminator = node.get("discriminator");
        let tag = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Node::as_str)
            .map(str::to_owned);
        let mapping: Vec<(&str, &str)> = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(value, target)| Some((value.name.as_str(), target.as_str()?)))
            .collect();
        building.push(id);
        let mut variants: Vec<Variant> = Vec::new();
        let mut tagged = tag.is_some();
        for (index, alternative) in alternatives.iter().enumerate() {
            let component = OpenApi::ref_name(alternative);
            let hint = format!("{name}Variant{}", index + 1);
            let ty = self.schema_type(api, alternative, &hint, depth + 1, building);
            let mut variant = component
                .map(names::type_name)
                .or_else(|| {
                    api.resolve(alternative)
                        .get("title")
                        .and_then(Node::as_str)
                        .map(names::type_name)
                })
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| variant_name(&ty, index));
            while variants.iter().any(|v| v.name == variant) || variant == "Other" {
                variant.push('_');
            }
            let reference = alternative.get("$ref").and_then(Node::as_str);
            let mut tags: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| Some(*target) == reference || Some(*target) == component)
                .map(|(value, _)| (*value).to_owned())
                .collect();
            // Without a mapping entry, the value is the component's name (OpenAPI 3.1
            // Discriminator Object: "the inline or referenced schema name").
            if tags.is_empty()
                && let Some(component) = component
            {
                tags.push(component.to_owned());
            }
            tagged &= !tags.is_empty() && is_object(&ty);
            variants.push(Variant {
                name: variant,
                ty,
                tags,
            });
        }
        building.pop();
        let mut doc: Vec<String> = description(node)
            .map(|d| {
                d.lines()
                    .map(str::to_owned)
                    .chain([String::new()])
                    .collect()
            })
            .unwrap_or_default();
        let tag = tag.filter(|_| tagged);
        match &tag {
            Some(tag) => doc.push(format!(
                "Chosen by the value of its `{tag}` member (the schema's `discriminator`); a value no alternative is mapped to is kept in `Other`."
            )),
            None => {
                for variant in &mut variants {
                    variant.tags.clear();
                }
                doc.push(
                    "One of these alternatives, tried in the order the schema lists them: the first that decodes is taken."
                        .to_owned(),
                );
            }
        }
        if let Some(TypeDef::Union(def)) = self.def_mut(id) {
            def.doc = doc;
            def.variants = variants;
            def.tag = tag;
        }
        RustType::Named(id)
    }
}

/// `Option<T>`, once.
pub(super) fn optional(ty: RustType) -> RustType {
    match ty {
        RustType::Option(_) => ty,
        ty => RustType::Option(Box::new(ty)),
    }
}

/// A collection's items are on the heap already: no `Box` around them.
fn unboxed(ty: RustType) -> RustType {
    match ty {
        RustType::Boxed(inner) => *inner,
        RustType::Option(inner) => match *inner {
            RustType::Boxed(inner) => RustType::Option(inner),
            inner => RustType::Option(Box::new(inner)),
        },
        ty => ty,
    }
}

/// OpenAPI 3.0 `nullable: true`.
fn is_nullable(node: &Node) -> bool {
    matches!(
        node.get("nullable").map(|n| &n.kind),
        Some(Kind::Bool(true))
    )
}

/// The member a pointer token reaches in a schema, with what it adds to the name of a type
/// generated for it.
fn member<'a>(api: &'a OpenApi, node: &'a Node, token: &str) -> Option<(&'a Node, String)> {
    let (properties, _) = members(api, node);
    if let Some((_, found)) = properties.iter().find(|(name, _)| *name == token) {
        return Some((found, token.to_upper_camel_case()));
    }
    if let Ok(index) = token.parse::<usize>() {
        if let Some(prefix) = node.get("prefixItems").and_then(Node::as_seq) {
            return prefix
                .get(index)
                .map(|item| (item, format!("Item{}", index + 1)));
        }
        if let Some(items) = node.get("items") {
            return Some((items, "Item".to_owned()));
        }
    }
    node.get("additionalProperties")
        .filter(|n| n.as_map().is_some())
        .map(|values| (values, "Value".to_owned()))
}

/// The members an object schema lists, its own and its `allOf` parts' (a member given twice
/// keeps its first schema), and whether it allows no others.
fn members<'a>(api: &'a OpenApi, node: &'a Node) -> (Vec<(&'a str, &'a Node)>, bool) {
    let (listed, closed) = match schema::shape(api, node) {
        Shape::Closed(properties) => (properties, true),
        Shape::Open(properties) => (properties, false),
        Shape::Array(_) | Shape::Scalar(_) => (Vec::new(), false),
    };
    let mut properties: Vec<(&str, &Node)> = Vec::new();
    for (name, schema) in listed {
        if !properties.iter().any(|(known, _)| *known == name) {
            properties.push((name, schema));
        }
    }
    (properties, closed)
}

/// Whether an object schema lists members of its own or through `allOf`.
fn has_members(api: &OpenApi, node: &Node) -> bool {
    !members(api, node).0.is_empty()
}

/// The alternatives of a `oneOf` / `anyOf` (two or more; a nullable one is read elsewhere).
fn alternatives(node: &Node) -> Option<&[Node]> {
    ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| node.get(k).and_then(Node::as_seq))
        .filter(|alternatives| alternatives.len() > 1)
}

/// The Rust type of a `const` (OpenAPI 3.1): the type of its value.
fn const_type(value: &Node) -> RustType {
    match value.kind {
        Kind::Str(_) => RustType::String,
        Kind::Int(_) => RustType::I64,
        Kind::Float(_) => RustType::F64,
        Kind::Bool(_) => RustType::Bool,
        Kind::Null | Kind::Seq(_) | Kind::Map(_) => RustType::Json,
    }
}

/// Whether values of the type are JSON objects (a discriminator member can be read from them).
fn is_object(ty: &RustType) -> bool {
    matches!(ty, RustType::Named(_) | RustType::Map(_))
}

/// A variant name from the alternative's type when it has no component name or title.
fn variant_name(ty: &RustType, index: usize) -> String {
    match ty {
        RustType::String => "String".to_owned(),
        RustType::I64 | RustType::I32 => "Integer".to_owned(),
        RustType::F64 => "Number".to_owned(),
        RustType::Bool => "Boolean".to_owned(),
        RustType::Vec(_) => "Array".to_owned(),
        RustType::Map(_) => "Map".to_owned(),
        _ => format!("Variant{}", index + 1),
    }
}

/// Why a member the schema describes is a `serde_json::Value`, when the schema says something
/// no Rust type says.
fn json_reason(ty: &RustType, schema: &Node) -> Option<String> {
    fn holds_json(ty: &RustType) -> bool {
        match ty {
            RustType::Json => true,
            RustType::Option(inner) | RustType::Vec(inner) | RustType::Map(inner) => {
                holds_json(inner)
            }
            _ => false,
        }
    }
    if !holds_json(ty) {
        return None;
    }
    let why = if schema.get("prefixItems").is_some() {
        "its items are positional (`prefixItems`), which no Rust collection says"
    } else if single_type(schema) == Some("array") {
        "the schema does not say what its items are"
    } else if schema.get("type").and_then(Node::as_seq).is_some() {
        "the schema allows several types"
    } else if schema.get("not").is_some() {
        "the schema says what it is not (`not`)"
    } else if single_type(schema).is_none() && schema.get("const").is_none() {
        "the schema does not say its type"
    } else {
        "the schema allows any members"
    };
    Some(format!("Any JSON value: {why}."))
}
