//! YAML text → an arena of nodes with byte spans.
//!
//! Aliases stay references to their anchored node: nothing is expanded here. While the arena
//! is built, every node records how many nodes it would expand to (aliases included), so a
//! later expansion can refuse an alias bomb before doing any work. A self-referencing alias
//! (an alias to a collection that is still open) is marked and never expanded.
//!
//! Positions come from the parser's markers, which carry byte offsets for string input; the
//! character index is converted once if a byte offset is ever missing.

use granit_parser::{Event, Marker, Parser, ScalarStyle as GStyle, StructureStyle, Tag};

use crate::source::{Span, to_u32};

pub(crate) type NodeId = u32;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl ScalarStyle {
    fn from_parser(style: GStyle) -> Self {
        match style {
            GStyle::Plain => ScalarStyle::Plain,
            GStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            GStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            GStyle::Literal => ScalarStyle::Literal,
            GStyle::Folded => ScalarStyle::Folded,
        }
    }
}

/// A node tag that matters to compose.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NodeTag {
    /// `!reset`: remove the value inherited from an earlier file.
    Reset,
    /// `!override`: replace the inherited value instead of merging with it.
    Override,
    /// A YAML core-schema tag such as `!!str` (the suffix, for example `str`).
    Core(String),
    /// Any other tag, as written.
    Other(String),
}

impl NodeTag {
    fn from_parser(tag: &Tag) -> Self {
        if let Some(core) = tag.core_suffix() {
            return NodeTag::Core(core.to_owned());
        }
        let (handle, suffix) = tag.parts();
        match (handle, suffix) {
            ("!", "reset") => NodeTag::Reset,
            ("!", "override") => NodeTag::Override,
            _ => NodeTag::Other(tag.original()),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum YKind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Seq(Vec<NodeId>),
    /// `(key, value)` pairs in source order.
    Map(Vec<(NodeId, NodeId)>),
    Alias(NodeId),
    /// An alias to a collection that contains it.
    Recursive,
    /// An alias to an anchor that is not defined before it.
    Unresolved(String),
}

#[derive(Clone, Debug)]
pub(crate) struct YNode {
    pub kind: YKind,
    pub span: Span,
    pub tag: Option<NodeTag>,
    /// The document ended in a syntax error while this collection was open.
    pub truncated: bool,
    /// Number of nodes this node expands to, aliases included (saturating).
    pub size: u64,
    /// Still open (only during parsing).
    open: bool,
    flow: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct YDoc {
    pub root: Option<NodeId>,
    /// The document ended in a syntax error.
    pub truncated: bool,
}

/// A YAML comment: its span covers the `#` and the text, not the line break.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// Text after the `#`.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct YamlFile {
    pub nodes: Vec<YNode>,
    pub docs: Vec<YDoc>,
    pub comments: Vec<Comment>,
    pub errors: Vec<YamlError>,
    /// Scalar nodes used as mapping keys (parallel to `nodes`).
    pub is_key: Vec<bool>,
}

impl YamlFile {
    pub(crate) fn node(&self, id: NodeId) -> &YNode {
        &self.nodes[id as usize]
    }

    /// Follows aliases to the node they stand for (`None` for broken aliases).
    pub(crate) fn resolve(&self, mut id: NodeId) -> Option<NodeId> {
        // An alias always points at an earlier, closed node that is not itself an alias of
        // something open, so this terminates; the bound is a belt-and-braces guard.
        for _ in 0..64 {
            match &self.node(id).kind {
                YKind::Alias(target) => id = *target,
                YKind::Recursive | YKind::Unresolved(_) => return None,
                _ => return Some(id),
            }
        }
        None
    }
}

struct Open {
    id: NodeId,
    pending_key: Option<NodeId>,
}

/// Converts parser markers to byte offsets.
struct Offsets<'a> {
    text: &'a str,
    /// Byte offset of every char, built only if a marker lacks a byte offset.
    char_bytes: Option<Vec<u32>>,
}

impl Offsets<'_> {
    fn byte(&mut self, m: &Marker) -> u32 {
        if let Some(b) = m.byte_offset() {
            return to_u32(b.min(self.text.len()));
        }
        let text = self.text;
        let table = self.char_bytes.get_or_insert_with(|| {
            let mut v: Vec<u32> = text.char_indices().map(|(i, _)| to_u32(i)).collect();
            v.push(to_u32(text.len()));
            v
        });
        table.get(m.index()).copied().unwrap_or(to_u32(text.len()))
    }

    fn span(&mut self, s: &granit_parser::Span) -> Span {
        let start = self.byte(&s.start);
        let end = self.byte(&s.end).max(start);
        Span::new(start, end)
    }
}

/// Parses `text` into an arena. Never fails: syntax errors are recorded in `errors`, the
/// collections that were open are closed and marked truncated, and parsing resumes at the
/// next document if there is one.
pub(crate) fn parse(text: &str, max_depth: usize) -> YamlFile {
    let options = granit_parser::options! {
        emit_unresolved_aliases: true,
        flow_nesting_limit: max_depth,
        block_nesting_limit: max_depth,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder {
        out: YamlFile::default(),
        stack: Vec::new(),
        offsets: Offsets {
            text,
            char_bytes: None,
        },
        anchors: std::collections::HashMap::new(),
        text,
    };
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                let span = b.offsets.span(&span);
                if b.event(event, span) {
                    break;
                }
            }
            Some(Err(err)) => {
                let at = b.offsets.byte(err.marker());
                let end = next_char_end(text, at);
                b.fail(Span::new(at, end), err.info());
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(err) => {
                        let at = b.offsets.byte(err.marker());
                        b.out.errors.push(YamlError {
                            span: Span::new(at, next_char_end(text, at)),
                            message: err.info(),
                        });
                        break;
                    }
                }
            }
        }
    }
    // An event stream that stopped without an error (never expected) still closes cleanly.
    if !b.stack.is_empty() {
        let at = to_u32(text.len());
        b.fail(Span::at(at), "unexpected end of input".to_owned());
    }
    b.out
}

fn next_char_end(text: &str, at: u32) -> u32 {
    let at = at as usize;
    match text.get(at..).and_then(|s| s.chars().next()) {
        Some(c) if c != '\n' && c != '\r' => to_u32(at + c.len_utf8()),
        _ => to_u32(at),
    }
}

struct Builder<'a> {
    out: YamlFile,
    stack: Vec<Open>,
    offsets: Offsets<'a>,
    anchors: std::collections::HashMap<usize, NodeId>,
    text: &'a str,
}

impl Builder<'_> {
    /// Handles one event; returns `true` at the end of the stream.
    fn event(&mut self, event: Event<'_>, span: Span) -> bool {
        match event {
            Event::StreamEnd => return true,
            Event::DocumentStart(..) => {
                self.stack.clear();
                self.out.docs.push(YDoc::default());
            }
            Event::Comment(text, _) => self.out.comments.push(Comment {
                span,
                text: text.into_owned(),
            }),
            Event::Scalar(value, style, anchor, tag) => {
                let style = ScalarStyle::from_parser(style);
                let span = self.scalar_span(span, style);
                let id = self.push(YNode {
                    kind: YKind::Scalar {
                        value: value.into_owned(),
                        style,
                    },
                    span,
                    tag: tag.as_deref().map(NodeTag::from_parser),
                    truncated: false,
                    size: 1,
                    open: false,
                    flow: false,
                });
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let kind = match self.anchors.get(&anchor) {
                    Some(&target) if self.out.node(target).open => YKind::Recursive,
                    Some(&target) => YKind::Alias(target),
                    None => YKind::Unresolved(String::new()),
                };
                let size = match kind {
                    YKind::Alias(t) => self.out.node(t).size,
                    _ => 1,
                };
                let id = self.push(YNode {
                    kind,
                    span,
                    tag: None,
                    truncated: false,
                    size,
                    open: false,
                    flow: false,
                });
                self.attach(id);
            }
            Event::UnresolvedAlias(name) => {
                let id = self.push(YNode {
                    kind: YKind::Unresolved(name.into_owned()),
                    span,
                    tag: None,
                    truncated: false,
                    size: 1,
                    open: false,
                    flow: false,
                });
                self.attach(id);
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.start(YKind::Seq(Vec::new()), style, anchor, tag.as_deref(), span);
            }
            Event::MappingStart(style, anchor, tag) => {
                self.start(YKind::Map(Vec::new()), style, anchor, tag.as_deref(), span);
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            _ => {}
        }
        false
    }

    fn push(&mut self, node: YNode) -> NodeId {
        let id = to_u32(self.out.nodes.len());
        self.out.nodes.push(node);
        self.out.is_key.push(false);
        id
    }

    fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }

    fn start(
        &mut self,
        kind: YKind,
        style: StructureStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) {
        let id = self.push(YNode {
            kind,
            span,
            tag: tag.map(NodeTag::from_parser),
            truncated: false,
            size: 1,
            open: true,
            flow: style == StructureStyle::Flow,
        });
        self.anchor(anchor, id);
        self.attach(id);
        self.stack.push(Open {
            id,
            pending_key: None,
        });
    }

    /// Block scalars: the parser's span ends after the trailing indentation of the next
    /// line; keep only the content.
    fn scalar_span(&self, span: Span, style: ScalarStyle) -> Span {
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            if let Some(src) = self.text.get(span.range()) {
                let trimmed = src.trim_end();
                return Span::new(span.start, span.start + to_u32(trimmed.len()));
            }
        }
        span
    }

    fn attach(&mut self, id: NodeId) {
        let Some(open) = self.stack.last_mut() else {
            if let Some(doc) = self.out.docs.last_mut() {
                if doc.root.is_none() {
                    doc.root = Some(id);
                }
            } else {
                self.out.docs.push(YDoc {
                    root: Some(id),
                    truncated: false,
                });
            }
            return;
        };
        let parent = open.id as usize;
        match &mut self.out.nodes[parent].kind {
            YKind::Seq(items) => items.push(id),
            YKind::Map(pairs) => {
                if let Some(key) = open.pending_key.take() {
                    pairs.push((key, id));
                } else {
                    open.pending_key = Some(id);
                    self.out.is_key[id as usize] = true;
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, end_span: Span) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        self.finish(open.id, Some(end_span));
    }

    /// Computes the closed collection's span end and expanded size.
    fn finish(&mut self, id: NodeId, end_span: Option<Span>) {
        let node = &self.out.nodes[id as usize];
        let children: Vec<NodeId> = match &node.kind {
            YKind::Seq(items) => items.clone(),
            YKind::Map(pairs) => pairs.iter().flat_map(|&(k, v)| [k, v]).collect(),
            _ => Vec::new(),
        };
        let mut size: u64 = 1;
        let mut end = node.span.end;
        for c in &children {
            let child = &self.out.nodes[*c as usize];
            size = size.saturating_add(child.size);
            end = end.max(child.span.end);
        }
        if node.flow {
            if let Some(s) = end_span {
                end = end.max(s.end);
            }
        }
        let node = &mut self.out.nodes[id as usize];
        node.size = size;
        node.span.end = end.max(node.span.start);
        node.open = false;
    }

    /// Records a syntax error and closes everything that is open.
    fn fail(&mut self, span: Span, message: String) {
        self.out.errors.push(YamlError { span, message });
        while let Some(open) = self.stack.pop() {
            self.out.nodes[open.id as usize].truncated = true;
            self.finish(open.id, None);
        }
        if let Some(doc) = self.out.docs.last_mut() {
            doc.truncated = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn spans_are_bytes_even_after_non_ascii_text() {
        let text = "a: \"é ü\"\nb: ñ\n";
        let y = parse(text, 64);
        let root = y.docs[0].root.unwrap();
        let YKind::Map(pairs) = &y.node(root).kind else {
            panic!()
        };
        assert_eq!(slice(text, y.node(pairs[0].1).span), "\"é ü\"");
        assert_eq!(slice(text, y.node(pairs[1].0).span), "b");
        assert_eq!(slice(text, y.node(pairs[1].1).span), "ñ");
        assert!(y.is_key[pairs[1].0 as usize]);
    }

    #[test]
    fn block_scalar_span_keeps_only_content() {
        let text = "a: |\n  one\n  two\nb: 1\n";
        let y = parse(text, 64);
        let YKind::Map(pairs) = &y.node(y.docs[0].root.unwrap()).kind else {
            panic!()
        };
        assert_eq!(slice(text, y.node(pairs[0].1).span), "one\n  two");
    }

    #[test]
    fn sizes_count_alias_expansion_and_refuse_self_reference() {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\nc: &c [*c]\n";
        let y = parse(text, 64);
        let YKind::Map(pairs) = &y.node(y.docs[0].root.unwrap()).kind else {
            panic!()
        };
        assert_eq!(y.node(pairs[0].1).size, 4);
        assert_eq!(y.node(pairs[1].1).size, 9);
        let YKind::Seq(items) = &y.node(pairs[2].1).kind else {
            panic!()
        };
        assert!(matches!(y.node(items[0]).kind, YKind::Recursive));
    }

    #[test]
    fn errors_close_open_collections_and_later_documents_continue() {
        let text = "a:\n  b: [1, 2\n---\nok: 1\n";
        let y = parse(text, 64);
        assert_eq!(y.errors.len(), 1, "{:?}", y.errors);
        assert!(y.docs[0].truncated);
        let last = y.docs.last().unwrap();
        assert!(!last.truncated);
        assert!(last.root.is_some());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let y = parse(&text, 128);
        assert_eq!(y.errors.len(), 1);
    }

    #[test]
    fn comments_and_tags_are_kept() {
        let text = "# top\na: !reset [] # why\nb: !!str 1\n";
        let y = parse(text, 64);
        assert_eq!(y.comments.len(), 2);
        assert_eq!(y.comments[1].text, " why");
        assert_eq!(slice(text, y.comments[0].span), "# top");
        let YKind::Map(pairs) = &y.node(y.docs[0].root.unwrap()).kind else {
            panic!()
        };
        assert_eq!(y.node(pairs[0].1).tag, Some(NodeTag::Reset));
        assert_eq!(y.node(pairs[1].1).tag, Some(NodeTag::Core("str".into())));
    }
}
