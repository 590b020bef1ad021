//! Parsers that keep exact byte spans. They know nothing about rules or findings.

pub mod compose;
pub mod docker_glob;
pub mod dockerfile;
pub mod dockerignore;
pub mod expand;
pub mod image_ref;
pub mod shell;

use crate::source::{Span, to_u32};

/// Text assembled from pieces of a file (for example a shell-form instruction whose line
/// continuations and comment lines were removed), with a map from every byte of the text
/// back to its byte offset in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    /// `(text_offset, file_offset)` at the start of each contiguous piece, ascending.
    segments: Vec<(u32, u32)>,
}

impl MappedText {
    /// Text that sits contiguously in the file at `file_start`.
    pub fn contiguous(text: impl Into<String>, file_start: u32) -> Self {
        Self {
            text: text.into(),
            segments: vec![(0, file_start)],
        }
    }

    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `piece`, which sits in the file at `file_start`.
    pub fn push(&mut self, piece: &str, file_start: u32) {
        if piece.is_empty() {
            return;
        }
        let text_start = to_u32(self.text.len());
        match self.segments.last() {
            Some(&(t, f)) if f + (text_start - t) == file_start => {}
            _ => self.segments.push((text_start, file_start)),
        }
        self.text.push_str(piece);
    }

    /// File offset of the byte at `text_offset` (an offset at the very end maps to just after
    /// the last byte).
    pub fn file_offset(&self, text_offset: usize) -> u32 {
        let t = to_u32(text_offset);
        if self.segments.is_empty() {
            return t;
        }
        if t > 0 && t as usize >= self.text.len() {
            // End of text: one past the last byte's position.
            return self.file_offset(self.text.len() - 1) + 1;
        }
        let i = match self.segments.binary_search_by(|&(s, _)| s.cmp(&t)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (ts, fs) = self.segments[i];
        fs + (t - ts)
    }

    /// File span of the text range `start..end`. A non-empty range ends just after the file
    /// position of its last byte, so a range across a removed continuation covers it.
    pub fn file_span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let at = self.file_offset(start);
            return Span::new(at, at);
        }
        Span::new(self.file_offset(start), self.file_offset(end - 1) + 1)
    }

    /// File span of the whole text.
    pub fn span(&self) -> Span {
        self.file_span(0, self.text.len())
    }

    /// A sub-range of this text, with its map.
    #[must_use]
    pub fn slice(&self, start: usize, end: usize) -> MappedText {
        let mut out = MappedText::new();
        let mut pos = start;
        while pos < end {
            // Find the segment containing `pos` and copy up to its end or `end`.
            let i = match self
                .segments
                .binary_search_by(|&(s, _)| s.cmp(&to_u32(pos)))
            {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
            let seg_end = self
                .segments
                .get(i + 1)
                .map_or(self.text.len(), |&(s, _)| s as usize)
                .min(end);
            let seg_end = seg_end.max(pos + 1).min(end);
            out.push(&self.text[pos..seg_end], self.file_offset(pos));
            pos = seg_end;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_across_pieces() {
        // File: "RUN a \\\n  b" ; text "a   b" made of "a " at 4 and "  b" at 8.
        let mut m = MappedText::new();
        m.push("a ", 4);
        m.push("  b", 8);
        assert_eq!(m.text, "a   b");
        assert_eq!(m.file_offset(0), 4);
        assert_eq!(m.file_offset(1), 5);
        assert_eq!(m.file_offset(2), 8);
        assert_eq!(m.file_offset(4), 10);
        assert_eq!(m.file_offset(5), 11);
        assert_eq!(m.file_span(0, 5), Span::new(4, 11));
        assert_eq!(m.span(), Span::new(4, 11));
        let s = m.slice(1, 5);
        assert_eq!(s.text, "   b");
        assert_eq!(s.file_offset(0), 5);
        assert_eq!(s.file_offset(1), 8);
    }

    #[test]
    fn adjacent_pieces_merge() {
        let mut m = MappedText::new();
        m.push("ab", 10);
        m.push("cd", 12);
        assert_eq!(m.segments.len(), 1);
        assert_eq!(m.file_offset(3), 13);
    }
}
