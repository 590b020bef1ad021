//! A generic YAML tree with locations, after alias expansion, merge keys and interpolation.
//!
//! This is the form compose merges (override files, `extends`, `include`) before the typed
//! model is read from it. Every node knows its file and span; a value that came from an
//! anchor keeps the anchor's location (where its text is written), and entries brought in by
//! a merge key `<<` keep the location of the mapping they were merged from.

use std::collections::{HashMap, HashSet};

use super::model::{Diagnostic, DiagnosticKind, FileIndex, Severity, Text};
use super::yaml::{NodeId, NodeTag, ScalarStyle, YKind, YamlFile};
use crate::source::{Span, to_u32};

/// A node of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub file: FileIndex,
    pub span: Span,
    pub tag: Option<NodeTag>,
    /// The file ended in a syntax error inside this collection.
    pub truncated: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Scalar(Box<Scalar>),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. The key is in the same file as the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub text: Text,
    pub style: ScalarStyle,
    /// File offset where `text.raw` is written verbatim (no escapes, one line), if it is.
    pub verbatim: Option<u32>,
}

impl Node {
    pub fn null(file: FileIndex, span: Span) -> Node {
        Node {
            value: Value::Null,
            file,
            span,
            tag: None,
            truncated: false,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's interpolated text.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.text.as_str())
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The value for `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Scalar(_) => "a scalar",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    /// Every scalar below this node (depth-first), with the node that holds it.
    pub fn scalars(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match &n.value {
                Value::Scalar(_) => out.push(n),
                Value::Seq(items) => stack.extend(items.iter().rev()),
                Value::Map(entries) => stack.extend(entries.iter().rev().map(|e| &e.value)),
                Value::Null => {}
            }
        }
        out
    }
}

impl Scalar {
    /// File span of `text.text[start..end]` inside the scalar written at `span`. Exact where
    /// the text can be mapped back (no escapes, and the range lies before the first or after
    /// the last variable reference); otherwise the whole value (or what can be narrowed).
    pub fn sub_span(&self, span: Span, start: usize, end: usize) -> Span {
        let Some(v) = self.verbatim else {
            return span;
        };
        let raw = self.text.raw.as_str();
        let text = self.text.text.as_str();
        let content_end = v + to_u32(raw.len());
        if start > end || end > text.len() {
            return Span::new(v, content_end);
        }
        if raw == text {
            return Span::new(v + to_u32(start), v + to_u32(end));
        }
        // Bytes before the first difference and after the last one are written as is.
        let prefix = common_prefix(raw, text);
        let suffix = common_suffix(raw, text).min(raw.len().min(text.len()) - prefix);
        let map = |s: usize| -> Option<u32> {
            if s <= prefix {
                Some(v + to_u32(s))
            } else if text.len() - s <= suffix {
                Some(content_end - to_u32(text.len() - s))
            } else {
                None
            }
        };
        match (map(start), map(end)) {
            (Some(a), Some(b)) => Span::new(a, b.max(a)),
            (Some(a), None) => Span::new(a, content_end),
            (None, Some(b)) => Span::new(v, b),
            (None, None) => Span::new(v, content_end),
        }
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map_or(0, |((i, x), _)| i + x.len_utf8())
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// Joins path segments with `.`; index segments (`[0]`) attach to the previous one.
pub(crate) fn join_path(segments: &[String]) -> String {
    let mut out = String::new();
    for s in segments {
        if !out.is_empty() && !s.starts_with('[') {
            out.push('.');
        }
        out.push_str(s);
    }
    out
}

/// Limits for one conversion.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConvertLimits {
    pub max_depth: usize,
    pub max_nodes: u64,
}

pub(crate) struct Converter<'a> {
    pub yaml: &'a YamlFile,
    pub file: FileIndex,
    /// Interpolated text of every scalar node (parallel to the arena; keys are not
    /// interpolated).
    pub texts: &'a [Option<Text>],
    pub source: &'a str,
    pub limits: ConvertLimits,
    pub diagnostics: &'a mut Vec<Diagnostic>,
    budget: u64,
    /// The budget ran out (reported once).
    exhausted: bool,
    /// > 0 while expanding an alias whose size was already charged.
    prepaid: usize,
    path: Vec<String>,
}

impl<'a> Converter<'a> {
    pub(crate) fn new(
        yaml: &'a YamlFile,
        file: FileIndex,
        texts: &'a [Option<Text>],
        source: &'a str,
        limits: ConvertLimits,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Converter {
            yaml,
            file,
            texts,
            source,
            limits,
            diagnostics,
            budget: limits.max_nodes,
            exhausted: false,
            prepaid: 0,
            path: Vec::new(),
        }
    }

    fn diag(&mut self, kind: DiagnosticKind, span: Span, message: String) {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            kind,
            file: Some(self.file),
            span,
            path: join_path(&self.path),
            message,
        });
    }

    /// Converts the node `id` (a document root).
    pub(crate) fn convert(&mut self, id: NodeId) -> Node {
        self.node(id, 0)
    }

    fn node(&mut self, id: NodeId, depth: usize) -> Node {
        let y = self.yaml.node(id);
        if depth > self.limits.max_depth {
            self.diag(
                DiagnosticKind::TooDeep,
                y.span,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            );
            return Node::null(self.file, y.span);
        }
        let mut node = Node {
            value: Value::Null,
            file: self.file,
            span: y.span,
            tag: y.tag.clone(),
            truncated: y.truncated,
        };
        match &y.kind {
            YKind::Scalar { value, style } => {
                node.value = self.scalar(id, value, *style, y.tag.as_ref());
            }
            YKind::Alias(target) => {
                let size = self.yaml.node(*target).size;
                if self.prepaid == 0 {
                    if size > self.budget {
                        if !self.exhausted {
                            self.diag(
                                DiagnosticKind::Alias,
                                y.span,
                                format!(
                                    "alias expansion stopped: this alias would expand to {size} \
                                     nodes, over the remaining budget (an alias bomb?)"
                                ),
                            );
                        }
                        self.exhausted = true;
                        return node;
                    }
                    self.budget -= size;
                }
                self.prepaid += 1;
                let expanded = self.node(*target, depth);
                self.prepaid -= 1;
                return expanded;
            }
            YKind::Recursive => {
                self.diag(
                    DiagnosticKind::Alias,
                    y.span,
                    "alias refers to a collection that contains it".to_owned(),
                );
            }
            YKind::Unresolved(name) => {
                let name = if name.is_empty() {
                    self.source.get(y.span.range()).unwrap_or("*").to_owned()
                } else {
                    format!("*{name}")
                };
                self.diag(
                    DiagnosticKind::Alias,
                    y.span,
                    format!("alias {name} has no anchor"),
                );
            }
            YKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, &item) in items.iter().enumerate() {
                    self.path.push(format!("[{i}]"));
                    out.push(self.node(item, depth + 1));
                    self.path.pop();
                }
                node.value = Value::Seq(out);
            }
            YKind::Map(pairs) => node.value = Value::Map(self.map(pairs, depth)),
        }
        node
    }

    fn scalar(
        &mut self,
        id: NodeId,
        value: &str,
        style: ScalarStyle,
        tag: Option<&NodeTag>,
    ) -> Value {
        let is_null = match tag {
            Some(NodeTag::Core(t)) => t == "null",
            Some(_) => false,
            None => {
                style == ScalarStyle::Plain && matches!(value, "" | "~" | "null" | "Null" | "NULL")
            }
        };
        if is_null {
            return Value::Null;
        }
        let text = self
            .texts
            .get(id as usize)
            .and_then(Option::as_ref)
            .cloned()
            .unwrap_or_else(|| Text::literal(value));
        let span = self.yaml.node(id).span;
        Value::Scalar(Box::new(Scalar {
            verbatim: verbatim_start(self.source, span, style, value),
            text,
            style,
        }))
    }

    fn key_text(&mut self, id: NodeId) -> Option<(String, Span, bool)> {
        let y = self.yaml.node(id);
        let span = y.span;
        let resolved = self.yaml.resolve(id)?;
        match &self.yaml.node(resolved).kind {
            YKind::Scalar { value, style } => Some((
                value.clone(),
                span,
                *style == ScalarStyle::Plain && self.yaml.node(resolved).tag.is_none(),
            )),
            _ => None,
        }
    }

    fn map(&mut self, pairs: &[(NodeId, NodeId)], depth: usize) -> Vec<Entry> {
        // Explicit keys win over merged ones wherever they appear.
        let mut explicit: HashSet<String> = HashSet::new();
        let mut keys = Vec::with_capacity(pairs.len());
        for &(k, _) in pairs {
            let key = self.key_text(k);
            if let Some((text, _, plain)) = &key {
                if !(*plain && text == "<<") {
                    explicit.insert(text.clone());
                }
            }
            keys.push(key);
        }
        let mut out: Vec<Entry> = Vec::with_capacity(pairs.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (&(k, v), key) in pairs.iter().zip(keys) {
            let Some((key, key_span, plain)) = key else {
                let span = self.yaml.node(k).span;
                self.diag(
                    DiagnosticKind::NonScalarKey,
                    span,
                    "a mapping key must be a string".to_owned(),
                );
                continue;
            };
            if plain && key == "<<" {
                self.path.push(key.clone());
                let merged = self.node(v, depth + 1);
                let sources: Vec<Node> = match merged.value {
                    Value::Map(_) => vec![merged],
                    Value::Seq(items) => items,
                    _ => {
                        self.diag(
                            DiagnosticKind::WrongType,
                            merged.span,
                            "a merge key `<<` needs a mapping or a list of mappings".to_owned(),
                        );
                        Vec::new()
                    }
                };
                self.path.pop();
                for src in sources {
                    let Value::Map(entries) = src.value else {
                        self.diag(
                            DiagnosticKind::WrongType,
                            src.span,
                            "a merge key `<<` needs a mapping or a list of mappings".to_owned(),
                        );
                        continue;
                    };
                    for e in entries {
                        if explicit.contains(&e.key) || seen.contains_key(&e.key) {
                            continue;
                        }
                        seen.insert(e.key.clone(), out.len());
                        out.push(e);
                    }
                }
                continue;
            }
            self.path.push(key.clone());
            let value = self.node(v, depth + 1);
            self.path.pop();
            let entry = Entry {
                key: key.clone(),
                key_span,
                value,
            };
            if let Some(&i) = seen.get(&key) {
                let first = out[i].key_span;
                self.diag(
                    DiagnosticKind::DuplicateKey,
                    key_span,
                    format!(
                        "key `{key}` is already defined at byte {}; this later value is used",
                        first.start
                    ),
                );
                out[i] = entry;
            } else {
                seen.insert(key, out.len());
                out.push(entry);
            }
        }
        out
    }
}

/// Where the decoded value sits verbatim in the source, if it does.
pub(crate) fn verbatim_start(
    source: &str,
    span: Span,
    style: ScalarStyle,
    value: &str,
) -> Option<u32> {
    let src = source.get(span.range())?;
    match style {
        ScalarStyle::Plain => (src == value).then_some(span.start),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let inner = src.get(1..src.len().checked_sub(1)?)?;
            (inner == value).then_some(span.start + 1)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(raw: &str, text: &str, verbatim: Option<u32>) -> Scalar {
        Scalar {
            text: Text {
                text: text.to_owned(),
                raw: raw.to_owned(),
                unknown: false,
                interpolated: raw != text,
            },
            style: ScalarStyle::Plain,
            verbatim,
        }
    }

    #[test]
    fn sub_spans_map_back_through_interpolation() {
        let whole = Span::new(10, 16);
        // Written as is.
        let s = scalar("a:b:cd", "a:b:cd", Some(10));
        assert_eq!(s.sub_span(whole, 2, 3), Span::new(12, 13));
        // `K=${V}` read as `K=value`: the key maps exactly, the value covers the reference.
        let s = scalar("K=${V}", "K=value", Some(10));
        assert_eq!(s.sub_span(whole, 0, 1), Span::new(10, 11));
        assert_eq!(s.sub_span(whole, 2, 7), Span::new(12, 16));
        // `${H}:80` read as `host:80`: the suffix maps exactly.
        let s = scalar("${H}:80", "host:80", Some(10));
        assert_eq!(s.sub_span(Span::new(10, 17), 5, 7), Span::new(15, 17));
        assert_eq!(s.sub_span(Span::new(10, 17), 0, 4), Span::new(10, 14));
        // Escapes or block scalars: the whole value.
        let s = scalar("a\tb", "a\tb", None);
        assert_eq!(s.sub_span(whole, 1, 2), whole);
        // Out of range: the whole content.
        let s = scalar("abc", "abc", Some(10));
        assert_eq!(s.sub_span(whole, 2, 9), Span::new(10, 13));
    }

    #[test]
    fn join_path_attaches_indexes() {
        let p: Vec<String> = ["services", "web", "ports", "[1]", "target"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(join_path(&p), "services.web.ports[1].target");
    }
}
