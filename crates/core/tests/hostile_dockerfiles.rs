//! Dockerfiles built to make a checker slow: each is checked with every rule within a time
//! bound. Every shape here once cost time quadratic (or worse) in its length: a file under
//! the 1 MiB input limit took minutes or never finished. The sizes are a quarter of what
//! showed the problem, so the bound still tells linear from quadratic in a debug build.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use seaworthy_core::engine;
use seaworthy_core::finding::Finding;
use seaworthy_core::settings::Settings;
use seaworthy_core::source::{FileId, FileKind, SourceFile};

static ALL_RULES: LazyLock<Settings> = LazyLock::new(|| common::settings_for(&["all"]));

const LIMIT: Duration = Duration::from_secs(8);

fn check(text: &str) -> Vec<Finding> {
    let start = Instant::now();
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, text);
    let findings = engine::check(std::slice::from_ref(&file), &ALL_RULES).findings;
    let took = start.elapsed();
    assert!(took < LIMIT, "{took:?} for {} bytes", text.len());
    for f in &findings {
        assert!(
            f.location.span.end as usize <= text.len(),
            "{}",
            f.rule.code
        );
    }
    findings
}

fn lines(head: &str, n: usize, line: impl Fn(usize) -> String) -> String {
    let mut s = String::from(head);
    for i in 0..n {
        s.push_str(&line(i));
        s.push('\n');
    }
    s
}

fn codes(findings: &[Finding], code: &str) -> usize {
    findings.iter().filter(|f| f.rule.code == code).count()
}

#[test]
fn doubling_arguments() {
    // 4 KB that would expand to 2^200 bytes.
    let mut s = String::from("ARG A0=ab\n");
    for i in 1..200 {
        let _ = writeln!(s, "ARG A{i}=${{A{0}}}${{A{0}}}", i - 1);
    }
    s.push_str("FROM alpine:$A199\nUSER 10001\n");
    let f = check(&s);
    assert_eq!(codes(&f, "SW001"), 1, "the limit is reported");
}

#[test]
fn many_global_arguments_and_growing_values() {
    let mut s = lines("", 10_000, |i| format!("ARG A{i}"));
    s.push_str("FROM alpine:3.20\n");
    s.push_str(&lines("", 5_000, |i| format!("ENV V{}=${{V{i}}}x", i + 1)));
    check(&s);
}

#[test]
fn relative_workdirs() {
    let s = lines("FROM alpine:3.20\n", 20_000, |_| "WORKDIR a".to_owned());
    let f = check(&s);
    assert_eq!(codes(&f, "SW801"), 20_000);
    // Messages stay short: paths longer than PATH_MAX are not followed.
    assert!(f.iter().all(|f| f.message.len() < 10_000));
}

#[test]
fn suppression_comments() {
    let s = lines("FROM alpine:3.20\n", 12_000, |_| {
        "# seaworthy: ignore[SW101]".to_owned()
    }) + "RUN echo\n";
    let f = check(&s);
    assert_eq!(codes(&f, "SW003"), 1, "the limit on codes is reported");
    assert_eq!(codes(&f, "SW002"), 1000, "honoured but unused");
}

#[test]
fn long_and_lists_and_pipelines() {
    let s = format!(
        "FROM debian:12\nRUN {}\nRUN {} | sh\n",
        (0..5_000)
            .map(|i| format!("apt-get install -y p{i}"))
            .collect::<Vec<_>>()
            .join(" && "),
        (0..5_000)
            .map(|i| format!("curl http://x/{i}"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    check(&s);
}

#[test]
fn downloads_to_files() {
    let s = format!(
        "FROM alpine:3.20\nRUN {}\n",
        (0..4_000)
            .map(|i| format!("curl -o f{i} http://x/{i}"))
            .collect::<Vec<_>>()
            .join(" && ")
    );
    check(&s);
}

#[test]
fn stage_chains_and_names() {
    let mut s = String::from("FROM alpine:3.20 AS s0\n");
    for i in 1..5_000 {
        let _ = writeln!(s, "FROM s{} AS s{i}\nCOPY --from=s{} /a /a", i - 1, i / 2);
    }
    for i in 0..5_000 {
        let _ = writeln!(s, "FROM alpine:3.20 AS s{i}");
    }
    let f = check(&s);
    assert_eq!(codes(&f, "SW803"), 5_000, "duplicate stage names");
}

#[test]
fn many_run_instructions() {
    let mut s = String::from("FROM debian:12\n");
    for i in 0..4_000 {
        let _ = writeln!(
            s,
            "RUN apt-get update\nRUN apt-get install -y x{i}\nRUN pip install y{i}\nADD http://x/{i} /a{i}"
        );
    }
    check(&s);
}

#[test]
fn heredocs_and_sources() {
    let n = 10_000;
    let mut s = String::from("FROM alpine:3.20\nCOPY ");
    for i in 0..n {
        let _ = write!(s, "<<E{i} ");
    }
    s.push_str("/dst/\n");
    for i in 0..n {
        let _ = writeln!(s, "d{i}\nE{i}");
    }
    s.push_str("ADD ");
    for i in 0..n {
        let _ = write!(s, "<<a<{i} <<F{i} ");
    }
    s.push_str("/d/\n");
    for i in 0..n {
        let _ = writeln!(s, "F{i}");
    }
    check(&s);
}
