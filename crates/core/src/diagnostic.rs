//! Problems with input files that are not findings: a file that was found but could not be
//! checked at all (unreadable, too large, binary, not UTF-8, a symlink loop, a special file).
//!
//! A file that can be read but not parsed is a finding (`SW001 parse-error`), not a
//! diagnostic: its other lines are still checked. A diagnostic means the file was not
//! checked, which every output format reports so that a gap in an audit is never silent.

use std::fmt;

use serde::Serialize;

/// Why a file could not be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticKind {
    /// An I/O error while opening or reading the file (permissions, a vanished file).
    Unreadable,
    /// The file is larger than the size limit for inputs.
    TooLarge,
    /// The file looks binary (it contains NUL bytes).
    Binary,
    /// The file is not valid UTF-8.
    InvalidUtf8,
    /// Following a symbolic link led back to a directory already being walked.
    SymlinkLoop,
    /// A FIFO, socket or device file was skipped.
    SpecialFile,
    /// A symbolic link (or a path through one) that leads outside the scanned directory was
    /// not followed.
    SymlinkEscapes,
    /// A directory was found where a file was expected (a directory named `Dockerfile`).
    NotAFile,
    /// Part of a build context was not examined (an unreadable directory, a limit reached):
    /// context checks may miss files there.
    ContextIncomplete,
    /// Discovery found more files than the limit (`max-discovered-files`): the rest were not
    /// checked.
    TooManyFiles,
}

/// How serious a diagnostic is for the run as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// Something that was skipped on purpose and is probably not a container build file.
    Warning,
    /// A file that should have been checked and was not: the run did not complete.
    Error,
}

impl DiagnosticKind {
    pub const ALL: [DiagnosticKind; 10] = [
        DiagnosticKind::Unreadable,
        DiagnosticKind::TooLarge,
        DiagnosticKind::Binary,
        DiagnosticKind::InvalidUtf8,
        DiagnosticKind::SymlinkLoop,
        DiagnosticKind::SpecialFile,
        DiagnosticKind::SymlinkEscapes,
        DiagnosticKind::NotAFile,
        DiagnosticKind::ContextIncomplete,
        DiagnosticKind::TooManyFiles,
    ];

    /// Stable kebab-case name, as serialised in JSON and SARIF.
    pub const fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::Unreadable => "unreadable",
            DiagnosticKind::TooLarge => "too-large",
            DiagnosticKind::Binary => "binary",
            DiagnosticKind::InvalidUtf8 => "invalid-utf8",
            DiagnosticKind::SymlinkLoop => "symlink-loop",
            DiagnosticKind::SpecialFile => "special-file",
            DiagnosticKind::SymlinkEscapes => "symlink-escapes",
            DiagnosticKind::NotAFile => "not-a-file",
            DiagnosticKind::ContextIncomplete => "context-incomplete",
            DiagnosticKind::TooManyFiles => "too-many-files",
        }
    }

    /// Unreadable, oversized and non-UTF-8 files are errors: they were meant to be checked, as
    /// were the files past the discovery limit.
    /// Binary files, symlink loops and special files are warnings: discovery met them, but
    /// they are not documents seaworthy reads. An incomplete build context is a warning: the
    /// Dockerfile itself was checked.
    pub const fn level(self) -> DiagnosticLevel {
        match self {
            DiagnosticKind::Unreadable
            | DiagnosticKind::TooLarge
            | DiagnosticKind::InvalidUtf8
            | DiagnosticKind::TooManyFiles => DiagnosticLevel::Error,
            DiagnosticKind::Binary
            | DiagnosticKind::SymlinkLoop
            | DiagnosticKind::SpecialFile
            | DiagnosticKind::SymlinkEscapes
            | DiagnosticKind::NotAFile
            | DiagnosticKind::ContextIncomplete => DiagnosticLevel::Warning,
        }
    }
}

impl fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl DiagnosticLevel {
    pub const fn as_str(self) -> &'static str {
        match self {
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Error => "error",
        }
    }
}

impl fmt::Display for DiagnosticLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file that could not be checked, and why.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Path relative to the scan root, `/`-separated, as for findings.
    pub path: String,
    pub kind: DiagnosticKind,
    /// What went wrong, for a person: `permission denied (os error 13)`.
    pub message: String,
}

impl Diagnostic {
    pub fn new(path: impl Into<String>, kind: DiagnosticKind, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            kind,
            message: message.into(),
        }
    }

    pub const fn level(&self) -> DiagnosticLevel {
        self.kind.level()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_distinct_names_and_serialise_as_them() {
        let mut names: Vec<&str> = DiagnosticKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DiagnosticKind::ALL.len());
        for kind in DiagnosticKind::ALL {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
    }

    #[test]
    fn unreadable_is_an_error_and_special_files_are_warnings() {
        assert_eq!(DiagnosticKind::Unreadable.level(), DiagnosticLevel::Error);
        assert_eq!(
            DiagnosticKind::SpecialFile.level(),
            DiagnosticLevel::Warning
        );
        let d = Diagnostic::new("a/Dockerfile", DiagnosticKind::TooLarge, "9 MiB > 4 MiB");
        assert_eq!(d.to_string(), "a/Dockerfile: 9 MiB > 4 MiB (too-large)");
        assert_eq!(d.level(), DiagnosticLevel::Error);
    }
}
