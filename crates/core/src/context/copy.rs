//! Which context files a `COPY`/`ADD` sends, resolved as `BuildKit` resolves its sources.
//!
//! - A source is cleaned against `/` (`..` cannot leave the context) and looked up among the
//!   entries Docker sends (what the ignore file leaves in). Links inside the context are
//!   followed for the source path itself, scoped to the context.
//! - A directory source sends everything below it; `.` sends the whole context.
//! - A source with `*`, `?` or `[` is split at its first wildcard component; every entry
//!   below the literal part whose relative path matches the rest under Go's
//!   `filepath.Match` is a match, and a matched directory is sent whole.
//! - `--exclude` patterns (`.dockerignore` syntax) are matched against paths relative to
//!   each resolved source; a source that is itself a file is never excluded.
//! - `--parents` keeps paths: the source is split at a `/./` pivot (none: the context root)
//!   and the rest is an include pattern matched below the pivot.
//! - Heredoc sources (`COPY <<EOF`) and remote `ADD` sources (URLs, Git) take nothing from
//!   the context; sources or flags that depend on a build argument without a value are
//!   not guessed.

use std::collections::HashSet;

use super::{BuildContext, EntryKind, Resolved, clean_source_path};
use crate::dockerfile::{Dockerfile, Instr};
use crate::source::Span;
use crate::syntax::docker_glob::{glob_match, has_glob_meta};
use crate::syntax::dockerfile::Keyword;
use crate::syntax::dockerignore::IgnoreFile;

/// What a source argument is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A path in the context.
    Path,
    /// A wildcard pattern resolved against the context.
    Glob,
    /// An inline heredoc document: nothing comes from the context.
    Heredoc,
    /// A URL or Git repository (`ADD`): nothing comes from the context.
    Remote,
    /// The source, an `--exclude` pattern or `--parents` depends on a value unknown before
    /// the build; nothing is guessed.
    Unresolved,
}

/// One source argument of a `COPY`/`ADD`, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcePlan {
    /// The argument after expansion.
    pub text: String,
    /// The argument in the Dockerfile.
    pub span: Span,
    pub kind: SourceKind,
    /// The cleaned path inside the context (`.` for the root; empty for heredoc, remote and
    /// unresolved sources).
    pub path: String,
    /// Entries the source resolved to (wildcard matches, the named file or directory; link
    /// targets rather than links). Empty for the root.
    pub roots: Vec<usize>,
    /// The source is the whole context (`.`, `./`, `/`).
    pub whole_context: bool,
    /// A directory is copied (the root, a directory, a wildcard matching a directory).
    pub copies_directory: bool,
    /// Every entry sent that is not a directory (files, links, special files), in walk order.
    pub files: Vec<usize>,
    /// When the source resolves to nothing the context sends because the ignore file leaves
    /// it out: the excluded path (the source, a directory on its way, or the first wildcard
    /// match).
    pub ignored: Option<String>,
}

impl SourcePlan {
    fn new(text: &str, span: Span, kind: SourceKind) -> Self {
        Self {
            text: text.to_owned(),
            span,
            kind,
            path: String::new(),
            roots: Vec::new(),
            whole_context: false,
            copies_directory: false,
            files: Vec::new(),
            ignored: None,
        }
    }

    /// Whether the source reads the context (a path or a glob).
    pub fn is_local(&self) -> bool {
        matches!(self.kind, SourceKind::Path | SourceKind::Glob)
    }
}

/// The sources of one `COPY`/`ADD` that reads the build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyPlan {
    /// Index of the instruction.
    pub instruction: usize,
    pub sources: Vec<SourcePlan>,
}

impl CopyPlan {
    /// Every entry the instruction sends (not directories), each with the first source that
    /// sends it, in source order.
    pub fn sent(&self) -> Vec<(usize, &SourcePlan)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for source in &self.sources {
            for &f in &source.files {
                if seen.insert(f) {
                    out.push((f, source));
                }
            }
        }
        out
    }

    /// The first source that copies a directory, if any.
    pub fn directory_source(&self) -> Option<&SourcePlan> {
        self.sources.iter().find(|s| s.copies_directory)
    }
}

/// `true`/`false` as Go's `strconv.ParseBool` reads them.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Whether a source is fetched from elsewhere (`ADD <url>`, a Git repository).
fn is_remote(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    ["http://", "https://", "git://", "ssh://", "git@"]
        .iter()
        .any(|p| lower.starts_with(p))
        || lower.contains("://")
}

/// The literal directory part of a wildcard path and the pattern after it.
fn split_wildcards(path: &str) -> (String, String) {
    let mut literal = Vec::new();
    let mut pattern = Vec::new();
    for seg in path.split('/') {
        if pattern.is_empty() && !has_glob_meta(seg) {
            literal.push(seg);
        } else {
            pattern.push(seg);
        }
    }
    let literal = if literal.is_empty() {
        ".".to_owned()
    } else {
        literal.join("/")
    };
    (literal, pattern.join("/"))
}

impl BuildContext {
    /// The plans of every `COPY`/`ADD` of a Dockerfile that reads this context, in order.
    pub fn copy_plans<'d>(&self, df: &'d Dockerfile<'_>) -> Vec<(Instr<'d>, CopyPlan)> {
        df.instructions()
            .filter_map(|instr| self.copy_plan(instr).map(|plan| (instr, plan)))
            .collect()
    }

    /// Resolves the sources of a `COPY`/`ADD` that reads the build context. `None` for
    /// other instructions, `COPY --from` (another stage or image) and instructions without
    /// a destination.
    pub fn copy_plan(&self, instr: Instr<'_>) -> Option<CopyPlan> {
        if !matches!(instr.keyword(), Keyword::Copy | Keyword::Add) {
            return None;
        }
        if instr.inst.flag("from").is_some() {
            return None;
        }
        let args = &instr.data.args;
        if args.len() < 2 {
            return None;
        }
        let mut unresolved_flags = false;
        let mut excludes = Vec::new();
        let mut parents = false;
        for (flag, value) in instr.inst.flags.iter().zip(&instr.data.flags) {
            if flag.name.eq_ignore_ascii_case("exclude") {
                match value {
                    Some(v) if !v.unknown => excludes.push(v.text.clone()),
                    Some(_) => unresolved_flags = true,
                    None => {}
                }
            } else if flag.name.eq_ignore_ascii_case("parents") {
                match value {
                    None => parents = true,
                    Some(v) if !v.unknown => match parse_bool(&v.text) {
                        Some(b) => parents = b,
                        None => unresolved_flags = true,
                    },
                    Some(_) => unresolved_flags = true,
                }
            }
        }
        let excludes = (!excludes.is_empty()).then(|| IgnoreFile::from_patterns(&excludes));
        let mut sources = Vec::new();
        let openers: HashSet<Span> = instr.inst.heredocs.iter().map(|h| h.opener).collect();
        for arg in &args[..args.len() - 1] {
            let is_heredoc = openers.contains(&arg.span);
            let plan = if is_heredoc {
                SourcePlan::new(&arg.text, arg.span, SourceKind::Heredoc)
            } else if arg.unknown || unresolved_flags {
                SourcePlan::new(&arg.text, arg.span, SourceKind::Unresolved)
            } else if is_remote(&arg.text) {
                SourcePlan::new(&arg.text, arg.span, SourceKind::Remote)
            } else {
                self.plan_local(&arg.text, arg.span, excludes.as_ref(), parents)
            };
            sources.push(plan);
        }
        Some(CopyPlan {
            instruction: instr.index,
            sources,
        })
    }

    fn plan_local(
        &self,
        text: &str,
        span: Span,
        excludes: Option<&IgnoreFile>,
        parents: bool,
    ) -> SourcePlan {
        let path = clean_source_path(text);
        let kind = if has_glob_meta(&path) {
            SourceKind::Glob
        } else {
            SourceKind::Path
        };
        let mut plan = SourcePlan::new(text, span, kind);
        plan.path.clone_from(&path);
        if parents {
            self.plan_parents(&mut plan, text, excludes);
        } else if kind == SourceKind::Glob {
            self.plan_glob(&mut plan, &path, excludes);
        } else {
            match self.resolve(&path, true) {
                Resolved::Root => {
                    plan.whole_context = true;
                    self.add_root(&mut plan, None, excludes);
                }
                Resolved::Entry(i) => self.add_root(&mut plan, Some(i), excludes),
                Resolved::Excluded(p) => plan.ignored = Some(p),
                Resolved::Missing | Resolved::Loop => {}
            }
        }
        plan
    }

    /// Adds a resolved source (`None`: the root) and what it sends.
    fn add_root(&self, plan: &mut SourcePlan, root: Option<usize>, excludes: Option<&IgnoreFile>) {
        match root {
            None => {
                plan.copies_directory = true;
                self.send_below(None, excludes, &mut plan.files);
            }
            Some(i) => {
                plan.roots.push(i);
                match self.entries[i].kind {
                    EntryKind::Dir => {
                        plan.copies_directory = true;
                        self.send_below(Some(i), excludes, &mut plan.files);
                    }
                    _ => plan.files.push(i),
                }
            }
        }
    }

    /// Pushes every entry below `dir` that Docker sends and `excludes` keeps.
    fn send_below(&self, dir: Option<usize>, excludes: Option<&IgnoreFile>, out: &mut Vec<usize>) {
        let range = self.below(dir);
        let base = dir.map_or(0, |i| self.entries[i].path.len() + 1);
        let mut i = range.start;
        while i < range.end {
            let e = &self.entries[i];
            let skip_subtree = (e.end as usize).max(i + 1);
            if !e.in_context {
                i = if e.kind == EntryKind::Dir {
                    skip_subtree
                } else {
                    i + 1
                };
                continue;
            }
            if let Some(x) = excludes {
                let rel = &e.path[base.min(e.path.len())..];
                if x.is_excluded(rel) {
                    i = if e.kind == EntryKind::Dir && !x.may_reinclude_below(rel) {
                        skip_subtree
                    } else {
                        i + 1
                    };
                    continue;
                }
            }
            if e.kind != EntryKind::Dir {
                out.push(i);
            }
            i += 1;
        }
    }

    /// A wildcard source: Go's `filepath.Walk` below the literal part, `filepath.Match` on
    /// the rest, a matched directory taken whole.
    fn plan_glob(&self, plan: &mut SourcePlan, path: &str, excludes: Option<&IgnoreFile>) {
        let (literal, pattern) = split_wildcards(path);
        let base = match self.resolve(&literal, true) {
            Resolved::Root => None,
            Resolved::Entry(i) if self.entries[i].kind == EntryKind::Dir => Some(i),
            Resolved::Excluded(p) => {
                plan.ignored = Some(p);
                return;
            }
            Resolved::Entry(_) | Resolved::Missing | Resolved::Loop => return,
        };
        let range = self.below(base);
        let base_len = base.map_or(0, |i| self.entries[i].path.len() + 1);
        let mut first_excluded = None;
        let mut i = range.start;
        while i < range.end {
            let e = &self.entries[i];
            let skip_subtree = (e.end as usize).max(i + 1);
            let rel = &e.path[base_len.min(e.path.len())..];
            if glob_match(&pattern, rel) != Ok(true) {
                i += 1;
                continue;
            }
            if !e.in_context {
                first_excluded.get_or_insert_with(|| e.path.clone());
                i = if e.kind == EntryKind::Dir {
                    skip_subtree
                } else {
                    i + 1
                };
                continue;
            }
            if e.kind == EntryKind::Symlink {
                // The match itself is followed (`FollowSymlinks` on each source).
                match self.resolve(&e.path, true) {
                    Resolved::Entry(t) => self.add_root(plan, Some(t), excludes),
                    Resolved::Root => self.add_root(plan, None, excludes),
                    _ => {}
                }
                i += 1;
                continue;
            }
            self.add_root(plan, Some(i), excludes);
            i = if e.kind == EntryKind::Dir {
                skip_subtree
            } else {
                i + 1
            };
        }
        if plan.roots.is_empty() && plan.files.is_empty() {
            plan.ignored = first_excluded;
        }
        plan.files.sort_unstable();
        plan.files.dedup();
    }

    /// `COPY --parents`: the part before a `/./` pivot names the directories to copy from,
    /// the rest is an include pattern below them.
    fn plan_parents(&self, plan: &mut SourcePlan, text: &str, excludes: Option<&IgnoreFile>) {
        let (pivot, pattern) = match text.split_once("/./") {
            Some((p, rest)) => (clean_source_path(p), rest),
            None => (".".to_owned(), text),
        };
        let pattern = clean_source_path(pattern);
        let mut bases: Vec<Option<usize>> = Vec::new();
        if has_glob_meta(&pivot) {
            let mut pivots = SourcePlan::new(&pivot, plan.span, SourceKind::Glob);
            self.plan_glob(&mut pivots, &pivot, None);
            bases.extend(
                pivots
                    .roots
                    .iter()
                    .filter(|&&r| self.entries[r].kind == EntryKind::Dir)
                    .map(|&r| Some(r)),
            );
        } else {
            match self.resolve(&pivot, true) {
                Resolved::Root => bases.push(None),
                Resolved::Entry(i) if self.entries[i].kind == EntryKind::Dir => bases.push(Some(i)),
                Resolved::Excluded(p) => {
                    plan.ignored = Some(p);
                    return;
                }
                _ => return,
            }
        }
        let include = (pattern != ".").then(|| IgnoreFile::from_patterns([pattern.as_str()]));
        if include.is_none() {
            plan.copies_directory = true;
            plan.whole_context = pivot == ".";
        }
        for base in bases {
            let range = self.below(base);
            let base_len = base.map_or(0, |i| self.entries[i].path.len() + 1);
            // Entries before this index are below the last top-most match.
            let mut inside_root = 0;
            for i in range {
                let e = &self.entries[i];
                let rel = &e.path[base_len.min(e.path.len())..];
                if !include.as_ref().is_none_or(|inc| inc.is_excluded(rel)) {
                    continue;
                }
                if !e.in_context {
                    if plan.ignored.is_none() {
                        plan.ignored = Some(e.path.clone());
                    }
                    continue;
                }
                if excludes.is_some_and(|x| x.is_excluded(rel)) {
                    continue;
                }
                if i >= inside_root {
                    plan.roots.push(i);
                    inside_root = e.end as usize;
                    if e.kind == EntryKind::Dir {
                        plan.copies_directory = true;
                    }
                }
                if e.kind != EntryKind::Dir {
                    plan.files.push(i);
                }
            }
        }
        if !plan.files.is_empty() {
            plan.ignored = None;
        } else if plan.ignored.is_none()
            && !has_glob_meta(&pattern)
            && self
                .ignore_patterns()
                .is_some_and(|f| f.is_excluded(&clean_source_path(&format!("{pivot}/{pattern}"))))
        {
            plan.ignored = Some(clean_source_path(&format!("{pivot}/{pattern}")));
        }
    }
}
