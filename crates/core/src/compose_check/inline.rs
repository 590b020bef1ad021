//! `dockerfile_inline`: a Dockerfile written as a YAML scalar of a compose file.
//!
//! The Dockerfile rules run on the scalar's value as compose reads it (after interpolation)
//! and their findings are moved into the compose file. Positions are mapped in two steps,
//! each of which is verified against the text rather than assumed:
//!
//! 1. **Interpolated text → YAML value.** Where interpolation changed nothing, offsets are
//!    equal. Otherwise the two are aligned line by line (or as a whole when interpolation
//!    added or removed line breaks): the common prefix and suffix of each line map exactly,
//!    and a position inside the part that interpolation changed (`$$HOME` read as `$HOME`,
//!    `${TAG:-1}` read as `1`) widens to that whole part of the value.
//! 2. **YAML value → file.** A literal block scalar (`|`, `|-`, `|+`, `|2`) keeps its lines:
//!    each line of the value must equal the file's line without its indentation, and then maps
//!    onto it. A plain or quoted scalar whose text is the value verbatim (no escapes, on one
//!    line) maps onto itself. Any other scalar (folded `>`, escapes, a plain scalar folded
//!    over several lines) has no position-preserving layout: every finding points at the
//!    `dockerfile_inline` key, and a secret it marks covers the whole value.
//!
//! A fix is kept only when every edit maps exactly and its replacement needs no YAML care (no
//! line break, no `$`, which compose would interpolate).

use std::path::PathBuf;

use crate::dockerfile::BuildOptions;
use crate::finding::{Edit, Finding, Location, Suppression, normalise_whitespace};
use crate::source::{FileId, FileKind, SourceFile, Span, to_u32};
use crate::syntax::compose::{ComposeFile, Field, ScalarStyle, Text};

/// The path of the Dockerfile built from an inline text while its rules run. It is never a
/// real path (no file name holds a NUL byte), and no finding keeps it.
const INLINE_PATH: &str = "\u{0}dockerfile_inline";

/// A part of the interpolated text aligned with a part of the YAML value: `prefix` bytes at
/// the start and `suffix` bytes at the end are equal in both.
#[derive(Clone, Debug)]
struct Segment {
    text: (usize, usize),
    raw: (usize, usize),
    prefix: usize,
    suffix: usize,
}

/// A line of the YAML value and where it starts in the file.
#[derive(Clone, Copy, Debug)]
struct Piece {
    raw: (usize, usize),
    file: u32,
}

/// Maps offsets of an inline Dockerfile's text to offsets of its compose file.
#[derive(Clone, Debug)]
pub(crate) struct InlineMap {
    /// The interpolated text and the value as written (escapes decoded).
    text: String,
    raw: String,
    segments: Vec<Segment>,
    /// `None` when the scalar has no position-preserving layout.
    pieces: Option<Vec<Piece>>,
    /// The `dockerfile_inline` key.
    key: Span,
    /// The scalar.
    value: Span,
}

impl InlineMap {
    /// The map for the `dockerfile_inline` field `field` of `file`.
    pub(crate) fn new(file: &ComposeFile, field: &Field<Text>) -> Self {
        let text = &field.value;
        let style = file
            .scalars
            .iter()
            .find(|s| s.span == field.span)
            .map(|s| s.style);
        InlineMap {
            text: text.text.clone(),
            raw: text.raw.clone(),
            segments: align(&text.text, &text.raw),
            pieces: layout(&file.text, field.span, &text.raw, style),
            key: field.key,
            value: field.span,
        }
    }

    /// Whether positions follow the scalar (else everything points at the key).
    #[cfg(test)]
    fn follows_scalar(&self) -> bool {
        self.pieces.is_some()
    }

    /// The file span for `span` of the text, and whether it is exact: the value holds the
    /// span's text there, as it is (a replacement of the file span has the effect a
    /// replacement of the text would have).
    pub(crate) fn span(&self, span: Span) -> (Span, bool) {
        let Some(pieces) = &self.pieces else {
            return (self.key, false);
        };
        let start = self.text_to_raw(span.start as usize, false);
        let end = self.text_to_raw(span.end as usize, true).max(start);
        let (Some(fs), Some(fe)) = (raw_to_file(pieces, start), raw_to_file(pieces, end)) else {
            return (self.key, false);
        };
        let exact = self.raw.get(start..end).is_some()
            && self.raw.get(start..end) == self.text.get(span.range());
        (Span::new(fs, fe.max(fs)), exact)
    }

    /// Where a secret at `span` of the text is in the file: the mapped span (which covers
    /// whatever interpolation changed), or the whole value when positions are not followed.
    fn secret(&self, span: Span) -> Span {
        if self.pieces.is_some() {
            self.span(span).0
        } else {
            self.value
        }
    }

    /// An offset of the text as an offset of the value. A position inside a part changed by
    /// interpolation goes to the start of that part (`end == false`) or its end.
    fn text_to_raw(&self, t: usize, end: bool) -> usize {
        let Some(seg) = self
            .segments
            .iter()
            .find(|s| s.text.0 <= t && t <= s.text.1)
        else {
            return self.segments.last().map_or(0, |s| s.raw.1);
        };
        let rel = t - seg.text.0;
        let from_end = seg.text.1 - t;
        let in_prefix = rel <= seg.prefix;
        let in_suffix = from_end <= seg.suffix;
        match (end, in_prefix, in_suffix) {
            (false, _, true) | (true, false, true) => seg.raw.1 - from_end,
            (_, true, _) => seg.raw.0 + rel,
            (false, false, false) => seg.raw.0 + seg.prefix,
            (true, false, false) => seg.raw.1 - seg.suffix,
        }
    }
}

/// Aligns the interpolated text with the value before interpolation.
fn align(text: &str, raw: &str) -> Vec<Segment> {
    if text == raw {
        return vec![Segment {
            text: (0, text.len()),
            raw: (0, raw.len()),
            prefix: text.len(),
            suffix: 0,
        }];
    }
    let text_lines = line_ranges(text);
    let raw_lines = line_ranges(raw);
    if text_lines.len() != raw_lines.len() {
        return vec![segment(text, raw, (0, text.len()), (0, raw.len()))];
    }
    text_lines
        .into_iter()
        .zip(raw_lines)
        .map(|(t, r)| segment(text, raw, t, r))
        .collect()
}

/// The byte ranges of the lines of `s` (without their `\n`).
fn line_ranges(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    out.push((start, s.len()));
    out
}

fn segment(text: &str, raw: &str, t: (usize, usize), r: (usize, usize)) -> Segment {
    let a = text.get(t.0..t.1).unwrap_or_default();
    let b = raw.get(r.0..r.1).unwrap_or_default();
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let room = a.len().min(b.len()) - prefix;
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .scan(0usize, |total, n| {
            *total += n;
            (*total <= room).then_some(n)
        })
        .sum();
    Segment {
        text: t,
        raw: r,
        prefix,
        suffix,
    }
}

fn raw_to_file(pieces: &[Piece], r: usize) -> Option<u32> {
    let piece = pieces.iter().find(|p| p.raw.0 <= r && r <= p.raw.1)?;
    Some(piece.file + to_u32(r - piece.raw.0))
}

/// Where each line of the value `raw` of the scalar at `span` lies in `text`, verified; `None`
/// when the scalar does not keep the value's positions.
fn layout(text: &str, span: Span, raw: &str, style: Option<ScalarStyle>) -> Option<Vec<Piece>> {
    let slice = text.get(span.range())?;
    if style == Some(ScalarStyle::Literal) {
        return literal_layout(text, span, raw);
    }
    let base = if slice == raw {
        span.start
    } else if matches!(
        style,
        Some(ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
    ) && slice.len() >= 2
        && slice.get(1..slice.len() - 1) == Some(raw)
    {
        span.start + 1
    } else {
        return None;
    };
    Some(
        line_ranges(raw)
            .into_iter()
            .map(|(s, e)| Piece {
                raw: (s, e),
                file: base + to_u32(s),
            })
            .collect(),
    )
}

/// A literal block scalar: the first line with content starts at `span.start`, at the
/// block's indentation; every line of the value is a line of the file without that
/// indentation (an empty line may hold fewer spaces, or trailing ones).
fn literal_layout(text: &str, span: Span, raw: &str) -> Option<Vec<Piece>> {
    let start = span.start as usize;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    if !text.get(line_start..start)?.bytes().all(|b| b == b' ') {
        return None;
    }
    let lines = line_ranges(raw);
    let first = lines.iter().position(|(s, e)| s < e)?;
    let last = lines.iter().rposition(|(s, e)| s < e)?;
    let mut pieces = Vec::with_capacity(lines.len());
    for &(s, e) in &lines[..first] {
        pieces.push(Piece {
            raw: (s, e),
            file: span.start,
        });
    }
    let mut pos = line_start;
    let mut end_of_last = span.start;
    for (i, &(s, e)) in lines[first..=last].iter().enumerate() {
        if i > 0 {
            // The next line of the file.
            pos = pos + text.get(pos..)?.find('\n')? + 1;
        }
        let line_end = text.get(pos..)?.find('\n').map_or(text.len(), |k| pos + k);
        let line = text.get(pos..line_end)?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let content = raw.get(s..e)?;
        let file = if content.is_empty() {
            if !line.bytes().all(|b| b == b' ') {
                return None;
            }
            pos + line.len().min(indent)
        } else {
            if line.len() < indent
                || !line.as_bytes()[..indent].iter().all(|&b| b == b' ')
                || line.get(indent..) != Some(content)
            {
                return None;
            }
            pos + indent
        };
        pieces.push(Piece {
            raw: (s, e),
            file: to_u32(file),
        });
        end_of_last = to_u32(file + content.len());
    }
    for &(s, e) in &lines[last + 1..] {
        pieces.push(Piece {
            raw: (s, e),
            file: end_of_last,
        });
    }
    Some(pieces)
}

/// A `dockerfile_inline` to check: where it is, its text and how the service builds it.
#[derive(Clone, Debug)]
pub(crate) struct InlineJob {
    /// The run's file holding the scalar.
    pub compose: FileId,
    /// The Dockerfile text as compose reads it.
    pub text: String,
    /// Read with the defaults of unset variables.
    pub defaulted: bool,
    pub map: InlineMap,
    pub options: BuildOptions,
    pub context: Option<PathBuf>,
}

impl InlineJob {
    /// The Dockerfile the rules check (a file of no run).
    pub(crate) fn dockerfile(&self) -> SourceFile {
        SourceFile::new(
            FileId(u32::MAX),
            INLINE_PATH,
            FileKind::Dockerfile,
            self.text.clone(),
        )
    }

    /// Whether two jobs check the same text the same way.
    pub(crate) fn same_as(&self, other: &InlineJob) -> bool {
        self.compose == other.compose
            && self.map.value == other.map.value
            && self.text == other.text
            && self.options == other.options
            && self.context == other.context
    }

    /// Moves a finding of the inline Dockerfile `dockerfile` into `compose`.
    pub(crate) fn relocate(
        &self,
        mut finding: Finding,
        dockerfile: &SourceFile,
        compose: &SourceFile,
    ) -> Finding {
        let map = &self.map;
        let inline_span = finding.location.span;
        if &*finding.location.path == INLINE_PATH {
            if finding.key.is_none() && finding.location.region.is_some() {
                finding.key = Some(normalise_whitespace(dockerfile.slice(inline_span)));
            }
            let span = if finding.location.region.is_some() {
                map.span(inline_span).0
            } else {
                map.key
            };
            finding.file = compose.id;
            finding.location = Location::new(compose, span);
            finding.secret = finding.secret.map(|s| map.secret(s));
            if let Some(Suppression::InSource { span, .. }) = &mut finding.suppressed {
                *span = map.span(*span).0;
            }
            finding.fix = finding.fix.take().and_then(|mut fix| {
                let edits: Option<Vec<Edit>> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let (span, exact) = map.span(e.span);
                        (exact && !e.replacement.contains(['\n', '\r', '$'])).then(|| Edit {
                            span,
                            replacement: e.replacement.clone(),
                        })
                    })
                    .collect();
                fix.edits = edits?;
                Some(fix)
            });
        }
        for related in &mut finding.related {
            if &*related.location.path == INLINE_PATH {
                let span = if related.location.region.is_some() {
                    map.span(related.location.span).0
                } else {
                    map.key
                };
                related.location = Location::new(compose, span);
            }
        }
        if self.defaulted {
            finding.related(
                Location::new(compose, map.key),
                "`dockerfile_inline` depends on unset variables: checked with their defaults",
            );
        }
        finding
    }

    /// The span of the scalar in its compose file.
    pub(crate) fn value(&self) -> Span {
        self.map.value
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::syntax::compose::{LoadOptions, parse_str};

    /// The map of the first service's `dockerfile_inline` in `yaml`, with the text.
    fn map_of(yaml: &str) -> (InlineMap, Text) {
        let project = parse_str(yaml, Path::new("/p/compose.yaml"), &LoadOptions::default());
        let field = project.services[0]
            .build
            .as_ref()
            .and_then(|b| b.value.dockerfile_inline.clone())
            .expect("the fixture has a dockerfile_inline");
        (InlineMap::new(&project.files[0], &field), field.value)
    }

    /// The file text at the span mapped from the first occurrence of `needle` in the text.
    fn mapped<'y>(yaml: &'y str, needle: &str) -> (&'y str, bool) {
        let (map, text) = map_of(yaml);
        let at = text.text.find(needle).expect("needle in the text");
        let (span, exact) = map.span(Span::with_len(at, needle.len()));
        (&yaml[span.range()], exact)
    }

    #[test]
    fn literal_block_lines_map_exactly() {
        let yaml = "services:\n  a:\n    build:\n      dockerfile_inline: |\n        FROM node:16\n\n        RUN  npm ci \\\n          && npm test\n";
        assert_eq!(mapped(yaml, "node:16"), ("node:16", true));
        assert_eq!(mapped(yaml, "npm ci"), ("npm ci", true));
        assert_eq!(mapped(yaml, "npm test"), ("npm test", true));
        // A span over several lines covers them in the file.
        assert_eq!(
            mapped(yaml, "ci \\\n  && npm"),
            ("ci \\\n          && npm", true)
        );
    }

    #[test]
    fn literal_block_with_indentation_indicator_and_crlf() {
        let yaml = "services:\r\n  a:\r\n    build:\r\n      dockerfile_inline: |2-\r\n          FROM alpine:3.20\r\n          RUN apk add curl\r\n";
        assert_eq!(mapped(yaml, "apk add"), ("apk add", true));
        assert_eq!(mapped(yaml, "  FROM"), ("  FROM", true));
    }

    #[test]
    fn interpolation_widens_only_what_it_changed() {
        let yaml = "services:\n  a:\n    build:\n      dockerfile_inline: |\n        FROM node:${NODE:-16}-alpine\n        RUN echo $$HOME > /tmp/home\n";
        let (_, text) = map_of(yaml);
        assert_eq!(
            text.text,
            "FROM node:16-alpine\nRUN echo $HOME > /tmp/home\n"
        );
        // Unchanged parts of a changed line are exact.
        assert_eq!(mapped(yaml, "FROM"), ("FROM", true));
        assert_eq!(mapped(yaml, "-alpine"), ("-alpine", true));
        assert_eq!(mapped(yaml, "/tmp/home"), ("/tmp/home", true));
        // A span over the changed part covers what was written.
        assert_eq!(
            mapped(yaml, "node:16-alpine"),
            ("node:${NODE:-16}-alpine", false)
        );
        assert_eq!(mapped(yaml, "$HOME"), ("$$HOME", false));
    }

    #[test]
    fn plain_and_verbatim_quoted_scalars_map_onto_themselves() {
        let yaml = "services:\n  a:\n    build:\n      dockerfile_inline: FROM node:16\n";
        assert_eq!(mapped(yaml, "node:16"), ("node:16", true));
        let yaml = "services:\n  a:\n    build:\n      dockerfile_inline: 'FROM node:16'\n";
        assert_eq!(mapped(yaml, "node:16"), ("node:16", true));
    }

    #[test]
    fn other_layouts_point_at_the_key() {
        for yaml in [
            "services:\n  a:\n    build:\n      dockerfile_inline: \"FROM node:16\\nUSER root\"\n",
            "services:\n  a:\n    build:\n      dockerfile_inline: >\n        FROM node:16\n\n        USER root\n",
            "services:\n  a:\n    build:\n      dockerfile_inline: FROM node:16\n        USER root\n",
        ] {
            let (map, _) = map_of(yaml);
            assert!(!map.follows_scalar(), "{yaml}");
            assert_eq!(mapped(yaml, "node:16"), ("dockerfile_inline", false));
        }
    }

    #[test]
    fn an_alias_maps_onto_the_anchored_scalar() {
        let yaml = "x-df: &df |\n  FROM node:16\nservices:\n  a:\n    build:\n      dockerfile_inline: *df\n";
        let (span_text, exact) = mapped(yaml, "node:16");
        assert_eq!((span_text, exact), ("node:16", true));
    }

    #[test]
    fn alignment_of_arbitrary_texts_stays_in_bounds() {
        for (text, raw) in [
            ("", "${A}"),
            ("a\nb", "a"),
            ("é$x", "é$$x"),
            ("abc", "abXbc"),
            ("aa", "a"),
        ] {
            let segments = align(text, raw);
            let map = InlineMap {
                text: text.to_owned(),
                raw: raw.to_owned(),
                segments,
                pieces: Some(vec![Piece {
                    raw: (0, raw.len()),
                    file: 0,
                }]),
                key: Span::default(),
                value: Span::new(0, to_u32(raw.len())),
            };
            for t in (0..=text.len()).filter(|&t| text.is_char_boundary(t)) {
                for end in [false, true] {
                    let r = map.text_to_raw(t, end);
                    assert!(
                        r <= raw.len() && raw.is_char_boundary(r),
                        "{text:?} {raw:?} {t} {end}"
                    );
                }
                for e in t..=text.len() {
                    let (span, _) = map.span(Span::new(to_u32(t), to_u32(e)));
                    assert!(span.start <= span.end && span.end as usize <= raw.len());
                }
            }
        }
    }
}
