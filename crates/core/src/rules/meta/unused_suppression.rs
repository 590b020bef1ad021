use crate::prelude::*;
use crate::suppress::{Origin, SuppressionReport};

declare_rule! {
    /// ## What it does
    /// Reports a `# seaworthy: ignore[...]` or `ignore-file[...]` directive, or one code in
    /// it, that suppressed no finding, including codes of rules that are not enabled (the
    /// directive then has no effect at all).
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it was written for: once the Dockerfile is fixed,
    /// a stale directive silently hides the next real finding of that rule at that place.
    /// Removing unused directives keeps every remaining one meaningful.
    ///
    /// Directives of other tools (`# hadolint ignore=`, `# checkov:skip=`) are not reported:
    /// they may target those tools' own checks.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # seaworthy: ignore[SW202] nothing here runs sudo
    /// RUN apk add --no-cache curl
    /// USER 10001
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// USER 10001
    /// ```
    ///
    /// ## References
    /// - Similar: ruff RUF100 (unused noqa)
    pub struct UnusedSuppression {
        code: "SW002",
        name: "unused-suppression",
        steps: [CiScanning],
        severity: Info,
        fix: Always,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: [],
        summary: "Suppression directive matches no finding",
    }
}

impl Rule for UnusedSuppression {
    fn check_suppressions(&self, report: &SuppressionReport, cx: &mut Ctx<'_>) {
        for (d, codes) in crate::suppress::honoured(&report.directives) {
            if d.origin != Origin::Seaworthy {
                continue;
            }
            let all_unused = d.codes.iter().all(|c| !c.used);
            for code in codes {
                let Some(rule) = code.rules.first() else {
                    continue; // unknown codes are SW003's
                };
                if code.used {
                    continue;
                }
                let enabled = cx.settings().is_code_enabled(rule.code);
                let (span, what) = if all_unused && d.codes.len() == 1 {
                    (d.span, "the whole directive")
                } else {
                    (code.span, "this code")
                };
                let edit_span = span;
                let message = if enabled {
                    format!("Suppression of `{}` matches no finding here", code.text)
                } else {
                    format!("Suppression of `{}` has no effect: the rule is not enabled", code.text)
                };
                let finding = cx.report(code.span, message);
                finding.help(format!("Remove {what}"));
                finding.fix(crate::finding::Fix {
                    description: format!("Remove {what}"),
                    edits: vec![crate::finding::Edit {
                        span: edit_span,
                        replacement: String::new(),
                    }],
                    applicability: crate::finding::Applicability::Unsafe,
                });
            }
        }
    }
}
