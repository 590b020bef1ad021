//! `action/scan.sh` and `action/gate.sh` with the real binary: outputs, reports, and the
//! gate's exit code for every fail-on.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::{Sandbox, Step, StepRun, path_str, seaworthy};

/// No finding under any rule: nothing to pin, no root, nothing copied from a directory.
pub(crate) const CLEAN: &str =
    "FROM scratch\nCOPY app /app\nUSER 65532:65532\nHEALTHCHECK NONE\nENTRYPOINT [\"/app\"]\n";
/// Runs as root (high) from an unpinned image (medium).
pub(crate) const INSECURE: &str = "FROM node\nRUN npm install\n";

pub(crate) const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

pub(crate) fn rank(severity: &str) -> usize {
    match severity {
        "none" => 0,
        s => 5 - SEVERITIES.iter().position(|x| *x == s).expect("a severity"),
    }
}

/// Writes a project (a Dockerfile and, for CLEAN, the file it copies) below the workspace.
pub(crate) fn project(sb: &Sandbox, rel: &str, dockerfile: &str) -> std::path::PathBuf {
    let dir = sb.workspace().join(rel);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    fs::write(dir.join("app"), "binary\n").unwrap();
    dir
}

pub(crate) fn scan(sb: &Sandbox) -> Step<'_> {
    Step::new(sb, "scan.sh").env("SEAWORTHY_BIN", path_str(&seaworthy()))
}

/// The gate step, fed with the scan step's outputs as action.yml does.
pub(crate) fn gate(sb: &Sandbox, scan: &StepRun, fail_on: &str) -> StepRun {
    Step::new(sb, "gate.sh")
        .env("INPUT_FAIL_ON", fail_on)
        .env("MAX_SEVERITY", scan.output("max-severity").unwrap_or(""))
        .env("FINDINGS", scan.output("findings").unwrap_or(""))
        .env("VERDICT", scan.output("verdict").unwrap_or(""))
        .run()
}

/// What the CLI itself says about a directory: (findings, most severe, exit code without
/// `--fail-on`).
pub(crate) fn ground_truth(dir: &Path, extra: &[&str]) -> (u64, String, i32) {
    let out = Command::new(seaworthy())
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &doc["summary"];
    let max = SEVERITIES
        .iter()
        .find(|s| summary["by_severity"][**s].as_u64().unwrap() > 0)
        .map_or("none", |s| *s);
    (
        summary["findings"].as_u64().unwrap(),
        max.to_owned(),
        out.status.code().unwrap(),
    )
}

fn read_json(path: &str) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn sarif_results(path: &str) -> Vec<Value> {
    read_json(path)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .clone()
}

fn annotations(run: &StepRun) -> Vec<crate::harness::WorkflowCommand> {
    run.commands()
        .into_iter()
        .filter(|c| c.properties.starts_with("file="))
        .collect()
}

#[test]
fn clean_project_passes_every_threshold() {
    let sb = Sandbox::new("scan-clean");
    project(&sb, "", CLEAN);
    let run = scan(&sb).run();
    assert_eq!(run.code, 0, "{}", run.describe());
    assert_eq!(run.out("findings"), "0");
    assert_eq!(run.out("max-severity"), "none");
    assert_eq!(run.out("verdict"), "pass");
    assert_eq!(run.out("junit-file"), "");
    let sarif = run.out("sarif-file");
    assert!(sarif.starts_with(&path_str(&sb.path("temp"))), "{sarif}");
    assert!(sarif_results(sarif).is_empty());
    assert!(run.summary.contains("seaworthy"), "{}", run.summary);
    assert!(run.errors().is_empty(), "{}", run.describe());
    for fail_on in SEVERITIES.iter().chain(&["never", ""]) {
        let g = gate(&sb, &run, fail_on);
        assert_eq!(g.code, 0, "fail-on {fail_on:?}: {}", g.describe());
    }
}

#[test]
fn gate_exit_code_follows_fail_on() {
    let sb = Sandbox::new("scan-gate");
    let dir = project(&sb, "", INSECURE);
    let (findings, max, default_code) = ground_truth(&dir, &[]);
    assert!(findings > 0 && max != "none");

    let mut passed = 0;
    let mut failed = 0;
    for fail_on in [
        "critical", "high", "medium", "low", "info", "never", "", "HIGH", "none",
    ] {
        let run = scan(&sb).env("INPUT_FAIL_ON", fail_on).run();
        assert_eq!(
            run.code,
            0,
            "findings never fail the scan step: {}",
            run.describe()
        );
        assert_eq!(run.out("findings"), findings.to_string());
        assert_eq!(run.out("max-severity"), max);
        let normalized = fail_on.to_ascii_lowercase();
        let expected = match normalized.as_str() {
            "never" | "none" => 0,
            // No fail-on: the CLI's own threshold (here its default, medium).
            "" => default_code,
            threshold => i32::from(rank(&max) >= rank(threshold)),
        };
        let expected_verdict = if expected == 1 { "fail" } else { "pass" };
        assert_eq!(run.out("verdict"), expected_verdict, "fail-on {fail_on:?}");
        let g = gate(&sb, &run, fail_on);
        assert_eq!(g.code, expected, "fail-on {fail_on:?}: {}", g.describe());
        if expected == 1 {
            failed += 1;
            assert!(
                g.errors()
                    .iter()
                    .any(|e| e.contains(&format!("the most severe {max}"))),
                "{}",
                g.describe()
            );
        } else {
            passed += 1;
        }
    }
    assert!(
        passed > 0 && failed > 0,
        "the project exercises both outcomes"
    );
}

#[test]
fn reports_are_written_when_the_gate_fails() {
    let sb = Sandbox::new("scan-reports");
    let dir = project(&sb, "", INSECURE);
    let (findings, _, _) = ground_truth(&dir, &[]);
    let run = scan(&sb)
        .env("INPUT_FAIL_ON", "info")
        .env("INPUT_SARIF_FILE", "reports/out.sarif")
        .env("INPUT_JUNIT_FILE", "reports/junit.xml")
        .run();
    assert_eq!(run.code, 0, "{}", run.describe());
    let g = gate(&sb, &run, "info");
    assert_eq!(g.code, 1, "{}", g.describe());

    let sarif = run.out("sarif-file");
    assert_eq!(sarif, path_str(&dir.join("reports/out.sarif")));
    assert_eq!(sarif_results(sarif).len() as u64, findings);
    let junit = fs::read_to_string(run.out("junit-file")).unwrap();
    assert_eq!(
        run.out("junit-file"),
        path_str(&dir.join("reports/junit.xml"))
    );
    assert_eq!(
        junit.matches("<failure").count() as u64,
        findings,
        "{junit}"
    );
    assert!(run.summary.contains("findings"), "{}", run.summary);
    let notes = annotations(&run);
    assert_eq!(notes.len() as u64, findings, "{}", run.describe());
    assert!(
        notes
            .iter()
            .all(|c| c.properties.starts_with("file=Dockerfile,"))
    );
    assert!(
        notes.iter().any(|c| c.name == "error"),
        "{}",
        run.describe()
    );
}

#[test]
fn without_fail_on_the_configuration_decides() {
    let sb = Sandbox::new("scan-config");
    let strict = project(&sb, "strict", "FROM node\n");
    fs::write(
        strict.join(".seaworthy.toml"),
        "select = [\"SW101\"]\nfail-on = \"low\"\n\n[severity]\nSW101 = \"low\"\n",
    )
    .unwrap();
    let lenient = project(&sb, "lenient", "FROM node\n");
    fs::write(
        lenient.join(".seaworthy.toml"),
        "select = [\"SW101\"]\n\n[severity]\nSW101 = \"low\"\n",
    )
    .unwrap();

    for (dir, fail_on, expected) in [
        ("strict", "", 1),
        ("strict", "medium", 0),
        ("lenient", "", 0),
        ("lenient", "low", 1),
    ] {
        let run = scan(&sb)
            .env("INPUT_WORKING_DIRECTORY", dir)
            .env("INPUT_FAIL_ON", fail_on)
            .run();
        assert_eq!(run.code, 0, "{}", run.describe());
        assert_eq!(run.out("findings"), "1");
        assert_eq!(run.out("max-severity"), "low");
        let g = gate(&sb, &run, fail_on);
        assert_eq!(
            g.code,
            expected,
            "{dir} fail-on {fail_on:?}: {}",
            g.describe()
        );
    }
}

#[test]
fn annotations_and_summary_can_be_turned_off() {
    let sb = Sandbox::new("scan-quiet");
    project(&sb, "", INSECURE);
    let run = scan(&sb)
        .env("INPUT_ANNOTATIONS", "False")
        .env("INPUT_JOB_SUMMARY", " false ")
        .run();
    assert_eq!(run.code, 0, "{}", run.describe());
    assert!(annotations(&run).is_empty(), "{}", run.describe());
    assert_eq!(run.summary, "");
    assert_ne!(run.out("findings"), "0");

    let run = scan(&sb).env("INPUT_ANNOTATIONS", "TRUE").run();
    assert!(!annotations(&run).is_empty(), "{}", run.describe());
}

#[test]
fn paths_are_rebased_onto_the_workspace() {
    let sb = Sandbox::new("scan-rebase");
    project(&sb, "services/api v2", INSECURE);
    let run = scan(&sb)
        .env("INPUT_WORKING_DIRECTORY", "services/api v2")
        .run();
    assert_eq!(run.code, 0, "{}", run.describe());
    let notes = annotations(&run);
    assert!(!notes.is_empty());
    for note in &notes {
        assert!(
            note.properties
                .starts_with("file=services/api v2/Dockerfile,"),
            "{note:?}"
        );
    }
    for result in sarif_results(run.out("sarif-file")) {
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, "services/api%20v2/Dockerfile");
    }

    // Outside the workspace nothing can be rebased: say so.
    let outside = Sandbox::new("scan-outside");
    let dir = project(&outside, "", INSECURE);
    let run = scan(&sb)
        .env("INPUT_WORKING_DIRECTORY", path_str(&dir))
        .run();
    assert_eq!(run.code, 0, "{}", run.describe());
    assert!(
        run.commands()
            .iter()
            .any(|c| c.name == "warning" && c.message.contains("outside the workspace")),
        "{}",
        run.describe()
    );
}

#[test]
fn paths_input_selects_what_is_checked() {
    let sb = Sandbox::new("scan-paths");
    project(&sb, "bad", INSECURE);
    project(&sb, "good", CLEAN);
    let run = scan(&sb).env("INPUT_PATHS", "good\n").run();
    assert_eq!(run.out("findings"), "0", "{}", run.describe());
    let run = scan(&sb).env("INPUT_PATHS", "  good  \n\n bad\n").run();
    assert_ne!(run.out("findings"), "0", "{}", run.describe());
    let run = scan(&sb).env("INPUT_PATHS", "-").run();
    assert_eq!(run.code, 2, "{}", run.describe());
}

#[test]
fn errors_of_seaworthy_fail_the_scan_step() {
    let sb = Sandbox::new("scan-errors");
    project(&sb, "", INSECURE);
    for (name, value) in [("INPUT_PATHS", "missing"), ("INPUT_CONFIG", "missing.toml")] {
        let run = scan(&sb).env(name, value).run();
        assert_eq!(run.code, 2, "{name}: {}", run.describe());
        assert!(
            run.errors().iter().any(|e| e.contains("exit code 2")),
            "{}",
            run.describe()
        );
        assert_eq!(run.output("verdict"), None);
        // The gate refuses to pass without a verdict, and without a max-severity (no JSON
        // report: the configuration error stops seaworthy before it checks anything).
        assert_eq!(gate(&sb, &run, "").code, 2);
        if name == "INPUT_CONFIG" {
            assert_eq!(run.output("max-severity"), None, "{}", run.describe());
        }
        if run.output("max-severity").is_none() {
            assert_eq!(gate(&sb, &run, "never").code, 2);
        }
    }
    let run = scan(&sb).unset("SEAWORTHY_BIN").run();
    assert_eq!(run.code, 2, "{}", run.describe());
}

#[test]
fn category_and_args_reach_seaworthy() {
    let sb = Sandbox::new("scan-args");
    let dir = project(&sb, "", INSECURE);
    let run = scan(&sb)
        .env("INPUT_CATEGORY", "dockerfiles")
        .env("INPUT_ARGS", "--select SW101\n  --extend-select\tSW201 ")
        .run();
    assert_eq!(run.code, 0, "{}", run.describe());
    let sarif = read_json(run.out("sarif-file"));
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "dockerfiles/");
    let (findings, max, _) = ground_truth(&dir, &["--select", "SW101", "--extend-select", "SW201"]);
    assert_eq!(run.out("findings"), findings.to_string());
    assert_eq!(run.out("max-severity"), max);
    let (all, _, _) = ground_truth(&dir, &[]);
    assert!(findings <= all);
}
