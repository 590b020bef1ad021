//! `gitlab` (alias `codequality`): a GitLab Code Quality report.
//!
//! A JSON array with one object per unsuppressed finding:
//!
//! ```json
//! { "description": "SW201: The final stage runs as `root`", "check_name": "SW201",
//!   "fingerprint": "…", "severity": "critical",
//!   "location": { "path": "Dockerfile", "lines": { "begin": 8 } } }
//! ```
//!
//! - `description` starts with the code, because GitLab's widget does not show
//!   `check_name`.
//! - `fingerprint` is seaworthy's (independent of line numbers, so a finding does not
//!   reappear as new when lines move above it). GitLab needs them unique within a report:
//!   a repeated or missing one is replaced by a hash derived from it.
//! - `severity`: critical → `blocker`, high → `critical`, medium → `major`, low → `minor`,
//!   info → `info` (the only severity mapping of this format).
//! - `location.path` is relative to the scan root, prefixed by
//!   [`EmitOptions::project_dir_prefix`] when the scan root is not `CI_PROJECT_DIR`;
//!   `lines.begin` is 1 for a finding about a whole file.
//! - Suppressed findings and files that could not be checked are not listed: Code Quality
//!   has no place for them.

use std::collections::HashSet;
use std::io::{self, Write};

use seaworthy_core::finding::{Severity, fingerprint};
use serde::Serialize;

use crate::{EmitOptions, Emitter, Report, valid_region};

/// The `gitlab` emitter.
#[derive(Clone, Debug, Default)]
pub struct Gitlab {
    prefix: Option<String>,
}

impl Gitlab {
    pub fn new(opts: &EmitOptions) -> Self {
        Self {
            prefix: opts
                .project_dir_prefix
                .as_deref()
                .map(|p| p.trim_end_matches('/'))
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
        }
    }
}

/// Code Quality severity of a severity.
pub const fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

impl Emitter for Gitlab {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut issues = Vec::new();
        for finding in report.unsuppressed() {
            let code = finding.rule.code;
            let path = &finding.location.path;
            let mut fp = if finding.fingerprint.is_empty() {
                fingerprint(code, path, &finding.message, 0)
            } else {
                finding.fingerprint.clone()
            };
            let mut nth = 1;
            while seen.contains(&fp) {
                fp = fingerprint(code, path, &finding.fingerprint, nth);
                nth += 1;
            }
            seen.insert(fp.clone());
            let path = match &self.prefix {
                Some(prefix) => format!("{prefix}/{path}"),
                None => path.to_string(),
            };
            issues.push(Issue {
                description: format!("{code}: {}", finding.message),
                check_name: code,
                fingerprint: fp,
                severity: severity(finding.severity),
                location: IssueLocation {
                    path,
                    lines: Lines {
                        begin: valid_region(&finding.location).map_or(1, |(s, _)| s.line),
                    },
                },
            });
        }
        crate::write_json(out, &issues)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::Value;

    use super::*;
    use crate::testing::{SampleReport, emit};
    use crate::{EmitOptions, Format};

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Gitlab, &EmitOptions::default(), &sample.report());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn fingerprints_are_unique_and_paths_prefixed() {
        let mut sample = SampleReport::new();
        let dup = sample.findings[1].clone();
        sample.findings.push(dup.clone());
        sample.findings.push(dup);
        sample.findings[0].fingerprint.clear();
        let opts = EmitOptions {
            project_dir_prefix: Some("services/api/".to_owned()),
            ..EmitOptions::default()
        };
        let out = emit(Format::Gitlab, &opts, &sample.report());
        let issues: Vec<Value> = serde_json::from_str(&out).unwrap();
        assert_eq!(issues.len(), 9);
        let fps: HashSet<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(fps.len(), issues.len());
        assert!(fps.iter().all(|f| f.len() == 32));
        for issue in &issues {
            let path = issue["location"]["path"].as_str().unwrap();
            assert!(path.starts_with("services/api/"), "{path}");
            assert!(!path.contains("//"), "{path}");
            let description = issue["description"].as_str().unwrap();
            assert!(
                description.starts_with(&format!("{}: ", issue["check_name"].as_str().unwrap()))
            );
            assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        }
    }

    #[test]
    fn severity_mapping() {
        let mapped: Vec<&str> = Severity::ALL.iter().map(|s| severity(*s)).collect();
        assert_eq!(mapped, ["blocker", "critical", "major", "minor", "info"]);
    }

    #[test]
    fn empty_report_is_an_empty_array() {
        let sample = SampleReport::empty();
        let out = emit(Format::Gitlab, &EmitOptions::default(), &sample.report());
        assert_eq!(out, "[]\n");
    }
}
