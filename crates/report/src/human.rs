//! `human`: findings for a person at a terminal, in the manner of rustc.
//!
//! ```text
//! Dockerfile:8:6: SW201 runs-as-root [high]
//!   The final stage runs as `root`
//!   |
//! 8 | USER root
//!   |      ^^^^
//!   = help: Add `USER` with a non-root UID before the final `CMD`
//!   = see: seaworthy explain SW201
//! ```
//!
//! - Columns are counted in characters, as everywhere in seaworthy; underlines are placed
//!   by display width, so they sit under wide (CJK) characters and expanded tabs.
//! - A multi-line span shows each of its lines underlined from its first non-blank
//!   character; spans longer than [`MAX_FRAME_LINES`] lines show their first and last
//!   lines around a `...` line.
//! - Control characters in source lines, paths and messages are shown escaped (`\n`,
//!   `\u{1b}`), so a crafted file cannot drive the terminal.
//! - Suppressed findings are left out and counted in the closing summary line, which also
//!   counts findings per severity, checked files, and files that could not be checked
//!   (listed as `error:`/`warning:` lines before it).
//! - Colour only when [`EmitOptions::color`] is set; the text is the same either way.

use std::io::{self, Write};

use seaworthy_core::diagnostic::DiagnosticLevel;
use seaworthy_core::finding::{Applicability, Finding, Severity};
use seaworthy_core::source::{LineCol, SourceFile};
use unicode_width::UnicodeWidthChar;

use crate::{Counts, EmitOptions, Emitter, Report, Sources, keep_lines, one_line, valid_region};

/// Spans over more lines than this show only their first and last lines.
pub const MAX_FRAME_LINES: usize = 6;
/// Columns a tab is expanded to.
const TAB_WIDTH: usize = 4;

/// The `human` emitter.
#[derive(Clone, Copy, Debug, Default)]
pub struct Human {
    paint: Paint,
    quiet: bool,
}

impl Human {
    pub fn new(opts: &EmitOptions) -> Self {
        Self {
            paint: Paint { on: opts.color },
            quiet: opts.quiet,
        }
    }
}

/// Colour of each severity; the one place this format maps severities.
fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => Style::BoldMagenta,
        Severity::High => Style::BoldRed,
        Severity::Medium => Style::BoldYellow,
        Severity::Low => Style::BoldCyan,
        Severity::Info => Style::BoldBlue,
    }
}

impl Emitter for Human {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sources = report.sources();
        let p = self.paint;
        for finding in report.unsuppressed() {
            let file = sources.get(&finding.location, Some(finding));
            self.finding(out, finding, file, &sources)?;
            writeln!(out)?;
        }
        for diagnostic in report.diagnostics {
            let (label, style) = match diagnostic.level() {
                DiagnosticLevel::Error => ("error", Style::BoldRed),
                DiagnosticLevel::Warning => ("warning", Style::BoldYellow),
            };
            writeln!(
                out,
                "{}: {} was not checked: {} ({})",
                p.paint(style, label),
                p.paint(Style::Bold, &one_line(&diagnostic.path)),
                one_line(&diagnostic.message),
                diagnostic.kind
            )?;
        }
        if self.quiet {
            return Ok(());
        }
        if !report.diagnostics.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{}", summary_line(&report.counts(), p))
    }
}

impl Human {
    fn finding(
        self,
        out: &mut dyn Write,
        finding: &Finding,
        file: Option<&SourceFile>,
        sources: &Sources<'_>,
    ) -> io::Result<()> {
        let p = self.paint;
        let region = valid_region(&finding.location);
        let position = match region {
            Some((start, _)) => format!(":{}:{}", start.line, start.column),
            None => String::new(),
        };
        writeln!(
            out,
            "{}: {} {} {}",
            p.paint(
                Style::Bold,
                &format!("{}{position}", one_line(&finding.location.path))
            ),
            p.paint(severity_style(finding.severity), finding.rule.code),
            finding.rule.name,
            p.paint(
                severity_style(finding.severity),
                &format!("[{}]", finding.severity)
            ),
        )?;
        for line in keep_lines(&finding.message).lines() {
            writeln!(out, "  {line}")?;
        }

        let frame = match (region, file) {
            (Some((start, end)), Some(file)) => frame_lines(sources, file, start, end),
            _ => Vec::new(),
        };
        let gutter = frame
            .iter()
            .filter_map(|l| l.number)
            .max()
            .map_or(1, |n| n.to_string().len());
        let pad = " ".repeat(gutter);
        let bar = p.paint(Style::BoldBlue, "|");
        if !frame.is_empty() {
            writeln!(out, "{pad} {bar}")?;
            let underline_style = severity_style(finding.severity);
            for line in &frame {
                match line.number {
                    Some(n) => {
                        let number = p.paint(Style::BoldBlue, &format!("{n:>gutter$}"));
                        if line.text.is_empty() {
                            writeln!(out, "{number} {bar}")?;
                        } else {
                            writeln!(out, "{number} {bar} {}", line.text)?;
                        }
                        if line.carets > 0 {
                            writeln!(
                                out,
                                "{pad} {bar} {}{}",
                                " ".repeat(line.indent),
                                p.paint(underline_style, &"^".repeat(line.carets))
                            )?;
                        }
                    }
                    None => writeln!(out, "{}", p.paint(Style::BoldBlue, "..."))?,
                }
            }
        }
        let eq = p.paint(Style::BoldBlue, "=");
        if let Some(help) = &finding.help {
            writeln!(
                out,
                "{pad} {eq} {}: {}",
                p.paint(Style::BoldGreen, "help"),
                one_line(help)
            )?;
        }
        if let Some(fix) = &finding.fix {
            let applicability = match fix.applicability {
                Applicability::Safe => "safe fix",
                Applicability::Unsafe => "unsafe fix",
                Applicability::DisplayOnly => "suggestion",
            };
            writeln!(
                out,
                "{pad} {eq} {}: {}",
                p.paint(Style::BoldGreen, applicability),
                one_line(&fix.description)
            )?;
        }
        for related in &finding.related {
            let position = match valid_region(&related.location) {
                Some((start, _)) => format!(":{}:{}", start.line, start.column),
                None => String::new(),
            };
            writeln!(
                out,
                "{pad} {eq} {}: {}{position}: {}",
                p.paint(Style::Bold, "related"),
                one_line(&related.location.path),
                one_line(&related.label)
            )?;
        }
        writeln!(
            out,
            "{pad} {eq} {}: seaworthy explain {}",
            p.paint(Style::Bold, "see"),
            finding.rule.code
        )
    }
}

/// The closing line: counts per severity, suppressed, files checked and not checked.
fn summary_line(counts: &Counts, p: Paint) -> String {
    let total = counts.findings();
    let mut parts = Vec::new();
    if total == 0 {
        parts.push(p.paint(Style::BoldGreen, "No findings"));
    } else {
        let by_severity: Vec<String> = Severity::ALL
            .iter()
            .filter(|s| counts.of(**s) > 0)
            .map(|s| p.paint(severity_style(*s), &format!("{} {s}", counts.of(*s))))
            .collect();
        parts.push(format!(
            "{} ({})",
            p.paint(Style::Bold, &plural(total, "finding", "findings")),
            by_severity.join(", ")
        ));
    }
    if counts.suppressed > 0 {
        parts.push(format!("{} suppressed", counts.suppressed));
    }
    parts.push(format!(
        "{} checked",
        plural(counts.files_checked, "file", "files")
    ));
    if counts.diagnostics > 0 {
        parts.push(p.paint(
            if counts.diagnostic_errors > 0 {
                Style::BoldRed
            } else {
                Style::BoldYellow
            },
            &format!(
                "{} not checked",
                plural(counts.diagnostics, "file", "files")
            ),
        ));
    }
    parts.join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// One line of a code frame; `number: None` is the `...` between the head and tail of a
/// long span.
struct FrameLine {
    number: Option<u32>,
    /// The source line, tabs expanded and control characters replaced.
    text: String,
    /// Display columns before the underline, and its length.
    indent: usize,
    carets: usize,
}

fn frame_lines(
    sources: &Sources<'_>,
    file: &SourceFile,
    start: LineCol,
    end: LineCol,
) -> Vec<FrameLine> {
    let lines: Vec<u32> = if end.line.saturating_sub(start.line) as usize + 1 > MAX_FRAME_LINES {
        let head = (MAX_FRAME_LINES / 2) as u32;
        let tail = (MAX_FRAME_LINES - MAX_FRAME_LINES / 2) as u32 - 1;
        let mut v: Vec<u32> = (start.line..start.line.saturating_add(head)).collect();
        v.push(0);
        v.extend(end.line.saturating_sub(tail)..=end.line);
        v
    } else {
        (start.line..=end.line).collect()
    };
    lines
        .into_iter()
        .map(|n| {
            if n == 0 {
                return FrameLine {
                    number: None,
                    text: String::new(),
                    indent: 0,
                    carets: 0,
                };
            }
            let raw = sources.line_text(file, n);
            let raw = raw.as_str();
            let first_col = if n == start.line {
                start.column as usize
            } else {
                raw.chars().take_while(|c| c.is_whitespace()).count() + 1
            };
            let last_col = if n == end.line {
                end.column as usize
            } else {
                raw.chars().count() + 1
            };
            render_line(n, raw, first_col, last_col.max(first_col))
        })
        .collect()
}

/// Expands tabs, replaces control characters and measures the underline for the character
/// columns `first_col..last_col` (1-based, end exclusive; an empty range gets one caret).
fn render_line(number: u32, raw: &str, first_col: usize, last_col: usize) -> FrameLine {
    let mut text = String::with_capacity(raw.len());
    let mut width = 0;
    let mut indent = None;
    let mut end_width = None;
    for (i, c) in raw.chars().enumerate() {
        let col = i + 1;
        if col == first_col {
            indent = Some(width);
        }
        if col == last_col {
            end_width = Some(width);
        }
        width += if c == '\t' {
            text.push_str(&" ".repeat(TAB_WIDTH));
            TAB_WIDTH
        } else if crate::is_unsafe_control(c) {
            text.push('\u{fffd}');
            1
        } else {
            text.push(c);
            c.width().unwrap_or(0)
        };
    }
    let indent = indent.unwrap_or(width);
    let end_width = end_width.unwrap_or(width);
    let carets = end_width.saturating_sub(indent).max(1);
    FrameLine {
        number: Some(number),
        text: text.trim_end().to_owned(),
        indent,
        carets,
    }
}

/// ANSI styles used by this format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Bold,
    BoldRed,
    BoldGreen,
    BoldYellow,
    BoldBlue,
    BoldMagenta,
    BoldCyan,
}

impl Style {
    const fn code(self) -> &'static str {
        match self {
            Style::Bold => "1",
            Style::BoldRed => "1;31",
            Style::BoldGreen => "1;32",
            Style::BoldYellow => "1;33",
            Style::BoldBlue => "1;34",
            Style::BoldMagenta => "1;35",
            Style::BoldCyan => "1;36",
        }
    }
}

/// Wraps text in ANSI escapes when colour is on.
#[derive(Clone, Copy, Debug, Default)]
struct Paint {
    on: bool,
}

impl Paint {
    fn paint(self, style: Style, text: &str) -> String {
        if self.on {
            format!("\x1b[{}m{text}\x1b[0m", style.code())
        } else {
            text.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use crate::testing::{SampleReport, emit};

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Human, &EmitOptions::default(), &sample.report());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn empty_report() {
        let sample = SampleReport::empty();
        let out = emit(Format::Human, &EmitOptions::default(), &sample.report());
        assert_eq!(out, "No findings, 0 files checked\n");
    }

    #[test]
    fn colour_changes_nothing_but_escapes() {
        let sample = SampleReport::new();
        let plain = emit(Format::Human, &EmitOptions::default(), &sample.report());
        let opts = EmitOptions {
            color: true,
            ..EmitOptions::default()
        };
        let coloured = emit(Format::Human, &opts, &sample.report());
        assert!(coloured.contains("\x1b[1;31mSW201\x1b[0m"));
        assert_eq!(strip_ansi(&coloured), plain);
    }

    #[test]
    fn suppressed_findings_are_omitted() {
        let sample = SampleReport::new();
        let out = emit(Format::Human, &EmitOptions::default(), &sample.report());
        assert!(!out.contains("python:latest` uses"));
        assert!(out.contains("1 suppressed"));
    }

    #[test]
    fn long_spans_are_elided_and_underlines_follow_display_width() {
        let text = "RUN a \\\n  b \\\n  c \\\n  d \\\n  e \\\n  f \\\n  g\nLABEL x=\"例え\" y=z\n";
        let file = SourceFile::new(
            seaworthy_core::source::FileId(0),
            "Dockerfile",
            seaworthy_core::source::FileKind::Dockerfile,
            text,
        );
        let (s, e) = file.range(seaworthy_core::source::Span::new(4, 41));
        let files = [file.clone()];
        let sources = Sources::new(&files);
        let frame = frame_lines(&sources, &file, s, e);
        let numbers: Vec<Option<u32>> = frame.iter().map(|l| l.number).collect();
        assert_eq!(
            numbers,
            vec![Some(1), Some(2), Some(3), None, Some(5), Some(6), Some(7)]
        );
        // `y=z` is at character column 14 but display column 16: two wide characters.
        let (s, e) = file.range(crate::testing::span_of(text, "y=z"));
        assert_eq!(s.column, 14);
        let frame = frame_lines(&sources, &file, s, e);
        assert_eq!((frame[0].indent, frame[0].carets), (15, 3));
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let line = render_line(1, "RUN echo \u{1b}[2J\u{7}done", 5, 9);
        assert!(!line.text.contains('\u{1b}'));
        assert!(!line.text.contains('\u{7}'));
        assert_eq!(line.text, "RUN echo \u{fffd}[2J\u{fffd}done");
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
