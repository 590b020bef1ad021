use crate::compose_check::parse_problem_severity;
use crate::prelude::*;
use crate::syntax::compose::{DiagnosticKind, Project};

declare_rule! {
    /// ## What it does
    /// Reports a file that cannot be parsed: a bad parser directive, an unterminated heredoc
    /// or JSON array, an instruction with the wrong number of arguments, an unknown
    /// instruction, invalid YAML. In a Dockerfile the finding points at the first problem; the
    /// parser recovers at the next instruction, so the rest of the file is still checked, and
    /// every other problem is listed as a related location.
    ///
    /// In a compose file each problem is its own finding at the element: invalid YAML, a value
    /// of the wrong type (a service that is not a mapping), a duplicate key, an invalid value,
    /// an invalid interpolation, an `extends` or `include` that cannot be resolved. The element
    /// is skipped and the rest of the project is still checked. A key the Compose
    /// Specification does not define is reported at *low* severity (docker compose refuses
    /// it, but a key newer than seaworthy must not fail a build), and a YAML 1.1 boolean such
    /// as `yes` at *info* (compose reads it as a boolean, with a warning).
    ///
    /// Input built to exhaust a checker is reported here too, at the place where a limit was
    /// reached: a YAML alias that would expand to too many nodes (a "billion laughs" file),
    /// nesting deeper than 128 levels, or Dockerfile variables that expand to more than 1 MiB
    /// in one value or 32 MiB in all (`ARG B=$A$A` repeated doubles a value per line). From
    /// there on the values concerned are treated as unknown; nothing is expanded further.
    ///
    /// ## Why is this bad?
    /// Docker refuses to build a file it cannot parse, and a check that cannot read part of a
    /// file cannot vouch for it. A parse error in a rarely built Dockerfile is also a sign
    /// that nobody builds it, so nobody patches it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    /// - [Compose file reference](https://docs.docker.com/reference/compose-file/)
    /// - Similar: hadolint DL1000
    pub struct ParseError {
        code: "SW001",
        name: "parse-error",
        steps: [CiScanning],
        severity: High,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: ["hadolint:DL1000"],
        summary: "File cannot be parsed",
    }
}

impl Rule for ParseError {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        if let Some(span) = df.analysis_limit {
            cx.report(
                span,
                "Variables expand to more text than seaworthy analyses (a value over 1 MiB, or over 32 MiB copied in all): from here on such values are unknown",
            )
            .help("Check the `ARG`/`ENV` values: a value built by repeating another grows without bound")
            .key("analysis-limit");
        }
        let Some((first, rest)) = df.ast.errors.split_first() else {
            return;
        };
        let message = if rest.is_empty() {
            first.message.clone()
        } else {
            let more = if rest.len() == 1 { "error" } else { "errors" };
            format!("{} (and {} more parse {more})", first.message, rest.len())
        };
        let file = cx.file();
        let finding = cx.report(first.span, message);
        finding.help("Fix the syntax; Docker will refuse to build this file");
        for e in rest {
            finding.related(Location::new(file, e.span), e.message.clone());
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for d in &project.diagnostics {
            // A file that could not be read at all is a run diagnostic, not a finding.
            let Some(file) = d.file else { continue };
            let written = cx
                .compose()
                .and_then(|env| env.source(file))
                .map(|src| src.slice(d.span).trim().to_owned())
                .unwrap_or_default();
            let message = match d.kind {
                DiagnosticKind::Load => {
                    let reason = d.message.rsplit(": ").next().unwrap_or(&d.message);
                    format!("Cannot read `{written}`: {reason}")
                }
                DiagnosticKind::IncludeCycle => {
                    format!("Including `{written}` loops back or is nested too deeply")
                }
                _ => {
                    let m = capitalise(&backticks(d.message.trim_end_matches('.')));
                    if d.path.is_empty() {
                        m
                    } else {
                        format!("{m} (at `{}`)", d.path)
                    }
                }
            };
            let help = match d.kind {
                DiagnosticKind::UnknownKey => {
                    "Fix the key's spelling or remove it: docker compose refuses keys the Compose Specification does not define"
                }
                DiagnosticKind::Yaml11Boolean => "Write `true` or `false`",
                DiagnosticKind::DuplicateKey => "Remove one of the two keys",
                _ => "Fix the file; docker compose refuses to load it",
            };
            cx.report_compose(file, d.span, message)
                .severity(parse_problem_severity(d.kind, d.severity))
                .help(help);
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A message that starts with a quoted value (`"yes" is read as …`) quotes it in backticks.
fn backticks(message: &str) -> String {
    if let Some(rest) = message.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return format!("`{}`{}", &rest[..i], &rest[i + 1..]),
                _ => escaped = false,
            }
        }
    }
    message.to_owned()
}
