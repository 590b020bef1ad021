//! The `seaworthy` command-line tool: turns arguments and configuration into settings,
//! finds the files, calls the checker, hands the findings to the report formats and sets
//! the exit code. It holds no rule logic and no format logic.
#![allow(clippy::print_stdout, clippy::print_stderr)]
// A binary has no public API: `pub` only says "used by other modules of the tool".
#![allow(unreachable_pub)]

mod args;
mod compose;
mod config;
mod contexts;
mod discover;
mod info;

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::Parser;
use rayon::prelude::*;
use seaworthy_core::compose_check;
use seaworthy_core::diagnostic::{Diagnostic, DiagnosticLevel};
use seaworthy_core::finding::Severity;
use seaworthy_core::input;
use seaworthy_core::settings::Settings;
use seaworthy_core::source::{FileId, SourceFile};
use seaworthy_report::{EmitOptions, Format, Report, ToolInfo};

use crate::args::{CheckArgs, Cli, Command};

/// mimalloc instead of the system allocator. A run makes millions of small, short-lived
/// allocations on several threads; with glibc's allocator they took a fifth of the time
/// of a 10,000-project run and grew faster than the input (bench/README.md has the figures).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules(args) => info::rules(&args).map(|()| ExitCode::SUCCESS),
        Command::Explain(args) => info::explain(&args),
        Command::Eol(args) => info::eol(&args).map(|()| ExitCode::SUCCESS),
        Command::Context(args) => contexts::command(&args),
        Command::Version(args) => {
            info::version(&args, VERSION);
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("seaworthy: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Where one report goes.
struct Target {
    format: Format,
    path: Option<PathBuf>,
}

fn check(args: &CheckArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot determine the current directory")?;
    let (settings, _config) = config::settings(args, &cwd)?;
    let targets = targets(args)?;

    let mut paths = args.paths.clone();
    if paths.is_empty() && args.compose.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let use_stdin = paths.iter().any(|p| p.as_os_str() == "-");
    paths.retain(|p| p.as_os_str() != "-");
    let (explicit_compose, paths) = compose::split_explicit(paths);

    let (candidates, mut diagnostics) = if paths.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        discover::discover(&paths, &cwd, settings.max_discovered_files)
    };
    let (found_compose, candidates): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .partition(|c| c.kind == seaworthy_core::source::FileKind::Compose);

    // Read in parallel; the order (and so the FileIds) follows the sorted candidates.
    let read: Vec<Result<(String, seaworthy_core::source::FileKind, String), Diagnostic>> =
        candidates
            .par_iter()
            .map(|c| {
                input::read_text(&c.path, &c.shown, Some(&c.root), settings.max_file_size)
                    .map(|text| (c.shown.clone(), c.kind, text))
            })
            .collect();
    let mut files = Vec::with_capacity(read.len() + 1);
    // Where each file was read from (`None`: standard input), for its build context.
    let mut file_paths = Vec::with_capacity(read.len() + 1);
    for (r, candidate) in read.into_iter().zip(&candidates) {
        match r {
            Ok((shown, kind, text)) => {
                let id = FileId(u32::try_from(files.len()).context("too many files")?);
                files.push(SourceFile::new(id, shown, kind, text));
                file_paths.push(Some(candidate.path.clone()));
            }
            Err(d) => diagnostics.push(d),
        }
    }
    if use_stdin {
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "Dockerfile".to_owned());
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        match input::decode(bytes) {
            Ok(text) => {
                let id = FileId(u32::try_from(files.len()).context("too many files")?);
                files.push(SourceFile::new(
                    id,
                    name,
                    seaworthy_core::source::FileKind::Dockerfile,
                    text,
                ));
                file_paths.push(None);
            }
            Err((kind, message)) => diagnostics.push(Diagnostic::new(name, kind, message)),
        }
    }
    let contexts = contexts::plan(
        &files,
        &file_paths,
        args.context.as_deref(),
        &cwd,
        &settings,
    )?;
    // Compose projects and the Dockerfiles their services build are checked with the
    // standalone Dockerfiles, so a Dockerfile reached both ways is reported once.
    let projects = compose::requests(
        &found_compose,
        &explicit_compose,
        &args.compose,
        &args.env_files,
        &cwd,
    );
    let outcome = compose_check::check_run_planned(files, &projects, &cwd, &settings, &contexts);
    diagnostics.extend(outcome.diagnostics);
    diagnostics.sort();
    diagnostics.dedup();
    let files = outcome.files;

    let rules = settings.enabled_rules();
    let report = Report {
        tool: ToolInfo::seaworthy(VERSION),
        files: &files,
        findings: &outcome.findings,
        rules: &rules,
        diagnostics: &diagnostics,
    };
    let opts = emit_options(args);
    let mut stdout_used_by_machine_format = false;
    for t in &targets {
        let emitter = t.format.emitter(&EmitOptions {
            color: t.path.is_none() && opts.color && t.format == Format::Human,
            ..opts.clone()
        });
        if let Some(path) = &t.path {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("cannot create the directory of report {}", path.display())
                })?;
            }
            seaworthy_report::write_atomically(path, |w| emitter.emit(&report, w))
                .with_context(|| format!("cannot write report {}", path.display()))?;
        } else {
            if t.format != Format::Human {
                stdout_used_by_machine_format = true;
            }
            // Standard output is line-buffered: without a buffer of its own, every line of
            // a report would be one write call.
            let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
            emitter.emit(&report, &mut out)?;
            out.flush()?;
        }
    }
    // Diagnostics also go to standard error, unless the terminal output already shows them.
    let human_on_stdout = targets
        .iter()
        .any(|t| t.format == Format::Human && t.path.is_none());
    if !args.quiet && (!human_on_stdout || stdout_used_by_machine_format) {
        for d in &diagnostics {
            eprintln!("seaworthy: {}: {}: {}", d.level(), d.path, d.message);
        }
    }
    Ok(exit_code(&settings, &report, args.exit_zero))
}

fn exit_code(settings: &Settings, report: &Report<'_>, exit_zero: bool) -> ExitCode {
    if report
        .diagnostics
        .iter()
        .any(|d| d.level() == DiagnosticLevel::Error)
    {
        return ExitCode::from(2);
    }
    if exit_zero {
        return ExitCode::SUCCESS;
    }
    let fails = |sev: Severity| settings.fail_on.is_some_and(|t| sev >= t);
    if report.unsuppressed().any(|f| fails(f.severity)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn targets(args: &CheckArgs) -> Result<Vec<Target>> {
    let format: Format = args
        .format
        .parse()
        .map_err(|e: String| anyhow!("--format: {e}"))?;
    let mut targets = vec![Target {
        format,
        path: args.output.clone(),
    }];
    for r in &args.reports {
        let (format, path) =
            seaworthy_report::parse_report_target(r).map_err(|e| anyhow!("--report: {e}"))?;
        targets.push(Target { format, path });
    }
    let to_stdout = targets.iter().filter(|t| t.path.is_none()).count();
    if to_stdout > 1 {
        // The default human output gives way to a machine format asked for on stdout.
        if targets[0].format == Format::Human && args.output.is_none() && args.format == "human" {
            targets.remove(0);
        }
        if targets.iter().filter(|t| t.path.is_none()).count() > 1 {
            return Err(anyhow!(
                "more than one report writes to standard output; give all but one a path (FORMAT:PATH)"
            ));
        }
    }
    Ok(targets)
}

fn emit_options(args: &CheckArgs) -> EmitOptions {
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && io::stdout().is_terminal();
    let junit_timestamp = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map(seaworthy_report::junit::timestamp_from_unix);
    let project_dir_prefix = std::env::var("CI_PROJECT_DIR").ok().and_then(|dir| {
        let cwd = std::env::current_dir().ok()?;
        let rel = input::relative_to(&cwd, Path::new(&dir))?;
        (rel != "." && !rel.is_empty()).then_some(rel)
    });
    EmitOptions {
        color,
        report_suppressed: args.report_suppressed,
        sarif_category: args.sarif_category.clone(),
        junit_passed_rules: args.junit_passed_rules,
        junit_timestamp,
        project_dir_prefix,
        quiet: args.quiet,
    }
}
