//! Hostile values in every input of the action are data: no command runs, no workflow
//! command or step output is injected, and a value reaches seaworthy as one argument or is
//! refused with a message.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::harness::{Sandbox, Step, StepRun, path_str, seaworthy};
use crate::scan::{INSECURE, project};

/// The outputs the action's steps may write.
const OUTPUTS: [&str; 8] = [
    "binary",
    "version",
    "cache-hit",
    "findings",
    "max-severity",
    "sarif-file",
    "junit-file",
    "verdict",
];

/// Values that would run a command, add a workflow command or an output, or turn into a
/// flag if an input were interpolated into shell code or passed carelessly.
fn hostile_values(canary: &str) -> Vec<String> {
    vec![
        format!("x; touch {canary}"),
        format!("$(touch {canary})"),
        format!("`touch {canary}`"),
        format!("x\n::error::pwned\nfindings=0\n; touch {canary}"),
        "--exit-zero".to_owned(),
        format!("x' \"$(touch {canary})\" '; touch {canary} #"),
        format!("${{IFS}}touch${{IFS}}{canary}"),
        "x\r\n::warning::pwned".to_owned(),
    ]
}

struct Case {
    sb: Sandbox,
    canary: PathBuf,
    argv_log: PathBuf,
    bin: PathBuf,
}

impl Case {
    fn new(name: &str) -> Case {
        let sb = Sandbox::new(name);
        project(&sb, "", INSECURE);
        let canary = sb.path("canary");
        let argv_log = sb.path("argv");
        // A seaworthy that records its arguments (NUL-separated) before running the real one.
        let bin = sb.path("bin");
        fs::create_dir_all(&bin).unwrap();
        let wrapper = bin.join("seaworthy");
        fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nif [ -n \"${{SEAWORTHY_ARGV_LOG:-}}\" ]; then printf '%s\\0' \"$@\" >\"$SEAWORTHY_ARGV_LOG\"; fi\nexec '{}' \"$@\"\n",
                path_str(&seaworthy())
            ),
        )
        .unwrap();
        fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();
        Case {
            sb,
            canary,
            argv_log,
            bin,
        }
    }

    /// install (version: path), scan and gate, as action.yml chains them, with one input set.
    fn run(&self, input: &str, value: &str) -> Vec<StepRun> {
        let _ = fs::remove_file(&self.argv_log);
        let version = if input == "INPUT_VERSION" {
            value
        } else {
            "path"
        };
        let install = Step::new(&self.sb, "install.sh")
            .env("INPUT_VERSION", version)
            .path_first(&self.bin)
            .run();
        if install.code != 0 {
            return vec![install];
        }
        let mut scan = Step::new(&self.sb, "scan.sh")
            .env("SEAWORTHY_BIN", install.out("binary"))
            .env("SEAWORTHY_ARGV_LOG", path_str(&self.argv_log));
        if input != "INPUT_VERSION" {
            scan = scan.env(input, value);
        }
        let scan = scan.run();
        if scan.code != 0 {
            return vec![install, scan];
        }
        let mut gate = Step::new(&self.sb, "gate.sh")
            .env("MAX_SEVERITY", scan.out("max-severity"))
            .env("FINDINGS", scan.out("findings"))
            .env("VERDICT", scan.out("verdict"));
        if input == "INPUT_FAIL_ON" {
            gate = gate.env("INPUT_FAIL_ON", value);
        }
        let gate = gate.run();
        vec![install, scan, gate]
    }

    /// The arguments seaworthy was started with by the scan step, if it was started.
    fn argv(&self) -> Option<Vec<String>> {
        let bytes = fs::read(&self.argv_log).ok()?;
        let text = String::from_utf8(bytes).unwrap();
        let mut args: Vec<String> = text.split('\0').map(str::to_owned).collect();
        assert_eq!(args.pop().as_deref(), Some(""));
        Some(args)
    }

    /// What must hold for every input and value.
    fn assert_contained(&self, input: &str, value: &str, steps: &[StepRun]) {
        assert!(
            !self.canary.exists(),
            "{input}={value:?} ran a command:\n{}",
            describe(steps)
        );
        for step in steps {
            for command in step.commands() {
                assert!(
                    !command.name.contains("pwned") && command.message != "pwned",
                    "{input}={value:?} injected a workflow command {command:?}:\n{}",
                    step.describe()
                );
            }
            let mut seen = BTreeSet::new();
            for (name, v) in &step.outputs {
                assert!(
                    OUTPUTS.contains(&name.as_str()),
                    "{input}={value:?} injected output {name}:\n{}",
                    step.describe()
                );
                assert!(seen.insert(name), "{input}: output {name} written twice");
                if name == "findings" {
                    assert!(v.chars().all(|c| c.is_ascii_digit()), "findings={v:?}");
                }
            }
        }
    }
}

fn describe(steps: &[StepRun]) -> String {
    steps
        .iter()
        .map(StepRun::describe)
        .collect::<Vec<_>>()
        .join("\n=====\n")
}

fn last(steps: &[StepRun]) -> &StepRun {
    steps.last().unwrap()
}

fn assert_refused(steps: &[StepRun], code: i32, needle: &str) {
    let step = last(steps);
    assert_eq!(step.code, code, "{}", describe(steps));
    assert!(
        step.errors().iter().any(|e| e.contains(needle)),
        "no error containing {needle:?}:\n{}",
        describe(steps)
    );
}

#[test]
fn paths() {
    let case = Case::new("hostile-paths");
    for value in hostile_values(&path_str(&case.canary)) {
        let steps = case.run("INPUT_PATHS", &value);
        case.assert_contained("paths", &value, &steps);
        // Each non-blank line is one path argument after `--`, blanks around it removed.
        let expected: Vec<String> = value
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let argv = case.argv().expect("seaworthy ran");
        let dashdash = argv.iter().position(|a| a == "--").unwrap();
        assert_eq!(argv[dashdash + 1..], expected[..], "{value:?}");
        // None of these paths exists: seaworthy says so and the step fails.
        assert_eq!(last(&steps).code, 2, "{}", describe(&steps));
    }
}

#[test]
fn config() {
    let case = Case::new("hostile-config");
    for value in hostile_values(&path_str(&case.canary)) {
        let steps = case.run("INPUT_CONFIG", &value);
        case.assert_contained("config", &value, &steps);
        let argv = case.argv().expect("seaworthy ran");
        assert!(argv.contains(&format!("--config={value}")), "{argv:?}");
        assert_eq!(last(&steps).code, 2, "{}", describe(&steps));
    }
}

#[test]
fn fail_on() {
    let case = Case::new("hostile-failon");
    for value in hostile_values(&path_str(&case.canary)) {
        let steps = case.run("INPUT_FAIL_ON", &value);
        case.assert_contained("fail-on", &value, &steps);
        assert_refused(&steps, 2, "input fail-on must be one of");
        assert_eq!(case.argv(), None, "seaworthy must not run");
    }
    // The gate checks it too, on its own.
    let steps = case.run("INPUT_FAIL_ON", "high");
    assert_eq!(last(&steps).code, 1);
    let gate = Step::new(&case.sb, "gate.sh")
        .env("INPUT_FAIL_ON", "$(touch x)")
        .env("MAX_SEVERITY", "high")
        .env("FINDINGS", "1")
        .env("VERDICT", "fail")
        .run();
    assert_eq!(gate.code, 2, "{}", gate.describe());
}

#[test]
fn annotations_and_job_summary() {
    let case = Case::new("hostile-bools");
    for input in ["INPUT_ANNOTATIONS", "INPUT_JOB_SUMMARY"] {
        for value in hostile_values(&path_str(&case.canary)) {
            let steps = case.run(input, &value);
            case.assert_contained(input, &value, &steps);
            assert_refused(&steps, 2, "must be true or false");
            assert_eq!(case.argv(), None, "seaworthy must not run");
        }
    }
}

#[test]
fn report_files() {
    let case = Case::new("hostile-files");
    let workspace = case.sb.workspace();
    for (input, output) in [
        ("INPUT_SARIF_FILE", "sarif-file"),
        ("INPUT_JUNIT_FILE", "junit-file"),
    ] {
        for value in hostile_values(&path_str(&case.canary)) {
            let steps = case.run(input, &value);
            case.assert_contained(input, &value, &steps);
            if value.contains('\n') || value.contains('\r') {
                assert_refused(&steps, 2, "must not contain a line break");
                continue;
            }
            // Any other value is a file name, taken literally below the working directory.
            let scan = &steps[1];
            assert_eq!(scan.code, 0, "{}", describe(&steps));
            let expected = format!("{}/{}", path_str(&workspace), value);
            assert_eq!(scan.out(output), expected);
            assert!(
                PathBuf::from(&expected).is_file(),
                "{expected:?} was not written"
            );
            assert_eq!(last(&steps).code, 1, "the gate still fails on the findings");
        }
    }
}

#[test]
fn category() {
    let case = Case::new("hostile-category");
    for value in hostile_values(&path_str(&case.canary)) {
        let steps = case.run("INPUT_CATEGORY", &value);
        case.assert_contained("category", &value, &steps);
        let argv = case.argv().expect("seaworthy ran");
        assert!(
            argv.contains(&format!("--sarif-category={value}")),
            "{argv:?}"
        );
        let scan = &steps[1];
        assert_eq!(scan.code, 0, "{}", describe(&steps));
        let sarif: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(scan.out("sarif-file")).unwrap()).unwrap();
        let id = sarif["runs"][0]["automationDetails"]["id"]
            .as_str()
            .unwrap();
        assert_eq!(
            id.strip_suffix('/').unwrap(),
            value,
            "the category arrives verbatim"
        );
    }
}

#[test]
fn version() {
    let case = Case::new("hostile-version");
    for value in hostile_values(&path_str(&case.canary)) {
        let steps = case.run("INPUT_VERSION", &value);
        case.assert_contained("version", &value, &steps);
        assert_eq!(steps.len(), 1, "the pipeline stops at install");
        assert_refused(&steps, 1, "input version must be a release");
    }
}

#[test]
fn args() {
    let case = Case::new("hostile-args");
    for value in hostile_values(&path_str(&case.canary)) {
        let steps = case.run("INPUT_ARGS", &value);
        case.assert_contained("args", &value, &steps);
        // Split at blanks and line breaks only, and placed before `--` and the paths.
        let words: Vec<&str> = value.split_ascii_whitespace().collect();
        let argv = case.argv().expect("seaworthy ran");
        let dashdash = argv.iter().position(|a| a == "--").unwrap();
        assert_eq!(
            argv[dashdash - words.len()..dashdash],
            words[..],
            "{value:?}"
        );
        if value == "--exit-zero" {
            // A real flag, and a documented one: report-only mode.
            assert_eq!(last(&steps).code, 0, "{}", describe(&steps));
        } else {
            assert_eq!(last(&steps).code, 2, "{}", describe(&steps));
        }
    }
}

#[test]
fn working_directory() {
    let case = Case::new("hostile-workdir");
    for value in hostile_values(&path_str(&case.canary)) {
        // A directory of that name does not exist: refused.
        let steps = case.run("INPUT_WORKING_DIRECTORY", &value);
        case.assert_contained("working-directory", &value, &steps);
        assert_refused(&steps, 2, "input working-directory is not a directory");
        assert_eq!(case.argv(), None);

        // It exists: seaworthy runs there.
        let dir = case.sb.workspace().join(&value);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("Dockerfile"), INSECURE).unwrap();
        let steps = case.run("INPUT_WORKING_DIRECTORY", &value);
        case.assert_contained("working-directory", &value, &steps);
        assert_eq!(steps.len(), 3, "{}", describe(&steps));
        assert_eq!(steps[1].code, 0, "{}", describe(&steps));
        assert_ne!(steps[1].out("findings"), "0");
        fs::remove_dir_all(case.sb.workspace().join(value.split('/').next().unwrap())).ok();
    }
}
