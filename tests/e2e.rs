//! End-to-end tests of the `seaworthy` binary: each test writes a temporary project, runs the
//! real binary and checks exit codes, standard output per format, report files, config
//! discovery and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::LazyLock;

use serde_json::Value;

mod compose_cli;

/// A temporary directory that is removed when dropped.
struct Dir {
    root: PathBuf,
}

impl Dir {
    fn new(name: &str) -> Self {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("seaworthy-e2e-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Self { root }
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, None)
    }

    fn run_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_seaworthy"));
        cmd.args(args);
        // End-of-life results depend on the day: pin it.
        if args.first() == Some(&"check") && !args.contains(&"--date") {
            cmd.args(["--date", "2026-11-29"]);
        }
        cmd.current_dir(&self.root)
            .env_remove("NO_COLOR")
            .env_remove("CI_PROJECT_DIR")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const INSECURE: &str = "FROM node\nRUN curl -fsSL https://example.com/i.sh | sh\nCMD [\"node\"]\n";
const CLEAN: &str = "FROM alpine:3.22.2\nUSER 10001\nHEALTHCHECK CMD [\"true\"]\nCMD [\"sh\"]\n";

#[test]
fn exit_codes_follow_fail_on() {
    let d = Dir::new("exit");
    d.write("Dockerfile", INSECURE);
    assert_eq!(d.run(&["check"]).status.code(), Some(1));
    assert_eq!(
        d.run(&["check", "--fail-on", "critical"]).status.code(),
        Some(0)
    );
    assert_eq!(d.run(&["check", "--exit-zero"]).status.code(), Some(0));
    assert_eq!(
        d.run(&["check", "--fail-on", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(
        d.run(&["check", "--fail-on", "sometimes"]).status.code(),
        Some(2)
    );
    let clean = Dir::new("clean");
    clean.write("Dockerfile", CLEAN);
    let o = clean.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("No findings"));
}

#[test]
fn human_output_is_located_and_summarised() {
    let d = Dir::new("human");
    d.write("svc/Dockerfile", INSECURE);
    let o = d.run(&["check", "--no-color"]);
    let out = stdout(&o);
    assert!(
        out.contains("svc/Dockerfile:1:6: SW101 image-tag-mutable [medium]"),
        "{out}"
    );
    assert!(out.contains("svc/Dockerfile:2:5: SW502"), "{out}");
    assert!(out.contains("^^^^"), "{out}");
    assert!(out.contains("help:"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    assert!(
        out.lines().last().unwrap().contains("1 file checked"),
        "{out}"
    );
}

#[test]
fn machine_formats_keep_stdout_clean() {
    let d = Dir::new("machine");
    d.write("Dockerfile", INSECURE);
    d.write("bin/Dockerfile.bin", b"\x00\x01\x02binary");
    for format in ["json", "sarif", "gitlab"] {
        let o = d.run(&["check", "--format", format]);
        let v: Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(!v.is_null());
        assert!(
            stderr(&o).contains("bin/Dockerfile.bin"),
            "{format}: diagnostics go to stderr"
        );
    }
    let o = d.run(&["check", "--format", "concise"]);
    for line in stdout(&o).lines() {
        assert!(line.starts_with("Dockerfile:"), "{line}");
    }
}

static SARIF_SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/report/tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft4::options().build(&schema).unwrap()
});

fn assert_valid_sarif(v: &Value) {
    let errors: Vec<String> = SARIF_SCHEMA
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
}

#[test]
fn sarif_of_a_directory_outside_the_current_one_has_absolute_uris() {
    let d = Dir::new("outside");
    d.write("app/Dockerfile", INSECURE);
    // Run from the package directory: the temporary directory is not below it.
    let o = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .args(["check", "--isolated", "--format", "sarif", "--exit-zero"])
        .arg(&d.root)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&v);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let location = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = location["uri"].as_str().unwrap();
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with("/app/Dockerfile"), "{uri}");
        assert!(location.get("uriBaseId").is_none(), "{location}");
    }
}

#[test]
fn sarif_of_the_examples_validates() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let o = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .args([
            "check",
            "--isolated",
            "--format",
            "sarif",
            "--date",
            "2026-11-29",
        ])
        .arg(&examples)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&v);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 5, "{results:?}");
    for r in results {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
        assert!(r["partialFingerprints"]["seaworthy/v1"].is_string());
    }
}

#[test]
fn several_reports_in_one_run() {
    let d = Dir::new("reports");
    d.write("Dockerfile", INSECURE);
    let o = d.run(&[
        "check",
        "--report",
        "sarif:out/seaworthy.sarif",
        "--report",
        "junit:out/junit.xml",
        "--report",
        "json:out/r.json",
        "--no-color",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "reports are written even when findings fail the run"
    );
    assert!(stdout(&o).contains("SW101"), "human output still on stdout");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path("out/seaworthy.sarif")).unwrap())
            .unwrap();
    assert_valid_sarif(&sarif);
    assert!(
        std::fs::read_to_string(d.path("out/junit.xml"))
            .unwrap()
            .contains("<testsuites")
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path("out/r.json")).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    // A machine format asked for on stdout replaces the default human output.
    let o = d.run(&["check", "--report", "json"]);
    let _: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Two machine formats on stdout are refused.
    let o = d.run(&["check", "--format", "json", "--report", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn same_input_same_bytes() {
    let d = Dir::new("determinism");
    d.write("a/Dockerfile", INSECURE);
    d.write("b/Dockerfile.prod", INSECURE);
    d.write("c.Dockerfile", CLEAN);
    for format in [
        "human", "json", "sarif", "junit", "github", "gitlab", "summary", "concise",
    ] {
        let first = d
            .run(&["check", "--format", format, "--date", "2026-11-29"])
            .stdout;
        let second = d
            .run(&["check", "--format", format, "--date", "2026-11-29"])
            .stdout;
        assert_eq!(first, second, "{format}");
    }
}

#[test]
fn config_is_discovered_and_validated() {
    let d = Dir::new("config");
    d.write(".git/HEAD", "ref: refs/heads/main\n");
    d.write("Dockerfile", INSECURE);
    d.write(
        ".seaworthy.toml",
        "select = [\"SW101\", \"SW502\"]\nignore = [\"SW101\", \"SW502\"]\n",
    );
    let o = d.run(&["check", "--format", "concise"]);
    assert_eq!(stdout(&o), "", "all findings ignored by config");
    assert_eq!(o.status.code(), Some(0));
    let o = d.run(&["check", "--isolated", "--format", "concise"]);
    assert!(stdout(&o).contains("SW101"));
    d.write(
        ".seaworthy.toml",
        "select = [\"SW1\"]\n\nfail_on = \"low\"\n",
    );
    let o = d.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(".seaworthy.toml:3:1"), "{}", stderr(&o));
    d.write(".seaworthy.toml", "[severity]\nSW101 = \"critical\"\n");
    let o = d.run(&["check", "--format", "concise", "--select", "SW101"]);
    assert!(stdout(&o).contains("SW101 [critical]"), "{}", stdout(&o));
}

#[test]
fn suppressions_and_selectors() {
    let d = Dir::new("suppress");
    d.write(
        "Dockerfile",
        "# seaworthy: ignore[SW101] pinned by the platform team\nFROM node\nUSER 10001\n",
    );
    let o = d.run(&["check", "--format", "concise", "--select", "SW101,SW002"]);
    assert_eq!(stdout(&o), "");
    let o = d.run(&["check", "--format", "concise", "--ignore-suppressions"]);
    assert!(stdout(&o).contains("SW101"));
    let o = d.run(&["check", "--format", "concise", "--select", "SW2"]);
    assert_eq!(stdout(&o), "");
    let o = d.run(&["check", "--select", "SW999"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explicit_files_stdin_and_build_args() {
    let d = Dir::new("explicit");
    d.write(
        "build/app.docker",
        "ARG TAG=latest\nFROM nginx:${TAG}\nUSER 101\n",
    );
    let o = d.run(&["check", "build/app.docker", "--format", "concise"]);
    assert!(
        stdout(&o).contains("build/app.docker:2:6: SW101"),
        "{}",
        stdout(&o)
    );
    let o = d.run(&[
        "check",
        "build/app.docker",
        "--format",
        "concise",
        "--select",
        "SW101",
        "--build-arg",
        "TAG=1.27.3",
    ]);
    assert_eq!(stdout(&o), "", "the build argument pins the tag");
    let o = d.run_stdin(
        &[
            "check",
            "-",
            "--stdin-filename",
            "svc/Dockerfile",
            "--select",
            "SW101",
            "--format",
            "concise",
        ],
        Some("FROM node\nUSER 1000\n"),
    );
    assert_eq!(
        stdout(&o),
        "svc/Dockerfile:1:6: SW101 [medium] `node` has no tag or digest, so it means `latest`\n"
    );
}

#[test]
fn target_changes_the_shipped_stage() {
    let d = Dir::new("target");
    d.write(
        "Dockerfile",
        "FROM alpine:3.22.2 AS debug\nRUN id\nFROM alpine:3.22.2 AS release\nUSER 10001\n",
    );
    let o = d.run(&["check", "--format", "concise", "--select", "SW201"]);
    assert_eq!(stdout(&o), "");
    let o = d.run(&[
        "check", "--format", "concise", "--select", "SW201", "--target", "debug",
    ]);
    assert!(
        stdout(&o).contains("Dockerfile:1:1: SW201"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_input_is_a_diagnostic_not_a_crash() {
    let d = Dir::new("bad");
    d.write("ok/Dockerfile", INSECURE);
    d.write("bin/Dockerfile", b"FROM \x00\x00\x00 binary");
    d.write("latin1/Dockerfile", b"FROM alpine:3.20\nLABEL a=\xe9\xff\n");
    d.write("big/Dockerfile", "RUN true\n".repeat(200_000));
    d.write(
        "parse/Dockerfile",
        "FROM alpine:3.20\nCOPY only-one\nRUN <<EOF\nno end\n",
    );
    std::fs::create_dir_all(d.path("dir/Dockerfile")).unwrap();
    let o = d.run(&["check", "--format", "concise", "--no-color"]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(
        o.status.code(),
        Some(2),
        "unreadable files make the run incomplete\n{out}\n{err}"
    );
    assert!(
        out.contains("ok/Dockerfile:1:6: SW101"),
        "the rest is still checked: {out}"
    );
    assert!(out.contains("parse/Dockerfile:2:1: SW001"), "{out}");
    assert!(err.contains("bin/Dockerfile"), "{err}");
    assert!(
        err.contains("latin1/Dockerfile") && err.contains("UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("big/Dockerfile") && err.contains("limit"),
        "{err}"
    );
    assert!(
        err.contains("dir/Dockerfile") && err.contains("directory"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlinks_never_leave_the_scan_root() {
    let outside = Dir::new("outside");
    outside.write("secret/Dockerfile", "FROM leaked\n");
    let d = Dir::new("links");
    d.write("Dockerfile", CLEAN);
    std::os::unix::fs::symlink(outside.path("secret/Dockerfile"), d.path("Dockerfile.evil"))
        .unwrap();
    std::os::unix::fs::symlink(d.path("."), d.path("loop")).unwrap();
    let o = d.run(&[
        "check",
        "--format",
        "concise",
        "--select",
        "SW101",
        "Dockerfile.evil",
        ".",
    ]);
    assert!(!stdout(&o).contains("leaked"), "{}", stdout(&o));
    assert!(stderr(&o).contains("outside"), "{}", stderr(&o));
}

#[test]
fn rules_explain_and_version() {
    let d = Dir::new("info");
    let o = d.run(&["rules"]);
    assert!(stdout(&o).contains("SW201  runs-as-root"), "{}", stdout(&o));
    let o = d.run(&["rules", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let sw201 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "SW201")
        .unwrap();
    assert_eq!(sw201["steps"][0]["number"], 2);
    assert!(
        sw201["equivalents"]["hadolint"]
            .as_array()
            .unwrap()
            .contains(&Value::from("DL3002"))
    );
    let o = d.run(&["explain", "runs-as-root"]);
    assert!(stdout(&o).starts_with("# runs-as-root (SW201)"));
    assert!(stdout(&o).contains("## Why is this bad?"));
    assert_eq!(d.run(&["explain", "SW999"]).status.code(), Some(2));
    let o = d.run(&["version", "--verbose"]);
    assert!(stdout(&o).contains("end-of-life table"), "{}", stdout(&o));
}

#[test]
fn the_discovery_limit_cuts_the_same_files_in_path_order() {
    let d = Dir::new("discovery-limit");
    // More candidates than the walk keeps before it prunes (1,024), found by several
    // threads in no particular order.
    for i in 0..1_100 {
        d.write(&format!("p{:02}/s{i:04}/Dockerfile", i % 7), "FROM node\n");
    }
    d.write(".seaworthy.toml", "max-discovered-files = 10\n");
    let run = || {
        let o = d.run(&["check", "--format", "concise", "--select", "SW101"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("more than 10 Dockerfiles and compose files found"),
            "{}",
            stderr(&o)
        );
        stdout(&o)
    };
    let first = run();
    let files: Vec<&str> = first
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    let mut expected: Vec<String> = (0..1_100)
        .map(|i| format!("p{:02}/s{i:04}/Dockerfile", i % 7))
        .collect();
    expected.sort();
    expected.truncate(10);
    assert_eq!(files, expected);
    for _ in 0..3 {
        assert_eq!(run(), first);
    }
}
