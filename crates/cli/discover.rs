//! Finds the files to check below each path.
//!
//! Directories are walked with `.gitignore` honoured and `.git` skipped; hidden
//! directories such as `.devcontainer` are searched. Symbolic links are not followed.
//! A file named explicitly is always checked, whatever its name. Compose files (the default
//! and override names) are found too, as [`FileKind::Compose`] candidates.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use ignore::{WalkBuilder, WalkState};
use seaworthy_core::diagnostic::{Diagnostic, DiagnosticKind};
use seaworthy_core::input;
use seaworthy_core::source::FileKind;
use seaworthy_core::syntax::compose::classify_file_name;

/// A file to read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Path as shown in reports: relative to the scan root, `/`-separated.
    pub shown: String,
    pub path: PathBuf,
    pub kind: FileKind,
    /// The directory symlinks must stay inside.
    pub root: PathBuf,
}

/// Extensions of files named like `Dockerfile.*` that are not Dockerfiles.
const NOT_DOCKERFILE_EXTENSIONS: [&str; 14] = [
    "dockerignore",
    "md",
    "txt",
    "orig",
    "rej",
    "bak",
    "swp",
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "template",
    "tpl",
    "erb",
];

/// Whether a file name is one Docker and Podman use for build files.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    if lower.contains('.') && NOT_DOCKERFILE_EXTENSIONS.contains(&ext) {
        return false;
    }
    name == "Dockerfile"
        || name == "Containerfile"
        || name == "dockerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

/// Shows `path` relative to `cwd` when below it, else as given.
pub fn shown_path(path: &Path, cwd: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    input::relative_to(&abs, cwd).unwrap_or_else(|| input::slash_path(path))
}

/// Discovers files below `paths`; problems met on the way become diagnostics. At most
/// `max_files` candidates are returned: a diagnostic names the path whose walk stopped.
pub fn discover(
    paths: &[PathBuf],
    cwd: &Path,
    max_files: usize,
) -> (Vec<Candidate>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    'paths: for arg in paths {
        if found.len() >= max_files {
            diags.push(too_many(shown_path(arg, cwd), max_files));
            break;
        }
        let shown_arg = shown_path(arg, cwd);
        let meta = match std::fs::symlink_metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                diags.push(Diagnostic::new(
                    shown_arg,
                    DiagnosticKind::Unreadable,
                    format!("cannot read: {}", input::io_reason(&e)),
                ));
                continue;
            }
        };
        if !meta.is_dir() {
            // An explicit file: checked whatever its name. Its own directory is the root.
            let root = arg
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
            found.push(Candidate {
                shown: shown_arg,
                path: arg.clone(),
                kind: FileKind::Dockerfile,
                root: if meta.file_type().is_symlink() {
                    cwd.to_path_buf()
                } else {
                    root
                },
            });
            continue;
        }
        // The walk runs on several threads; the order is restored by the sort below. Past
        // the limit, the candidates kept are the first ones in path order (whatever order
        // the threads found them in), so a limit cuts the same files on every run.
        let room = max_files - found.len();
        let walker = WalkBuilder::new(arg)
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .ignore(false)
            .parents(true)
            .follow_links(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build_parallel();
        let mut here: Vec<Candidate> = Vec::new();
        let shared = Mutex::new((&mut here, &mut diags));
        walker.run(|| {
            let shared = &shared;
            let shown_arg = &shown_arg;
            Box::new(move |entry| {
                let (candidate, diagnostic) = examine(entry, arg, shown_arg, cwd);
                if candidate.is_some() || diagnostic.is_some() {
                    let mut guard = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    guard.0.extend(candidate);
                    guard.1.extend(diagnostic);
                    // Memory stays bounded: keep the first `room + 1` in path order.
                    if guard.0.len() > room.saturating_mul(2).max(1024) {
                        guard.0.sort();
                        guard.0.truncate(room + 1);
                    }
                }
                WalkState::Continue
            })
        });
        here.sort();
        if here.len() > room {
            here.truncate(room);
            found.append(&mut here);
            diags.push(too_many(shown_arg, max_files));
            break 'paths;
        }
        found.append(&mut here);
    }
    found.sort();
    found.dedup_by(|a, b| a.shown == b.shown);
    (found, diags)
}

/// What one entry of a directory walk below `arg` gives: a file to check, a problem, or
/// nothing.
fn examine(
    entry: Result<ignore::DirEntry, ignore::Error>,
    arg: &Path,
    shown_arg: &str,
    cwd: &Path,
) -> (Option<Candidate>, Option<Diagnostic>) {
    let entry = match entry {
        Ok(e) => e,
        Err(err) => {
            let path = err_path(&err).map_or_else(|| shown_arg.to_owned(), |p| shown_path(&p, cwd));
            let kind = if err.is_io() {
                DiagnosticKind::Unreadable
            } else {
                DiagnosticKind::SymlinkLoop
            };
            return (
                None,
                Some(Diagnostic::new(path, kind, format!("cannot walk: {err}"))),
            );
        }
    };
    let name = entry.file_name().to_string_lossy();
    let compose = classify_file_name(&name).is_some();
    if !compose && !is_dockerfile_name(&name) {
        return (None, None);
    }
    let Some(file_type) = entry.file_type() else {
        return (None, None);
    };
    let shown = shown_path(entry.path(), cwd);
    if compose {
        // Compose files are grouped into projects by the caller. A symbolic link is a
        // candidate too: reading it refuses a target outside the root, and says so.
        let candidate = (file_type.is_file() || file_type.is_symlink()).then(|| Candidate {
            shown,
            path: entry.path().to_path_buf(),
            kind: FileKind::Compose,
            root: arg.to_path_buf(),
        });
        return (candidate, None);
    }
    if file_type.is_dir() {
        return (
            None,
            Some(Diagnostic::new(
                shown,
                DiagnosticKind::NotAFile,
                "is a directory named like a Dockerfile: skipped",
            )),
        );
    }
    (
        Some(Candidate {
            shown,
            path: entry.path().to_path_buf(),
            kind: FileKind::Dockerfile,
            root: arg.to_path_buf(),
        }),
        None,
    )
}

fn too_many(shown: String, max_files: usize) -> Diagnostic {
    Diagnostic::new(
        shown,
        DiagnosticKind::TooManyFiles,
        format!(
            "more than {max_files} Dockerfiles and compose files found: the rest were not checked (raise `max-discovered-files`)"
        ),
    )
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.dev",
            "dockerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile.template",
            "README.md",
            "docker-compose.yml",
            "Dockerfiles",
            "MyDockerfile",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }
}
