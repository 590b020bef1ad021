//! seaworthy-report: output formats.
//!
//! The CLI builds one [`Report`] per run (the files it checked, the sorted findings with
//! fingerprints, the enabled rules and the files it could not read) and hands it to one
//! [`Emitter`] per requested output. Each format is one module with one struct implementing
//! [`Emitter`]; the severity mapping of a format lives in that module and nowhere else.
//!
//! | format | module | for |
//! |---|---|---|
//! | `human` | [`human`] | terminals: code frames, help, a summary line |
//! | `concise` | [`concise`] | one finding per line, for editors and grep |
//! | `json` | [`json`] | seaworthy's own versioned contract |
//! | `sarif` | [`sarif`] | GitHub code scanning and other SARIF 2.1.0 consumers |
//! | `junit` | [`junit`] | test report viewers (GitLab, Jenkins, …) |
//! | `github` | [`github`] | GitHub Actions workflow-command annotations |
//! | `gitlab` (`codequality`) | [`gitlab`] | GitLab Code Quality |
//! | `summary` | [`summary`] | Markdown for `$GITHUB_STEP_SUMMARY` |
//!
//! Every format is deterministic: the same report gives the same bytes, with no timestamps
//! unless the caller passes one ([`EmitOptions::junit_timestamp`]).

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use seaworthy_core::diagnostic::{Diagnostic, DiagnosticLevel};
use seaworthy_core::finding::{Finding, Location, Severity};
use seaworthy_core::rule::RuleMeta;
use seaworthy_core::source::SourceFile;

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod summary;

#[cfg(test)]
mod testing;

/// The code of the rule that reports files that cannot be parsed. `JUnit` shows its findings
/// as errors rather than failures.
pub const PARSE_ERROR_CODE: &str = "SW001";

/// Who produced the report, and where its rule documentation lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub information_uri: &'static str,
    /// Base URL of the rule pages, without a trailing `/`: the help URI of a rule is
    /// `{docs_base}/{code}-{name}.md`, for example
    /// `https://github.com/seaworthy-dev/seaworthy/blob/v0.1.0/docs/rules`.
    pub docs_base: String,
}

impl ToolInfo {
    /// seaworthy itself at `version`, with rule pages pinned to the release tag `v{version}`.
    pub fn seaworthy(version: &'static str) -> Self {
        const REPOSITORY: &str = "https://github.com/seaworthy-dev/seaworthy";
        Self {
            name: "seaworthy",
            version,
            information_uri: REPOSITORY,
            docs_base: format!("{REPOSITORY}/blob/v{version}/docs/rules"),
        }
    }

    /// The documentation page of `rule`.
    pub fn help_uri(&self, rule: &RuleMeta) -> String {
        format!(
            "{}/{}-{}.md",
            self.docs_base.trim_end_matches('/'),
            rule.code,
            rule.name
        )
    }
}

/// Everything one run produced, ready to be rendered by any [`Emitter`].
#[derive(Clone, Debug)]
pub struct Report<'a> {
    pub tool: ToolInfo,
    /// Every file that was read and checked, clean ones included; index = `FileId`.
    pub files: &'a [SourceFile],
    /// Sorted, with fingerprints assigned; includes suppressed findings.
    pub findings: &'a [Finding],
    /// The enabled rules, in registry order.
    pub rules: &'a [&'static RuleMeta],
    /// Files that were found but could not be checked.
    pub diagnostics: &'a [Diagnostic],
}

/// Counts shown in summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Unsuppressed findings, indexed like [`Severity::ALL`] (critical first).
    pub by_severity: [usize; 5],
    pub suppressed: usize,
    pub files_checked: usize,
    pub diagnostics: usize,
    /// Diagnostics of level error (files that should have been checked and were not).
    pub diagnostic_errors: usize,
}

impl Counts {
    /// Unsuppressed findings of `severity`.
    pub fn of(&self, severity: Severity) -> usize {
        self.by_severity[severity_index(severity)]
    }

    /// All unsuppressed findings.
    pub fn findings(&self) -> usize {
        self.by_severity.iter().sum()
    }
}

/// Position of `severity` in [`Severity::ALL`] (critical = 0).
pub(crate) fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

impl<'a> Report<'a> {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            files_checked: self.files.len(),
            diagnostics: self.diagnostics.len(),
            diagnostic_errors: self
                .diagnostics
                .iter()
                .filter(|d| d.level() == DiagnosticLevel::Error)
                .count(),
            ..Counts::default()
        };
        for finding in self.findings {
            if finding.is_suppressed() {
                counts.suppressed += 1;
            } else {
                counts.by_severity[severity_index(finding.severity)] += 1;
            }
        }
        counts
    }

    /// Findings that count: not suppressed.
    pub fn unsuppressed(&self) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    /// An index from path to checked file, for locations that name another file.
    pub fn sources(&self) -> Sources<'a> {
        let mut sources = Sources::new(self.files);
        for f in self.findings {
            if let Some(span) = f.secret {
                sources
                    .secrets
                    .entry(&*f.location.path)
                    .or_default()
                    .push(span);
            }
            // A secret in another file (a leaked file of the build context).
            for r in f.related.iter().filter(|r| r.secret) {
                sources
                    .secrets
                    .entry(&*r.location.path)
                    .or_default()
                    .push(r.location.span);
            }
        }
        sources
    }

    /// Unsuppressed findings, most severe first; the report's order is kept within a
    /// severity (a stable sort).
    pub fn by_severity(&self) -> Vec<&'a Finding> {
        let mut findings: Vec<&Finding> = self.unsuppressed().collect();
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        findings
    }
}

/// Looks up the text of the file a location points into.
#[derive(Clone, Debug)]
pub struct Sources<'a> {
    files: &'a [SourceFile],
    by_path: HashMap<&'a str, &'a SourceFile>,
    /// Secret spans per path, masked whenever a line of that file is printed.
    secrets: HashMap<&'a str, Vec<seaworthy_core::source::Span>>,
}

impl<'a> Sources<'a> {
    pub fn new(files: &'a [SourceFile]) -> Self {
        let mut by_path = HashMap::with_capacity(files.len());
        for file in files {
            by_path.entry(file.path.as_str()).or_insert(file);
        }
        Self {
            files,
            by_path,
            secrets: HashMap::new(),
        }
    }

    /// The 1-based `line` of `file` as it may be printed: every secret a finding marked in
    /// that file keeps at most its first four characters (half of them when it is shorter
    /// than eight, as the messages show it), the rest replaced by `*` (so columns stay
    /// aligned).
    pub fn line_text(&self, file: &SourceFile, line: u32) -> String {
        let text = file.line_text(line);
        let Some(spans) = self.secrets.get(file.path.as_str()) else {
            return text.to_owned();
        };
        let index = file.line_index();
        let start = index.line_start(line.saturating_sub(1) as usize) as usize;
        let first_char = if line == 1 && file.text.starts_with('\u{feff}') {
            start + 3
        } else {
            start
        };
        let end = first_char + text.len();
        // Per secret on this line: where its visible start ends, and where it ends.
        let hidden: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| (s.start as usize, s.end as usize))
            .filter(|&(s0, s1)| s0 < end && s1 > first_char)
            .filter_map(|(s0, s1)| {
                let secret = file.text.get(s0..s1)?;
                let visible = 4.min(secret.chars().count() / 2);
                let keep = secret
                    .char_indices()
                    .nth(visible)
                    .map_or(secret.len(), |(i, _)| i);
                Some((s0 + keep, s1))
            })
            .collect();
        if hidden.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            let at = first_char + i;
            let masked = hidden.iter().any(|&(from, to)| at >= from && at < to);
            out.push(if masked { '*' } else { c });
        }
        out
    }

    /// The file `location` points into, if it was read. `hint` (a finding's `FileId`) is
    /// tried first and used only when its path matches.
    pub fn get(&self, location: &Location, hint: Option<&Finding>) -> Option<&'a SourceFile> {
        hint.and_then(|f| self.files.get(f.file.0 as usize))
            .filter(|file| *file.path == *location.path)
            .or_else(|| self.by_path.get(&*location.path).copied())
    }
}

/// Sanity check on a region before it is printed: lines and columns are 1-based, so a zero
/// means the location is unusable and is treated as a whole-file location.
pub(crate) fn valid_region(
    location: &Location,
) -> Option<(
    seaworthy_core::source::LineCol,
    seaworthy_core::source::LineCol,
)> {
    let (start, end) = location.region?;
    if start.line == 0 || start.column == 0 || end.line == 0 || end.column == 0 {
        return None;
    }
    if (end.line, end.column) < (start.line, start.column) {
        return Some((start, start));
    }
    Some((start, end))
}

/// The rule family named by the hundreds digit of a code (`SW201` → `user`).
pub fn rule_family(code: &str) -> Option<&'static str> {
    let digits = code.strip_prefix("SW")?;
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match digits.as_bytes()[0] {
        b'0' => "meta",
        b'1' => "base-image",
        b'2' => "user",
        b'3' => "secrets",
        b'4' => "contents",
        b'5' => "supply-chain",
        b'6' => "runtime",
        b'7' => "pipeline",
        b'8' => "correctness",
        _ => return None,
    })
}

/// Replaces control characters so that `text` stays on one line and cannot drive a
/// terminal: newline → `\n`, CR → `\r`, tab → `\t`, others → `\u{…}`.
pub(crate) fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// Like [`one_line`], but keeps newlines (a multi-line message).
pub(crate) fn keep_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe_control(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' {
            out.push('\n');
        } else {
            push_escaped(&mut out, c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe_control(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// C0 and C1 control characters, DEL, and the bidirectional overrides that can make a
/// line read differently from what it is.
pub(crate) fn is_unsafe_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes JSON, keeping the kind of an underlying I/O error (a closed pipe stays
/// `BrokenPipe`, so the CLI can exit quietly).
pub(crate) fn write_json<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    })
}

/// The text of a SARIF-style message: a sentence ending in a full stop.
pub(crate) fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
    Summary,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
        Format::Summary,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Summary => "summary",
        }
    }

    /// The emitter for this format, configured by `opts`.
    pub fn emitter(self, opts: &EmitOptions) -> Box<dyn Emitter> {
        match self {
            Format::Human => Box::new(human::Human::new(opts)),
            Format::Concise => Box::new(concise::Concise),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif::new(opts)),
            Format::Junit => Box::new(junit::Junit::new(opts)),
            Format::Github => Box::new(github::Github),
            Format::Gitlab => Box::new(gitlab::Gitlab::new(opts)),
            Format::Summary => Box::new(summary::Summary::new()),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Accepts the names of [`Format::ALL`] (any case) and `codequality` for `gitlab`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "codequality" {
            return Ok(Format::Gitlab);
        }
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == lower)
            .ok_or_else(|| {
                format!(
                    "unknown format `{}` (expected one of: human, concise, json, sarif, junit, \
                     github, gitlab (or codequality), summary)",
                    one_line(s)
                )
            })
    }
}

/// Options that change how formats render. `Default` gives plain, deterministic output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmitOptions {
    /// ANSI colours in `human` output. The CLI decides (TTY, `NO_COLOR`, `--color`).
    pub color: bool,
    /// Include suppressed findings in SARIF, with `suppressions`. Off by default: GitHub
    /// code scanning shows suppressed results as closed alerts only on some versions.
    pub report_suppressed: bool,
    /// SARIF `automationDetails.id`: the category that keeps several analyses of one
    /// repository apart in GitHub code scanning. A trailing `/` is added when missing.
    pub sarif_category: Option<String>,
    /// `JUnit`: one passing test case per checked file and enabled rule without findings.
    pub junit_passed_rules: bool,
    /// `JUnit` `timestamp` of every test suite, `YYYY-MM-DDTHH:MM:SS` (see
    /// [`junit::timestamp_from_unix`]); the CLI derives it from `SOURCE_DATE_EPOCH`.
    pub junit_timestamp: Option<String>,
    /// GitLab: prefix for every path, when `CI_PROJECT_DIR` is not the scan root.
    pub project_dir_prefix: Option<String>,
    /// `human`: findings only, no closing summary line.
    pub quiet: bool,
}

/// Renders a report in one format.
pub trait Emitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// Parses a `--report` target: `FORMAT` (to standard output) or `FORMAT:PATH`. A path of
/// `-` also means standard output. Only the first `:` separates, so `sarif:C:\out\x.sarif`
/// keeps its drive letter; a bare `C:\x.sarif` is rejected with a hint.
pub fn parse_report_target(s: &str) -> Result<(Format, Option<PathBuf>), String> {
    if s.trim().is_empty() {
        return Err("empty report target (expected FORMAT or FORMAT:PATH)".to_owned());
    }
    let (name, path) = match s.split_once(':') {
        Some((name, path)) => (name, Some(path)),
        None => (s, None),
    };
    let format = name.parse::<Format>().map_err(|err| {
        if looks_like_path(s) {
            format!(
                "`{}` looks like a path without a format: write FORMAT:PATH, for example \
                 `sarif:{}`",
                one_line(s),
                one_line(s)
            )
        } else {
            err
        }
    })?;
    match path {
        None | Some("-") => Ok((format, None)),
        Some("") => Err(format!(
            "missing path after `{format}:` (write `{format}` alone for standard output)"
        )),
        Some(path) => Ok((format, Some(PathBuf::from(path)))),
    }
}

fn looks_like_path(s: &str) -> bool {
    let bytes = s.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/');
    // Format names have no separators or dots; paths usually do.
    let name = s.split_once(':').map_or(s, |(name, _)| name);
    drive || name.contains(['/', '\\', '.'])
}

/// Writes a file so that readers see the old content or the complete new content, never a
/// partial one: `f` writes to a temporary file in the same directory, which is flushed,
/// synced and renamed over `path`. On any error (or a panic in `f`) the temporary file is
/// removed and `path` is left as it was. Permissions of a replaced file are not kept.
pub fn write_atomically(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` does not name a file", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };

    let mut attempt = 0;
    let (tmp_path, file) = loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let tmp_path = dir.join(tmp_name);
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp_path)
        {
            Ok(file) => break (tmp_path, file),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    };
    let mut guard = TempFile {
        path: tmp_path,
        keep: false,
    };

    let mut writer = BufWriter::new(file);
    f(&mut writer)?;
    let file = writer
        .into_inner()
        .map_err(io::IntoInnerError::into_error)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&guard.path, path)?;
    guard.keep = true;
    // Make the rename itself durable where directories can be synced.
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Removes the temporary file unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::SampleReport;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            seaworthy_core::source::FileId(0),
            "Dockerfile",
            seaworthy_core::source::FileKind::Dockerfile,
            text,
        )
    }

    #[test]
    fn masked_lines_show_at_most_four_characters_and_half_of_short_secrets() {
        use seaworthy_core::source::Span;
        // Written in two pieces, so that the repository holds no token a scanner finds.
        let token = concat!("ghp_", "R8xZ2mN4pQ7vL1kT9wY3bC6dF0hJ5sA8eU2i");
        let text = format!("ENV A={token} B=hunter2\nRUN x\n");
        let text = text.as_str();
        let f = file(text);
        let mut sources = Sources::new(std::slice::from_ref(&f));
        let long = crate::testing::span_of(text, token);
        let short = crate::testing::span_of(text, "hunter2");
        sources
            .secrets
            .insert("Dockerfile", vec![long, short, Span::new(52, 59)]);
        let line = sources.line_text(&f, 1);
        assert_eq!(
            line,
            format!("ENV A=ghp_{} B=hun****", "*".repeat(36)),
            "columns are kept"
        );
        assert_eq!(
            line.chars().count(),
            text.lines().next().unwrap().chars().count()
        );
        // A span that starts on the line before masks what it covers of this one.
        assert_eq!(sources.line_text(&f, 2), "**N x");
    }

    #[test]
    fn masking_a_long_line_is_linear() {
        use seaworthy_core::source::Span;
        let mut text = String::from("RUN echo ");
        let secret_at = text.len();
        text.push_str(&"s".repeat(4_000_000));
        text.push('\n');
        let f = file(&text);
        let mut sources = Sources::new(std::slice::from_ref(&f));
        let spans = (0..50)
            .map(|i| {
                Span::new(
                    (secret_at + i * 1000) as u32,
                    (secret_at + i * 1000 + 500) as u32,
                )
            })
            .chain([Span::new(secret_at as u32, text.len() as u32 - 1)])
            .collect();
        sources.secrets.insert("Dockerfile", spans);
        let start = std::time::Instant::now();
        let line = sources.line_text(&f, 1);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(&line[..secret_at + 5], "RUN echo ssss*");
    }

    #[test]
    fn secrets_in_related_locations_are_masked_in_their_file() {
        let sample = SampleReport::new();
        let report = sample.report();
        let mut findings = report.findings.to_vec();
        let odd = &report.files[1];
        let at = crate::testing::span_of(
            &odd.text,
            concat!("ghp_", "0123456789abcdefABCDEF0123456789abcd"),
        );
        for f in &mut findings {
            f.secret = None;
        }
        findings[0].related_secret(seaworthy_core::finding::Location::new(odd, at), "token");
        let masked = Report {
            findings: &findings,
            ..report
        };
        let line = odd.line_col(at.start).line;
        let shown = masked.sources().line_text(odd, line);
        assert!(shown.contains("ghp_***"), "{shown}");
        assert!(!shown.contains("0123456789"), "{shown}");
    }

    #[test]
    fn formats_parse_by_name_and_alias() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
            assert_eq!(format.as_str().to_uppercase().parse::<Format>(), Ok(format));
            assert_eq!(format.to_string(), format.as_str());
        }
        assert_eq!("codequality".parse::<Format>(), Ok(Format::Gitlab));
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.contains("unknown format `xml`"), "{err}");
    }

    #[test]
    fn report_targets() {
        assert_eq!(parse_report_target("junit"), Ok((Format::Junit, None)));
        assert_eq!(parse_report_target("json:-"), Ok((Format::Json, None)));
        assert_eq!(
            parse_report_target("sarif:out/x.sarif"),
            Ok((Format::Sarif, Some(PathBuf::from("out/x.sarif"))))
        );
        assert_eq!(
            parse_report_target(r"sarif:C:\out\x.sarif"),
            Ok((Format::Sarif, Some(PathBuf::from(r"C:\out\x.sarif"))))
        );
        assert_eq!(
            parse_report_target("codequality:gl-code-quality.json"),
            Ok((Format::Gitlab, Some(PathBuf::from("gl-code-quality.json"))))
        );
        let err = parse_report_target(r"C:\x.sarif").unwrap_err();
        assert!(err.contains("FORMAT:PATH"), "{err}");
        let err = parse_report_target("out/x.sarif").unwrap_err();
        assert!(err.contains("FORMAT:PATH"), "{err}");
        let err = parse_report_target("sarif:").unwrap_err();
        assert!(err.contains("missing path"), "{err}");
        assert!(parse_report_target("").is_err());
        assert!(
            parse_report_target("html:x.html")
                .unwrap_err()
                .contains("unknown format")
        );
    }

    #[test]
    fn rule_families_follow_the_hundreds_digit() {
        assert_eq!(rule_family("SW001"), Some("meta"));
        assert_eq!(rule_family("SW101"), Some("base-image"));
        assert_eq!(rule_family("SW201"), Some("user"));
        assert_eq!(rule_family("SW310"), Some("secrets"));
        assert_eq!(rule_family("SW404"), Some("contents"));
        assert_eq!(rule_family("SW501"), Some("supply-chain"));
        assert_eq!(rule_family("SW616"), Some("runtime"));
        assert_eq!(rule_family("SW801"), Some("correctness"));
        assert_eq!(rule_family("SW901"), None);
        assert_eq!(rule_family("DL3006"), None);
        assert_eq!(rule_family("SW1"), None);
    }

    #[test]
    fn control_characters_are_escaped_for_one_line_output() {
        assert_eq!(one_line("a\nb\r\tc\u{1b}[31m"), "a\\nb\\r\\tc\\u{1b}[31m");
        assert_eq!(one_line("plain é"), "plain é");
        assert_eq!(keep_lines("a\nb\u{7}"), "a\nb\\u{7}");
        assert_eq!(one_line("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(sentence("`a` is bad"), "`a` is bad.");
        assert_eq!(sentence("Done!"), "Done!");
    }

    #[test]
    fn counts_of_the_sample() {
        let sample = SampleReport::new();
        let counts = sample.report().counts();
        assert_eq!(counts.by_severity, [2, 2, 1, 1, 1]);
        assert_eq!(counts.findings(), 7);
        assert_eq!(counts.of(Severity::High), 2);
        assert_eq!(counts.suppressed, 1);
        assert_eq!(counts.files_checked, 2);
        assert_eq!(counts.diagnostics, 1);
        assert_eq!(counts.diagnostic_errors, 1);
    }

    #[test]
    fn every_format_is_deterministic() {
        let opts = EmitOptions {
            color: true,
            report_suppressed: true,
            sarif_category: Some("seaworthy".to_owned()),
            junit_passed_rules: true,
            junit_timestamp: Some("2024-01-02T03:04:05".to_owned()),
            quiet: false,
            project_dir_prefix: Some("repo".to_owned()),
        };
        for opts in [EmitOptions::default(), opts] {
            for format in Format::ALL {
                // Two separately built reports: nothing may depend on addresses or hashing.
                let a = SampleReport::new();
                let b = SampleReport::new();
                let first = crate::testing::emit(format, &opts, &a.report());
                let second = crate::testing::emit(format, &opts, &b.report());
                assert!(!first.is_empty(), "{format} wrote nothing");
                assert_eq!(first, second, "{format} is not deterministic");
                let again = crate::testing::emit(format, &opts, &a.report());
                assert_eq!(first, again, "{format} differs on a second emit");
            }
        }
    }

    #[test]
    fn write_atomically_replaces_an_existing_file() {
        let dir = crate::testing::TempDir::new("replace");
        let target = dir.path().join("report.sarif");
        fs::write(&target, "old").unwrap();
        write_atomically(&target, |w| w.write_all(b"new content")).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new content");
        assert_eq!(dir.entries(), vec!["report.sarif".to_owned()]);
    }

    #[test]
    fn write_atomically_creates_a_new_file() {
        let dir = crate::testing::TempDir::new("create");
        let target = dir.path().join("junit.xml");
        write_atomically(&target, |w| {
            w.write_all(b"<a/>")?;
            w.write_all(b"\n")
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "<a/>\n");
        assert_eq!(dir.entries(), vec!["junit.xml".to_owned()]);
    }

    #[test]
    fn write_atomically_leaves_nothing_behind_on_error() {
        let dir = crate::testing::TempDir::new("error");
        let target = dir.path().join("out.json");
        let err = write_atomically(&target, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("emitter failed"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "emitter failed");
        assert!(!target.exists());
        assert_eq!(dir.entries(), Vec::<String>::new());

        // An existing file is left as it was.
        fs::write(&target, "previous").unwrap();
        let _ = write_atomically(&target, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("emitter failed"))
        });
        assert_eq!(fs::read_to_string(&target).unwrap(), "previous");
        assert_eq!(dir.entries(), vec!["out.json".to_owned()]);
    }

    #[test]
    fn write_atomically_cleans_up_after_a_panic() {
        let dir = crate::testing::TempDir::new("panic");
        let target = dir.path().join("out.json");
        let result = std::panic::catch_unwind(|| {
            let _ = write_atomically(&target, |w| {
                w.write_all(b"partial")?;
                panic!("emitter panicked");
            });
        });
        assert!(result.is_err());
        assert_eq!(dir.entries(), Vec::<String>::new());
    }

    #[test]
    fn write_atomically_reports_a_missing_directory() {
        let dir = crate::testing::TempDir::new("missing");
        let target = dir.path().join("no/such/dir/out.json");
        let err = write_atomically(&target, |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(write_atomically(Path::new("/"), |w| w.write_all(b"x")).is_err());
    }
}
