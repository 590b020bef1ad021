//! Microbenchmarks of the checker's stages, on the repository's own test data (the
//! official-image Dockerfiles and the compose samples under `tests/data`):
//!
//! ```text
//! cargo bench -p seaworthy-core --bench check
//! cargo bench -p seaworthy-core --bench check -- rule_family   # one group
//! ```
//!
//! - `parse`: the Dockerfile parser;
//! - `shell`: the shell parser, on the text of every `RUN`;
//! - `analyse`: scopes, expansion and the shell analysis of every `RUN`;
//! - `ignore_parse` / `ignore_match`: compiling a `.dockerignore` and deciding 10,000 paths;
//! - `rule_family`: the rules of one family (their registry module) over every Dockerfile;
//! - `compose`: every compose rule over every compose sample;
//! - `check_file`: a whole check of every Dockerfile with the default rules.
//!
//! Each benchmark counts the files (or paths) it goes through, so divan prints a rate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use seaworthy_core::compose_check;
use seaworthy_core::dockerfile::{BuildOptions, Dockerfile};
use seaworthy_core::engine;
use seaworthy_core::rules;
use seaworthy_core::settings::{Options, Overrides, Settings};
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::MappedText;
use seaworthy_core::syntax::dockerfile::{self as parser, Keyword};
use seaworthy_core::syntax::dockerignore::IgnoreFile;
use seaworthy_core::syntax::shell;

fn main() {
    divan::main();
}

/// Files below `dir` whose name satisfies `keep`, sorted, as source files of `kind`.
fn load(dir: &str, kind: FileKind, keep: fn(&str) -> bool) -> Vec<SourceFile> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths.retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(keep));
    paths.sort();
    paths
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let text = std::fs::read_to_string(p).ok()?;
            let shown = p.strip_prefix(&root).ok()?.to_string_lossy().into_owned();
            Some(SourceFile::new(
                FileId(u32::try_from(i).ok()?),
                shown,
                kind,
                text,
            ))
        })
        .collect()
}

static DOCKERFILES: LazyLock<Vec<SourceFile>> = LazyLock::new(|| {
    let files = load("tests/data/official", FileKind::Dockerfile, |n| {
        n.starts_with("Dockerfile") && !n.ends_with(".dockerignore")
    });
    assert!(
        !files.is_empty(),
        "no Dockerfiles under tests/data/official"
    );
    files
});

static COMPOSE: LazyLock<Vec<SourceFile>> = LazyLock::new(|| {
    load("tests/data/compose", FileKind::Compose, |n| {
        matches!(
            n,
            "compose.yaml" | "compose.yml" | "docker-compose.yml" | "docker-compose.yaml"
        )
    })
});

/// The arguments of every `RUN` (continuations removed), as the analysis hands them to
/// the shell parser.
static RUN_TEXTS: LazyLock<Vec<MappedText>> = LazyLock::new(|| {
    DOCKERFILES
        .iter()
        .flat_map(|f| {
            let ast = parser::parse(&f.text);
            ast.instructions
                .into_iter()
                .filter(|i| i.keyword == Keyword::Run)
                .map(|i| i.args_text)
                .collect::<Vec<_>>()
        })
        .collect()
});

fn settings(select: Option<Vec<String>>) -> Settings {
    Settings::resolve(
        &Options::default(),
        &Overrides {
            select,
            ..Overrides::default()
        },
    )
    .expect("the benchmark settings are valid")
}

#[divan::bench]
fn parse(bencher: Bencher) {
    let files = &*DOCKERFILES;
    bencher.counter(ItemsCount::new(files.len())).bench(|| {
        for f in files {
            black_box(parser::parse(&f.text));
        }
    });
}

#[divan::bench]
fn shell(bencher: Bencher) {
    let texts = &*RUN_TEXTS;
    bencher.counter(ItemsCount::new(texts.len())).bench(|| {
        for t in texts {
            black_box(shell::parse(t));
        }
    });
}

#[divan::bench]
fn analyse(bencher: Bencher) {
    let files = &*DOCKERFILES;
    let asts: Vec<_> = files.iter().map(|f| parser::parse(&f.text)).collect();
    let build = BuildOptions::default();
    bencher.counter(ItemsCount::new(files.len())).bench(|| {
        for (f, ast) in files.iter().zip(&asts) {
            black_box(Dockerfile::analyse(f, ast, &build));
        }
    });
}

/// A `.dockerignore` of the kind monorepos have: literal names, `**` patterns, globs and
/// exceptions.
const IGNORE: &str = "\
.git
**/node_modules
**/__pycache__
*.log
**/*.log
!logs/keep.log
.env*
!.env.example
dist/
coverage
**/*.tmp
docs/**/*.md
!docs/README.md
build-[0-9]*
";

#[divan::bench]
fn ignore_parse() -> IgnoreFile {
    IgnoreFile::parse(black_box(IGNORE))
}

#[divan::bench]
fn ignore_match(bencher: Bencher) {
    let patterns = IgnoreFile::parse(IGNORE);
    let paths: Vec<String> = (0..10_000)
        .map(|i| match i % 8 {
            0 => format!("src/pkg{}/mod{}/file_{i}.rs", i % 50, i % 7),
            1 => format!("node_modules/dep{}/index.js", i % 100),
            2 => format!("logs/run_{i}.log"),
            3 => format!("docs/guide/page_{i}.md"),
            4 => format!("build-{}/out.bin", i % 10),
            5 => format!(".env.{i}"),
            6 => format!("services/api{}/__pycache__/m{i}.pyc", i % 20),
            _ => format!("assets/img_{i}.png"),
        })
        .collect();
    bencher
        .counter(ItemsCount::new(paths.len()))
        .bench(|| paths.iter().filter(|p| patterns.is_excluded(p)).count());
}

/// The rule families: the modules of `crates/core/src/rules`.
const FAMILIES: &[&str] = &[
    "meta",
    "base_image",
    "user",
    "secrets",
    "supply_chain",
    "contents",
    "correctness",
    "runtime",
];

/// The codes of the rules of one family.
fn family_codes(family: &str) -> Vec<String> {
    let marker = format!("/rules/{family}/");
    rules::ALL
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.source.contains(&marker))
        .map(|m| m.code.to_owned())
        .collect()
}

#[divan::bench(args = FAMILIES)]
fn rule_family(bencher: Bencher, family: &str) {
    let codes = family_codes(family);
    assert!(!codes.is_empty(), "no rules in family {family}");
    let settings = settings(Some(codes));
    let files = &*DOCKERFILES;
    let compose = &*COMPOSE;
    bencher
        .counter(ItemsCount::new(files.len() + compose.len()))
        .bench(|| {
            black_box(engine::check(files, &settings));
            for c in compose {
                black_box(compose_check::check_compose_file(c, &settings));
            }
        });
}

#[divan::bench]
fn compose(bencher: Bencher) {
    let settings = settings(None);
    let files = &*COMPOSE;
    bencher.counter(ItemsCount::new(files.len())).bench(|| {
        for c in files {
            black_box(compose_check::check_compose_file(c, &settings));
        }
    });
}

#[divan::bench]
fn check_file(bencher: Bencher) {
    let settings = settings(None);
    let files = &*DOCKERFILES;
    bencher
        .counter(ItemsCount::new(files.len()))
        .bench(|| black_box(engine::check(files, &settings)));
}
