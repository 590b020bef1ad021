//! Build-context benchmark: a context of 100,000 files.
//!
//! `cargo bench -p seaworthy-core --bench context` writes the tree once under Cargo's
//! target temporary directory, then times (median of several runs, warm file cache):
//! - the walk with a realistic `.dockerignore` (`BuildContext::load`);
//! - the pattern matching alone, every path against the `.dockerignore`;
//! - resolving `COPY . .`, a wildcard and `--exclude` sources;
//! - checking the Dockerfile with the context rules, without and with content scanning.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use seaworthy_core::context::{BuildContext, ContextOptions};
use seaworthy_core::dockerfile::{BuildOptions, Dockerfile};
use seaworthy_core::engine;
use seaworthy_core::settings::{Options, Overrides, Settings};
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::dockerfile as parser;
use seaworthy_core::syntax::dockerignore::IgnoreFile;

const IGNORE: &str = "\
# local state
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
";

const DOCKERFILE: &str = "\
FROM node:22.11-bookworm-slim AS build
WORKDIR /app
COPY package.json ./
COPY . .
RUN npm run build

FROM node:22.11-bookworm-slim
COPY --exclude=**/*.test.js pkg* /app/
COPY src/*/*.js /app/js/
USER node
";

/// The files of the tree: 100 packages × 10 modules × 100 files, plus dependency
/// directories, logs and environment files sprinkled in.
fn listing() -> Vec<String> {
    let mut out = Vec::with_capacity(100_050);
    for p in 0..100 {
        for m in 0..10 {
            for f in 0..100 {
                let name = match f % 10 {
                    0 => format!("test_{f}.test.js"),
                    1 => format!("run_{f}.log"),
                    2 if m == 0 => format!("node_modules/dep{f}/index.js"),
                    3 if m == 1 => format!("__pycache__/m{f}.pyc"),
                    4 if f == 4 && m == 2 => ".env".to_owned(),
                    _ => format!("file_{f}.js"),
                };
                let top = if p % 2 == 0 { "src" } else { "pkg" };
                out.push(format!("{top}{p}/mod{m}/{name}"));
            }
        }
    }
    out.push("package.json".to_owned());
    out.push(".env.example".to_owned());
    out.push(".dockerignore".to_owned());
    out.push("Dockerfile".to_owned());
    out.sort();
    out.dedup();
    out
}

fn tree(root: &Path, files: &[String]) {
    let marker = root.join(".complete");
    let stamp = files.len().to_string();
    if std::fs::read_to_string(&marker).is_ok_and(|s| s == stamp) {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    for f in files {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let text = match f.as_str() {
            ".dockerignore" => IGNORE.to_owned(),
            "Dockerfile" => DOCKERFILE.to_owned(),
            _ => format!("// {f}\nmodule.exports = {{}};\n"),
        };
        std::fs::write(p, text).unwrap();
    }
    std::fs::write(marker, stamp).unwrap();
}

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn ms(d: Duration) -> String {
    format!("{:>8.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let files = listing();
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("context-100k");
    let start = Instant::now();
    tree(&root, &files);
    println!(
        "tree: {} files under {} (prepared in {:.1} s)",
        files.len(),
        root.display(),
        start.elapsed().as_secs_f64()
    );
    let dockerfile_path = root.join("Dockerfile");
    let options = ContextOptions::default();
    let load =
        || BuildContext::load(&root, "", Some((&dockerfile_path, "Dockerfile")), &options).unwrap();
    let ctx = load();
    let sent = ctx.entries().iter().filter(|e| e.in_context).count();
    println!(
        "context: {} entries listed, {sent} sent, {} diagnostics",
        ctx.entries().len(),
        ctx.diagnostics().len()
    );
    println!(
        "walk + ignore matching (load)      {}",
        ms(median(|| drop(load()), 7))
    );
    let patterns = IgnoreFile::parse(IGNORE);
    let mut excluded = 0;
    let t = median(
        || excluded = files.iter().filter(|f| patterns.is_excluded(f)).count(),
        7,
    );
    println!(
        "ignore matching alone, {} paths  {} ({excluded} excluded)",
        files.len(),
        ms(t)
    );

    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, DOCKERFILE);
    let ast = parser::parse(DOCKERFILE);
    let build = BuildOptions::default();
    let df = Dockerfile::analyse(&file, &ast, &build);
    let plans = ctx.copy_plans(&df);
    let counts: Vec<usize> = plans
        .iter()
        .map(|(_, p)| p.sources.iter().map(|s| s.files.len()).sum())
        .collect();
    println!("COPY plans: files sent per instruction {counts:?}");
    println!(
        "resolve every COPY/ADD             {}",
        ms(median(|| drop(ctx.copy_plans(&df)), 7))
    );

    let settings_for = |rules: &[&str], scan: u64| {
        let options: Options =
            toml::from_str(&format!("[rules.context]\nscan-max-file-size = {scan}\n")).unwrap();
        Settings::resolve(
            &options,
            &Overrides {
                select: Some(rules.iter().map(|r| (*r).to_owned()).collect()),
                ..Overrides::default()
            },
        )
        .unwrap()
    };
    let all_rules = ["SW304", "SW305", "SW306", "SW308"];
    let settings_with = |scan: u64| settings_for(&all_rules, scan);
    let files_in = [file.clone()];
    for rule in all_rules {
        let settings = settings_for(&[rule], 0);
        let t = median(
            || {
                drop(engine::check_with_contexts(
                    &files_in,
                    &settings,
                    &[Some(&ctx)],
                ));
            },
            5,
        );
        println!("{rule} alone, no content scan        {}", ms(t));
    }
    for (label, scan) in [
        ("context rules, no content scan   ", 0),
        ("context rules, content scan      ", 262_144),
    ] {
        let settings = settings_with(scan);
        let mut n = 0;
        let t = median(
            || {
                n = engine::check_with_contexts(&files_in, &settings, &[Some(&ctx)])
                    .findings
                    .len();
            },
            5,
        );
        println!("{label}  {} ({n} findings)", ms(t));
    }
    let settings = settings_with(262_144);
    let t = median(
        || {
            let ctx = load();
            drop(engine::check_with_contexts(
                &files_in,
                &settings,
                &[Some(&ctx)],
            ));
        },
        5,
    );
    println!("end to end: load + all four rules   {}", ms(t));
}
