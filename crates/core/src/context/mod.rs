//! The build context as Docker sends it, and what each `COPY`/`ADD` takes from it.
//!
//! A [`BuildContext`] is a directory (by default the Dockerfile's own; `--context DIR`, or a
//! compose service's `build.context`), the ignore file that applies to it, and the list of
//! its entries, each marked with whether the ignore file leaves it out:
//!
//! - the ignore file is `<Dockerfile name>.dockerignore` beside the Dockerfile when it
//!   exists, else `.dockerignore` at the context root, as `BuildKit` chooses;
//! - the walk does not apply `.gitignore` (Docker does not), never follows symbolic links
//!   (Docker sends them as links), skips excluded directories that no exception can reach
//!   into, and is bounded by an entry count and a depth; unreadable directories and limits
//!   become [`Diagnostic`]s, never errors;
//! - [`BuildContext::copy_plan`] answers "which context files does this `COPY`/`ADD` send?"
//!   for `.`, directories, Docker's globs, `--exclude`, `--parents`, links inside the
//!   context, heredoc and remote sources.

mod copy;
mod walk;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use copy::{CopyPlan, SourceKind, SourcePlan};

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::finding::Location;
use crate::input;
use crate::settings::Settings;
use crate::source::{FileId, FileKind, SourceFile};
use crate::syntax::dockerignore::{IgnoreFile, IgnorePattern};

/// Limits of a context walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextOptions {
    /// Entries (files, directories, links) listed before the walk stops.
    pub max_entries: usize,
    /// Directory depth below the root that is still listed.
    pub max_depth: usize,
    /// Largest ignore file read, in bytes.
    pub max_ignore_size: u64,
}

/// Default for [`ContextOptions::max_entries`].
pub const DEFAULT_MAX_ENTRIES: usize = 500_000;
/// Default for [`ContextOptions::max_depth`].
pub const DEFAULT_MAX_DEPTH: usize = 128;

impl Default for ContextOptions {
    fn default() -> Self {
        Self {
            max_entries: DEFAULT_MAX_ENTRIES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_ignore_size: crate::settings::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl ContextOptions {
    /// The limits a run's settings ask for.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            max_entries: settings.context.max_files,
            max_depth: settings.context.max_depth,
            max_ignore_size: settings.max_file_size,
        }
    }
}

/// What an entry of the context is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Dir,
    /// A symbolic link (never followed by the walk).
    Symlink,
    /// A FIFO, socket or device.
    Other,
}

/// Why the contents of a directory were not listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NotWalked {
    /// The ignore file excludes it and no exception can re-include anything below it.
    Excluded,
    /// It lies deeper than the depth limit.
    DepthLimit,
    /// It could not be read.
    Unreadable,
}

/// One file, directory or link of the context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the context root, `/`-separated.
    pub path: String,
    pub kind: EntryKind,
    /// The ignore file leaves this path out (the path or a parent matches, last match wins).
    pub excluded: bool,
    /// Docker sends the entry: it is not excluded, or (for a directory) something below it
    /// is re-included by an exception.
    pub in_context: bool,
    /// For a directory whose contents were not listed: why.
    pub not_walked: Option<NotWalked>,
    /// One past the last entry below this one.
    end: u32,
}

impl Entry {
    /// The last component of the path.
    pub fn name(&self) -> &str {
        match self.path.bytes().rposition(|b| b == b'/') {
            Some(i) => &self.path[i + 1..],
            None => &self.path,
        }
    }
}

/// The ignore file that applies to a context.
#[derive(Clone, Debug)]
pub struct IgnoreSource {
    /// The file as read (kind [`FileKind::DockerIgnore`]), with its path as printed.
    pub file: SourceFile,
    pub patterns: IgnoreFile,
    /// `<Dockerfile name>.dockerignore` beside the Dockerfile (rather than `.dockerignore`
    /// at the context root).
    pub per_dockerfile: bool,
}

impl IgnoreSource {
    /// The location of a pattern, for related locations of findings.
    pub fn location(&self, pattern: &IgnorePattern) -> Location {
        Location::new(&self.file, pattern.span)
    }

    /// The file name (`.dockerignore`, `app.Dockerfile.dockerignore`).
    pub fn name(&self) -> &str {
        self.file.path.rsplit('/').next().unwrap_or(&self.file.path)
    }
}

/// Where a path leads inside the context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// The context root.
    Root,
    /// An entry Docker sends.
    Entry(usize),
    /// The path (or a directory on the way) is left out by the ignore file; the excluded
    /// path is given.
    Excluded(String),
    /// Nothing by that path is in the context.
    Missing,
    /// Too many symbolic links on the way (a loop).
    Loop,
}

/// Links followed while resolving one path before it counts as a loop (Linux's limit on
/// nested links is 40; `BuildKit`'s scoped resolution allows 255).
const MAX_LINK_HOPS: usize = 255;

/// A build context.
#[derive(Clone, Debug)]
pub struct BuildContext {
    root: PathBuf,
    shown_root: String,
    ignore: Option<IgnoreSource>,
    entries: Vec<Entry>,
    links: HashMap<u32, String>,
    diagnostics: Vec<Diagnostic>,
    complete: bool,
}

/// `shown_root` joined with a context-relative path, for output.
pub(crate) fn join_shown(shown_root: &str, path: &str) -> String {
    let root = shown_root.trim_end_matches('/');
    if root.is_empty() || root == "." {
        path.to_owned()
    } else if path == "." || path.is_empty() {
        root.to_owned()
    } else {
        format!("{root}/{path}")
    }
}

/// Entry indices are `u32` to keep entries small; contexts are far below 4 billion entries
/// (the entry limit stops the walk long before).
fn to_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Computes [`Entry::in_context`] in one backward pass.
fn mark_in_context(entries: &mut [Entry]) {
    let n = entries.len();
    // next[i]: the first entry at or after i that is in the context (n when none).
    let mut next = vec![n; n + 1];
    for i in (0..n).rev() {
        let e = &entries[i];
        let inside = !e.excluded || (e.kind == EntryKind::Dir && next[i + 1] < e.end as usize);
        entries[i].in_context = inside;
        next[i] = if inside { i } else { next[i + 1] };
    }
}

/// A COPY source path made relative to the context root, as `BuildKit` cleans it: joined
/// to `/` and cleaned (so `..` never leaves the root), without the leading `/`; `.` for the
/// root itself.
pub fn clean_source_path(path: &str) -> String {
    let cleaned = crate::syntax::docker_glob::clean_path(&format!("/{path}"));
    let rel = cleaned.trim_start_matches('/');
    if rel.is_empty() {
        ".".to_owned()
    } else {
        rel.to_owned()
    }
}

impl BuildContext {
    /// Reads the context at `root`. `shown_root` is how paths below it are printed (relative
    /// to the scan root; empty for the current directory). `dockerfile` is the Dockerfile's
    /// path and printed path, which decide whether a per-Dockerfile ignore file applies
    /// (`None` for a Dockerfile read from standard input).
    ///
    /// Fails only when the root is not a readable directory or the applicable ignore file
    /// cannot be read; problems inside the context are [`Self::diagnostics`].
    pub fn load(
        root: &Path,
        shown_root: &str,
        dockerfile: Option<(&Path, &str)>,
        options: &ContextOptions,
    ) -> Result<BuildContext, Diagnostic> {
        let real = fs::canonicalize(root).map_err(|e| {
            Diagnostic::new(
                join_shown(shown_root.trim_end_matches('/'), "."),
                DiagnosticKind::Unreadable,
                format!("cannot read the build context: {}", input::io_reason(&e)),
            )
        })?;
        Self::load_resolved(&real, shown_root, dockerfile, options)
    }

    /// [`BuildContext::load`] for a root already resolved to its real location.
    pub fn load_resolved(
        real: &Path,
        shown_root: &str,
        dockerfile: Option<(&Path, &str)>,
        options: &ContextOptions,
    ) -> Result<BuildContext, Diagnostic> {
        let shown_root = shown_root.trim_end_matches('/');
        let shown_dot = join_shown(shown_root, ".");
        if !real.is_dir() {
            return Err(Diagnostic::new(
                &shown_dot,
                DiagnosticKind::NotAFile,
                "the build context is not a directory",
            ));
        }
        let ignore = find_ignore_file(real, shown_root, dockerfile, options.max_ignore_size)?;
        let walked = walk::walk_dir(
            real,
            shown_root,
            ignore.as_ref().map(|i| &i.patterns),
            options,
        );
        Ok(BuildContext {
            root: real.to_path_buf(),
            shown_root: shown_root.to_owned(),
            ignore,
            entries: walked.entries,
            links: walked.links,
            diagnostics: walked.diagnostics,
            complete: walked.complete,
        })
    }

    /// A context held in memory, for tests and examples: `paths` are files (or, ending in
    /// `/`, empty directories), their parent directories are implied; `ignore` is the text of
    /// a `.dockerignore` at the root. Nothing can be read from such a context.
    pub fn from_listing<'p>(
        paths: impl IntoIterator<Item = &'p str>,
        ignore: Option<&str>,
    ) -> BuildContext {
        let mut dirs: HashMap<String, BTreeMap<String, EntryKind>> = HashMap::new();
        dirs.insert(String::new(), BTreeMap::new());
        for p in paths {
            let is_dir = p.ends_with('/');
            let clean = clean_source_path(p);
            if clean == "." {
                continue;
            }
            let parts: Vec<&str> = clean.split('/').collect();
            let mut parent = String::new();
            for (k, part) in parts.iter().enumerate() {
                let last = k + 1 == parts.len();
                let kind = if last && !is_dir {
                    EntryKind::File
                } else {
                    EntryKind::Dir
                };
                let children = dirs.entry(parent.clone()).or_default();
                let kind = *children.entry((*part).to_owned()).or_insert(kind);
                if !parent.is_empty() {
                    parent.push('/');
                }
                parent.push_str(part);
                if kind == EntryKind::Dir {
                    dirs.entry(parent.clone()).or_default();
                }
            }
        }
        let ignore = ignore.map(|text| IgnoreSource {
            file: SourceFile::new(FileId(0), ".dockerignore", FileKind::DockerIgnore, text),
            patterns: IgnoreFile::parse(text),
            per_dockerfile: false,
        });
        let walked = walk::walk(
            |rel| {
                Ok(dirs.get(rel).map_or_else(Vec::new, |children| {
                    children.iter().map(|(n, k)| (n.clone(), *k)).collect()
                }))
            },
            |_| None,
            "",
            ignore.as_ref().map(|i| &i.patterns),
            &ContextOptions::default(),
        );
        BuildContext {
            root: PathBuf::new(),
            shown_root: String::new(),
            ignore,
            entries: walked.entries,
            links: walked.links,
            diagnostics: walked.diagnostics,
            complete: walked.complete,
        }
    }

    /// The context directory (canonical; empty for a context held in memory).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How the root is printed (empty for the current directory).
    pub fn shown_root(&self) -> &str {
        &self.shown_root
    }

    /// The ignore file that applies, if any.
    pub fn ignore(&self) -> Option<&IgnoreSource> {
        self.ignore.as_ref()
    }

    /// The ignore file's patterns, if there is one.
    pub fn ignore_patterns(&self) -> Option<&IgnoreFile> {
        self.ignore.as_ref().map(|i| &i.patterns)
    }

    /// Every entry in walk order: pre-order, each directory's children sorted by name.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, index: usize) -> &Entry {
        &self.entries[index]
    }

    /// Entries below a directory (`None`: the whole context), as a range of indices.
    pub fn below(&self, dir: Option<usize>) -> Range<usize> {
        match dir {
            Some(i) => i + 1..(self.entries[i].end as usize).min(self.entries.len()),
            None => 0..self.entries.len(),
        }
    }

    /// Problems met while walking (unreadable directories, limits reached).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether every entry was examined (no limit reached, nothing unreadable).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// An entry's path as printed (below the shown root).
    pub fn shown_path(&self, index: usize) -> String {
        join_shown(&self.shown_root, &self.entries[index].path)
    }

    /// A context-relative path as printed.
    pub fn shown(&self, path: &str) -> String {
        join_shown(&self.shown_root, path)
    }

    /// The entry at a clean relative path (whether sent or not; links are not followed).
    pub fn find(&self, path: &str) -> Option<usize> {
        if path.is_empty() || path == "." {
            return None;
        }
        let mut range = 0..self.entries.len();
        let mut found = None;
        for seg in path.split('/') {
            let mut i = range.start;
            let mut hit = None;
            while i < range.end {
                let e = &self.entries[i];
                if e.name() == seg {
                    hit = Some(i);
                    break;
                }
                // Skip the entry's subtree to reach its next sibling.
                i = (e.end as usize).max(i + 1);
            }
            let i = hit?;
            found = Some(i);
            range = self.below(Some(i));
        }
        found
    }

    /// Resolves a clean relative path among the entries Docker sends, following symbolic
    /// links inside the context as `BuildKit` does for a `COPY` source: a link target is
    /// scoped to the context (an absolute target starts at the root, `..` stops there).
    /// `follow_last` also follows a link in the last component.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Resolved {
        let mut todo: std::collections::VecDeque<String> =
            path.split('/').map(str::to_owned).collect();
        let mut done: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(seg) = todo.pop_front() {
            match seg.as_str() {
                "" | "." => continue,
                ".." => {
                    done.pop();
                    continue;
                }
                _ => {}
            }
            done.push(seg);
            let joined = done.join("/");
            let Some(i) = self.find(&joined) else {
                if self
                    .ignore_patterns()
                    .is_some_and(|f| f.is_excluded(&joined))
                {
                    return Resolved::Excluded(joined);
                }
                return Resolved::Missing;
            };
            let e = &self.entries[i];
            if !e.in_context {
                return Resolved::Excluded(joined);
            }
            if e.kind == EntryKind::Symlink && (follow_last || !todo.is_empty()) {
                hops += 1;
                if hops > MAX_LINK_HOPS {
                    return Resolved::Loop;
                }
                let Some(target) = self.links.get(&to_index(i)) else {
                    return Resolved::Missing;
                };
                done.pop();
                if target.starts_with('/') {
                    done.clear();
                }
                for part in target.split('/').rev() {
                    todo.push_front(part.to_owned());
                }
            }
        }
        if done.is_empty() {
            return Resolved::Root;
        }
        self.find(&done.join("/"))
            .map_or(Resolved::Missing, Resolved::Entry)
    }

    /// The pattern of the ignore file that decides a path (the last one matching it or a
    /// parent directory), if any.
    pub fn decisive_pattern(&self, path: &str) -> Option<&IgnorePattern> {
        self.ignore_patterns()?.decisive_pattern(path)
    }

    /// Reads an entry as text for content checks: a regular file, at most `max_size`
    /// bytes, without NUL bytes, valid UTF-8. `None` otherwise, and always for a context
    /// held in memory. Links are never read: the walk listed the entry as a regular file
    /// (without following links), and the opened file is checked to be one.
    pub fn read_text(&self, index: usize, max_size: u64) -> Option<String> {
        let e = self.entries.get(index)?;
        if e.kind != EntryKind::File || self.root.as_os_str().is_empty() {
            return None;
        }
        let file = fs::File::open(input::join_slash(&self.root, &e.path)).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() > max_size {
            return None;
        }
        let len = usize::try_from(meta.len()).ok()?;
        let mut bytes = vec![0; len];
        let mut file = file;
        file.read_exact(&mut bytes).ok()?;
        input::decode(bytes).ok()
    }
}

/// One build context of a run, to be read when its Dockerfiles are checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextRequest {
    /// The context directory.
    pub root: PathBuf,
    /// Its real location when already resolved (saves resolving it again).
    pub real_root: Option<PathBuf>,
    /// How the root is printed (see [`BuildContext::load`]).
    pub shown_root: String,
    /// The Dockerfile's path and printed path, for its per-Dockerfile ignore file (`None`
    /// for a Dockerfile read from standard input).
    pub dockerfile: Option<(PathBuf, String)>,
}

/// The build contexts of a run's files, read one at a time while the files are checked
/// and dropped right after, so a run over thousands of projects never holds more than a
/// few contexts in memory.
#[derive(Clone, Debug, Default)]
pub struct ContextPlan {
    /// Each distinct context once.
    pub requests: Vec<ContextRequest>,
    /// For each input file (index = `FileId`), its context in `requests`.
    pub of_file: Vec<Option<usize>>,
    pub options: ContextOptions,
}

impl ContextPlan {
    /// The context of input file `file`, as an index into `requests`.
    pub fn context_of(&self, file: usize) -> Option<usize> {
        self.of_file.get(file).copied().flatten()
    }

    /// Reads context `index` (see [`BuildContext::load`]).
    pub fn load(&self, index: usize) -> Option<Result<BuildContext, Diagnostic>> {
        let r = self.requests.get(index)?;
        let dockerfile = r
            .dockerfile
            .as_ref()
            .map(|(p, s)| (p.as_path(), s.as_str()));
        Some(match &r.real_root {
            Some(real) => {
                BuildContext::load_resolved(real, &r.shown_root, dockerfile, &self.options)
            }
            None => BuildContext::load(&r.root, &r.shown_root, dockerfile, &self.options),
        })
    }
}

/// Finds and reads the ignore file that applies.
fn find_ignore_file(
    root: &Path,
    shown_root: &str,
    dockerfile: Option<(&Path, &str)>,
    max_size: u64,
) -> Result<Option<IgnoreSource>, Diagnostic> {
    let mut candidates: Vec<(PathBuf, String, bool)> = Vec::new();
    if let Some((path, shown)) = dockerfile {
        if let Some(name) = path.file_name() {
            let mut name = name.to_os_string();
            name.push(".dockerignore");
            candidates.push((
                path.with_file_name(name),
                format!("{shown}.dockerignore"),
                true,
            ));
        }
    }
    candidates.push((
        root.join(".dockerignore"),
        join_shown(shown_root, ".dockerignore"),
        false,
    ));
    for (path, shown, per_dockerfile) in candidates {
        if fs::symlink_metadata(&path).is_err() {
            continue;
        }
        let text = input::read_text(&path, &shown, None, max_size)?;
        return Ok(Some(IgnoreSource {
            patterns: IgnoreFile::parse(&text),
            file: SourceFile::new(FileId(0), shown, FileKind::DockerIgnore, text),
            per_dockerfile,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
