//! `sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! The log is written with a small serde model of the parts of SARIF seaworthy uses rather
//! than a general SARIF crate: the model makes the invalid states we care about (line 0,
//! empty `artifactChanges`) impossible to write, keeps the build lean, and every log is
//! checked against the vendored OASIS schema in the tests.
//!
//! One run per log:
//!
//! - `tool.driver`: `name`, `version`, `semanticVersion`, `informationUri`, and `rules`:
//!   every enabled rule (plus any rule a reported finding refers to that is not in the
//!   enabled list) with `id`, `name`, `shortDescription` (the summary), `fullDescription`
//!   (the first paragraph of "Why is this bad?"), `help.text` and `help.markdown` (the
//!   rule's documentation), `helpUri`, `defaultConfiguration.level`, and `properties`:
//!   `tags` (`security`, the family such as `base-image`, `step-NN-slug` per checklist
//!   step, `external/cwe/cwe-NNN` per CWE), `precision` and `security-severity`.
//! - `originalUriBaseIds`: `%SRCROOT%`, the scan root, with no absolute URI: every artifact
//!   URI is relative to it, `/`-separated and percent-encoded (RFC 3986: everything but
//!   unreserved characters, sub-delimiters, `@` and `/`), so results are stable across
//!   machines. The one exception is a file named by an absolute path outside the current
//!   directory (`seaworthy check /srv/app`): its URI is an absolute `file://` URI with no
//!   base, as a relative reference to it could not be resolved. `columnKind` is `unicodeCodePoints`, as columns are counted everywhere.
//! - `automationDetails.id` from [`EmitOptions::sarif_category`]. GitHub treats the part of
//!   the id up to the last `/` as the analysis category, so a `/` is appended when the
//!   category does not end with one (`seaworthy/app` → `seaworthy/app/`).
//! - `invocations[0]`: `executionSuccessful` is false when a file that should have been
//!   checked could not be (an error-level diagnostic); each diagnostic is a
//!   `toolExecutionNotification` with the file's location, and so is each cap below when
//!   it applies.
//! - `results`: unsuppressed findings, plus suppressed ones (with `suppressions`, `kind`
//!   `inSource` or `external`) only when [`EmitOptions::report_suppressed`] is set. Each has
//!   `ruleId`, `ruleIndex`, `level`, `message.text` (the message as a sentence, then the
//!   help as a second sentence: the first sentence is what GitHub shows as the title),
//!   exactly one location with a full region (none for a finding about a whole file),
//!   `relatedLocations` with ids and messages, `partialFingerprints` under our own key
//!   `seaworthy/v1` (never GitHub's `primaryLocationLineHash`), and `fixes` when a fix has
//!   edits (deleted regions as byte offsets, which are exact in the file).
//!
//! Caps (GitHub's upload limits, which reject or truncate larger logs):
//!
//! | what | cap | when exceeded |
//! |---|---|---|
//! | results per run | [`MAX_RESULTS`] (25,000) | the most severe are kept (report order within a severity), a warning notification says how many were left out |
//! | related locations per result | [`MAX_RELATED_LOCATIONS`] (1,000) | the first are kept, a warning notification says how many were left out |
//! | tags per rule | [`MAX_TAGS`] (20) | the essential ones come first: `security`, the family, the steps, then CWEs |
//!
//! Severity mapping (the only place for it in this format):
//!
//! | severity | `level` | `security-severity` |
//! |---|---|---|
//! | critical | `error` | 9.5 |
//! | high | `error` | 8.0 |
//! | medium | `warning` | 5.5 |
//! | low | `note` | 3.0 |
//! | info | `note` | 1.0 |
//!
//! GitHub reads `security-severity` from the rule only, so a rule carries the score of
//! its default severity; a result whose severity was changed by configuration shows that
//! in its `level`.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use seaworthy_core::diagnostic::DiagnosticLevel;
use seaworthy_core::finding::{Finding, Location as CoreLocation, Severity, Suppression};
use seaworthy_core::rule::RuleMeta;
use serde::Serialize;

use crate::{EmitOptions, Emitter, Report, rule_family, sentence, valid_region};

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The base id every artifact URI is relative to.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "seaworthy/v1";
/// GitHub accepts at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub accepts at most this many locations per result.
pub const MAX_RELATED_LOCATIONS: usize = 1_000;
/// GitHub accepts at most this many tags per rule (and shows ten).
pub const MAX_TAGS: usize = 20;

/// The `sarif` emitter.
#[derive(Clone, Debug)]
pub struct Sarif {
    category: Option<String>,
    report_suppressed: bool,
    max_results: usize,
    max_related: usize,
}

impl Sarif {
    pub fn new(opts: &EmitOptions) -> Self {
        Self {
            category: opts
                .sarif_category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|c| {
                    if c.ends_with('/') {
                        c.to_owned()
                    } else {
                        format!("{c}/")
                    }
                }),
            report_suppressed: opts.report_suppressed,
            max_results: MAX_RESULTS,
            max_related: MAX_RELATED_LOCATIONS,
        }
    }
}

/// `level` of a severity.
pub const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `security-severity` of a severity (GitHub's bands: ≥ 9.0 critical, ≥ 7.0 high,
/// ≥ 4.0 medium, > 0 low).
pub const fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

impl Emitter for Sarif {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let log = self.build(report);
        crate::write_json(out, &log)?;
        writeln!(out)
    }
}

impl Sarif {
    fn build<'a>(&self, report: &'a Report<'a>) -> Log<'a> {
        let mut notifications: Vec<Notification> = report
            .diagnostics
            .iter()
            .map(|d| Notification {
                level: match d.level() {
                    DiagnosticLevel::Error => "error",
                    DiagnosticLevel::Warning => "warning",
                },
                message: Message::new(format!(
                    "Not checked ({}): {}",
                    d.kind,
                    sentence(&d.message)
                )),
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation::relative(&d.path),
                        region: None,
                    },
                }],
            })
            .collect();

        // Which findings become results.
        let mut selected: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| self.report_suppressed || !f.is_suppressed())
            .collect();
        if selected.len() > self.max_results {
            let total = selected.len();
            let mut order: Vec<usize> = (0..total).collect();
            order.sort_by_key(|&i| (std::cmp::Reverse(selected[i].severity), i));
            order.truncate(self.max_results);
            order.sort_unstable();
            selected = order.into_iter().map(|i| selected[i]).collect();
            notifications.push(Notification::warning(format!(
                "{} of {total} results were left out: GitHub code scanning accepts at most {} \
                 results per run, so the most severe were kept. The JSON report lists every \
                 finding.",
                total - self.max_results,
                self.max_results
            )));
        }

        // Rules: the enabled ones, then any other rule a result refers to.
        let mut rules: Vec<&'static RuleMeta> = Vec::with_capacity(report.rules.len());
        let mut rule_index: HashMap<&str, usize> = HashMap::new();
        let extra = selected.iter().map(|f| f.rule);
        for rule in report.rules.iter().copied().chain(extra) {
            if !rule_index.contains_key(rule.code) {
                rule_index.insert(rule.code, rules.len());
                rules.push(rule);
            }
        }

        let mut omitted_related = 0;
        let results: Vec<SarifResult<'a>> = selected
            .iter()
            .map(|finding| {
                let index = *rule_index
                    .get(finding.rule.code)
                    .expect("the rule of every selected finding was added above");
                let (result, omitted) = self.result(finding, index);
                omitted_related += omitted;
                result
            })
            .collect();
        if omitted_related > 0 {
            notifications.push(Notification::warning(format!(
                "{omitted_related} related locations were left out: GitHub code scanning \
                 accepts at most {} locations per result.",
                self.max_related
            )));
        }

        let execution_successful = !report
            .diagnostics
            .iter()
            .any(|d| d.level() == DiagnosticLevel::Error);

        let mut original_uri_base_ids = BTreeMap::new();
        original_uri_base_ids.insert(
            SRCROOT,
            BaseLocation {
                description: Message::new(
                    "The directory seaworthy scanned; every artifact URI is relative to it."
                        .to_owned(),
                ),
            },
        );

        Log {
            schema: SCHEMA_URI,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: report.tool.name,
                        version: report.tool.version,
                        semantic_version: report.tool.version,
                        information_uri: report.tool.information_uri,
                        rules: rules
                            .iter()
                            .map(|r| ReportingDescriptor::new(r, &report.tool.help_uri(r)))
                            .collect(),
                    },
                },
                automation_details: self
                    .category
                    .as_ref()
                    .map(|id| AutomationDetails { id: id.clone() }),
                original_uri_base_ids,
                column_kind: "unicodeCodePoints",
                invocations: vec![Invocation {
                    execution_successful,
                    tool_execution_notifications: notifications,
                }],
                results,
            }],
        }
    }

    /// The result for one finding, and how many related locations were left out.
    fn result<'a>(&self, finding: &'a Finding, rule_index: usize) -> (SarifResult<'a>, usize) {
        let mut text = sentence(&finding.message);
        if let Some(help) = &finding.help {
            text.push(' ');
            text.push_str(&sentence(help));
        }
        let related_locations: Vec<RelatedLocation> = finding
            .related
            .iter()
            .take(self.max_related)
            .enumerate()
            .map(|(id, r)| RelatedLocation {
                id,
                physical_location: PhysicalLocation::of(&r.location),
                message: Message::new(r.label.clone()),
            })
            .collect();
        let omitted = finding.related.len() - related_locations.len();

        let mut partial_fingerprints = BTreeMap::new();
        if !finding.fingerprint.is_empty() {
            partial_fingerprints.insert(FINGERPRINT_KEY, finding.fingerprint.as_str());
        }

        let fixes = finding
            .fix
            .as_ref()
            .filter(|fix| !fix.edits.is_empty())
            .map(|fix| {
                vec![SarifFix {
                    description: Message::new(sentence(&fix.description)),
                    artifact_changes: vec![ArtifactChange {
                        artifact_location: ArtifactLocation::relative(&finding.location.path),
                        replacements: fix
                            .edits
                            .iter()
                            .map(|edit| Replacement {
                                deleted_region: Region {
                                    byte_offset: Some(edit.span.start),
                                    byte_length: Some(edit.span.len()),
                                    ..Region::default()
                                },
                                inserted_content: (!edit.replacement.is_empty()).then_some(
                                    ArtifactContent {
                                        text: edit.replacement.as_str(),
                                    },
                                ),
                            })
                            .collect(),
                    }],
                }]
            })
            .unwrap_or_default();

        let suppressions = finding
            .suppressed
            .as_ref()
            .map(|s| {
                vec![SarifSuppression {
                    kind: match s {
                        Suppression::InSource { .. } => "inSource",
                        Suppression::Config { .. } => "external",
                    },
                    justification: s.justification(),
                }]
            })
            .unwrap_or_default();

        (
            SarifResult {
                rule_id: finding.rule.code,
                rule_index,
                level: level(finding.severity),
                message: Message::new(text),
                locations: vec![Location {
                    physical_location: PhysicalLocation::of(&finding.location),
                }],
                related_locations,
                partial_fingerprints,
                fixes,
                suppressions,
            },
            omitted,
        )
    }
}

/// Percent-encodes a relative, `/`-separated path as a URI reference (RFC 3986): all but
/// unreserved characters, sub-delimiters, `@` and `/`. `:` is encoded too, because a
/// colon in the first segment would read as a URI scheme.
pub fn artifact_uri(path: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

// The model: only what seaworthy writes, in SARIF's property order where it matters to a
// reader.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    automation_details: Option<AutomationDetails>,
    original_uri_base_ids: BTreeMap<&'static str, BaseLocation>,
    column_kind: &'static str,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

impl ReportingDescriptor {
    fn new(rule: &'static RuleMeta, help_uri: &str) -> Self {
        let markdown = rule.docs_markdown();
        let markdown = if markdown.trim().is_empty() {
            rule.summary.to_owned()
        } else {
            markdown
        };
        let mut tags = vec!["security".to_owned()];
        if let Some(family) = rule_family(rule.code) {
            tags.push(family.to_owned());
        }
        tags.extend(rule.steps.iter().map(|s| s.tag()));
        tags.extend(rule.cwe.iter().map(|c| format!("external/cwe/cwe-{c}")));
        tags.dedup();
        tags.truncate(MAX_TAGS);
        Self {
            id: rule.code,
            name: rule.name,
            short_description: Message::new(rule.summary.to_owned()),
            full_description: Message::new(rule.rationale()),
            help: MultiformatMessage {
                text: markdown.clone(),
                markdown,
            },
            help_uri: help_uri.to_owned(),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            properties: RuleProperties {
                tags,
                precision: rule.precision.as_str(),
                security_severity: security_severity(rule.severity),
            },
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: String) -> Self {
        Self { text }
    }
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct BaseLocation {
    description: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

impl Notification {
    fn warning(text: String) -> Self {
        Self {
            level: "warning",
            message: Message::new(text),
            locations: Vec::new(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

impl PhysicalLocation {
    /// A location with its full region; no region for a whole file or an unusable region
    /// (SARIF lines and columns start at 1).
    fn of(location: &CoreLocation) -> Self {
        Self {
            artifact_location: ArtifactLocation::relative(&location.path),
            region: valid_region(location).map(|(start, end)| Region {
                start_line: Some(start.line),
                start_column: Some(start.column),
                end_line: Some(end.line),
                end_column: Some(end.column),
                ..Region::default()
            }),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

impl ArtifactLocation {
    /// A path as the tool prints it: relative to the scan root (`%SRCROOT%`), or, for a file
    /// given by an absolute path outside it, an absolute `file://` URI with no base.
    fn relative(path: &str) -> Self {
        match absolute_file_uri(path) {
            Some(uri) => Self {
                uri,
                uri_base_id: None,
            },
            None => Self {
                uri: artifact_uri(path),
                uri_base_id: Some(SRCROOT),
            },
        }
    }
}

/// `file:///…` for an absolute path (`/x/y`, or `C:/x` and `//server/share` on Windows);
/// `None` for a relative one.
fn absolute_file_uri(path: &str) -> Option<String> {
    let b = path.as_bytes();
    let drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/';
    if drive {
        // The drive's colon is legal in a path segment of an absolute URI.
        let (letter, rest) = path.split_at(2);
        return Some(format!("file:///{letter}{}", artifact_uri(rest)));
    }
    if let Some(unc) = path.strip_prefix("//") {
        return Some(format!("file://{}", artifact_uri(unc)));
    }
    path.starts_with('/')
        .then(|| format!("file://{}", artifact_uri(path)))
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Message,
    artifact_changes: Vec<ArtifactChange<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    #[serde(skip_serializing_if = "Option::is_none")]
    inserted_content: Option<ArtifactContent<'a>>,
}

#[derive(Serialize)]
struct ArtifactContent<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use seaworthy_core::finding::Finding;
    use seaworthy_core::source::{FileId, FileKind, LineCol, SourceFile, Span};
    use serde_json::Value;

    use super::*;
    use crate::testing::{self, SampleReport, emit};
    use crate::{EmitOptions, Format};

    static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
        let path = testing::data_dir().join("sarif-schema-2.1.0.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .expect("the vendored schema is JSON");
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the vendored schema compiles")
    });

    fn validate(sarif: &str) -> Value {
        let doc: Value = serde_json::from_str(sarif).unwrap();
        let errors: Vec<String> = VALIDATOR
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
        doc
    }

    fn full_opts() -> EmitOptions {
        EmitOptions {
            report_suppressed: true,
            sarif_category: Some("seaworthy/app".to_owned()),
            ..EmitOptions::default()
        }
    }

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Sarif, &EmitOptions::default(), &sample.report());
        validate(&out);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn sample_with_suppressed_and_category() {
        let sample = SampleReport::new();
        let out = emit(Format::Sarif, &full_opts(), &sample.report());
        let doc = validate(&out);
        let run = &doc["runs"][0];
        assert_eq!(run["automationDetails"]["id"], "seaworthy/app/");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 8);
        let suppressed: Vec<&Value> = results
            .iter()
            .filter(|r| r.get("suppressions").is_some())
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
        assert_eq!(
            suppressed[0]["suppressions"][0]["justification"],
            "pinned by digest in the prod overlay"
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn empty_report_is_valid() {
        let sample = SampleReport::empty();
        for opts in [EmitOptions::default(), full_opts()] {
            let out = emit(Format::Sarif, &opts, &sample.report());
            let doc = validate(&out);
            assert_eq!(doc["runs"][0]["results"], Value::Array(Vec::new()));
            assert_eq!(
                doc["runs"][0]["invocations"][0]["executionSuccessful"],
                true
            );
        }
    }

    #[test]
    fn report_with_only_diagnostics_is_valid() {
        let sample = SampleReport::only_diagnostics();
        let out = emit(Format::Sarif, &EmitOptions::default(), &sample.report());
        let doc = validate(&out);
        let invocation = &doc["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0]["level"], "error");
        assert_eq!(notes[1]["level"], "warning");
        assert_eq!(
            notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "big/Dockerfile"
        );
    }

    /// Every rule the sample declares comes out with complete metadata.
    #[test]
    fn every_rule_has_complete_metadata() {
        let sample = SampleReport::new();
        let out = emit(Format::Sarif, &EmitOptions::default(), &sample.report());
        let doc = validate(&out);
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), sample.rules.len());
        for (rule, meta) in rules.iter().zip(&sample.rules) {
            let nonempty = |v: &Value| v.as_str().is_some_and(|s| !s.trim().is_empty());
            assert_eq!(rule["id"], meta.code);
            assert_eq!(rule["name"], meta.name);
            assert_eq!(rule["shortDescription"]["text"], meta.summary);
            assert!(nonempty(&rule["fullDescription"]["text"]), "{}", meta.code);
            assert_ne!(
                rule["fullDescription"]["text"], meta.summary,
                "{}: the rationale comes from the docs",
                meta.code
            );
            assert!(nonempty(&rule["help"]["text"]), "{}", meta.code);
            assert!(
                rule["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .contains("## What it does"),
                "{}",
                meta.code
            );
            assert_eq!(
                rule["helpUri"],
                format!(
                    "https://github.com/seaworthy-dev/seaworthy/blob/v0.1.0/docs/rules/{}-{}.md",
                    meta.code, meta.name
                )
            );
            assert_eq!(rule["defaultConfiguration"]["level"], level(meta.severity));
            let props = &rule["properties"];
            assert_eq!(props["precision"], meta.precision.as_str());
            assert_eq!(props["security-severity"], security_severity(meta.severity));
            let tags: Vec<&str> = props["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert_eq!(tags[0], "security");
            assert_eq!(tags[1], rule_family(meta.code).unwrap());
            for step in meta.steps {
                assert!(tags.contains(&step.tag().as_str()), "{}", meta.code);
            }
            for cwe in meta.cwe {
                assert!(
                    tags.contains(&format!("external/cwe/cwe-{cwe}").as_str()),
                    "{}",
                    meta.code
                );
            }
        }
    }

    #[test]
    fn results_refer_to_their_rules_and_locations() {
        let sample = SampleReport::new();
        let out = emit(Format::Sarif, &EmitOptions::default(), &sample.report());
        let doc = validate(&out);
        let run = &doc["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert!(run["originalUriBaseIds"][SRCROOT].get("uri").is_none());
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert_eq!(
            results.len(),
            7,
            "suppressed results are left out by default"
        );
        for result in results {
            let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
            assert_eq!(rules[index]["id"], result["ruleId"]);
            let locations = result["locations"].as_array().unwrap();
            assert_eq!(locations.len(), 1);
            let location = &locations[0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uriBaseId"], SRCROOT);
            if let Some(region) = location.get("region") {
                for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                    assert!(region[key].as_u64().unwrap() >= 1, "{key}");
                }
            }
            assert!(
                result["partialFingerprints"]
                    .get("primaryLocationLineHash")
                    .is_none()
            );
            assert_eq!(
                result["partialFingerprints"][FINGERPRINT_KEY]
                    .as_str()
                    .unwrap()
                    .len(),
                32
            );
            let text = result["message"]["text"].as_str().unwrap();
            assert!(text.ends_with('.'), "{text}");
        }
        let odd = results.iter().find(|r| r["ruleId"] == "SW302").unwrap();
        assert_eq!(
            odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "svc/we%25ird,na%3Ame%0A.Dockerfile"
        );
        let whole = results.iter().find(|r| r["ruleId"] == "SW304").unwrap();
        assert!(
            whole["locations"][0]["physicalLocation"]
                .get("region")
                .is_none()
        );
        assert_eq!(
            whole["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "Dockerfile"
        );
        let fixed = results.iter().find(|r| r.get("fixes").is_some()).unwrap();
        let replacement = &fixed["fixes"][0]["artifactChanges"][0]["replacements"][0];
        assert_eq!(replacement["deletedRegion"]["byteOffset"], 5);
        assert_eq!(replacement["deletedRegion"]["byteLength"], 4);
        assert_eq!(
            replacement["insertedContent"]["text"],
            "node:22.11-bookworm-slim"
        );
    }

    #[test]
    fn severity_mapping() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
        let scores: Vec<f64> = Severity::ALL
            .iter()
            .map(|s| security_severity(*s).parse().unwrap())
            .collect();
        assert_eq!(scores, vec![9.5, 8.0, 5.5, 3.0, 1.0]);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(artifact_uri("a/Dockerfile"), "a/Dockerfile");
        assert_eq!(
            artifact_uri("my dir/x#1?.Dockerfile"),
            "my%20dir/x%231%3F.Dockerfile"
        );
        assert_eq!(artifact_uri("100%/é"), "100%25/%C3%A9");
        assert_eq!(artifact_uri("c:/x"), "c%3A/x");
        assert_eq!(artifact_uri("@scope/a+b,c"), "@scope/a+b,c");
        assert_eq!(artifact_uri("back\\slash"), "back%5Cslash");
    }

    #[test]
    fn absolute_paths_are_file_uris_without_a_base() {
        let uri = |p: &str| serde_json::to_value(ArtifactLocation::relative(p)).unwrap();
        assert_eq!(
            uri("app/Dockerfile"),
            serde_json::json!({"uri": "app/Dockerfile", "uriBaseId": SRCROOT})
        );
        assert_eq!(
            uri("/srv/my app/Dockerfile"),
            serde_json::json!({"uri": "file:///srv/my%20app/Dockerfile"})
        );
        assert_eq!(
            uri("D:/app/Dockerfile"),
            serde_json::json!({"uri": "file:///D:/app/Dockerfile"})
        );
        assert_eq!(
            uri("//server/share/Dockerfile"),
            serde_json::json!({"uri": "file://server/share/Dockerfile"})
        );
        // `../x` stays relative: a reference resolved against the scan root.
        assert_eq!(uri("../x/Dockerfile")["uriBaseId"], SRCROOT);
    }

    /// RFC 3986 `relative-ref` with a path only: pchar, `/` and percent-encoded octets.
    fn is_uri_path_reference(uri: &str) -> bool {
        let bytes = uri.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                if !(i + 2 < bytes.len()
                    && bytes[i + 1].is_ascii_hexdigit()
                    && bytes[i + 2].is_ascii_hexdigit())
                {
                    return false;
                }
                i += 3;
                continue;
            }
            let ok = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b);
            if !ok {
                return false;
            }
            i += 1;
        }
        // A relative reference's first segment must not contain `:` (it would be a scheme).
        !uri.split('/').next().unwrap_or("").contains(':')
    }

    #[test]
    fn artifact_uris_are_uri_references() {
        let sample = SampleReport::new();
        let out = emit(Format::Sarif, &full_opts(), &sample.report());
        let mut uris = Vec::new();
        collect_uris(&serde_json::from_str(&out).unwrap(), &mut uris);
        assert!(uris.len() > 10);
        for uri in &uris {
            assert!(is_uri_path_reference(uri), "{uri}");
        }
        for path in ["a b/c#d?e", "ü/%41", "x:y/z", "\\n\r\u{1b}", "semi;colon=@"] {
            assert!(is_uri_path_reference(&artifact_uri(path)), "{path}");
        }
        assert!(!is_uri_path_reference("a b"));
        assert!(!is_uri_path_reference("%zz"));
        assert!(!is_uri_path_reference("c:/x"));
    }

    fn collect_uris(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "artifactLocation" {
                        out.push(v["uri"].as_str().unwrap().to_owned());
                    }
                    collect_uris(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect_uris(v, out)),
            _ => {}
        }
    }

    #[test]
    fn results_over_the_cap_keep_the_most_severe() {
        let sample = testing::many_findings(23, 0);
        let mut sarif = Sarif::new(&EmitOptions::default());
        sarif.max_results = 10;
        let mut out = Vec::new();
        sarif.emit(&sample.report(), &mut out).unwrap();
        let doc = validate(&String::from_utf8(out).unwrap());
        let run = &doc["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 10);
        // 5 critical (SW302) and 5 high (SW201) out of 23 cycling through five severities.
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert!(levels.iter().all(|l| *l == "error"), "{levels:?}");
        let lines: Vec<u64> = results
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "report order is kept: {lines:?}"
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(
            notes[0]["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("13 of 23 results")
        );
        assert_eq!(MAX_RESULTS, 25_000);
    }

    #[test]
    fn related_locations_are_capped() {
        let mut sample = SampleReport::new();
        let finding = sample
            .findings
            .iter_mut()
            .find(|f| f.rule.code == "SW201")
            .unwrap();
        let location = finding.location.clone();
        for i in 0..5 {
            finding.related(location.clone(), format!("related {i}"));
        }
        let mut sarif = Sarif::new(&EmitOptions::default());
        sarif.max_related = 3;
        let mut out = Vec::new();
        sarif.emit(&sample.report(), &mut out).unwrap();
        let doc = validate(&String::from_utf8(out).unwrap());
        let run = &doc["runs"][0];
        let result = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "SW201")
            .unwrap();
        assert_eq!(result["relatedLocations"].as_array().unwrap().len(), 3);
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(notes.iter().any(|n| {
            n["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("2 related locations were left out")
        }));
    }

    #[test]
    fn a_region_with_line_zero_is_dropped_and_unknown_rules_are_added() {
        let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, "FROM x\n");
        let mut finding = Finding::new(testing::runs_as_root(), &file, Span::new(0, 4), "m");
        finding.location.region = Some((
            LineCol { line: 0, column: 1 },
            LineCol { line: 0, column: 5 },
        ));
        finding.fingerprint = "0".repeat(32);
        let sample = SampleReport {
            tool: crate::ToolInfo::seaworthy("0.1.0"),
            files: vec![file],
            findings: vec![finding],
            rules: vec![testing::image_tag_mutable()],
            diagnostics: Vec::new(),
        };
        let out = emit(Format::Sarif, &EmitOptions::default(), &sample.report());
        let doc = validate(&out);
        let run = &doc["runs"][0];
        let result = &run["results"][0];
        assert!(
            result["locations"][0]["physicalLocation"]
                .get("region")
                .is_none()
        );
        assert_eq!(result["ruleIndex"], 1);
        assert_eq!(run["tool"]["driver"]["rules"][1]["id"], "SW201");
    }

    #[test]
    fn schema_rejects_what_the_guards_prevent() {
        // The schema test is only worth something if it catches the mistakes it guards.
        let sample = SampleReport::new();
        let out = emit(Format::Sarif, &EmitOptions::default(), &sample.report());
        let mut doc: Value = serde_json::from_str(&out).unwrap();
        doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
            Value::from(0);
        assert!(!VALIDATOR.is_valid(&doc));
        let mut doc: Value = serde_json::from_str(&out).unwrap();
        doc["runs"][0]["results"][1]["level"] = Value::from("fatal");
        assert!(!VALIDATOR.is_valid(&doc));
        // Formats are checked too (draft 4 knows `uri`, not `uri-reference`, so artifact
        // URIs are checked by `artifact_uris_are_uri_references`).
        let mut doc: Value = serde_json::from_str(&out).unwrap();
        doc["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = Value::from("not a uri");
        assert!(!VALIDATOR.is_valid(&doc));
    }
}
