//! In-source suppression directives.
//!
//! - `# seaworthy: ignore[SW201, secret-in-arg-or-env] reason` on the line above an
//!   instruction (or inside its line continuation) suppresses those rules for that
//!   instruction;
//! - `# seaworthy: ignore-file[SW106] reason` anywhere suppresses them for the whole file;
//! - hadolint's `# hadolint ignore=DL3006,DL3008` (next instruction) and
//!   `# hadolint global ignore=…` (file), and Checkov's `# checkov:skip=CKV_DOCKER_3:reason`
//!   (file) are honoured through each rule's equivalents, unless the configuration turns
//!   `foreign-suppressions` off.
//!
//! Suppressed findings are kept, marked, so reports can show them; directives that
//! suppress nothing or name unknown rules are reported by SW002 and SW003.
//!
//! A file's first [`MAX_CODES`] codes (in the order the directives are written) are
//! honoured; SW003 reports where the rest begin. Thousands of directives in one file are no
//! sign of care, and each code is compared with findings.

use std::collections::HashMap;

use crate::finding::{Finding, Suppression};
use crate::rule::{Meta, RuleMeta};
use crate::rules;
use crate::source::{Span, to_u32};

/// Who wrote the directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Seaworthy,
    Hadolint,
    Checkov,
}

/// What a directive covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The instruction (or compose line) that follows, whose span is given.
    Next(Option<Span>),
    File,
}

/// One code named in a directive.
#[derive(Clone, Debug)]
pub struct CodeRef {
    pub text: String,
    pub span: Span,
    /// Our rules it stands for (a foreign id may map to several, or none).
    pub rules: Vec<&'static RuleMeta>,
    /// Whether it suppressed at least one finding.
    pub used: bool,
}

/// A parsed directive.
#[derive(Clone, Debug)]
pub struct Directive {
    pub origin: Origin,
    pub scope: Scope,
    /// The whole comment.
    pub span: Span,
    pub codes: Vec<CodeRef>,
    pub reason: Option<String>,
}

/// The directives of one file after they were applied.
#[derive(Clone, Debug, Default)]
pub struct SuppressionReport {
    pub directives: Vec<Directive>,
    pub applied: bool,
}

/// A comment that may hold a directive: its text after `#` and the span of the whole
/// comment, starting at `#`.
pub struct CommentRef<'a> {
    pub text: &'a str,
    pub span: Span,
    /// The source text at `span` (to locate codes).
    pub source: &'a str,
}

/// Parses a directive from one comment. `next` is the span of the construct it would
/// cover when it applies to the next instruction or line.
pub fn parse_directive(
    comment: &CommentRef<'_>,
    next: Option<Span>,
    foreign: bool,
) -> Option<Directive> {
    let text = comment.text.trim();
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("seaworthy:") {
        let rest_trim = rest.trim_start();
        let (scope, after) = if let Some(a) = rest_trim.strip_prefix("ignore-file") {
            (Scope::File, a)
        } else if let Some(a) = rest_trim.strip_prefix("ignore") {
            (Scope::Next(next), a)
        } else {
            return None;
        };
        let after = after.trim_start();
        let inner_start = after.strip_prefix('[')?;
        let close = inner_start.find(']')?;
        // Offsets in the original (same length: ASCII lower-casing keeps byte offsets).
        let list_off = text.len() - inner_start.len();
        let list = &text[list_off..list_off + close];
        let reason_text = text[list_off + close + 1..].trim();
        let codes = split_codes(comment, text, list_off, list, |code| {
            settings_rule(code).into_iter().collect()
        });
        return Some(Directive {
            origin: Origin::Seaworthy,
            scope,
            span: comment.span,
            codes,
            reason: (!reason_text.is_empty()).then(|| reason_text.to_owned()),
        });
    }
    if !foreign {
        return None;
    }
    if let Some(rest) = lower.strip_prefix("hadolint") {
        let rest_t = rest.trim_start();
        let (scope, after) = if let Some(a) = rest_t.strip_prefix("global") {
            (Scope::File, a.trim_start())
        } else {
            (Scope::Next(next), rest_t)
        };
        let list = after
            .strip_prefix("ignore")?
            .trim_start()
            .strip_prefix('=')?;
        let list_off = text.len() - list.len();
        let list = list.split_whitespace().next().unwrap_or("");
        let codes = split_codes(
            comment,
            text,
            list_off,
            &text[list_off..list_off + list.len()],
            |code| foreign_rules("hadolint", code),
        );
        return Some(Directive {
            origin: Origin::Hadolint,
            scope,
            span: comment.span,
            codes,
            reason: None,
        });
    }
    if let Some(rest) = lower.strip_prefix("checkov:skip=") {
        let list_off = text.len() - rest.len();
        let raw = &text[list_off..];
        let (id, reason) = match raw.split_once(':') {
            Some((id, r)) => (id, Some(r.trim().to_owned())),
            None => (raw.split_whitespace().next().unwrap_or(""), None),
        };
        let codes = split_codes(comment, text, list_off, id, |code| {
            foreign_rules("checkov", code)
        });
        return Some(Directive {
            origin: Origin::Checkov,
            scope: Scope::File,
            span: comment.span,
            codes,
            reason: reason.filter(|r| !r.is_empty()),
        });
    }
    None
}

fn settings_rule(code: &str) -> Option<&'static RuleMeta> {
    crate::settings::rule_by_code_or_name(code).map(Meta::meta)
}

fn foreign_rules(tool: &str, id: &str) -> Vec<&'static RuleMeta> {
    rules::ALL
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.equivalents_of(tool).any(|e| e.eq_ignore_ascii_case(id)))
        .collect()
}

/// Splits a comma/space separated list of codes at `list_off` in `text`.
fn split_codes(
    comment: &CommentRef<'_>,
    text: &str,
    list_off: usize,
    list: &str,
    resolve: impl Fn(&str) -> Vec<&'static RuleMeta>,
) -> Vec<CodeRef> {
    // Where `text` starts inside the comment's source (after `#` and spaces).
    let base = comment.source.find(text).unwrap_or(1);
    let mut out = Vec::new();
    let mut offset = 0;
    for part in list.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let start = comment.span.start + to_u32(base + list_off + offset + lead);
            out.push(CodeRef {
                text: trimmed.to_owned(),
                span: Span::new(start, start + to_u32(trimmed.len())),
                rules: resolve(trimmed),
                used: false,
            });
        }
        offset += part.len() + 1;
    }
    out
}

/// Codes of suppression directives honoured in one file.
pub const MAX_CODES: usize = 1000;

/// The directives with the codes of each that are honoured: all of them, up to
/// [`MAX_CODES`] in the file.
pub fn honoured(directives: &[Directive]) -> impl Iterator<Item = (&Directive, &[CodeRef])> {
    let mut left = MAX_CODES;
    directives.iter().map_while(move |d| {
        if left == 0 && !d.codes.is_empty() {
            return None;
        }
        let n = d.codes.len().min(left);
        left -= n;
        Some((d, &d.codes[..n]))
    })
}

/// The first code that is not honoured, when the file has more than [`MAX_CODES`].
pub fn first_unhonoured(directives: &[Directive]) -> Option<&CodeRef> {
    directives.iter().flat_map(|d| &d.codes).nth(MAX_CODES)
}

/// Marks findings covered by a directive as suppressed (in registry order of directives:
/// the first matching one wins) and records which codes were used.
pub fn apply(report: &mut SuppressionReport, findings: &mut [Finding]) {
    // The honoured (directive, code) pairs naming each rule, in registry order: a finding
    // is compared only with the codes that could suppress it.
    let mut by_rule: HashMap<*const RuleMeta, Vec<(usize, usize)>> = HashMap::new();
    for (di, (_, codes)) in honoured(&report.directives).enumerate() {
        for (ci, code) in codes.iter().enumerate() {
            for rule in &code.rules {
                let list = by_rule.entry(std::ptr::from_ref(*rule)).or_default();
                if list.last() != Some(&(di, ci)) {
                    list.push((di, ci));
                }
            }
        }
    }
    for finding in findings.iter_mut() {
        if finding.suppressed.is_some() {
            continue;
        }
        let Some(candidates) = by_rule.get(&std::ptr::from_ref(finding.rule)) else {
            continue;
        };
        let at = finding.location.span.start;
        for &(di, ci) in candidates {
            let d = &mut report.directives[di];
            let covers = match d.scope {
                Scope::File => true,
                Scope::Next(Some(span)) => span.start <= at && at <= span.end,
                Scope::Next(None) => false,
            };
            if covers {
                d.codes[ci].used = true;
                finding.suppressed = Some(Suppression::InSource {
                    reason: d.reason.clone(),
                    span: d.span,
                });
                break;
            }
        }
    }
    report.applied = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(src: &str, foreign: bool) -> Option<Directive> {
        let text = src.trim_start_matches('#');
        parse_directive(
            &CommentRef {
                text,
                span: Span::new(100, 100 + to_u32(src.len())),
                source: src,
            },
            Some(Span::new(200, 210)),
            foreign,
        )
    }

    #[test]
    fn seaworthy_directives() {
        let d = directive(
            "# seaworthy: ignore[SW201, secret-in-arg-or-env] vendor image",
            false,
        )
        .unwrap();
        assert_eq!(d.origin, Origin::Seaworthy);
        assert_eq!(d.scope, Scope::Next(Some(Span::new(200, 210))));
        assert_eq!(d.codes.len(), 2);
        assert_eq!(d.codes[0].rules[0].code, "SW201");
        assert_eq!(d.codes[1].rules[0].code, "SW301");
        assert_eq!(d.reason.as_deref(), Some("vendor image"));
        // Code spans point into the comment.
        let src = "# seaworthy: ignore[SW201, secret-in-arg-or-env] vendor image";
        let s = d.codes[1].span;
        assert_eq!(
            &src[(s.start - 100) as usize..(s.end - 100) as usize],
            "secret-in-arg-or-env"
        );
        let d = directive("# Seaworthy: ignore-file[SW999]", false).unwrap();
        assert_eq!(d.scope, Scope::File);
        assert!(d.codes[0].rules.is_empty());
        assert!(d.reason.is_none());
        assert!(directive("# seaworthy ignore SW201", false).is_none());
        assert!(directive("# just a comment", false).is_none());
    }

    #[test]
    fn foreign_directives_map_through_equivalents() {
        let d = directive("# hadolint ignore=DL3002,DL3006", true).unwrap();
        assert_eq!(d.origin, Origin::Hadolint);
        let codes: Vec<_> = d
            .codes
            .iter()
            .flat_map(|c| c.rules.iter().map(|r| r.code))
            .collect();
        assert!(
            codes.contains(&"SW201") && codes.contains(&"SW101"),
            "{codes:?}"
        );
        let d = directive("# hadolint global ignore=DL3002", true).unwrap();
        assert_eq!(d.scope, Scope::File);
        let d = directive("# checkov:skip=CKV_DOCKER_3:runs as root on purpose", true).unwrap();
        assert_eq!(d.scope, Scope::File);
        assert_eq!(d.codes[0].rules[0].code, "SW201");
        assert_eq!(d.reason.as_deref(), Some("runs as root on purpose"));
        assert!(directive("# hadolint ignore=DL3002", false).is_none());
    }
}
