//! Reading one mapping's fields, remembering which were read so unknown ones can be reported.

use crate::diag::{Diagnostic, Diagnostics, Pos, suggest};
use crate::load::{Kind, Node};

use super::{OutputValue, Spanned};

/// Reads a mapping's fields, remembering which were read so the rest can be reported.
pub(super) struct Fields<'n, 'd> {
    pub(super) node: &'n Node,
    pub(super) what: &'static str,
    allowed: &'static [&'static str],
    pub(super) diags: &'d mut Diagnostics,
    pub(super) file: &'d str,
}

impl<'n, 'd> Fields<'n, 'd> {
    pub(super) fn new(
        node: &'n Node,
        what: &'static str,
        allowed: &'static [&'static str],
        diags: &'d mut Diagnostics,
        file: &'d str,
    ) -> Option<Self> {
        if node.as_map().is_none() {
            diags.push(Diagnostic::new(
                file,
                Some(node.pos),
                format!("{what} must be a mapping, found {}", node.kind_name()),
            ));
            return None;
        }
        let mut fields = Self {
            node,
            what,
            allowed,
            diags,
            file,
        };
        fields.report_unknown();
        // An object written as a JSON Reference is not there to check: its `$ref` was reported,
        // and the fields it lacks would only repeat that.
        if node.get("$ref").is_some() && !allowed.contains(&"$ref") {
            return None;
        }
        Some(fields)
    }

    fn report_unknown(&mut self) {
        let node = self.node;
        for (key, _) in node.as_map().unwrap_or_default() {
            if !self.allowed.contains(&key.name.as_str()) && !key.name.starts_with("x-") {
                self.diags.push(
                    Diagnostic::new(
                        self.file,
                        Some(key.pos),
                        format!("unknown field `{}` in {}", key.name, self.what),
                    )
                    .with_hint(if key.name == "$ref" {
                        // JSON Reference is OpenAPI's; Arazzo reuses its objects otherwise.
                        Some(
                            "Arazzo reuses objects with `reference: $components.parameters.NAME` (parameters) or `reference: $components.successActions.NAME` / `failureActions.NAME` (actions); other objects are written in place"
                                .to_owned(),
                        )
                    } else {
                        suggest(&key.name, self.allowed.iter().copied())
                    }),
                );
            }
        }
    }

    pub(super) fn error(&mut self, pos: Pos, message: String) {
        self.diags
            .push(Diagnostic::new(self.file, Some(pos), message));
    }

    pub(super) fn node(&self, key: &str) -> Option<&'n Node> {
        self.node.get(key)
    }

    pub(super) fn required(&mut self, key: &str) -> Option<&'n Node> {
        let node = self.node(key);
        if node.is_none() {
            let what = self.what;
            self.error(
                self.node.pos,
                format!("{what} is missing the required field `{key}`"),
            );
        }
        node
    }

    pub(super) fn string_of(&mut self, node: &'n Node, key: &str) -> Option<Spanned<String>> {
        match &node.kind {
            Kind::Str(s) => Some(Spanned {
                value: s.clone(),
                pos: node.pos,
            }),
            _ => {
                self.error(
                    node.pos,
                    format!("`{key}` must be a string, found {}", node.kind_name()),
                );
                None
            }
        }
    }

    pub(super) fn req_string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.required(key)?;
        self.string_of(node, key)
    }

    pub(super) fn opt_string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.node(key)?;
        self.string_of(node, key)
    }

    pub(super) fn list(&mut self, key: &str, required: bool) -> &'n [Node] {
        let node = if required {
            self.required(key)
        } else {
            self.node(key)
        };
        match node {
            None => &[],
            Some(node) => match node.as_seq() {
                Some(items) => items,
                None => {
                    self.error(
                        node.pos,
                        format!("`{key}` must be a list, found {}", node.kind_name()),
                    );
                    &[]
                }
            },
        }
    }

    /// `outputs`: each value a runtime expression or a Selector Object.
    pub(super) fn output_map(&mut self, key: &str) -> Vec<(Spanned<String>, OutputValue)> {
        let Some(node) = self.node(key) else {
            return Vec::new();
        };
        let Some(entries) = node.as_map() else {
            self.error(
                node.pos,
                format!("`{key}` must be a mapping, found {}", node.kind_name()),
            );
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|(k, v)| {
                let value = if super::is_selector(v) {
                    OutputValue::Selector(Box::new(super::read_selector(v, self.file, self.diags)?))
                } else {
                    OutputValue::Expr(self.string_of(v, &k.name)?)
                };
                let name = Spanned {
                    value: k.name.clone(),
                    pos: k.pos,
                };
                Some((name, value))
            })
            .collect()
    }
}

impl Fields<'_, '_> {
    /// A number field (`retryAfter`): integers and decimals alike.
    pub(super) fn opt_number(&mut self, key: &str) -> Option<Spanned<f64>> {
        let node = self.node(key)?;
        let value = match node.kind {
            Kind::Int(i) => i as f64,
            Kind::Float(f) => f,
            _ => {
                self.error(
                    node.pos,
                    format!("`{key}` must be a number, found {}", node.kind_name()),
                );
                return None;
            }
        };
        Some(Spanned {
            value,
            pos: node.pos,
        })
    }

    /// A non-negative integer field (`retryLimit`).
    pub(super) fn opt_count(&mut self, key: &str) -> Option<Spanned<u32>> {
        let node = self.node(key)?;
        match node.kind {
            Kind::Int(i) if (0..=i64::from(u32::MAX)).contains(&i) => Some(Spanned {
                value: i as u32,
                pos: node.pos,
            }),
            _ => {
                self.error(node.pos, format!("`{key}` must be a non-negative integer"));
                None
            }
        }
    }
}

impl<'n> Fields<'n, '_> {
    /// The entries of a mapping field (empty when absent or not a mapping; the latter reported).
    pub(super) fn map_entries(&mut self, key: &str) -> &'n [(crate::load::Key, Node)] {
        let Some(node) = self.node(key) else {
            return &[];
        };
        match node.as_map() {
            Some(entries) => entries,
            None => {
                self.error(
                    node.pos,
                    format!("`{key}` must be a mapping, found {}", node.kind_name()),
                );
                &[]
            }
        }
    }
}
