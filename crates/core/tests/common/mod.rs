//! Helpers shared by integration tests: running rules on text, and the KICS sample harness.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use seaworthy_core::date::Date;
use seaworthy_core::engine;
use seaworthy_core::finding::Finding;
use seaworthy_core::settings::{Options, Overrides, Settings};
use seaworthy_core::source::{FileId, FileKind, SourceFile};

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The scan date every test uses, so end-of-life results are reproducible.
pub fn test_date() -> Date {
    Date::parse("2026-11-29").unwrap()
}

/// Settings with exactly the given rules enabled.
pub fn settings_for(codes: &[&str]) -> Settings {
    Settings::resolve(
        &Options::default(),
        &Overrides {
            select: Some(codes.iter().map(|c| (*c).to_owned()).collect()),
            today: Some(test_date()),
            ..Overrides::default()
        },
    )
    .unwrap()
}

/// Default settings (the default rule set) on the test date.
pub fn default_settings() -> Settings {
    Settings::resolve(
        &Options::default(),
        &Overrides {
            today: Some(test_date()),
            ..Overrides::default()
        },
    )
    .unwrap()
}

/// Checks one Dockerfile text; unsuppressed findings only.
pub fn check_dockerfile(text: &str, settings: &Settings) -> Vec<Finding> {
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, text);
    engine::check(std::slice::from_ref(&file), settings)
        .findings
        .into_iter()
        .filter(|f| f.suppressed.is_none())
        .collect()
}

/// `(line, code)` of findings.
pub fn lines(findings: &[Finding]) -> Vec<(u32, &'static str)> {
    findings
        .iter()
        .map(|f| (f.location.region.map_or(0, |(s, _)| s.line), f.rule.code))
        .collect()
}

/// A sample the mapped rule deliberately treats differently from KICS.
pub struct Disagreement {
    /// File name in the query's `test/` folder.
    pub file: &'static str,
    /// The expected line we do not report (positive), or the line we report in a negative
    /// sample; `None` for the whole file.
    pub line: Option<u32>,
    pub reason: &'static str,
}

/// Figures for one KICS query.
#[derive(Debug, Default)]
pub struct KicsResult {
    pub query: String,
    pub expected: usize,
    pub matched: usize,
    pub waived: usize,
    pub missed: Vec<(String, u32)>,
    pub negative_hits: Vec<(String, u32, String)>,
}

impl KicsResult {
    /// Counts sample `name` (text `text`): `found` holds the lines of each finding of the
    /// mapped rules (a finding may span several), `waived(file, lines)` says whether a
    /// deliberate disagreement covers a finding or an expected line. On a negative sample
    /// every unwaived finding is a hit; on a positive one each expected line of the sample is
    /// matched by a finding that covers it, waived, or missed.
    pub fn count_sample<L: AsRef<[u32]>>(
        &mut self,
        name: &str,
        text: &str,
        found: &[L],
        expected: &BTreeSet<(String, u32)>,
        waived: impl Fn(&str, &[u32]) -> bool,
    ) {
        if name.starts_with("negative") {
            for lines in found.iter().map(AsRef::as_ref) {
                if !waived(name, lines) {
                    let shown = text.lines().nth(lines[0] as usize - 1).unwrap_or("");
                    self.negative_hits
                        .push((name.to_owned(), lines[0], shown.to_owned()));
                }
            }
            return;
        }
        for (file, line) in expected.iter().filter(|(f, _)| f == name) {
            if found.iter().any(|l| l.as_ref().contains(line)) {
                self.matched += 1;
            } else if waived(file, &[*line]) {
                self.waived += 1;
            } else {
                self.missed.push((file.clone(), *line));
            }
        }
    }

    pub fn ratio(&self) -> f64 {
        let denom = self.expected - self.waived;
        if denom == 0 {
            1.0
        } else {
            #[allow(clippy::cast_precision_loss)]
            let r = self.matched as f64 / denom as f64;
            r
        }
    }
}

/// The (file, line) pairs of `positive_expected_result.json` in `test_dir`; an entry without
/// a file name belongs to the first of `positives`.
pub fn expected_pairs(test_dir: &Path, positives: &[String]) -> BTreeSet<(String, u32)> {
    let text = std::fs::read_to_string(test_dir.join("positive_expected_result.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = BTreeSet::new();
    for entry in v.as_array().unwrap() {
        let line = u32::try_from(entry["line"].as_u64().unwrap()).unwrap();
        let file = entry
            .get("fileName")
            .or_else(|| entry.get("filename"))
            .and_then(|f| f.as_str())
            .map_or_else(|| positives[0].clone(), str::to_owned);
        out.insert((file, line));
    }
    out
}

/// Runs the rules `codes` on every sample of KICS query `folder` (under
/// `tests/data/kics/dockerfile/`).
pub fn kics_dockerfile(folder: &str, codes: &[&str], disagreements: &[Disagreement]) -> KicsResult {
    let test_dir = data_dir().join("kics/dockerfile").join(folder).join("test");
    let mut names: Vec<String> = std::fs::read_dir(&test_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", test_dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".dockerfile"))
        .collect();
    names.sort();
    let positives: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("positive"))
        .cloned()
        .collect();
    let expected = expected_pairs(&test_dir, &positives);
    let settings = settings_for(codes);
    let mut result = KicsResult {
        query: folder.to_owned(),
        expected: expected.len(),
        ..KicsResult::default()
    };
    let waived = |file: &str, line: u32| {
        disagreements
            .iter()
            .any(|d| d.file == file && d.line.is_none_or(|l| l == line))
    };
    for name in &names {
        let text = std::fs::read_to_string(test_dir.join(name)).unwrap();
        let found: BTreeSet<u32> = check_dockerfile(&text, &settings)
            .iter()
            .filter(|f| codes.contains(&f.rule.code))
            .map(|f| f.location.region.map_or(0, |(s, _)| s.line))
            .collect();
        let found: Vec<[u32; 1]> = found.into_iter().map(|l| [l]).collect();
        result.count_sample(name, &text, &found, &expected, |file, lines| {
            lines.iter().any(|l| waived(file, *l))
        });
    }
    result
}

/// Asserts the acceptance bar: ≥ 95% of expected pairs, no negative sample hit.
pub fn assert_kics(result: &KicsResult) {
    assert!(
        result.ratio() >= 0.95 && result.negative_hits.is_empty(),
        "KICS {}: matched {}/{} (waived {}), missed {:?}, negative hits {:?}",
        result.query,
        result.matched,
        result.expected,
        result.waived,
        result.missed,
        result.negative_hits
    );
}
