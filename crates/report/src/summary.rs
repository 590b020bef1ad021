//! `summary`: Markdown for a GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`).
//!
//! Sections: the totals per severity (plus suppressed findings and files checked or not);
//! the checklist: the twelve steps, each ✅ (rules ran and found nothing), ❌ (with the
//! number of findings of rules serving the step) or ➖ (no enabled rule serves the step);
//! a table of unsuppressed findings, most severe first (severity, rule linked to its
//! documentation, location, message); and the files that could not be checked.
//!
//! Text from the scanned files (paths, messages) is escaped for GitHub-flavoured Markdown:
//! HTML special characters become entities, Markdown punctuation is backslash-escaped, `|`
//! cannot end a table cell, newlines become `<br>`, and backtick-quoted tokens become
//! `<code>` elements with the same escaping, so no file can inject links, images or
//! markup into the summary.
//!
//! GitHub accepts at most 1 MiB of summary per step: the output stays under
//! [`MAX_BYTES`]. When the tables do not fit, the rows that fit are kept (the most severe
//! findings) and a note says how many were left out.

use std::fmt::Write as _;
use std::io::{self, Write};

use seaworthy_core::diagnostic::DiagnosticLevel;
use seaworthy_core::finding::Severity;
use seaworthy_core::rule::Step;

use crate::{Emitter, Report, valid_region};

/// The output stays below this many bytes (GitHub's limit is 1 MiB).
pub const MAX_BYTES: usize = 1_000_000;
/// Room kept for the closing notes when rows are cut.
const RESERVE: usize = 1_024;

/// The `summary` emitter.
#[derive(Clone, Debug)]
pub struct Summary {
    max_bytes: usize,
}

impl Summary {
    pub fn new() -> Self {
        Self {
            max_bytes: MAX_BYTES,
        }
    }
}

impl Default for Summary {
    fn default() -> Self {
        Self::new()
    }
}

/// How a severity is shown (the only severity mapping of this format).
const fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "🟥 critical",
        Severity::High => "🟧 high",
        Severity::Medium => "🟨 medium",
        Severity::Low => "🟦 low",
        Severity::Info => "⬜ info",
    }
}

impl Emitter for Summary {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let text = self.render(report);
        out.write_all(text.as_bytes())
    }
}

impl Summary {
    fn render(&self, report: &Report<'_>) -> String {
        let counts = report.counts();
        let mut md = String::new();
        let _ = writeln!(md, "## seaworthy\n");
        let total = counts.findings();
        if total == 0 {
            let _ = write!(md, "**No findings**");
        } else {
            let _ = write!(
                md,
                "**{total} finding{}**",
                if total == 1 { "" } else { "s" }
            );
        }
        let _ = write!(
            md,
            " in {} checked file{}",
            counts.files_checked,
            if counts.files_checked == 1 { "" } else { "s" }
        );
        if counts.suppressed > 0 {
            let _ = write!(md, ", {} suppressed", counts.suppressed);
        }
        if counts.diagnostics > 0 {
            let _ = write!(
                md,
                ", **{} file{} not checked**",
                counts.diagnostics,
                if counts.diagnostics == 1 { "" } else { "s" }
            );
        }
        let _ = writeln!(md, ".\n");

        let _ = writeln!(md, "| Severity | Findings |\n|---|---:|");
        for severity in Severity::ALL {
            let _ = writeln!(md, "| {} | {} |", label(severity), counts.of(severity));
        }
        let _ = writeln!(md);

        // The checklist.
        let _ = writeln!(md, "### Checklist\n");
        let _ = writeln!(md, "| | Step | Findings |\n|---|---|---:|");
        for step in Step::ALL {
            let served = report.rules.iter().any(|r| r.steps.contains(&step))
                || report.findings.iter().any(|f| f.rule.steps.contains(&step));
            let found = report
                .unsuppressed()
                .filter(|f| f.rule.steps.contains(&step))
                .count();
            let mark = if found > 0 {
                "❌"
            } else if served {
                "✅"
            } else {
                "➖"
            };
            let findings = if served || found > 0 {
                found.to_string()
            } else {
                "not checked".to_owned()
            };
            let _ = writeln!(md, "| {mark} | {step} | {findings} |");
        }
        let _ = writeln!(md);

        // Files that could not be checked come before the findings table, which is the part
        // that may be cut.
        if !report.diagnostics.is_empty() {
            let _ = writeln!(md, "### Files not checked\n");
            let _ = writeln!(md, "| | File | Problem |\n|---|---|---|");
            let budget = self.max_bytes / 4;
            let mut written = 0;
            for diagnostic in report.diagnostics {
                let mark = match diagnostic.level() {
                    DiagnosticLevel::Error => "❌",
                    DiagnosticLevel::Warning => "⚠️",
                };
                let row = format!(
                    "| {mark} | <code>{}</code> | {} ({}) |\n",
                    escape(&diagnostic.path),
                    escape(&diagnostic.message),
                    diagnostic.kind
                );
                if md.len() + row.len() > budget {
                    break;
                }
                md.push_str(&row);
                written += 1;
            }
            if written < report.diagnostics.len() {
                let _ = writeln!(
                    md,
                    "\n_{} more files not checked are not listed here._",
                    report.diagnostics.len() - written
                );
            }
            let _ = writeln!(md);
        }

        if total > 0 {
            let _ = writeln!(md, "### Findings\n");
            let _ = writeln!(
                md,
                "| Severity | Rule | Location | Message |\n|---|---|---|---|"
            );
            let findings = report.by_severity();
            let mut written = 0;
            for finding in &findings {
                let location = match valid_region(&finding.location) {
                    Some((start, _)) => {
                        format!("{}:{}:{}", finding.location.path, start.line, start.column)
                    }
                    None => finding.location.path.to_string(),
                };
                let row = format!(
                    "| {} | [`{}`]({}) {} | <code>{}</code> | {} |\n",
                    label(finding.severity),
                    finding.rule.code,
                    report.tool.help_uri(finding.rule),
                    finding.rule.name,
                    escape(&location),
                    message(&finding.message),
                );
                if md.len() + row.len() + RESERVE > self.max_bytes {
                    break;
                }
                md.push_str(&row);
                written += 1;
            }
            if written < findings.len() {
                let _ = writeln!(
                    md,
                    "\n_{} more findings are not shown: the summary is limited to 1 MiB. \
                     The SARIF and JSON reports list every finding._",
                    findings.len() - written
                );
            }
        }
        md
    }
}

/// Escapes text for a cell of a GitHub-flavoured Markdown table.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c if crate::is_unsafe_control(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A message with its backtick-quoted tokens shown as code.
fn message(text: &str) -> String {
    let pieces: Vec<&str> = text.split('`').collect();
    // Pieces at odd positions are quoted. With an odd number of backticks the last one is
    // unpaired and stays text.
    let unpaired = pieces.len() % 2 == 0;
    let mut out = String::with_capacity(text.len() + 16);
    for (i, piece) in pieces.iter().enumerate() {
        let quoted = i % 2 == 1;
        if quoted && !(unpaired && i == pieces.len() - 1) {
            out.push_str("<code>");
            out.push_str(&escape(piece));
            out.push_str("</code>");
        } else {
            if quoted {
                out.push_str("\\`");
            }
            out.push_str(&escape(piece));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, SampleReport, emit};
    use crate::{EmitOptions, Format};

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Summary, &EmitOptions::default(), &sample.report());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn escaping_keeps_cells_whole_and_markup_out() {
        assert_eq!(escape("a|b\nc<d>&"), "a\\|b<br>c&lt;d&gt;&amp;");
        assert_eq!(
            escape("[x](javascript:y) ![i](u)"),
            "\\[x\\]\\(javascript:y\\) \\!\\[i\\]\\(u\\)"
        );
        assert_eq!(
            message("`a|b` is <bad>"),
            "<code>a\\|b</code> is &lt;bad&gt;"
        );
        assert_eq!(message("odd ` tick"), "odd \\` tick");
        assert_eq!(message("`x` and `y"), "<code>x</code> and \\`y");
        assert_eq!(
            message("<script>alert(1)</script>"),
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
        );
    }

    #[test]
    fn checklist_marks_steps() {
        let sample = SampleReport::new();
        let out = emit(Format::Summary, &EmitOptions::default(), &sample.report());
        assert!(out.contains("| ❌ | 2. Never run as root | 1 |"), "{out}");
        assert!(
            out.contains("| ✅ | 9. Memory and CPU limits | 0 |"),
            "{out}"
        );
        assert!(
            out.contains("| ➖ | 12. Signed, verified images | not checked |"),
            "{out}"
        );
        // The suppressed SW101 does not count against step 5.
        assert!(
            out.contains("| ❌ | 5. Pinned image and package versions | 1 |"),
            "{out}"
        );
        // SW304 serves two steps and counts for both.
        assert!(
            out.contains("| ❌ | 6. A proper .dockerignore | 1 |"),
            "{out}"
        );
        assert!(
            out.contains("| ❌ | 10. No secrets in images | 2 |"),
            "{out}"
        );
    }

    #[test]
    fn table_rows_never_break() {
        let sample = SampleReport::new();
        let out = emit(Format::Summary, &EmitOptions::default(), &sample.report());
        let table: Vec<&str> = out
            .lines()
            .skip_while(|l| !l.starts_with("### Findings"))
            .filter(|l| l.starts_with('|'))
            .collect();
        assert_eq!(table.len(), 2 + 7);
        for row in &table {
            let cells = row.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 5, "{row}");
        }
    }

    #[test]
    fn output_is_capped() {
        let sample = testing::many_findings(400, 200);
        let report = sample.report();
        let summary = Summary { max_bytes: 20_000 };
        let out = summary.render(&report);
        assert!(out.len() <= 20_000, "{}", out.len());
        assert!(out.contains("more findings are not shown"), "{out}");
        let shown = out.lines().filter(|l| l.contains("finding ")).count();
        let note: usize = out
            .lines()
            .find(|l| l.contains("more findings are not shown"))
            .and_then(|l| l.trim_start_matches('_').split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert_eq!(shown + note, 400);
        // The most severe are the ones kept.
        assert!(out.contains("critical") && !out.contains("| ⬜ info | [`SW806`]"));
    }

    #[test]
    fn real_limit_holds_for_a_huge_report() {
        let sample = testing::many_findings(6_000, 300);
        let out = emit(Format::Summary, &EmitOptions::default(), &sample.report());
        assert!(out.len() < 1024 * 1024);
        assert!(out.len() <= MAX_BYTES);
        assert!(out.contains("more findings are not shown"));
    }
}
