//! Build contexts: the context of each checked Dockerfile (its directory, or `--context`),
//! and `seaworthy context`, which shows what a build would send and why.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use seaworthy_core::context::{
    BuildContext, ContextOptions, ContextPlan, ContextRequest, CopyPlan, EntryKind, NotWalked,
    SourceKind, SourcePlan, clean_source_path,
};
use seaworthy_core::dockerfile::{BuildOptions, Dockerfile, Instr};
use seaworthy_core::input;
use seaworthy_core::settings::{DEFAULT_MAX_FILE_SIZE, Settings};
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::dockerfile as parser;
use serde_json::json;

use crate::args::{ContextArgs, TextOrJson};
use crate::discover::shown_path;

/// How a context root is printed: relative to the current directory, empty for it.
fn shown_root(root: &Path, cwd: &Path) -> String {
    let shown = shown_path(root, cwd);
    if shown == "." { String::new() } else { shown }
}

/// The directory a Dockerfile lives in.
fn parent_dir(path: &Path, cwd: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
}

/// Plans the build context of every Dockerfile: `--context` for a single one, else the
/// Dockerfile's own directory (`paths[i]` is `None` for standard input, which has a
/// context only with `--context`). Contexts that would come out the same (one directory,
/// one ignore file) are read once. The contexts are read while the files are checked.
pub fn plan(
    files: &[SourceFile],
    paths: &[Option<PathBuf>],
    context: Option<&Path>,
    cwd: &Path,
    settings: &Settings,
) -> Result<ContextPlan> {
    if let Some(dir) = context {
        let dockerfiles = files
            .iter()
            .filter(|f| f.kind == FileKind::Dockerfile)
            .count();
        if dockerfiles != 1 {
            bail!("--context needs exactly one Dockerfile to check, found {dockerfiles}");
        }
        if !dir.is_dir() {
            bail!("--context {}: not a directory", dir.display());
        }
    }
    // (root, per-Dockerfile ignore file) → the first file asking for it.
    let mut keys: HashMap<(PathBuf, Option<PathBuf>), usize> = HashMap::new();
    let mut requests: Vec<ContextRequest> = Vec::new();
    let mut of_file = Vec::with_capacity(files.len());
    // Projects of a monorepo share their parent directories: resolve each once.
    let mut resolver = input::Resolver::new();
    for (file, path) in files.iter().zip(paths) {
        if file.kind != FileKind::Dockerfile {
            of_file.push(None);
            continue;
        }
        let root = match (context, path) {
            (Some(dir), _) => dir.to_path_buf(),
            (None, Some(p)) => parent_dir(p, cwd),
            (None, None) => {
                of_file.push(None);
                continue;
            }
        };
        let own_ignore = path.as_ref().and_then(|p| {
            let mut name = p.file_name()?.to_os_string();
            name.push(".dockerignore");
            let candidate = p.with_file_name(name);
            candidate.exists().then_some(candidate)
        });
        let resolved = resolver.resolve(&root).ok();
        let real_root = resolved.clone().unwrap_or_else(|| root.clone());
        let request = *keys.entry((real_root, own_ignore)).or_insert_with(|| {
            requests.push(ContextRequest {
                shown_root: shown_root(&root, cwd),
                real_root: resolved,
                root: root.clone(),
                dockerfile: path.as_ref().map(|p| (p.clone(), file.path.clone())),
            });
            requests.len() - 1
        });
        of_file.push(Some(request));
    }
    Ok(ContextPlan {
        requests,
        of_file,
        options: ContextOptions::from_settings(settings),
    })
}

/// `seaworthy context`.
pub fn command(args: &ContextArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let dockerfile = args
        .dockerfile
        .clone()
        .unwrap_or_else(|| PathBuf::from("Dockerfile"));
    let shown = shown_path(&dockerfile, &cwd);
    let text = input::read_text(&dockerfile, &shown, None, DEFAULT_MAX_FILE_SIZE)
        .map_err(|d| anyhow!("{}: {}", d.path, d.message))?;
    let root = match &args.context {
        Some(dir) => dir.clone(),
        None => parent_dir(&dockerfile, &cwd),
    };
    if !root.is_dir() {
        bail!("{}: the build context is not a directory", root.display());
    }
    let ctx = BuildContext::load(
        &root,
        &shown_root(&root, &cwd),
        Some((&dockerfile, &shown)),
        &ContextOptions::default(),
    )
    .map_err(|d| anyhow!("{}: {}", d.path, d.message))?;
    let mut build = BuildOptions {
        target: args.target.clone(),
        ..BuildOptions::default()
    };
    for kv in &args.build_args {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| anyhow!("--build-arg `{kv}` must be KEY=VALUE"))?;
        build.args.insert(k.to_owned(), v.to_owned());
    }
    let file = SourceFile::new(FileId(0), shown, FileKind::Dockerfile, text);
    let ast = parser::parse(&file.text);
    let df = Dockerfile::analyse(&file, &ast, &build);
    let plans = ctx.copy_plans(&df);
    let why: Vec<String> = args.why.iter().map(|p| clean_source_path(p)).collect();
    let out = match args.format {
        TextOrJson::Text => render_text(&ctx, &df, &plans, &why, args.all),
        TextOrJson::Json => {
            let mut s =
                serde_json::to_string_pretty(&render_json(&ctx, &df, &plans, &why, args.all))?;
            s.push('\n');
            s
        }
    };
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(out.as_bytes())?;
    lock.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn line_of(df: &Dockerfile<'_>, instr: Instr<'_>) -> u32 {
    df.file.line_col(instr.span().start).line
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Path => "path",
        SourceKind::Glob => "wildcard",
        SourceKind::Heredoc => "heredoc",
        SourceKind::Remote => "remote",
        SourceKind::Unresolved => "unresolved",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Why a path is in or out of the context.
struct Verdict {
    exists: bool,
    sent: bool,
    /// `(file:line, pattern)` of the deciding ignore pattern.
    pattern: Option<(String, u32, String)>,
    /// Lines of the instructions that copy it (or something below it).
    copied_by: Vec<u32>,
}

fn verdict(
    ctx: &BuildContext,
    df: &Dockerfile<'_>,
    plans: &[(Instr<'_>, CopyPlan)],
    path: &str,
) -> Verdict {
    let index = ctx.find(path);
    let pattern = ctx.decisive_pattern(path).and_then(|p| {
        let file = ctx.ignore()?;
        Some((file.file.path.clone(), p.line, p.text.clone()))
    });
    let excluded = ctx.ignore_patterns().is_some_and(|f| f.is_excluded(path));
    let sent = index.map_or(!excluded && path == ".", |i| ctx.entry(i).in_context);
    let range = index.map(|i| (i, ctx.below(Some(i))));
    let copied_by = plans
        .iter()
        .filter(|(_, plan)| {
            plan.sources.iter().any(|s| {
                s.files.iter().any(|&f| {
                    range
                        .as_ref()
                        .is_some_and(|(i, r)| f == *i || r.contains(&f))
                })
            })
        })
        .map(|(instr, _)| line_of(df, *instr))
        .collect();
    Verdict {
        exists: index.is_some() || path == ".",
        sent,
        pattern,
        copied_by,
    }
}

fn source_summary(ctx: &BuildContext, source: &SourcePlan) -> String {
    match source.kind {
        SourceKind::Heredoc => "inline document, nothing from the context".to_owned(),
        SourceKind::Remote => "downloaded, nothing from the context".to_owned(),
        SourceKind::Unresolved => "depends on a build argument without a value".to_owned(),
        SourceKind::Path | SourceKind::Glob => {
            if let Some(excluded) = &source.ignored {
                let pattern = ctx
                    .decisive_pattern(excluded)
                    .map(|p| format!(" (`{}`, line {})", p.text, p.line))
                    .unwrap_or_default();
                format!("left out by the ignore file: `{excluded}`{pattern}")
            } else if source.files.is_empty() && source.roots.is_empty() && !source.whole_context {
                "nothing in the build context matches".to_owned()
            } else {
                let what = if source.whole_context {
                    "the whole context, "
                } else {
                    ""
                };
                format!("{what}{}", plural(source.files.len(), "file"))
            }
        }
    }
}

fn render_text(
    ctx: &BuildContext,
    df: &Dockerfile<'_>,
    plans: &[(Instr<'_>, CopyPlan)],
    why: &[String],
    all: bool,
) -> String {
    let mut out = String::new();
    let entries = ctx.entries();
    let files = entries.iter().filter(|e| e.kind != EntryKind::Dir);
    let (sent, left_out) = files.fold(
        (0, 0),
        |(s, l), e| {
            if e.in_context { (s + 1, l) } else { (s, l + 1) }
        },
    );
    let not_walked = entries
        .iter()
        .filter(|e| e.not_walked == Some(NotWalked::Excluded))
        .count();
    let root = if ctx.shown_root().is_empty() {
        ".".to_owned()
    } else {
        ctx.shown_root().to_owned()
    };
    let _ = writeln!(out, "Dockerfile:    {}", df.file.path);
    let _ = write!(
        out,
        "Build context: {root} ({} sent, {} left out",
        plural(sent, "file"),
        plural(left_out, "file")
    );
    if not_walked > 0 {
        let _ = write!(out, ", {} left out unread", plural(not_walked, "directory"));
    }
    let _ = writeln!(out, ")");
    match ctx.ignore() {
        Some(ignore) => {
            let place = if ignore.per_dockerfile {
                "beside the Dockerfile"
            } else {
                "at the context root"
            };
            let _ = writeln!(
                out,
                "Ignore file:   {} ({place}, {})",
                ignore.file.path,
                plural(ignore.patterns.patterns.len(), "pattern")
            );
        }
        None => {
            let _ = writeln!(out, "Ignore file:   none");
        }
    }
    for d in ctx.diagnostics() {
        let _ = writeln!(out, "Warning:       {}: {}", d.path, d.message);
    }
    if !why.is_empty() {
        for path in why {
            let v = verdict(ctx, df, plans, path);
            let _ = writeln!(out, "\n{path}");
            let state = match (v.exists, v.sent) {
                (_, false) if v.pattern.is_some() => "left out of the build context",
                (false, _) => "not in the build context directory",
                (true, true) => "in the build context",
                (true, false) => "left out of the build context",
            };
            let _ = write!(out, "  {state}");
            match &v.pattern {
                Some((file, line, text)) if text.starts_with('!') => {
                    let _ = writeln!(out, ": `{text}` ({file}:{line}) brings it back");
                }
                Some((file, line, text)) => {
                    let _ = writeln!(out, ": `{text}` ({file}:{line})");
                }
                None if v.exists && ctx.ignore().is_some() => {
                    let _ = writeln!(out, ": no pattern matches it");
                }
                None => {
                    let _ = writeln!(out);
                }
            }
            if v.copied_by.is_empty() {
                let _ = writeln!(out, "  not copied by any COPY/ADD");
            } else {
                let lines: Vec<String> = v.copied_by.iter().map(u32::to_string).collect();
                let _ = writeln!(out, "  copied by the COPY/ADD on line {}", lines.join(", "));
            }
        }
        return out;
    }
    for (instr, plan) in plans {
        let line = line_of(df, *instr);
        let stage = match instr.stage() {
            Some(s) if df.is_shipped(s) => String::new(),
            Some(s) => format!(" [build stage {}]", df.stages[s].label()),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "\nLine {line}: {}{stage}",
            df.file.line_text(line).trim()
        );
        for source in &plan.sources {
            let _ = writeln!(out, "  `{}`: {}", source.text, source_summary(ctx, source));
            for &f in &source.files {
                let _ = writeln!(out, "    {}", ctx.entry(f).path);
            }
        }
    }
    if plans.is_empty() {
        let _ = writeln!(out, "\nNo COPY or ADD reads the build context.");
    }
    if all {
        let _ = writeln!(out, "\nBuild context:");
        for e in entries {
            let mark = if e.in_context { '+' } else { '-' };
            let slash = if e.kind == EntryKind::Dir { "/" } else { "" };
            let mut line = format!("  {mark} {}{slash}", e.path);
            if let Some(p) = ctx.decisive_pattern(&e.path) {
                let _ = write!(line, "  `{}` (line {})", p.text, p.line);
            }
            match e.not_walked {
                Some(NotWalked::Excluded) => line.push_str(", not read"),
                Some(NotWalked::DepthLimit) => line.push_str(", too deep, not read"),
                Some(NotWalked::Unreadable) => line.push_str(", unreadable"),
                None => {}
            }
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

fn render_json(
    ctx: &BuildContext,
    df: &Dockerfile<'_>,
    plans: &[(Instr<'_>, CopyPlan)],
    why: &[String],
    all: bool,
) -> serde_json::Value {
    let ignore = ctx.ignore().map(|i| {
        json!({
            "path": i.file.path,
            "per_dockerfile": i.per_dockerfile,
            "patterns": i.patterns.patterns.len(),
        })
    });
    let instructions: Vec<_> = plans
        .iter()
        .map(|(instr, plan)| {
            let line = line_of(df, *instr);
            json!({
                "line": line,
                "instruction": df.file.line_text(line).trim(),
                "shipped": instr.stage().is_some_and(|s| df.is_shipped(s)),
                "sources": plan.sources.iter().map(|s| json!({
                    "source": s.text,
                    "kind": kind_name(s.kind),
                    "whole_context": s.whole_context,
                    "copies_directory": s.copies_directory,
                    "ignored": s.ignored,
                    "files": s.files.iter().map(|&f| &ctx.entry(f).path).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let why: Vec<_> = why
        .iter()
        .map(|path| {
            let v = verdict(ctx, df, plans, path);
            json!({
                "path": path,
                "exists": v.exists,
                "in_context": v.sent,
                "pattern": v.pattern.map(|(file, line, text)| json!({
                    "file": file, "line": line, "pattern": text,
                })),
                "copied_by_lines": v.copied_by,
            })
        })
        .collect();
    let mut value = json!({
        "dockerfile": df.file.path,
        "context": if ctx.shown_root().is_empty() { "." } else { ctx.shown_root() },
        "ignore_file": ignore,
        "complete": ctx.is_complete(),
        "diagnostics": ctx.diagnostics(),
        "instructions": instructions,
    });
    if !why.is_empty() {
        value["why"] = json!(why);
    }
    if all {
        value["entries"] = ctx
            .entries()
            .iter()
            .map(|e| {
                json!({
                    "path": e.path,
                    "directory": e.kind == EntryKind::Dir,
                    "in_context": e.in_context,
                    "pattern": ctx.decisive_pattern(&e.path).map(|p| json!({
                        "line": p.line, "pattern": p.text,
                    })),
                })
            })
            .collect();
    }
    value
}
