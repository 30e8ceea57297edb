//! Loading YAML or JSON into a tree whose every node knows its line and column.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diag::{Diagnostic, Pos};

/// A loaded YAML/JSON value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value.
    pub kind: Kind,
}

/// The kinds of values (the JSON data model).
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in document order (keys are strings; others are refused).
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Where the key starts.
    pub pos: Pos,
}

impl Node {
    /// The value under `key`, for a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text, for a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, for a mapping.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, for a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// What kind of value this is, in words, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) | Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// Follows an RFC 6901 JSON pointer (`/a/b~1c`) from this node: `None` when nothing is
    /// there, or when `pointer` is not one (a `~` not followed by `0` or `1`).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let pointer = crate::pointer::JsonPointer::parse(pointer).ok()?;
        let mut node = self;
        for token in pointer.tokens() {
            node = match &node.kind {
                Kind::Map(_) => node.get(token)?,
                Kind::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// The most nodes one document may expand to (aliases included): a "billion laughs" document is
/// refused instead of exhausting memory.
const MAX_NODES: usize = 2_000_000;

/// The most nodes aliases may copy: far below [`MAX_NODES`], because documents written by hand
/// reuse a few schemas through anchors, while a "billion laughs" multiplies them.
const MAX_ALIAS_NODES: usize = 250_000;

/// The most text aliases may copy, in bytes: few nodes can still hold a lot of text (an alias
/// of a long string, aliased again and again).
const MAX_ALIAS_BYTES: usize = 32 * 1024 * 1024;

/// The deepest nesting of sequences and mappings, aliases included (serde_json's own limit):
/// everything after loading walks documents recursively, so depth is bounded here, before a
/// stack could overflow.
const MAX_DEPTH: usize = 128;

/// Parses YAML (JSON is YAML) text into a [`Node`]. Errors name `file` and the position.
pub fn parse(text: &str, file: &str) -> Result<Node, Diagnostic> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
        alias_nodes: 0,
        alias_bytes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            Diagnostic::new(
                file,
                Some(Pos {
                    line: e.marker().line(),
                    col: e.marker().col() + 1,
                }),
                format!("invalid YAML: {}", e.info()),
            )
        })?;
        if builder.event(event, span)? {
            break;
        }
    }
    builder
        .root
        .ok_or_else(|| Diagnostic::new(file, None, "the document is empty"))
}

/// Parses an OpenAPI description, YAML or JSON.
///
/// A JSON document loads through serde_json, several times faster than through the YAML parser
/// (and proc macros usually run unoptimised, where that difference is widest). Its nodes carry
/// the position of the document's start: no diagnostic points inside a description. Text that
/// serde_json refuses (JSON-like YAML, a duplicate key, a syntax error) goes to the YAML parser,
/// which accepts it or reports the mistake with its position.
pub fn parse_description(text: &str, file: &str) -> Result<Node, Diagnostic> {
    if text.trim_start().starts_with('{')
        && let Ok(Json(node)) = serde_json::from_str::<Json>(text)
    {
        return Ok(node);
    }
    parse(text, file)
}

/// Mappings with more entries than this check for duplicate keys with a hash set rather than by
/// scanning: descriptions have `paths` and `schemas` mappings of thousands of entries.
const SCAN_LIMIT: usize = 16;

/// A [`Node`] deserialized by serde_json.
struct Json(Node);

const START: Pos = Pos { line: 1, col: 1 };

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl JsonVisitor {
    fn node(kind: Kind) -> Json {
        Json(Node { pos: START, kind })
    }
}

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Self::node(Kind::Null))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Self::node(Kind::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Self::node(Kind::Int(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        // As the YAML loader does: an integer too large for i64 is a float.
        Ok(Self::node(
            i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int),
        ))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Self::node(Kind::Float(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Self::node(Kind::Str(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Self::node(Kind::Str(v)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Self::node(Kind::Seq(items)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut seen = KeySet::default();
        while let Some(name) = map.next_key::<String>()? {
            let Json(value) = map.next_value()?;
            if !seen.insert(&entries, &name) {
                return Err(serde::de::Error::custom(format!("duplicate key `{name}`")));
            }
            entries.push((Key { name, pos: START }, value));
        }
        Ok(Self::node(Kind::Map(entries)))
    }
}

/// The keys of one mapping being built, for the duplicate check: scanned while few, hashed past
/// [`SCAN_LIMIT`] (scanning every time makes loading quadratic in the size of a mapping).
#[derive(Default)]
struct KeySet(Option<std::collections::HashSet<String>>);

impl KeySet {
    /// Whether `name` is new among `entries`, remembering it.
    fn insert(&mut self, entries: &[(Key, Node)], name: &str) -> bool {
        match &mut self.0 {
            Some(set) => set.insert(name.to_owned()),
            None if entries.len() < SCAN_LIMIT => entries.iter().all(|(k, _)| k.name != name),
            None => {
                let mut set: std::collections::HashSet<String> =
                    entries.iter().map(|(k, _)| k.name.clone()).collect();
                let new = set.insert(name.to_owned());
                self.0 = Some(set);
                new
            }
        }
    }
}

enum Open {
    Seq(Node, usize),
    Map(Node, usize, Option<Key>, KeySet),
}

struct Builder<'f> {
    file: &'f str,
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    nodes: usize,
    /// Nodes and text copied by aliases so far.
    alias_nodes: usize,
    alias_bytes: usize,
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        col: span.start.col() + 1,
    }
}

impl Builder<'_> {
    /// Handles one event; `Ok(true)` once the first document is complete.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, Diagnostic> {
        let pos = pos_of(&span);
        match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => Ok(false),
            Event::StreamEnd | Event::DocumentEnd => Ok(self.root.is_some()),
            Event::Scalar(text, style, anchor, tag) => {
                // A quoted scalar's position is its first character, not the quote, so that a
                // column inside it (a condition's operand) counts from where the text starts.
                let pos = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Pos {
                        col: pos.col + 1,
                        ..pos
                    },
                    _ => pos,
                };
                let kind = scalar(text, style, tag.as_deref().map(|t| t.suffix.as_str()));
                self.complete(Node { pos, kind }, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                self.check_depth(pos)?;
                self.stack.push(Open::Seq(
                    Node {
                        pos,
                        kind: Kind::Seq(Vec::new()),
                    },
                    anchor,
                ));
                Ok(false)
            }
            Event::MappingStart(anchor, _) => {
                self.check_depth(pos)?;
                self.stack.push(Open::Map(
                    Node {
                        pos,
                        kind: Kind::Map(Vec::new()),
                    },
                    anchor,
                    None,
                    KeySet::default(),
                ));
                Ok(false)
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Seq(node, anchor) | Open::Map(node, anchor, _, _)) => {
                    self.complete(node, anchor)
                }
                None => Err(Diagnostic::new(self.file, Some(pos), "unbalanced YAML")),
            },
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(Diagnostic::new(
                        self.file,
                        Some(pos),
                        "alias to an unknown anchor",
                    ));
                };
                // Measured before it is copied, so a refused alias never costs its memory.
                let size = measure(anchored);
                self.nodes = self.nodes.saturating_add(size.nodes);
                self.alias_nodes = self.alias_nodes.saturating_add(size.nodes);
                self.alias_bytes = self.alias_bytes.saturating_add(size.bytes);
                let refuse = |message: String| Err(Diagnostic::new(self.file, Some(pos), message));
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return refuse(format!(
                        "the document expands to more than {MAX_ALIAS_NODES} values through aliases"
                    ));
                }
                if self.nodes > MAX_NODES {
                    return refuse(format!("the document has more than {MAX_NODES} values"));
                }
                if self.alias_bytes > MAX_ALIAS_BYTES {
                    return refuse(format!(
                        "aliases copy more than {MAX_ALIAS_BYTES} bytes of text"
                    ));
                }
                // Every node already satisfies `level + height <= MAX_DEPTH + 1`; so must the copy.
                if self.stack.len() + size.height > MAX_DEPTH + 1 {
                    return refuse(format!(
                        "the document nests deeper than {MAX_DEPTH} levels through aliases"
                    ));
                }
                let node = Node {
                    pos,
                    ..anchored.clone()
                };
                self.complete(node, 0)
            }
        }
    }

    fn complete(&mut self, node: Node, anchor: usize) -> Result<bool, Diagnostic> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Diagnostic::new(
                self.file,
                Some(node.pos),
                format!("the document has more than {MAX_NODES} values"),
            ));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(false)
            }
            Some(Open::Seq(seq, _)) => {
                if let Kind::Seq(items) = &mut seq.kind {
                    items.push(node);
                }
                Ok(false)
            }
            Some(Open::Map(map, _, pending, seen)) => {
                match pending.take() {
                    None => {
                        let name = match node.kind {
                            Kind::Str(s) => s,
                            Kind::Int(i) => i.to_string(),
                            Kind::Bool(b) => b.to_string(),
                            Kind::Float(f) => f.to_string(),
                            Kind::Null => "null".to_owned(),
                            _ => {
                                return Err(Diagnostic::new(
                                    self.file,
                                    Some(node.pos),
                                    "a mapping key must be a plain value",
                                ));
                            }
                        };
                        *pending = Some(Key {
                            name,
                            pos: node.pos,
                        });
                    }
                    Some(key) => {
                        if let Kind::Map(entries) = &mut map.kind {
                            if !seen.insert(entries, &key.name) {
                                return Err(Diagnostic::new(
                                    self.file,
                                    Some(key.pos),
                                    format!("duplicate key `{}`", key.name),
                                ));
                            }
                            entries.push((key, node));
                        }
                    }
                }
                Ok(false)
            }
        }
    }
}

impl Builder<'_> {
    /// Refuses to open a sequence or mapping past [`MAX_DEPTH`].
    fn check_depth(&self, pos: Pos) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::new(
                self.file,
                Some(pos),
                format!("the document nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }
}

/// What copying a node costs.
struct Size {
    nodes: usize,
    /// Bytes of text: strings and mapping keys.
    bytes: usize,
    /// Levels of nesting, 1 for a scalar. Bounded by [`MAX_DEPTH`], so recursion is too.
    height: usize,
}

fn measure(node: &Node) -> Size {
    let mut size = Size {
        nodes: 1,
        bytes: 0,
        height: 1,
    };
    match &node.kind {
        Kind::Str(text) => size.bytes = text.len(),
        Kind::Seq(items) => items.iter().for_each(|item| size.add(measure(item), None)),
        Kind::Map(entries) => entries
            .iter()
            .for_each(|(key, value)| size.add(measure(value), Some(key))),
        _ => {}
    }
    size
}

impl Size {
    /// Adds a child, and its key when it is a mapping's value (a key is a node too).
    fn add(&mut self, child: Size, key: Option<&Key>) {
        let key_bytes = key.map_or(0, |k| k.name.len());
        self.nodes = self
            .nodes
            .saturating_add(child.nodes)
            .saturating_add(usize::from(key.is_some()));
        self.bytes = self
            .bytes
            .saturating_add(child.bytes)
            .saturating_add(key_bytes);
        self.height = self.height.max(child.height + 1);
    }
}

/// Resolves a scalar by the YAML 1.2 core schema; quoted scalars and `!!str` are strings.
fn scalar(text: std::borrow::Cow<'_, str>, style: ScalarStyle, tag: Option<&str>) -> Kind {
    if style != ScalarStyle::Plain || tag == Some("str") {
        return Kind::Str(text.into_owned());
    }
    match &*text {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Kind::Int(i);
    }
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && text.chars().any(|c| c.is_ascii_digit());
    if looks_numeric && let Ok(f) = text.parse::<f64>() {
        return Kind::Float(f);
    }
    Kind::Str(text.into_owned())
}

/// Moves each position in `positions` computed inside a scalar that spans several lines to
/// where it really is in `text`.
///
/// The generator places a mistake inside a value (an operand of a condition) at the value's
/// start plus the offset into its text. For a scalar folded from several lines (a plain or
/// quoted one that wraps, or a `|` / `>` block) that lands past the end of its first line; this
/// walks the source from the scalar's start, counting each line break with the indentation
/// around it as the one character it folds to. Positions inside their line are left alone; the
/// text is parsed again only when one is not.
pub fn unfold<'p>(text: &str, positions: impl IntoIterator<Item = &'p mut Pos>) {
    let lines: Vec<&str> = text.lines().collect();
    let past_end = |pos: &Pos| {
        pos.line
            .checked_sub(1)
            .and_then(|i| lines.get(i))
            .is_some_and(|line| pos.col > line.chars().count() + 1)
    };
    let moved: Vec<&mut Pos> = positions.into_iter().filter(|p| past_end(p)).collect();
    if moved.is_empty() {
        return;
    }
    // Where each scalar that spans several lines starts: its line and its text's column.
    let mut starts = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        if let Event::Scalar(_, style, ..) = event
            && span.end.line() != span.start.line()
        {
            // A quoted scalar's text starts after its quote; a block scalar's span starts at
            // its text.
            let start = span.start.col() + 1;
            let col = match style {
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => start + 1,
                _ => start,
            };
            starts.push((span.start.line(), col));
        }
    }
    for pos in moved {
        let found = starts
            .iter()
            .find(|(line, col)| *line == pos.line && *col <= pos.col)
            .and_then(|&(line, col)| walk_folded(&lines, line, col, pos.col - col));
        if let Some(found) = found {
            *pos = found;
        }
    }
}

/// Walks `offset` characters of folded text from line `line`, column `col` (both 1-based).
fn walk_folded(lines: &[&str], mut line: usize, mut col: usize, offset: usize) -> Option<Pos> {
    let mut left = offset;
    loop {
        let chars: Vec<char> = lines.get(line - 1)?.chars().collect();
        let end = chars
            .iter()
            .rposition(|c| !c.is_whitespace())
            .map_or(0, |i| i + 1);
        let here = end.saturating_sub(col - 1);
        if left < here {
            return Some(Pos {
                line,
                col: col + left,
            });
        }
        // The rest of this line, then the break it folds to.
        left = left.checked_sub(here + 1)?;
        line += 1;
        let next = lines.get(line - 1)?;
        col = next.chars().take_while(|c| c.is_whitespace()).count() + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let node = parse("a: 1\nb:\n  - x\n  - 'y'\n", "t.yml").unwrap();
        let b = node.get("b").unwrap();
        let items = b.as_seq().unwrap();
        assert_eq!(items[0].pos, Pos { line: 3, col: 5 });
        assert_eq!(items[1].kind, Kind::Str("y".into()));
        assert_eq!(node.get("a").unwrap().kind, Kind::Int(1));
    }

    #[test]
    fn json_loads_too() {
        let node = parse(r#"{"a": [true, null, 1.5, "s"]}"#, "t.json").unwrap();
        let a = node.get("a").unwrap().as_seq().unwrap();
        assert_eq!(a[0].kind, Kind::Bool(true));
        assert_eq!(a[1].kind, Kind::Null);
        assert_eq!(a[2].kind, Kind::Float(1.5));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("a: [1, 2\nb: 3\n", "t.yml").unwrap_err();
        assert!(err.pos.is_some(), "{err}");
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let names: Vec<char> = ('b'..='k').collect();
        let mut prev = 'a';
        for n in names {
            doc.push_str(&format!(
                "{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = n;
        }
        let err = parse(&doc, "lol.yml").unwrap_err();
        assert!(err.message.contains("more than"), "{err}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = parse("a: 1\na: 2\n", "t.yml").unwrap_err();
        assert!(err.message.contains("duplicate key"));
    }

    /// The same tree with every position reset, to compare the two loaders.
    fn shape(node: &Node) -> Node {
        let kind = match &node.kind {
            Kind::Seq(items) => Kind::Seq(items.iter().map(shape).collect()),
            Kind::Map(entries) => Kind::Map(
                entries
                    .iter()
                    .map(|(k, v)| {
                        let key = Key {
                            name: k.name.clone(),
                            pos: START,
                        };
                        (key, shape(v))
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        Node { pos: START, kind }
    }

    #[test]
    fn json_descriptions_load_as_the_yaml_loader_reads_them() {
        let text = r#"{"openapi": "3.0.0", "paths": {"/a": {"get": {"operationId": "x",
            "parameters": [{"name": "n", "in": "query", "required": true}]}}},
            "n": [1, -2, 2.5, 18446744073709551615, null, false, "s\n\u00e9"]}"#;
        let fast = parse_description(text, "api.json").expect("loads");
        let slow = parse(text, "api.json").expect("loads");
        assert_eq!(shape(&fast), shape(&slow));
    }

    #[test]
    fn a_json_description_with_a_duplicate_key_is_refused_with_its_position() {
        let err = parse_description("{\"a\": 1,\n \"a\": 2}", "api.json").unwrap_err();
        assert!(err.message.contains("duplicate key"), "{err}");
        assert_eq!(err.pos.map(|p| p.line), Some(2));
    }

    #[test]
    fn duplicates_are_found_in_large_mappings() {
        let mut doc: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(parse(&doc, "t.yml").is_ok());
        doc.push_str("k42: again\n");
        let err = parse(&doc, "t.yml").unwrap_err();
        assert!(err.message.contains("duplicate key `k42`"), "{err}");
        let json = format!(
            "{{{}, \"k7\": 0}}",
            (0..100)
                .map(|i| format!("\"k{i}\": {i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let err = parse_description(&json, "t.json").unwrap_err();
        assert!(err.message.contains("duplicate key `k7`"), "{err}");
    }

    #[test]
    fn pointers() {
        let node = parse("a:\n  b/c: [1, 2]\n", "t.yml").unwrap();
        assert_eq!(node.pointer("/a/b~1c/1").unwrap().kind, Kind::Int(2));
        assert!(node.pointer("/a/zz").is_none());
        assert!(node.pointer("/a/b~2c").is_none());
        let tilde = parse("\"~1\": x\n", "t.yml").unwrap();
        assert_eq!(tilde.pointer("/~01").unwrap().kind, Kind::Str("x".into()));
    }
}
