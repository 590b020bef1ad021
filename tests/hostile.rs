//! Hostile input: every case runs the real binary with a time bound and checks that it does
//! not panic, reports the right diagnostic or finding, and still checks the rest of the
//! scan. A pull request from a fork is untrusted input; none of this may hang, crash, leak
//! or read outside the scanned directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A temporary directory, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!(
            "seaworthy-hostile-{}-{name}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Self(root)
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary in `dir`, failing the test if it takes longer than `limit`.
fn run(dir: &Dir, args: &[&str], limit: Duration) -> Output {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .args(args)
        .current_dir(&dir.0)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes while waiting, or a large report would fill the pipe and block.
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout_pipe, &mut buf).unwrap();
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr_pipe, &mut buf).unwrap();
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("seaworthy {args:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "panic: {err}");
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SECS: Duration = Duration::from_secs(20);
const CANARY: &str = "FROM node\nUSER 1000\n";

/// A healthy Dockerfile beside the hostile one: its finding proves the rest was checked.
fn with_canary(d: &Dir) {
    d.write("canary/Dockerfile", CANARY);
}

fn assert_canary(out: &Output) {
    assert!(
        text(&out.stdout).contains("canary/Dockerfile:1:6: SW101"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn binary_nul_and_invalid_utf8() {
    let d = Dir::new("binary");
    with_canary(&d);
    d.write(
        "a/Dockerfile",
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 0xff, 0xfe],
    );
    d.write("b/Dockerfile", b"FROM alpine\0:3.20\n");
    d.write("c/Dockerfile", b"FROM alpine:3.20\nRUN echo \xc3\x28\n");
    let out = run(&d, &["check", "--format", "concise"], SECS);
    assert_canary(&out);
    let err = text(&out.stderr);
    assert!(
        err.contains("a/Dockerfile") && err.contains("binary"),
        "{err}"
    );
    assert!(
        err.contains("b/Dockerfile") && err.contains("binary"),
        "{err}"
    );
    assert!(
        err.contains("c/Dockerfile") && err.contains("UTF-8"),
        "{err}"
    );
}

#[test]
fn huge_single_line_is_rejected_by_the_limit_or_checked_quickly() {
    let d = Dir::new("huge");
    with_canary(&d);
    let mut big = String::from("FROM alpine:3.20\nRUN echo ");
    big.push_str(&"a".repeat(10 * 1024 * 1024));
    big.push('\n');
    d.write("big/Dockerfile", &big);
    let out = run(&d, &["check", "--format", "concise"], SECS);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("limit"), "{}", text(&out.stderr));
    assert_canary(&out);
    // With the limit raised it is parsed, in bounded time.
    let out = run(
        &d,
        &[
            "check",
            "--format",
            "concise",
            "--max-file-size",
            "20000000",
        ],
        SECS,
    );
    assert_canary(&out);
    assert!(
        text(&out.stdout).contains("big/Dockerfile:1:1: SW201"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn long_files_and_many_stages() {
    let d = Dir::new("long");
    with_canary(&d);
    let mut lines = String::from("FROM alpine:3.20\n");
    for i in 0..100_000 {
        let _ = writeln!(lines, "RUN echo {i}");
    }
    d.write("lines/Dockerfile", &lines);
    let mut stages = String::new();
    for i in 0..10_000 {
        if i == 0 {
            stages.push_str("FROM alpine:3.20 AS s0\n");
        } else {
            let _ = write!(
                stages,
                "FROM s{} AS s{i}
COPY --from=s{} /a /a
",
                i - 1,
                i / 2
            );
        }
    }
    d.write("stages/Dockerfile", &stages);
    let out = run(
        &d,
        &["check", "--format", "concise", "--max-file-size", "5000000"],
        SECS,
    );
    assert_canary(&out);
    assert_eq!(text(&out.stderr), "");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("lines/Dockerfile:1:1: SW201"), "{stdout}");
    assert!(stdout.contains("stages/Dockerfile:"), "{stdout}");
}

#[test]
fn unterminated_constructs_are_parse_errors() {
    let d = Dir::new("unterminated");
    with_canary(&d);
    d.write(
        "heredoc/Dockerfile",
        "FROM alpine:3.20\nRUN <<EOF\necho never closed\n",
    );
    d.write(
        "json/Dockerfile",
        "FROM alpine:3.20\nCMD [\"unterminated\", \n",
    );
    d.write(
        "quote/Dockerfile",
        "FROM alpine:3.20\nRUN echo \"open\nUSER 10001\n",
    );
    let out = run(&d, &["check", "--format", "concise"], SECS);
    assert_canary(&out);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("heredoc/Dockerfile:2:5: SW001"), "{stdout}");
    // An unterminated JSON array is shell form for BuildKit: not an error, and still checked.
    assert!(!stdout.contains("json/Dockerfile:2:1: SW001"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn symlinks_fifos_and_unreadable_files() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let outside = Dir::new("outside");
    outside.write("secret", "FROM leaked-secret-image\n");
    let d = Dir::new("fs");
    with_canary(&d);
    symlink(outside.path("secret"), d.path("Dockerfile")).unwrap();
    std::fs::create_dir_all(d.path("loop")).unwrap();
    symlink(d.path("loop"), d.path("loop/again")).unwrap();
    std::fs::create_dir_all(d.path("fifo")).unwrap();
    let fifo = d.path("fifo/Dockerfile");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    d.write("locked/Dockerfile", "FROM alpine:3.20\n");
    std::fs::set_permissions(
        d.path("locked/Dockerfile"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let readable_anyway = std::fs::read(d.path("locked/Dockerfile")).is_ok();
    let out = run(
        &d,
        &["check", "--format", "concise", ".", "Dockerfile"],
        SECS,
    );
    assert_canary(&out);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !stdout.contains("leaked") && !stderr.contains("leaked"),
        "{stdout}{stderr}"
    );
    assert!(stderr.contains("outside"), "{stderr}");
    if made {
        assert!(stderr.contains("fifo/Dockerfile"), "{stderr}");
    }
    if !readable_anyway {
        assert!(
            stderr.contains("locked/Dockerfile") && stderr.contains("permission"),
            "{stderr}"
        );
    }
    std::fs::set_permissions(
        d.path("locked/Dockerfile"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn hostile_file_names_cannot_inject_workflow_commands() {
    let d = Dir::new("names");
    with_canary(&d);
    d.write("x/Dockerfile.%0A::error::pwned", "FROM node\n");
    d.write("y/Dockerfile.\n::warning file=a::injected", "FROM node\n");
    let out = run(&d, &["check", "--format", "github"], SECS);
    let stdout = text(&out.stdout);
    for line in stdout.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        assert!(
            !line.contains("::error::pwned") && !line.contains("\n::warning file=a"),
            "{line}"
        );
    }
    assert!(stdout.contains("%250A"), "the % is escaped: {stdout}");
    let json = run(&d, &["check", "--format", "json"], SECS);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        paths.iter().any(|p| p.contains('\n')),
        "names are kept exactly in JSON: {paths:?}"
    );
}

#[test]
fn secrets_never_appear_in_full_in_any_format() {
    let token = "ghp_R8xZ2mN4pQ7vL1kT9wY3bC6dF0hJ5sA8eU2i";
    let d = Dir::new("secrets");
    d.write(
        "Dockerfile",
        format!("FROM alpine:3.22.2\nRUN curl -H \"Authorization: token {token}\" https://api.github.com/x | sh\nUSER 10001\n"),
    );
    for format in [
        "human", "concise", "json", "sarif", "junit", "github", "gitlab", "summary",
    ] {
        let out = run(
            &d,
            &["check", "--format", format, "--date", "2026-11-29"],
            SECS,
        );
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(all.contains("SW302"), "{format}: {all}");
        assert!(!all.contains(token), "{format} prints the secret: {all}");
        assert!(
            !all.contains(&token[4..20]),
            "{format} prints part of the secret: {all}"
        );
    }
}
