//! `seaworthy check` on compose projects: discovery with override files, `--compose`,
//! `--env-file`, linked Dockerfiles reported once, and the scan root.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scratch directory, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(files: &[(&str, &str)]) -> Dir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "seaworthy-e2e-compose-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().expect("a file has a parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        Dir(dir)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `seaworthy check --isolated --format concise …` in `cwd`; returns (stdout, stderr,
/// exit code).
fn check(cwd: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .current_dir(cwd)
        .args([
            "check",
            "--isolated",
            "--format",
            "concise",
            "--date",
            "2026-11-29",
        ])
        .args(args)
        .output()
        .expect("run seaworthy");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `path:line: CODE` of each finding line.
fn findings(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once(": ")?;
            let code = rest.split_whitespace().next()?;
            let mut parts = loc.split(':');
            Some(format!("{}:{} {code}", parts.next()?, parts.next()?))
        })
        .collect()
}

#[test]
fn directories_are_searched_for_compose_projects_and_their_dockerfiles() {
    let dir = Dir::new(&[
        (
            "compose.yaml",
            "services:\n  web:\n    build: ./app\n  cache:\n    image: redis\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  cache:\n    privileged: true\n",
        ),
        ("app/Dockerfile", "FROM node\nCOPY . /app\n"),
    ]);
    let (stdout, _, code) = check(&dir.0, &["--select", "SW101,SW201,SW601,SW608"]);
    assert_eq!(code, 1);
    // The Dockerfile is found on its own and through `web`: each finding once.
    assert_eq!(
        findings(&stdout),
        [
            "app/Dockerfile:1 SW201",
            "app/Dockerfile:1 SW101",
            "compose.override.yaml:3 SW601",
            "compose.yaml:2 SW608",
            "compose.yaml:5 SW101",
        ],
        "{stdout}"
    );
}

#[test]
fn compose_flags_form_one_project_and_env_files_replace_dot_env() {
    let dir = Dir::new(&[
        (
            "deploy/base.yaml",
            "services:\n  db:\n    image: postgres:${PG:-latest}\n",
        ),
        (
            "deploy/prod.yaml",
            "services:\n  db:\n    privileged: true\n",
        ),
        ("ci.env", "PG=16.4-bookworm\n"),
        ("Dockerfile", "FROM node\n"),
    ]);
    let select = ["--select", "SW101,SW601"];
    let (stdout, _, _) = check(
        &dir.0,
        &[
            select[0],
            select[1],
            "--compose",
            "deploy/base.yaml",
            "--compose",
            "deploy/prod.yaml",
        ],
    );
    // Only the compose files: no PATHS means nothing else is searched.
    assert_eq!(
        findings(&stdout),
        ["deploy/base.yaml:3 SW101", "deploy/prod.yaml:3 SW601"],
        "{stdout}"
    );
    let (stdout, _, _) = check(
        &dir.0,
        &[
            select[0],
            select[1],
            "--env-file",
            "ci.env",
            "deploy/base.yaml",
        ],
    );
    assert!(findings(&stdout).is_empty(), "{stdout}");
    let (_, stderr, code) = check(
        &dir.0,
        &[
            select[0],
            select[1],
            "--env-file",
            "missing.env",
            "deploy/base.yaml",
        ],
    );
    assert_eq!(code, 2, "a missing env file is an error");
    assert!(stderr.contains("missing.env"), "{stderr}");
}

#[test]
fn builds_outside_the_scanned_directory_are_not_read() {
    let dir = Dir::new(&[
        ("sub/compose.yaml", "services:\n  app:\n    build: ../app\n"),
        ("app/Dockerfile", "FROM node\n"),
    ]);
    let (stdout, stderr, _) = check(&dir.0, &["--select", "SW101,SW608", "sub"]);
    assert!(findings(&stdout).is_empty(), "{stdout}");
    assert!(
        stderr.contains("app/Dockerfile") && stderr.contains("outside the scanned directory"),
        "{stderr}"
    );
}
