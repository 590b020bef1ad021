use crate::prelude::*;
use crate::suppress::{Origin, SuppressionReport};

declare_rule! {
    /// ## What it does
    /// Reports a `# seaworthy: ignore[...]` directive that names a rule seaworthy does not
    /// know, or that gives no reason when the configuration sets
    /// `require-suppression-reason = true`. A file's first 1,000 suppression codes are
    /// honoured; a finding marks where the rest begin.
    ///
    /// ## Why is this bad?
    /// A typo in a suppression (`SW2O1`) suppresses nothing, while its author believes the
    /// finding is handled. A suppression without a reason cannot be reviewed later.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # seaworthy: ignore[SW999] vendor base image
    /// USER 10001
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// ```
    ///
    /// ## Options
    /// - `require-suppression-reason`: also report directives without a reason.
    ///
    /// ## References
    /// - [seaworthy suppression syntax](https://github.com/seaworthy-dev/seaworthy#suppressing-findings)
    pub struct InvalidSuppression {
        code: "SW003",
        name: "invalid-suppression",
        steps: [CiScanning],
        severity: Low,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: [],
        summary: "Suppression directive names an unknown rule or lacks a reason",
    }
}

impl Rule for InvalidSuppression {
    fn check_suppressions(&self, report: &SuppressionReport, cx: &mut Ctx<'_>) {
        if let Some(code) = crate::suppress::first_unhonoured(&report.directives) {
            cx.report(
                code.span,
                format!(
                    "More than {} suppression codes in this file: from `{}` on they are not honoured",
                    crate::suppress::MAX_CODES,
                    code.text
                ),
            )
            .help("Suppress whole files with `ignore-file[…]` or `per-file-ignores`, or fix the findings");
        }
        for (d, codes) in crate::suppress::honoured(&report.directives) {
            if d.origin != Origin::Seaworthy {
                continue;
            }
            for code in codes {
                if code.rules.is_empty() {
                    cx.report(code.span, format!("`{}` is not a seaworthy rule code or name", code.text))
                        .help("Use a code such as SW201 or a name such as runs-as-root (see `seaworthy rules`)");
                }
            }
            if d.codes.is_empty() {
                cx.report(d.span, "Suppression directive names no rule")
                    .help("Name the rules to suppress: `# seaworthy: ignore[SW201] reason`");
            }
            if d.reason.is_none() && cx.settings().require_suppression_reason {
                cx.report(d.span, "Suppression directive gives no reason")
                    .help("Say why after the `]`: `# seaworthy: ignore[SW201] runs as root to bind port 80`");
            }
        }
    }
}
