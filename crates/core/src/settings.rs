//! Settings: the `.seaworthy.toml` options (`Options`) and what a run uses (`Settings`).
//!
//! Precedence: built-in defaults < configuration file < command-line flags. Lists merge
//! explicitly: `--select` replaces `select`, while `--ignore` and `--extend-select` add to
//! the file's lists.

use std::collections::BTreeMap;
use std::fmt;

use globset::{Glob, GlobMatcher};
use serde::Deserialize;

use crate::date::Date;
use crate::dockerfile::BuildOptions;
use crate::finding::Severity;
use crate::rule::{Rule, RuleMeta, Step};
use crate::rules;

/// The rules that read a Dockerfile's build context (`Ctx::context`); a meta-test keeps the
/// list complete.
pub const CONTEXT_RULES: [&str; 4] = ["SW304", "SW305", "SW306", "SW308"];

/// Default limit on the size of a file seaworthy reads (1 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Default limit on the Dockerfiles and compose files one run discovers.
pub const DEFAULT_MAX_DISCOVERED_FILES: usize = 200_000;

/// The contents of `.seaworthy.toml`. Every field is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Rules to run, replacing the default set: codes (`SW101`), prefixes (`SW1`), names
    /// (`image-tag-mutable`), steps (`step:secrets`, `step:5`) or `all`.
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to `select` (or the default set).
    pub extend_select: Option<Vec<String>>,
    /// Rules never to run, with the same selectors as `select`.
    pub ignore: Option<Vec<String>>,
    /// The lowest severity that makes the exit code 1 (`never` for report-only).
    pub fail_on: Option<String>,
    /// Per-rule severity overrides: `SW101 = "high"`.
    pub severity: Option<BTreeMap<String, String>>,
    /// Glob (relative to the scan root) → rules ignored in matching files.
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    /// Whether `# seaworthy: ignore[...]` directives need a reason after the `]`.
    pub require_suppression_reason: Option<bool>,
    /// Honour hadolint's `# hadolint ignore=` and Checkov's `# checkov:skip=` comments.
    pub foreign_suppressions: Option<bool>,
    /// Files larger than this many bytes are not read (a diagnostic says so).
    pub max_file_size: Option<u64>,
    /// Discovery stops after this many Dockerfiles and compose files (a diagnostic says so).
    pub max_discovered_files: Option<usize>,
    /// Build arguments as `--build-arg` would pass them.
    pub build_args: Option<BTreeMap<String, String>>,
    /// The stage that is shipped (as `--target`).
    pub target: Option<String>,
    /// Options of individual rule families.
    pub rules: Option<RuleOptions>,
}

/// `[rules.*]` tables.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleOptions {
    pub base_image: Option<BaseImageOptions>,
    pub user: Option<UserOptions>,
    pub secrets: Option<SecretOptions>,
    pub context: Option<ContextRuleOptions>,
}

/// `[rules.base-image]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BaseImageOptions {
    /// Registries images may come from (`docker.io`, `ghcr.io/acme`, `*.gcr.io`). Unset:
    /// any registry (SW107 stays quiet).
    pub allowed_registries: Option<Vec<String>>,
    /// Docker Hub namespaces trusted like official images (SW108).
    pub trusted_namespaces: Option<Vec<String>>,
    /// Days before an end-of-life date at which SW105 starts warning (default 90).
    pub eol_warning_days: Option<i64>,
}

/// `[rules.user]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UserOptions {
    /// More images known to run as a non-root user by default (`repository` or
    /// `repository:tag` patterns with `*`), added to the built-in list.
    pub non_root_images: Option<Vec<String>>,
}

/// `[rules.secrets]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretOptions {
    /// `ARG`/`ENV`/environment names that are not secrets although they look like it.
    pub allowed_names: Option<Vec<String>>,
}

/// `[rules.context]`: the build-context rules (SW304-SW308) and the context walk.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ContextRuleOptions {
    /// More sensitive-file patterns: a glob without `/` matches any path component
    /// (`*.secret`), a pattern with `/` matches from the context root (`config/prod/*.json`).
    pub extend_sensitive: Option<Vec<String>>,
    /// Paths that are not sensitive although a pattern matches them, same syntax.
    pub allow_sensitive: Option<Vec<String>>,
    /// Context files larger than this many bytes are not scanned for credentials (`0`: no
    /// content scanning).
    pub scan_max_file_size: Option<u64>,
    /// The context walk stops after this many entries (files, directories, links).
    pub max_files: Option<usize>,
    /// Directories nested deeper than this below the context root are not walked.
    pub max_depth: Option<usize>,
}

/// Resolved `[rules.context]` settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextSettings {
    pub extend_sensitive: Vec<String>,
    pub allow_sensitive: Vec<String>,
    pub scan_max_file_size: u64,
    pub max_files: usize,
    pub max_depth: usize,
}

/// Default for [`ContextSettings::scan_max_file_size`] (256 KiB).
pub const DEFAULT_SCAN_MAX_FILE_SIZE: u64 = 256 * 1024;

impl Default for ContextSettings {
    fn default() -> Self {
        Self {
            extend_sensitive: Vec::new(),
            allow_sensitive: Vec::new(),
            scan_max_file_size: DEFAULT_SCAN_MAX_FILE_SIZE,
            max_files: crate::context::DEFAULT_MAX_ENTRIES,
            max_depth: crate::context::DEFAULT_MAX_DEPTH,
        }
    }
}

/// Command-line values that override the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<String>,
    pub build_args: BTreeMap<String, String>,
    pub target: Option<String>,
    pub today: Option<Date>,
    pub ignore_suppressions: bool,
    pub max_file_size: Option<u64>,
}

/// A configuration problem (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "unknown rule selector `{0}` (expected a code such as SW101, a prefix such as SW1, a rule name, `step:<slug>` or `all`)"
    )]
    UnknownSelector(String),
    #[error("{0}")]
    InvalidSeverity(String),
    #[error("invalid glob `{glob}` in per-file-ignores: {message}")]
    InvalidGlob { glob: String, message: String },
    #[error("`eol-warning-days` must not be negative")]
    NegativeDays,
    #[error("[rules.context] {0}")]
    SensitivePattern(String),
    #[error("`[rules.context] {0}` must be at least 1")]
    ZeroLimit(&'static str),
    #[error("`{0}` must be at least 1")]
    ZeroTopLevelLimit(&'static str),
}

/// One selector: which rules it names.
fn select_rules(selector: &str) -> Result<Vec<usize>, SettingsError> {
    let s = selector.trim();
    let all = rules::ALL;
    let matches: Vec<usize> = if s.eq_ignore_ascii_case("all") {
        (0..all.len()).collect()
    } else if let Some(step) = s.strip_prefix("step:") {
        let step =
            Step::from_slug(step).ok_or_else(|| SettingsError::UnknownSelector(s.to_owned()))?;
        indices(|m| m.steps.contains(&step))
    } else if s.len() >= 2 && s[..2].eq_ignore_ascii_case("SW") {
        let upper = s.to_ascii_uppercase();
        indices(|m| m.code.starts_with(&upper))
    } else {
        indices(|m| m.is_named(s))
    };
    if matches.is_empty() {
        return Err(SettingsError::UnknownSelector(s.to_owned()));
    }
    Ok(matches)
}

fn indices(pred: impl Fn(&RuleMeta) -> bool) -> Vec<usize> {
    rules::ALL
        .iter()
        .enumerate()
        .filter(|(_, r)| pred(r.meta()))
        .map(|(i, _)| i)
        .collect()
}

/// A rule code, name or alias as used in suppressions and `--select`.
pub fn rule_by_code_or_name(s: &str) -> Option<&'static dyn Rule> {
    let s = s.trim();
    rules::ALL
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(s) || r.meta().is_named(s))
}

/// Parses `critical|high|medium|low|info|never`.
pub fn parse_fail_on(s: &str) -> Result<Option<Severity>, SettingsError> {
    if s.eq_ignore_ascii_case("never") || s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    s.parse::<Severity>()
        .map(Some)
        .map_err(|e| SettingsError::InvalidSeverity(format!("fail-on: {e} or never")))
}

/// A resolved `per-file-ignores` entry.
#[derive(Clone, Debug)]
pub struct FileIgnore {
    pub glob: String,
    matcher: GlobMatcher,
    rules: Vec<bool>,
}

impl FileIgnore {
    pub fn matches(&self, path: &str, rule: usize) -> bool {
        self.rules.get(rule).copied().unwrap_or(false) && self.matcher.is_match(path)
    }
}

/// Everything a run needs to know, resolved.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Indexed like `rules::ALL`.
    enabled: Vec<bool>,
    /// Effective severity overrides, indexed like `rules::ALL`.
    severity: Vec<Option<Severity>>,
    /// `None`: never fail.
    pub fail_on: Option<Severity>,
    pub build: BuildOptions,
    /// The date end-of-life checks use.
    pub today: Date,
    pub per_file_ignores: Vec<FileIgnore>,
    pub require_suppression_reason: bool,
    pub foreign_suppressions: bool,
    /// Report suppressed findings as if they were not (audits).
    pub ignore_suppressions: bool,
    pub max_file_size: u64,
    /// Dockerfiles and compose files discovered in one run, at most.
    pub max_discovered_files: usize,
    pub allowed_registries: Option<Vec<String>>,
    pub trusted_namespaces: Vec<String>,
    pub eol_warning_days: i64,
    pub non_root_images: Vec<String>,
    pub allowed_secret_names: Vec<String>,
    /// `[rules.context]`.
    pub context: ContextSettings,
    /// The sensitive-file patterns (built-in list, `extend-sensitive`, `allow-sensitive`),
    /// shared by the rules on copied files and on the build context.
    pub sensitive: crate::knowledge::sensitive_files::SensitivePatterns,
}

impl Default for Settings {
    fn default() -> Self {
        let enabled = rules::ALL.iter().map(|r| r.meta().is_default()).collect();
        Self {
            enabled,
            severity: vec![None; rules::ALL.len()],
            fail_on: Some(Severity::Medium),
            build: BuildOptions::default(),
            today: Date::today_utc(),
            per_file_ignores: Vec::new(),
            require_suppression_reason: false,
            foreign_suppressions: true,
            ignore_suppressions: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_discovered_files: DEFAULT_MAX_DISCOVERED_FILES,
            allowed_registries: None,
            trusted_namespaces: Vec::new(),
            eol_warning_days: crate::eol::DEFAULT_SOON_DAYS,
            non_root_images: Vec::new(),
            allowed_secret_names: Vec::new(),
            context: ContextSettings::default(),
            sensitive: crate::knowledge::sensitive_files::SensitivePatterns::defaults(),
        }
    }
}

impl Settings {
    /// Settings with exactly one rule enabled (rule fixtures).
    pub fn for_rule(code: &str) -> Self {
        Settings {
            enabled: rules::ALL.iter().map(|r| r.meta().code == code).collect(),
            ..Settings::default()
        }
    }

    /// Resolves file options and command-line overrides.
    pub fn resolve(options: &Options, overrides: &Overrides) -> Result<Settings, SettingsError> {
        let mut s = Settings::default();
        let select = overrides.select.as_ref().or(options.select.as_ref());
        if let Some(select) = select {
            s.enabled = vec![false; rules::ALL.len()];
            for sel in select {
                for i in select_rules(sel)? {
                    s.enabled[i] = true;
                }
            }
        }
        let extend = options
            .extend_select
            .iter()
            .flatten()
            .chain(&overrides.extend_select);
        for sel in extend {
            for i in select_rules(sel)? {
                s.enabled[i] = true;
            }
        }
        for sel in options.ignore.iter().flatten().chain(&overrides.ignore) {
            for i in select_rules(sel)? {
                s.enabled[i] = false;
            }
        }
        if let Some(f) = overrides.fail_on.as_ref().or(options.fail_on.as_ref()) {
            s.fail_on = parse_fail_on(f)?;
        }
        for (sel, sev) in options.severity.iter().flatten() {
            let sev: Severity = sev
                .parse()
                .map_err(|e| SettingsError::InvalidSeverity(format!("severity of {sel}: {e}")))?;
            for i in select_rules(sel)? {
                s.severity[i] = Some(sev);
            }
        }
        for (glob, sels) in options.per_file_ignores.iter().flatten() {
            let matcher = Glob::new(glob)
                .map_err(|e| SettingsError::InvalidGlob {
                    glob: glob.clone(),
                    message: e.kind().to_string(),
                })?
                .compile_matcher();
            let mut rules_ = vec![false; rules::ALL.len()];
            for sel in sels {
                for i in select_rules(sel)? {
                    rules_[i] = true;
                }
            }
            s.per_file_ignores.push(FileIgnore {
                glob: glob.clone(),
                matcher,
                rules: rules_,
            });
        }
        if let Some(v) = options.require_suppression_reason {
            s.require_suppression_reason = v;
        }
        if let Some(v) = options.foreign_suppressions {
            s.foreign_suppressions = v;
        }
        s.ignore_suppressions = overrides.ignore_suppressions;
        if let Some(v) = overrides.max_file_size.or(options.max_file_size) {
            s.max_file_size = v;
        }
        if let Some(v) = options.max_discovered_files {
            if v == 0 {
                return Err(SettingsError::ZeroTopLevelLimit("max-discovered-files"));
            }
            s.max_discovered_files = v;
        }
        s.build.args = options.build_args.clone().unwrap_or_default();
        s.build.args.extend(overrides.build_args.clone());
        s.build.target = overrides.target.clone().or_else(|| options.target.clone());
        if let Some(d) = overrides.today {
            s.today = d;
        }
        if let Some(r) = &options.rules {
            if let Some(b) = &r.base_image {
                s.allowed_registries.clone_from(&b.allowed_registries);
                s.trusted_namespaces = b.trusted_namespaces.clone().unwrap_or_default();
                if let Some(days) = b.eol_warning_days {
                    if days < 0 {
                        return Err(SettingsError::NegativeDays);
                    }
                    s.eol_warning_days = days;
                }
            }
            if let Some(u) = &r.user {
                s.non_root_images = u.non_root_images.clone().unwrap_or_default();
            }
            if let Some(sec) = &r.secrets {
                s.allowed_secret_names = sec.allowed_names.clone().unwrap_or_default();
            }
            if let Some(c) = &r.context {
                s.context.extend_sensitive = c.extend_sensitive.clone().unwrap_or_default();
                s.context.allow_sensitive = c.allow_sensitive.clone().unwrap_or_default();
                s.sensitive = crate::knowledge::sensitive_files::SensitivePatterns::new(
                    &s.context.extend_sensitive,
                    &s.context.allow_sensitive,
                )
                .map_err(|e| SettingsError::SensitivePattern(e.to_string()))?;
                if let Some(v) = c.scan_max_file_size {
                    s.context.scan_max_file_size = v;
                }
                if let Some(v) = c.max_files {
                    if v == 0 {
                        return Err(SettingsError::ZeroLimit("max-files"));
                    }
                    s.context.max_files = v;
                }
                if let Some(v) = c.max_depth {
                    if v == 0 {
                        return Err(SettingsError::ZeroLimit("max-depth"));
                    }
                    s.context.max_depth = v;
                }
            }
        }
        Ok(s)
    }

    pub fn is_enabled(&self, rule: usize) -> bool {
        self.enabled.get(rule).copied().unwrap_or(false)
    }

    /// Whether any enabled rule reads build contexts ([`CONTEXT_RULES`]): when none does, a
    /// run does not walk them.
    pub fn reads_build_contexts(&self) -> bool {
        CONTEXT_RULES.iter().any(|code| self.is_code_enabled(code))
    }

    /// Whether the rule with this code is enabled.
    pub fn is_code_enabled(&self, code: &str) -> bool {
        rules::ALL
            .iter()
            .position(|r| r.meta().code == code)
            .is_some_and(|i| self.is_enabled(i))
    }

    /// The severity override for a rule, if any.
    pub fn severity_override(&self, rule: usize) -> Option<Severity> {
        self.severity.get(rule).copied().flatten()
    }

    /// Metadata of the enabled rules, in registry order.
    pub fn enabled_rules(&self) -> Vec<&'static RuleMeta> {
        rules::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| self.is_enabled(*i))
            .map(|(_, r)| r.meta())
            .collect()
    }
}

impl fmt::Display for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(code: &str) -> usize {
        rules::ALL
            .iter()
            .position(|r| r.meta().code == code)
            .unwrap()
    }

    #[test]
    fn default_set_excludes_extended_rules() {
        let s = Settings::default();
        for (i, r) in rules::ALL.iter().enumerate() {
            assert_eq!(s.is_enabled(i), r.meta().is_default(), "{}", r.meta().code);
        }
    }

    #[test]
    fn selectors() {
        assert!(select_rules("SW101").unwrap().contains(&idx("SW101")));
        assert!(select_rules("sw1").unwrap().contains(&idx("SW102")));
        assert_eq!(select_rules("image-tag-mutable").unwrap(), [idx("SW101")]);
        // The catalog's former name of SW614 is an alias.
        assert_eq!(
            select_rules("no-new-privileges-missing").unwrap(),
            [idx("SW614")]
        );
        assert_eq!(
            select_rules("No-New-Privileges-Missing").unwrap(),
            [idx("SW614")]
        );
        assert_eq!(
            rule_by_code_or_name("no-new-privileges-missing").map(|r| r.meta().code),
            Some("SW614")
        );
        assert!(
            select_rules("step:secrets")
                .unwrap()
                .contains(&idx("SW301"))
        );
        assert!(select_rules("step:10").unwrap().contains(&idx("SW302")));
        assert!(select_rules("SW999").is_err());
        assert!(select_rules("no-such-rule").is_err());
    }

    #[test]
    fn select_replaces_ignore_adds() {
        let options = Options {
            select: Some(vec!["SW1".into()]),
            ignore: Some(vec!["SW102".into()]),
            ..Options::default()
        };
        let overrides = Overrides {
            ignore: vec!["SW101".into()],
            extend_select: vec!["SW201".into()],
            ..Overrides::default()
        };
        let s = Settings::resolve(&options, &overrides).unwrap();
        assert!(!s.is_enabled(idx("SW101")));
        assert!(!s.is_enabled(idx("SW102")));
        assert!(s.is_enabled(idx("SW201")));
        assert!(!s.is_enabled(idx("SW301")));
        let cli = Overrides {
            select: Some(vec!["SW301".into()]),
            ..Overrides::default()
        };
        let s = Settings::resolve(&options, &cli).unwrap();
        assert!(s.is_enabled(idx("SW301")));
        assert!(!s.is_enabled(idx("SW201")));
    }

    #[test]
    fn fail_on_and_severity() {
        assert_eq!(parse_fail_on("never").unwrap(), None);
        assert_eq!(parse_fail_on("LOW").unwrap(), Some(Severity::Low));
        assert!(parse_fail_on("sometimes").is_err());
        let mut sev = BTreeMap::new();
        sev.insert("SW101".to_owned(), "critical".to_owned());
        let options = Options {
            severity: Some(sev),
            ..Options::default()
        };
        let s = Settings::resolve(&options, &Overrides::default()).unwrap();
        assert_eq!(s.severity_override(idx("SW101")), Some(Severity::Critical));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<Options>("selct = [\"SW1\"]").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let ok: Options = toml::from_str(
            "select = [\"all\"]\nfail-on = \"high\"\n[rules.base-image]\nallowed-registries = [\"ghcr.io\"]\n",
        )
        .unwrap();
        assert_eq!(ok.fail_on.as_deref(), Some("high"));
    }

    #[test]
    fn context_options() {
        let options: Options = toml::from_str(
            "[rules.context]\nextend-sensitive = [\"*.secret\"]\nallow-sensitive = [\"ca.pem\"]\nscan-max-file-size = 0\nmax-files = 10\nmax-depth = 3\n",
        )
        .unwrap();
        let s = Settings::resolve(&options, &Overrides::default()).unwrap();
        assert_eq!(s.context.extend_sensitive, ["*.secret"]);
        assert_eq!(s.context.allow_sensitive, ["ca.pem"]);
        assert_eq!(s.context.scan_max_file_size, 0);
        assert_eq!((s.context.max_files, s.context.max_depth), (10, 3));
        let defaults = Settings::default().context;
        assert_eq!(defaults.scan_max_file_size, DEFAULT_SCAN_MAX_FILE_SIZE);
        let discovered: Options = toml::from_str("max-discovered-files = 7\n").unwrap();
        let s = Settings::resolve(&discovered, &Overrides::default()).unwrap();
        assert_eq!(s.max_discovered_files, 7);
        assert_eq!(
            Settings::default().max_discovered_files,
            DEFAULT_MAX_DISCOVERED_FILES
        );
        let zero: Options = toml::from_str("max-discovered-files = 0\n").unwrap();
        assert_eq!(
            Settings::resolve(&zero, &Overrides::default()).unwrap_err(),
            SettingsError::ZeroTopLevelLimit("max-discovered-files")
        );
        let zero: Options = toml::from_str("[rules.context]\nmax-files = 0\n").unwrap();
        assert_eq!(
            Settings::resolve(&zero, &Overrides::default()).unwrap_err(),
            SettingsError::ZeroLimit("max-files")
        );
        assert!(toml::from_str::<Options>("[rules.context]\nmax-file = 1\n").is_err());
    }
}
