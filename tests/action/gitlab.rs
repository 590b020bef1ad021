//! The GitLab template's job script, run under `sh` with a local release: it verifies the
//! archive before running it, writes the JUnit and Code Quality reports, and treats its
//! variables as data.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::harness::{Sandbox, have, path_str, run_ok, seaworthy, sha256};
use crate::scan::{INSECURE, project};
use crate::yaml;

const VERSION: &str = "1.2.3";

fn target() -> Option<&'static str> {
    let out = Command::new("uname").arg("-m").output().ok()?;
    match String::from_utf8_lossy(&out.stdout).trim() {
        "x86_64" | "amd64" => Some("x86_64-unknown-linux-musl"),
        "aarch64" | "arm64" => Some("aarch64-unknown-linux-musl"),
        _ => None,
    }
}

/// The template's script and default variables.
fn template() -> (String, Vec<(String, String)>) {
    let text = fs::read_to_string(crate::repo().join("ci/gitlab/seaworthy.gitlab-ci.yml")).unwrap();
    let doc = yaml::parse(&text);
    let job = doc.at(&[".seaworthy"]);
    let script = job.at(&["script"]).items()[0].str().unwrap().to_owned();
    let vars = job
        .at(&["variables"])
        .entries()
        .iter()
        .map(|(k, v)| (k.clone(), v.str().unwrap().to_owned()))
        .collect();
    (script, vars)
}

/// A release archive whose `seaworthy` runs the binary Cargo built, and a `wget` that
/// serves it from disk. Returns the archive's SHA-256.
fn release(sb: &Sandbox, target: &str) -> String {
    let name = format!("seaworthy-{VERSION}-{target}");
    let stage = sb.path("stage");
    fs::create_dir_all(stage.join(&name)).unwrap();
    let bin = stage.join(&name).join("seaworthy");
    fs::write(
        &bin,
        format!("#!/bin/sh\nexec '{}' \"$@\"\n", path_str(&seaworthy())),
    )
    .unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let dir = sb.path(&format!("release/v{VERSION}"));
    fs::create_dir_all(&dir).unwrap();
    let archive = dir.join(format!("{name}.tar.gz"));
    run_ok(
        Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&stage)
            .arg(&name),
    );
    // `wget -q -O FILE URL` for file:// URLs.
    let tools = sb.path("tools");
    fs::create_dir_all(&tools).unwrap();
    let wget = tools.join("wget");
    fs::write(
        &wget,
        "#!/bin/sh\n[ \"$1\" = -q ] && [ \"$2\" = -O ] || exit 9\ncp -- \"${4#file://}\" \"$3\"\n",
    )
    .unwrap();
    fs::set_permissions(&wget, fs::Permissions::from_mode(0o755)).unwrap();
    sha256(&archive)
}

fn run_job(sb: &Sandbox, dir: &Path, vars: &[(&str, String)]) -> Output {
    let (script, defaults) = template();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env_clear()
        .env(
            "PATH",
            format!(
                "{}:{}",
                path_str(&sb.path("tools")),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("TMPDIR", path_str(&sb.path("temp")))
        .env("CI_PROJECT_DIR", path_str(dir));
    for (k, v) in defaults {
        cmd.env(k, v);
    }
    cmd.env(
        "SEAWORTHY_DOWNLOAD_BASE",
        format!("file://{}", path_str(&sb.path("release"))),
    );
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn describe(out: &Output) -> String {
    format!(
        "{:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn template_job_verifies_runs_and_reports() {
    let Some(target) = target() else {
        eprintln!("skipped: no Linux release for this architecture");
        return;
    };
    if !have("sha256sum") {
        eprintln!("skipped: the template needs sha256sum (busybox or coreutils)");
        return;
    }
    let sb = Sandbox::new("gitlab");
    let sum = release(&sb, target);
    let dir = project(&sb, "", INSECURE);
    let reports = [
        "seaworthy-junit.xml",
        "gl-code-quality-report.json",
        "seaworthy.sarif",
    ];

    // The right checksum: seaworthy runs, fails on its findings, and writes every report.
    let out = run_job(
        &sb,
        &dir,
        &[
            ("SEAWORTHY_VERSION", VERSION.to_owned()),
            ("SEAWORTHY_SHA256", sum.clone()),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    for report in reports {
        assert!(dir.join(report).is_file(), "{report}: {}", describe(&out));
    }
    let quality: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(reports[1])).unwrap()).unwrap();
    assert!(!quality.as_array().unwrap().is_empty());
    assert!(
        fs::read_to_string(dir.join(reports[0]))
            .unwrap()
            .contains("<failure")
    );

    // fail-on never: the reports, and success.
    let out = run_job(
        &sb,
        &dir,
        &[
            ("SEAWORTHY_VERSION", VERSION.to_owned()),
            ("SEAWORTHY_SHA256", sum.clone()),
            ("SEAWORTHY_FAIL_ON", "never".to_owned()),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    // A wrong or missing checksum: nothing runs.
    for report in reports {
        fs::remove_file(dir.join(report)).unwrap();
    }
    // The last digit changed (tar.gz archives differ run to run, so never a fixed digit).
    let last = if sum.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &sum[..63]);
    for bad in [wrong, String::new(), format!("{sum}\n{sum}  /etc/passwd")] {
        let out = run_job(
            &sb,
            &dir,
            &[
                ("SEAWORTHY_VERSION", VERSION.to_owned()),
                ("SEAWORTHY_SHA256", bad.clone()),
            ],
        );
        assert_ne!(out.status.code(), Some(0), "{bad:?}: {}", describe(&out));
        assert_ne!(out.status.code(), Some(1), "{bad:?}: {}", describe(&out));
        for report in reports {
            assert!(!dir.join(report).exists(), "{bad:?} ran seaworthy");
        }
    }

    // Hostile variables are arguments, never shell code.
    let canary = sb.path("canary");
    let c = path_str(&canary);
    for (var, value) in [
        ("SEAWORTHY_ARGS", format!("; touch {c}")),
        ("SEAWORTHY_ARGS", format!("$(touch {c})")),
        ("SEAWORTHY_PATHS", format!("`touch {c}` *")),
        ("SEAWORTHY_FAIL_ON", format!("high; touch {c}")),
        ("SEAWORTHY_VERSION", format!("{VERSION}; touch {c}")),
    ] {
        let out = run_job(
            &sb,
            &dir,
            &[
                ("SEAWORTHY_VERSION", VERSION.to_owned()),
                ("SEAWORTHY_SHA256", sum.clone()),
                (var, value.clone()),
            ],
        );
        assert!(
            !canary.exists(),
            "{var}={value:?} ran a command: {}",
            describe(&out)
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{var}={value:?}: {}",
            describe(&out)
        );
    }
}
