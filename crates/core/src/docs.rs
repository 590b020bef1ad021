//! Rule documentation rendered from rule metadata: one Markdown page per rule and an index
//! grouped by checklist step (`docs/rules/`). A test keeps the committed pages up to date.

use std::fmt::Write as _;

use crate::rule::{RuleMeta, RuleSet, Step};
use crate::rules;

/// File name of a rule's page: `SW101-image-tag-mutable.md`.
pub fn page_name(meta: &RuleMeta) -> String {
    format!("{}-{}.md", meta.code, meta.name)
}

/// Peer tools, as named in `equivalents`, and how to print them.
const TOOLS: [(&str, &str); 7] = [
    ("hadolint", "hadolint"),
    ("trivy", "Trivy"),
    ("checkov", "Checkov"),
    ("kics", "KICS"),
    ("dockle", "dockle"),
    ("buildkit", "BuildKit checks"),
    ("ksv", "Trivy (Kubernetes)"),
];

/// The page of one rule.
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({})\n", meta.name, meta.code);
    let _ = writeln!(out, "{}\n", meta.summary);
    let _ = writeln!(out, "| | |\n|---|---|");
    let steps: Vec<String> = meta
        .steps
        .iter()
        .map(|s| format!("{}. {}", s.number(), s.title()))
        .collect();
    let _ = writeln!(out, "| Checklist step | {} |", steps.join("; "));
    let _ = writeln!(out, "| Default severity | {} |", meta.severity);
    let enabled = if meta.set == RuleSet::Default {
        "yes".to_owned()
    } else {
        format!("no (`--extend-select {}`)", meta.code)
    };
    let _ = writeln!(out, "| Enabled by default | {enabled} |");
    if !meta.aliases.is_empty() {
        let aliases: Vec<String> = meta.aliases.iter().map(|a| format!("`{a}`")).collect();
        let _ = writeln!(out, "| Also accepted as | {} |", aliases.join(", "));
    }
    let _ = writeln!(
        out,
        "| Fix | {} |",
        match meta.fix {
            crate::rule::FixAvailability::Never => "none",
            crate::rule::FixAvailability::Sometimes => "sometimes",
            crate::rule::FixAvailability::Always => "always",
        }
    );
    if !meta.cwe.is_empty() {
        let cwes: Vec<String> = meta
            .cwe
            .iter()
            .map(|c| format!("[CWE-{c}](https://cwe.mitre.org/data/definitions/{c}.html)"))
            .collect();
        let _ = writeln!(out, "| Weakness | {} |", cwes.join(", "));
    }
    let mut equivalents = Vec::new();
    for (tool, label) in TOOLS {
        let ids: Vec<&str> = meta.equivalents_of(tool).collect();
        if !ids.is_empty() {
            equivalents.push(format!("{label}: {}", ids.join(", ")));
        }
    }
    if !equivalents.is_empty() {
        let _ = writeln!(out, "| Equivalents | {} |", equivalents.join("; "));
    }
    out.push('\n');
    let docs = meta.docs_markdown();
    // Rustdoc's `ignore` attribute on fences is an implementation detail.
    out.push_str(
        &docs
            .replace("```dockerfile,ignore", "```dockerfile")
            .replace("```yaml,ignore", "```yaml"),
    );
    let file = meta.source.rsplit_once(':').map_or(meta.source, |(f, _)| f);
    let _ = writeln!(out, "\n[View source](../../{file})");
    out
}

/// The index of all rules, grouped by checklist step (a rule appears under its first step).
pub fn index_page() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Rules\n");
    let _ = writeln!(
        out,
        "Every rule serves a step of the container-security checklist. Rules marked *ext* are \
         off by default; enable them with `--extend-select` or `extend-select` in \
         `.seaworthy.toml`. This page is generated from the rules' metadata \
         (`UPDATE_DOCS=1 cargo test -p seaworthy-core --test docs`).\n"
    );
    for step in Step::ALL {
        let in_step: Vec<&RuleMeta> = rules::ALL
            .iter()
            .map(|r| r.meta())
            .filter(|m| m.steps.first() == Some(&step))
            .collect();
        let also: Vec<&RuleMeta> = rules::ALL
            .iter()
            .map(|r| r.meta())
            .filter(|m| m.steps.iter().skip(1).any(|s| *s == step))
            .collect();
        let _ = writeln!(out, "## {}. {}\n", step.number(), step.title());
        if in_step.is_empty() && also.is_empty() {
            let _ = writeln!(out, "No rule yet.\n");
            continue;
        }
        let _ = writeln!(
            out,
            "| Code | Name | Severity | Summary |\n|---|---|---|---|"
        );
        for m in in_step {
            let ext = if m.set == RuleSet::Extended {
                " *ext*"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| [{}]({}) | {}{ext} | {} | {} |",
                m.code,
                page_name(m),
                m.name,
                m.severity,
                m.summary
            );
        }
        if !also.is_empty() {
            let names: Vec<String> = also
                .iter()
                .map(|m| format!("[{}]({})", m.code, page_name(m)))
                .collect();
            let _ = writeln!(out, "\nAlso serving this step: {}.", names.join(", "));
        }
        out.push('\n');
    }
    out
}
