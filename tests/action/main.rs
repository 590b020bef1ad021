//! Tests of the GitHub Action without GitHub: the install, scan and gate scripts run under
//! a simulated runner (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `RUNNER_*`, a local release
//! with archives and checksums, the binary Cargo built); the metadata of the action, the
//! workflows and the CI templates; and seaworthy on its own repository.
//!
//! The script tests need bash, tar and sha256sum (or shasum): they run on Linux and macOS.
//! Windows runners are covered by the action self-test workflow.
#![allow(clippy::unwrap_used)]

#[cfg(unix)]
mod gitlab;
#[cfg(unix)]
mod harness;
#[cfg(unix)]
mod hostile;
#[cfg(unix)]
mod install;
#[cfg(unix)]
mod scan;

mod metadata;
mod selfscan;
mod yaml;

use std::path::PathBuf;

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seaworthy binary Cargo built for these tests.
pub(crate) fn seaworthy() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_seaworthy"))
}
