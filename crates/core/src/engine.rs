//! Runs the enabled rules over documents and applies suppressions, severity overrides and
//! fingerprints.

use rayon::prelude::*;

use crate::context::BuildContext;
use crate::dockerfile::{BuildOptions, Dockerfile};
use crate::finding::{Finding, Suppression, assign_fingerprints};
use crate::knowledge::packages::SharedRuns;
use crate::rule::Ctx;
use crate::rules;
use crate::settings::Settings;
use crate::source::{FileKind, SourceFile, Span, to_u32};
use crate::suppress::{self, CommentRef, SuppressionReport};
use crate::syntax::dockerfile::{self, Ast};

/// Checks one Dockerfile with the settings' build options.
pub fn check_dockerfile(file: &SourceFile, settings: &Settings) -> Vec<Finding> {
    check_dockerfile_with(file, settings, &settings.build)
}

/// Checks one Dockerfile with explicit build options (a compose service's target and args).
pub fn check_dockerfile_with(
    file: &SourceFile,
    settings: &Settings,
    build: &BuildOptions,
) -> Vec<Finding> {
    check_dockerfile_in(file, settings, build, None)
}

/// Checks one Dockerfile with explicit build options and, when known, its build context
/// (which the context rules read).
pub fn check_dockerfile_in(
    file: &SourceFile,
    settings: &Settings,
    build: &BuildOptions,
    context: Option<&BuildContext>,
) -> Vec<Finding> {
    let ast = dockerfile::parse(&file.text);
    let df = Dockerfile::analyse(file, &ast, build);
    let runs = SharedRuns::new(df.data.iter().map(|d| d.script.as_ref()).collect());
    let mut findings = Vec::new();
    for (i, rule) in rules::ALL.iter().enumerate() {
        if !settings.is_enabled(i) {
            continue;
        }
        let before = findings.len();
        let mut cx = Ctx::new(file, settings, rule.meta(), &mut findings)
            .with_context(context)
            .with_runs(&runs);
        rule.check_dockerfile(&df, &mut cx);
        override_severity(settings, i, &mut findings[before..]);
    }
    let mut report = SuppressionReport {
        directives: dockerfile_directives(file, &ast, settings),
        applied: false,
    };
    finish(file, settings, &mut report, &mut findings);
    findings
}

/// Applies in-source suppressions, runs the rules about suppressions, and applies
/// per-file ignores.
pub fn finish(
    file: &SourceFile,
    settings: &Settings,
    report: &mut SuppressionReport,
    findings: &mut Vec<Finding>,
) {
    if !settings.ignore_suppressions {
        suppress::apply(report, findings);
        let before = findings.len();
        for (i, rule) in rules::ALL.iter().enumerate() {
            if !settings.is_enabled(i) {
                continue;
            }
            let start = findings.len();
            let mut cx = Ctx::new(file, settings, rule.meta(), findings);
            rule.check_suppressions(report, &mut cx);
            override_severity(settings, i, &mut findings[start..]);
        }
        // Directives may name the suppression rules themselves.
        let mut again = report.clone();
        suppress::apply(&mut again, &mut findings[before..]);
    }
    for finding in findings.iter_mut() {
        if finding.suppressed.is_some() {
            continue;
        }
        let Some(index) = rules::index_of(finding.rule) else {
            continue;
        };
        if let Some(ignore) = settings
            .per_file_ignores
            .iter()
            .find(|p| p.matches(&finding.location.path, index))
        {
            finding.suppressed = Some(Suppression::Config {
                reason: format!("per-file-ignores `{}`", ignore.glob),
            });
        }
    }
}

fn override_severity(settings: &Settings, rule: usize, findings: &mut [Finding]) {
    if let Some(sev) = settings.severity_override(rule) {
        for f in findings {
            f.severity = sev;
        }
    }
}

/// Suppression directives in a Dockerfile's comments, each bound to the instruction it
/// covers.
fn dockerfile_directives(
    file: &SourceFile,
    ast: &Ast,
    settings: &Settings,
) -> Vec<suppress::Directive> {
    let mut out = Vec::new();
    let starts: Vec<u32> = ast.instructions.iter().map(|i| i.span.start).collect();
    for comment in &ast.comments {
        if !comment.text.contains(':') && !comment.text.contains('=') {
            continue;
        }
        let at = comment.span.start;
        let next = if comment.inside_instruction {
            // The instruction whose continuation holds the comment.
            let i = starts.partition_point(|&s| s <= at);
            i.checked_sub(1).map(|i| ast.instructions[i].span)
        } else {
            let i = starts.partition_point(|&s| s <= at);
            ast.instructions.get(i).map(|inst| inst.span)
        };
        let cref = CommentRef {
            text: &comment.text,
            span: comment.span,
            source: file.slice(comment.span),
        };
        if let Some(d) = suppress::parse_directive(&cref, next, settings.foreign_suppressions) {
            out.push(d);
        }
    }
    out
}

/// The result of checking a set of files.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Sorted by path, position and code; fingerprints assigned.
    pub findings: Vec<Finding>,
}

/// Checks every file in parallel; the output order does not depend on the thread count.
pub fn check(files: &[SourceFile], settings: &Settings) -> Outcome {
    check_with_contexts(files, settings, &[])
}

/// Checks every file in parallel, each Dockerfile with its build context: `contexts[i]` is
/// the context of `files[i]` (missing entries mean "unknown").
pub fn check_with_contexts(
    files: &[SourceFile],
    settings: &Settings,
    contexts: &[Option<&BuildContext>],
) -> Outcome {
    let mut findings: Vec<Finding> = files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, file)| match file.kind {
            FileKind::Dockerfile => check_dockerfile_in(
                file,
                settings,
                &settings.build,
                contexts.get(i).copied().flatten(),
            ),
            FileKind::Compose => crate::compose_check::check_compose_file(file, settings),
            _ => Vec::new(),
        })
        .collect();
    sort_findings(&mut findings);
    assign_fingerprints(&mut findings, files);
    Outcome { findings }
}

/// Deterministic order: path, start, end, code, message (a stable sort).
///
/// Findings are large, so the order is computed on indices and then applied in place:
/// no second buffer of findings is needed, however many there are.
pub fn sort_findings(findings: &mut [Finding]) {
    let Ok(n) = u32::try_from(findings.len()) else {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        return;
    };
    let mut order: Vec<u32> = (0..n).collect();
    order.sort_by(|&a, &b| {
        findings[a as usize]
            .sort_key()
            .cmp(&findings[b as usize].sort_key())
    });
    // Position i receives the finding at order[i]: follow each cycle of the permutation,
    // marking positions done by pointing them at themselves.
    for start in 0..findings.len() {
        let mut i = start;
        loop {
            let j = order[i] as usize;
            order[i] = to_u32(i);
            if j == start || j == i {
                break;
            }
            findings.swap(i, j);
            i = j;
        }
    }
}

/// The span of the first non-blank character of the line holding `offset` up to the end of
/// that line (used for findings about a whole line).
pub fn line_span(file: &SourceFile, offset: u32) -> Span {
    let index = file.line_index();
    let line = index.line_of(offset);
    let start = index.line_start(line);
    let text = index.line_text(&file.text, line);
    let lead = text.len() - text.trim_start().len();
    Span::with_len(start as usize + lead, text.trim().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use proptest::prelude::*;

    proptest! {
        /// Sorting through indices gives the order of a stable sort of the findings
        /// themselves, ties (equal keys, different severities) included.
        #[test]
        fn sort_equals_stable_sort(items in prop::collection::vec((0..3usize, 0..4u32, 0..3usize, 0..5u8), 0..60)) {
            let files: Vec<SourceFile> = ["a", "b", "c"]
                .iter()
                .enumerate()
                .map(|(i, p)| SourceFile::new(FileId(i as u32), *p, FileKind::Dockerfile, "FROM x\nRUN y\n"))
                .collect();
            let findings: Vec<Finding> = items
                .iter()
                .enumerate()
                .map(|(n, &(file, start, rule, sev))| {
                    let mut f = Finding::new(
                        rules::ALL[rule].meta(),
                        &files[file],
                        Span::new(start, start + 1),
                        "m",
                    );
                    f.severity = crate::finding::Severity::ALL[usize::from(sev)];
                    f.fingerprint = n.to_string();
                    f
                })
                .collect();
            let mut expected = findings.clone();
            expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let mut got = findings;
            sort_findings(&mut got);
            let ids = |v: &[Finding]| v.iter().map(|f| f.fingerprint.clone()).collect::<Vec<_>>();
            prop_assert_eq!(ids(&got), ids(&expected));
        }
    }
}
