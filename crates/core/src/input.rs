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
    if link_meta.file_type().is_symlink() || root.is_some() {
        if let Some(root) = root {
            check_inside(path, root).map_err(|m| diag(DiagnosticKind::SymlinkEscapes, m))?;
        }
    }
    let meta = fs::metadata(path).map_err(|e| {
        if link_meta.file_type().is_symlink() {
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
    let real =
        fs::canonicalize(path).map_err(|e| format!("cannot resolve path: {}", io_reason(&e)))?;
    let real_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err("is a symbolic link (or lies behind one) that leads outside the scanned directory: not read".to_owned())
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
