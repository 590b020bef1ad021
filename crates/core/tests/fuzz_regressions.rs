//! Inputs the fuzz targets (`fuzz/`) found problems with, replayed through the same checks
//! as the targets: `tests/data/fuzz/<target>/<name>`, one file per input. Each input stays
//! here after its fix, so the problem cannot come back unnoticed.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use seaworthy_core::engine;
use seaworthy_core::settings::Settings;
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::compose::{self, LoadOptions};
use seaworthy_core::syntax::dockerignore::IgnoreFile;
use seaworthy_core::syntax::{MappedText, shell};

static ALL_RULES: LazyLock<Settings> = LazyLock::new(|| common::settings_for(&["all"]));

/// Time one input may take in a debug build (the fuzz targets allow 10 s in release).
const LIMIT: Duration = Duration::from_secs(10);

fn inputs(target: &str) -> Vec<(PathBuf, String)> {
    let dir = common::data_dir().join("fuzz").join(target);
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| {
            // The targets skip input that is not UTF-8; so does the replay.
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            (p, text)
        })
        .collect();
    out.sort();
    out
}

fn timed(path: &std::path::Path, f: impl FnOnce()) {
    let start = Instant::now();
    f();
    let took = start.elapsed();
    assert!(took < LIMIT, "{} took {took:?}", path.display());
}

#[test]
fn dockerfile_inputs() {
    for (path, text) in inputs("dockerfile") {
        timed(&path, || {
            let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, &text);
            let outcome = engine::check(std::slice::from_ref(&file), &ALL_RULES);
            for f in &outcome.findings {
                let s = f.location.span;
                assert!(
                    s.start <= s.end && s.end as usize <= text.len(),
                    "{}: {} {s:?}",
                    path.display(),
                    f.rule.code
                );
            }
        });
    }
}

#[test]
fn shell_inputs() {
    for (path, text) in inputs("shell") {
        timed(&path, || {
            let src = MappedText::contiguous(&text, 7);
            let script = shell::parse(&src);
            let bounds = src.span();
            for c in script.commands() {
                assert!(
                    c.span.start >= bounds.start && c.span.end <= bounds.end,
                    "{}",
                    path.display()
                );
                let _ = c.unwrapped().name();
            }
        });
    }
}

#[test]
fn dockerignore_inputs() {
    for (path, text) in inputs("dockerignore") {
        timed(&path, || {
            let (patterns, paths) = text
                .split_once('\u{0}')
                .unwrap_or((&text, "a/b/c.txt\n.env\nsrc/x"));
            let ignore = IgnoreFile::parse(patterns);
            for p in paths.lines() {
                let _ = ignore.is_excluded(p);
                let _ = ignore.decisive_pattern(p);
                let _ = ignore.may_reinclude_below(p);
            }
        });
    }
}

#[test]
fn compose_inputs() {
    for (path, text) in inputs("compose") {
        timed(&path, || {
            let project = compose::parse_str(
                &text,
                std::path::Path::new("compose.yaml"),
                &LoadOptions::default(),
            );
            let _ = project.scalars().count();
        });
    }
}
