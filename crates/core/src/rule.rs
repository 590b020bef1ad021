//! The `Rule` trait, rule metadata and the `declare_rule!` macro.
//!
//! A rule is one file: its documentation (`///` comments), its metadata and its check sit
//! together, and everything else (the registry, `explain`, SARIF metadata, generated docs,
//! the tests) is derived from them.

use std::fmt;

use serde::Serialize;

use crate::context::BuildContext;
use crate::finding::{Finding, Severity};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

/// The twelve steps of the container-security checklist that rules serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    OfficialMinimalBase,
    NonRoot,
    NoVulnerableBase,
    MultiStage,
    PinnedVersions,
    Dockerignore,
    ReadOnlyRootfs,
    Capabilities,
    ResourceLimits,
    Secrets,
    CiScanning,
    SignedImages,
}

impl Step {
    pub const ALL: [Step; 12] = [
        Step::OfficialMinimalBase,
        Step::NonRoot,
        Step::NoVulnerableBase,
        Step::MultiStage,
        Step::PinnedVersions,
        Step::Dockerignore,
        Step::ReadOnlyRootfs,
        Step::Capabilities,
        Step::ResourceLimits,
        Step::Secrets,
        Step::CiScanning,
        Step::SignedImages,
    ];

    /// 1-based position in the checklist.
    pub const fn number(self) -> u8 {
        match self {
            Step::OfficialMinimalBase => 1,
            Step::NonRoot => 2,
            Step::NoVulnerableBase => 3,
            Step::MultiStage => 4,
            Step::PinnedVersions => 5,
            Step::Dockerignore => 6,
            Step::ReadOnlyRootfs => 7,
            Step::Capabilities => 8,
            Step::ResourceLimits => 9,
            Step::Secrets => 10,
            Step::CiScanning => 11,
            Step::SignedImages => 12,
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            Step::OfficialMinimalBase => "official-minimal-base",
            Step::NonRoot => "non-root",
            Step::NoVulnerableBase => "no-vulnerable-base",
            Step::MultiStage => "multi-stage",
            Step::PinnedVersions => "pinned-versions",
            Step::Dockerignore => "dockerignore",
            Step::ReadOnlyRootfs => "read-only-rootfs",
            Step::Capabilities => "capabilities",
            Step::ResourceLimits => "resource-limits",
            Step::Secrets => "secrets",
            Step::CiScanning => "ci-scanning",
            Step::SignedImages => "signed-images",
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            Step::OfficialMinimalBase => "Official, minimal base images",
            Step::NonRoot => "Never run as root",
            Step::NoVulnerableBase => "No vulnerable or end-of-life base images",
            Step::MultiStage => "Multi-stage builds, no build tools in the final image",
            Step::PinnedVersions => "Pinned image and package versions",
            Step::Dockerignore => "A proper .dockerignore",
            Step::ReadOnlyRootfs => "Read-only root filesystem",
            Step::Capabilities => "Dropped capabilities, no privileged containers",
            Step::ResourceLimits => "Memory and CPU limits",
            Step::Secrets => "No secrets in images",
            Step::CiScanning => "Scanning in CI",
            Step::SignedImages => "Signed, verified images",
        }
    }

    /// `step-05-pinned-versions`: the SARIF tag and the `step:` selector's long form.
    pub fn tag(self) -> String {
        format!("step-{:02}-{}", self.number(), self.slug())
    }

    pub fn from_slug(s: &str) -> Option<Step> {
        let s = s.trim();
        Step::ALL.into_iter().find(|step| {
            step.slug() == s || step.tag() == s || s.parse::<u8>().ok() == Some(step.number())
        })
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.slug())
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}. {}", self.number(), self.title())
    }
}

/// Whether a rule can attach a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    Never,
    Sometimes,
    Always,
}

/// Whether a rule runs by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSet {
    /// On unless deselected.
    Default,
    /// Off unless selected (`--select SW103`, `select = ["all"]`).
    Extended,
}

/// How often a finding of this rule is right (SARIF `properties.precision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

impl Precision {
    pub const fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

/// Everything known about a rule, built by `declare_rule!`.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    /// `SW101`: stable forever, never reused.
    pub code: &'static str,
    /// `image-tag-mutable`: names the bad pattern.
    pub name: &'static str,
    /// Checklist steps the rule serves; the first is its home.
    pub steps: &'static [Step],
    /// Default severity.
    pub severity: Severity,
    pub fix: FixAvailability,
    pub set: RuleSet,
    pub precision: Precision,
    /// CWE ids that describe the weakness.
    pub cwe: &'static [u16],
    /// Peers' ids for the same check, as `tool:id` (`hadolint:DL3006`, `checkov:CKV_DOCKER_7`).
    pub equivalents: &'static [&'static str],
    /// One line, sentence case, no trailing period, phrased as the problem.
    pub summary: &'static str,
    /// Former or catalog names also accepted in selectors and suppressions
    /// (`no-new-privileges-missing` for `new-privileges-allowed`). Never shown as the name.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub aliases: &'static [&'static str],
    /// Markdown documentation (What it does / Why is this bad? / Example / References).
    #[serde(skip)]
    pub docs: &'static str,
    /// `crates/core/src/rules/.../rule.rs:LINE`.
    pub source: &'static str,
}

impl RuleMeta {
    /// The documentation with the single leading space of `///` comments removed.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// A section of the docs (`"Why is this bad?"`) without its heading.
    pub fn docs_section(&self, heading: &str) -> Option<String> {
        let docs = self.docs_markdown();
        let marker = format!("## {heading}");
        let start = docs.lines().position(|l| l.trim_end() == marker)?;
        let body: Vec<&str> = docs
            .lines()
            .skip(start + 1)
            .take_while(|l| !l.starts_with("## "))
            .collect();
        Some(body.join("\n").trim().to_owned())
    }

    /// First paragraph of "Why is this bad?": SARIF `fullDescription`.
    pub fn rationale(&self) -> String {
        self.docs_section("Why is this bad?")
            .and_then(|s| {
                s.split("\n\n")
                    .next()
                    .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .unwrap_or_else(|| self.summary.to_owned())
    }

    /// Ids of one peer tool (`"hadolint"`) among the equivalents.
    pub fn equivalents_of<'a>(&'a self, tool: &'a str) -> impl Iterator<Item = &'static str> + 'a {
        self.equivalents.iter().filter_map(move |e| {
            let (t, id) = e.split_once(':')?;
            (t == tool).then_some(id)
        })
    }

    pub fn is_default(&self) -> bool {
        self.set == RuleSet::Default
    }

    /// Whether `s` is the rule's name or one of its aliases (ASCII case-insensitive).
    pub fn is_named(&self, s: &str) -> bool {
        self.name.eq_ignore_ascii_case(s) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
    }
}

/// Gives access to a rule's metadata. Written by `declare_rule!`, never by hand.
pub trait Meta {
    fn meta(&self) -> &'static RuleMeta;
}

/// A check over whole documents. A rule implements the methods for the documents it reads.
pub trait Rule: Meta + Sync {
    /// Checks an analysed Dockerfile.
    fn check_dockerfile(&self, _df: &crate::dockerfile::Dockerfile<'_>, _cx: &mut Ctx<'_>) {}

    /// Checks a compose project after interpolation, `extends`, `include` and override files
    /// were applied. Findings may be in any file of the project: see
    /// [`crate::compose_check`] for the helpers that locate them (`cx.report_key`, …).
    fn check_compose(&self, _project: &crate::syntax::compose::Project, _cx: &mut Ctx<'_>) {}

    /// Runs after suppressions were applied to a file's findings (the rules that report on
    /// suppression directives themselves).
    fn check_suppressions(&self, _report: &crate::suppress::SuppressionReport, _cx: &mut Ctx<'_>) {}
}

/// What a rule may touch while checking one document.
pub struct Ctx<'a> {
    file: &'a SourceFile,
    settings: &'a Settings,
    rule: &'static RuleMeta,
    findings: &'a mut Vec<Finding>,
    /// The project's source files and linked builds, when checking a compose project.
    compose: Option<&'a crate::compose_check::ComposeEnv<'a>>,
    context: Option<&'a BuildContext>,
    /// The package analysis of the Dockerfile's `RUN`s, shared by the rules.
    runs: Option<&'a dyn crate::knowledge::packages::PackagesOfRuns>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        file: &'a SourceFile,
        settings: &'a Settings,
        rule: &'static RuleMeta,
        findings: &'a mut Vec<Finding>,
    ) -> Self {
        Self {
            file,
            settings,
            rule,
            findings,
            compose: None,
            context: None,
            runs: None,
        }
    }

    /// The same context with the shared package analysis of the Dockerfile's `RUN`s.
    #[must_use]
    pub fn with_runs(mut self, runs: &'a dyn crate::knowledge::packages::PackagesOfRuns) -> Self {
        self.runs = Some(runs);
        self
    }

    /// The package-manager activity of a `RUN` (`None` for an instruction without a shell
    /// script): the shared analysis when the engine provides one, else worked out here.
    pub fn run_packages<'s>(
        &self,
        instr: &crate::dockerfile::Instr<'s>,
    ) -> Option<std::borrow::Cow<'s, crate::knowledge::packages::RunPackages<'s>>>
    where
        'a: 's,
    {
        let script = instr.script()?;
        let shared: Option<&'a dyn crate::knowledge::packages::PackagesOfRuns> = self.runs;
        Some(match shared.and_then(|r| r.run(instr.index)) {
            Some(run) if std::ptr::eq(run.script, script) => std::borrow::Cow::Borrowed(run),
            _ => std::borrow::Cow::Owned(crate::knowledge::packages::RunPackages::new(script)),
        })
    }

    /// The same context for a compose project: its files and linked builds.
    #[must_use]
    pub fn with_compose(mut self, env: &'a crate::compose_check::ComposeEnv<'a>) -> Self {
        self.compose = Some(env);
        self
    }

    /// The compose project's files and linked builds (`None` outside `check_compose`).
    pub fn compose(&self) -> Option<&'a crate::compose_check::ComposeEnv<'a>> {
        self.compose
    }

    /// The same context with the build context of the Dockerfile being checked.
    #[must_use]
    pub fn with_context(mut self, context: Option<&'a BuildContext>) -> Self {
        self.context = context;
        self
    }

    /// Reports a finding at `span` in the current file; returns it for `.help()` etc.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        let finding = Finding::new(self.rule, self.file, span, message);
        self.push(finding)
    }

    /// Pushes a finding built elsewhere (for findings located in another file).
    pub fn push(&mut self, finding: Finding) -> &mut Finding {
        self.findings.push(finding);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    pub fn file(&self) -> &'a SourceFile {
        self.file
    }

    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    /// The build context of the Dockerfile being checked, when it is known (not for a
    /// Dockerfile read from standard input without `--context`).
    pub fn context(&self) -> Option<&'a BuildContext> {
        self.context
    }
}

/// Declares a rule: its docs, unit struct and `impl Meta`.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct ImageTagMutable {
///         code: "SW101",
///         name: "image-tag-mutable",
///         steps: [PinnedVersions],
///         severity: Medium,
///         fix: Never,
///         set: Default,
///         precision: High,
///         cwe: [1357],
///         equivalents: ["hadolint:DL3006"],
///         summary: "Base image is not pinned to a tag or digest",
///         // Optional: other names accepted in selectors and suppressions.
///         aliases: ["image-not-pinned"],
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            steps: [$($step:ident),+ $(,)?],
            severity: $sev:ident,
            fix: $fix:ident,
            set: $set:ident,
            precision: $prec:ident,
            cwe: [$($cwe:literal),* $(,)?],
            equivalents: [$($eq:literal),* $(,)?],
            summary: $summary:literal
            $(, aliases: [$($alias:literal),* $(,)?])?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        // The docs are the rule's user-facing Markdown page, not API prose.
        #[allow(clippy::doc_markdown)]
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $crate::rule::Meta for $name {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                static META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                    code: $code,
                    name: $rname,
                    steps: &[$($crate::rule::Step::$step),+],
                    severity: $crate::finding::Severity::$sev,
                    fix: $crate::rule::FixAvailability::$fix,
                    set: $crate::rule::RuleSet::$set,
                    precision: $crate::rule::Precision::$prec,
                    cwe: &[$($cwe),*],
                    equivalents: &[$($eq),*],
                    summary: $summary,
                    aliases: &[$($($alias),*)?],
                    docs: concat!($($doc, "\n"),*),
                    source: concat!(file!(), ":", line!()),
                };
                &META
            }
        }
    };
}
