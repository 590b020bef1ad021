//! `action/install.sh`: release archives verified against committed checksums, the tool
//! cache, `version: path`, and refusals.

use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Sandbox, Step, StepRun, have, path_str, run_ok, sha256};

/// (`RUNNER_OS`, `RUNNER_ARCH`, release target, tool-cache architecture).
const RUNNERS: [(&str, &str, &str, &str); 6] = [
    ("Linux", "X64", "x86_64-unknown-linux-musl", "x64"),
    ("Linux", "ARM64", "aarch64-unknown-linux-musl", "arm64"),
    ("macOS", "X64", "x86_64-apple-darwin", "x64"),
    ("macOS", "ARM64", "aarch64-apple-darwin", "arm64"),
    ("Windows", "X64", "x86_64-pc-windows-msvc", "x64"),
    // Windows on Arm runs the x86_64 build through emulation.
    ("Windows", "ARM64", "x86_64-pc-windows-msvc", "x64"),
];

const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

/// A local release: archives like the release workflow's, and their checksums committed
/// into a copy of the action.
struct Release<'a> {
    sandbox: &'a Sandbox,
    action: PathBuf,
    downloads: PathBuf,
}

impl<'a> Release<'a> {
    fn new(sandbox: &'a Sandbox) -> Release<'a> {
        let downloads = sandbox.path("release");
        fs::create_dir_all(&downloads).unwrap();
        Release {
            sandbox,
            action: sandbox.action_copy(),
            downloads,
        }
    }

    fn base_url(&self) -> String {
        format!("file://{}", path_str(&self.downloads))
    }

    fn archive_path(&self, version: &str, target: &str) -> PathBuf {
        let ext = if target.contains("windows") {
            "zip"
        } else {
            "tar.gz"
        };
        self.downloads
            .join(format!("v{version}"))
            .join(format!("seaworthy-{version}-{target}.{ext}"))
    }

    /// Builds archives for `targets` whose binary prints `seaworthy VERSION TARGET`, and
    /// records their checksums in the action copy. Returns false when a Windows archive is
    /// asked for and `zip` is missing.
    fn publish(&self, version: &str, targets: &[&str]) -> bool {
        let stage = self.sandbox.path(&format!("stage-{version}"));
        let mut sums = String::new();
        for target in targets {
            let windows = target.contains("windows");
            if windows && !(have("zip") && have("unzip")) {
                return false;
            }
            let name = format!("seaworthy-{version}-{target}");
            let dir = stage.join(&name);
            fs::create_dir_all(&dir).unwrap();
            let bin = dir.join(if windows {
                "seaworthy.exe"
            } else {
                "seaworthy"
            });
            fs::write(
                &bin,
                format!("#!/bin/sh\necho \"seaworthy {version} {target}\"\n"),
            )
            .unwrap();
            fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
            fs::write(dir.join("README.md"), "seaworthy\n").unwrap();
            let archive = self.archive_path(version, target);
            fs::create_dir_all(archive.parent().unwrap()).unwrap();
            if windows {
                run_ok(
                    Command::new("zip")
                        .current_dir(&stage)
                        .args(["-q", "-r"])
                        .arg(&archive)
                        .arg(&name),
                );
            } else {
                run_ok(
                    Command::new("tar")
                        .arg("-czf")
                        .arg(&archive)
                        .arg("-C")
                        .arg(&stage)
                        .arg(&name),
                );
            }
            let file = archive.file_name().unwrap().to_str().unwrap().to_owned();
            writeln!(sums, "{}  {file}", sha256(&archive)).unwrap();
        }
        fs::write(
            self.action
                .join("checksums")
                .join(format!("v{version}.sha256")),
            sums,
        )
        .unwrap();
        true
    }

    fn install(&self, version: &str) -> Step<'a> {
        Step::with_script(self.sandbox, self.action.join("install.sh"))
            .env("INPUT_VERSION", version)
            .env("SEAWORTHY_DOWNLOAD_BASE", self.base_url())
    }
}

fn run_binary(path: &str) -> String {
    let out = Command::new(path).arg("version").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn assert_refused(run: &StepRun, needle: &str) {
    assert_eq!(run.code, 1, "{}", run.describe());
    assert!(
        run.errors().iter().any(|e| e.contains(needle)),
        "no error containing {needle:?}: {}",
        run.describe()
    );
    assert_eq!(run.output("binary"), None, "{}", run.describe());
}

#[test]
fn installs_the_verified_archive_for_every_runner() {
    let sb = Sandbox::new("install-all");
    let release = Release::new(&sb);
    if !release.publish("1.2.3", &TARGETS) {
        eprintln!("skipped: zip/unzip are not installed, so no Windows archive can be made");
        return;
    }
    for (os, arch, target, cache_arch) in RUNNERS {
        // A fresh tool cache for every runner.
        let cache = sb.path(&format!("cache-{os}-{arch}"));
        let run = release
            .install("1.2.3")
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("RUNNER_TOOL_CACHE", path_str(&cache))
            .run();
        assert_eq!(run.code, 0, "{os}/{arch}: {}", run.describe());
        let exe = if os == "Windows" { ".exe" } else { "" };
        let expected = cache.join(format!("seaworthy/1.2.3/{cache_arch}/seaworthy{exe}"));
        assert_eq!(run.out("binary"), path_str(&expected), "{os}/{arch}");
        assert_eq!(run.out("version"), "1.2.3");
        assert_eq!(run.out("cache-hit"), "false");
        assert!(
            run.stdout.contains("Verified SHA-256"),
            "{}",
            run.describe()
        );
        assert_eq!(
            run_binary(run.out("binary")),
            format!("seaworthy 1.2.3 {target}"),
            "{os}/{arch} installed the wrong archive"
        );
        assert!(
            cache
                .join(format!("seaworthy/1.2.3/{cache_arch}.complete"))
                .is_file()
        );
        if arch == "ARM64" && os == "Windows" {
            assert!(
                run.commands().iter().any(|c| c.name == "notice"),
                "{}",
                run.describe()
            );
        }
    }
}

#[test]
fn reuses_the_tool_cache_without_downloading() {
    let sb = Sandbox::new("install-cache");
    let release = Release::new(&sb);
    release.publish("1.2.3", &["x86_64-unknown-linux-musl"]);
    let first = release.install("1.2.3").run();
    assert_eq!(first.code, 0, "{}", first.describe());
    assert_eq!(first.out("cache-hit"), "false");

    fs::remove_dir_all(sb.path("release")).unwrap();
    let second = release.install("v1.2.3").run();
    assert_eq!(second.code, 0, "{}", second.describe());
    assert_eq!(second.out("cache-hit"), "true");
    assert_eq!(second.out("binary"), first.out("binary"));
    assert!(
        !second.stdout.contains("Downloading"),
        "{}",
        second.describe()
    );
}

#[test]
fn refuses_an_archive_whose_checksum_does_not_match() {
    let sb = Sandbox::new("install-mismatch");
    let release = Release::new(&sb);
    release.publish("1.2.3", &["x86_64-unknown-linux-musl"]);
    // The release asset is replaced after the checksums were committed.
    let archive = release.archive_path("1.2.3", "x86_64-unknown-linux-musl");
    let mut bytes = fs::read(&archive).unwrap();
    bytes.push(0);
    fs::write(&archive, bytes).unwrap();

    let run = release.install("1.2.3").run();
    assert_refused(
        &run,
        "checksum mismatch for seaworthy-1.2.3-x86_64-unknown-linux-musl.tar.gz",
    );
    assert!(
        !sb.path("toolcache/seaworthy/1.2.3/x64/seaworthy").exists(),
        "the unverified binary was installed"
    );
    assert!(!sb.path("toolcache/seaworthy/1.2.3/x64.complete").exists());
}

#[test]
fn refuses_an_archive_without_a_checksum_line() {
    let sb = Sandbox::new("install-noline");
    let release = Release::new(&sb);
    release.publish("1.2.3", &["x86_64-unknown-linux-musl"]);
    let run = release.install("1.2.3").env("RUNNER_ARCH", "ARM64").run();
    assert_refused(
        &run,
        "has no SHA-256 for seaworthy-1.2.3-aarch64-unknown-linux-musl.tar.gz",
    );
}

#[test]
fn refuses_a_version_without_committed_checksums() {
    let sb = Sandbox::new("install-unrecorded");
    let release = Release::new(&sb);
    release.publish("1.2.3", &["x86_64-unknown-linux-musl"]);
    let run = release.install("9.9.9").run();
    assert_refused(&run, "no checksums are committed for seaworthy 9.9.9");
}

#[test]
fn installs_the_newest_recorded_version_by_default() {
    let sb = Sandbox::new("install-default");
    let release = Release::new(&sb);
    for version in ["1.2.3", "1.10.0-rc.1", "1.10.0", "1.9.9"] {
        release.publish(version, &["x86_64-unknown-linux-musl"]);
    }
    let run = release.install("").run();
    assert_eq!(run.code, 0, "{}", run.describe());
    assert_eq!(run.out("version"), "1.10.0");

    let empty = Sandbox::new("install-none-recorded");
    let action = empty.action_copy();
    let run = Step::with_script(&empty, action.join("install.sh")).run();
    assert_refused(&run, "records no released version");
}

#[test]
fn names_the_runner_it_has_no_release_for() {
    let sb = Sandbox::new("install-unknown");
    let release = Release::new(&sb);
    release.publish("1.2.3", &["x86_64-unknown-linux-musl"]);
    for (os, arch) in [
        ("FreeBSD", "X64"),
        ("Linux", "ARM"),
        ("Linux", "X86"),
        ("", ""),
    ] {
        let run = release
            .install("1.2.3")
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .run();
        assert_refused(
            &run,
            &format!("seaworthy has no release for RUNNER_OS={os} RUNNER_ARCH={arch}"),
        );
        assert!(
            run.errors()[0].contains("version: path"),
            "the message says what to do instead: {}",
            run.describe()
        );
    }
}

#[test]
fn uses_the_seaworthy_on_path() {
    let sb = Sandbox::new("install-path");
    let bin = sb.path("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(crate::harness::seaworthy(), bin.join("seaworthy")).unwrap();
    let run = Step::new(&sb, "install.sh")
        .env("INPUT_VERSION", "path")
        .path_first(&bin)
        .run();
    assert_eq!(run.code, 0, "{}", run.describe());
    assert_eq!(run.out("binary"), path_str(&bin.join("seaworthy")));
    assert_eq!(run.out("version"), env!("CARGO_PKG_VERSION"));

    let run = Step::new(&sb, "install.sh")
        .env("INPUT_VERSION", "path")
        .env("PATH", "/usr/bin:/bin")
        .run();
    assert_refused(&run, "there is no seaworthy on PATH");
}

#[test]
fn refuses_malformed_versions_before_any_download() {
    let sb = Sandbox::new("install-badversion");
    let release = Release::new(&sb);
    release.publish("1.2.3", &["x86_64-unknown-linux-musl"]);
    let canary = sb.path("canary");
    let c = path_str(&canary);
    for version in [
        "1.2".to_owned(),
        "latest".to_owned(),
        "1.2.3/../../x".to_owned(),
        format!("1.2.3; touch {c}"),
        format!("$(touch {c})"),
        format!("`touch {c}`"),
        "1.2.3\n::error::pwned".to_owned(),
    ] {
        let run = release.install(&version).run();
        assert_refused(&run, "input version must be a release");
        assert!(!run.stdout.contains("Downloading"), "{}", run.describe());
        assert!(
            !run.commands().iter().any(|c| c.message == "pwned"),
            "{}",
            run.describe()
        );
        assert!(!canary.exists(), "{version:?} ran a command");
    }
}

/// The committed checksum files are well-formed and cover every release target.
#[test]
fn committed_checksums_are_well_formed() {
    let dir = crate::harness::repo().join("action/checksums");
    let line = regex::Regex::new(
        r"^([0-9a-f]{64})  seaworthy-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)-([a-z0-9_-]+)\.(tar\.gz|zip)$",
    )
    .unwrap();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name == "README.md" {
            continue;
        }
        let version = name
            .strip_prefix('v')
            .and_then(|n| n.strip_suffix(".sha256"))
            .unwrap_or_else(|| panic!("unexpected file {name} in action/checksums"));
        let text = fs::read_to_string(&path).unwrap();
        let mut targets = Vec::new();
        for l in text.lines() {
            let caps = line
                .captures(l)
                .unwrap_or_else(|| panic!("{name}: malformed line {l:?}"));
            assert_eq!(&caps[2], version, "{name}: {l}");
            let windows = caps[3].contains("windows");
            assert_eq!(&caps[4] == "zip", windows, "{name}: {l}");
            targets.push(caps[3].to_owned());
        }
        for target in TARGETS {
            assert!(targets.iter().any(|t| t == target), "{name} lacks {target}");
        }
    }
}
