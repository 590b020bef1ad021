//! Rule fixtures: `tests/fixtures/<CODE>/<case>/` holds a `Dockerfile` (and whatever else the
//! case needs; the case directory is the build context). Each `# expect: CODE [CODE…]`
//! comment says the rule reports on the next line; `# expect-file: CODE` marks a finding
//! without a line. The set of findings must EQUAL the markers, so every unmarked line is an
//! assertion that the rule stays quiet there. An optional `seaworthy.toml` in the case
//! configures the run; the rule under test is always the only one enabled.
//!
//! A case may instead (or also) hold a compose project: `compose.yaml` (or another default
//! name) with its override, `extends` and `include` files, a `.env`, and the Dockerfiles its
//! services build. The project is loaded as compose loads it from the case directory, the
//! top-level Dockerfiles are also checked on their own, and the markers of every file the
//! run reads (YAML comments in compose files) are compared with the findings. Inside a
//! `dockerfile_inline` literal block a marker is a Dockerfile comment and works the same way.
//!
//! Each Dockerfile is checked with the case directory as its build context (its ignore file
//! is `<name>.dockerignore` beside it, else `.dockerignore`). Git cannot store a directory
//! named `.git`, so a case that needs one holds `_dot_git/`: such a case is copied to a
//! temporary directory where `_dot_git` is renamed `.git`, and that copy is the context.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use seaworthy_core::compose_check::{self, ComposeRequest};
use seaworthy_core::context::{BuildContext, ContextOptions};
use seaworthy_core::engine;
use seaworthy_core::finding::Finding;
use seaworthy_core::rule::FixAvailability;
use seaworthy_core::rules;
use seaworthy_core::settings::{Options, Overrides, Settings};
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::compose::{FsLoader, LoadOptions, default_files};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Expected `(line, code)` pairs from `# expect:` markers (line 0 = whole file).
fn expectations(text: &str) -> BTreeMap<(u32, String), usize> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(codes) = t.strip_prefix("# expect-file:") {
            for code in codes.split([',', ' ']).filter(|c| !c.is_empty()) {
                *out.entry((0, code.to_owned())).or_default() += 1;
            }
        } else if let Some(codes) = t.strip_prefix("# expect:") {
            let target = u32::try_from(i).unwrap() + 2;
            for code in codes.split([',', ' ']).filter(|c| !c.is_empty()) {
                *out.entry((target, code.to_owned())).or_default() += 1;
            }
        }
    }
    out
}

fn settings_for(code: &str, case: &Path) -> Settings {
    let config = case.join("seaworthy.toml");
    let options: Options = if config.exists() {
        toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap()
    } else {
        Options::default()
    };
    let overrides = Overrides {
        select: Some(vec![code.to_owned()]),
        today: Some(seaworthy_core::date::Date::parse("2026-11-29").unwrap()),
        ..Overrides::default()
    };
    Settings::resolve(&options, &overrides).unwrap()
}

/// Name of a directory that stands for `.git` in fixture cases.
const DOT_GIT: &str = "_dot_git";

/// Copies `from` to `to`, renaming `_dot_git` to `.git`; returns whether anything was renamed.
fn materialise(from: &Path, to: &Path) -> bool {
    let mut renamed = false;
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        let target = if name == DOT_GIT {
            renamed = true;
            to.join(".git")
        } else {
            to.join(&name)
        };
        if entry.file_type().unwrap().is_dir() {
            renamed |= materialise(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
    renamed
}

fn needs_materialising(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let e = e.unwrap();
        e.file_type().unwrap().is_dir()
            && (e.file_name() == DOT_GIT || needs_materialising(&e.path()))
    })
}

/// Runs one case; returns the rendered findings and the mismatches.
fn run_case(code: &str, case: &Path) -> (String, Vec<String>) {
    let settings = settings_for(code, case);
    let temp = needs_materialising(case).then(|| {
        let dir = tempfile::tempdir().unwrap();
        materialise(case, dir.path());
        dir
    });
    let context_dir = temp.as_ref().map_or(case, |t| t.path());
    let mut files = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.ends_with(".dockerignore")
                    && (n == "Dockerfile"
                        || n.ends_with(".Dockerfile")
                        || n.starts_with("Dockerfile."))
            })
        })
        .collect();
    names.sort();
    for (i, p) in names.iter().enumerate() {
        let text = std::fs::read_to_string(p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        files.push(SourceFile::new(
            FileId(u32::try_from(i).unwrap()),
            name,
            FileKind::Dockerfile,
            text,
        ));
    }
    let compose = default_files(case, &FsLoader::default());
    assert!(
        !files.is_empty() || !compose.is_empty(),
        "{}: no Dockerfile or compose file in the case",
        case.display()
    );
    let contexts: Vec<BuildContext> = files
        .iter()
        .map(|f| {
            BuildContext::load(
                context_dir,
                "",
                Some((&context_dir.join(&f.path), &f.path)),
                &ContextOptions::from_settings(&settings),
            )
            .unwrap()
        })
        .collect();
    let context_refs: Vec<Option<&BuildContext>> = contexts.iter().map(Some).collect();
    let (outcome_files, findings) = if compose.is_empty() {
        let outcome = engine::check_with_contexts(&files, &settings, &context_refs);
        (files, outcome.findings)
    } else {
        let request = ComposeRequest {
            files: compose,
            options: LoadOptions::default(),
            root: case.to_path_buf(),
        };
        let outcome = compose_check::check_run(files, &[request], case, &settings, &context_refs);
        (outcome.files, outcome.findings)
    };
    let files = outcome_files;
    let mut rendered = String::new();
    let mut problems = Vec::new();
    for file in &files {
        let expected = expectations(&file.text);
        let mut got: BTreeMap<(u32, String), usize> = BTreeMap::new();
        for f in findings.iter().filter(|f| {
            *f.location.path == *file.path && f.suppressed.is_none() && f.rule.code == code
        }) {
            let line = f.location.region.map_or(0, |(s, _)| s.line);
            *got.entry((line, f.rule.code.to_owned())).or_default() += 1;
            render(&mut rendered, f);
            check_conventions(f, &mut problems);
        }
        if got != expected {
            problems.push(format!(
                "{}/{}: findings differ from the markers\n  expected (line, code)×n: {expected:?}\n  got:                     {got:?}",
                case.display(),
                file.path
            ));
        }
    }
    (rendered, problems)
}

fn render(out: &mut String, f: &Finding) {
    let (s, e) = f.location.region.map_or(((0, 0), (0, 0)), |(s, e)| {
        ((s.line, s.column), (e.line, e.column))
    });
    let _ = writeln!(
        out,
        "{}:{}:{}-{}:{}: {} [{}] {}",
        f.location.path, s.0, s.1, e.0, e.1, f.rule.code, f.severity, f.message
    );
    if let Some(h) = &f.help {
        let _ = writeln!(out, "  help: {h}");
    }
    for r in &f.related {
        let _ = writeln!(
            out,
            "  related: {}:{} {}",
            r.location.path,
            r.location.start().line,
            r.label
        );
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "  fix ({:?}): {}", fix.applicability, fix.description);
    }
}

/// The message and help style of the architecture (§7), and fix consistency.
fn check_conventions(f: &Finding, problems: &mut Vec<String>) {
    let m = &f.message;
    let first = m.chars().next().unwrap_or(' ');
    if !(first.is_uppercase() || first == '`') {
        problems.push(format!(
            "{}: message must start with a capital or a quoted token: {m:?}",
            f.rule.code
        ));
    }
    if m.ends_with('.') {
        problems.push(format!(
            "{}: message must not end with a period: {m:?}",
            f.rule.code
        ));
    }
    if f.help.is_none() {
        problems.push(format!("{}: finding without help: {m:?}", f.rule.code));
    }
    if let Some(h) = &f.help {
        if h.ends_with('.') {
            problems.push(format!(
                "{}: help must not end with a period: {h:?}",
                f.rule.code
            ));
        }
    }
    if f.fix.is_some() && f.rule.fix == FixAvailability::Never {
        problems.push(format!(
            "{}: a fix from a rule declared `fix: Never`",
            f.rule.code
        ));
    }
}

/// Every fixture case of every rule.
#[test]
fn fixtures() {
    let mut all_problems = Vec::new();
    let mut cases = 0;
    for rule in rules::ALL {
        let code = rule.meta().code;
        let dir = fixtures_dir().join(code);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut case_dirs: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        case_dirs.sort();
        for case in case_dirs {
            cases += 1;
            let (rendered, problems) = run_case(code, &case);
            all_problems.extend(problems);
            let name = format!("{code}__{}", case.file_name().unwrap().to_string_lossy());
            insta::with_settings!({
                snapshot_path => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name, rendered);
            });
        }
    }
    assert!(cases > 0, "no fixture cases found");
    assert!(all_problems.is_empty(), "{}", all_problems.join("\n"));
}
