//! Findings: what a rule reports, where, and how it can be fixed or suppressed.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rule::RuleMeta;
use crate::source::{FileId, LineCol, SourceFile, Span};

/// How serious a finding is. The order drives `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// A resolved position in a file, ready to print.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Path relative to the scan root, `/`-separated (shared by every location in the file).
    pub path: Arc<str>,
    pub span: Span,
    /// `None` when the location is a whole file (no region).
    pub region: Option<(LineCol, LineCol)>,
}

impl Location {
    pub fn new(file: &SourceFile, span: Span) -> Self {
        Self {
            path: file.shared_path(),
            span,
            region: Some(file.range(span)),
        }
    }

    /// A location that names a file but no position in it.
    pub fn whole_file(path: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            span: Span::default(),
            region: None,
        }
    }

    pub fn start(&self) -> LineCol {
        self.region
            .map_or(LineCol { line: 1, column: 1 }, |(s, _)| s)
    }

    pub fn end(&self) -> LineCol {
        self.region
            .map_or(LineCol { line: 1, column: 1 }, |(_, e)| e)
    }
}

/// A secondary location, possibly in another file (the `.dockerignore`, a compose service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub label: String,
    /// The location holds a secret: outputs that print source lines mask it there, as for
    /// [`Finding::secret`].
    pub secret: bool,
}

/// One replacement in the finding's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    /// Empty replacement deletes the span.
    pub replacement: String,
}

/// How safe it is to apply a fix without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps the meaning of the build; can be applied automatically.
    Safe,
    /// Changes behaviour; apply only after review.
    Unsafe,
    /// Shown as advice; never applied.
    DisplayOnly,
}

/// A suggested edit for a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    /// Edits in the finding's file, sorted by position and not overlapping.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// Why a finding is not counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suppression {
    /// A `# seaworthy: ignore[...]` (or hadolint/checkov) directive in the file.
    InSource {
        reason: Option<String>,
        /// The directive's location.
        span: Span,
    },
    /// `ignore` / `per-file-ignores` in the configuration.
    Config { reason: String },
}

impl Suppression {
    pub fn justification(&self) -> Option<&str> {
        match self {
            Suppression::InSource { reason, .. } => reason.as_deref(),
            Suppression::Config { reason } => Some(reason),
        }
    }
}

/// One problem found by one rule at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// Effective severity: the rule's default, the rule's own choice, or the config override.
    pub severity: Severity,
    pub file: FileId,
    pub location: Location,
    /// What is wrong here, quoting the offending token in backticks.
    pub message: String,
    /// One imperative line saying what to do (most are fixed texts, which are not copied).
    pub help: Option<Cow<'static, str>>,
    /// Boxed: few findings have one.
    pub fix: Option<Box<Fix>>,
    pub related: Vec<Related>,
    /// Fingerprint anchor; by default the source text at the span, whitespace collapsed.
    /// [`assign_fingerprints`] consumes it.
    pub key: Option<String>,
    /// Stable identity (32 hex digits), assigned by the engine.
    pub fingerprint: String,
    pub suppressed: Option<Suppression>,
    /// A span of the finding's file holding a secret: outputs that print source lines mask
    /// it (at most its first four characters stay visible).
    pub secret: Option<Span>,
}

impl Finding {
    pub fn new(
        rule: &'static RuleMeta,
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: rule.severity,
            file: file.id,
            location: Location::new(file, span),
            message: message.into(),
            help: None,
            fix: None,
            related: Vec::new(),
            key: None,
            fingerprint: String::new(),
            suppressed: None,
            secret: None,
        }
    }

    /// A finding about a file as a whole (no line).
    pub fn whole_file(
        rule: &'static RuleMeta,
        file: FileId,
        path: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: rule.severity,
            file,
            location: Location::whole_file(path),
            message: message.into(),
            help: None,
            fix: None,
            related: Vec::new(),
            key: None,
            fingerprint: String::new(),
            suppressed: None,
            secret: None,
        }
    }

    pub fn span(&self) -> Span {
        self.location.span
    }

    pub fn help(&mut self, help: impl Into<Cow<'static, str>>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(Box::new(fix));
        self
    }

    pub fn related(&mut self, location: Location, label: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            location,
            label: label.into(),
            secret: false,
        });
        self
    }

    /// A related location that holds a secret (in the finding's file or another one).
    pub fn related_secret(&mut self, location: Location, label: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            location,
            label: label.into(),
            secret: true,
        });
        self
    }

    pub fn key(&mut self, key: impl Into<String>) -> &mut Self {
        self.key = Some(key.into());
        self
    }

    /// Marks `span` (in the finding's file) as a secret that no output may print in full.
    pub fn secret(&mut self, span: Span) -> &mut Self {
        self.secret = Some(span);
        self
    }

    /// Overrides the rule's default severity for this occurrence (for rules whose severity
    /// depends on where the problem is, such as builder stages). Config overrides still win.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }

    /// Sort key: path, position, code, message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.location.path,
            self.location.span.start,
            self.location.span.end,
            self.rule.code,
            &self.message,
        )
    }
}

/// Collapses runs of whitespace to one space and trims.
pub fn normalise_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `hex(sha256(code \0 path \0 key \0 nth))`, first 16 bytes: independent of line numbers and
/// of the Rust toolchain.
pub fn fingerprint(code: &str, path: &str, key: &str, nth: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hasher = Sha256::new();
    hasher.update(code.as_bytes());
    hasher.update([0]);
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    hasher.update([0]);
    hasher.update(nth.to_string().as_bytes());
    let digest = hasher.finalize();
    let mut out = String::with_capacity(32);
    for byte in &digest[..16] {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// Assigns fingerprints to findings (which must be sorted already, so that the findings of
/// one path are together), counting occurrences of the same `(code, path, key)`.
pub fn assign_fingerprints(findings: &mut [Finding], sources: &[SourceFile]) {
    use std::collections::hash_map::{Entry, HashMap};
    // Occurrences so far of each (code, key) in the current path.
    let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut path: Option<Arc<str>> = None;
    for finding in findings.iter_mut() {
        if path.as_deref() != Some(&*finding.location.path) {
            seen.clear();
            path = Some(Arc::clone(&finding.location.path));
        }
        // The key has served its purpose once the fingerprint is made: dropping it keeps a
        // run's memory down (a run may hold millions of findings).
        let key = match finding.key.take() {
            Some(key) => key,
            None => sources
                .get(finding.file.0 as usize)
                .map(|f| normalise_whitespace(f.slice(finding.location.span)))
                .unwrap_or_default(),
        };
        let code = finding.rule.code;
        let path = &finding.location.path;
        finding.fingerprint = match seen.entry((code, key)) {
            Entry::Occupied(mut e) => {
                let nth = *e.get();
                *e.get_mut() += 1;
                fingerprint(code, path, &e.key().1, nth)
            }
            Entry::Vacant(e) => {
                let fp = fingerprint(code, path, &e.key().1, 0);
                e.insert(1);
                fp
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_specified() {
        // Changing this value breaks every user's code-scanning history: it must not change.
        assert_eq!(
            fingerprint("SW101", "Dockerfile", "node", 0),
            fingerprint("SW101", "Dockerfile", "node", 0)
        );
        assert_ne!(
            fingerprint("SW101", "Dockerfile", "node", 0),
            fingerprint("SW101", "Dockerfile", "node", 1)
        );
        assert_eq!(fingerprint("SW101", "Dockerfile", "node", 0).len(), 32);
    }

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Info < Severity::Low);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn whitespace_is_collapsed() {
        assert_eq!(normalise_whitespace("  a \t b\n c "), "a b c");
    }
}
