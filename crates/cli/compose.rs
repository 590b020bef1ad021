//! Compose projects of a run: the files found by discovery, grouped as docker compose groups
//! them, and the files named on the command line.
//!
//! - In a scanned directory, the file compose prefers (`compose.yaml`, `compose.yml`,
//!   `docker-compose.yml`, `docker-compose.yaml`) is one project, with the first override file
//!   beside it (`compose.override.yaml`, …). Another default name in the same directory is a
//!   project of its own; an override file without a main file is not a project (compose never
//!   loads it alone). Files outside the scanned directory are never read.
//! - A compose file named as a path (`seaworthy check deploy/compose.prod.yaml`) is a project
//!   on its own, as `docker compose -f` loads it: without override files.
//! - `--compose FILE`, repeated, is one project whose files apply in order, as `docker
//!   compose -f a -f b` merges them.
//! - `--env-file FILE`, repeated, replaces the `.env` beside the compose file for every
//!   project of the run, as `docker compose --env-file` does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use seaworthy_core::compose_check::ComposeRequest;
use seaworthy_core::syntax::compose::{
    ComposeFileName, DEFAULT_FILE_NAMES, LoadOptions, OVERRIDE_FILE_NAMES, classify_file_name,
};

use crate::discover::{Candidate, is_dockerfile_name};

/// Whether a path named on the command line is a compose file: a compose name, or a YAML
/// file that is not named like a Dockerfile.
pub fn is_compose_path(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if classify_file_name(name).is_some() {
        return true;
    }
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    yaml && !is_dockerfile_name(name)
}

/// Splits the paths of `check` into explicit compose files and the rest.
pub fn split_explicit(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    paths
        .into_iter()
        .partition(|p| p.is_file() && is_compose_path(p))
}

/// The directory files named on the command line may read below: the working directory when
/// the file is inside it, else the file's own directory.
fn explicit_root(path: &Path, cwd: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    if abs.starts_with(cwd) {
        cwd.to_path_buf()
    } else {
        abs.parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
    }
}

/// The projects of a run.
pub fn requests(
    found: &[Candidate],
    explicit: &[PathBuf],
    compose_flags: &[PathBuf],
    env_files: &[PathBuf],
    cwd: &Path,
) -> Vec<ComposeRequest> {
    let options = LoadOptions {
        env_files: env_files.to_vec(),
        ..LoadOptions::default()
    };
    let mut out = Vec::new();
    // Discovered files, by directory.
    let mut by_dir: BTreeMap<PathBuf, Vec<&Candidate>> = BTreeMap::new();
    for c in found {
        let dir = c.path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        by_dir.entry(dir).or_default().push(c);
    }
    for files in by_dir.values() {
        let name_of = |c: &Candidate| {
            c.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned()
        };
        let pick = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| files.iter().find(|c| name_of(c) == *n).copied())
        };
        let Some(main) = pick(&DEFAULT_FILE_NAMES) else {
            continue;
        };
        let mut project = vec![main.path.clone()];
        project.extend(pick(&OVERRIDE_FILE_NAMES).map(|c| c.path.clone()));
        out.push(ComposeRequest {
            files: project,
            options: options.clone(),
            root: main.root.clone(),
        });
        for other in files.iter().filter(|c| {
            !std::ptr::eq(**c, main)
                && classify_file_name(&name_of(c)) == Some(ComposeFileName::Main)
        }) {
            out.push(ComposeRequest {
                files: vec![other.path.clone()],
                options: options.clone(),
                root: other.root.clone(),
            });
        }
    }
    for path in explicit {
        out.push(ComposeRequest {
            files: vec![path.clone()],
            options: options.clone(),
            root: explicit_root(path, cwd),
        });
    }
    if let Some(first) = compose_flags.first() {
        out.push(ComposeRequest {
            files: compose_flags.to_vec(),
            options,
            root: explicit_root(first, cwd),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use seaworthy_core::source::FileKind;

    fn candidate(path: &str) -> Candidate {
        Candidate {
            shown: path.to_owned(),
            path: PathBuf::from(path),
            kind: FileKind::Compose,
            root: PathBuf::from("."),
        }
    }

    #[test]
    fn compose_paths() {
        for p in [
            "compose.yaml",
            "deploy/docker-compose.yml",
            "compose.prod.yaml",
            "stack.yml",
        ] {
            assert!(is_compose_path(Path::new(p)), "{p}");
        }
        for p in [
            "Dockerfile",
            "api.Dockerfile",
            "Dockerfile.yaml",
            "notes.txt",
        ] {
            assert!(!is_compose_path(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn discovered_files_are_grouped_as_compose_groups_them() {
        let found = [
            candidate("./a/compose.yaml"),
            candidate("./a/docker-compose.yml"),
            candidate("./a/compose.override.yml"),
            candidate("./a/docker-compose.override.yml"),
            candidate("./b/compose.override.yaml"),
            candidate("./c/docker-compose.yaml"),
        ];
        let cwd = Path::new("/work");
        let got: Vec<Vec<String>> = requests(&found, &[], &[], &[], cwd)
            .iter()
            .map(|r| r.files.iter().map(|f| f.display().to_string()).collect())
            .collect();
        assert_eq!(
            got,
            [
                vec!["./a/compose.yaml", "./a/compose.override.yml"],
                vec!["./a/docker-compose.yml"],
                vec!["./c/docker-compose.yaml"],
            ]
        );
        let flags = [PathBuf::from("base.yaml"), PathBuf::from("prod.yaml")];
        let env = [PathBuf::from("ci.env")];
        let r = requests(&[], &[PathBuf::from("x/compose.yaml")], &flags, &env, cwd);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].files, [PathBuf::from("x/compose.yaml")]);
        assert_eq!(r[1].files, flags);
        assert_eq!(r[1].root, cwd);
        assert_eq!(r[1].options.env_files, env);
        assert_eq!(
            explicit_root(Path::new("/elsewhere/compose.yaml"), cwd),
            Path::new("/elsewhere")
        );
    }
}
