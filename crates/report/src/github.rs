//! `github`: GitHub Actions workflow commands, shown as annotations on the pull request.
//!
//! ```text
//! ::error file=Dockerfile,line=8,endLine=8,col=6,endColumn=10,title=seaworthy SW201 runs-as-root::The final stage runs as `root`%0Ahelp: …
//! ```
//!
//! - One annotation per unsuppressed finding: `error` for critical and high, `warning` for
//!   medium, `notice` for low and info (the only severity mapping of this format). `line`
//!   and `endLine` when the finding has a position; `col` and `endColumn` only when the
//!   span is on one line (GitHub misplaces multi-line column ranges). The data is the
//!   message, then the help on its own line.
//! - Each file that could not be checked gets an `error` (or `warning`) annotation.
//! - **Escaping**: file names come from the pull request being scanned, so every value is
//!   escaped and a crafted name or message can never start a workflow command of its own:
//!   the data escapes `%`, CR and LF (`%25`, `%0D`, `%0A`), and property values also
//!   escape `:` and `,` (`%3A`, `%2C`).
//! - **Visibility**: GitHub shows at most [`VISIBLE_PER_TYPE`] annotations of each type per
//!   step. Annotations are emitted most severe first (report order within a severity).
//!   When some will not be visible, a `::notice::` says how many findings there are in
//!   total and points to the job summary and the SARIF report. It comes last, unless there
//!   are so many notices that it would be hidden: then it takes the tenth notice slot.
//!   (GitHub also caps a job at 50 annotations over all its steps; run seaworthy's
//!   annotations early in the job if other steps annotate too.)

use std::fmt::Write as _;
use std::io::{self, Write};

use seaworthy_core::diagnostic::DiagnosticLevel;
use seaworthy_core::finding::Severity;

use crate::{Emitter, Report, valid_region};

/// How many annotations of one type GitHub shows per step.
pub const VISIBLE_PER_TYPE: usize = 10;

/// The `github` emitter.
#[derive(Clone, Copy, Debug, Default)]
pub struct Github;

/// An annotation type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Error,
    Warning,
    Notice,
}

impl Kind {
    const fn as_str(self) -> &'static str {
        match self {
            Kind::Error => "error",
            Kind::Warning => "warning",
            Kind::Notice => "notice",
        }
    }
}

/// The annotation type of a severity.
const fn kind(severity: Severity) -> Kind {
    match severity {
        Severity::Critical | Severity::High => Kind::Error,
        Severity::Medium => Kind::Warning,
        Severity::Low | Severity::Info => Kind::Notice,
    }
}

struct Annotation {
    kind: Kind,
    /// Sort rank: severity first, diagnostics after the findings of their type.
    rank: u8,
    properties: Vec<(&'static str, String)>,
    data: String,
}

impl Annotation {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "::{}", self.kind.as_str())?;
        for (i, (key, value)) in self.properties.iter().enumerate() {
            let sep = if i == 0 { ' ' } else { ',' };
            write!(out, "{sep}{key}={}", escape_property(value))?;
        }
        writeln!(out, "::{}", escape_data(&self.data))
    }
}

impl Emitter for Github {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut annotations: Vec<Annotation> = Vec::new();
        for finding in report.unsuppressed() {
            let mut properties = vec![("file", finding.location.path.to_string())];
            if let Some((start, end)) = valid_region(&finding.location) {
                properties.push(("line", start.line.to_string()));
                properties.push(("endLine", end.line.to_string()));
                if start.line == end.line {
                    properties.push(("col", start.column.to_string()));
                    properties.push(("endColumn", end.column.to_string()));
                }
            }
            properties.push((
                "title",
                format!("seaworthy {} {}", finding.rule.code, finding.rule.name),
            ));
            let mut data = finding.message.clone();
            if let Some(help) = &finding.help {
                data.push_str("\nhelp: ");
                data.push_str(help);
            }
            annotations.push(Annotation {
                kind: kind(finding.severity),
                rank: match finding.severity {
                    Severity::Critical => 0,
                    Severity::High => 1,
                    Severity::Medium => 3,
                    Severity::Low => 5,
                    Severity::Info => 6,
                },
                properties,
                data,
            });
        }
        for diagnostic in report.diagnostics {
            let (kind, rank) = match diagnostic.level() {
                DiagnosticLevel::Error => (Kind::Error, 2),
                DiagnosticLevel::Warning => (Kind::Warning, 4),
            };
            annotations.push(Annotation {
                kind,
                rank,
                properties: vec![
                    ("file", diagnostic.path.clone()),
                    ("title", "seaworthy could not check this file".to_owned()),
                ],
                data: format!("{} ({})", diagnostic.message, diagnostic.kind),
            });
        }
        annotations.sort_by_key(|a| a.rank);

        let count = |k: Kind| annotations.iter().filter(|a| a.kind == k).count();
        let (errors, warnings, notices) = (
            count(Kind::Error),
            count(Kind::Warning),
            count(Kind::Notice),
        );
        let needs_pointer =
            errors > VISIBLE_PER_TYPE || warnings > VISIBLE_PER_TYPE || notices > VISIBLE_PER_TYPE;
        let pointer = needs_pointer.then(|| {
            let hidden = errors.saturating_sub(VISIBLE_PER_TYPE)
                + warnings.saturating_sub(VISIBLE_PER_TYPE)
                + notices.saturating_sub(VISIBLE_PER_TYPE - 1);
            let counts = report.counts();
            let mut text = format!("seaworthy reported {} findings", counts.findings());
            if counts.diagnostics > 0 {
                let _ = write!(text, " and {} files it could not check", counts.diagnostics);
            }
            let _ = write!(
                text,
                "; {hidden} annotations are not shown because GitHub shows at most \
                 {VISIBLE_PER_TYPE} of each type per step. See the job summary or the SARIF \
                 report for all of them."
            );
            Annotation {
                kind: Kind::Notice,
                rank: u8::MAX,
                properties: Vec::new(),
                data: text,
            }
        });

        let mut notices_written = 0;
        let mut pointer = pointer;
        for annotation in &annotations {
            if annotation.kind == Kind::Notice {
                if notices_written == VISIBLE_PER_TYPE - 1 {
                    if let Some(p) = pointer.take() {
                        p.write(out)?;
                    }
                }
                notices_written += 1;
            }
            annotation.write(out)?;
        }
        if let Some(p) = pointer {
            p.write(out)?;
        }
        Ok(())
    }
}

/// Escapes the data (message) of a workflow command.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use seaworthy_core::finding::Finding;
    use seaworthy_core::source::{FileId, FileKind, SourceFile};

    use super::*;
    use crate::testing::{self, SampleReport, emit};
    use crate::{EmitOptions, Format};

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Github, &EmitOptions::default(), &sample.report());
        insta::assert_snapshot!(out);
    }

    fn unescape(s: &str) -> String {
        s.replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    /// A parsed workflow command: `::cmd k=v,k=v::data`.
    struct Command {
        name: String,
        properties: Vec<(String, String)>,
        data: String,
    }

    /// Parses one line the way the runner does: the command ends at the first `::` after
    /// the leading one; properties are split on `,` and `=`.
    fn parse_line(line: &str) -> Command {
        let rest = line.strip_prefix("::").expect("a workflow command");
        let (head, data) = rest.split_once("::").expect("a command terminator");
        let (name, props) = head.split_once(' ').unwrap_or((head, ""));
        let properties = props
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').expect("key=value");
                (k.to_owned(), unescape(v))
            })
            .collect();
        Command {
            name: name.to_owned(),
            properties,
            data: unescape(data),
        }
    }

    #[test]
    fn crafted_names_and_messages_cannot_inject_commands() {
        let path = "a%0A::error::x,y:z";
        let text = "FROM x\nUSER root\n";
        let file = SourceFile::new(FileId(0), path, FileKind::Dockerfile, text);
        let message = "evil\n::error file=x::injected\r\n::add-mask::secret %0A::warning::x";
        let mut finding = Finding::new(
            testing::runs_as_root(),
            &file,
            testing::span_of(text, "root"),
            message,
        );
        finding.help("line one\n::stop-commands::token");
        let mut newline_path = finding.clone();
        newline_path.location.path = "b\n::error::x".into();
        let sample = SampleReport::assemble(
            vec![file],
            vec![finding, newline_path],
            testing::sample_rules(),
            vec![seaworthy_core::diagnostic::Diagnostic::new(
                "c\r\n::error::d,e:f",
                seaworthy_core::diagnostic::DiagnosticKind::Unreadable,
                "denied\n::error::again",
            )],
        );
        let out = emit(Format::Github, &EmitOptions::default(), &sample.report());
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines.last(), Some(&""), "output ends with a newline");
        let lines = &lines[..lines.len() - 1];
        assert_eq!(lines.len(), 3, "{out}");
        for line in lines {
            assert!(!line.contains('\r'), "{line}");
            assert!(
                line.starts_with("::error ") || line.starts_with("::warning "),
                "{line}"
            );
            // The properties hold no `:` at all, so the first `::` after the command name is
            // the one we wrote; the data may contain `::`, which is harmless mid-line.
            let head = line[2..].split("::").next().unwrap();
            assert!(!head.contains(':'), "{line}");
        }
        let first = parse_line(lines[0]);
        assert_eq!(first.name, "error");
        assert_eq!(first.properties[0], ("file".to_owned(), path.to_owned()));
        assert_eq!(
            first.data,
            format!("{message}\nhelp: line one\n::stop-commands::token")
        );
        let second = parse_line(lines[1]);
        assert_eq!(second.properties[0].1, "b\n::error::x");
        let third = parse_line(lines[2]);
        assert_eq!(third.properties[0].1, "c\r\n::error::d,e:f");
        assert_eq!(third.data, "denied\n::error::again (unreadable)");
    }

    #[test]
    fn columns_only_for_single_line_spans() {
        let sample = SampleReport::new();
        let out = emit(Format::Github, &EmitOptions::default(), &sample.report());
        for line in out.lines() {
            let command = parse_line(line);
            let get = |k: &str| {
                command
                    .properties
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
            };
            match (get("line"), get("endLine")) {
                (Some(l), Some(e)) if l != e => {
                    assert!(get("col").is_none() && get("endColumn").is_none(), "{line}");
                }
                (Some(_), Some(_)) => assert!(get("col").is_some(), "{line}"),
                _ => assert!(get("col").is_none(), "{line}"),
            }
        }
    }

    #[test]
    fn most_severe_first_and_a_pointer_when_annotations_are_hidden() {
        // 60 findings cycling critical, high, medium, low, info: 24 errors, 12 warnings,
        // 24 notices.
        let sample = testing::many_findings(60, 0);
        let out = emit(Format::Github, &EmitOptions::default(), &sample.report());
        let commands: Vec<Command> = out.lines().map(parse_line).collect();
        assert_eq!(commands.len(), 61);
        let titles: Vec<String> = commands
            .iter()
            .map(|c| {
                c.properties
                    .iter()
                    .find(|(k, _)| k == "title")
                    .map_or(String::new(), |(_, v)| v.clone())
            })
            .collect();
        assert!(
            titles[..12].iter().all(|t| t.contains("SW302")),
            "critical first"
        );
        assert!(titles[12..24].iter().all(|t| t.contains("SW201")));
        // Report order within a severity.
        let lines: Vec<u32> = commands[..12]
            .iter()
            .map(|c| {
                c.properties
                    .iter()
                    .find(|(k, _)| k == "line")
                    .unwrap()
                    .1
                    .parse()
                    .unwrap()
            })
            .collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
        // The pointer is the tenth notice, so it is visible.
        let notices: Vec<&Command> = commands.iter().filter(|c| c.name == "notice").collect();
        let pointer = notices[VISIBLE_PER_TYPE - 1];
        assert!(pointer.properties.is_empty());
        assert!(
            pointer.data.starts_with("seaworthy reported 60 findings"),
            "{}",
            pointer.data
        );
        // 14 errors, 2 warnings and 15 notices are beyond the visible ten (nine notices).
        assert!(
            pointer.data.contains("; 31 annotations are not shown"),
            "{}",
            pointer.data
        );
    }

    #[test]
    fn the_pointer_comes_last_when_there_is_room() {
        // 15 findings: 3 of each severity → 6 errors, 3 warnings, 6 notices: all visible.
        let sample = testing::many_findings(15, 0);
        let out = emit(Format::Github, &EmitOptions::default(), &sample.report());
        assert!(!out.contains("seaworthy reported"));
        // 55 findings: 22 errors (12 hidden), 11 warnings (1 hidden), 22 notices → the
        // pointer is the 10th notice.
        let sample = testing::many_findings(55, 0);
        let out = emit(Format::Github, &EmitOptions::default(), &sample.report());
        assert!(out.contains("seaworthy reported 55 findings"));
        // Errors only: the pointer is last.
        let sample = testing::many_findings(51, 0);
        let errors_only: Vec<Finding> = sample
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::High)
            .cloned()
            .collect();
        let sample = SampleReport::assemble(
            sample.files.clone(),
            errors_only,
            testing::sample_rules(),
            Vec::new(),
        );
        let out = emit(Format::Github, &EmitOptions::default(), &sample.report());
        let last = out.lines().last().unwrap();
        assert!(
            last.starts_with("::notice::seaworthy reported 21 findings"),
            "{last}"
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
    }
}
