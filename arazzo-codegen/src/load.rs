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

    /// Follows an RFC 6901 JSON pointer (`/a/b~1c`) from this node.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.kind {
                Kind::Map(_) => node.get(&token)?,
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

/// Parses YAML (JSON is YAML) text into a [`Node`]. Errors name `file` and the position.
pub fn parse(text: &str, file: &str) -> Result<Node, Diagnostic> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
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

enum Open {
    Seq(Node, usize),
    Map(Node, usize, Option<Key>),
}

struct Builder<'f> {
    file: &'f str,
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    nodes: usize,
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
                let kind = scalar(&text, style, tag.as_deref().map(|t| t.suffix.as_str()));
                self.complete(Node { pos, kind }, anchor)
            }
            Event::SequenceStart(anchor, _) => {
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
                self.stack.push(Open::Map(
                    Node {
                        pos,
                        kind: Kind::Map(Vec::new()),
                    },
                    anchor,
                    None,
                ));
                Ok(false)
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Seq(node, anchor) | Open::Map(node, anchor, _)) => {
                    self.complete(node, anchor)
                }
                None => Err(Diagnostic::new(self.file, Some(pos), "unbalanced YAML")),
            },
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id).cloned() else {
                    return Err(Diagnostic::new(
                        self.file,
                        Some(pos),
                        "alias to an unknown anchor",
                    ));
                };
                self.nodes += count(&node);
                if self.nodes > MAX_NODES {
                    return Err(Diagnostic::new(
                        self.file,
                        Some(pos),
                        format!(
                            "the document expands to more than {MAX_NODES} values through aliases"
                        ),
                    ));
                }
                let node = Node { pos, ..node };
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
            Some(Open::Map(map, _, pending)) => {
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
                            if entries.iter().any(|(k, _)| k.name == key.name) {
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

fn count(node: &Node) -> usize {
    match &node.kind {
        Kind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Kind::Map(entries) => 1 + entries.iter().map(|(_, v)| 1 + count(v)).sum::<usize>(),
        _ => 1,
    }
}

/// Resolves a scalar by the YAML 1.2 core schema; quoted scalars and `!!str` are strings.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Kind {
    if style != ScalarStyle::Plain || tag == Some("str") {
        return Kind::Str(text.to_owned());
    }
    match text {
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
    Kind::Str(text.to_owned())
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

    #[test]
    fn pointers() {
        let node = parse("a:\n  b/c: [1, 2]\n", "t.yml").unwrap();
        assert_eq!(node.pointer("/a/b~1c/1").unwrap().kind, Kind::Int(2));
        assert!(node.pointer("/a/zz").is_none());
    }
}
