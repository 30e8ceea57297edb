//! Arazzo runtime expressions (`$response.body#/simId`), string templates with embedded
//! expressions (`"Bearer {$inputs.token}"`) and simple conditions (`$statusCode == 201`).

use std::fmt;

use crate::diag::suggest;
pub use crate::pointer::{JsonPointer, PointerError};

/// Where a `$request.` or `$response.` expression reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `header.NAME`
    Header(String),
    /// `query.NAME`
    Query(String),
    /// `path.NAME`
    Path(String),
    /// `body` with an optional JSON pointer after `#`.
    Body(Option<JsonPointer>),
}

/// A parsed runtime expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// `$url`
    Url,
    /// `$method`
    Method,
    /// `$statusCode`
    StatusCode,
    /// `$request.…`
    Request(Source),
    /// `$response.…`
    Response(Source),
    /// `$inputs.NAME[#POINTER]`
    Inputs {
        /// The input's name.
        name: String,
        /// A pointer into the input's value.
        pointer: Option<JsonPointer>,
    },
    /// `$outputs.NAME[#POINTER]` (the outputs of the workflow a step calls)
    Outputs {
        /// The output's name.
        name: String,
        /// A pointer into the output's value.
        pointer: Option<JsonPointer>,
    },
    /// `$steps.STEP.outputs.NAME[#POINTER]`
    Steps {
        /// The step id.
        step: String,
        /// The output name, when the expression reads `.outputs.NAME`.
        output: Option<String>,
        /// A pointer into the output's value.
        pointer: Option<JsonPointer>,
    },
    /// `$workflows.WORKFLOW.outputs.NAME`
    Workflows {
        /// The workflow id.
        workflow: String,
        /// The output name, when the expression reads `.outputs.NAME`.
        output: Option<String>,
        /// A pointer into the output's value.
        pointer: Option<JsonPointer>,
    },
    /// `$workflows.WORKFLOW.inputs.NAME`: the inputs that workflow ran with.
    WorkflowInputs {
        /// The workflow id.
        workflow: String,
        /// The input's name.
        input: String,
        /// A pointer into the input's value.
        pointer: Option<JsonPointer>,
    },
    /// `$sourceDescriptions.NAME.REFERENCE`
    SourceDescriptions {
        /// The source description's name.
        name: String,
        /// What follows the name: an operationId, a workflowId or a field of the Source
        /// Description Object (`url`, `type`).
        reference: Option<String>,
    },
    /// `$self` (Arazzo 1.1): the document's own URI.
    SelfUri,
    /// `$message.…` (Arazzo 1.1, AsyncAPI): recognised so that it can be reported as such.
    Message,
    /// `$components.KIND.NAME`
    Components {
        /// `parameters`, `successActions`, …
        kind: String,
        /// The component's name.
        name: String,
    },
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Url => f.write_str("$url"),
            Expr::Method => f.write_str("$method"),
            Expr::StatusCode => f.write_str("$statusCode"),
            Expr::Request(_) => f.write_str("$request"),
            Expr::Response(_) => f.write_str("$response"),
            Expr::Inputs { name, .. } => write!(f, "$inputs.{name}"),
            Expr::Outputs { name, .. } => write!(f, "$outputs.{name}"),
            Expr::Steps { step, .. } => write!(f, "$steps.{step}"),
            Expr::Workflows { workflow, .. } => write!(f, "$workflows.{workflow}"),
            Expr::WorkflowInputs {
                workflow, input, ..
            } => write!(f, "$workflows.{workflow}.inputs.{input}"),
            Expr::SourceDescriptions {
                name,
                reference: Some(reference),
            } => write!(f, "$sourceDescriptions.{name}.{reference}"),
            Expr::SourceDescriptions {
                name,
                reference: None,
            } => write!(f, "$sourceDescriptions.{name}"),
            Expr::Components { kind, name } => write!(f, "$components.{kind}.{name}"),
            Expr::SelfUri => f.write_str("$self"),
            Expr::Message => f.write_str("$message"),
        }
    }
}

/// A parse error: the byte offset in the text, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Byte offset where the problem is.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// What was probably meant.
    pub hint: Option<String>,
}

impl ExprError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        Self {
            offset,
            message: message.into(),
            hint: None,
        }
    }
}

const ROOTS: [&str; 13] = [
    "$self",
    "$message",
    "$url",
    "$method",
    "$statusCode",
    "$request",
    "$response",
    "$inputs",
    "$outputs",
    "$steps",
    "$workflows",
    "$sourceDescriptions",
    "$components",
];

/// Parses one whole runtime expression.
pub fn parse_expr(text: &str) -> Result<Expr, ExprError> {
    let (path, pointer) = match text.split_once('#') {
        Some((path, pointer)) => (path, Some(pointer)),
        None => (text, None),
    };
    let pointer = pointer
        .map(|pointer| {
            JsonPointer::parse(pointer).map_err(|m| {
                let mut e = ExprError::new(path.len() + 1, m.to_string());
                if !pointer.starts_with('/') {
                    e.hint = Some(format!("did you mean `{path}#/{pointer}`?"));
                }
                e
            })
        })
        .transpose()?;
    let (root, rest) = match path.split_once('.') {
        Some((root, rest)) => (root, Some(rest)),
        None => (path, None),
    };
    let need_rest = |what: &str| {
        rest.filter(|r| !r.is_empty()).ok_or_else(|| {
            ExprError::new(
                root.len(),
                format!("`{root}` must be followed by `.{what}`"),
            )
        })
    };
    let no_pointer = |expr: Expr| match &pointer {
        Some(_) => Err(ExprError::new(
            path.len(),
            format!("`{root}` cannot be followed by a JSON pointer"),
        )),
        None => Ok(expr),
    };
    match root {
        "$url" | "$method" | "$statusCode" | "$self" if rest.is_some() => Err(ExprError::new(
            root.len(),
            format!("`{root}` takes nothing after it"),
        )),
        "$url" => no_pointer(Expr::Url),
        "$method" => no_pointer(Expr::Method),
        "$statusCode" => no_pointer(Expr::StatusCode),
        "$self" => no_pointer(Expr::SelfUri),
        "$message" => Ok(Expr::Message),
        "$request" | "$response" => {
            let source = parse_source(
                root,
                need_rest("body, header.NAME, query.NAME or path.NAME")?,
                pointer,
            )?;
            Ok(if root == "$request" {
                Expr::Request(source)
            } else {
                Expr::Response(source)
            })
        }
        "$inputs" => Ok(Expr::Inputs {
            name: need_rest("NAME")?.to_owned(),
            pointer,
        }),
        "$outputs" => Ok(Expr::Outputs {
            name: need_rest("NAME")?.to_owned(),
            pointer,
        }),
        "$steps" => {
            let rest = need_rest("STEP_ID.outputs.NAME")?;
            let (step, field) = match rest.split_once('.') {
                Some((step, field)) => (step, Some(field)),
                None => (rest, None),
            };
            let output = match field {
                None => None,
                Some(field) => Some(parse_outputs_field(field, root.len() + step.len() + 2)?),
            };
            Ok(Expr::Steps {
                step: step.to_owned(),
                output,
                pointer,
            })
        }
        "$workflows" => {
            let rest = need_rest("WORKFLOW_ID.outputs.NAME")?;
            let (workflow, field) = match rest.split_once('.') {
                Some((workflow, field)) => (workflow, Some(field)),
                None => (rest, None),
            };
            let offset = root.len() + workflow.len() + 2;
            if let Some(input) = field.and_then(|f| f.strip_prefix("inputs."))
                && !input.is_empty()
            {
                return Ok(Expr::WorkflowInputs {
                    workflow: workflow.to_owned(),
                    input: input.to_owned(),
                    pointer,
                });
            }
            let output = match field {
                None => None,
                Some(field) => Some(parse_outputs_field(field, offset)?),
            };
            Ok(Expr::Workflows {
                workflow: workflow.to_owned(),
                output,
                pointer,
            })
        }
        "$sourceDescriptions" => {
            let rest = need_rest("NAME")?;
            let (name, reference) = match rest.split_once('.') {
                Some((name, reference)) => (name, Some(reference.to_owned())),
                None => (rest, None),
            };
            no_pointer(Expr::SourceDescriptions {
                name: name.to_owned(),
                reference,
            })
        }
        "$components" => {
            let rest = need_rest("KIND.NAME")?;
            let Some((kind, name)) = rest.split_once('.') else {
                return Err(ExprError::new(
                    root.len(),
                    "`$components` must be followed by `.KIND.NAME`",
                ));
            };
            no_pointer(Expr::Components {
                kind: kind.to_owned(),
                name: name.to_owned(),
            })
        }
        other => {
            let mut err = ExprError::new(0, format!("unknown runtime expression root `{other}`"));
            err.hint = suggest(other, ROOTS);
            Err(err)
        }
    }
}

fn parse_outputs_field(field: &str, offset: usize) -> Result<String, ExprError> {
    match field.strip_prefix("outputs.") {
        Some(name) if !name.is_empty() => Ok(name.to_owned()),
        _ => Err(ExprError {
            offset,
            message: format!("expected `outputs.NAME` here, found `{field}`"),
            hint: Some(if field.contains('.') || field == "outputs" {
                "only a step's or workflow's outputs can be read".to_owned()
            } else {
                format!("did you mean `outputs.{field}`?")
            }),
        }),
    }
}

fn parse_source(root: &str, rest: &str, pointer: Option<JsonPointer>) -> Result<Source, ExprError> {
    let offset = root.len() + 1;
    let named = |prefix: &str| {
        rest.strip_prefix(prefix)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
    };
    let source = if rest == "body" {
        return Ok(Source::Body(pointer));
    } else if let Some(name) = named("header.") {
        Source::Header(name)
    } else if let Some(name) = named("query.") {
        Source::Query(name)
    } else if let Some(name) = named("path.") {
        Source::Path(name)
    } else {
        return Err(unknown_source(root, rest, offset));
    };
    match pointer {
        Some(_) => Err(ExprError::new(
            offset,
            "only `body` can be followed by a JSON pointer",
        )),
        None => Ok(source),
    }
}

/// The error for `$response.REST` / `$request.REST` naming no source, with the likely meaning:
/// `body.id` (the condition form, outside a condition) is `body#/id`, `headers.X` is `header.X`.
fn unknown_source(root: &str, rest: &str, offset: usize) -> ExprError {
    let members = rest
        .strip_prefix("body")
        .filter(|m| m.starts_with(['.', '[']));
    if let Some(pointer) = members.and_then(|m| members_to_pointer(m).ok()) {
        let mut err = ExprError::new(
            offset + "body".len(),
            "`.` and `[]` read into the body only in a condition; elsewhere a JSON pointer follows `#`",
        );
        err.hint = Some(format!("did you mean `{root}.body#{pointer}`?"));
        return err;
    }
    let mut err = ExprError::new(offset, format!("unknown source `{rest}`"));
    let (first, tail) = match rest.split_once('.') {
        Some((first, tail)) => (first, Some(tail)),
        None => (rest, None),
    };
    let known = ["body", "header", "query", "path"];
    err.hint = match (crate::diag::closest(first, known), tail) {
        (Some(near), Some(tail)) if near != "body" => {
            Some(format!("did you mean `{root}.{near}.{tail}`?"))
        }
        (Some("body"), None) => Some(format!("did you mean `{root}.body`?")),
        _ => Some("expected `body`, `header.NAME`, `query.NAME` or `path.NAME`".to_owned()),
    };
    err
}

/// Checks an RFC 6901 pointer: empty, or `/`-separated tokens where `~` is only `~0` or `~1`.
pub fn check_pointer(pointer: &str) -> Result<(), String> {
    JsonPointer::parse(pointer)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Parses a runtime expression inside a simple condition, where the specification's condition
/// operators `.` (property de-reference) and `[]` (0-based index) may follow the value an
/// expression names: `$response.body.items[0].id` reads what `$response.body#/items/0/id` reads.
/// An expression that already has a `#` pointer is read as written.
pub fn parse_condition_expr(text: &str) -> Result<Expr, ExprError> {
    if text.contains('#') {
        return parse_expr(text);
    }
    match member_start(text) {
        Some(at) => {
            let pointer = members_to_pointer(&text[at..]).map_err(|mut e| {
                e.offset += at;
                e
            })?;
            parse_expr(&format!("{}#{pointer}", &text[..at]))
        }
        None => parse_expr(text),
    }
}

/// Where the `.name` / `[N]` members begin in a condition's expression: after `body` of
/// `$response` / `$request`, after the name of an input or output, after
/// `$steps.STEP.outputs.NAME` or `$workflows.WORKFLOW.outputs.NAME`. `None` when nothing follows
/// such a value (headers, query and path parameters are named by the whole rest).
fn member_start(text: &str) -> Option<usize> {
    let boundary = |from: usize| {
        let end = text[from..]
            .find(['.', '['])
            .map_or(text.len(), |i| from + i);
        (end > from && end < text.len()).then_some(end)
    };
    for body in ["$response.body", "$request.body"] {
        if text.len() > body.len()
            && text.starts_with(body)
            && matches!(text.as_bytes()[body.len()], b'.' | b'[')
        {
            return Some(body.len());
        }
    }
    for root in ["$inputs.", "$outputs."] {
        if text.starts_with(root) {
            return boundary(root.len());
        }
    }
    for root in ["$steps.", "$workflows."] {
        let Some(rest) = text.strip_prefix(root) else {
            continue;
        };
        let id = rest.find('.')?;
        let outputs = root.len() + id + ".outputs.".len();
        if rest[id..].starts_with(".outputs.") {
            return boundary(outputs);
        }
    }
    None
}

/// Splits a name read with the condition operators (`env.TOKEN`, `items[0]`) into the name and
/// the JSON pointer they stand for (`env`, `/TOKEN`): the hint for such a name outside a
/// condition.
pub fn split_members(name: &str) -> Option<(&str, String)> {
    let at = name.find(['.', '[']).filter(|&at| at > 0)?;
    let pointer = members_to_pointer(&name[at..]).ok()?;
    Some((&name[..at], pointer))
}

/// Turns `.items[0].id` into the JSON pointer `/items/0/id`, escaping `~` and `/` in names.
fn members_to_pointer(members: &str) -> Result<String, ExprError> {
    let mut pointer = String::new();
    let mut at = 0;
    while at < members.len() {
        let rest = &members[at..];
        if let Some(name) = rest.strip_prefix('.') {
            let len = name.find(['.', '[']).unwrap_or(name.len());
            if len == 0 {
                return Err(ExprError::new(at, "`.` must be followed by a member name"));
            }
            pointer.push('/');
            pointer.push_str(&name[..len].replace('~', "~0").replace('/', "~1"));
            at += 1 + len;
        } else if let Some(index) = rest.strip_prefix('[') {
            let close = index.find(']');
            let digits = close
                .map(|c| &index[..c])
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            let (Some(close), Some(digits)) = (close, digits) else {
                let mut e = ExprError::new(at, "`[` must hold a 0-based array index, as in `[0]`");
                e.hint = Some("read a member by name with `.name`".to_owned());
                return Err(e);
            };
            pointer.push('/');
            pointer.push_str(digits);
            at += close + 2;
        } else {
            return Err(ExprError::new(at, "expected `.name` or `[index]` here"));
        }
    }
    Ok(pointer)
}

/// Whether a string starting with `$` is data rather than a runtime expression: by the
/// expression ABNF an expression starts with one of the roots (`$inputs.`, `$steps.`, …), so
/// `$.items[*]` (a JSONPath query) or `$5 or less` is text. A word close to a root
/// (`$inptus.owner`) is taken for a misspelt expression, to be reported.
fn is_dollar_text(text: &str) -> bool {
    let root = text.split(['.', '#']).next().unwrap_or(text);
    if ROOTS.contains(&root) {
        return false;
    }
    let word = &root[1..];
    let identifier =
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    !(identifier && crate::diag::closest(root, ROOTS).is_some())
}

/// A piece of a string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// An embedded `{$…}` expression.
    Expr(Expr),
}

/// What a string value in a parameter, payload or output is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringValue {
    /// A whole runtime expression (`$inputs.simId`).
    Expr(Expr),
    /// Text with embedded expressions (`"sim {$inputs.simId}"`), or plain text.
    Template(Vec<Piece>),
}

/// Reads a string value: a whole expression when it starts with `$` and a runtime expression
/// root (or a near miss of one, to report), otherwise text in which `{$…}` embeds expressions.
pub fn parse_string_value(text: &str) -> Result<StringValue, ExprError> {
    if text.starts_with('$') && !is_dollar_text(text) {
        return parse_expr(text).map(StringValue::Expr);
    }
    parse_template(text).map(StringValue::Template)
}

/// Reads text in which `{$…}` embeds runtime expressions: a string template, or a regex,
/// JSONPath or XPath condition (Arazzo 1.1 Criterion Object: "runtime expressions MUST be
/// embedded within the `condition` string using `{}` curly braces").
pub fn parse_template(text: &str) -> Result<Vec<Piece>, ExprError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{$") {
        literal.push_str(&rest[..start]);
        let inner_start = start + 1;
        let Some(len) = rest[inner_start..].find('}') else {
            return Err(ExprError::new(
                offset + start,
                "`{` opens an embedded expression that is never closed with `}`",
            ));
        };
        let inner = &rest[inner_start..inner_start + len];
        let expr = parse_expr(inner).map_err(|mut e| {
            e.offset += offset + inner_start;
            e
        })?;
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Expr(expr));
        let consumed = inner_start + len + 1;
        offset += consumed;
        rest = &rest[consumed..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A literal in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// `'text'`
    Str(String),
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A runtime expression.
    Expr(Expr),
    /// A literal.
    Literal(Literal),
}

/// A parsed simple condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `a || b`
    Or(Box<Condition>, Box<Condition>),
    /// `a && b`
    And(Box<Condition>, Box<Condition>),
    /// `!a`
    Not(Box<Condition>),
    /// `a OP b`
    Compare(Operand, CmpOp, Operand),
    /// A bare operand, true when its value is.
    Truthy(Operand),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Operand(Operand),
    Op(CmpOp),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ExprError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let two = text.get(i..i + 2);
        let start = i;
        let token = match (c, two) {
            (b' ' | b'\t' | b'\n' | b'\r', _) => {
                i += 1;
                continue;
            }
            (_, Some("==")) => Token::Op(CmpOp::Eq),
            (_, Some("!=")) => Token::Op(CmpOp::Ne),
            (_, Some("<=")) => Token::Op(CmpOp::Le),
            (_, Some(">=")) => Token::Op(CmpOp::Ge),
            (_, Some("&&")) => Token::And,
            (_, Some("||")) => Token::Or,
            (b'<', _) => Token::Op(CmpOp::Lt),
            (b'>', _) => Token::Op(CmpOp::Gt),
            (b'!', _) => Token::Not,
            (b'(', _) => Token::Open,
            (b')', _) => Token::Close,
            (b'"', _) => return Err(double_quoted(text, i)),
            (b'\'', _) => {
                let (value, len) = single_quoted(&text[i..])
                    .ok_or_else(|| ExprError::new(i, "string literal is never closed"))?;
                i += len;
                tokens.push((start, Token::Operand(Operand::Literal(Literal::Str(value)))));
                continue;
            }
            _ => {
                let len = text[i..]
                    .find(|ch: char| ch.is_whitespace() || "=!<>&|()".contains(ch))
                    .unwrap_or(text.len() - i);
                if len == 0 {
                    let mut e = ExprError::new(start, format!("unexpected `{}`", c as char));
                    e.hint = match c {
                        b'=' => Some("did you mean `==`?".to_owned()),
                        b'&' => Some("did you mean `&&`?".to_owned()),
                        b'|' => Some("did you mean `||`?".to_owned()),
                        _ => None,
                    };
                    return Err(e);
                }
                let word = &text[i..i + len];
                i += len;
                let operand = if word.starts_with('$') {
                    Operand::Expr(parse_condition_expr(word).map_err(|mut e| {
                        e.offset += start;
                        e
                    })?)
                } else {
                    Operand::Literal(match word {
                        "null" => Literal::Null,
                        "true" => Literal::Bool(true),
                        "false" => Literal::Bool(false),
                        number => Literal::Number(number.parse().map_err(|_| {
                            let mut e = ExprError::new(start, format!("`{word}` is not a literal"));
                            e.hint = Some(
                                "strings are quoted ('active'); numbers, true, false and null are bare"
                                    .to_owned(),
                            );
                            e
                        })?),
                    })
                };
                tokens.push((start, Token::Operand(operand)));
                continue;
            }
        };
        i += match token {
            Token::Op(CmpOp::Lt | CmpOp::Gt) | Token::Not | Token::Open | Token::Close => 1,
            _ => 2,
        };
        tokens.push((start, token));
    }
    Ok(tokens)
}

/// Reads a single-quoted string literal at the start of `text` (Arazzo "Literals": a quote
/// inside is written twice, `''`): its value and the length it spans, quotes included.
fn single_quoted(text: &str) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((at, ch)) = chars.next() {
        if ch != '\'' {
            value.push(ch);
        } else if chars.peek().is_some_and(|&(_, next)| next == '\'') {
            value.push('\'');
            chars.next();
        } else {
            return Some((value, at + 1));
        }
    }
    None
}

/// The error for a double-quoted string at `at`: Arazzo "Literals" says strings MUST use
/// single quotes, and a double-quoted one is a common slip from other languages.
fn double_quoted(text: &str, at: usize) -> ExprError {
    let mut e = ExprError::new(
        at,
        "string literals are written in single quotes; `\"` does not start one",
    );
    if let Some(len) = text[at + 1..].find('"') {
        let inner = &text[at + 1..at + 1 + len];
        e.hint = Some(format!("write `'{}'`", inner.replace('\'', "''")));
    }
    e
}

/// Parses a simple condition.
pub fn parse_condition(text: &str) -> Result<Condition, ExprError> {
    let tokens = tokenize(text)?;
    let mut parser = CondParser {
        tokens,
        at: 0,
        end: text.len(),
    };
    let cond = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(cond),
        Some((offset, _)) => Err(ExprError::new(
            *offset,
            "unexpected text after the condition",
        )),
    }
}

struct CondParser {
    tokens: Vec<(usize, Token)>,
    at: usize,
    end: usize,
}

impl CondParser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(o, _)| *o)
    }

    fn or(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            left = Condition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.unary()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            left = Condition::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Condition, ExprError> {
        match self.peek() {
            Some(Token::Not) => {
                self.at += 1;
                Ok(Condition::Not(Box::new(self.unary()?)))
            }
            Some(Token::Open) => {
                let open = self.offset();
                self.at += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(ExprError::new(open, "`(` is never closed"));
                }
                self.at += 1;
                Ok(inner)
            }
            _ => self.comparison(),
        }
    }

    fn operand(&mut self) -> Result<Operand, ExprError> {
        let offset = self.offset();
        match self.tokens.get(self.at) {
            Some((_, Token::Operand(operand))) => {
                let operand = operand.clone();
                self.at += 1;
                Ok(operand)
            }
            Some(_) => Err(ExprError::new(
                offset,
                "expected a value (an expression or a literal)",
            )),
            None => Err(ExprError::new(
                offset,
                "the condition ends where a value was expected",
            )),
        }
    }

    fn comparison(&mut self) -> Result<Condition, ExprError> {
        let left = self.operand()?;
        if let Some(Token::Op(op)) = self.peek() {
            let op = *op;
            self.at += 1;
            let right = self.operand()?;
            return Ok(Condition::Compare(left, op, right));
        }
        Ok(Condition::Truthy(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_roots() {
        assert_eq!(parse_expr("$statusCode"), Ok(Expr::StatusCode));
        assert_eq!(
            parse_expr("$response.body#/simId"),
            Ok(Expr::Response(Source::Body(
                JsonPointer::parse("/simId").ok()
            )))
        );
        assert_eq!(
            parse_expr("$steps.registerSim.outputs.registeredSimId"),
            Ok(Expr::Steps {
                step: "registerSim".into(),
                output: Some("registeredSimId".into()),
                pointer: None
            })
        );
        assert_eq!(
            parse_expr("$response.header.X-Rate"),
            Ok(Expr::Response(Source::Header("X-Rate".into())))
        );
    }

    #[test]
    fn rejects_bad_expressions_with_hints() {
        let err = parse_expr("$respons.body").unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `$response`?"));
        assert!(parse_expr("$response.body#/a~2").is_err());
        assert!(parse_expr("$steps.a.finalStatus").is_err());
        assert!(parse_expr("$response.header.X#/a").is_err());
    }

    #[test]
    fn templates() {
        assert_eq!(
            parse_string_value("id-{$inputs.simId}!"),
            Ok(StringValue::Template(vec![
                Piece::Text("id-".into()),
                Piece::Expr(Expr::Inputs {
                    name: "simId".into(),
                    pointer: None
                }),
                Piece::Text("!".into()),
            ]))
        );
        let err = parse_string_value("a {$inputs.x").unwrap_err();
        assert_eq!(err.offset, 2);
    }

    #[test]
    fn conditions() {
        let c =
            parse_condition("$statusCode == 200 && !($response.body#/status != 'Active')").unwrap();
        assert!(matches!(c, Condition::And(_, _)));
        assert!(parse_condition("$statusCode ==").is_err());
        assert!(parse_condition("($statusCode == 200").is_err());
        assert!(parse_condition("$statusCode == active").is_err());
        assert!(parse_condition("$statusCode == 200 200").is_err());
        let err = parse_condition("$statusCode = 200").unwrap_err();
        assert_eq!(
            (err.offset, err.hint.as_deref()),
            (12, Some("did you mean `==`?"))
        );
    }
}
