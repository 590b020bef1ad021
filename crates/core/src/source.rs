//! Source files, byte spans and the line/column index.
//!
//! Every position seaworthy keeps is a byte offset into the file's text. Line and column
//! numbers are computed only when a finding is rendered: lines are 1-based, columns are
//! 1-based and counted in Unicode code points (SARIF `columnKind: unicodeCodePoints`).

use std::fmt;
use std::sync::Arc;

/// Index of a file in the run's list of sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// Half-open byte range `start..end` into a file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// An empty span at `offset`.
    pub const fn at(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Span of `len` bytes starting at `start`.
    pub fn with_len(start: usize, len: usize) -> Self {
        Self::new(to_u32(start), to_u32(start + len))
    }

    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// Smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Whether `offset` lies inside the span (end exclusive).
    pub const fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A value together with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Converts a byte offset to `u32`. Files larger than 4 GiB are rejected long before
/// parsing (the size limit is a few MiB), so saturation never changes a real offset.
pub fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// What kind of document a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Dockerfile,
    DockerIgnore,
    Compose,
    /// Any other file that a finding refers to (for example a file in a build context).
    Other,
}

/// 1-based line and column (column counted in code points).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Offsets of line starts, built once per file.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| to_u32(i + 1)));
        Self { starts }
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.starts.get(line).copied().unwrap_or(u32::MAX)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Line and column of `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(to_u32(text.len()));
        let line = self.line_of(offset);
        let mut start = self.starts[line] as usize;
        if line == 0 && text.starts_with('\u{feff}') {
            start = start.max(3).min(offset as usize);
        }
        let end = floor_char_boundary(text, offset as usize);
        let column = text.get(start..end).map_or(0, |s| s.chars().count());
        LineCol {
            line: to_u32(line + 1),
            column: to_u32(column + 1),
        }
    }

    /// Text of the 0-based `line` without its line terminator.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line) as usize;
        if start > text.len() {
            return "";
        }
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&e| e as usize);
        let s = &text[start..end];
        let s = s.strip_suffix('\n').unwrap_or(s);
        let s = s.strip_suffix('\r').unwrap_or(s);
        if line == 0 {
            s.strip_prefix('\u{feff}').unwrap_or(s)
        } else {
            s
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A file read for this run.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// Path relative to the scan root, `/`-separated: the only path any output prints.
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    index: LineIndex,
    /// `path` again, shared by the locations that point into the file.
    shared_path: Arc<str>,
}

impl SourceFile {
    pub fn new(
        id: FileId,
        path: impl Into<String>,
        kind: FileKind,
        text: impl Into<String>,
    ) -> Self {
        let text = text.into();
        let index = LineIndex::new(&text);
        let path = path.into();
        Self {
            id,
            shared_path: Arc::from(path.as_str()),
            path,
            kind,
            text,
            index,
        }
    }

    /// The path, shared: cloning it costs no allocation. Equal to `path` (which must not
    /// be changed after the file is created).
    pub fn shared_path(&self) -> Arc<str> {
        Arc::clone(&self.shared_path)
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.index.line_col(&self.text, offset)
    }

    /// Start and end positions of a span. An empty span ends where it starts; otherwise the
    /// end position is that of the last character, plus one column (SARIF's `endColumn`).
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        let start = self.line_col(span.start);
        let end = if span.is_empty() {
            start
        } else {
            // A span that ends right after a newline is shown as ending on the line before.
            let mut end_off = span.end.min(to_u32(self.text.len()));
            let bytes = self.text.as_bytes();
            while end_off > span.start + 1
                && matches!(bytes.get(end_off as usize - 1), Some(b'\n' | b'\r'))
            {
                end_off -= 1;
            }
            self.line_col(end_off)
        };
        (start, end)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.index
    }

    /// Text of the 1-based `line` without its terminator.
    pub fn line_text(&self, line: u32) -> &str {
        if line == 0 {
            return "";
        }
        self.index.line_text(&self.text, line as usize - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_code_points_and_skips_bom() {
        let f = SourceFile::new(
            FileId(0),
            "Dockerfile",
            FileKind::Dockerfile,
            "\u{feff}FROM a\nRUN é x\r\n",
        );
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(8), LineCol { line: 1, column: 6 });
        let x = f.text.find(" x").unwrap() as u32 + 1;
        assert_eq!(f.line_col(x), LineCol { line: 2, column: 7 });
        assert_eq!(f.line_text(1), "FROM a");
        assert_eq!(f.line_text(2), "RUN é x");
    }

    #[test]
    fn range_end_excludes_trailing_newline() {
        let f = SourceFile::new(FileId(0), "d", FileKind::Dockerfile, "ab\ncd\n");
        let (s, e) = f.range(Span::new(0, 3));
        assert_eq!((s.line, s.column, e.line, e.column), (1, 1, 1, 3));
        let (s, e) = f.range(Span::new(1, 5));
        assert_eq!((s.line, s.column, e.line, e.column), (1, 2, 2, 3));
    }
}
