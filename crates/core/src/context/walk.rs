//! The bounded walk of a build context directory.
//!
//! Entries are listed in pre-order with the children of each directory sorted by name, so
//! everything below a directory is one contiguous run of entries. The walk applies the
//! ignore file as Docker does (and nothing else: no `.gitignore`), never follows symbolic
//! links (Docker sends them as links), and skips an excluded directory when no exception
//! could re-include anything below it. Every directory is read once and every entry is
//! matched once, so the cost is linear in the number of entries.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use super::{ContextOptions, Entry, EntryKind, NotWalked};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::input::{io_reason, join_slash};
use crate::syntax::dockerignore::IgnoreFile;

pub(super) struct Walk {
    pub entries: Vec<Entry>,
    pub links: HashMap<u32, String>,
    pub diagnostics: Vec<Diagnostic>,
    pub complete: bool,
}

/// One directory being listed.
struct Frame {
    /// Its entry (`None` for the context root).
    dir: Option<usize>,
    /// `path/` of the directory (empty for the root).
    prefix: String,
    children: Vec<(String, EntryKind)>,
    next: usize,
    depth: usize,
}

/// Lists the children of a directory sorted by name.
fn list(dir: &Path) -> std::io::Result<Vec<(String, EntryKind)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => EntryKind::Symlink,
            Ok(t) if t.is_dir() => EntryKind::Dir,
            Ok(t) if t.is_file() => EntryKind::File,
            // A FIFO, socket or device; or an entry that vanished or cannot be stat'ed.
            Ok(_) | Err(_) => EntryKind::Other,
        };
        out.push((name, kind));
    }
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Walks a directory of the file system.
pub(super) fn walk_dir(
    root: &Path,
    shown_root: &str,
    ignore: Option<&IgnoreFile>,
    options: &ContextOptions,
) -> Walk {
    walk(
        |rel| list(&join_slash(root, rel)),
        |rel| {
            fs::read_link(join_slash(root, rel))
                .ok()
                .map(|t| t.to_string_lossy().into_owned())
        },
        shown_root,
        ignore,
        options,
    )
}

/// Walks a tree given by `list` (the sorted children of a directory, by relative path; `""`
/// is the root) and `read_link` (the target of a symbolic link).
pub(super) fn walk(
    mut list: impl FnMut(&str) -> std::io::Result<Vec<(String, EntryKind)>>,
    mut read_link: impl FnMut(&str) -> Option<String>,
    shown_root: &str,
    ignore: Option<&IgnoreFile>,
    options: &ContextOptions,
) -> Walk {
    let mut out = Walk {
        entries: Vec::new(),
        links: HashMap::new(),
        diagnostics: Vec::new(),
        complete: true,
    };
    let shown = |path: &str| super::join_shown(shown_root, path);
    let children = match list("") {
        Ok(c) => c,
        Err(e) => {
            out.complete = false;
            out.diagnostics.push(Diagnostic::new(
                shown("."),
                DiagnosticKind::ContextIncomplete,
                format!("cannot read the build context: {}", io_reason(&e)),
            ));
            return out;
        }
    };
    let mut stack = vec![Frame {
        dir: None,
        prefix: String::new(),
        children,
        next: 0,
        depth: 0,
    }];
    let mut depth_reported = false;
    'walk: while let Some(top) = stack.last_mut() {
        if top.next == top.children.len() {
            let done = stack.pop().expect("the stack is not empty inside the loop");
            if let Some(i) = done.dir {
                out.entries[i].end = super::to_index(out.entries.len());
            }
            continue;
        }
        let name = std::mem::take(&mut top.children[top.next].0);
        let kind = top.children[top.next].1;
        top.next += 1;
        let depth = top.depth + 1;
        let mut path = String::with_capacity(top.prefix.len() + name.len());
        path.push_str(&top.prefix);
        path.push_str(&name);
        if out.entries.len() >= options.max_entries {
            out.complete = false;
            out.diagnostics.push(Diagnostic::new(
                shown("."),
                DiagnosticKind::ContextIncomplete,
                format!(
                    "the build context has more than {} entries; the rest was not examined (raise `[rules.context] max-files`)",
                    options.max_entries
                ),
            ));
            break 'walk;
        }
        let excluded = ignore.is_some_and(|f| f.is_excluded(&path));
        let index = out.entries.len();
        out.entries.push(Entry {
            path,
            kind,
            excluded,
            in_context: false,
            not_walked: None,
            end: super::to_index(index + 1),
        });
        match kind {
            EntryKind::Symlink => {
                if let Some(target) = read_link(&out.entries[index].path) {
                    out.links.insert(super::to_index(index), target);
                }
            }
            EntryKind::Dir => {
                let entry = &mut out.entries[index];
                if excluded && ignore.is_some_and(|f| !f.may_reinclude_below(&entry.path)) {
                    entry.not_walked = Some(NotWalked::Excluded);
                    continue;
                }
                if depth >= options.max_depth {
                    entry.not_walked = Some(NotWalked::DepthLimit);
                    out.complete = false;
                    if !depth_reported {
                        depth_reported = true;
                        out.diagnostics.push(Diagnostic::new(
                            shown(&entry.path),
                            DiagnosticKind::ContextIncomplete,
                            format!(
                                "is nested deeper than {} directories in the build context; its contents were not examined (raise `[rules.context] max-depth`)",
                                options.max_depth
                            ),
                        ));
                    }
                    continue;
                }
                match list(&entry.path) {
                    Ok(children) => {
                        let mut prefix = String::with_capacity(entry.path.len() + 1);
                        prefix.push_str(&entry.path);
                        prefix.push('/');
                        stack.push(Frame {
                            dir: Some(index),
                            prefix,
                            children,
                            next: 0,
                            depth,
                        });
                    }
                    Err(e) => {
                        entry.not_walked = Some(NotWalked::Unreadable);
                        out.complete = false;
                        out.diagnostics.push(Diagnostic::new(
                            shown(&entry.path),
                            DiagnosticKind::ContextIncomplete,
                            format!(
                                "cannot read this directory of the build context: {}",
                                io_reason(&e)
                            ),
                        ));
                    }
                }
            }
            EntryKind::File | EntryKind::Other => {}
        }
    }
    // A walk cut short leaves open directories: their runs end with the list.
    let len = super::to_index(out.entries.len());
    for frame in &stack {
        if let Some(i) = frame.dir {
            out.entries[i].end = len;
        }
    }
    super::mark_in_context(&mut out.entries);
    out
}
