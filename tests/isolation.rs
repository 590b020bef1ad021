//! No network, no execution: seaworthy reads files and writes reports, nothing else.
//!
//! - The same scan gives byte-identical reports with the network taken away: under an empty
//!   network namespace (`unshare --net`, where the machine allows it) and, always, with
//!   every proxy variable pointing at a port where nothing listens.
//! - The runtime dependency tree holds no HTTP, TLS or async-runtime crate (`cargo tree`).
//! - The tool's own source never starts a process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary project with a Dockerfile, its context and a compose file.
fn project() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let files: &[(&str, &str)] = &[
        (
            "app/Dockerfile",
            "# syntax=docker/dockerfile:1\nFROM node:16-alpine3.16\nADD https://example.com/tool.tgz /opt/\nRUN curl -fsSL https://example.com/install.sh | sh\nCOPY . /app\n",
        ),
        ("app/.env", "DB_PASSWORD=hunter2hunter2\n"),
        ("app/server.js", "console.log('hi')\n"),
        (
            "compose.yaml",
            "services:\n  app:\n    build: ./app\n    image: registry.example.com/app:${TAG:-latest}\n    privileged: true\n  db:\n    image: postgres:12\n    environment:\n      POSTGRES_PASSWORD: example-password\n",
        ),
    ];
    for (rel, text) in files {
        let path = root.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

const ARGS: &[&str] = &[
    "check",
    ".",
    "--exit-zero",
    "--date",
    "2026-11-29",
    "--format",
    "json",
];

/// A proxy address where nothing listens: any request through it fails at once.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

fn seaworthy(dir: &Path, wrap: &[&str], proxy: bool) -> Output {
    let bin = env!("CARGO_BIN_EXE_seaworthy");
    let mut cmd = match wrap.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    cmd.args(ARGS)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    if proxy {
        for var in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            cmd.env(var, DEAD_PROXY);
        }
        cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    }
    cmd.output().unwrap()
}

fn assert_same(baseline: &Output, other: &Output, how: &str) {
    assert!(
        other.status.success(),
        "{how}: {}",
        String::from_utf8_lossy(&other.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&baseline.stdout),
        String::from_utf8_lossy(&other.stdout),
        "{how}: the report differs"
    );
    assert_eq!(
        String::from_utf8_lossy(&baseline.stderr),
        String::from_utf8_lossy(&other.stderr),
        "{how}: the diagnostics differ"
    );
}

#[test]
fn same_results_without_a_network() {
    let project = project();
    let baseline = seaworthy(project.path(), &[], false);
    assert!(baseline.status.success());
    let report = String::from_utf8_lossy(&baseline.stdout);
    // The scan is not trivial: remote sources, end-of-life images and secrets are all there.
    for code in ["SW104", "SW304", "SW501", "SW601"] {
        assert!(report.contains(code), "{code} missing from {report}");
    }

    assert_same(
        &baseline,
        &seaworthy(project.path(), &[], true),
        "with a proxy that refuses every request",
    );

    // An empty network namespace: no interface but a downed loopback. Where namespaces are
    // not allowed (an unprivileged container), the proxy run above is the check.
    // As root `unshare --net` is enough; elsewhere a user namespace may allow it.
    let wrappers: [&[&str]; 2] = [
        &["unshare", "--net"],
        &["unshare", "--net", "--map-root-user"],
    ];
    let usable = wrappers.into_iter().find(|w| {
        Command::new(w[0])
            .args(&w[1..])
            .arg("true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if let Some(wrap) = usable {
        let isolated = seaworthy(project.path(), wrap, true);
        assert_same(&baseline, &isolated, "in an empty network namespace");
        eprintln!("checked in an empty network namespace and behind a dead proxy");
    } else {
        eprintln!("unshare --net is not allowed here: checked behind a dead proxy only");
    }
}

/// Crates that speak a network protocol or run an async I/O runtime.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "h2",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "attohttpc",
    "surf",
    "tokio",
    "async-std",
    "mio",
    "rustls",
    "native-tls",
    "openssl",
    "openssl-sys",
    "socket2",
    "trust-dns-resolver",
    "hickory-resolver",
];

#[test]
fn runtime_dependencies_hold_no_network_client() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--locked",
            "--package",
            "seaworthy",
            "--edges",
            "normal,build",
            "--target",
            "all",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    // The listing is real: it has the crates we know we use.
    for expected in ["seaworthy-core", "seaworthy-report", "regex", "serde_json"] {
        assert!(names.contains(&expected), "{expected} missing from {tree}");
    }
    let found: Vec<&&str> = names
        .iter()
        .filter(|n| NETWORK_CRATES.contains(n))
        .collect();
    assert!(
        found.is_empty(),
        "network crates in the runtime dependency tree: {found:?}"
    );
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_tool_never_starts_a_process() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for src in ["crates/cli", "crates/core/src", "crates/report/src"] {
        rust_files(&root.join(src), &mut files);
    }
    assert!(files.len() > 50, "found only {} source files", files.len());
    let mut offenders = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests at the end of a module may run commands; the tool's code may not.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for needle in [
            "process::Command",
            "Command::new(",
            "TcpStream",
            "UdpSocket",
        ] {
            if code.contains(needle) {
                offenders.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
