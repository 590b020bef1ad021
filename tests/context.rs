//! End-to-end tests of the build-context checks and `seaworthy context`: each test writes a
//! project into a temporary directory and runs the real binary on it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn seaworthy(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

/// `check --format json` restricted to the context rules: (exit code, findings).
fn check(dir: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec![
        "check",
        "--isolated",
        "--select",
        "SW304,SW305,SW306,SW308",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = seaworthy(dir, &args);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let findings = json["findings"].as_array().unwrap().clone();
    (out.status.code().unwrap(), findings)
}

/// `(code, line, related path)` of each finding, sorted.
fn summary(findings: &[Value]) -> Vec<(String, u64, String)> {
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["start"]["line"].as_u64().unwrap(),
                f["related"][0]["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

const DOCKERFILE: &str = "FROM node:22.11-bookworm-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm install --omit=dev\nCOPY . .\nUSER node\nCMD [\"node\", \"server.js\"]\n";

/// A project whose directory holds secrets and a Git repository.
fn leaky_project(root: &Path) {
    write(root, "Dockerfile", DOCKERFILE);
    write(root, "package.json", "{\"name\": \"app\"}\n");
    write(root, "server.js", "console.log('ok');\n");
    write(root, ".env", "DB_PASSWORD=local\n");
    write(root, "id_rsa", "placeholder (test)\n");
    write(root, "deploy/server.pem", "placeholder (test)\n");
    write(
        root,
        ".npmrc",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
    );
    write(root, ".git/HEAD", "ref: refs/heads/main\n");
    write(root, ".git/config", "[core]\n");
}

#[test]
fn copy_dot_reports_each_leaked_file_at_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    leaky_project(dir.path());
    let (code, findings) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&findings),
        [
            ("SW304".to_owned(), 5, ".env".to_owned()),
            ("SW304".to_owned(), 5, ".npmrc".to_owned()),
            ("SW304".to_owned(), 5, "deploy/server.pem".to_owned()),
            ("SW304".to_owned(), 5, "id_rsa".to_owned()),
            ("SW305".to_owned(), 5, String::new()),
            ("SW306".to_owned(), 5, ".git".to_owned()),
        ]
    );
    let env = findings
        .iter()
        .find(|f| f["related"][0]["path"] == ".env")
        .unwrap();
    assert_eq!(env["severity"], "critical");
    assert!(env["message"].as_str().unwrap().contains("`.env`"));
}

#[test]
fn a_good_dockerignore_makes_it_quiet() {
    let dir = tempfile::tempdir().unwrap();
    leaky_project(dir.path());
    write(
        dir.path(),
        ".dockerignore",
        ".git\n.env*\nid_rsa*\n**/*.pem\n.npmrc\n",
    );
    let (code, findings) = check(dir.path(), &[]);
    assert_eq!(summary(&findings), []);
    assert_eq!(code, 0);
}

#[test]
fn a_narrow_copy_does_not_report_root_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY src/ ./src/\nCOPY requirements.txt .\n",
    );
    write(root, "src/main.py", "print('ok')\n");
    write(root, "requirements.txt", "flask\n");
    write(root, ".env", "SECRET_KEY=x\n");
    write(root, ".git/HEAD", "ref: refs/heads/main\n");
    let (code, findings) = check(root, &[]);
    // `src/` is a directory copy without an ignore file; nothing else.
    assert_eq!(summary(&findings), [("SW305".to_owned(), 3, String::new())]);
    assert_eq!(code, 1);
}

#[test]
fn the_per_dockerfile_ignore_file_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    leaky_project(root);
    std::fs::remove_file(root.join("Dockerfile")).unwrap();
    write(root, "docker/app.Dockerfile", DOCKERFILE);
    write(
        root,
        "docker/app.Dockerfile.dockerignore",
        ".git\n.env\nid_rsa\n**/*.pem\n.npmrc\n",
    );
    // The root .dockerignore would leave everything in: the per-Dockerfile file wins.
    write(root, ".dockerignore", "nothing-to-exclude\n");
    let (code, findings) = check(root, &["docker/app.Dockerfile", "--context", "."]);
    assert_eq!(summary(&findings), []);
    assert_eq!(code, 0);
    // Without it, the root .dockerignore applies.
    std::fs::remove_file(root.join("docker/app.Dockerfile.dockerignore")).unwrap();
    let (_, findings) = check(root, &["docker/app.Dockerfile", "--context", "."]);
    assert_eq!(findings.iter().filter(|f| f["code"] == "SW304").count(), 4);
}

#[test]
fn each_discovered_dockerfile_uses_its_own_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "api/Dockerfile", "FROM alpine:3.20\nCOPY . /srv/\n");
    write(root, "api/.env", "TOKEN=x\n");
    write(root, "web/Dockerfile", "FROM alpine:3.20\nCOPY . /srv/\n");
    write(root, "web/.dockerignore", ".env\n");
    write(root, "web/.env", "TOKEN=x\n");
    let (_, findings) = check(root, &[]);
    let got: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
                f["related"][0]["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "api/Dockerfile".to_owned(),
                "SW304".to_owned(),
                "api/.env".to_owned()
            ),
            (
                "api/Dockerfile".to_owned(),
                "SW305".to_owned(),
                String::new()
            ),
        ]
    );
}

#[test]
fn copy_of_an_ignored_file_names_the_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Dockerfile",
        "FROM eclipse-temurin:21-jre\nCOPY target/app.jar /app.jar\n",
    );
    write(root, ".dockerignore", "# build output\ntarget\n");
    write(root, "target/app.jar", "jar\n");
    let (code, findings) = check(root, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "SW308");
    assert_eq!(findings[0]["related"][0]["path"], ".dockerignore");
    assert_eq!(findings[0]["related"][0]["start"]["line"], 2);
}

#[test]
fn context_flag_needs_exactly_one_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a/Dockerfile", "FROM alpine:3.20\n");
    write(root, "b/Dockerfile", "FROM alpine:3.20\n");
    let out = seaworthy(root, &["check", "--isolated", "--context", "a", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--context needs exactly one Dockerfile"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = seaworthy(
        root,
        &["check", "--isolated", "--context", "nope", "a/Dockerfile"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn dockerfile_from_stdin_uses_the_given_context() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".env", "TOKEN=x\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .args([
            "check",
            "--isolated",
            "--select",
            "SW304",
            "--format",
            "json",
            "--context",
            ".",
            "-",
        ])
        .current_dir(root)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"FROM alpine:3.20\nCOPY . /srv/\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["related"][0]["path"], ".env");
}

#[test]
fn context_command_explains_what_is_sent_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Dockerfile",
        "FROM alpine:3.20\nCOPY app/ /app/\nCOPY <<EOF /etc/motd\nhi\nEOF\n",
    );
    write(
        root,
        ".dockerignore",
        "**/*.log\n!app/keep.log\nnode_modules\n",
    );
    write(root, "app/main.sh", "echo hi\n");
    write(root, "app/debug.log", "x\n");
    write(root, "app/keep.log", "x\n");
    write(root, "node_modules/x/index.js", "x\n");
    let out = seaworthy(root, &["context"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Ignore file:   .dockerignore (at the context root, 3 patterns)"),
        "{text}"
    );
    assert!(text.contains("Line 2: COPY app/ /app/"), "{text}");
    assert!(text.contains("    app/main.sh\n"), "{text}");
    assert!(!text.contains("app/debug.log"), "{text}");
    assert!(text.contains("`<<EOF`: inline document"), "{text}");

    let out = seaworthy(
        root,
        &[
            "context",
            "--why",
            "app/debug.log",
            "--why",
            "./app/keep.log",
            "--why",
            "node_modules/x/index.js",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "app/debug.log\n  left out of the build context: `**/*.log` (.dockerignore:1)"
        ),
        "{text}"
    );
    assert!(
        text.contains("app/keep.log\n  in the build context: `!app/keep.log` (.dockerignore:2) brings it back\n  copied by the COPY/ADD on line 2"),
        "{text}"
    );
    assert!(
        text.contains("node_modules/x/index.js\n  left out of the build context: `node_modules` (.dockerignore:3)"),
        "{text}"
    );

    let out = seaworthy(root, &["context", "--format", "json", "--all"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ignore_file"]["path"], ".dockerignore");
    assert_eq!(
        json["instructions"][0]["sources"][0]["files"][0],
        "app/keep.log"
    );
    let entries = json["entries"].as_array().unwrap();
    let nm = entries
        .iter()
        .find(|e| e["path"] == "node_modules")
        .unwrap();
    assert_eq!(nm["in_context"], false);
    assert_eq!(nm["pattern"]["line"], 3);
}

#[test]
fn contexts_are_walked_only_when_a_context_rule_runs() {
    let dir = tempfile::tempdir().unwrap();
    leaky_project(dir.path());
    // A context larger than the configured bound: walking it says so.
    write(
        dir.path(),
        "seaworthy.toml",
        "[rules.context]\nmax-files = 2\n",
    );
    let run = |select: &str, ignore: &str| {
        let out = seaworthy(
            dir.path(),
            &[
                "check",
                "--config",
                "seaworthy.toml",
                "--select",
                select,
                "--ignore",
                ignore,
                "--format",
                "json",
                "--exit-zero",
            ],
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let walked = json["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("more than 2 entries")
        });
        let findings = json["findings"].as_array().unwrap().len();
        (walked, findings)
    };
    assert!(run("SW304", "SW001").0, "SW304 reads the context");
    let (walked, findings) = run("all", "SW304,SW305,SW306,SW308");
    assert!(!walked, "no rule that reads the context: not walked");
    assert!(findings > 0, "the other rules still ran");
}
