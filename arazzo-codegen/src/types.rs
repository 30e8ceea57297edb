//! Rust types from JSON Schemas: workflow inputs, and the response schemas step outputs land on.

use crate::pointer::JsonPointer;
use heck::ToUpperCamelCase;

use crate::load::Node;
use crate::names;
use crate::openapi::OpenApi;

mod outputs;

/// A Rust type the generated code uses.
#[derive(Debug, Clone, PartialEq)]
pub enum RustType {
    /// `String`
    String,
    /// `::arazzo_runtime::Secret` (`format: password`)
    Secret,
    /// `i64`
    I64,
    /// `i32` (`format: int32`)
    I32,
    /// `f64`
    F64,
    /// `bool`
    Bool,
    /// `u16` (`$statusCode`)
    U16,
    /// `serde_json::Value`: the schema says nothing more precise.
    Json,
    /// `Vec<T>`
    Vec(Box<RustType>),
    /// `Option<T>`
    Option(Box<RustType>),
    /// `Box<T>`: a member that leads back to a type containing it (a recursive schema).
    Boxed(Box<RustType>),
    /// `BTreeMap<String, T>` (`additionalProperties: T` without `properties`).
    Map(Box<RustType>),
    /// A generated enum or struct.
    Named(TypeId),
}

/// A JSON pointer token that no value of the pointer's type can have (see
/// [`TypeRegistry::pointer_outside`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointerOutside {
    /// The token, unescaped.
    pub token: String,
    /// The members the struct there declares (empty where the value there has none).
    pub members: Vec<String>,
}

/// A generated type: its place in the [`TypeRegistry`] of the expansion. The plan names
/// generated types only by id; `emit` looks the id up for the name and module the registry
/// decided, and renders the path from the module it is writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeId(usize);

/// What a [`TypeId`] stands for.
#[derive(Debug)]
pub enum TypeDef {
    /// A string enum.
    Enum(EnumDef),
    /// A struct.
    Struct(StructDef),
    /// An enum over `oneOf` / `anyOf` alternatives.
    Union(UnionDef),
    /// A name taken by an item emitted with its workflow (a workflow's outputs struct).
    Reserved(String),
}

impl TypeDef {
    /// The item's name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Enum(def) => &def.name,
            TypeDef::Struct(def) => &def.name,
            TypeDef::Union(def) => &def.name,
            TypeDef::Reserved(name) => name,
        }
    }
}

/// One generated type and the module it is defined in.
#[derive(Debug)]
struct Entry {
    /// The module, as the path of module names from the top of the expansion: empty for the
    /// types of description schemas (shared by every document of the expansion, imported ones
    /// included), an imported Arazzo document's module for its workflows' inputs and outputs.
    module: Vec<String>,
    def: TypeDef,
}

/// The schema of a source description a workflow input's `$ref` names
/// (`$ref: './api.yaml#/components/schemas/Status'`).
pub struct DescriptionSchema {
    /// The description.
    pub api: std::sync::Arc<OpenApi>,
    /// The JSON pointer to the schema in it.
    pub pointer: JsonPointer,
}

/// Finds the schema a `$ref` into another file names (given the `$ref`'s value), reporting
/// why when it cannot.
pub type ResolveRef<'r> = dyn FnMut(&Node) -> Option<DescriptionSchema> + 'r;

/// A generated string enum with a fallback variant for values the description did not list.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The type name.
    pub name: String,
    /// `(variant name, wire value)`.
    pub variants: Vec<(String, String)>,
    /// The name of the fallback variant holding any other value.
    pub fallback: String,
    /// The schema's description.
    pub doc: Option<String>,
}

/// A generated struct (workflow inputs and their nested objects).
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// The type name.
    pub name: String,
    /// Its documentation.
    pub doc: Vec<String>,
    /// Its fields.
    pub fields: Vec<Field>,
    /// `additionalProperties: false`: a member the schema does not list is refused.
    pub closed: bool,
}

/// A generated enum over the alternatives of a `oneOf` / `anyOf`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// The type name.
    pub name: String,
    /// Its documentation.
    pub doc: Vec<String>,
    /// The alternatives, in the order the schema lists them.
    pub variants: Vec<Variant>,
    /// `discriminator.propertyName`: the member whose value chooses the alternative. `None`:
    /// the alternatives are tried in order.
    pub tag: Option<String>,
}

/// One alternative of a [`UnionDef`].
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The variant name.
    pub name: String,
    /// The type it holds.
    pub ty: RustType,
    /// The discriminator values that choose it (empty without a discriminator).
    pub tags: Vec<String>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name.
    pub ident: String,
    /// The name on the wire (for `#[serde(rename)]`).
    pub wire: String,
    /// Its type.
    pub ty: RustType,
    /// Its documentation.
    pub doc: Option<String>,
}

/// Every named type one expansion generates: one type per schema of a description, however
/// many outputs (of however many workflows and documents, imported ones included) land on it.
/// Names are decided here, once: see [`TypeRegistry::free_name`].
#[derive(Debug, Default)]
pub struct TypeRegistry {
    /// Every type, indexed by [`TypeId`].
    entries: Vec<Entry>,
    /// The module of the document being planned: where its inputs and outputs go.
    module: Vec<String>,
    /// The type generated for each description schema, by the schema's identity.
    schemas: Vec<(outputs::SchemaId, TypeId)>,
    /// The descriptions typed from, kept alive so that a schema's identity stays its own.
    descriptions: Vec<std::sync::Arc<OpenApi>>,
}

impl TypeRegistry {
    /// The item `id` stands for.
    pub fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.entries.get(id.0).map(|e| &e.def)
    }

    /// The name of the item `id` stands for.
    pub fn name(&self, id: TypeId) -> &str {
        self.def(id).map_or("", TypeDef::name)
    }

    /// The module the item `id` stands for is defined in (see [`Entry::module`]).
    pub fn module(&self, id: TypeId) -> &[String] {
        self.entries.get(id.0).map_or(&[], |e| e.module.as_slice())
    }

    /// The struct `id` stands for, if it is one.
    pub fn struct_def(&self, id: TypeId) -> Option<&StructDef> {
        match self.def(id)? {
            TypeDef::Struct(def) => Some(def),
            TypeDef::Enum(_) | TypeDef::Union(_) | TypeDef::Reserved(_) => None,
        }
    }

    /// The items defined in `module`, in the order they were generated.
    pub fn defined_in<'r>(&'r self, module: &'r [String]) -> impl Iterator<Item = &'r TypeDef> {
        self.entries
            .iter()
            .filter(move |e| e.module == module)
            .map(|e| &e.def)
    }

    /// Plans the next items (workflow inputs and outputs) in the module of an imported Arazzo
    /// document, until [`Self::leave`].
    pub fn enter(&mut self, module: &str) {
        self.module.push(module.to_owned());
    }

    /// Back to the module around the imported document's.
    pub fn leave(&mut self) {
        self.module.pop();
    }

    /// Adds `def` to `module` and returns its id.
    fn add(&mut self, module: Vec<String>, def: TypeDef) -> TypeId {
        self.entries.push(Entry { module, def });
        TypeId(self.entries.len() - 1)
    }

    fn def_mut(&mut self, id: TypeId) -> Option<&mut TypeDef> {
        self.entries.get_mut(id.0).map(|e| &mut e.def)
    }

    fn add_enum(
        &mut self,
        module: Vec<String>,
        name: &str,
        values: Vec<String>,
        doc: Option<String>,
    ) -> TypeId {
        let existing = self.entries.iter().position(|e| {
            e.module == module
                && matches!(&e.def, TypeDef::Enum(def) if def.name == name
                    && def.variants.iter().map(|(_, v)| v).eq(values.iter()))
        });
        if let Some(index) = existing {
            return TypeId(index);
        }
        let name = self.free_name_in(&module, name);
        let mut variants: Vec<(String, String)> = Vec::new();
        for value in values {
            let mut variant = names::type_name(&value);
            if variant.is_empty() {
                variant = "Empty".to_owned();
            }
            while variants.iter().any(|(v, _)| *v == variant) || variant == "Other" {
                variant.push('_');
            }
            variants.push((variant, value));
        }
        self.add(
            module,
            TypeDef::Enum(EnumDef {
                name,
                variants,
                fallback: "Other".to_owned(),
                doc,
            }),
        )
    }

    /// The type of the value `pointer` reaches inside a value of type `ty`: `None` where the
    /// types say nothing (a `serde_json::Value`, an enum). Through an optional member, an array
    /// item or a map entry, which may be missing, the type is an `Option`.
    pub fn at_pointer(&self, ty: &RustType, pointer: &JsonPointer) -> Option<RustType> {
        let mut optional = false;
        let mut ty = ty;
        for token in pointer.tokens() {
            ty = present(ty, &mut optional);
            ty = match ty {
                RustType::Vec(item) if token.parse::<usize>().is_ok() => {
                    optional = true;
                    item
                }
                RustType::Map(value) => {
                    optional = true;
                    value
                }
                RustType::Named(id) => {
                    let def = self.struct_def(*id)?;
                    &def.fields.iter().find(|f| f.wire == *token)?.ty
                }
                // The schema says nothing below here: whatever is there, as JSON.
                RustType::Json if optional => {
                    return Some(RustType::Option(Box::new(RustType::Json)));
                }
                RustType::Json => return Some(RustType::Json),
                _ => return None,
            };
        }
        let ty = present(ty, &mut optional).clone();
        Some(if optional {
            RustType::Option(Box::new(ty))
        } else {
            ty
        })
    }

    /// Where `pointer` leaves what a value of type `ty` can hold, if it does: a member its
    /// struct does not declare (a decoded struct keeps only its schema's members, unknown ones
    /// are dropped), a non-index token into an array, or any token into a string, number or
    /// boolean. `None` while the pointer stays inside the type, or once it reaches a part the
    /// schema leaves untyped (`serde_json::Value`, a map's values, a union), whose members
    /// nothing at compile time knows.
    pub fn pointer_outside(&self, ty: &RustType, pointer: &JsonPointer) -> Option<PointerOutside> {
        let mut ty = ty;
        let mut optional = false;
        for token in pointer.tokens() {
            let outside = |members: Vec<String>| PointerOutside {
                token: token.to_owned(),
                members,
            };
            ty = match present(ty, &mut optional) {
                RustType::Vec(item) if token.parse::<usize>().is_ok() => item,
                RustType::Vec(_) => return Some(outside(Vec::new())),
                RustType::Named(id) => {
                    let def = self.struct_def(*id)?;
                    match def.fields.iter().find(|f| f.wire == *token) {
                        Some(field) => &field.ty,
                        None => {
                            return Some(outside(
                                def.fields.iter().map(|f| f.wire.clone()).collect(),
                            ));
                        }
                    }
                }
                RustType::String
                | RustType::Secret
                | RustType::I64
                | RustType::I32
                | RustType::F64
                | RustType::Bool
                | RustType::U16 => return Some(outside(Vec::new())),
                RustType::Json | RustType::Map(_) | RustType::Option(_) | RustType::Boxed(_) => {
                    return None;
                }
            };
        }
        None
    }

    /// Reserves a type name in the current module for an item generated elsewhere (a
    /// workflow's outputs struct), so no other type takes it; returns the name given.
    pub fn reserve(&mut self, name: &str) -> String {
        let module = self.module.clone();
        let name = self.free_name_in(&module, name);
        self.add(module, TypeDef::Reserved(name.clone()));
        name
    }

    /// A type name not yet taken in the current module.
    pub fn free_name(&self, wanted: &str) -> String {
        self.free_name_in(&self.module, wanted)
    }

    /// The naming rule's last step: `wanted`, or, when an item of `module` has that name
    /// already, `wanted` with the first of `2`, `3`, … that makes it unique.
    fn free_name_in(&self, module: &[String], wanted: &str) -> String {
        let taken = |n: &str| {
            self.entries
                .iter()
                .any(|e| e.module == module && e.def.name() == n)
        };
        if !taken(wanted) {
            return wanted.to_owned();
        }
        (2..)
            .map(|i| format!("{wanted}{i}"))
            .find(|n| !taken(n))
            .unwrap_or_else(|| wanted.to_owned())
    }

    /// The type of a source description's schema named by a workflow input's `$ref`: the one
    /// type of that schema, shared with the outputs that land on it, named after the schema's
    /// last pointer token (`#/components/schemas/Status` → `Status`) when it is typed first.
    fn description_type(&mut self, target: &DescriptionSchema) -> RustType {
        let api = target.api.clone();
        let Some(node) = api.root.pointer(target.pointer.as_str()) else {
            return RustType::Json;
        };
        let name = target
            .pointer
            .tokens()
            .last()
            .map(|token| names::type_name(token))
            .unwrap_or_default();
        self.output_type(&api, node, &JsonPointer::default(), &name)
    }

    /// The type of a workflow input schema. Objects with properties become structs named
    /// `name_hint`, string enums become enums, in the module of the document being planned.
    pub fn input_type(
        &mut self,
        schema: &Node,
        name_hint: &str,
        refs: &mut ResolveRef,
    ) -> RustType {
        if let Some(reference) = schema
            .get("$ref")
            .filter(|r| r.as_str().is_some_and(|r| !r.starts_with('#')))
        {
            return match refs(reference) {
                Some(target) => self.description_type(&target),
                None => RustType::Json,
            };
        }
        let ty = schema.get("type").and_then(Node::as_str);
        if let Some(values) = string_enum(schema) {
            let doc = description(schema);
            return RustType::Named(self.add_enum(self.module.clone(), name_hint, values, doc));
        }
        match ty {
            Some("string") => match schema.get("format").and_then(Node::as_str) {
                Some("password") => RustType::Secret,
                _ => RustType::String,
            },
            Some("integer") => RustType::I64,
            Some("number") => RustType::F64,
            Some("boolean") => RustType::Bool,
            Some("array") => match schema.get("items") {
                Some(items) => RustType::Vec(Box::new(self.input_type(
                    items,
                    &format!("{name_hint}Item"),
                    refs,
                ))),
                None => RustType::Vec(Box::new(RustType::Json)),
            },
            Some("object") | None if schema.get("properties").is_some() => {
                RustType::Named(self.input_struct(schema, name_hint, Vec::new(), refs))
            }
            _ => RustType::Json,
        }
    }

    /// Generates the struct for an object schema in the module of the document being planned.
    pub fn input_struct(
        &mut self,
        schema: &Node,
        name: &str,
        doc: Vec<String>,
        refs: &mut ResolveRef,
    ) -> TypeId {
        let module = self.module.clone();
        let name = self.free_name_in(&module, name);
        // Added before descending, so nested types cannot take its name.
        let id = self.add(
            module,
            TypeDef::Struct(StructDef {
                name: name.clone(),
                doc: doc.clone(),
                fields: Vec::new(),
                closed: false,
            }),
        );
        let (required, properties) = object_members(schema);
        let mut fields = Vec::new();
        for (key, prop) in properties {
            let hint = format!("{name}{}", key.to_upper_camel_case());
            let ty = self.input_type(prop, &hint, refs);
            let ty = if required.contains(&key) {
                ty
            } else {
                outputs::optional(ty)
            };
            fields.push(Field {
                ident: names::field_name(key),
                wire: key.to_owned(),
                ty,
                doc: description(prop),
            });
        }
        names::dedupe_fields(&mut fields);
        if let Some(TypeDef::Struct(def)) = self.def_mut(id) {
            def.fields = fields;
        }
        id
    }
}

/// The type inside any `Option` and `Box` around `ty`; `optional` is set when there was an
/// `Option`.
fn present<'t>(mut ty: &'t RustType, optional: &mut bool) -> &'t RustType {
    loop {
        ty = match ty {
            RustType::Option(inner) => {
                *optional = true;
                inner
            }
            RustType::Boxed(inner) => inner,
            other => return other,
        };
    }
}

/// OpenAPI 3.1 (JSON Schema) nullability, which has no `nullable` keyword: for
/// `type: [T, 'null']` the schema itself, whose other type [`single_type`] reads; for `oneOf` /
/// `anyOf` of `{type: 'null'}` and exactly one other schema, that other schema. `None` when the
/// schema does not admit `null` this way.
fn null_alternative<'a>(api: &'a OpenApi, schema: &'a Node) -> Option<&'a Node> {
    if let Some(types) = schema.get("type").and_then(Node::as_seq) {
        return types
            .iter()
            .any(|t| t.as_str() == Some("null"))
            .then_some(schema);
    }
    let branches = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(k).and_then(Node::as_seq))?;
    let is_null =
        |branch: &Node| api.resolve(branch).get("type").and_then(Node::as_str) == Some("null");
    if !branches.iter().any(is_null) {
        return None;
    }
    match branches
        .iter()
        .filter(|b| !is_null(b))
        .collect::<Vec<_>>()
        .as_slice()
    {
        [other] => Some(other),
        _ => None,
    }
}

/// The schema's one type other than `null`: `type: string`, or `type: [string, 'null']`.
fn single_type(schema: &Node) -> Option<&str> {
    let ty = schema.get("type")?;
    if let Some(name) = ty.as_str() {
        return Some(name);
    }
    match ty
        .as_seq()?
        .iter()
        .filter_map(Node::as_str)
        .filter(|t| *t != "null")
        .collect::<Vec<_>>()
        .as_slice()
    {
        [one] => Some(one),
        _ => None,
    }
}

fn string_enum(schema: &Node) -> Option<Vec<String>> {
    if single_type(schema).is_some_and(|t| t != "string") {
        return None;
    }
    let values = schema.get("enum")?.as_seq()?;
    values
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The `description` of a schema, trimmed.
pub fn description(schema: &Node) -> Option<String> {
    schema
        .get("description")
        .and_then(Node::as_str)
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
}

/// The `required` names and the `properties` of an object schema, with those of its `allOf`
/// parts (an inputs schema written as `allOf: [$ref: a, $ref: b]` has the members of both;
/// JSON Schema 2020-12 §10.2.1.1). A member given twice keeps its first schema; nesting deeper
/// than 16 `allOf`s is not followed.
fn object_members(schema: &Node) -> (Vec<&str>, Vec<(&str, &Node)>) {
    fn gather<'a>(
        schema: &'a Node,
        depth: usize,
        required: &mut Vec<&'a str>,
        properties: &mut Vec<(&'a str, &'a Node)>,
    ) {
        required.extend(
            schema
                .get("required")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str),
        );
        for (key, prop) in schema
            .get("properties")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            if !properties.iter().any(|(name, _)| *name == key.name) {
                properties.push((key.name.as_str(), prop));
            }
        }
        if depth < 16 {
            for part in schema
                .get("allOf")
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                gather(part, depth + 1, required, properties);
            }
        }
    }
    let mut required = Vec::new();
    let mut properties = Vec::new();
    gather(schema, 0, &mut required, &mut properties);
    (required, properties)
}
