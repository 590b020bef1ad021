//! `json`: seaworthy's own machine-readable output, a versioned contract.
//!
//! The document is one JSON object, pretty-printed, followed by a newline. Fields are only
//! ever added within a version; a change that removes or changes a field bumps `version`.
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": { "name": "seaworthy", "version": "0.1.0", "information_uri": "https://…" },
//!   "findings": [ Finding, … ],
//!   "diagnostics": [ Diagnostic, … ],
//!   "summary": Summary
//! }
//! ```
//!
//! **Finding** (every finding, suppressed ones included, in report order: path, then
//! position, then code):
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `code` | string | rule code, `SW101` |
//! | `name` | string | rule name, `image-tag-mutable` |
//! | `severity` | string | effective severity: `critical`, `high`, `medium`, `low`, `info` |
//! | `path` | string | path relative to the scan root, `/`-separated |
//! | `start`, `end` | Position or null | 1-based line and column (columns count Unicode code points); `end` is exclusive (one past the last character). Both null for a finding about a whole file |
//! | `span` | Span or null | byte offsets in the file, half-open; null for a whole file |
//! | `message` | string | what is wrong here; may contain newlines |
//! | `help` | string or null | one imperative line: what to do |
//! | `help_uri` | string | the rule's documentation page |
//! | `fix` | Fix or null | a suggested edit |
//! | `related` | array of Related | other places that explain the finding, possibly in other files |
//! | `fingerprint` | string | 32 hex digits, stable across line moves (see the architecture notes) |
//! | `suppressed` | Suppressed or null | why the finding does not count |
//!
//! - **Position**: `{ "line": 1, "column": 6 }`.
//! - **Span**: `{ "start": 5, "end": 9 }`.
//! - **Fix**: `{ "description": string, "applicability": "safe" | "unsafe" | "display-only",
//!   "edits": [Edit] }`.
//! - **Edit**: `{ "start": Position, "end": Position, "span": Span, "replacement": string }`;
//!   positions here are exact (an edit that ends after a newline ends at column 1 of the
//!   next line), and an empty `replacement` deletes. Edits are in the finding's file,
//!   sorted and not overlapping.
//! - **Related**: `{ "path", "start", "end", "message" }` (`start`/`end` null for a whole file).
//! - **Suppressed**: `{ "kind": "in-source" | "config", "justification": string or null }`.
//! - **Diagnostic** (a file that could not be checked): `{ "path", "kind", "level",
//!   "message" }`, `kind` one of `unreadable`, `too-large`, `binary`, `invalid-utf8`,
//!   `symlink-loop`, `special-file`; `level` `error` or `warning`.
//! - **Summary**: `{ "findings": n, "by_severity": { "critical": n, "high": n, "medium": n,
//!   "low": n, "info": n }, "suppressed": n, "files_checked": n, "diagnostics": n }`, where
//!   `findings` and `by_severity` count unsuppressed findings only.

use std::io::{self, Write};

use seaworthy_core::diagnostic::{Diagnostic, DiagnosticKind, DiagnosticLevel};
use seaworthy_core::finding::{Applicability, Finding, Location, Severity, Suppression};
use seaworthy_core::source::{LineCol, SourceFile, Span};
use serde::Serialize;

use crate::{Counts, Emitter, Report, valid_region};

/// The version of this contract.
pub const VERSION: u32 = 1;

/// The `json` emitter.
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

impl Emitter for Json {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sources = report.sources();
        let findings: Vec<JsonFinding<'_>> = report
            .findings
            .iter()
            .map(|f| JsonFinding::new(report, f, sources.get(&f.location, Some(f))))
            .collect();
        let doc = Document {
            version: VERSION,
            tool: Tool {
                name: report.tool.name,
                version: report.tool.version,
                information_uri: report.tool.information_uri,
            },
            findings,
            diagnostics: report
                .diagnostics
                .iter()
                .map(JsonDiagnostic::from)
                .collect(),
            summary: Summary::from(&report.counts()),
        };
        crate::write_json(out, &doc)?;
        writeln!(out)
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool<'a>,
    findings: Vec<JsonFinding<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
    information_uri: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    path: &'a str,
    start: Option<Position>,
    end: Option<Position>,
    span: Option<JsonSpan>,
    message: &'a str,
    help: Option<&'a str>,
    help_uri: String,
    fix: Option<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
    fingerprint: &'a str,
    suppressed: Option<Suppressed<'a>>,
}

impl<'a> JsonFinding<'a> {
    fn new(report: &Report<'_>, finding: &'a Finding, file: Option<&SourceFile>) -> Self {
        let region = valid_region(&finding.location);
        Self {
            code: finding.rule.code,
            name: finding.rule.name,
            severity: finding.severity,
            path: &finding.location.path,
            start: region.map(|(s, _)| s.into()),
            end: region.map(|(_, e)| e.into()),
            span: region.map(|_| finding.location.span.into()),
            message: &finding.message,
            help: finding.help.as_deref(),
            help_uri: report.tool.help_uri(finding.rule),
            fix: finding.fix.as_ref().map(|fix| JsonFix {
                description: &fix.description,
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| JsonEdit {
                        start: file.map(|f| f.line_col(edit.span.start).into()),
                        end: file.map(|f| f.line_col(edit.span.end).into()),
                        span: edit.span.into(),
                        replacement: &edit.replacement,
                    })
                    .collect(),
            }),
            related: finding
                .related
                .iter()
                .map(|r| JsonRelated::new(&r.location, &r.label))
                .collect(),
            fingerprint: &finding.fingerprint,
            suppressed: finding.suppressed.as_ref().map(|s| Suppressed {
                kind: match s {
                    Suppression::InSource { .. } => "in-source",
                    Suppression::Config { .. } => "config",
                },
                justification: s.justification(),
            }),
        }
    }
}

#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

impl From<LineCol> for Position {
    fn from(lc: LineCol) -> Self {
        Self {
            line: lc.line,
            column: lc.column,
        }
    }
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
}

impl From<Span> for JsonSpan {
    fn from(span: Span) -> Self {
        Self {
            start: span.start,
            end: span.end,
        }
    }
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: Option<Position>,
    end: Option<Position>,
    span: JsonSpan,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    start: Option<Position>,
    end: Option<Position>,
    message: &'a str,
}

impl<'a> JsonRelated<'a> {
    fn new(location: &'a Location, label: &'a str) -> Self {
        let region = valid_region(location);
        Self {
            path: &location.path,
            start: region.map(|(s, _)| s.into()),
            end: region.map(|(_, e)| e.into()),
            message: label,
        }
    }
}

#[derive(Serialize)]
struct Suppressed<'a> {
    kind: &'static str,
    justification: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    kind: DiagnosticKind,
    level: DiagnosticLevel,
    message: &'a str,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Self {
            path: &d.path,
            kind: d.kind,
            level: d.level(),
            message: &d.message,
        }
    }
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    by_severity: BySeverity,
    suppressed: usize,
    files_checked: usize,
    diagnostics: usize,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

impl From<&Counts> for Summary {
    fn from(c: &Counts) -> Self {
        Self {
            findings: c.findings(),
            by_severity: BySeverity {
                critical: c.of(Severity::Critical),
                high: c.of(Severity::High),
                medium: c.of(Severity::Medium),
                low: c.of(Severity::Low),
                info: c.of(Severity::Info),
            },
            suppressed: c.suppressed,
            files_checked: c.files_checked,
            diagnostics: c.diagnostics,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::testing::{SampleReport, emit};
    use crate::{EmitOptions, Format};

    fn sample_json() -> Value {
        let sample = SampleReport::new();
        let out = emit(Format::Json, &EmitOptions::default(), &sample.report());
        serde_json::from_str(&out).unwrap()
    }

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Json, &EmitOptions::default(), &sample.report());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn contract_fields() {
        let doc = sample_json();
        assert_eq!(doc["version"], 1);
        let findings = doc["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 8, "suppressed findings are included");
        let keys: Vec<&str> = findings[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "code",
            "name",
            "severity",
            "path",
            "start",
            "end",
            "span",
            "message",
            "help",
            "help_uri",
            "fix",
            "related",
            "fingerprint",
            "suppressed",
        ] {
            assert!(keys.contains(&key), "missing {key}");
        }
        let whole_file = findings.iter().find(|f| f["path"] == ".env").unwrap();
        assert!(whole_file["start"].is_null() && whole_file["end"].is_null());
        let suppressed: Vec<&Value> = findings
            .iter()
            .filter(|f| !f["suppressed"].is_null())
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["suppressed"]["kind"], "in-source");
        let fixed = findings.iter().find(|f| !f["fix"].is_null()).unwrap();
        let edit = &fixed["fix"]["edits"][0];
        assert_eq!(edit["start"]["line"], 1);
        assert_eq!(edit["start"]["column"], 6);
        assert_eq!(edit["span"]["start"], 5);
        assert_eq!(fixed["fix"]["applicability"], "unsafe");
        assert_eq!(doc["summary"]["findings"], 7);
        assert_eq!(doc["summary"]["suppressed"], 1);
        assert_eq!(doc["diagnostics"][0]["kind"], "unreadable");
    }

    #[test]
    fn non_ascii_columns_count_code_points() {
        let doc = sample_json();
        let maintainer = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "SW806")
            .unwrap();
        // `MAINTAINER\tZoë Ünïcødé <zoë@例え.jp>`: the span starts after the tab.
        assert_eq!(maintainer["start"]["column"], 12);
        assert_eq!(
            maintainer["end"]["column"],
            12 + "Zoë Ünïcødé <zoë@例え.jp>".chars().count()
        );
    }
}
