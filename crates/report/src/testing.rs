//! The one sample report that every format's snapshot is built from, and the utilities of
//! the tests.
//!
//! The sample holds two checked files (one in a subdirectory, whose name contains `%`, `,`,
//! `:` and a newline), a multi-line span, a line with tabs and non-ASCII characters, a
//! suppressed finding, a finding with a fix, a related location in another file, a finding
//! about a whole file, a parse error, a file that could not be read, and a message
//! containing `%`, `,`, `:` and a newline. One enabled rule (SW605) has no findings.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use seaworthy_core::declare_rule;
use seaworthy_core::diagnostic::{Diagnostic, DiagnosticKind};
use seaworthy_core::finding::{
    Applicability, Edit, Finding, Fix, Location, Suppression, assign_fingerprints,
};
use seaworthy_core::rule::{Meta, RuleMeta};
use seaworthy_core::source::{FileId, FileKind, SourceFile, Span};

use crate::{EmitOptions, Format, Report, ToolInfo};

declare_rule! {
    /// ## What it does
    /// Reports a file that cannot be parsed, at the first position the parser rejects.
    ///
    /// ## Why is this bad?
    /// A file that seaworthy cannot parse is a file that the builder rejects or reads
    /// differently from what its author meant, and the rules cannot check the parts that
    /// did not parse.
    ///
    /// Other files are always checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
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

declare_rule! {
    /// ## What it does
    /// Checks that every base image is pinned to a version tag or a digest.
    ///
    /// ## Why is this bad?
    /// An image without a tag, or with `latest`, changes under you: two builds of the same
    /// Dockerfile can ship different software.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// ```
    ///
    /// ## References
    /// - [Image references](https://docs.docker.com/reference/cli/docker/image/tag/)
    pub struct ImageTagMutable {
        code: "SW101",
        name: "image-tag-mutable",
        steps: [PinnedVersions],
        severity: Medium,
        fix: Sometimes,
        set: Default,
        precision: High,
        cwe: [1357],
        equivalents: ["hadolint:DL3006", "hadolint:DL3007"],
        summary: "Base image is not pinned to a tag or digest",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that the final stage switches to a non-root user.
    ///
    /// ## Why is this bad?
    /// A process that runs as root inside the container is root on the host as soon as it
    /// escapes the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER root
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// ```
    ///
    /// ## References
    /// - [USER](https://docs.docker.com/reference/dockerfile/#user)
    pub struct RunsAsRoot {
        code: "SW201",
        name: "runs-as-root",
        steps: [NonRoot],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: ["hadolint:DL3002", "checkov:CKV_DOCKER_8"],
        summary: "Container runs as root",
    }
}

declare_rule! {
    /// ## What it does
    /// Finds literal credentials in build files.
    ///
    /// ## Why is this bad?
    /// Anything written in a Dockerfile ends up in the image history, where everyone who
    /// can pull the image can read it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV API_TOKEN=ghp_0123456789abcdefABCDEF0123456789abcd
    /// ```
    ///
    /// ## References
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    pub struct SecretLiteral {
        code: "SW302",
        name: "secret-literal",
        steps: [Secrets],
        severity: Critical,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [798, 312],
        equivalents: [],
        summary: "Literal credential in a build file",
    }
}

declare_rule! {
    /// ## What it does
    /// Finds sensitive files in the build context that no ignore file excludes.
    ///
    /// ## Why is this bad?
    /// The whole build context is sent to the builder, and a broad `COPY` puts a key or an
    /// `.env` file into an image layer.
    ///
    /// ## Example
    /// ```dockerfile,ignore
    /// COPY . /app
    /// ```
    ///
    /// ## References
    /// - [.dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    pub struct SecretFileInContext {
        code: "SW304",
        name: "secret-file-in-context",
        steps: [Dockerignore, Secrets],
        severity: Critical,
        fix: Never,
        set: Default,
        precision: Medium,
        cwe: [538],
        equivalents: [],
        summary: "Sensitive file in the build context",
    }
}

declare_rule! {
    /// ## What it does
    /// Checks that package manager caches are removed in the layer that created them.
    ///
    /// ## Why is this bad?
    /// Package lists and caches make the image larger and slower to pull, and they never
    /// serve the running application.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - [Best practices](https://docs.docker.com/build/building/best-practices/)
    pub struct PackageCacheKept {
        code: "SW404",
        name: "package-cache-kept",
        steps: [MultiStage],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: ["hadolint:DL3009"],
        summary: "Package manager cache is kept in the image",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports compose services without a memory limit.
    ///
    /// ## Why is this bad?
    /// A container without a memory limit can starve its host and every other container.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## References
    /// - [Compose deploy](https://docs.docker.com/reference/compose-file/deploy/)
    pub struct MemoryLimitMissing {
        code: "SW605",
        name: "memory-limit-missing",
        steps: [ResourceLimits],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [770],
        equivalents: [],
        summary: "Service has no memory limit",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports the deprecated `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` is deprecated; a label is what image tooling reads.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER someone@example.com
    /// ```
    ///
    /// ## References
    /// - [MAINTAINER](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
    pub struct MaintainerDeprecated {
        code: "SW806",
        name: "maintainer-deprecated",
        steps: [OfficialMinimalBase],
        severity: Info,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: ["hadolint:DL4000"],
        summary: "Deprecated MAINTAINER instruction",
    }
}

pub(crate) fn parse_error() -> &'static RuleMeta {
    ParseError.meta()
}
pub(crate) fn image_tag_mutable() -> &'static RuleMeta {
    ImageTagMutable.meta()
}
pub(crate) fn runs_as_root() -> &'static RuleMeta {
    RunsAsRoot.meta()
}
pub(crate) fn secret_literal() -> &'static RuleMeta {
    SecretLiteral.meta()
}
pub(crate) fn secret_file_in_context() -> &'static RuleMeta {
    SecretFileInContext.meta()
}
pub(crate) fn package_cache_kept() -> &'static RuleMeta {
    PackageCacheKept.meta()
}
pub(crate) fn memory_limit_missing() -> &'static RuleMeta {
    MemoryLimitMissing.meta()
}
pub(crate) fn maintainer_deprecated() -> &'static RuleMeta {
    MaintainerDeprecated.meta()
}

/// The enabled rules of the sample, in registry order.
pub(crate) fn sample_rules() -> Vec<&'static RuleMeta> {
    vec![
        parse_error(),
        image_tag_mutable(),
        runs_as_root(),
        secret_literal(),
        secret_file_in_context(),
        package_cache_kept(),
        memory_limit_missing(),
        maintainer_deprecated(),
    ]
}

pub(crate) const DOCKERFILE: &str = "FROM node AS build
# seaworthy: ignore[SW101] pinned by digest in the prod overlay
FROM python:latest
RUN apt-get update && \\
    apt-get install -y curl
MAINTAINER\tZoë Ünïcødé <zoë@例え.jp>
COPY . /app
USER root
";

/// A subdirectory, and a file name with `%`, `,`, `:` and a newline.
pub(crate) const ODD_PATH: &str = "svc/we%ird,na:me\n.Dockerfile";

pub(crate) const ODD_DOCKERFILE: &str = "FROM alpine:3.20
ENV API_TOKEN=ghp_0123456789abcdefABCDEF0123456789abcd
FROM
";

/// The span of the first occurrence of `needle` in `text`.
pub(crate) fn span_of(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the sample"));
    Span::with_len(start, needle.len())
}

/// The span of the last occurrence of `needle` in `text`.
pub(crate) fn last_span_of(text: &str, needle: &str) -> Span {
    let start = text
        .rfind(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the sample"));
    Span::with_len(start, needle.len())
}

/// Owns the data a [`Report`] borrows.
pub(crate) struct SampleReport {
    pub(crate) tool: ToolInfo,
    pub(crate) files: Vec<SourceFile>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) rules: Vec<&'static RuleMeta>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl SampleReport {
    /// The shared sample.
    pub(crate) fn new() -> Self {
        let root = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, DOCKERFILE);
        let odd = SourceFile::new(FileId(1), ODD_PATH, FileKind::Dockerfile, ODD_DOCKERFILE);

        let mut findings = Vec::new();

        let node = span_of(DOCKERFILE, "node");
        let mut f = Finding::new(
            image_tag_mutable(),
            &root,
            node,
            "`node` is not pinned to a tag or digest",
        );
        f.help("Pin a version tag, or a digest").fix(Fix {
            description: "Pin `node` to `node:22.11-bookworm-slim`".to_owned(),
            edits: vec![Edit {
                span: node,
                replacement: "node:22.11-bookworm-slim".to_owned(),
            }],
            applicability: Applicability::Unsafe,
        });
        findings.push(f);

        let mut f = Finding::new(
            image_tag_mutable(),
            &root,
            span_of(DOCKERFILE, "python:latest"),
            "`python:latest` uses the mutable `latest` tag",
        );
        f.help("Pin a version tag, or a digest");
        f.suppressed = Some(Suppression::InSource {
            reason: Some("pinned by digest in the prod overlay".to_owned()),
            span: span_of(DOCKERFILE, "# seaworthy: ignore[SW101]"),
        });
        findings.push(f);

        let apt = span_of(DOCKERFILE, "apt-get update").cover(span_of(DOCKERFILE, "curl"));
        let mut f = Finding::new(
            package_cache_kept(),
            &root,
            apt,
            "apt lists are kept in the image layer",
        );
        f.help("Add `&& rm -rf /var/lib/apt/lists/*` to this `RUN`");
        findings.push(f);

        let mut f = Finding::new(
            maintainer_deprecated(),
            &root,
            span_of(DOCKERFILE, "Zoë Ünïcødé <zoë@例え.jp>"),
            "`MAINTAINER` is deprecated",
        );
        f.help("Use `LABEL org.opencontainers.image.authors=\"…\"` instead");
        findings.push(f);

        let mut f = Finding::new(
            runs_as_root(),
            &root,
            span_of(DOCKERFILE, "root"),
            "The final stage runs as `root`",
        );
        f.help("Add `USER` with a non-root UID before the final `CMD`");
        findings.push(f);

        let mut f = Finding::whole_file(
            secret_file_in_context(),
            root.id,
            ".env",
            "`.env` is in the build context and no `.dockerignore` excludes it",
        );
        f.help("Add `.env` to `.dockerignore`").related(
            Location::new(&root, span_of(DOCKERFILE, "COPY . /app")),
            "`COPY . /app` sends it to the builder",
        );
        findings.push(f);

        let mut f = Finding::new(
            secret_literal(),
            &odd,
            span_of(ODD_DOCKERFILE, "ghp_0123456789abcdefABCDEF0123456789abcd"),
            "`API_TOKEN` holds a literal credential: 100% of layers,\nincluding the final one, keep it",
        );
        f.help("Pass the token as a build secret (`RUN --mount=type=secret`)")
            .secret(span_of(
                ODD_DOCKERFILE,
                "ghp_0123456789abcdefABCDEF0123456789abcd",
            ));
        findings.push(f);

        let mut f = Finding::new(
            parse_error(),
            &odd,
            last_span_of(ODD_DOCKERFILE, "FROM"),
            "`FROM` needs an image reference",
        );
        f.help("Name the base image, for example `FROM alpine:3.20`");
        findings.push(f);

        let files = vec![root, odd];
        Self::assemble(
            files,
            findings,
            sample_rules(),
            vec![Diagnostic::new(
                "legacy/Dockerfile",
                DiagnosticKind::Unreadable,
                "permission denied (os error 13)",
            )],
        )
    }

    /// A run that checked nothing and found nothing.
    pub(crate) fn empty() -> Self {
        Self::assemble(Vec::new(), Vec::new(), sample_rules(), Vec::new())
    }

    /// A run whose only files could not be read.
    pub(crate) fn only_diagnostics() -> Self {
        Self::assemble(
            Vec::new(),
            Vec::new(),
            sample_rules(),
            vec![
                Diagnostic::new(
                    "big/Dockerfile",
                    DiagnosticKind::TooLarge,
                    "9.5 MiB is over the 4 MiB limit",
                ),
                Diagnostic::new(
                    "dev/pipe.Dockerfile",
                    DiagnosticKind::SpecialFile,
                    "a FIFO is not a regular file",
                ),
            ],
        )
    }

    /// Sorts the findings and assigns fingerprints, as the engine does.
    pub(crate) fn assemble(
        files: Vec<SourceFile>,
        mut findings: Vec<Finding>,
        rules: Vec<&'static RuleMeta>,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        assign_fingerprints(&mut findings, &files);
        Self {
            tool: ToolInfo::seaworthy("0.1.0"),
            files,
            findings,
            rules,
            diagnostics,
        }
    }

    pub(crate) fn report(&self) -> Report<'_> {
        Report {
            tool: self.tool.clone(),
            files: &self.files,
            findings: &self.findings,
            rules: &self.rules,
            diagnostics: &self.diagnostics,
        }
    }
}

/// A single file with one finding per line: `n` findings cycling through the severities
/// (most severe every fifth), for the tests of the caps.
pub(crate) fn many_findings(n: usize, message_len: usize) -> SampleReport {
    use std::fmt::Write as _;
    let rules = [
        secret_literal(),
        runs_as_root(),
        image_tag_mutable(),
        package_cache_kept(),
        maintainer_deprecated(),
    ];
    let mut text = String::new();
    for i in 0..n {
        let _ = writeln!(text, "RUN echo {i}");
    }
    let file = SourceFile::new(FileId(0), "many/Dockerfile", FileKind::Dockerfile, text);
    let mut findings = Vec::with_capacity(n);
    let filler = "x".repeat(message_len);
    let mut offset = 0;
    for i in 0..n {
        let line_len = file.line_text(u32::try_from(i + 1).unwrap()).len();
        let rule = rules[i % rules.len()];
        findings.push(Finding::new(
            rule,
            &file,
            Span::with_len(offset, line_len),
            format!("finding {i} {filler}"),
        ));
        offset += line_len + 1;
    }
    SampleReport::assemble(vec![file], findings, sample_rules(), Vec::new())
}

/// Renders `report` in `format` to a string.
pub(crate) fn emit(format: Format, opts: &EmitOptions, report: &Report<'_>) -> String {
    let mut out = Vec::new();
    format
        .emitter(opts)
        .emit(report, &mut out)
        .unwrap_or_else(|err| panic!("{format} failed: {err}"));
    String::from_utf8(out).unwrap_or_else(|err| panic!("{format} wrote invalid UTF-8: {err}"))
}

/// The directory of the vendored test data.
pub(crate) fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// A fresh directory under the system's temporary directory, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "seaworthy-report-test-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Names of the entries in the directory, sorted.
    pub(crate) fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_sample_has_what_every_format_must_handle() {
    let sample = SampleReport::new();
    let report = sample.report();
    assert_eq!(report.files.len(), 2);
    assert!(report.files.iter().any(|f| f.path.contains('/')));
    let findings = report.findings;
    let multi_line = |f: &&Finding| f.location.region.is_some_and(|(s, e)| s.line != e.line);
    assert!(findings.iter().any(|f| multi_line(&f)));
    assert!(findings.iter().any(Finding::is_suppressed));
    assert!(findings.iter().any(|f| f.fix.is_some()));
    assert!(findings.iter().any(|f| f.location.region.is_none()));
    assert!(
        findings
            .iter()
            .any(|f| f.related.iter().any(|r| r.location.path != f.location.path))
    );
    assert!(findings.iter().any(|f| {
        ['%', ',', ':', '\n']
            .iter()
            .all(|c| f.message.contains(*c) && f.location.path.contains(*c))
    }));
    assert!(
        DOCKERFILE
            .lines()
            .any(|l| !l.is_ascii() && l.contains('\t'))
    );
    assert!(findings.iter().any(|f| {
        f.location
            .region
            .is_some_and(|(s, _)| !report.files[f.file.0 as usize].line_text(s.line).is_ascii())
    }));
    assert_eq!(report.diagnostics.len(), 1);
    assert!(findings.iter().all(|f| f.fingerprint.len() == 32));
    // Sorted as the engine sorts.
    assert!(
        findings
            .windows(2)
            .all(|w| w[0].sort_key() <= w[1].sort_key())
    );
}
