//! `junit`: `JUnit` XML for test report viewers (GitLab merge requests, Jenkins, GitHub
//! test-reporter actions).
//!
//! Mapping:
//!
//! - `<testsuites name="seaworthy">` holds one `<testsuite>` per path, sorted by path: every
//!   checked file (a clean one too), every file that could not be checked, and every other
//!   path a finding points at (a file in a build context). The suite's `name` is the path.
//! - One `<testcase>` per unsuppressed finding, named `SW201 path:line:col` (`SW201 path`
//!   for a finding about a whole file; ` #2`, ` #3`… is appended when two findings of one
//!   rule start at the same place), with `file` and `line` attributes and a
//!   `<failure message="…" type="severity">` whose text gives the rule code and name, the
//!   location, the message, the help, the rule's documentation URL and the offending source
//!   line.
//! - A parse error (`SW001`) is an `<error>` instead of a `<failure>`, and so is a file
//!   that could not be checked: a test case `not checked: path` with
//!   `<error message="…" type="unreadable">` (the diagnostic's kind).
//! - A checked file without findings has one passing test case, `no findings`. With
//!   [`EmitOptions::junit_passed_rules`], every checked file instead gets one passing case
//!   per enabled rule that reported nothing unsuppressed in it, named `SW101
//!   image-tag-mutable`.
//! - `classname` is the suite's path with `.` replaced by `_` (`svc/app_Dockerfile`): Jenkins
//!   splits class names on dots into packages, which would scatter `Dockerfile.dev` over
//!   two levels. Names and class names have control characters escaped (`\n`), as XML
//!   attribute values would turn a newline into a space.
//! - Every `time` is `0.000` and there is no `timestamp` or `hostname`, so the output is
//!   deterministic; with [`EmitOptions::junit_timestamp`] every suite gets that
//!   `timestamp`.
//!
//! Deviations from the Apache Ant XSD (the de-facto schema, vendored in `tests/data/`),
//! all accepted by GitLab and Jenkins: `testsuites` carries `name`, `tests`, `failures`,
//! `errors` and `skipped` counts; `testsuite` has no `package`, `id`, `hostname`,
//! `properties`, `system-out` or `system-err` (and no `timestamp` unless given);
//! `testcase` has `file` and `line` attributes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};
use seaworthy_core::diagnostic::Diagnostic;
use seaworthy_core::finding::{Finding, normalise_whitespace};
use seaworthy_core::rule::RuleMeta;

use crate::{EmitOptions, Emitter, PARSE_ERROR_CODE, Report, Sources, one_line, valid_region};

/// The `junit` emitter.
#[derive(Clone, Debug, Default)]
pub struct Junit {
    passed_rules: bool,
    timestamp: Option<String>,
}

impl Junit {
    pub fn new(opts: &EmitOptions) -> Self {
        Self {
            passed_rules: opts.junit_passed_rules,
            timestamp: opts.junit_timestamp.clone(),
        }
    }
}

/// Formats seconds since the Unix epoch (as in `SOURCE_DATE_EPOCH`) as the XSD's
/// `YYYY-MM-DDTHH:MM:SS` in UTC.
pub fn timestamp_from_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days to civil date (proleptic Gregorian), after H. Hinnant's public-domain algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// What one suite (one path) holds.
#[derive(Default)]
struct Suite<'a> {
    checked: bool,
    findings: Vec<&'a Finding>,
    diagnostics: Vec<&'a Diagnostic>,
}

impl Emitter for Junit {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sources = report.sources();
        let mut suites: BTreeMap<&str, Suite<'_>> = BTreeMap::new();
        for file in report.files {
            suites.entry(&file.path).or_default().checked = true;
        }
        for finding in report.unsuppressed() {
            suites
                .entry(&finding.location.path)
                .or_default()
                .findings
                .push(finding);
        }
        for diagnostic in report.diagnostics {
            suites
                .entry(&diagnostic.path)
                .or_default()
                .diagnostics
                .push(diagnostic);
        }

        let mut junit = JunitReport::new("seaworthy");
        for (path, suite) in &suites {
            junit.add_test_suite(self.suite(report, &sources, path, suite));
        }
        junit.serialize(&mut *out).map_err(io::Error::other)
    }
}

impl Junit {
    fn suite(
        &self,
        report: &Report<'_>,
        sources: &Sources<'_>,
        path: &str,
        suite: &Suite<'_>,
    ) -> TestSuite {
        let classname = class_name(path);
        let mut test_suite = TestSuite::new(one_line(path).into_owned());
        test_suite.set_time(Duration::ZERO);
        if let Some(timestamp) = &self.timestamp {
            test_suite
                .extra
                .insert("timestamp".into(), timestamp.as_str().into());
        }

        let mut names: HashMap<String, usize> = HashMap::new();
        for finding in &suite.findings {
            let base = case_name(finding);
            let n = names.entry(base.clone()).or_insert(0);
            *n += 1;
            let name = if *n == 1 {
                base
            } else {
                format!("{base} #{n}")
            };
            let kind = if finding.rule.code == PARSE_ERROR_CODE {
                NonSuccessKind::Error
            } else {
                NonSuccessKind::Failure
            };
            let mut status = TestCaseStatus::non_success(kind);
            status
                .set_message(normalise_whitespace(&finding.message))
                .set_type(finding.severity.as_str())
                .set_description(failure_text(report, sources, finding));
            let mut case = TestCase::new(name, status);
            case.set_classname(classname.as_str())
                .set_time(Duration::ZERO);
            case.extra.insert(
                "file".into(),
                one_line(&finding.location.path).as_ref().into(),
            );
            if let Some((start, _)) = valid_region(&finding.location) {
                case.extra
                    .insert("line".into(), start.line.to_string().into());
            }
            test_suite.add_test_case(case);
        }

        for diagnostic in &suite.diagnostics {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status
                .set_message(normalise_whitespace(&diagnostic.message))
                .set_type(diagnostic.kind.as_str())
                .set_description(format!(
                    "{} was not checked ({}): {}",
                    one_line(&diagnostic.path),
                    diagnostic.kind,
                    diagnostic.message
                ));
            let mut case = TestCase::new(format!("not checked: {}", one_line(path)), status);
            case.set_classname(classname.as_str())
                .set_time(Duration::ZERO);
            case.extra
                .insert("file".into(), one_line(&diagnostic.path).as_ref().into());
            test_suite.add_test_case(case);
        }

        if suite.checked {
            if self.passed_rules {
                let failing: HashSet<&str> = suite.findings.iter().map(|f| f.rule.code).collect();
                for rule in report.rules {
                    if !failing.contains(rule.code) {
                        test_suite.add_test_case(passing(rule_case_name(rule), &classname, path));
                    }
                }
            } else if suite.findings.is_empty() {
                test_suite.add_test_case(passing("no findings".to_owned(), &classname, path));
            }
        }
        test_suite
    }
}

fn passing(name: String, classname: &str, path: &str) -> TestCase {
    let mut case = TestCase::new(name, TestCaseStatus::success());
    case.set_classname(classname).set_time(Duration::ZERO);
    case.extra
        .insert("file".into(), one_line(path).as_ref().into());
    case
}

/// `svc/app.Dockerfile` → `svc/app_Dockerfile`.
fn class_name(path: &str) -> String {
    one_line(path).replace('.', "_")
}

fn case_name(finding: &Finding) -> String {
    let path = one_line(&finding.location.path);
    match valid_region(&finding.location) {
        Some((start, _)) => format!(
            "{} {path}:{}:{}",
            finding.rule.code, start.line, start.column
        ),
        None => format!("{} {path}", finding.rule.code),
    }
}

fn rule_case_name(rule: &RuleMeta) -> String {
    format!("{} {}", rule.code, rule.name)
}

/// The text of a `<failure>`: what a person reads in the test report.
fn failure_text(report: &Report<'_>, sources: &Sources<'_>, finding: &Finding) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} {} [{}]",
        finding.rule.code, finding.rule.name, finding.severity
    );
    let region = valid_region(&finding.location);
    let path = one_line(&finding.location.path);
    match region {
        Some((start, _)) => {
            let _ = writeln!(text, "at {path}:{}:{}", start.line, start.column);
        }
        None => {
            let _ = writeln!(text, "at {path}");
        }
    }
    let _ = writeln!(text, "{}", finding.message);
    if let Some(help) = &finding.help {
        let _ = writeln!(text, "help: {help}");
    }
    for related in &finding.related {
        let path = one_line(&related.location.path);
        let label = one_line(&related.label);
        match valid_region(&related.location) {
            Some((start, _)) => {
                let _ = writeln!(
                    text,
                    "related: {path}:{}:{}: {label}",
                    start.line, start.column
                );
            }
            None => {
                let _ = writeln!(text, "related: {path}: {label}");
            }
        }
    }
    let _ = writeln!(text, "docs: {}", report.tool.help_uri(finding.rule));
    if let (Some((start, end)), Some(file)) =
        (region, sources.get(&finding.location, Some(finding)))
    {
        let _ = writeln!(text, "source:");
        // At most three lines: enough to recognise the place.
        for line in start.line..=end.line.min(start.line.saturating_add(2)) {
            let _ = writeln!(text, "{line:>5} | {}", sources.line_text(file, line));
        }
    }
    // quick-junit drops tabs along with other control characters: keep the alignment.
    text.replace('\t', "    ")
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use quick_xml::events::Event;

    use super::*;
    use crate::testing::{self, SampleReport, emit};
    use crate::{EmitOptions, Format};

    /// A parsed XML element.
    #[derive(Debug, Default)]
    struct Node {
        name: String,
        attrs: BTreeMap<String, String>,
        children: Vec<Node>,
        text: String,
    }

    fn parse(xml: &str) -> Node {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack: Vec<Node> = vec![Node::default()];
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => stack.push(node(&e)),
                Event::Empty(e) => {
                    let n = node(&e);
                    stack.last_mut().unwrap().children.push(n);
                }
                Event::End(_) => {
                    let n = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(n);
                }
                Event::Text(t) => {
                    let text = t.xml10_content().unwrap();
                    stack.last_mut().unwrap().text.push_str(&text);
                }
                Event::GeneralRef(r) => {
                    let name = r.decode().unwrap();
                    let c = match name.as_ref() {
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "amp" => "&".to_owned(),
                        "quot" => "\"".to_owned(),
                        "apos" => "'".to_owned(),
                        other => panic!("unexpected entity {other}"),
                    };
                    stack.last_mut().unwrap().text.push_str(&c);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "unbalanced XML");
        stack.pop().unwrap().children.pop().expect("a root element")
    }

    fn node(e: &quick_xml::events::BytesStart<'_>) -> Node {
        let mut n = Node {
            name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            ..Node::default()
        };
        for attr in e.attributes() {
            let attr = attr.unwrap();
            let key = String::from_utf8(attr.key.as_ref().to_vec()).unwrap();
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap()
                .into_owned();
            assert!(n.attrs.insert(key, value).is_none(), "duplicate attribute");
        }
        n
    }

    fn descendants<'n>(n: &'n Node, name: &str, out: &mut Vec<&'n Node>) {
        for c in &n.children {
            if c.name == name {
                out.push(c);
            }
            descendants(c, name, out);
        }
    }

    fn cases(root: &Node) -> Vec<&Node> {
        let mut out = Vec::new();
        descendants(root, "testcase", &mut out);
        out
    }

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Junit, &EmitOptions::default(), &sample.report());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn sample_with_passed_rules_and_timestamp() {
        let sample = SampleReport::new();
        let opts = EmitOptions {
            junit_passed_rules: true,
            junit_timestamp: Some(timestamp_from_unix(1_700_000_000)),
            ..EmitOptions::default()
        };
        let out = emit(Format::Junit, &opts, &sample.report());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn round_trip_and_unique_case_ids() {
        let sample = SampleReport::new();
        let report = sample.report();
        for opts in [
            EmitOptions::default(),
            EmitOptions {
                junit_passed_rules: true,
                ..EmitOptions::default()
            },
        ] {
            let xml = emit(Format::Junit, &opts, &report);
            let root = parse(&xml);
            assert_eq!(root.name, "testsuites");
            let all = cases(&root);
            let mut seen = HashSet::new();
            for case in &all {
                let id = (case.attrs["classname"].clone(), case.attrs["name"].clone());
                assert!(seen.insert(id.clone()), "duplicate test case {id:?}");
                assert!(!case.attrs["classname"].contains('.'), "{id:?}");
            }
            let suites: Vec<&str> = root
                .children
                .iter()
                .map(|s| s.attrs["name"].as_str())
                .collect();
            assert_eq!(
                suites,
                vec![
                    ".env",
                    "Dockerfile",
                    "legacy/Dockerfile",
                    "svc/we%ird,na:me\\n.Dockerfile"
                ]
            );
            let failures: Vec<&Node> = all
                .iter()
                .flat_map(|c| c.children.iter())
                .filter(|c| c.name == "failure")
                .collect();
            assert_eq!(failures.len(), 6, "one per unsuppressed finding but SW001");
            let errors: Vec<&Node> = all
                .iter()
                .flat_map(|c| c.children.iter())
                .filter(|c| c.name == "error")
                .collect();
            assert_eq!(errors.len(), 2, "the parse error and the unreadable file");
            // Attribute values and texts survive escaping.
            let secret = failures
                .iter()
                .find(|f| f.text.starts_with("SW302"))
                .unwrap();
            let finding = report
                .findings
                .iter()
                .find(|f| f.rule.code == "SW302")
                .unwrap();
            // Attribute values cannot keep newlines (parsers turn them into spaces), so the
            // message attribute is the message on one line; the text keeps it whole.
            assert_eq!(
                secret.attrs["message"],
                seaworthy_core::finding::normalise_whitespace(&finding.message)
            );
            assert!(secret.text.contains(&finding.message));
            assert_eq!(secret.attrs["type"], "critical");
            assert!(
                secret.text.contains("ENV API_TOKEN=ghp_"),
                "{}",
                secret.text
            );
            assert!(secret.text.contains("docs: https://"), "{}", secret.text);
        }
    }

    #[test]
    fn colliding_case_names_are_numbered() {
        let mut sample = SampleReport::new();
        let dup = sample
            .findings
            .iter()
            .find(|f| f.rule.code == "SW201")
            .unwrap()
            .clone();
        sample.findings.push(dup.clone());
        sample.findings.push(dup);
        let xml = emit(Format::Junit, &EmitOptions::default(), &sample.report());
        let root = parse(&xml);
        let names: Vec<String> = cases(&root)
            .iter()
            .map(|c| c.attrs["name"].clone())
            .filter(|n| n.starts_with("SW201"))
            .collect();
        assert_eq!(
            names,
            vec![
                "SW201 Dockerfile:8:6",
                "SW201 Dockerfile:8:6 #2",
                "SW201 Dockerfile:8:6 #3"
            ]
        );
    }

    #[test]
    fn clean_files_pass_and_timestamps_are_opt_in() {
        let file = seaworthy_core::source::SourceFile::new(
            seaworthy_core::source::FileId(0),
            "ok/Dockerfile",
            seaworthy_core::source::FileKind::Dockerfile,
            "FROM scratch\n",
        );
        let sample =
            SampleReport::assemble(vec![file], Vec::new(), testing::sample_rules(), Vec::new());
        let xml = emit(Format::Junit, &EmitOptions::default(), &sample.report());
        assert!(!xml.contains("timestamp"));
        assert!(!xml.contains("hostname"));
        let root = parse(&xml);
        let all = cases(&root);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].attrs["name"], "no findings");
        assert_eq!(all[0].attrs["classname"], "ok/Dockerfile");
        assert!(all[0].children.is_empty());
    }

    #[test]
    fn unix_timestamps() {
        assert_eq!(timestamp_from_unix(0), "1970-01-01T00:00:00");
        assert_eq!(timestamp_from_unix(1_700_000_000), "2023-11-14T22:13:20");
        assert_eq!(timestamp_from_unix(951_782_400), "2000-02-29T00:00:00");
        assert_eq!(timestamp_from_unix(-1), "1969-12-31T23:59:59");
    }

    // A structural check of the output against the vendored Ant XSD: the XSD is read and
    // interpreted (elements, their attributes and whether they are required, the child
    // elements a sequence or choice allows and their order), and the output is checked
    // against it. The deviations documented in the module docs are the only ones allowed.

    /// What the XSD says about one element.
    #[derive(Debug, Default, Clone)]
    struct ElementRule {
        /// attribute → (required, XSD type)
        attrs: BTreeMap<String, (bool, String)>,
        /// child elements in sequence order → (required, rule)
        children: Vec<(String, bool, ElementRule)>,
    }

    struct Xsd {
        types: BTreeMap<String, Node>,
        elements: BTreeMap<String, Node>,
    }

    impl Xsd {
        fn load() -> Self {
            let text = std::fs::read_to_string(testing::data_dir().join("junit.xsd")).unwrap();
            let root = parse(&text);
            let mut types = BTreeMap::new();
            let mut elements = BTreeMap::new();
            for child in root.children {
                match child.name.as_str() {
                    "xs:complexType" | "xs:simpleType" => {
                        types.insert(child.attrs["name"].clone(), child);
                    }
                    "xs:element" => {
                        elements.insert(child.attrs["name"].clone(), child);
                    }
                    _ => {}
                }
            }
            Self { types, elements }
        }

        fn element(&self, decl: &Node, depth: usize) -> ElementRule {
            assert!(depth < 16, "XSD nesting too deep");
            let mut rule = ElementRule::default();
            if let Some(ty) = decl.attrs.get("type") {
                if let Some(t) = self.types.get(ty) {
                    self.content(t, &mut rule, depth);
                }
            }
            for child in &decl.children {
                self.content(child, &mut rule, depth);
            }
            rule
        }

        fn content(&self, n: &Node, rule: &mut ElementRule, depth: usize) {
            match n.name.as_str() {
                "xs:complexType" | "xs:complexContent" | "xs:simpleContent" => {
                    for c in &n.children {
                        self.content(c, rule, depth);
                    }
                }
                "xs:extension" => {
                    if let Some(base) = self.types.get(&n.attrs["base"]) {
                        self.content(base, rule, depth);
                    }
                    for c in &n.children {
                        self.content(c, rule, depth);
                    }
                }
                "xs:sequence" | "xs:choice" => {
                    let in_choice = n.name == "xs:choice";
                    for c in &n.children {
                        if c.name == "xs:element" {
                            let min = c.attrs.get("minOccurs").map_or("1", String::as_str);
                            let required = !in_choice && min != "0";
                            let child = self.element(c, depth + 1);
                            rule.children
                                .push((c.attrs["name"].clone(), required, child));
                        }
                    }
                }
                "xs:attribute" => {
                    let required = n.attrs.get("use").is_some_and(|u| u == "required");
                    let ty = n.attrs.get("type").cloned().unwrap_or_else(|| {
                        // An inline restriction of xs:token with minLength 1.
                        "non-empty-token".to_owned()
                    });
                    rule.attrs.insert(n.attrs["name"].clone(), (required, ty));
                }
                _ => {}
            }
        }
    }

    /// Deviations from the XSD that seaworthy's output makes on purpose (see module docs).
    fn allowed_deviation(element: &str, what: &str) -> bool {
        matches!(
            (element, what),
            (
                "testsuites",
                "extra @name"
                    | "extra @tests"
                    | "extra @failures"
                    | "extra @errors"
                    | "extra @skipped"
            ) | (
                "testsuite",
                "missing @package"
                    | "missing @id"
                    | "missing @hostname"
                    | "missing @timestamp"
                    | "missing <properties>"
                    | "missing <system-out>"
                    | "missing <system-err>"
            ) | ("testcase", "extra @file" | "extra @line")
        )
    }

    fn check(node: &Node, rule: &ElementRule, problems: &mut Vec<String>) {
        let name = node.name.as_str();
        for (attr, (required, ty)) in &rule.attrs {
            match node.attrs.get(attr) {
                None if *required => {
                    let what = format!("missing @{attr}");
                    if !allowed_deviation(name, &what) {
                        problems.push(format!("<{name}>: {what}"));
                    }
                }
                None => {}
                Some(value) => {
                    let ok = match ty.as_str() {
                        "xs:int" => value.parse::<i32>().is_ok(),
                        "xs:decimal" => {
                            !value.is_empty()
                                && value.chars().all(|c| c.is_ascii_digit() || c == '.')
                        }
                        "ISO8601_DATETIME_PATTERN" => {
                            value.len() == 19
                                && value.char_indices().all(|(i, c)| match i {
                                    4 | 7 => c == '-',
                                    10 => c == 'T',
                                    13 | 16 => c == ':',
                                    _ => c.is_ascii_digit(),
                                })
                        }
                        "non-empty-token" | "xs:token" => !value.trim().is_empty(),
                        _ => true,
                    };
                    if !ok {
                        problems.push(format!("<{name}>: @{attr}={value:?} is not a {ty}"));
                    }
                }
            }
        }
        for attr in node.attrs.keys() {
            if !rule.attrs.contains_key(attr) {
                let what = format!("extra @{attr}");
                if !allowed_deviation(name, &what) {
                    problems.push(format!("<{name}>: {what}"));
                }
            }
        }
        let mut last_position = 0;
        for child in &node.children {
            match rule.children.iter().position(|(n, _, _)| *n == child.name) {
                None => problems.push(format!("<{name}>: unexpected <{}>", child.name)),
                Some(position) => {
                    if position < last_position {
                        problems.push(format!("<{name}>: <{}> out of order", child.name));
                    }
                    last_position = position;
                    check(child, &rule.children[position].2, problems);
                }
            }
        }
        for (child, required, _) in &rule.children {
            if *required && !node.children.iter().any(|c| c.name == *child) {
                let what = format!("missing <{child}>");
                if !allowed_deviation(name, &what) {
                    problems.push(format!("<{name}>: {what}"));
                }
            }
        }
        let choice_elements = ["failure", "error", "skipped"];
        if name == "testcase" {
            let statuses = node
                .children
                .iter()
                .filter(|c| choice_elements.contains(&c.name.as_str()))
                .count();
            if statuses > 1 {
                problems.push("<testcase>: more than one of failure/error/skipped".to_owned());
            }
        }
    }

    fn xsd_problems(xml: &str) -> Vec<String> {
        let xsd = Xsd::load();
        let rule = xsd.element(&xsd.elements["testsuites"], 0);
        let root = parse(xml);
        assert_eq!(root.name, "testsuites");
        let mut problems = Vec::new();
        check(&root, &rule, &mut problems);
        problems
    }

    #[test]
    fn output_follows_the_xsd_but_for_documented_deviations() {
        let sample = SampleReport::new();
        for opts in [
            EmitOptions::default(),
            EmitOptions {
                junit_passed_rules: true,
                junit_timestamp: Some(timestamp_from_unix(1_700_000_000)),
                ..EmitOptions::default()
            },
        ] {
            let xml = emit(Format::Junit, &opts, &sample.report());
            let problems = xsd_problems(&xml);
            assert!(problems.is_empty(), "{problems:#?}");
        }
        let empty = SampleReport::empty();
        let xml = emit(Format::Junit, &EmitOptions::default(), &empty.report());
        assert!(xsd_problems(&xml).is_empty());
    }

    #[test]
    fn the_xsd_check_catches_mistakes() {
        let xsd = Xsd::load();
        let rule = xsd.element(&xsd.elements["testsuites"], 0);
        let suite = &rule.children[0].2;
        assert!(suite.attrs["tests"].0, "tests is required");
        let case = &suite.children.iter().find(|c| c.0 == "testcase").unwrap().2;
        assert!(case.attrs["classname"].0 && case.attrs["name"].0 && case.attrs["time"].0);
        assert!(case.children.iter().any(|c| c.0 == "failure" && !c.1));

        let bad = r#"<testsuites><testsuite name="a" tests="x" failures="0" errors="0" time="0">
            <testcase name="n" time="0"><failure/><bogus/></testcase></testsuite></testsuites>"#;
        let problems = xsd_problems(bad);
        for expected in [
            "<testsuite>: @tests=\"x\" is not a xs:int",
            "<testcase>: missing @classname",
            "<failure>: missing @type",
            "<testcase>: unexpected <bogus>",
        ] {
            assert!(
                problems.iter().any(|p| p == expected),
                "{expected}: {problems:#?}"
            );
        }
    }
}
