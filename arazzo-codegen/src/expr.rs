//! Arazzo runtime expressions (`$response.body#/simId`), string templates with embedded
//! expressions (`"Bearer {$inputs.token}"`) and simple conditions (`$statusCode == 201`).

use std::fmt;

use crate::diag::suggest;

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
    Body(Option<String>),
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
        pointer: Option<String>,
    },
    /// `$outputs.NAME[#POINTER]` (the outputs of the workflow a step calls)
    Outputs {
        /// The output's name.
        name: String,
        /// A pointer into the output's value.
        pointer: Option<String>,
    },
    /// `$steps.STEP.outputs.NAME[#POINTER]`
    Steps {
        /// The step id.
        step: String,
        /// The output name, when the expression reads `.outputs.NAME`.
        output: Option<String>,
        /// A pointer into the output's value.
        pointer: Option<String>,
    },
    /// `$workflows.WORKFLOW.outputs.NAME`
    Workflows {
        /// The workflow id.
        workflow: String,
        /// The output name, when the expression reads `.outputs.NAME`.
        output: Option<String>,
        /// A pointer into the output's value.
        pointer: Option<String>,
    },
    /// `$workflows.WORKFLOW.inputs.NAME`: the inputs that workflow ran with.
    WorkflowInputs {
        /// The workflow id.
        workflow: String,
        /// The input's name.
        input: String,
        /// A pointer into the input's value.
        pointer: Option<String>,
    },
    /// `$sourceDescriptions.NAME[.…]`
    SourceDescriptions {
        /// The source description's name.
        name: String,
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
            Expr::SourceDescriptions { name } => write!(f, "$sourceDescriptions.{name}"),
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
    if let Some(pointer) = pointer {
        check_pointer(pointer).map_err(|m| ExprError::new(path.len() + 1, m))?;
    }
    let pointer = pointer.map(str::to_owned);
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
                need_rest("body, header.NAME, query.NAME or path.NAME")?,
                pointer,
                root.len() + 1,
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
            let name = rest.split('.').next().unwrap_or(rest);
            Ok(Expr::SourceDescriptions {
                name: name.to_owned(),
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

fn parse_source(rest: &str, pointer: Option<String>, offset: usize) -> Result<Source, ExprError> {
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
        let mut err = ExprError::new(offset, format!("unknown source `{rest}`"));
        err.hint = Some("expected `body`, `header.NAME`, `query.NAME` or `path.NAME`".to_owned());
        return Err(err);
    };
    match pointer {
        Some(_) => Err(ExprError::new(
            offset,
            "only `body` can be followed by a JSON pointer",
        )),
        None => Ok(source),
    }
}

/// Checks an RFC 6901 pointer: empty, or `/`-separated tokens where `~` is only `~0` or `~1`.
pub fn check_pointer(pointer: &str) -> Result<(), String> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!("JSON pointer `{pointer}` must start with `/`"));
    }
    let bytes = pointer.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'~' && !matches!(bytes.get(i + 1), Some(b'0' | b'1')) {
            return Err(format!(
                "JSON pointer `{pointer}` has `~` not followed by `0` or `1`"
            ));
        }
    }
    Ok(())
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

/// Reads a string value: a whole expression when it starts with `$`, otherwise text in which
/// `{$…}` embeds expressions.
pub fn parse_string_value(text: &str) -> Result<StringValue, ExprError> {
    if text.starts_with('$') {
        return parse_expr(text).map(StringValue::Expr);
    }
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
    Ok(StringValue::Template(pieces))
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
            (b'\'' | b'"', _) => {
                let quote = c as char;
                let Some(len) = text[i + 1..].find(quote) else {
                    return Err(ExprError::new(i, "string literal is never closed"));
                };
                let value = text[i + 1..i + 1 + len].to_owned();
                i += len + 2;
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
                    Operand::Expr(parse_expr(word).map_err(|mut e| {
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
            Ok(Expr::Response(Source::Body(Some("/simId".into()))))
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
