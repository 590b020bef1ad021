//! Reading input files safely: a size limit, binary and UTF-8 checks, no blocking on special
//! files, and no symlink that leads outside the scan root.
//!
//! Every problem becomes a [`Diagnostic`] for that file; nothing here panics or aborts a run.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, DiagnosticKind};

/// Bytes inspected for NUL bytes when deciding whether a file is binary.
const BINARY_SNIFF: usize = 8 * 1024;

/// Reads `path` as UTF-8 text. `shown` is the path printed in diagnostics (relative to the
/// scan root). When `root` is given, a symlink (or a path through one) whose target lies
/// outside `root` is refused without reading the target.
pub fn read_text(
    path: &Path,
    shown: &str,
    root: Option<&Path>,
    max_size: u64,
) -> Result<String, Diagnostic> {
    let diag = |kind, message: String| Diagnostic::new(shown, kind, message);
    let link_meta = fs::symlink_metadata(path).map_err(|e| {
        diag(
            DiagnosticKind::Unreadable,
            format!("cannot read file: {}", io_reason(&e)),
        )
    })?;
    let is_link = link_meta.file_type().is_symlink();
    if let Some(root) = root {
        if is_link || !no_link_below(path, root, false) {
            check_inside(path, root).map_err(|m| diag(DiagnosticKind::SymlinkEscapes, m))?;
        }
    }
    // The file itself is not a link: what it points to is what was just examined.
    let meta = if is_link {
        fs::metadata(path)
    } else {
        Ok(link_meta)
    };
    let meta = meta.map_err(|e| {
        if is_link {
            diag(
                DiagnosticKind::Unreadable,
                format!("broken symbolic link: {}", io_reason(&e)),
            )
        } else {
            diag(
                DiagnosticKind::Unreadable,
                format!("cannot read file: {}", io_reason(&e)),
            )
        }
    })?;
    if meta.is_dir() {
        return Err(diag(
            DiagnosticKind::NotAFile,
            "is a directory, not a file".to_owned(),
        ));
    }
    if !meta.is_file() {
        return Err(diag(
            DiagnosticKind::SpecialFile,
            "is a FIFO, socket or device, not a regular file: skipped".to_owned(),
        ));
    }
    if meta.len() > max_size {
        return Err(diag(
            DiagnosticKind::TooLarge,
            format!(
                "is {} bytes, over the {max_size}-byte limit (raise `max-file-size` to check it)",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    let file = fs::File::open(path).map_err(|e| {
        diag(
            DiagnosticKind::Unreadable,
            format!("cannot read file: {}", io_reason(&e)),
        )
    })?;
    // Read at most one byte more than the limit, in case the file grew.
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            diag(
                DiagnosticKind::Unreadable,
                format!("cannot read file: {}", io_reason(&e)),
            )
        })?;
    if bytes.len() as u64 > max_size {
        return Err(diag(
            DiagnosticKind::TooLarge,
            format!("is over the {max_size}-byte limit (raise `max-file-size` to check it)"),
        ));
    }
    decode(bytes).map_err(|(kind, message)| diag(kind, message))
}

/// Checks that bytes are text: no NUL byte near the start, valid UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, (DiagnosticKind, String)> {
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if memchr::memchr(0, sniff).is_some() {
        return Err((
            DiagnosticKind::Binary,
            "looks binary (contains NUL bytes): skipped".to_owned(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        (
            DiagnosticKind::InvalidUtf8,
            format!("is not valid UTF-8 (first invalid byte at offset {at})"),
        )
    })
}

/// Refuses a path whose real location is outside `root`.
pub fn check_inside(path: &Path, root: &Path) -> Result<(), String> {
    if no_link_below(path, root, true) {
        return Ok(());
    }
    let real =
        fs::canonicalize(path).map_err(|e| format!("cannot resolve path: {}", io_reason(&e)))?;
    let real_root = canonical_root(root);
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err("is a symbolic link (or lies behind one) that leads outside the scanned directory: not read".to_owned())
    }
}

/// Whether `path` is `root` joined with plain names none of which is a symbolic link, so
/// that it lies inside `root` wherever `root` itself leads: one `lstat` per name below the
/// root (the last one only when `check_last`), instead of resolving every component from
/// the file-system root. `false` means "not shown", never "outside".
fn no_link_below(path: &Path, root: &Path, check_last: bool) -> bool {
    use std::path::Component;
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let names: Vec<_> = rel.components().collect();
    if names.is_empty()
        || root.components().any(|c| matches!(c, Component::ParentDir))
        || !names.iter().all(|c| matches!(c, Component::Normal(_)))
    {
        return false;
    }
    let checked = if check_last {
        names.len()
    } else {
        names.len() - 1
    };
    let mut at = root.to_path_buf();
    for name in &names[..checked] {
        at.push(name);
        match fs::symlink_metadata(&at) {
            Ok(m) if !m.file_type().is_symlink() => {}
            _ => return false,
        }
    }
    true
}

/// `root` resolved, remembered for the run: a scan has a handful of roots and reads many
/// files below each. A root that cannot be resolved stands for itself.
fn canonical_root(root: &Path) -> PathBuf {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex, PoisonError};
    /// Roots remembered; past this, roots are resolved on every call.
    const MAX_ROOTS: usize = 256;
    static ROOTS: LazyLock<Mutex<HashMap<PathBuf, PathBuf>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    if let Some(real) = ROOTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(root)
    {
        return real.clone();
    }
    let real = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut roots = ROOTS.lock().unwrap_or_else(PoisonError::into_inner);
    if roots.len() < MAX_ROOTS {
        roots.insert(root.to_path_buf(), real.clone());
    }
    real
}

/// Resolves paths to their real locations like [`fs::canonicalize`], remembering every
/// directory on the way: when many paths share their parent directories (the projects of a
/// monorepo), each directory is resolved once and each new path costs one `lstat`.
#[derive(Debug, Default)]
pub struct Resolver {
    known: std::collections::HashMap<PathBuf, PathBuf>,
}

impl Resolver {
    pub fn new() -> Self {
        Self::default()
    }

    /// The real path of `path` (which must exist), as [`fs::canonicalize`] gives it.
    pub fn resolve(&mut self, path: &Path) -> std::io::Result<PathBuf> {
        use std::path::Component;
        // The path and its ancestors not resolved yet, nearest first.
        let mut todo: Vec<&Path> = Vec::new();
        let mut cur = path;
        let mut base = loop {
            if let Some(real) = self.known.get(cur) {
                break real.clone();
            }
            let plain_name = matches!(cur.components().next_back(), Some(Component::Normal(_)));
            match cur.parent() {
                Some(parent) if plain_name && !parent.as_os_str().is_empty() => {
                    todo.push(cur);
                    cur = parent;
                }
                _ => {
                    let real = fs::canonicalize(cur)?;
                    self.known.insert(cur.to_path_buf(), real.clone());
                    break real;
                }
            }
        };
        while let Some(p) = todo.pop() {
            let meta = fs::symlink_metadata(p)?;
            base = if meta.file_type().is_symlink() {
                fs::canonicalize(p)?
            } else {
                match p.file_name() {
                    Some(name) => base.join(name),
                    None => fs::canonicalize(p)?,
                }
            };
            self.known.insert(p.to_path_buf(), base.clone());
        }
        Ok(base)
    }
}

/// A short reason for an I/O error, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
    }
}

/// `path` relative to `base`, with `/` separators; `None` when it is not below `base`.
pub fn relative_to(path: &Path, base: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    Some(slash_path(rel))
}

/// A path with `/` separators and no leading `./`.
pub fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for comp in path.components() {
        match comp {
            std::path::Component::CurDir => continue,
            std::path::Component::RootDir => {
                out.push('/');
                continue;
            }
            std::path::Component::Prefix(p) => {
                out.push_str(&p.as_os_str().to_string_lossy());
                continue;
            }
            _ => {}
        }
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&comp.as_os_str().to_string_lossy());
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

/// Joins `rel` (a `/`-separated path) onto `base`.
pub fn join_slash(base: &Path, rel: &str) -> PathBuf {
    let mut p = base.to_path_buf();
    for part in rel.split('/') {
        if !part.is_empty() && part != "." {
            p.push(part);
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks() {
        assert!(decode(b"FROM a\n".to_vec()).is_ok());
        assert_eq!(
            decode(b"FROM\0a".to_vec()).unwrap_err().0,
            DiagnosticKind::Binary
        );
        assert_eq!(
            decode(vec![b'a', 0xff, b'b']).unwrap_err().0,
            DiagnosticKind::InvalidUtf8
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_below_the_root_are_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join("a/b/Dockerfile"), "FROM a\n").unwrap();
        fs::write(outside.join("Dockerfile"), "FROM b\n").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("a/out")).unwrap();
        std::os::unix::fs::symlink(root.join("a/b"), root.join("in")).unwrap();
        let plain = root.join("a/b/Dockerfile");
        assert!(no_link_below(&plain, &root, true));
        assert!(check_inside(&plain, &root).is_ok());
        // A directory link on the way is resolved: outside is refused, inside accepted.
        let through_out = root.join("a/out/Dockerfile");
        assert!(!no_link_below(&through_out, &root, true));
        assert!(check_inside(&through_out, &root).is_err());
        assert!(read_text(&through_out, "x", Some(&root), 1024).is_err());
        let through_in = root.join("in/Dockerfile");
        assert!(!no_link_below(&through_in, &root, true));
        assert!(check_inside(&through_in, &root).is_ok());
        assert_eq!(
            read_text(&through_in, "x", Some(&root), 1024).unwrap(),
            "FROM a\n"
        );
        // `..` and paths not written below the root take the full resolution.
        assert!(!no_link_below(
            &root.join("a/../a/b/Dockerfile"),
            &root,
            true
        ));
        assert!(!no_link_below(&plain, &root.join("a/.."), true));
        assert!(!no_link_below(&outside.join("Dockerfile"), &root, true));
        assert!(check_inside(&root.join("a/../../outside/Dockerfile"), &root).is_err());
        // The root itself may be a link: what is below it is inside.
        let root_link = dir.path().join("root-link");
        std::os::unix::fs::symlink(&root, &root_link).unwrap();
        assert!(no_link_below(
            &root_link.join("a/b/Dockerfile"),
            &root_link,
            true
        ));
        assert!(
            read_text(
                &root_link.join("a/b/Dockerfile"),
                "x",
                Some(&root_link),
                1024
            )
            .is_ok()
        );
    }

    #[cfg(unix)]
    #[test]
    fn resolver_agrees_with_canonicalize() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a/b/c")).unwrap();
        fs::create_dir_all(root.join("x/y")).unwrap();
        fs::write(root.join("a/b/c/f"), "").unwrap();
        std::os::unix::fs::symlink(root.join("x"), root.join("a/lx")).unwrap();
        std::os::unix::fs::symlink("../../a/b", root.join("x/y/up")).unwrap();
        std::os::unix::fs::symlink(root.join("a/lx/y/up"), root.join("chain")).unwrap();
        let mut resolver = Resolver::new();
        for p in [
            "a/b/c",
            "a/b/c/f",
            "a/lx/y",
            "a/lx/y/up/c",
            "chain",
            "chain/c/f",
            "a/b/../lx",
            "x/y/up/c/f",
            "a",
        ] {
            let path = root.join(p);
            assert_eq!(
                resolver.resolve(&path).unwrap(),
                fs::canonicalize(&path).unwrap(),
                "{p}"
            );
        }
        assert!(resolver.resolve(&root.join("a/missing")).is_err());
        assert!(resolver.resolve(&root.join("a/b/c/f/g")).is_err());
    }

    #[test]
    fn slash_paths() {
        assert_eq!(slash_path(Path::new("./a/b")), "a/b");
        assert_eq!(slash_path(Path::new("")), ".");
        assert_eq!(
            relative_to(Path::new("/x/y/z"), Path::new("/x")).as_deref(),
            Some("y/z")
        );
        assert_eq!(relative_to(Path::new("/q"), Path::new("/x")), None);
    }
}
