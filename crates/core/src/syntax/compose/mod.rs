//! Docker Compose files: discovery names, a YAML parser that keeps byte spans, compose
//! semantics (interpolation, `extends`, `include`, override files) and a typed model.
//!
//! ```text
//! text ─► yaml (arena, spans, comments) ─► tree (aliases, `<<`, interpolation)
//!      ─► per document: extends, include ─► merge (override files, documents)
//!      ─► normalize ─► Project { services: Vec<Service>, … , diagnostics }
//! ```
//!
//! Decisions, each matching docker compose v2 (compose-go) unless said otherwise:
//!
//! - **YAML parser.** `granit-parser` events are turned into our own tree. It gives byte
//!   offsets, scalar styles, tags (`!reset`, `!override`), comments and document recovery, and
//!   keeps aliases as references so expansion is ours to budget. (`serde-saphyr`, built on the
//!   same parser, loses spans in untagged enums and needs a newer Rust than the workspace.)
//! - **YAML 1.1 booleans.** compose parses YAML 1.2: `yes`, `on`, … are strings. Its
//!   boolean fields (`read_only`, `privileged`, `init`, `oom_kill_disable`, `tty`, volume
//!   `read_only`, `external`, …) nevertheless accept `y`/`yes`/`on` and `n`/`no`/`off` in any
//!   case, with a warning. We read them the same way and report a
//!   [`DiagnosticKind::Yaml11Boolean`] warning; everywhere else (`environment: {A: yes}`)
//!   the text stays `yes`.
//! - **Process environment.** Never read: results are reproducible and CI secrets never
//!   leak into findings. Variables come from the project's `.env` (or the explicit env
//!   files, which replace it, as `--env-file` does) and from [`LoadOptions::variables`]
//!   (which win, as the process environment does in compose). Any other variable is
//!   *unknown*; see [`interpolate`] for how unknown values read. Nothing is guessed, and
//!   `${VAR:?message}` with an unknown `VAR` is not an error.
//! - **Multi-document files** are merged in order, like override files.
//! - **Merging** (override files, later documents, `extends`, `include`) follows
//!   compose-spec's merge rules: mappings merge, scalars are replaced, `command`,
//!   `entrypoint` and `healthcheck.test` are replaced whole; `ports`, `volumes`, `secrets`,
//!   `devices`, `env_file`, `cap_add`, `security_opt`, … are sets keyed as compose keys them
//!   (a later entry replaces an earlier one in place); `environment`, `labels`, `sysctls` and
//!   `build.args` merge by key across list and mapping forms; `!reset` removes an inherited
//!   value and `!override` replaces it. Every value keeps the location of the file that
//!   supplied it; a service keeps the key of the file that defined it first.
//! - **Paths** in the main and override files resolve against the project directory, in an
//!   `extends` file against that file's directory, in an included project against its
//!   `project_directory`. Nothing is resolved through the file system (no symlinks, no `~`).
//! - **Profiles** never hide a service: every service is in the model.
//! - **Bad input** never panics and never aborts the project: each problem is a
//!   [`Diagnostic`] with a span, and the element is skipped. Alias expansion has a node
//!   budget (alias bombs are refused before expanding), nesting depth is limited, files have
//!   a size limit, and `extends`/`include` cycles are detected.

mod dotenv;
pub mod interpolate;
mod merge;
mod model;
mod normalize;
mod project;
mod short;
mod tree;
mod yaml;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

pub use dotenv::{DotEnv, DotEnvEntry, DotEnvError, parse_dotenv};
pub use model::*;
pub use normalize::clean_path;
pub use tree::{Entry, Node, Scalar, Value};
pub use yaml::{Comment, NodeTag, ScalarStyle};

/// Compose file names compose looks for, in its order of preference.
pub const DEFAULT_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Override file names compose applies after a default file found in the same directory,
/// in its order of preference.
pub const OVERRIDE_FILE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// What a file name says about a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComposeFileName {
    /// `compose.yaml`, `compose.yml`, `docker-compose.yml`, `docker-compose.yaml`.
    Main,
    /// `compose.override.yaml` and the other override names.
    Override,
}

/// Recognises compose file names (the last path component, compared exactly as compose
/// does).
pub fn classify_file_name(name: &str) -> Option<ComposeFileName> {
    if DEFAULT_FILE_NAMES.contains(&name) {
        Some(ComposeFileName::Main)
    } else if OVERRIDE_FILE_NAMES.contains(&name) {
        Some(ComposeFileName::Override)
    } else {
        None
    }
}

/// The files compose would load in `dir` when none is given: the first default name that
/// exists, then the first override name that exists beside it. Empty when there is none.
pub fn default_files(dir: &Path, loader: &dyn FileLoader) -> Vec<PathBuf> {
    let Some(main) = DEFAULT_FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| loader.exists(p))
    else {
        return Vec::new();
    };
    let mut out = vec![main];
    out.extend(
        OVERRIDE_FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| loader.exists(p)),
    );
    out
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    NotFound,
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// The engine refuses to read outside the scan root.
    OutsideRoot,
    NotUtf8,
    Io(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound => f.write_str("file not found"),
            LoadError::TooLarge { size, limit } => {
                write!(f, "{size} bytes, over the limit of {limit}")
            }
            LoadError::OutsideRoot => f.write_str("outside the scanned directory"),
            LoadError::NotUtf8 => f.write_str("not UTF-8 text"),
            LoadError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads the files of a project. The engine implements it to control sizes and to refuse
/// paths outside the scan root.
pub trait FileLoader {
    fn load(&self, path: &Path) -> Result<String, LoadError>;

    fn exists(&self, path: &Path) -> bool {
        self.load(path).is_ok()
    }
}

/// Reads from the file system, with a size limit and optionally only below a root (checked
/// lexically; symbolic links are not followed for the check).
#[derive(Clone, Debug)]
pub struct FsLoader {
    pub max_bytes: u64,
    pub root: Option<PathBuf>,
}

impl Default for FsLoader {
    fn default() -> Self {
        FsLoader {
            max_bytes: 8 * 1024 * 1024,
            root: None,
        }
    }
}

impl FileLoader for FsLoader {
    fn load(&self, path: &Path) -> Result<String, LoadError> {
        if let Some(root) = &self.root {
            if !clean_path(path).starts_with(clean_path(root)) {
                return Err(LoadError::OutsideRoot);
            }
        }
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound,
            _ => LoadError::Io(e.to_string()),
        })?;
        if !meta.is_file() {
            return Err(LoadError::NotFound);
        }
        if meta.len() > self.max_bytes {
            return Err(LoadError::TooLarge {
                size: meta.len(),
                limit: self.max_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(|e| LoadError::Io(e.to_string()))?;
        String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8)
    }

    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// Files held in memory, keyed by their cleaned path.
#[derive(Clone, Debug, Default)]
pub struct MemoryLoader {
    files: HashMap<PathBuf, String>,
}

impl MemoryLoader {
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn with(mut self, path: impl AsRef<Path>, text: impl Into<String>) -> Self {
        self.insert(path, text);
        self
    }

    pub fn insert(&mut self, path: impl AsRef<Path>, text: impl Into<String>) {
        self.files.insert(clean_path(path.as_ref()), text.into());
    }
}

impl FileLoader for MemoryLoader {
    fn load(&self, path: &Path) -> Result<String, LoadError> {
        self.files
            .get(&clean_path(path))
            .cloned()
            .ok_or(LoadError::NotFound)
    }
}

/// Resource limits. All finite; the defaults suit any real compose project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Larger files are not parsed.
    pub max_file_bytes: usize,
    /// Maximum nesting of YAML collections, also after alias expansion.
    pub max_depth: usize,
    /// Nodes an alias may expand to in one file (at least four times the file's own node
    /// count is always allowed).
    pub max_nodes: u64,
    /// Files in one project (compose files, `extends` and `include` files, env files).
    pub max_files: usize,
    pub max_include_depth: usize,
    pub max_extends_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 250_000,
            max_files: 256,
            max_include_depth: 16,
            max_extends_depth: 32,
        }
    }
}

/// How to load a project.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The project directory (default: the first file's directory). Relative paths in the
    /// main and override files, and the default `.env`, are relative to it.
    pub project_dir: Option<PathBuf>,
    /// Env files used instead of `<project_dir>/.env` (compose's `--env-file`).
    pub env_files: Vec<PathBuf>,
    /// Variables the caller knows; they win over env files.
    pub variables: BTreeMap<String, String>,
    pub limits: Limits,
}

/// Loads a project from `files`: the first is the main file, the others are applied over it
/// in order (pass [`default_files`] to get compose's own choice). Never fails: problems are
/// in [`Project::diagnostics`].
pub fn load_project(files: &[PathBuf], loader: &dyn FileLoader, options: &LoadOptions) -> Project {
    project::load(files, loader, options)
}

/// Loads a single compose file from a string (its `extends` and `include` files, and a
/// `.env`, are not available).
pub fn parse_str(text: &str, path: &Path, options: &LoadOptions) -> Project {
    let loader = MemoryLoader::new().with(path, text);
    load_project(&[path.to_path_buf()], &loader, options)
}
