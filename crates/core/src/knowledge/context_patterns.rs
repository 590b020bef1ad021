//! Local state that a build context often carries by accident: version-control data,
//! dependency and virtual-environment directories, caches, editor settings and logs.
//! None of it belongs in an image: it bloats layers, breaks reproducibility (host-built
//! `node_modules` for the wrong platform) and can expose history (`.git`).

/// A kind of local state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalState {
    /// What it is, for messages ("Git repository data").
    pub label: &'static str,
    /// Whether the directory holds third-party code rather than the project's own files
    /// (name-based secret checks do not look inside it: packages ship test keys).
    pub dependencies: bool,
}

/// Directories that are local state, by name.
const DIRECTORIES: [(&str, LocalState); 8] = [
    (
        ".git",
        LocalState {
            label: "Git repository data",
            dependencies: true,
        },
    ),
    (
        "node_modules",
        LocalState {
            label: "installed npm packages",
            dependencies: true,
        },
    ),
    (
        ".venv",
        LocalState {
            label: "Python virtual environment",
            dependencies: true,
        },
    ),
    (
        "venv",
        LocalState {
            label: "Python virtual environment",
            dependencies: true,
        },
    ),
    (
        "__pycache__",
        LocalState {
            label: "Python bytecode cache",
            dependencies: true,
        },
    ),
    (
        ".terraform",
        LocalState {
            label: "Terraform working directory",
            dependencies: false,
        },
    ),
    (
        ".idea",
        LocalState {
            label: "JetBrains IDE settings",
            dependencies: false,
        },
    ),
    (
        ".vscode",
        LocalState {
            label: "VS Code settings",
            dependencies: false,
        },
    ),
];

/// Files that are local state.
const LOG: LocalState = LocalState {
    label: "log file",
    dependencies: false,
};

/// The local-state kind of a directory with this name.
pub fn directory(name: &str) -> Option<LocalState> {
    DIRECTORIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

/// Whether a directory of this name needs a marker file to count as local state: `venv` is
/// also an ordinary directory name, so it counts only when it holds `pyvenv.cfg`.
pub fn needs_marker(name: &str) -> Option<&'static str> {
    matches!(name, "venv" | ".venv").then_some("pyvenv.cfg")
}

/// The local-state kind of a file with this name.
pub fn file(name: &str) -> Option<LocalState> {
    // `Path::extension` is `None` for a dotfile such as `.log`.
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("log"))
        .then_some(LOG)
}

/// Whether any directory of `path` (a `/`-separated path; its last component is not
/// looked at) holds third-party dependencies.
pub fn inside_dependencies(path: &str) -> bool {
    let mut parts = path.split('/');
    parts.next_back();
    parts.any(|d| directory(d).is_some_and(|s| s.dependencies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for d in [
            ".git",
            "node_modules",
            ".venv",
            "venv",
            "__pycache__",
            ".terraform",
            ".idea",
            ".vscode",
        ] {
            assert!(directory(d).is_some(), "{d}");
        }
        assert!(directory("src").is_none());
        assert!(directory(".github").is_none());
        assert_eq!(needs_marker("venv"), Some("pyvenv.cfg"));
        assert_eq!(needs_marker(".git"), None);
        assert!(file("app.log").is_some());
        assert!(file("ERROR.LOG").is_some());
        assert!(file(".log").is_none());
        assert!(file("catalog").is_none());
        assert!(file("changelog.md").is_none());
    }

    #[test]
    fn dependency_directories() {
        assert!(inside_dependencies("node_modules/x/test/key.pem"));
        assert!(inside_dependencies("web/.venv/lib/site.py"));
        assert!(!inside_dependencies("node_modules"));
        assert!(!inside_dependencies(".vscode/settings.json"));
        assert!(!inside_dependencies("src/.env"));
    }
}
